package web

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ziping"
)

func rkForm(p ziping.Problem, kv ...string) url.Values {
	v := url.Values{"version": {strconv.FormatInt(p.Version, 10)}, "measures": {p.Measures}, "owner": {p.Owner},
		"status": {p.Status}, "note": {p.Note}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestProblemWorkflow: the unit fills a problem in and marks it done with evidence;
// the reviewer verifies it; conflicts and refusals keep what was typed.
func TestProblemWorkflow(t *testing.T) {
	f := newFixture(t, 30)
	k2 := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
	k3 := f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
	p := f.rkProblems(k2)[0]
	other := f.rkProblems(k3)[0]
	path := problemURL(p.ID)

	f.run(t, []scenario{
		{"the unit's problem", "filler", "GET", path, nil, 200, []string{html.EscapeString(p.Description), `name="version" value="1"`,
			`<option value="open" selected>未整改</option>`, `<option value="done">已完成</option>`, `id="evidence-form"`, "/notice.docx"}},
		{"the reviewer's view", "reviewer", "GET", path, nil, 200, []string{html.EscapeString(p.Description)}},
		{"another county's problem", "filler", "GET", problemURL(other.ID), nil, 404, []string{"没有这个问题"}},
		{"a viewer before publication", "viewer", "GET", problemURL(other.ID), nil, 404, nil},
		{"a school's user", "school", "GET", path, nil, 404, nil},
		{"no such problem", "admin", "GET", "/problems/999999", nil, 404, nil},
		{"not a number", "admin", "GET", "/problems/abc", nil, 404, nil},
	})
	if body := f.do(request{role: "filler", method: "GET", path: path}).Body.String(); strings.Contains(body, `value="verified"`) {
		t.Error("the unit is offered 已验收")
	}
	if body := f.do(request{role: "reviewer", method: "GET", path: path}).Body.String(); strings.Contains(body, `id="evidence-form"`) {
		t.Error("the reviewer is offered the evidence upload")
	}

	// Done without measures: refused, the form as typed.
	w := f.do(request{role: "filler", method: "POST", path: path, form: rkForm(p, "status", ziping.ProblemDone, "owner", "李主任")})
	if body := w.Body.String(); w.Code != 400 || !strings.Contains(body, "请先填写整改措施") || !strings.Contains(body, `value="李主任"`) {
		t.Errorf("done without measures: %d", w.Code)
	}
	// A bad date: refused, kept.
	w = f.do(request{role: "filler", method: "POST", path: path, form: rkForm(p, "deadline", "2024-13-40", "measures", "新建校舍")})
	if body := w.Body.String(); w.Code != 400 || !strings.Contains(body, "不是有效日期") || !strings.Contains(body, "新建校舍") {
		t.Errorf("bad date: %d", w.Code)
	}
	// The filler cannot verify.
	w = f.do(request{role: "filler", method: "POST", path: path, form: rkForm(p, "status", ziping.ProblemVerified, "measures", "x")})
	if w.Code != 403 || !strings.Contains(w.Body.String(), "只有上级督导部门可以验收") {
		t.Errorf("filler verifying: %d", w.Code)
	}
	// In progress with measures, owner and deadline.
	w = f.do(request{role: "filler", method: "POST", path: path, form: rkForm(p, "status", ziping.ProblemInProgress,
		"measures", "新建两所学校，分流学生", "owner", "县教育局", "deadline", "2024-12-31", "note", "已立项")})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path {
		t.Fatalf("save: %d %q %s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	// A stale version: 409, the typed text kept, the form now on the current version.
	w = f.do(request{role: "filler", method: "POST", path: path, form: rkForm(p, "measures", "我的旧修改")})
	if body := w.Body.String(); w.Code != http.StatusConflict || !strings.Contains(body, "已被他人修改") || !strings.Contains(body, "我的旧修改") ||
		!strings.Contains(body, `name="version" value="2"`) || !strings.Contains(body, "新建两所学校，分流学生") {
		t.Errorf("stale version: %d", w.Code)
	}

	// Evidence of completion.
	png := []byte("\x89PNG\r\n\x1a\n0000")
	if w := f.uploadAs("filler", path+"/evidence", map[string]string{"title": "新校舍照片"}, "验收照片.png", png); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, w.Body.String())
	}
	if w := f.uploadAs("filler", path+"/evidence", nil, "", nil); w.Code != 400 || !strings.Contains(w.Body.String(), "请选择要上传的文件") {
		t.Errorf("upload without a file: %d", w.Code)
	}
	if w := f.uploadAs("filler", path+"/evidence", nil, "x.png", []byte("not a png")); w.Code != 400 || !strings.Contains(w.Body.String(), "不符") {
		t.Errorf("upload of a file that is not what it says: %d", w.Code)
	}
	if w := f.uploadAs("reviewer", path+"/evidence", nil, "x.png", png); w.Code != 403 {
		t.Errorf("the reviewer uploading: %d", w.Code)
	}
	if w := f.uploadAs("filler", problemURL(other.ID)+"/evidence", nil, "x.png", png); w.Code != 404 {
		t.Errorf("upload to another county's problem: %d", w.Code)
	}
	body := f.do(request{role: "filler", method: "GET", path: path}).Body.String()
	if !strings.Contains(body, "新校舍照片") || !strings.Contains(body, `href="/evidence/`) {
		t.Error("the evidence is not listed")
	}

	// Done, then verified by the reviewer.
	w = f.do(request{role: "filler", method: "POST", path: path, form: url.Values{"version": {"2"}, "status": {ziping.ProblemDone},
		"measures": {"新建两所学校，分流学生"}, "owner": {"县教育局"}, "deadline": {"2024-12-31"}}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("done: %d", w.Code)
	}
	body = f.do(request{role: "reviewer", method: "GET", path: path}).Body.String()
	if !strings.Contains(body, `<option value="verified">已验收</option>`) {
		t.Error("the reviewer is not offered 已验收 for a done problem")
	}
	w = f.do(request{role: "reviewer", method: "POST", path: path, form: url.Values{"version": {"3"}, "status": {ziping.ProblemVerified},
		"measures": {"新建两所学校，分流学生"}, "owner": {"县教育局"}, "deadline": {"2024-12-31"}, "note": {"现场核查通过"}}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("verify: %d %s", w.Code, w.Body.String())
	}
	body = f.do(request{role: "filler", method: "GET", path: path}).Body.String()
	if !strings.Contains(body, `id="problem-status">已验收`) || strings.Contains(body, `id="problem-form"`) || strings.Contains(body, `id="evidence-form"`) {
		t.Error("a verified problem is still open to the unit")
	}
	if w := f.uploadAs("filler", path+"/evidence", nil, "y.png", png); w.Code != 403 && w.Code != 409 {
		t.Errorf("upload to a verified problem: %d", w.Code)
	}
	// The ledger shows it verified.
	body = f.do(request{role: "reviewer", method: "GET", path: "/units/990100/problems?fw=" + rkFW + "&period=2024&status=verified"}).Body.String()
	if !strings.Contains(body, "新建两所学校，分流学生") || strings.Count(body, `href="/problems/`) != 1 {
		t.Error("the ledger's verified filter does not show the one verified problem")
	}
	if w := f.do(request{role: "reviewer", method: "GET", path: "/units/990100/problems?status=nonsense"}); w.Code != 400 {
		t.Errorf("unknown status filter: %d", w.Code)
	}
}

// TestLedgerExportsAndNotice: the ledger as a workbook, the rectification notice as
// Word, and a reviewer's finding.
func TestLedgerExportsAndNotice(t *testing.T) {
	f := newFixture(t, 30)
	k2 := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
	ps := f.rkProblems(k2)

	w := f.do(request{role: "filler", method: "GET", path: "/units/990102/problems.xlsx?fw=" + rkFW + "&period=2024"})
	if w.Code != 200 || w.Header().Get("Content-Type") != ctypeXLSX {
		t.Fatalf("ledger xlsx: %d %v", w.Code, w.Header())
	}
	rows := rkSheetRows(t, w.Body.Bytes())
	if len(rows) < len(ps)+2 || !strings.Contains(rows[0][0], "整改台账") || rows[1][1] != "单位" {
		t.Fatalf("ledger rows %q", rows)
	}
	if got := rkFlat(rows); !strings.Contains(strings.Join(got, "|"), ps[0].Description) {
		t.Error("the ledger workbook lacks the first problem")
	}

	// A finding by the reviewer; the filler may not add one.
	id := strconv.FormatInt(k2.ID, 10)
	form := url.Values{"point": {"1"}, "description": {"校舍安全隐患未排查"}, "deadline": {"2024-09-30"}}
	if w := f.do(request{role: "filler", method: "POST", path: "/assessments/" + id + "/findings", form: form}); w.Code != 403 {
		t.Errorf("filler adding a finding: %d", w.Code)
	}
	if w := f.do(request{role: "reviewer", method: "POST", path: "/assessments/" + id + "/findings", form: url.Values{"description": {" "}}}); w.Code != 400 {
		t.Errorf("a finding without description: %d", w.Code)
	}
	if w := f.do(request{role: "reviewer", method: "POST", path: "/assessments/" + id + "/findings", form: url.Values{"point": {"ZZ"}, "description": {"x"}}}); w.Code != 400 {
		t.Errorf("a finding on an unknown point: %d", w.Code)
	}
	w = f.do(request{role: "reviewer", method: "POST", path: "/assessments/" + id + "/findings", form: form})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/assessments/"+id) {
		t.Fatalf("finding: %d %q", w.Code, w.Header().Get("Location"))
	}
	body := f.do(request{role: "filler", method: "GET", path: "/units/990102/problems?fw=" + rkFW + "&period=2024&status=open"}).Body.String()
	if !strings.Contains(body, "校舍安全隐患未排查") || !strings.Contains(body, "复核发现") || !strings.Contains(body, "2024-09-30") {
		t.Error("the finding is not in the ledger")
	}

	// The notice: a Word file with the unit and the problems.
	w = f.do(request{role: "filler", method: "GET", path: "/assessments/" + id + "/notice.docx"})
	if w.Code != 200 || w.Header().Get("Content-Type") != ctypeDOCX || !strings.Contains(w.Header().Get("Content-Disposition"), ".docx") {
		t.Fatalf("notice: %d %v", w.Code, w.Header())
	}
	doc := rkDocumentXML(t, w.Body.Bytes())
	for _, want := range []string{"黄海区", "问题整改的通知", "校舍安全隐患未排查"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the notice lacks %q", want)
		}
	}
	if w := f.do(request{role: "viewer", method: "GET", path: "/assessments/" + id + "/notice.docx"}); w.Code != 404 {
		t.Errorf("viewer's notice: %d", w.Code)
	}
	if w := f.do(request{method: "GET", path: "/assessments/" + id + "/notice.docx"}); w.Code != 401 {
		t.Errorf("anonymous notice: %d", w.Code)
	}
}

// rkDocumentXML is the main part of a .docx.
func rkDocumentXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			// Word joiners keep numbers with their units (docx.joinNumbers); they
			// print nothing.
			return strings.ReplaceAll(string(b), "\u2060", "")
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}
