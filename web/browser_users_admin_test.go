package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
)

// TestBrowserUserAdmin: an admin adds a user through the form (a weak password
// first: refused, the form kept), resets another user's password from its row, and
// reads both in the audit trail in Chinese; at 1366 px and on a 390 px phone, where
// neither page is wider than the screen.
func TestBrowserUserAdmin(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, width := range []int64{1366, 390} {
		ctx := browsertest.Chrome(t)
		if width == 390 {
			browsertest.Run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		} else {
			browsertest.Run(t, ctx, chromedp.EmulateViewport(1366, 900))
		}
		browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login"))
		ru := roleUsers["admin"]
		if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 {
			t.Fatalf("sign in: %d", st)
		}
		if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/admin/users")); st != 200 {
			t.Fatalf("users page: %d", st)
		}
		user := "li.si" + map[int64]string{1366: "a", 390: "b"}[width]
		browsertest.Run(t, ctx,
			chromedp.SendKeys(chromedp.ID("ua-username"), user),
			chromedp.SendKeys(chromedp.ID("ua-name"), "李四"),
			chromedp.SetValue(chromedp.ID("ua-role"), "viewer"),
			chromedp.SendKeys(chromedp.ID("ua-scope"), "990121"),
			chromedp.SendKeys(chromedp.ID("ua-password"), "password123"),
			chromedp.SendKeys(chromedp.ID("ua-again"), "password123"),
		)
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`#user-add-form button[type=submit]`))); st != 400 {
			t.Fatalf("a common password: %d", st)
		}
		if msg := browsertest.Text(t, ctx, "#user-add-error"); !strings.Contains(msg, "这个密码太常见") {
			t.Errorf("refusal: %q", msg)
		}
		if v := browsertest.Eval[string](t, ctx, `document.getElementById('ua-username').value`); v != user {
			t.Errorf("the form lost the user name: %q", v)
		}
		browsertest.Run(t, ctx,
			chromedp.SendKeys(chromedp.ID("ua-password"), "Shanshui-Lvse-2026"),
			chromedp.SendKeys(chromedp.ID("ua-again"), "Shanshui-Lvse-2026"),
		)
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`#user-add-form button[type=submit]`))); st != 200 {
			t.Fatalf("add: %d", st)
		}
		if got := browsertest.Text(t, ctx, "#user-"+strings.ReplaceAll(user, ".", `\.`)); !strings.Contains(got, "李四") || !strings.Contains(got, "查看") {
			t.Errorf("the new user's row: %q", got)
		}
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > int(width) {
			t.Errorf("users page is %d px wide on a %d px screen", w, width)
		}
		if width == 1366 {
			screenshot(t, ctx, "users-admin.png")
		} else {
			screenshot(t, ctx, "users-admin-phone.png")
		}
		// Reset the new user's password from its row.
		row := "#reset-" + strings.ReplaceAll(user, ".", `\.`)
		browsertest.Run(t, ctx,
			chromedp.Click(chromedp.CSS(row+" summary")),
			chromedp.SendKeys(chromedp.CSS(row+` input[name=password]`), "Qingshan-Lvshui-88"),
			chromedp.SendKeys(chromedp.CSS(row+` input[name=again]`), "Qingshan-Lvshui-88"),
		)
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(row+` button[type=submit]`))); st != 200 {
			t.Fatalf("reset: %d", st)
		}
		if flash := browsertest.Text(t, ctx, "#flash"); !strings.Contains(flash, "已重置用户 "+user+" 的密码") {
			t.Errorf("after the reset: %q", flash)
		}
		// The audit trail in words.
		if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/audit?user=admin1")); st != 200 {
			t.Fatalf("audit: %d", st)
		}
		table := browsertest.Text(t, ctx, "#audit-table")
		for _, want := range []string{"添加用户", "重置密码", "用户 " + user, "角色", "查看"} {
			if !strings.Contains(table, want) {
				t.Errorf("the audit trail lacks %q", want)
			}
		}
		if strings.Contains(table, "user_add") {
			t.Error("the audit trail shows the action's id outside its toggle")
		}
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > int(width) {
			t.Errorf("audit page is %d px wide on a %d px screen", w, width)
		}
		if width == 1366 {
			screenshot(t, ctx, "audit.png")
		}
	}
}
