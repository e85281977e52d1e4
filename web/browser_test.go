package web

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"ziping/browsertest"
)

// The browser tests drive the application in headless chromium (see package
// browsertest): each has its own fixture served over HTTP and its own tab, with
// its own cookies. With ZIPING_SCREENSHOTS=1 they also write the screenshots of
// docs/screenshots.

func TestMain(m *testing.M) { browsertest.Main(m) }

// site is the fixture served over HTTP.
type site struct {
	*fixture
	url string
}

func newSite(t *testing.T) *site {
	t.Helper()
	f := newFixture(t, 60)
	ts := httptest.NewServer(f.srv.Handler())
	t.Cleanup(ts.Close)
	return &site{fixture: f, url: ts.URL}
}

// pagePath is the path of the tab's page.
func pagePath(t *testing.T, ctx context.Context) string {
	t.Helper()
	return browsertest.Eval[string](t, ctx, `location.pathname`)
}

// signIn fills in and submits the login form, starting from the login page, and
// returns the status of the page it leads to.
func (s *site) signIn(t *testing.T, ctx context.Context, user, pass string) int {
	t.Helper()
	browsertest.Run(t, ctx,
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), pass),
	)
	return browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)))
}

// screenshot saves the page as docs/screenshots/name when ZIPING_SCREENSHOTS=1.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("ZIPING_SCREENSHOTS") != "1" {
		return
	}
	browsertest.Screenshot(t, ctx, filepath.Join("..", "docs", "screenshots", name))
}

// TestBrowserCountyPages: sign in through the form, see the indicators, open the
// score sheet and from a point's indicator the drill-down to the schools; sign out.
func TestBrowserCountyPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := browsertest.Chrome(t)

	// An anonymous visit to the home page lands on the login form.
	if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/")); st != 200 || pagePath(t, ctx) != "/login" {
		t.Fatalf("anonymous home: status %d at %s, want the login page", st, pagePath(t, ctx))
	}
	if h := browsertest.Text(t, ctx, "h1"); h != "用户登录" {
		t.Errorf("login page heading %q", h)
	}

	ru := roleUsers["filler"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 {
		t.Fatalf("sign in: status %d", st)
	}
	// Signing in leads to the home page (工作台), and from it to the county's page.
	if p := pagePath(t, ctx); p != "/" {
		t.Fatalf("after signing in: at %s, want the home page", p)
	}
	if h := browsertest.Text(t, ctx, ".page-head h1"); h != "工作台" {
		t.Errorf("home page heading %q", h)
	}
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("home-units"))); st != 200 || pagePath(t, ctx) != "/units/990102" {
		t.Fatalf("「本单位数据」: status %d at %s, want the county page", st, pagePath(t, ctx))
	}
	if h := browsertest.Text(t, ctx, ".page-head h1"); !strings.Contains(h, "黄海区") {
		t.Errorf("county page heading %q", h)
	}
	if u := browsertest.Text(t, ctx, ".site-nav .user-name"); u != "用户"+ru.user {
		t.Errorf("signed-in user shown as %q", u)
	}
	browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#indicators table tbody tr`)))
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#indicators table tbody tr').length`); n < 5 {
		t.Errorf("the indicators table has %d rows", n)
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#schools table tbody tr').length`); n == 0 {
		t.Errorf("the school table is empty")
	}
	screenshot(t, ctx, "browser-county.png")

	// The score sheet.
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`.summary a.button.primary`))); st != 200 {
		t.Fatalf("score sheet: status %d", st)
	}
	if p := pagePath(t, ctx); p != "/units/990102/score" {
		t.Fatalf("score link led to %s", p)
	}
	browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`table.score tbody tr.area`)))
	if h := browsertest.Text(t, ctx, ".page-head h1"); !strings.Contains(h, "评分表") {
		t.Errorf("score sheet heading %q", h)
	}
	screenshot(t, ctx, "browser-score.png")

	// A point's indicator (yzjh A3's first: a coefficient of variation over the
	// schools), or else the first indicator link of the sheet.
	const link = `(() => {
		const links = [...document.querySelectorAll('table.score td.links a')];
		return links.find(a => a.closest('tr').querySelector('td.code')?.textContent.trim() === 'A3') || links[0];
	})()`
	name := browsertest.Eval[string](t, ctx, link+`.textContent`)
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.JSPath(link))); st != 200 {
		t.Fatalf("drill-down of %s: status %d", name, st)
	}
	if p := pagePath(t, ctx); !strings.HasPrefix(p, "/units/990102/explain/") {
		t.Fatalf("indicator link led to %s", p)
	}
	if h := browsertest.Text(t, ctx, ".page-head h1"); h != strings.TrimSpace(name) {
		t.Errorf("drill-down heading %q, want %q", h, name)
	}
	browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`section.call table.data tbody tr`)))
	hint := browsertest.Text(t, ctx, `section.call p.hint`)
	m := regexp.MustCompile(`共 (\d+) 所学校`).FindStringSubmatch(hint)
	if m == nil {
		t.Fatalf("drill-down hint %q", hint)
	}
	want, _ := strconv.Atoi(m[1])
	rows := browsertest.Eval[int](t, ctx, `document.querySelector('section.call table.data').tBodies[0].rows.length`)
	if want == 0 || rows != want {
		t.Errorf("drill-down shows %d school rows, its summary says %d", rows, want)
	}
	screenshot(t, ctx, "browser-explain.png")

	// Sign out: back at the login form, and the county page asks to sign in again.
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`form.logout button`))); st != 200 || pagePath(t, ctx) != "/login" {
		t.Fatalf("sign out: status %d at %s", st, pagePath(t, ctx))
	}
	if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/units/990102")); st != 200 || pagePath(t, ctx) != "/login" {
		t.Errorf("after signing out the county page gives %d at %s, want the login form", st, pagePath(t, ctx))
	}
}

