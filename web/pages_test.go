package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ziping"
	"ziping/docx"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/servicetest"
	"ziping/xlsx"
)

func TestEscapingAndSearch(t *testing.T) {
	f := newFixture(t, 60)
	all := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102?period=2024"}).Body.String()
	if strings.Contains(all, "<script>alert(1)") || !strings.Contains(all, "&lt;script&gt;alert(1)&lt;/script&gt;实验小学") {
		t.Errorf("a school's name is not escaped on the school table")
	}
	if !strings.Contains(all, "&#39; OR 1=1 -- 中学") {
		t.Errorf("the SQL-ish name is not shown as text")
	}
	q := func(s string) string { return "/units/990102?period=2024&q=" + url.QueryEscape(s) }
	f.run(t, []scenario{
		{"percent is text", "filler", "", q("%"), nil, 200, []string{"共 1 条", "100%_达标学校"}},
		{"underscore is text", "filler", "", q("_"), nil, 200, []string{"共 1 条", "100%_达标学校"}},
		{"SQL in the search", "filler", "", q("' OR 1=1 --"), nil, 200, []string{"共 1 条", "&#39; OR 1=1 -- 中学"}},
		{"script in the search", "filler", "", q("<script>"), nil, 200, []string{"共 1 条", "符合「&lt;script&gt;」"}},
		{"no match", "filler", "", q("不存在的学校"), nil, 200, []string{"共 0 条", "没有符合条件的学校"}},
		{"by code", "filler", "", q(f.school), nil, 200, []string{f.school}},
		{"bad sort", "filler", "", "/units/990102?sort=drop", nil, 400, []string{"不支持的排序方式"}},
		{"bad page", "filler", "", "/units/990102?page=-1", nil, 400, []string{"页码无效"}},
		{"bad period", "filler", "", "/units/990102?period=abc", nil, 400, []string{"年度参数无效"}},
		{"unknown framework", "filler", "", "/units/990102?fw=nope", nil, 404, []string{"没有评价体系"}},
		{"long search", "filler", "", q(strings.Repeat("长", 51)), nil, 400, []string{"不能超过50个字"}},
	})
	// The search with "%" matched only the school with "%" in its name, not all rows:
	// count the rows of the table.
	body := f.do(request{role: "filler", method: http.MethodGet, path: q("%")}).Body.String()
	if n := strings.Count(body, `<td class="code">`); n != 1 {
		t.Errorf("search for %% shows %d rows", n)
	}
}

func TestSchoolTablePagingAndSort(t *testing.T) {
	f := newFixture(t, 240) // about 80 schools per county, more rows (一贯制 schools have two)
	body := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990102?period=2024"}).Body.String()
	m := regexp.MustCompile(`共 (\d+) 条`).FindStringSubmatch(body)
	total, _ := strconv.Atoi(m[1])
	if total <= schoolPageSize {
		t.Fatalf("want more than a page of rows, have %d", total)
	}
	pages := strconv.Itoa((total + schoolPageSize - 1) / schoolPageSize)
	if n := strings.Count(body, `<td class="code">`); n != schoolPageSize {
		t.Errorf("first page shows %d rows, want %d", n, schoolPageSize)
	}
	if !strings.Contains(body, "第 1 / "+pages+" 页") || !strings.Contains(body, "page=2") {
		t.Errorf("no link to page 2")
	}
	page2 := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990102?period=2024&page=2"}).Body.String()
	if !strings.Contains(page2, "第 2 / "+pages+" 页") || !strings.Contains(page2, "当前显示第 51–100 条") {
		t.Errorf("page 2 is not the second page")
	}
	// Sorted by students descending, the first row has the most students.
	desc := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990102?period=2024&sort=-students"}).Body.String()
	if !strings.Contains(desc, `aria-sort="descending"`) {
		t.Errorf("the sorted column is not marked")
	}
	rows, _, err := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{f.unitID(t, "990102")}, Period: 2024, Sort: "-students", Limit: 1})
	if err != nil || len(rows) != 1 {
		t.Fatal(err)
	}
	first := desc[strings.Index(desc, "<tbody>\n      <tr><td class=\"code\">"):]
	if !strings.HasPrefix(first[len("<tbody>\n      <tr><td class=\"code\">"):], rows[0].Code) {
		t.Errorf("the first row sorted by students is not %s", rows[0].Code)
	}
}

