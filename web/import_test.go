package web

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"ziping"
	"ziping/synth"
	"ziping/xlsx"
)

// uploadReq posts a file to path as a browser's multipart form does.
type uploadReq struct {
	role, path string
	file       string // file name; "" sends no file part
	data       []byte
	fields     map[string]string
	noCSRF     bool
	fresh      bool
}

func (f *fixture) upload(rq uploadReq) *httptest.ResponseRecorder {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	s := f.login(rq.role, rq.fresh)
	if !rq.noCSRF {
		mw.WriteField(csrfField, s.csrf)
	}
	for k, v := range rq.fields {
		mw.WriteField(k, v)
	}
	if rq.file != "" {
		fw, err := mw.CreateFormFile("file", rq.file)
		if err != nil {
			f.t.Fatal(err)
		}
		fw.Write(rq.data)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, rq.path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header["Cookie"] = withCookie(nil, sessionCookie, s.token)["Cookie"]
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

// state is what a refused request must leave as it was: the audit entries other
// than logins and logouts, and every school row.
type state struct{ audit, rows int }

func (f *fixture) state(t *testing.T) state {
	t.Helper()
	es, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	var st state
	for _, e := range es {
		if e.Action != "login" && e.Action != "logout" {
			st.audit++
		}
	}
	for _, code := range []string{"990102", "990121", "990181"} {
		u, err := f.svc.Store.UnitByCode(f.ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		_, n, err := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{u.ID}, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		st.rows += n
	}
	return st
}

func (f *fixture) unchanged(t *testing.T, name string, before state) {
	t.Helper()
	if after := f.state(t); after != before {
		t.Errorf("%s changed the data: %+v, was %+v", name, after, before)
	}
}

// countyBook is an .xlsx of the generated schools of the given counties for 2024
// (the fixture's province), edited by fix.
func countyBook(t testing.TB, schools int, fix func(header []string, row []any), counties ...string) []byte {
	t.Helper()
	st, _ := synth.Generate(synth.Config{Counties: 3, Schools: schools, Seed: 5})
	county := slices.Index(st.Header, "区县代码")
	year := slices.Index(st.Header, "年度")
	out := xlsx.Table{Header: st.Header}
	for _, row := range st.Rows {
		if slices.Contains(counties, fmt.Sprint(row[county])) && fmt.Sprint(row[year]) == "2024" {
			if fix != nil {
				fix(st.Header, row)
			}
			out.Rows = append(out.Rows, row)
		}
	}
	var b bytes.Buffer
	if err := xlsx.WriteXLSX(&b, []xlsx.Table{out}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var uploadID = regexp.MustCompile(`name="upload" value="([0-9a-f]{32})"`)

func previewID(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	m := uploadID.FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("preview: %d, no upload id:\n%s", w.Code, w.Body.String())
	}
	return m[1]
}

func TestImportPreviewAndConfirm(t *testing.T) {
	f := newFixture(t, 60)
	before := f.state(t)
	// A file with a bad cell: every error listed, nothing imported.
	bad := countyBook(t, 60, func(h []string, row []any) {
		if row[slices.Index(h, "学校代码")] == row[slices.Index(h, "学校代码")] {
			row[slices.Index(h, "在校生数")] = "很多"
		}
	}, "990102")
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校数据.xlsx", data: bad})
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="import-errors"`) || !strings.Contains(body, "很多") ||
		!strings.Contains(body, "在校生数") || strings.Contains(body, `id="import-confirm"`) {
		t.Fatalf("bad file: %d\n%s", w.Code, body)
	}
	f.unchanged(t, "a file with errors", before)

	// A good file: a preview with its figures, then the import on confirmation.
	good := countyBook(t, 60, func(h []string, row []any) {
		if strings.HasSuffix(fmt.Sprint(row[slices.Index(h, "学校代码")]), "1") {
			row[slices.Index(h, "学校名称")] = "<script>alert(1)</script>'; DROP TABLE schools; --"
		}
	}, "990102")
	w = f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校数据.xlsx", data: good})
	id := previewID(t, w)
	for _, s := range []string{`id="import-summary"`, `id="import-sample"`, `id="import-confirm"`, "2024", "确认导入"} {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("preview lacks %q", s)
		}
	}
	f.unchanged(t, "a preview", before)
	// Another session of the same user may not confirm it, nor may a CSRF-less post.
	if w := f.do(request{role: "filler", fresh: true, method: http.MethodPost, path: "/units/990102/import/confirm", form: map[string][]string{"upload": {id}}}); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), "上传的文件不存在或已过期") {
		t.Errorf("another session's upload id: %d", w.Code)
	}
	if w := f.do(request{role: "filler", noCSRF: true, method: http.MethodPost, path: "/units/990102/import/confirm", form: map[string][]string{"upload": {id}}}); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), "页面已过期或请求无效") {
		t.Errorf("confirm without a CSRF token: %d", w.Code)
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/units/990102/import/confirm", form: map[string][]string{"upload": {id}}}); w.Code != http.StatusBadRequest {
		t.Errorf("another user's upload id: %d", w.Code)
	}
	if w := f.do(request{role: "filler", method: http.MethodPost, path: "/units/990102/import/confirm", form: map[string][]string{"upload": {"../../etc/passwd"}}}); w.Code != http.StatusBadRequest {
		t.Errorf("a path as upload id: %d", w.Code)
	}
	f.unchanged(t, "refused confirmations", before)

	w = f.do(request{role: "filler", method: http.MethodPost, path: "/units/990102/import/confirm", form: map[string][]string{"upload": {id}}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/units/990102?period=2024" {
		t.Fatalf("confirm: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	var flash string
	for _, c := range w.Result().Cookies() {
		if c.Name == flashCookie {
			flash = c.Value
		}
	}
	page := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102?period=2024&q=DROP", header: withCookie(nil, flashCookie, flash)}).Body.String()
	if !strings.Contains(page, `id="flash"`) || !strings.Contains(page, "已导入「学校数据.xlsx」") {
		t.Errorf("no flash message after the import")
	}
	if strings.Contains(page, "<script>alert(1)</script>'") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;&#39;; DROP TABLE schools; --") {
		t.Errorf("an imported hostile name is not stored verbatim and shown escaped")
	}
	after := f.state(t)
	if after.audit != before.audit+1 {
		t.Errorf("import wrote %d audit entries, want 1", after.audit-before.audit)
	}
	// Confirming twice (a retry after a lost answer, a double click) imports once:
	// the second confirmation answers with the first import.
	if w := f.do(request{role: "filler", method: http.MethodPost, path: "/units/990102/import/confirm", form: map[string][]string{"upload": {id}}}); w.Code != http.StatusSeeOther ||
		w.Header().Get("Location") != "/units/990102?period=2024" {
		t.Errorf("second confirmation: %d %q; want the first import's answer", w.Code, w.Header().Get("Location"))
	}
	f.unchanged(t, "a second confirmation", after)
}

// TestImportRefusesPreSplitFraction: an upload whose nine-year school comes as stage
// rows with a class count worked out as a fraction (15.02) is refused at the
// preview, the cell named by row, column and value with what to give instead, and
// nothing of the file is kept: not even its good rows.
func TestImportRefusesPreSplitFraction(t *testing.T) {
	f := newFixture(t, 60)
	before := f.state(t)
	n, row, renamed := 1, 0, false
	bad := countyBook(t, 60, func(h []string, r []any) {
		n++
		switch {
		case row == 0 && fmt.Sprint(r[slices.Index(h, "学段")]) == "小学" && fmt.Sprint(r[slices.Index(h, "学校类别")]) == "九年一贯制学校":
			r[slices.Index(h, "班级数")] = 15.02
			row = n
		case !renamed:
			r[slices.Index(h, "学校名称")] = "拆分核对小学"
			renamed = true
		}
	}, "990102")
	if row == 0 {
		t.Fatal("the generated county has no stage row of a nine-year school")
	}
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校数据.xlsx", data: bad})
	body := w.Body.String()
	cells := fmt.Sprintf(`<td class="num">%d</td><td>M 班级数</td><td class="value">15.02</td><td>应为整数：一贯制学校、完全中学分学段填写时`, row)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "共 1 处错误") || !strings.Contains(body, cells) ||
		!strings.Contains(body, "由系统按学生数拆分为整数") || uploadID.MatchString(body) {
		t.Fatalf("a fractional class count: %d, want 422 with %q\n%s", w.Code, cells, body)
	}
	f.unchanged(t, "a file with a fractional class count", before)
	county, err := f.svc.Store.UnitByCode(f.ctx, "990102")
	if err != nil {
		t.Fatal(err)
	}
	if rows, _, err := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{county.ID}, Period: 2024, Search: "拆分核对小学"}); err != nil || len(rows) != 0 {
		t.Errorf("a good row of the refused file was stored: %v %v", rows, err)
	}
}

func TestImportOtherCountyForbidden(t *testing.T) {
	f := newFixture(t, 60)
	before := f.state(t)
	// Refused at the preview already: nothing is kept for a confirmation.
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "两县.xlsx", data: countyBook(t, 60, nil, "990102", "990121")})
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "无权导入以下区县的数据") || !strings.Contains(w.Body.String(), `id="import-message"`) ||
		uploadID.MatchString(w.Body.String()) {
		t.Errorf("county filler importing another county: %d\n%s", w.Code, w.Body.String())
	}
	f.unchanged(t, "a forbidden import", before)
}

var (
	bombOnce sync.Once
	bomb     []byte
)

// zipBomb is a small .xlsx whose worksheet inflates to 300 MB of repeated bytes.
func zipBomb(t *testing.T) []byte {
	bombOnce.Do(func() {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
		for name, body := range map[string]string{
			"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`,
			"xl/workbook.xml":     `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="学校" sheetId="1"/></sheets></workbook>`,
		} {
			w, _ := zw.Create(name)
			io.WriteString(w, body)
		}
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		chunk := bytes.Repeat([]byte("<row>"), 1<<20/5)
		for range 300 {
			w.Write(chunk)
		}
		zw.Close()
		bomb = b.Bytes()
	})
	return bomb
}

func TestImportBadRequests(t *testing.T) {
	f := newFixture(t, 60)
	before := f.state(t)
	good := countyBook(t, 60, nil, "990102")
	for _, c := range []struct {
		name   string
		rq     uploadReq
		status int
		want   string
	}{
		{"oversized upload", uploadReq{file: "大.csv", data: bytes.Repeat([]byte("a,b\r\n"), 21<<20/5)}, http.StatusRequestEntityTooLarge, "文件不能超过20 MB"},
		{"text renamed .xlsx", uploadReq{file: "假的.xlsx", data: []byte("学校代码,学校名称\r\n1,某校\r\n")}, http.StatusBadRequest, "文件不是有效的 Excel 文件（.xlsx）"},
		{"zip bomb", uploadReq{file: "炸弹.xlsx", data: zipBomb(t)}, http.StatusBadRequest, "解压后超过200 MB的上限"},
		{"missing CSRF token", uploadReq{file: "学校.xlsx", data: good, noCSRF: true}, http.StatusForbidden, "页面已过期或请求无效"},
		{"no file", uploadReq{}, http.StatusBadRequest, "请选择要导入的文件"},
		{"other type", uploadReq{file: "学校.exe", data: good}, http.StatusBadRequest, "只能导入 .xlsx 或 .csv 文件"},
		{"bad period", uploadReq{file: "学校.xlsx", data: good, fields: map[string]string{"period": "'; DROP TABLE schools; --"}}, http.StatusBadRequest, "年度应为四位年份"},
		{"viewer", uploadReq{role: "viewer", path: "/units/990121/import", file: "学校.xlsx", data: good}, http.StatusForbidden, "您无权修改该单位的数据"},
		{"reviewer", uploadReq{role: "reviewer", path: "/units/990102/import", file: "学校.xlsx", data: good}, http.StatusForbidden, "您无权修改该单位的数据"},
		{"county filler, other county", uploadReq{path: "/units/990121/import", file: "学校.xlsx", data: good}, http.StatusForbidden, "您无权查看"},
	} {
		if c.rq.role == "" {
			c.rq.role = "filler"
		}
		if c.rq.path == "" {
			c.rq.path = "/units/990102/import"
		}
		w := f.upload(c.rq)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s: %d, want %d with %q\n%.2000s", c.name, w.Code, c.status, c.want, w.Body.String())
		}
		if uploadID.MatchString(w.Body.String()) {
			t.Errorf("%s: the refused file was kept for confirmation", c.name)
		}
		f.unchanged(t, c.name, before)
	}
}
