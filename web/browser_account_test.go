package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
)

// TestBrowserUsers: an admin opens 用户管理 from the menu, sees the account others'
// guesses locked, and unlocks it with its button; then changes its own password.
func TestBrowserUsers(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for range 5 {
		s.postLogin(t, "10.0.0.9", "viewer3", "attacker-guess-1")
	}
	ctx := browsertest.Chrome(t)
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login"))
	ru := roleUsers["admin"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 {
		t.Fatalf("sign in: %d", st)
	}
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`.site-nav a[href="/admin/users"]`))); st != 200 {
		t.Fatalf("users page: %d", st)
	}
	if got := browsertest.Text(t, ctx, "#user-viewer3"); !strings.Contains(got, "锁定至") {
		t.Fatalf("viewer3's row: %q; want it locked", got)
	}
	screenshot(t, ctx, "users.png")
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`#user-viewer3 form[action$="/unlock"] button`))); st != 200 {
		t.Fatalf("unlock: %d", st)
	}
	if flash := browsertest.Text(t, ctx, "#flash"); !strings.Contains(flash, "已解除用户 viewer3 的锁定") {
		t.Errorf("after unlocking: %q", flash)
	}
	if got := browsertest.Text(t, ctx, "#user-viewer3"); strings.Contains(got, "锁定至") || !strings.Contains(got, "正常") {
		t.Errorf("viewer3's row after the unlock: %q", got)
	}
	// The password form, from the menu.
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`.site-nav a[href="/account/password"]`))); st != 200 {
		t.Fatalf("password page: %d", st)
	}
	browsertest.Run(t, ctx,
		chromedp.SendKeys(chromedp.ID("current"), password(ru.user)),
		chromedp.SendKeys(chromedp.ID("new"), "password123"),
		chromedp.SendKeys(chromedp.ID("again"), "password123"),
	)
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`form.form button[type=submit]`))); st != 400 {
		t.Errorf("a common password: %d", st)
	}
	if msg := browsertest.Text(t, ctx, ".alert"); !strings.Contains(msg, "这个密码太常见") {
		t.Errorf("refusal of a common password: %q", msg)
	}
	screenshot(t, ctx, "password.png")
}
