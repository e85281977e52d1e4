package web

import (
	"encoding/xml"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ziping"
)

// noticeMatrix is the authorization matrix rows of the results notice's routes:
// its particulars are set by those who may publish the area's results (admins, the
// city's reviewer), on provinces and cities only; its Word file is public.
func noticeMatrix(units map[string]string) map[string]func(role string) []check {
	keys := []string{"P", "C", "K2", "K3", "S2"}
	publishers := map[string][]string{"admin": {"P", "C"}, "reviewer": {"C"}}
	edit := func(method string, form url.Values, allow int) func(role string) []check {
		return func(role string) []check {
			var out []check
			for _, key := range keys {
				c := check{req: request{role: role, method: method, path: "/units/" + units[key] + "/notice", form: form}}
				switch {
				case role == "anon":
					c.status, c.location = http.StatusSeeOther, "/login"
				case !slices.Contains(visible[role], key):
					c.status = http.StatusForbidden
				case key[0] == 'K' || key == "S2":
					c.status = http.StatusNotFound
				case slices.Contains(publishers[role], key):
					c.status = allow
				default:
					c.status = http.StatusForbidden
				}
				out = append(out, c)
			}
			return out
		}
	}
	return map[string]func(role string) []check{
		"GET /units/{code}/notice": edit(http.MethodGet, nil, http.StatusOK),
		// A date that is not one: refused on the form, nothing saved, for whoever may.
		"POST /units/{code}/notice": edit(http.MethodPost, url.Values{"issuer": {"某办公室"}, "version": {"0"}, "date": {"2025-13-40"}}, http.StatusBadRequest),
		"GET /notice/{code}/notice.docx": func(role string) []check {
			var out []check
			for _, key := range keys {
				c := check{req: request{role: role, method: http.MethodGet, path: "/notice/" + units[key] + "/notice.docx"}, status: http.StatusOK}
				if key[0] == 'K' || key == "S2" {
					c.status = http.StatusNotFound
				}
				out = append(out, c)
			}
			return out
		},
	}
}

// TestResultNotice: the city's reviewer sets the notice's issuer, 文号 and date; the
// public page and its Word file show them in the house format, only published
// results listed; refusals keep what was typed; nobody else may set them.
func TestResultNotice(t *testing.T) {
	f := newFixture(t, 30)
	f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusPublished)
	f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
	q := "?fw=" + rkFW + "&period=2024"
	edit := "/units/990100/notice" + q

	// Before anyone sets them: the defaults, no 文号, no date.
	body := f.do(request{method: http.MethodGet, path: "/notice/990100" + q}).Body.String()
	if !strings.Contains(body, `id="notice-issuer">`+f.unitName("990100")+`人民政府教育督导委员会办公室`) || strings.Contains(body, `id="notice-number"`) ||
		strings.Contains(body, `id="notice-date"`) {
		t.Errorf("the notice before its particulars are set:\n%s", excerpt(body))
	}

	page := f.do(request{role: "reviewer", method: http.MethodGet, path: edit}).Body.String()
	version := formValue(t, page, "version")
	form := url.Values{"issuer": {"兰田市人民政府教育督导委员会办公室"}, "recipient": {"各区县人民政府"}, "number": {"示教督[2025] 3号"},
		"date": {"2025-03-28"}, "version": {version}}
	// Refusals: a bad 文号, a date before the period; what was typed stays.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("number", "第三号")
	if w := f.do(request{role: "reviewer", method: http.MethodPost, path: edit, form: bad}); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), "格式不对") || !strings.Contains(w.Body.String(), `value="第三号"`) {
		t.Errorf("a bad 文号: %d", w.Code)
	}
	bad.Set("number", "示教督〔2025〕3号")
	bad.Set("date", "2019-01-01")
	if w := f.do(request{role: "reviewer", method: http.MethodPost, path: edit, form: bad}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "成文日期") {
		t.Errorf("a date before the period: %d", w.Code)
	}
	// The county's filler and the viewer may not; nor may a post without the token.
	if w := f.do(request{role: "filler", method: http.MethodPost, path: edit, form: form}); w.Code != http.StatusForbidden {
		t.Errorf("the county setting the city's notice: %d", w.Code)
	}
	if w := f.do(request{role: "reviewer", method: http.MethodPost, path: edit, form: form, noCSRF: true}); w.Code != http.StatusForbidden {
		t.Errorf("a post without the CSRF token: %d", w.Code)
	}
	w := f.do(request{role: "reviewer", method: http.MethodPost, path: edit, form: form})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", w.Code, excerpt(w.Body.String()))
	}
	// A second save from the same page is a conflict.
	if w := f.do(request{role: "reviewer", method: http.MethodPost, path: edit, form: form}); w.Code != http.StatusConflict {
		t.Errorf("a stale save: %d", w.Code)
	}
	// Audited.
	entries, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Action: "result_notice_save"})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].New, "示教督〔2025〕3号") {
		t.Errorf("audit: %v %d", err, len(entries))
	}

	body = f.do(request{method: http.MethodGet, path: "/notice/990100" + q}).Body.String()
	for _, want := range []string{`id="notice-number">示教督〔2025〕3号`, `id="notice-recipient">各区县人民政府：`, `id="notice-date">2025年3月28日`,
		f.unitName("990102"), `id="notice-docx"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the public notice lacks %q", want)
		}
	}
	if strings.Contains(body, f.unitName("990121")) {
		t.Error("the notice lists an unpublished result")
	}

	// The Word file: its text in order, golden.
	w = f.do(request{method: http.MethodGet, path: "/notice/990100/notice.docx" + q})
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != ctypeDOCX {
		t.Fatalf("docx: %d %v", w.Code, w.Header())
	}
	golden(t, "testdata/notice.golden", docxText(t, w.Body.Bytes()))
}

// formValue is the value of the named hidden field of a page.
func formValue(t *testing.T, body, name string) string {
	t.Helper()
	mark := `name="` + name + `" value="`
	i := strings.Index(body, mark)
	if i < 0 {
		t.Fatalf("no field %s", name)
	}
	rest := body[i+len(mark):]
	return rest[:strings.IndexByte(rest, '"')]
}

