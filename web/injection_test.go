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
)

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// hostile are the texts every free-text field of the application is tried with.
var hostile = []string{
	`'; DROP TABLE schools; --`,
	`" OR "1"="1`,
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`%_\`,
}

// TestHostileTextInEveryField sends SQL and script in every free-text field of the
// pages not covered by the manual-entry and import tests (sign-in, school search, the
// audit filters, the import's period) and checks that nothing fails, nothing is
// changed, and no script comes back unescaped.
func TestHostileTextInEveryField(t *testing.T) {
	f := newFixture(t, 20)
	schoolsBefore := f.schoolCount(t)
	for _, h := range hostile {
		q := url.QueryEscape(h)
		for _, rq := range []request{
			{role: "anon", method: http.MethodPost, path: "/login", form: url.Values{"username": {h}, "password": {h}}},
			{role: "admin", method: http.MethodGet, path: "/units/990102?q=" + q},
			{role: "admin", method: http.MethodGet, path: "/units/990102?sort=" + q},
			{role: "admin", method: http.MethodGet, path: "/units/990102?period=" + q},
			{role: "admin", method: http.MethodGet, path: "/units/990102/score?fw=" + q},
			{role: "admin", method: http.MethodGet, path: "/audit?unit=" + q + "&user=" + q + "&from=" + q + "&to=" + q},
			{role: "admin", method: http.MethodGet, path: "/units/" + url.PathEscape(h)},
			{role: "admin", method: http.MethodGet, path: "/frameworks/" + url.PathEscape(h)},
		} {
			if rq.path == "/login" {
				// The login form carries its own token in a cookie: fetch it first.
				rq = f.withLoginToken(t, rq)
			}
			w := f.do(rq)
			body := w.Body.String()
			if w.Code >= 500 {
				t.Errorf("%s %s with %q: status %d", rq.method, rq.path, h, w.Code)
			}
			for _, raw := range []string{"<script>alert(1)</script>", "<img src=x onerror"} {
				if strings.Contains(body, raw) {
					t.Errorf("%s %s: %q comes back unescaped", rq.method, rq.path, raw)
				}
			}
		}
	}
	if got := f.schoolCount(t); got != schoolsBefore {
		t.Errorf("school rows changed: %d → %d", schoolsBefore, got)
	}
	if rep, err := f.svc.Audit.Verify(f.ctx); err != nil || rep.Entries == 0 {
		t.Errorf("audit chain after hostile input: %v %v", rep, err)
	}
}

func (f *fixture) schoolCount(t *testing.T) int {
	t.Helper()
	units, err := f.svc.Store.Subtree(f.ctx, nil, ziping.LevelCounty)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	_, n, err := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// withLoginToken gets the login page's token and cookie for an anonymous POST.
func (f *fixture) withLoginToken(t *testing.T, rq request) request {
	t.Helper()
	w := f.do(request{role: "anon", method: http.MethodGet, path: "/login"})
	m := csrfInput.FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatal("no token on the login page")
	}
	rq.form.Set(csrfField, m[1])
	for _, c := range w.Result().Cookies() {
		rq.header = withCookie(rq.header, c.Name, c.Value)
	}
	return rq
}

// TestHostileTextInAssessment writes SQL and script into every field of an
// assessment a user writes, through the pages: the self and review justifications,
// an evidence file's title and 文号, the return and acceptance notes, a finding.
// Every page and fragment that shows them, and every refusal, shows them as text.
func TestHostileTextInAssessment(t *testing.T) {
	f := newFixture(t, 60)
	h := strings.Join(hostile, " ")
	id := f.startAssessment(f.actor("filler"), "990102", testFW, 2024)
	f.scoreRest(f.actor("filler"), id, manualCode)
	page := assessmentURL(id)
	point := page + "/points/" + manualCode
	var shown []*httptest.ResponseRecorder
	post := func(role, path string, form url.Values, status int) {
		t.Helper()
		w := f.do(request{role: role, method: http.MethodPost, path: path, form: form})
		if w.Code != status {
			t.Fatalf("%s %s: status %d, want %d\n%s", role, path, w.Code, status, excerpt(w.Body.String()))
		}
		shown = append(shown, w)
	}
	score := func(side, value string) url.Values {
		v := url.Values{"side": {side}, "score": {value}, "justification": {h}, "back": {"point"}}
		if ps := f.pointScore(id, side, manualCode); ps != nil {
			v.Set("version", strconv.FormatInt(ps.Version, 10))
		}
		return v
	}
	post("filler", point, url.Values{"side": {"self"}, "score": {h}, "justification": {h}}, 400) // not a number
	post("filler", point, score("self", "3"), 303)
	for _, doc := range []string{h, "黄教发〔2024〕3号"} {
		w := f.uploadAs("filler", page+"/evidence", map[string]string{"point": manualCode, "title": h, "doc_number": doc, "year": h}, "a.pdf", tinyPDF)
		shown = append(shown, w)
		w = f.uploadAs("filler", page+"/evidence", map[string]string{"point": manualCode, "title": h, "doc_number": doc}, "a.pdf", tinyPDF)
		if doc != h && w.Code != 303 {
			t.Fatalf("upload: %d %s", w.Code, excerpt(w.Body.String()))
		}
		shown = append(shown, w)
	}
	post("filler", page+"/submit", url.Values{"status": {"draft"}, "confirm": {"1"}}, 303)
	post("reviewer", point, score("review", "2"), 303)
	post("reviewer", page+"/return", url.Values{"status": {"submitted"}, "note": {h}, "confirm": {"1"}}, 303)
	post("filler", point, score("self", "2"), 303)
	post("filler", page+"/submit", url.Values{"status": {"returned"}, "confirm": {"1"}}, 303)
	post("reviewer", page+"/accept", url.Values{"status": {"resubmitted"}, "note": {h}, "confirm": {"1"}}, 303)
	post("reviewer", page+"/findings", url.Values{"point": {manualCode}, "description": {h}}, 303)
	problems, err := f.svc.Store.Problems(f.ctx, ziping.ProblemQuery{AssessmentID: id})
	if err != nil || len(problems) == 0 {
		t.Fatalf("problems %v %v", problems, err)
	}
	paths := []string{page, point, point + "/form", "/units/990102/assessments",
		"/units/990102/problems?fw=" + testFW + "&period=2024", "/problems/" + strconv.FormatInt(problems[0].ID, 10)}
	for _, role := range []string{"filler", "reviewer"} {
		for _, path := range paths {
			w := f.do(request{role: role, method: http.MethodGet, path: path})
			if w.Code != 200 {
				t.Fatalf("%s %s: status %d", role, path, w.Code)
			}
			shown = append(shown, w)
		}
	}
	escaped := 0
	for _, w := range shown {
		body := w.Body.String()
		for _, raw := range []string{"<script>alert(1)</script>", "<img src=x onerror"} {
			if strings.Contains(body, raw) {
				t.Errorf("%q comes back unescaped (status %d):\n%s", raw, w.Code, excerpt(body))
			}
		}
		if strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			escaped++
		}
	}
	if escaped < len(paths) {
		t.Errorf("the hostile text is shown escaped on %d pages only", escaped)
	}
}
