package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"ziping"
	"ziping/account"
)

var roles = []string{"anon", "admin", "reviewer", "filler", "school", "viewer"}

// visible says which of the test units each role may see, written out by hand
// rather than asked of the code under test. P: the province 990000, C: the city
// 990100, K2 and K3: the counties 990102 and 990121, S2: a school of 990102.
var visible = map[string][]string{
	"admin":    {"P", "C", "K2", "K3", "S2"},
	"reviewer": {"C", "K2", "K3", "S2"},
	"filler":   {"K2", "S2"},
	"school":   {"S2"},
	"viewer":   {"K3"},
}

// editable says which of the test units each role may change (admins: all).
var editable = map[string][]string{
	"admin":  {"P", "C", "K2", "K3", "S2"},
	"filler": {"K2", "S2"},
	"school": {"S2"},
}

// check is one cell of the matrix: a request and the status it must get.
type check struct {
	req      request
	status   int
	location string // prefix of the redirect target, for 303
}

// TestAuthorizationMatrix walks every route of routes.go with every role and asserts
// allow or deny; a route without a row here fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	f := newFixture(t, 60)
	units := map[string]string{"P": "990000", "C": "990100", "K2": "990102", "K3": "990121", "S2": f.school}
	home := map[string]string{"admin": "/units/990000", "reviewer": "/units/990100", "filler": "/units/990102",
		"school": "/units/" + f.school, "viewer": "/units/990121"}
	unitRoute := func(suffix string, countyOnly, file bool) func(role string) []check {
		return func(role string) []check {
			var out []check
			for _, key := range []string{"P", "C", "K2", "K3", "S2"} {
				c := check{req: request{role: role, method: http.MethodGet, path: "/units/" + units[key] + suffix}}
				switch {
				case role == "anon" && file:
					c.status = http.StatusUnauthorized
				case role == "anon":
					c.status, c.location = http.StatusSeeOther, "/login?next="
				case !slices.Contains(visible[role], key):
					c.status = http.StatusForbidden
				case countyOnly && key[0] != 'K':
					c.status = http.StatusNotFound
				default:
					c.status = http.StatusOK
				}
				out = append(out, c)
			}
			return out
		}
	}
	signedInPage := func(path string) func(role string) []check {
		return func(role string) []check {
			if role == "anon" {
				return []check{{req: request{role: role, method: http.MethodGet, path: path}, status: http.StatusSeeOther, location: "/login?next="}}
			}
			return []check{{req: request{role: role, method: http.MethodGet, path: path}, status: http.StatusOK}}
		}
	}
	// editRoute: the pages that change a unit's data; allow is the status of an
	// allowed request (countyOnly: 404 for units that are not counties).
	editRoute := func(method, suffix string, form url.Values, allow int, countyOnly bool) func(role string) []check {
		return func(role string) []check {
			var out []check
			for _, key := range []string{"P", "C", "K2", "K3", "S2"} {
				c := check{req: request{role: role, method: method, path: "/units/" + units[key] + suffix, form: form}}
				switch {
				case role == "anon":
					c.status, c.location = http.StatusSeeOther, "/login"
				case !slices.Contains(editable[role], key):
					c.status = http.StatusForbidden
				case countyOnly && key[0] != 'K':
					c.status = http.StatusNotFound
				default:
					c.status = allow
				}
				out = append(out, c)
			}
			return out
		}
	}
	// schoolEdit: a school of 990102 (S2) and one of 990121.
	k3School := f.schoolOf("990121")
	schoolEdit := func(method string, form url.Values, allow int) func(role string) []check {
		return func(role string) []check {
			var out []check
			for _, key := range []string{"S2", "S3"} {
				path := "/units/990102/schools/" + f.school + "/edit?period=2024"
				if key == "S3" {
					path = "/units/990121/schools/" + k3School + "/edit?period=2024"
				}
				c := check{req: request{role: role, method: method, path: path, form: form}}
				switch {
				case role == "anon":
					c.status, c.location = http.StatusSeeOther, "/login"
				case role == "admin" || key == "S2" && (role == "filler" || role == "school"):
					c.status = allow
				default:
					c.status = http.StatusForbidden
				}
				out = append(out, c)
			}
			return out
		}
	}
	onlyFor := func(path string, who ...string) func(role string) []check {
		return func(role string) []check {
			c := check{req: request{role: role, method: http.MethodGet, path: path}, status: http.StatusForbidden}
			switch {
			case role == "anon":
				c.status, c.location = http.StatusSeeOther, "/login?next="
			case slices.Contains(who, role):
				c.status = http.StatusOK
			}
			return []check{c}
		}
	}
	// adminPost: a state-changing route for admins only.
	adminPost := func(path string, form url.Values, allow int) func(role string) []check {
		return func(role string) []check {
			c := check{req: request{role: role, method: http.MethodPost, path: path, form: form}, status: http.StatusForbidden}
			switch role {
			case "anon":
				c.status, c.location = http.StatusSeeOther, "/login"
			case "admin":
				c.status = allow
			}
			return []check{c}
		}
	}
	if _, err := f.svc.Accounts.AddUser(f.ctx, ziping.System, account.NewUser{Username: "spare1", Name: "备用", Password: password("spare1"), Role: ziping.RoleViewer, Scope: "990121"}); err != nil {
		t.Fatal(err)
	}
	loginToken := strings.Repeat("ab", 32)
	matrix := map[string]func(role string) []check{
		"GET /healthz": func(role string) []check {
			return []check{{req: request{role: role, method: http.MethodGet, path: "/healthz"}, status: http.StatusOK}}
		},
		"GET /static/{file}": func(role string) []check {
			return []check{{req: request{role: role, method: http.MethodGet, path: f.srv.assets.url("app.css")}, status: http.StatusOK}}
		},
		"GET /login": func(role string) []check {
			if role == "anon" {
				return []check{{req: request{role: role, method: http.MethodGet, path: "/login"}, status: http.StatusOK}}
			}
			return []check{{req: request{role: role, method: http.MethodGet, path: "/login"}, status: http.StatusSeeOther, location: "/"}}
		},
		"POST /login": func(role string) []check {
			// Reachable by everyone; a wrong password is 401 whoever asks.
			rq := request{method: http.MethodPost, path: "/login", noCSRF: true, header: withCookie(nil, loginCookie, loginToken),
				form: url.Values{"username": {"nobody"}, "password": {"wrong-password1"}, csrfField: {loginToken}}}
			return []check{{req: rq, status: http.StatusUnauthorized}}
		},
		"POST /logout": func(role string) []check {
			return []check{{req: request{role: role, method: http.MethodPost, path: "/logout", fresh: true}, status: http.StatusSeeOther, location: "/login"}}
		},
		// The home page (工作台) for those with work; a viewer is sent to its unit.
		"GET /{$}": func(role string) []check {
			c := check{req: request{role: role, method: http.MethodGet, path: "/"}, status: http.StatusOK}
			switch role {
			case "anon":
				c.status, c.location = http.StatusSeeOther, "/login"
			case "viewer":
				c.status, c.location = http.StatusSeeOther, home[role]
			}
			return []check{c}
		},
		"GET /units": func(role string) []check {
			c := check{req: request{role: role, method: http.MethodGet, path: "/units"}, status: http.StatusSeeOther, location: home[role]}
			if role == "anon" {
				c.location = "/login"
			}
			return []check{c}
		},
		"GET /units/{code}":                  unitRoute("", false, false),
		"GET /units/{code}/score":            unitRoute("/score", true, false),
		"GET /units/{code}/score.xlsx":       unitRoute("/score.xlsx", true, true),
		"GET /units/{code}/explain/{metric}": unitRoute("/explain/primary.cv.equipment_value_per_student", true, false),
		"GET /frameworks":                    signedInPage("/frameworks"),
		"GET /frameworks/{id}":               signedInPage("/frameworks/yzjh-2017"),
		"GET /units/{code}/import":           editRoute(http.MethodGet, "/import", nil, http.StatusOK, false),
		// No file: the form again with its message, nothing read or written.
		"POST /units/{code}/import": editRoute(http.MethodPost, "/import", url.Values{"period": {"2024"}}, http.StatusBadRequest, false),
		// No upload of this session: refused with a message.
		"POST /units/{code}/import/confirm":        editRoute(http.MethodPost, "/import/confirm", url.Values{"upload": {strings.Repeat("ab", 16)}}, http.StatusBadRequest, false),
		"GET /units/{code}/schools/{school}/edit":  schoolEdit(http.MethodGet, nil, http.StatusOK),
		"POST /units/{code}/schools/{school}/edit": schoolEdit(http.MethodPost, url.Values{"name": {"某校"}, "students": {"abc"}}, http.StatusBadRequest),
		"GET /units/{code}/facts/edit":             editRoute(http.MethodGet, "/facts/edit?period=2024", nil, http.StatusOK, true),
		"POST /units/{code}/facts/edit":            editRoute(http.MethodPost, "/facts/edit?period=2024", url.Values{"edu_budget": {"abc"}}, http.StatusBadRequest, true),
		"GET /audit":                               onlyFor("/audit", "admin", "reviewer"),
		"GET /audit/verify":                        onlyFor("/audit/verify", "admin"),
		"GET /admin/users":                         onlyFor("/admin/users", "admin"),
		"POST /admin/users/{name}/unlock":          adminPost("/admin/users/spare1/unlock", nil, http.StatusSeeOther),
		"POST /admin/users/{name}/disable":         adminPost("/admin/users/spare1/disable", nil, http.StatusSeeOther),
		"POST /admin/users/{name}/enable":          adminPost("/admin/users/spare1/enable", nil, http.StatusSeeOther),
		"POST /admin/users": adminPost("/admin/users", url.Values{"username": {"matrix1"}, "name": {"矩阵"}, "role": {ziping.RoleViewer},
			"scope": {"990121"}, "password": {"Matrix-Test-2026"}, "again": {"Matrix-Test-2026"}}, http.StatusSeeOther),
		"POST /admin/users/{name}/password": adminPost("/admin/users/spare1/password", url.Values{"password": {"Spare-Reset-2026"}, "again": {"Spare-Reset-2026"}}, http.StatusSeeOther),
		"POST /admin/users/{name}/scope":    adminPost("/admin/users/spare1/scope", url.Values{"scope": {"990102"}}, http.StatusSeeOther),
		// No school named: the admin is asked for one; everyone else is refused.
		"POST /admin/schools/move": adminPost("/admin/schools/move", nil, http.StatusBadRequest),
		"GET /account/password":    signedInPage("/account/password"),
		// A wrong current password: the form again, nothing changed, whoever asks.
		"POST /account/password": func(role string) []check {
			c := check{req: request{role: role, method: http.MethodPost, path: "/account/password",
				form: url.Values{"current": {"not-the-password"}, "new": {"a-brand-new-secret"}, "again": {"a-brand-new-secret"}}}, status: http.StatusBadRequest}
			if role == "anon" {
				c.status, c.location = http.StatusSeeOther, "/login"
			}
			return []check{c}
		},
	}
	for pattern, rows := range rkMatrixRows(f, units) {
		matrix[pattern] = rows
	}
	for pattern, rows := range assessmentMatrix(f, units, unitRoute, editRoute) {
		matrix[pattern] = rows
	}
	for pattern, rows := range reportMatrix(f, units) {
		matrix[pattern] = rows
	}
	for pattern, rows := range adminFrameworkMatrix() {
		matrix[pattern] = rows
	}
	for pattern, rows := range noticeMatrix(units) {
		matrix[pattern] = rows
	}
	for pattern, rows := range dueDateMatrix(units) {
		matrix[pattern] = rows
	}
	for pattern, rows := range schoolRankingMatrix(units) {
		matrix[pattern] = rows
	}
	for pattern, rows := range surveyMatrix(f, units, unitRoute, editRoute) {
		matrix[pattern] = rows
	}
	for pattern, rows := range ledgerBulkMatrix(f) {
		matrix[pattern] = rows
	}
	for _, rt := range f.srv.routeTable() {
		rows := matrix[rt.pattern]
		if rows == nil {
			t.Errorf("route %s has no row in the authorization matrix", rt.pattern)
			continue
		}
		for _, role := range roles {
			for _, c := range rows(role) {
				w := f.do(c.req)
				loc := w.Header().Get("Location")
				if w.Code != c.status || (c.location != "" && !strings.HasPrefix(loc, c.location)) {
					t.Errorf("%s as %s: %s %s → %d %q, want %d %q", rt.pattern, role, c.req.method, c.req.path, w.Code, loc, c.status, c.location)
				}
			}
		}
	}
}

