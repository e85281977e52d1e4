package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
)

// TestAssessmentPageSendsResults: the assessment page carries each point's result
// and a link to its details, not its forms; the details come alone from the
// fragment route, and together they weigh more than the page.
func TestAssessmentPageSendsResults(t *testing.T) {
	f := newFixture(t, 60)
	filler := f.actor("filler")
	id := f.startAssessment(filler, "990102", testFW, 2024)
	f.scoreRest(filler, id)
	f.addEvidence(filler, id, manualCode, "师德师风方案")
	page := assessmentURL(id)
	w := f.do(request{role: "filler", path: page})
	want(t, "page", w, 200, `<span class="evidence-count">1</span>`, `<script src="/static/point.`)
	body := w.Body.String()
	for _, bad := range []string{`class="score-form"`, `class="upload"`, `name="justification"`} {
		if strings.Contains(body, bad) {
			t.Errorf("the assessment page carries %s", bad)
		}
	}
	links := regexp.MustCompile(`<a href="(/assessments/\d+/points/[^"]+)" data-fragment-url="([^"]+)"`).FindAllStringSubmatch(body, -1)
	// lxzz-county: 24 points, 3 bonus items, 6 vetoes.
	if len(links) != 24+3+6 {
		t.Fatalf("%d points link their details, want 33", len(links))
	}
	details := 0
	for _, l := range links {
		if l[2] != l[1]+"/form" {
			t.Errorf("point %s fetches its details from %s", l[1], l[2])
		}
		fr := f.do(request{role: "filler", path: l[2]})
		if fr.Code != 200 {
			t.Fatalf("%s: status %d", l[2], fr.Code)
		}
		details += fr.Body.Len()
	}
	if len(body) > details {
		t.Errorf("the page (%d bytes) outweighs all its points' details (%d bytes)", len(body), details)
	}
}

// TestPointFragment: a point's details alone, with the session's token in its
// forms, never cached; the point's page has the same forms, which return to it.
func TestPointFragment(t *testing.T) {
	f := newFixture(t, 60)
	id := f.startAssessment(f.actor("filler"), "990102", testFW, 2024)
	point := assessmentURL(id) + "/points/" + manualCode
	s := f.login("filler", false)
	w := f.do(request{role: "filler", path: point + "/form"})
	want(t, "fragment", w, 200, `id="form-s-17"`, `id="e-17"`, `name="csrf" value="`+s.csrf+`"`, "师德师风")
	body := w.Body.String()
	if strings.Contains(body, "<html") || strings.Contains(body, "site-header") || strings.Contains(body, `name="back"`) {
		t.Errorf("the fragment is a page, or its forms return to the point's page:\n%.500s", body)
	}
	if h := w.Header(); h.Get("Cache-Control") != "no-store" || h.Get("Content-Type") != "text/html; charset=utf-8" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("fragment headers %v", h)
	}
	w = f.do(request{role: "filler", path: point})
	want(t, "point page", w, 200, "<h1>测评点17 师德师风与教师待遇保障</h1>", `id="form-s-17"`, `name="back" value="point"`,
		`href="`+assessmentURL(id)+`/points/16" id="point-prev"`, `href="`+assessmentURL(id)+`/points/18" id="point-next"`,
		`href="`+assessmentURL(id)+`#pt-17" id="point-back"`)
	if strings.Contains(w.Body.String(), "data-fragment-url") {
		t.Errorf("the point's page links its details again")
	}
	first := f.do(request{role: "filler", path: assessmentURL(id) + "/points/1"}).Body.String()
	if strings.Contains(first, `id="point-prev"`) || !strings.Contains(first, `id="point-next"`) {
		t.Errorf("the first point links a point before it, or none after")
	}
}

// TestPointSaves: a save from the point's page returns to it, from the assessment
// page to the point there; a refusal comes back where it was made, with what was
// typed; nothing but "point" sends the browser anywhere else.
func TestPointSaves(t *testing.T) {
	f := newFixture(t, 60)
	id := f.startAssessment(f.actor("filler"), "990102", testFW, 2024)
	page := assessmentURL(id)
	point := page + "/points/" + manualCode
	score := func(back, value string) *httptest.ResponseRecorder {
		form := url.Values{"side": {"self"}, "score": {value}, "justification": {"说明" + value}, "back": {back}}
		if ps := f.pointScore(id, "self", manualCode); ps != nil {
			form.Set("version", strconv.FormatInt(ps.Version, 10))
		}
		return f.do(request{role: "filler", method: http.MethodPost, path: point, form: form})
	}
	for _, c := range []struct{ back, value, location string }{
		{"point", "1", point},
		{"", "2", page + "#pt-17"},
		{"https://evil.example/", "3", page + "#pt-17"},
		{"/units/990121", "4", page + "#pt-17"},
	} {
		if w := score(c.back, c.value); w.Code != 303 || w.Header().Get("Location") != c.location {
			t.Errorf("back=%q: %d to %q, want 303 to %q", c.back, w.Code, w.Header().Get("Location"), c.location)
		}
	}
	w := score("point", "9")
	want(t, "refused on the point's page", w, 400, "<h1>测评点17", "测评点17的分数应在0到4分之间", `value="9"`, "说明9", `name="back" value="point"`)
	w = score("", "9")
	want(t, "refused on the assessment page", w, 400, `<h1>黄海区 2024年度自评`, "测评点17的分数应在0到4分之间", `value="9"`, `<div class="point-detail" id="pt-17-detail"><p class="standard">`)
	if n := strings.Count(w.Body.String(), `class="score-form"`); n != 1 {
		t.Errorf("the refused page opens %d score forms, want the refused point's only", n)
	}

	// Evidence: uploaded and removed from the point's page, back to it.
	w = f.uploadAs("filler", page+"/evidence", map[string]string{"point": manualCode, "title": "方案", "back": "point"}, "a.pdf", tinyPDF)
	if w.Code != 303 || w.Header().Get("Location") != point {
		t.Fatalf("upload from the point's page: %d to %q", w.Code, w.Header().Get("Location"))
	}
	w = f.uploadAs("filler", page+"/evidence", map[string]string{"point": manualCode, "title": "假文件", "back": "point"}, "b.pdf", []byte("text"))
	want(t, "upload refused on the point's page", w, 400, "<h1>测评点17", "内容与扩展名.pdf不符", `value="假文件"`)
	evs, err := f.svc.Store.EvidenceOf(f.ctx, id)
	if err != nil || len(evs) != 1 {
		t.Fatalf("evidence %v %v", evs, err)
	}
	w = f.do(request{role: "filler", method: http.MethodPost, path: evidenceURL(evs[0].ID) + "/remove", form: url.Values{"back": {"point"}}})
	if w.Code != 303 || w.Header().Get("Location") != point {
		t.Errorf("remove from the point's page: %d to %q", w.Code, w.Header().Get("Location"))
	}
}

// addEvidence links a small PDF to a point.
func (f *fixture) addEvidence(a *ziping.Actor, id int64, point, title string) {
	f.t.Helper()
	if _, err := f.svc.Assess.AddEvidence(f.ctx, a, id, assess.EvidenceInput{Point: point, Title: title, FileName: "a.pdf", Data: tinyPDF}); err != nil {
		f.t.Fatal(err)
	}
}
