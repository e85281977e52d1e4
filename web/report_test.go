package web

import (
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/browsertest"
	"ziping/dataset"
	"ziping/engine"
)

// cleanReport is a narrative with nothing left to fill in.
const cleanReport = `## 基本情况

本县义务教育学校均已纳入评价。

## 存在问题

个别学校设施有待改善。

## 改进措施（下一步工作）

继续加大投入，改善办学条件。
`

// writeReport saves narrative as the report of assessment id.
func (f *fixture) writeReport(a *ziping.Actor, id int64, narrative string) {
	f.t.Helper()
	_, d, err := f.svc.Reports.ReportOf(f.ctx, a, id)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.svc.Reports.SaveReport(f.ctx, a, id, []byte(narrative), d.Version); err != nil {
		f.t.Fatalf("save report: %v", err)
	}
}

// reportVersion is the version the editor page posts back.
func reportVersion(t *testing.T, body string) string {
	t.Helper()
	const mark = `name="version" value="`
	i := strings.Index(body, mark)
	if i < 0 {
		t.Fatalf("the editor has no version field")
	}
	rest := body[i+len(mark):]
	return rest[:strings.IndexByte(rest, '"')]
}

// TestReportEditor: the filler saves a report with a placeholder, the lint panel and
// the submission name it; a stale save is a conflict that keeps the typed text; the
// Word download carries the unit; other roles see the report read-only.
func TestReportEditor(t *testing.T) {
	f := newFixture(t, 60)
	a := f.actor("filler")
	id := f.startAssessment(a, "990102", testFW, 2024)
	f.scoreRest(a, id)
	page := reportURL(id)

	w := f.do(request{role: "filler", path: assessmentURL(id)})
	want(t, "assessment page", w, 200, `href="`+page+`"`)
	w = f.do(request{role: "filler", path: page})
	want(t, "editor", w, 200, `id="report-text"`, "继续加大投入", `<code>{{`, `id="report-value-names"`, "插入", `src="`+page+`.html"`, "下载Word", "没有占位符",
		`id="report-read"`, `<p class="rb-h rb-h2">基本情况</p>`)
	v0 := reportVersion(t, w.Body.String())

	text := strings.Replace(cleanReport, "继续加大投入", "生均经费增长x%，继续加大投入", 1)
	w = f.do(request{role: "filler", method: http.MethodPost, path: page, form: url.Values{"text": {text}, "version": {v0}}})
	want(t, "save", w, 303)
	if loc := w.Header().Get("Location"); loc != page {
		t.Fatalf("save went to %q", loc)
	}
	w = f.do(request{role: "filler", path: page})
	want(t, "lint panel", w, 200, `class="report-issue"`, "x%", "改进措施", "生均经费增长x%")
	if reportVersion(t, w.Body.String()) == v0 {
		t.Errorf("the version did not change")
	}

	// A save from the page opened before is a conflict: the typed text stays.
	w = f.do(request{role: "filler", method: http.MethodPost, path: page, form: url.Values{"text": {"## 基本情况\n\n我的新文字\n"}, "version": {v0}}})
	want(t, "stale save", w, http.StatusConflict, "已被他人修改", "我的新文字", `id="report-message"`)

	// The submission is refused, naming the placeholder.
	w = f.do(request{role: "filler", method: http.MethodPost, path: assessmentURL(id) + "/submit", form: url.Values{"status": {ziping.StatusDraft}, "confirm": {"1"}}})
	want(t, "submit", w, http.StatusBadRequest, "x%")
	f.wantStatus(id, ziping.StatusDraft, 0)

	// Preview renders the posted text without saving it.
	w = f.do(request{role: "filler", method: http.MethodPost, path: page + "/preview", form: url.Values{"text": {"## 基本情况\n\n预览专用文字\n"}}})
	want(t, "preview", w, 200, "预览专用文字")
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("preview CSP %q", csp)
	}
	w = f.do(request{role: "filler", path: page + ".html"})
	want(t, "report html", w, 200, "黄海区", "生均经费增长x%")
	if strings.Contains(w.Body.String(), "预览专用文字") {
		t.Errorf("the preview was saved")
	}

	w = f.do(request{role: "filler", path: page + ".docx"})
	want(t, "docx", w, 200)
	if ct := w.Header().Get("Content-Type"); ct != ctypeDOCX {
		t.Fatalf("docx content type %q", ct)
	}
	if doc := rkDocumentXML(t, w.Body.Bytes()); !strings.Contains(doc, "黄海区") {
		t.Errorf("the report's document.xml lacks the unit name")
	}

	// The reviewer sees the report but cannot edit it.
	// The formatted document only: no text, no check, no Markdown or tokens.
	w = f.do(request{role: "reviewer", path: page})
	want(t, "reviewer", w, 200, `id="report-document"`, `src="`+page+`.html"`)
	for _, not := range []string{`id="report-text"`, `id="report-lint"`, "## ", "{{", `id="report-values"`, "生均经费增长x%"} {
		if strings.Contains(w.Body.String(), not) {
			t.Errorf("the reviewer's read-only report shows %q", not)
		}
	}
	want(t, "reviewer save", f.do(request{role: "reviewer", method: http.MethodPost, path: page,
		form: url.Values{"text": {"x"}, "version": {"0"}}}), http.StatusForbidden)
}