// TestSchoolTableTotalFollowsData: the total is counted once per data version, so a
// school moved out of the county leaves its table at once, total and rows; the
// schools of the page link to their pages, and a moved school's row goes with it.
func TestSchoolTableTotalFollowsData(t *testing.T) {
	f := newFixture(t, 60)
	page := func(q string) (int, string) {
		t.Helper()
		body := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990102?period=2024" + q}).Body.String()
		m := regexp.MustCompile(`共 (\d+) 条`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no total on the county page:\n%.2000s", body)
		}
		n, _ := strconv.Atoi(m[1])
		return n, body
	}
	before, body := page("")
	again, _ := page("")
	if again != before || before == 0 {
		t.Fatalf("totals %d then %d", before, again)
	}
	if !strings.Contains(body, `<a href="/units/`+f.school+`?`) {
		t.Errorf("the school %s is not linked to its page", f.school)
	}
	moved, _ := page("&q=" + f.school) // the school's rows of 2024 (一贯制 schools have two)
	mv, err := f.svc.Data.MoveSchool(f.ctx, f.actor("admin"), f.school, "990121")
	if err != nil {
		t.Fatal(err)
	}
	after, body := page("")
	if after != before-moved || moved == 0 || mv.Rows == 0 {
		t.Errorf("after moving %s (%d rows of 2024): total %d, want %d − %d", f.school, moved, after, before, moved)
	}
	if strings.Contains(body, f.school) {
		t.Errorf("the moved school is still in the table")
	}
	if n, _ := page("&q=" + f.school); n != 0 {
		t.Errorf("a search for the moved school finds %d rows", n)
	}
}

func (f *fixture) unitID(t *testing.T, code string) int64 {
	t.Helper()
	u, err := f.svc.Store.UnitByCode(f.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestSecurityHeaders: every response carries them, errors and files included.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, 60)
	for _, rq := range []request{
		{method: http.MethodGet, path: "/login"},
		{method: http.MethodGet, path: "/healthz"},
		{method: http.MethodGet, path: f.srv.assets.url("app.css")},
		{method: http.MethodGet, path: "/units/990102"}, // redirect
		{role: "filler", method: http.MethodGet, path: "/units/990102"},
		{role: "filler", method: http.MethodGet, path: "/units/990121"}, // 403
		{role: "admin", method: http.MethodGet, path: "/nowhere"},       // 404
		{role: "admin", method: http.MethodGet, path: "/units/990102/score.xlsx"},
		{role: "filler", method: http.MethodPost, path: "/logout", noCSRF: true, fresh: true}, // 403
		{role: "filler", method: http.MethodPost, path: "/logout", header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
	} {
		w := f.do(rq)
		h := w.Header()
		for k, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
		} {
			if h.Get(k) != want {
				t.Errorf("%s %s (%d): %s = %q", rq.method, rq.path, w.Code, k, h.Get(k))
			}
		}
		if h.Get("X-Request-Id") == "" {
			t.Errorf("%s %s: no request id", rq.method, rq.path)
		}
	}
}

func TestStatic(t *testing.T) {
	f := newFixture(t, 60)
	u := f.srv.assets.url("app.css")
	if !regexp.MustCompile(`^/static/app\.[0-9a-f]{12}\.css$`).MatchString(u) {
		t.Errorf("css url %q has no content hash", u)
	}
	w := f.do(request{method: http.MethodGet, path: u})
	if w.Code != 200 || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("css: %d %v", w.Code, w.Header())
	}
	if w := f.do(request{method: http.MethodGet, path: "/static/app.000000000000.css"}); w.Code != 404 {
		t.Errorf("a stale hash: %d", w.Code)
	}
	page := f.do(request{role: "admin", method: http.MethodGet, path: "/frameworks"}).Body.String()
	if !strings.Contains(page, `href="`+u+`"`) || strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Errorf("pages must link the hashed stylesheet and nothing outside the site")
	}
}

// failingStore fails Periods with an internal error whose text must not reach a page.
type failingStore struct{ Store }

var errSecret = errors.New("disk I/O error at /var/lib/ziping/secret.db")

func (failingStore) Periods(ctx context.Context) ([]int, error) { return nil, errSecret }

