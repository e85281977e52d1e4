package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
)

// TestBrowserDeeperTrees: the framework browser nests the groups of a three-level
// framework, and a county's score sheet shows each group's subtotal before its points.
func TestBrowserDeeperTrees(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	addTreeFramework(t, s.srv)
	ctx := browsertest.Chrome(t)
	browsertest.Run(t, ctx, chromedp.Navigate(s.url+"/login"))
	ru := roleUsers["admin"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 {
		t.Fatalf("sign in: %d", st)
	}
	if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/frameworks/xxbxzl-2021")); st != 200 {
		t.Fatalf("framework page: %d", st)
	}
	// Twelve 关键指标 nested in the five areas, each with its points inside it.
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll("section.card > section.fw-group").length`); n != 12 {
		t.Errorf("%d groups shown, want 12", n)
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll("section.fw-group article.point").length`); n != 26 {
		t.Errorf("%d points inside groups, want 26", n)
	}
	screenshot(t, ctx, "framework-tree.png")
	if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/units/990102/score?fw=t3&period=2024")); st != 200 {
		t.Fatalf("score page: %d", st)
	}
	rows := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll("table.score tbody tr")].map(r => r.className + ":" + r.cells[0].textContent.trim())`)
	want := []string{"area:1 保障", "group:1.1", "lost:1.1.1", "pending:1.1.2", "group:1.2", "pending:1.2.1", "area:2 质量", "pending:2.1"}
	if len(rows) != len(want) {
		t.Fatalf("rows %q, want %q", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
		}
	}
	screenshot(t, ctx, "score-tree.png")
}