// reportMatrix is the authorization matrix rows of the report routes.
func reportMatrix(f *fixture, units map[string]string) map[string]func(role string) []check {
	// The assessment matrix's: K2's draft and K3's published assessment of 2024.
	find := func(county, status string) int64 {
		u, err := f.svc.Store.UnitByCode(f.ctx, county)
		if err != nil {
			f.t.Fatal(err)
		}
		list, err := f.svc.Store.Assessments(f.ctx, ziping.AssessmentQuery{UnitIDs: []int64{u.ID}})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, as := range list {
			if as.Period == 2024 && as.Status == status {
				return as.ID
			}
		}
		f.t.Fatalf("no %s assessment of %s", status, county)
		return 0
	}
	draft, pub := find(units["K2"], ziping.StatusDraft), find(units["K3"], ziping.StatusPublished)
	d, p := reportURL(draft), reportURL(pub)
	by := func(method, path string, form url.Values, st map[string]int) func(role string) []check {
		return func(role string) []check {
			c := check{req: request{role: role, method: method, path: path, form: form}, status: st[role]}
			if role == "anon" && c.status != http.StatusUnauthorized {
				c.status, c.location = http.StatusSeeOther, "/login"
			}
			return []check{c}
		}
	}
	both := func(fns ...func(string) []check) func(string) []check {
		return func(role string) []check {
			var out []check
			for _, fn := range fns {
				out = append(out, fn(role)...)
			}
			return out
		}
	}
	see := map[string]int{"admin": 200, "reviewer": 200, "filler": 200, "school": 404, "viewer": 404}
	seePub := map[string]int{"admin": 200, "reviewer": 200, "filler": 404, "school": 404, "viewer": 200}
	file := func(suffix string) func(string) []check {
		dl := map[string]int{"anon": 401}
		dlPub := map[string]int{"anon": 401}
		for k, v := range see {
			dl[k] = v
		}
		for k, v := range seePub {
			dlPub[k] = v
		}
		return both(by(http.MethodGet, d+suffix, nil, dl), by(http.MethodGet, p+suffix, nil, dlPub))
	}
	pdf := map[string]int{"anon": 401, "admin": 404, "reviewer": 404, "filler": 404, "school": 404, "viewer": 404}
	if _, err := exec.LookPath("soffice"); err == nil {
		pdf["admin"], pdf["reviewer"], pdf["filler"] = 200, 200, 200
	}
	// A save with a bad version: 400 for those who may edit, refused for the others.
	bad := url.Values{"text": {"## 基本情况\n"}, "version": {"abc"}}
	stale := url.Values{"text": {"## 基本情况\n"}, "version": {"99"}}
	return map[string]func(role string) []check{
		"GET /assessments/{id}/report": both(by(http.MethodGet, d, nil, see), by(http.MethodGet, p, nil, seePub)),
		"POST /assessments/{id}/report": both(
			by(http.MethodPost, d, bad, map[string]int{"admin": 400, "filler": 400, "reviewer": 400, "school": 404, "viewer": 404}),
			by(http.MethodPost, p, stale, map[string]int{"admin": 409, "reviewer": 403, "filler": 404, "school": 404, "viewer": 403})),
		"POST /assessments/{id}/report/preview": both(
			by(http.MethodPost, d+"/preview", bad, see), by(http.MethodPost, p+"/preview", bad, seePub)),
		// The text as it reads, while typed: for those who may edit only.
		"POST /assessments/{id}/report/read": both(
			by(http.MethodPost, d+"/read", bad, map[string]int{"admin": 200, "filler": 200, "reviewer": 403, "school": 404, "viewer": 404}),
			by(http.MethodPost, p+"/read", bad, map[string]int{"admin": 403, "reviewer": 403, "filler": 404, "school": 404, "viewer": 403})),
		"GET /assessments/{id}/report.html": file(".html"),
		"GET /assessments/{id}/report.docx": file(".docx"),
		// Without LibreOffice a PDF is a 404 naming the package, whoever asks.
		"GET /assessments/{id}/report.pdf": by(http.MethodGet, d+".pdf", nil, pdf),
	}
}