func TestErrorPageHidesInternals(t *testing.T) {
	f := newFixture(t, 60)
	real := f.srv.svc.Store
	f.login("filler", false) // sign in before the store breaks
	f.srv.svc.Store = failingStore{real}
	w := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102"})
	f.srv.svc.Store = real
	body := w.Body.String()
	id := w.Header().Get("X-Request-Id")
	if w.Code != 500 || strings.Contains(body, "secret") || strings.Contains(body, "disk I/O") || !strings.Contains(body, "系统内部错误") || !strings.Contains(body, id) {
		t.Errorf("internal error page: %d %s", w.Code, body)
	}
	logs := f.logs.String()
	if strings.Count(logs, "secret.db") != 1 || !strings.Contains(logs, "request_id="+id) || !strings.Contains(logs, "level=ERROR") {
		t.Errorf("the cause must be logged once with the request id:\n%s", logs)
	}
}

func TestTemplatesParse(t *testing.T) {
	ps, sub := embeddedPages(t)
	files, _ := fs.Glob(sub, "*.html")
	// layout.html, parts.html and the parts pages share are not pages; the survey's
	// bare pages are parsed alone.
	shared := map[string]bool{"layout.html": true, "parts.html": true}
	for _, parts := range pageParts {
		for _, p := range parts {
			shared[p] = true
		}
	}
	if len(ps.byName)+len(shared)+len(bareNames) != len(files) {
		t.Errorf("%d pages, %d shared files and %d bare pages parsed from %d files: a template is not listed in pageNames or bareNames",
			len(ps.byName), len(shared), len(bareNames), len(files))
	}
	for _, n := range bareNames {
		if _, err := template.ParseFS(sub, n+".html"); err != nil {
			t.Errorf("bare page %s: %v", n, err)
		}
	}
	// A broken template stops the start.
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	os.CopyFS(filepath.Join(dir, "static"), mustSub(t, "static"))
	os.CopyFS(filepath.Join(dir, "templates"), sub)
	os.WriteFile(filepath.Join(dir, "templates", "county.html"), []byte(`{{define "content"}}{{.Nope`), 0o644)
	_, err := New(webServices(servicetest.Wire(servicetest.OpenSQLite(t), nil, nil)), slog.New(slog.DiscardHandler), Options{Dev: true, DevDir: dir, ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter})
	if err == nil || !strings.Contains(err.Error(), "county") {
		t.Errorf("a broken template: %v", err)
	}
}

func mustSub(t *testing.T, dir string) fs.FS {
	t.Helper()
	sub, err := fs.Sub(embedded, dir)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// TestEveryPageRenders is the smoke test: every page for an admin, every metric's
// drill-down of both frameworks.
func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t, 60)
	cases := []scenario{
		{"login", "anon", "", "/login", nil, 200, []string{"用户登录", `name="csrf"`}},
		{"home", "admin", "", "/", nil, 200, []string{"工作台", "待复核的自评", "自评概况"}},
		{"units", "admin", "", "/units", nil, 303, nil},
		{"province", "admin", "", "/units/990000", nil, 200, []string{"示范省", "下级单位", "个区县"}},
		{"city", "admin", "", "/units/990100", nil, 200, []string{"所学校", "评分表"}},
		{"county", "admin", "", "/units/990102", nil, 200, []string{"评价指标", "区县基础数据", "一般公共预算教育支出", "学校数据", "查看评分表"}},
		{"county, lxzz", "admin", "", "/units/990102?fw=lxzz-county", nil, 200, []string{"已计分合计", "待人工评分，暂不定等次", "仅按数据计分（人工评分项未计入）"}},
		{"school", "admin", "", "/units/" + f.school, nil, 200, []string{"在校生数", "专任教师数"}},
		{"score, verdict", "admin", "", "/units/990102/score?fw=yzjh-2017", nil, 200, []string{"评估结论", "资源配置", "A3", "相关指标"}},
		{"score, grade", "admin", "", "/units/990102/score?fw=lxzz-county", nil, 200, []string{"测评点合计", "总分", "等次", "扣分理由"}},
		{"frameworks", "admin", "", "/frameworks", nil, 200, []string{"yzjh-2017", "lxzz-county"}},
		{"no data", "admin", "", "/units/990102?period=2020", nil, 200, []string{"暂无2020年度的数据"}},
		{"score without data", "admin", "", "/units/990102/score?period=2020", nil, 404, []string{"没有2020年度的数据"}},
		{"unknown metric", "admin", "", "/units/990102/explain/no.such", nil, 404, []string{"没有这个指标"}},
		{"unknown framework", "admin", "", "/frameworks/nope", nil, 404, nil},
	}
	for _, id := range frameworks.IDs() {
		cases = append(cases, scenario{"framework " + id, "admin", "", "/frameworks/" + id, nil, 200, []string{"计分规则", "指标公式"}})
		if lv := f.srv.programs[id].FW.Level; lv != engine.LevelCounty {
			cases = append(cases, scenario{"score of a county with " + id, "admin", "", "/units/990102/score?fw=" + id, nil, 400, []string{"不能在区县页面使用"}})
			continue
		}
		for _, m := range f.srv.programs[id].FW.Metrics {
			cases = append(cases, scenario{"explain " + m.ID, "admin", "", "/units/990102/explain/" + m.ID + "?fw=" + id, nil, 200, []string{"计算过程", "公式"}})
		}
	}
	f.run(t, cases)
}

