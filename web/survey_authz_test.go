package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"ziping"
	"ziping/survey"
	"ziping/xlsx"
)

// testExport reads an export as cmd/ziping's reader does.
func testExport(name string, data []byte) (*survey.Sheet, error) {
	t, err := xlsx.ReadText(name, data, xlsx.TextLimits{})
	if err != nil {
		return nil, err
	}
	return &survey.Sheet{File: t.File, Sheet: t.Sheet, Header: t.Header, Rows: t.Rows, FirstRow: t.FirstRow}, nil
}

// surveyRound starts a round of 990102 as the system, with 400,000 people.
func (f *fixture) surveyRound(t testing.TB, tokens bool) *ziping.SurveyRound {
	t.Helper()
	r, err := f.svc.Survey.CreateRound(f.ctx, ziping.System, survey.RoundInput{Unit: "990102", Period: 2024,
		Questionnaire: "yzjh-2017", Population: 400_000, Urban: 200_000, Town: 120_000, Rural: 80_000, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// surveyMatrix is the authorization matrix of the survey's routes: a round of
// 990102 is seen by whoever sees that county (others get 404, as if it did not
// exist), managed by whoever may edit it; the answer page is anyone's.
func surveyMatrix(f *fixture, units map[string]string, unitRoute func(string, bool, bool) func(string) []check,
	editRoute func(string, string, url.Values, int, bool) func(string) []check) map[string]func(role string) []check {
	rd := f.surveyRound(f.t, false)
	links, err := f.svc.Store.SurveyLinks(f.ctx, rd.ID)
	if err != nil || len(links) == 0 {
		f.t.Fatalf("links: %v", err)
	}
	base := fmt.Sprintf("/surveys/%d", rd.ID)
	seers := []string{"admin", "reviewer", "filler"} // who sees 990102
	editors := []string{"admin", "filler"}
	// roundRoute: a page or file of the round; allow for those who see it.
	roundRoute := func(method, path string, form url.Values, file bool, allowSee, allowEdit int) func(role string) []check {
		return func(role string) []check {
			c := check{req: request{role: role, method: method, path: path, form: form}, status: http.StatusNotFound}
			switch {
			case role == "anon" && (file || method == http.MethodPost):
				c.status = http.StatusUnauthorized
				if method == http.MethodPost {
					c.status, c.location = http.StatusSeeOther, "/login"
				}
			case role == "anon":
				c.status, c.location = http.StatusSeeOther, "/login?next="
			case allowEdit != 0 && slices.Contains(editors, role):
				c.status = allowEdit
			case slices.Contains(seers, role):
				c.status = allowSee
			}
			return []check{c}
		}
	}
	page := func(path string, file bool) func(string) []check {
		return roundRoute(http.MethodGet, path, nil, file, http.StatusOK, 0)
	}
	// A change by someone who sees but may not edit is 403; the editors' requests
	// here are all refused for their content (400), so nothing changes.
	change := func(path string, form url.Values) func(string) []check {
		return roundRoute(http.MethodPost, path, form, false, http.StatusForbidden, http.StatusBadRequest)
	}
	anyone := func(method string, form url.Values, status int) func(string) []check {
		return func(role string) []check {
			return []check{{req: request{role: role, method: method, path: "/s/" + links[0].Key, form: form}, status: status}}
		}
	}
	signedIn := func(path string) func(string) []check {
		return func(role string) []check {
			if role == "anon" {
				return []check{{req: request{role: role, method: http.MethodGet, path: path}, status: http.StatusSeeOther, location: "/login?next="}}
			}
			return []check{{req: request{role: role, method: http.MethodGet, path: path}, status: http.StatusOK}}
		}
	}
	return map[string]func(role string) []check{
		"GET /units/{code}/surveys":              unitRoute("/surveys", false, false),
		"POST /units/{code}/surveys":             editRoute(http.MethodPost, "/surveys", url.Values{"questionnaire": {"yzjh-2017"}, "period": {"2024"}, "population": {"abc"}}, http.StatusBadRequest, true),
		"GET /surveys/{id}":                      page(base, false),
		"GET /surveys/{id}/progress.json":        page(base+"/progress.json", true),
		"GET /surveys/{id}/result":               page(base+"/result", false),
		"GET /surveys/{id}/sheets":               page(base+"/sheets", false),
		"GET /surveys/{id}/links/{link}/qr.png":  page(fmt.Sprintf("%s/links/%d/qr.png", base, links[0].ID), true),
		"GET /surveys/{id}/report.docx":          page(base+"/report.docx", true),
		"GET /surveys/{id}/responses.xlsx":       page(base+"/responses.xlsx", true),
		"POST /surveys/{id}/status":              change(base+"/status", url.Values{"status": {"paused"}}),
		"POST /surveys/{id}/responses/{rid}":     change(base+"/responses/1", url.Values{"exclude": {"1"}, "reason": {""}}),
		"POST /surveys/{id}/links/{link}/tokens": change(fmt.Sprintf("%s/links/%d/tokens", base, links[0].ID), url.Values{"n": {"0"}}),
		"POST /surveys/{id}/import":              change(base+"/import", nil),
		"GET /questionnaires":                    signedIn("/questionnaires"),
		"GET /questionnaires/{id}":               signedIn("/questionnaires/yzjh-2017"),
		"POST /questionnaires": func(role string) []check {
			c := check{req: request{role: role, method: http.MethodPost, path: "/questionnaires", form: url.Values{"source": {"id: x"}}}, status: http.StatusForbidden}
			switch role {
			case "anon":
				c.status, c.location = http.StatusSeeOther, "/login"
			case "admin":
				c.status = http.StatusBadRequest // the file is wrong: shown its problems, nothing saved
			}
			return []check{c}
		},
		"GET /s/{key}":  anyone(http.MethodGet, nil, http.StatusOK),
		"POST /s/{key}": anyone(http.MethodPost, url.Values{"cid": {"bad"}}, http.StatusBadRequest),
	}
}