// TestScopeDenials spells out the cases the issue names: a county user on another
// county's URLs, a school user on its county's, with what the refusal says.
func TestScopeDenials(t *testing.T) {
	f := newFixture(t, 60)
	fw := "?fw=yzjh-2017&period=2024"
	f.run(t, []scenario{
		{"county filler, other county page", "filler", "", "/units/990121", nil, 403, []string{"无权访问", "您无权查看"}},
		{"county filler, other county score", "filler", "", "/units/990121/score" + fw, nil, 403, nil},
		{"county filler, other county explain", "filler", "", "/units/990121/explain/primary.cv.equipment_value_per_student" + fw, nil, 403, nil},
		{"county filler, other county xlsx", "filler", "", "/units/990121/score.xlsx" + fw, nil, 403, nil},
		{"county filler, the city above", "filler", "", "/units/990100", nil, 403, nil},
		{"county filler, own county", "filler", "", "/units/990102", nil, 200, []string{"学校数据"}},
		{"school filler, its county", "school", "", "/units/990102", nil, 403, nil},
		{"school filler, its county's score", "school", "", "/units/990102/score", nil, 403, nil},
		{"school filler, own school", "school", "", "/units/" + f.school, nil, 200, []string{"学校代码 " + f.school}},
		{"viewer, own county", "viewer", "", "/units/990121/score", nil, 200, []string{"评分表"}},
		{"viewer, a neighbour", "viewer", "", "/units/990181", nil, 403, nil},
		{"reviewer, a county below", "reviewer", "", "/units/990181/score", nil, 200, nil},
		{"reviewer, the province above", "reviewer", "", "/units/990000", nil, 403, nil},
		{"unknown unit", "admin", "", "/units/123456", nil, 404, []string{"没有代码为 123456 的单位"}},
	})
}