// TestBrowserOtherCounty: a county's filler is refused another county's page with
// the Chinese 403 page, and reaches its own.
func TestBrowserOtherCounty(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := browsertest.Chrome(t)
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login"))
	ru := roleUsers["filler"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 {
		t.Fatalf("sign in: status %d", st)
	}
	if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/units/990121")); st != 403 {
		t.Errorf("other county: status %d, want 403", st)
	}
	if h := browsertest.Text(t, ctx, ".error-box h1"); h != "无权访问" {
		t.Errorf("403 page heading %q", h)
	}
	if msg := browsertest.Text(t, ctx, ".error-box"); !strings.Contains(msg, "您无权查看该单位的数据") || !strings.Contains(msg, "403") {
		t.Errorf("403 page says %q", msg)
	}
	screenshot(t, ctx, "browser-403.png")
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`.error-box a.button.primary`))); st != 200 || pagePath(t, ctx) != "/" {
		t.Errorf("「返回首页」: status %d at %s, want the home page", st, pagePath(t, ctx))
	}
	if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/units/990102/score")); st != 200 {
		t.Errorf("own county's score sheet: status %d", st)
	}
}

// TestBrowserWrongPassword: a wrong password keeps the form, with the user name,
// and says so.
func TestBrowserWrongPassword(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := browsertest.Chrome(t)
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login"))
	if st := s.signIn(t, ctx, "county2", "not-the-password"); st != 401 {
		t.Errorf("wrong password: status %d, want 401", st)
	}
	if msg := browsertest.Text(t, ctx, `p.alert[role=alert]`); msg != "用户名或密码错误" {
		t.Errorf("wrong password: the form says %q", msg)
	}
	if p := pagePath(t, ctx); p != "/login" {
		t.Errorf("wrong password: at %s", p)
	}
	if v := browsertest.Eval[string](t, ctx, `document.getElementById('username').value`); v != "county2" {
		t.Errorf("the user name field holds %q", v)
	}
	screenshot(t, ctx, "browser-login-error.png")
	// The right password then works from the same form.
	browsertest.Run(t, ctx, chromedp.Clear(chromedp.ID("username")))
	if st := s.signIn(t, ctx, "county2", password("county2")); st != 200 || pagePath(t, ctx) != "/" {
		t.Errorf("then the right password: status %d at %s", st, pagePath(t, ctx))
	}
}

