package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
)

// TestBrowserDueDate: the city's reviewer follows its home's due-date card to the
// form and sets this year's date for 履职评价; the county's clerk then finds it on
// its home, counted down; the administrator's home shows its panels of imports,
// users and data gaps. At 1366 px and on a phone.
func TestBrowserDueDate(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			s.startAssessment(s.actor("filler"), "990102", testFW, 2024)

			ctx := browsertest.Chrome(t)
			emulate(t, ctx, vp.width, vp.height, vp.mobile)
			browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login"))
			ru := roleUsers["reviewer"]
			if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != "/" {
				t.Fatalf("sign in: status %d at %s", st, pagePath(t, ctx))
			}
			row := "#due-" + testFW
			if d := browsertest.Text(t, ctx, row+" strong"); d != "未设定" {
				t.Errorf("before: the card says %q", d)
			}
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(row+" a"))); st != 200 || pagePath(t, ctx) != "/units/990100/due" {
				t.Fatalf("the card's link: status %d at %s", st, pagePath(t, ctx))
			}
			noOverflow(t, ctx, "the due-date form", vp.width)
			if vp.name == "390" {
				screenshot(t, ctx, "browser-due-form-phone.png")
			}
			browsertest.Run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("due-date-input").value = "2024-05-13"`))
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("due-save"))); st != 200 {
				t.Fatalf("saving: status %d", st)
			}
			if a := browsertest.Text(t, ctx, "#due-applies strong"); a != "2024-05-13（本单位设定）" {
				t.Errorf("after saving the form says %q", a)
			}

			clerk := browsertest.Chrome(t)
			emulate(t, clerk, vp.width, vp.height, vp.mobile)
			browsertest.Response(t, clerk, chromedp.Navigate(s.url+"/login"))
			ru = roleUsers["filler"]
			if st := s.signIn(t, clerk, ru.user, password(ru.user)); st != 200 || pagePath(t, clerk) != "/" {
				t.Fatalf("the clerk's sign in: status %d at %s", st, pagePath(t, clerk))
			}
			if d := browsertest.Text(t, clerk, "#work .work-due"); d != "截止日期 2024-05-13（还剩12天）" {
				t.Errorf("the clerk's home says %q", d)
			}
			noOverflow(t, clerk, "the clerk's home", vp.width)
			if vp.name == "1366" {
				screenshot(t, clerk, "browser-home-filler-due.png")
			}

			admin := browsertest.Chrome(t)
			emulate(t, admin, vp.width, vp.height, vp.mobile)
			browsertest.Response(t, admin, chromedp.Navigate(s.url+"/login"))
			ru = roleUsers["admin"]
			if st := s.signIn(t, admin, ru.user, password(ru.user)); st != 200 || pagePath(t, admin) != "/" {
				t.Fatalf("the admin's sign in: status %d at %s", st, pagePath(t, admin))
			}
			if f := browsertest.Text(t, admin, "#imports-table tbody tr td:nth-child(3)"); f != "示范.xlsx" {
				t.Errorf("the latest import's file %q", f)
			}
			if r := browsertest.Text(t, admin, "#users-roles"); !strings.Contains(r, "系统管理员 1人") || !strings.Contains(r, "督导复核 1人") {
				t.Errorf("the users by role %q", r)
			}
			if g := browsertest.Text(t, admin, "#admin-gaps h3"); !strings.HasPrefix(g, "未导入学校数据的区县") {
				t.Errorf("the data gaps panel starts %q", g)
			}
			noOverflow(t, admin, "the admin's home", vp.width)
			if vp.name == "1366" {
				screenshot(t, admin, "browser-home-admin.png")
			} else {
				screenshot(t, admin, "browser-home-admin-phone.png")
			}
		})
	}
}