// TestReportPDF: without LibreOffice the PDF download is an error page that
// names the package; with it, a PDF.
func TestReportPDF(t *testing.T) {
	f := newFixture(t, 60)
	a := f.actor("filler")
	id := f.startAssessment(a, "990102", testFW, 2024)
	w := f.do(request{role: "filler", path: reportURL(id) + ".pdf"})
	switch w.Code {
	case http.StatusOK:
		if !strings.HasPrefix(w.Body.String(), "%PDF") {
			t.Errorf("not a PDF")
		}
	case http.StatusNotFound:
		want(t, "pdf", w, http.StatusNotFound, "libreoffice-writer")
	default:
		t.Fatalf("pdf: status %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	want(t, "pdf others", f.do(request{role: "viewer", path: reportURL(id) + ".pdf"}), http.StatusNotFound)
}

// TestBrowserReport: the filler writes a placeholder into 改进措施, saves, sees it in
// the lint panel, and the submission is refused naming it.
func TestBrowserReport(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	filler := s.actor("filler")
	id := s.startAssessment(filler, "990102", testFW, 2024)
	s.scoreRest(filler, id)
	page, editor := assessmentURL(id), reportURL(id)
	ctx := browsertest.Chrome(t)
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+page))
	ru := roleUsers["filler"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != page {
		t.Fatalf("sign in: status %d at %s", st, pagePath(t, ctx))
	}
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("report-link"))); st != 200 || pagePath(t, ctx) != editor {
		t.Fatalf("open the editor: status %d at %s", st, pagePath(t, ctx))
	}
	// Type a sentence at the end of 改进措施 (the last section).
	browsertest.Eval[bool](t, ctx, `(() => { const e = document.getElementById('report-text'); e.focus(); e.selectionStart = e.selectionEnd = e.value.length; return true })()`)
	browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID("report-text"), "生均经费增长x%。\n"))
	// The value picker inserts a token at the cursor.
	browsertest.Eval[bool](t, ctx, `(() => { document.getElementById('report-values').open = true; return true })()`)
	browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`button.insert-token`)), chromedp.ScrollIntoView(chromedp.CSS(`button.insert-token`)),
		chromedp.Click(chromedp.CSS(`button.insert-token`)))
	if v := browsertest.Eval[string](t, ctx, `document.getElementById('report-text').value`); !strings.Contains(v, "增长x%。\n{{") {
		t.Fatalf("the token was not inserted at the cursor: %q", v)
	}
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("report-save"))); st != 200 || pagePath(t, ctx) != editor {
		t.Fatalf("save: status %d at %s: %s", st, pagePath(t, ctx), browsertest.Text(t, ctx, "main"))
	}
	if txt := browsertest.Text(t, ctx, "#report-lint"); !strings.Contains(txt, "x%") || !strings.Contains(txt, "下一步工作打算") {
		t.Fatalf("lint panel: %s", txt)
	}
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("report-back"))); st != 200 || pagePath(t, ctx) != page {
		t.Fatalf("back: status %d at %s", st, pagePath(t, ctx))
	}
	if txt := browsertest.Text(t, ctx, "#readiness"); !strings.Contains(txt, "x%") {
		t.Fatalf("readiness lacks the placeholder: %s", txt)
	}
	// The page disables the button; a submission that gets past it (an old page,
	// a tampered form) is refused by the server all the same.
	browsertest.Eval[bool](t, ctx, `(() => { document.getElementById('submit-button').disabled = false; return true })()`)
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("submit-button"))); st != http.StatusBadRequest {
		t.Fatalf("submit: status %d", st)
	}
	if st := browsertest.Text(t, ctx, "#assessment-status"); st != "填报中" {
		t.Fatalf("status %q after a refused submit", st)
	}
	if msg := browsertest.Text(t, ctx, "#assessment-message"); !strings.Contains(msg, "x%") {
		t.Fatalf("refusal %q does not name the placeholder", msg)
	}
	s.wantStatus(id, ziping.StatusDraft, 0)
}