// updateGolden rewrites the golden files: go test ./web -run TestResultNotice -update-golden.
var updateGolden = flag.Bool("update-golden", false, "rewrite web/testdata golden files")

// golden compares got with the file, or writes it under -update-golden.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./web -run %s -update-golden to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// docxText is the text of a .docx's body as a reader meets it: a line a paragraph,
// a table row as its cells between bars.
func docxText(t *testing.T, data []byte) string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(rkDocumentXML(t, data)))
	var out, cells []string
	var para strings.Builder
	inT, depth := false, 0 // depth: tables entered
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "tbl":
				depth++
			case "tr":
				cells = nil
			case "t":
				inT = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inT = false
			case "p":
				if depth > 0 {
					cells = append(cells, para.String())
				} else {
					out = append(out, para.String())
				}
				para.Reset()
			case "tr":
				out = append(out, "| "+strings.Join(cells, " | ")+" |")
			case "tbl":
				depth--
			}
		case xml.CharData:
			if inT {
				para.Write(e)
			}
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// TestResultNoticeOpensOnPublishedYear: the public notice asked for without a year
// (or a framework) opens on the latest year with published results when this year
// has none, so the public and viewers do not land on 「暂无已公布的结果」 while last
// year's results stand; a year asked for is kept.
func TestResultNoticeOpensOnPublishedYear(t *testing.T) {
	f := newFixture(t, 30)
	f.rkAssess(rkFW, "990102", 2023, 0.8, ziping.StatusPublished)
	f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed) // this year: nothing published
	for _, path := range []string{"/notice/990100", "/notice/990100?fw=" + rkFW} {
		body := f.do(request{method: http.MethodGet, path: path}).Body.String()
		if !strings.Contains(body, f.unitName("990100")+"2023年度") || !strings.Contains(body, f.unitName("990102")) {
			t.Errorf("%s does not open on 2023's published result:\n%s", path, excerpt(body))
		}
	}
	body := f.do(request{method: http.MethodGet, path: "/notice/990100?fw=" + rkFW + "&period=2024"}).Body.String()
	if !strings.Contains(body, f.unitName("990100")+"2024年度") || !strings.Contains(body, "暂无已公布的结果") {
		t.Errorf("the notice of 2024 asked for:\n%s", excerpt(body))
	}
	// The reviewer's ranking stays on this year's work.
	if body := f.do(request{role: "reviewer", method: http.MethodGet, path: "/units/990100/ranking"}).Body.String(); !strings.Contains(body, "2024年度评价排名") {
		t.Errorf("the reviewer's ranking:\n%s", excerpt(body))
	}
}
