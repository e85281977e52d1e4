package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
)

// TestBrowserAdminFramework: an administrator uploads a revised framework with
// mistakes and sees each beside its line, uploads it corrected, reads the preview
// with its changes against the version that applies, and chooses it from 2025 on.
func TestBrowserAdminFramework(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := browsertest.Chrome(t)
	good := revisedXQPJPH(t)
	bad := strings.Replace(good, "metric: kg.gross_rate, op", "metric: kg.gross_rat, op", 1)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	upload := func(path string) int {
		browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.ID("fw-file")), chromedp.SetUploadFiles(chromedp.ID("fw-file"), []string{path}))
		return browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("fw-submit")))
	}

	browsertest.Run(t, ctx, chromedp.Navigate(s.url+"/login"))
	if st := s.signIn(t, ctx, "admin1", password("admin1")); st != 200 {
		t.Fatalf("sign in: %d", st)
	}
	browsertest.Run(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/admin/frameworks"]`)), chromedp.WaitVisible(chromedp.ID("fw-list")))

	if st := upload(write("学前新版.yaml", bad)); st != 422 {
		t.Fatalf("bad file: %d", st)
	}
	if got := browsertest.Text(t, ctx, "#fw-problems"); !strings.Contains(got, "学前新版.yaml:108") || !strings.Contains(got, "kg.gross_rat") {
		t.Errorf("problem list: %q", got)
	}
	if got := browsertest.Text(t, ctx, ".source-line.bad"); !strings.Contains(got, "108") || !strings.Contains(got, "kg.gross_rat") {
		t.Errorf("the bad line: %q", got)
	}
	if got := browsertest.Text(t, ctx, ".source-problem"); !strings.Contains(got, "第108行") {
		t.Errorf("the problem under its line: %q", got)
	}
	screenshot(t, ctx, "admin-framework-check.png")

	if st := upload(write("学前新版.yaml", good)); st != 200 || pagePath(t, ctx) != "/admin/frameworks/xqpjph-2020/versions/2025.1" {
		t.Fatalf("good file: %d at %s", st, pagePath(t, ctx))
	}
	if got := browsertest.Text(t, ctx, "#fw-change-table"); !strings.Contains(got, "85") || !strings.Contains(got, "90") {
		t.Errorf("changes: %q", got)
	}
	if got := browsertest.Text(t, ctx, "#area-A"); !strings.Contains(got, "毛入园率") {
		t.Errorf("preview: %q", got)
	}
	screenshot(t, ctx, "admin-framework-version.png")

	browsertest.Run(t, ctx, chromedp.SetValue(chromedp.ID("fw-period"), "2025"))
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`#fw-activate-form button`))); st != 200 || pagePath(t, ctx) != "/admin/frameworks/xqpjph-2020" {
		t.Fatalf("choose: %d at %s", st, pagePath(t, ctx))
	}
	if got := browsertest.Text(t, ctx, "#version-2025\\.1"); !strings.Contains(got, "2025年度起") {
		t.Errorf("version row after choosing: %q", got)
	}
	if got := browsertest.Text(t, ctx, "#flash"); !strings.Contains(got, "自2025年度起适用") {
		t.Errorf("flash: %q", got)
	}
	screenshot(t, ctx, "admin-framework.png")
}