// TestReportChanges: after the data changes, the editor shows what the generated
// 存在问题 lost and gained since the draft was saved; saving again acknowledges it.
func TestReportChanges(t *testing.T) {
	f := newFixture(t, 60)
	filler := f.actor("filler")
	id := f.startAssessment(filler, "990102", testFW, 2024)
	f.writeReport(filler, id, cleanReport)
	page := reportURL(id)
	if body := f.do(request{role: "filler", method: "GET", path: page}).Body.String(); strings.Contains(body, `id="report-changes"`) {
		t.Fatal("changes shown right after saving")
	}
	ds := f.dataset(60)
	col := ds.Periods[2024].Schools.Num[engine.SchoolElementIndex("students")]
	for i := range col {
		col[i] *= 3 // every school oversize: new deductions
	}
	if _, err := f.svc.Data.ImportDataset(f.ctx, ziping.System, ds, dataset.ImportSource{File: "改.xlsx"}); err != nil {
		t.Fatal(err)
	}
	body := f.do(request{role: "filler", method: "GET", path: page}).Body.String()
	if !strings.Contains(body, `id="report-changes"`) || !strings.Contains(body, `class="added"`) {
		t.Fatalf("no changes shown after the data changed:\n%.2000s", body)
	}
	_, d, err := f.svc.Reports.ReportOf(f.ctx, filler, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Reports.SaveReport(f.ctx, filler, id, d.Narrative, d.Version); err != nil {
		t.Fatal(err)
	}
	if body := f.do(request{role: "filler", method: "GET", path: page}).Body.String(); strings.Contains(body, `id="report-changes"`) {
		t.Fatal("changes still shown after saving again")
	}
}

// TestReportCheckOnLoadIsCheckOnSave: a report nobody has saved opens on the starter
// text, and the check it shows is of that text: the finding the save of the
// unchanged text gives, at the same line of the text (the issue: clean on load, then
// 「第134行」 of a 12-line text after saving). A refused save is checked as typed. A
// published report is the formatted document only.
func TestReportCheckOnLoadIsCheckOnSave(t *testing.T) {
	f := newFixture(t, 60)
	a := f.actor("filler")
	id := f.startAssessment(a, "990102", testFW, 2024)
	page := reportURL(id)
	where := regexp.MustCompile(`data-line="(\d+)"[^>]*>第(\d+)行第\d+字`)
	lines := func(body string) []string {
		var out []string
		for _, m := range where.FindAllStringSubmatch(body, -1) {
			if m[1] != m[2] {
				t.Errorf("a finding links line %s but names line %s", m[1], m[2])
			}
			out = append(out, m[2])
		}
		return out
	}
	load := f.do(request{role: "filler", path: page}).Body.String()
	if !strings.Contains(load, `id="report-unsaved"`) || strings.Contains(load, `id="report-clean"`) {
		t.Fatalf("the starter is not checked as shown")
	}
	before := lines(load)
	starter := strings.Count(reportStarter, "\n")
	if len(before) == 0 {
		t.Fatal("the starter's 「（请填写改进措施）」 is not a finding on load")
	}
	for _, l := range before {
		if n, _ := strconv.Atoi(l); n < 1 || n > starter {
			t.Errorf("a finding at line %s of the %d-line starter", l, starter)
		}
	}
	w := f.do(request{role: "filler", method: http.MethodPost, path: page, form: url.Values{"text": {reportStarter}, "version": {reportVersion(t, load)}}})
	want(t, "save the starter", w, http.StatusSeeOther)
	saved := f.do(request{role: "filler", path: page}).Body.String()
	if after := lines(saved); !slices.Equal(after, before) || strings.Contains(saved, `id="report-unsaved"`) {
		t.Errorf("on load the findings were at lines %v, after saving the same text at %v", before, after)
	}
	// A refused save (a stale version) is checked as typed: its blank at its line.
	typed := "## 基本情况\n\n全县共有学校x所。\n"
	w = f.do(request{role: "filler", method: http.MethodPost, path: page, form: url.Values{"text": {typed}, "version": {"0"}}})
	if body := w.Body.String(); w.Code != http.StatusConflict || !slices.Contains(lines(body), "3") || !strings.Contains(body, `id="report-unsaved"`) {
		t.Errorf("a refused save: %d, findings at %v", w.Code, lines(body))
	}
	// Published: the document only.
	pub := f.publishedAssessment("990121", testFW, 2024)
	for _, role := range []string{"admin", "reviewer", "viewer"} {
		body := f.do(request{role: role, path: reportURL(pub)}).Body.String()
		if !strings.Contains(body, `id="report-document"`) {
			t.Errorf("%s: the published report is not the formatted document", role)
		}
		for _, not := range []string{`id="report-text"`, `id="report-lint"`, `id="report-read"`, "{{", "## "} {
			if strings.Contains(body, not) {
				t.Errorf("%s: the published report shows %q", role, not)
			}
		}
	}
}

func TestReportKindName(t *testing.T) {
	t.Parallel()
	for kind, want := range map[string]string{"x%": "未填写的数字（x%）", "x.x万元": "未填写的数字（x.x万元）", "20xx年": "未填写的年份（20xx年）",
		"XX": "未填写的内容（XX）", "请填写": "待填写的提示", "未填写章节": "未填写章节", "缺少成文日期": "缺少成文日期"} {
		if got := reportKindName(kind); got != want {
			t.Errorf("%q: %q, want %q", kind, got, want)
		}
	}
}