func TestScoreSheetDownload(t *testing.T) {
	f := newFixture(t, 60)
	w := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102/score.xlsx?fw=yzjh-2017&period=2024"})
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("download: %d %v", w.Code, w.Header())
	}
	cd := w.Header().Get("Content-Disposition")
	want := "filename*=UTF-8''" + url.PathEscape("黄海区2024年度县域义务教育优质均衡发展督导评估评分表.xlsx")
	if !strings.HasPrefix(cd, `attachment; filename="990102-2024-score.xlsx"; `) || !strings.HasSuffix(cd, want) {
		t.Errorf("Content-Disposition %q", cd)
	}
	book, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	title, _ := book.GetCellValue("评分表", "A1")
	if !strings.Contains(title, "黄海区2024年度") {
		t.Errorf("workbook title %q", title)
	}
}

// TestIndicatorColours: a metric is red when a rule on it lost points, and only
// then, also when a point has several metrics (yzjh A3: seven CVs, one rule each).
func TestIndicatorColours(t *testing.T) {
	t.Parallel()
	prog, err := frameworks.Builtin("yzjh-2017")
	if err != nil {
		t.Fatal(err)
	}
	a3 := &prog.FW.Areas[0].Points[2]
	if a3.Code != "A3" || len(a3.Rules) != 7 {
		t.Fatalf("yzjh-2017 changed: %s has %d rules", a3.Code, len(a3.Rules))
	}
	equip, media := a3.Rules[5], a3.Rules[6]
	for _, c := range []struct {
		name string
		pr   engine.PointResult
		want []string
	}{
		{"nothing lost", engine.PointResult{Code: "A3", Status: engine.StatusScored}, nil},
		{"one of seven", engine.PointResult{Code: "A3", Status: engine.StatusScored, Lost: 1,
			Reasons: []string{equip.Label + "为0.612，高于0.500"}}, []string{equip.Metric}},
		{"two of seven", engine.PointResult{Code: "A3", Status: engine.StatusScored, Lost: 2,
			Reasons: []string{media.Label + "为0.7，高于0.500", equip.Label + "为0.6，高于0.500"}}, []string{equip.Metric, media.Metric}},
	} {
		got := map[string]bool{}
		markLost(a3, &c.pr, got)
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		for _, m := range c.want {
			if !got[m] {
				t.Errorf("%s: %s not marked", c.name, m)
			}
		}
	}
	// One label inside another: lxzz point 3 (增长率 and 生均…增长率).
	lx, _ := frameworks.Builtin("lxzz-county")
	var p3 *engine.Point
	for ai := range lx.FW.Areas {
		for pi := range lx.FW.Areas[ai].Points {
			if lx.FW.Areas[ai].Points[pi].Code == "3" {
				p3 = &lx.FW.Areas[ai].Points[pi]
			}
		}
	}
	long, short := p3.Rules[1], p3.Rules[0]
	if !strings.Contains(long.Label, short.Label) {
		t.Skip("lxzz point 3 labels changed")
	}
	got := map[string]bool{}
	markLost(p3, &engine.PointResult{Status: engine.StatusScored, Lost: 3, Reasons: []string{"第3测评点" + long.Label + "为-1.0%"}}, got)
	if !got[long.Metric] || got[short.Metric] {
		t.Errorf("the longer label must win: %v", got)
	}
}

func TestIndicatorPage(t *testing.T) {
	f := newFixture(t, 60)
	body := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990102?fw=yzjh-2017"}).Body.String()
	if !strings.Contains(body, "<b>A3</b> ≤ 0.500") {
		t.Errorf("the CV indicators do not show their standard")
	}
	score := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990102/score?fw=yzjh-2017"}).Body.String()
	if fails, lost := strings.Count(body, `<tr class="fail">`), strings.Count(score, `<tr class="lost">`); (fails == 0) != (lost == 0) {
		t.Errorf("%d red indicators but %d points lost", fails, lost)
	}
}