// TestBrowserImport: upload a workbook with a bad cell, see the error with its
// sheet, row and column, upload the corrected file, check the preview, confirm,
// and find the school on the county page.
func TestBrowserImport(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	if !s.hasRoute("GET /units/{code}/import") {
		t.Skip("import UI not yet present")
	}
	ctx := browsertest.Chrome(t)
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next=/units/990102/import"))
	ru := roleUsers["admin"] // schools new to the org tree are created by admins only
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != "/units/990102/import" {
		t.Fatalf("sign in to the import page: status %d at %s", st, pagePath(t, ctx))
	}

	const code, name = "9901029999", "浏览器测试小学"
	file := filepath.Join(t.TempDir(), "学校数据.xlsx")
	upload := func(students any) int {
		t.Helper()
		writeSchoolBook(t, file, []any{code, name, "990102", "黄海区", "小学", "公办", 2024, students, 12, 30})
		browsertest.Run(t, ctx,
			chromedp.WaitVisible(chromedp.ID("import-file")),
			chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{file}),
		)
		return browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("import-submit")))
	}

	// 在校生数 written in words: refused, cell by cell, nothing imported.
	if st := upload("一千"); st != 422 {
		t.Errorf("upload with a bad cell: status %d, want 422", st)
	}
	browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#import-errors tbody tr`)))
	if msg := browsertest.Text(t, ctx, "#import-message"); !strings.Contains(msg, "1处错误") {
		t.Errorf("error message %q", msg)
	}
	cells := browsertest.Eval[[][]string](t, ctx, `[...document.querySelectorAll('#import-errors tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()))`)
	if len(cells) != 1 || len(cells[0]) != 6 {
		t.Fatalf("error table %q, want one row of six cells", cells)
	}
	if got := cells[0]; got[0] != "学校数据.xlsx" || got[1] != "学校" || got[2] != "2" || !strings.Contains(got[3], "在校生数") || got[4] != "一千" || got[5] == "" {
		t.Errorf("error row %q, want 学校数据.xlsx, sheet 学校, row 2, column 在校生数, value 一千 and a reason", got)
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#import-summary, #import-confirm').length`); n != 0 {
		t.Errorf("a file with errors offers to import it")
	}
	screenshot(t, ctx, "browser-import-errors.png")

	// The corrected file: a preview, nothing imported yet.
	if st := upload(1000); st != 200 {
		t.Fatalf("corrected upload: status %d", st)
	}
	browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.ID("import-confirm")))
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#import-errors').length`); n != 0 {
		t.Errorf("the corrected file still shows errors")
	}
	for id, want := range map[string]string{"import-periods": "2024", "import-counties": "1", "import-schools": "1", "import-rows": "1"} {
		if got := browsertest.Text(t, ctx, "#"+id); got != want {
			t.Errorf("preview %s: %q, want %q", id, got, want)
		}
	}
	if row := browsertest.Text(t, ctx, "#import-sample tbody tr"); !strings.Contains(row, code) || !strings.Contains(row, name) || !strings.Contains(row, "1000") {
		t.Errorf("preview sample row %q", row)
	}
	screenshot(t, ctx, "browser-import-preview.png")

	// Confirm: back on the county page with the message, the school in its table.
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("import-confirm"))); st != 200 {
		t.Fatalf("confirm: status %d", st)
	}
	if p := pagePath(t, ctx); p != "/units/990102" {
		t.Fatalf("after confirming: at %s, want the county page", p)
	}
	if msg := browsertest.Text(t, ctx, "#flash"); !strings.Contains(msg, "已导入「学校数据.xlsx」") || !strings.Contains(msg, "2024年度学校数据1行") {
		t.Errorf("flash message %q", msg)
	}
	screenshot(t, ctx, "browser-import-done.png")
	browsertest.Run(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#schools input[type=search]`), name),
	)
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`#schools form.search button[type=submit]`))); st != 200 {
		t.Fatalf("search: status %d", st)
	}
	if row := browsertest.Text(t, ctx, "#schools table tbody tr"); !strings.Contains(row, code) || !strings.Contains(row, name) || !strings.Contains(row, "1000") {
		t.Errorf("the imported school's row: %q", row)
	}
	// The flash is shown once.
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#flash').length`); n != 0 {
		t.Errorf("the flash message is shown again")
	}
}

// hasRoute reports whether the route table has pattern.
func (s *site) hasRoute(pattern string) bool {
	for _, rt := range s.srv.routeTable() {
		if rt.pattern == pattern {
			return true
		}
	}
	return false
}

// writeSchoolBook writes a workbook with a sheet 学校 of one school row.
func writeSchoolBook(t *testing.T, path string, row []any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "学校"); err != nil {
		t.Fatal(err)
	}
	header := []any{"学校代码", "学校名称", "区县代码", "区县名称", "学段", "办学类型", "年度", "在校生数", "班级数", "专任教师数"}
	for r, cells := range [][]any{header, row} {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow("学校", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}
