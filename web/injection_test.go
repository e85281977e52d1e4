package web

import (
	"net/http"
	"net/url"
	"regexp"
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
