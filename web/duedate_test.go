package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ziping"
)

// dueDateMatrix: the due-date form is for the reviewing level only: admins
// anywhere, the city's reviewer on its city and the counties below; a filler never
// (not its own county's date, not the city's), a viewer never. On a school no
// county framework's date can be set (404).
func dueDateMatrix(units map[string]string) map[string]func(role string) []check {
	keys := []string{"P", "C", "K2", "K3", "S2"}
	setters := map[string][]string{"admin": {"P", "C", "K2", "K3"}, "reviewer": {"C", "K2", "K3"}}
	edit := func(method string, form url.Values, allow int) func(role string) []check {
		return func(role string) []check {
			var out []check
			for _, key := range keys {
				c := check{req: request{role: role, method: method, path: "/units/" + units[key] + "/due?fw=" + testFW + "&period=2024", form: form}}
				switch {
				case role == "anon":
					c.status, c.location = http.StatusSeeOther, "/login"
				case !slices.Contains(visible[role], key):
					c.status = http.StatusForbidden
				case key == "S2":
					c.status = http.StatusNotFound
				case slices.Contains(setters[role], key):
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
		"GET /units/{code}/due": edit(http.MethodGet, nil, http.StatusOK),
		// A date that is not one: refused on the form, nothing saved, for whoever may.
		"POST /units/{code}/due": edit(http.MethodPost, url.Values{"version": {"0"}, "date": {"2024-13-40"}}, http.StatusBadRequest),
	}
}

// setDue posts the due-date form of unit code as role.
func (f *fixture) setDue(role, code, date string, version int) *httpResponse {
	f.t.Helper()
	w := f.do(request{role: role, method: http.MethodPost, path: "/units/" + code + "/due?fw=" + testFW + "&period=2024",
		form: url.Values{"date": {date}, "version": {strconv.Itoa(version)}}})
	return &httpResponse{code: w.Code, location: w.Header().Get("Location"), body: w.Body.String()}
}

type httpResponse struct {
	code           int
	location, body string
}

// dueSet is the due date set on unit code itself, "" when none.
func (f *fixture) dueSet(t *testing.T, code string) string {
	t.Helper()
	ds, err := f.svc.Assess.DueDatesSet(f.ctx, testFW, 2024, []int64{f.unitID(t, code)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) == 0 || ds[0].Due.IsZero() {
		return ""
	}
	return ds[0].Due.Format(time.DateOnly)
}

// TestDueDates: the city's reviewer sets the due date of this year's
// self-evaluations; the county's filler sees it on its home and its assessment
// page, counted down in Beijing days; the county's own date wins over the city's;
// once it has passed the home says how late, a submission is still taken and then
// marked late, on the assessment page and in the reviewer's queue. The filler may
// not set or move a date, the reviewer not above its scope; every save is audited
// in Chinese.
func TestDueDates(t *testing.T) {
	f := newFixture(t, 30)
	filler := f.actor("filler")
	id := f.startAssessment(filler, "990102", testFW, 2024)
	item := `id="work-` + strconv.FormatInt(id, 10) + `"`
	if body := f.homeOf(t, "filler"); strings.Contains(body, "截止日期") || !strings.Contains(body, item) {
		t.Errorf("the filler's home before any due date:\n%s", excerpt(body))
	}

	// Denials: the filler on its own county and on the city; the reviewer on the
	// province above it; a viewer. Nothing is stored.
	for _, c := range []struct{ role, code string }{{"filler", "990102"}, {"filler", "990100"}, {"reviewer", "990000"}, {"viewer", "990121"}, {"school", "990102"}} {
		if r := f.setDue(c.role, c.code, "2024-06-30", 0); r.code != http.StatusForbidden {
			t.Errorf("%s setting %s's due date: %d, want 403", c.role, c.code, r.code)
		}
	}
	if r := f.setDue("filler", "990102", "2024-06-30", 0); !strings.Contains(r.body, "本单位不能设置或更改自己的截止日期") {
		t.Errorf("the filler's refusal says:\n%s", excerpt(r.body))
	}
	for _, code := range []string{"990000", "990100", "990102"} {
		if d := f.dueSet(t, code); d != "" {
			t.Errorf("after the refusals %s has a due date %s", code, d)
		}
	}
	// Without the CSRF token the reviewer's post is refused too.
	w := f.do(request{role: "reviewer", method: http.MethodPost, path: "/units/990100/due?fw=" + testFW + "&period=2024", noCSRF: true,
		form: url.Values{"date": {"2024-05-13"}, "version": {"0"}}})
	if w.Code != http.StatusForbidden || f.dueSet(t, "990100") != "" {
		t.Errorf("a post without the CSRF token: %d, date %q", w.Code, f.dueSet(t, "990100"))
	}

	// The city's reviewer sets the city's date: 2024-05-01 in Beijing, 12 days left.
	r := f.setDue("reviewer", "990100", "2024-05-13", 0)
	if r.code != http.StatusSeeOther || !strings.HasPrefix(r.location, "/units/990100/due?") || f.dueSet(t, "990100") != "2024-05-13" {
		t.Fatalf("the reviewer setting the city's date: %d %q, stored %q\n%s", r.code, r.location, f.dueSet(t, "990100"), excerpt(r.body))
	}
	e := f.lastAuditOf(t, "due_date_save")
	if e.Username != roleUsers["reviewer"].user || e.UnitID != f.unitID(t, "990100") || !strings.Contains(e.New, `"due":"2024-05-13"`) {
		t.Errorf("the audit entry: %+v", e)
	}
	audit := f.do(request{role: "admin", method: http.MethodGet, path: "/audit"}).Body.String()
	for _, want := range []string{"设置自评截止日期", f.unitName("990100") + "2024年度", "自评截止日期"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	form := f.do(request{role: "reviewer", method: http.MethodGet, path: "/units/990102/due?fw=" + testFW + "&period=2024"}).Body.String()
	if !strings.Contains(form, "2024-05-13（"+f.unitName("990100")+"设定）") {
		t.Errorf("the county's form does not say the city's date applies:\n%s", excerpt(form))
	}
	ranking := f.do(request{role: "reviewer", method: http.MethodGet, path: "/units/990100/ranking?fw=" + testFW + "&period=2024"}).Body.String()
	if !strings.Contains(ranking, `id="ranking-due-edit"`) || !strings.Contains(ranking, "/units/990100/due?") {
		t.Errorf("the ranking does not link the due-date form")
	}
	want := "截止日期 2024-05-13（还剩12天）"
	if body := f.homeOf(t, "filler"); !strings.Contains(body, want) {
		t.Errorf("the filler's home lacks %q:\n%s", want, excerpt(body))
	}
	if body := f.do(request{role: "filler", method: http.MethodGet, path: assessmentURL(id)}).Body.String(); !strings.Contains(body, want) {
		t.Errorf("the assessment page lacks %q", want)
	}
	if body := f.homeOf(t, "reviewer"); !strings.Contains(body, "2024-05-13") || !strings.Contains(body, `id="due-dates"`) {
		t.Errorf("the reviewer's home does not show the date it set:\n%s", excerpt(body))
	}

	// The county's own date wins; a stale form is refused and changes nothing; a
	// date years away is refused.
	if r := f.setDue("reviewer", "990102", "2024-05-20", 0); r.code != http.StatusSeeOther {
		t.Fatalf("the reviewer setting the county's date: %d\n%s", r.code, excerpt(r.body))
	}
	if r := f.setDue("admin", "990102", "2024-05-25", 0); r.code != http.StatusConflict || !strings.Contains(r.body, "已被他人修改") {
		t.Errorf("a stale form: %d\n%s", r.code, excerpt(r.body))
	}
	if r := f.setDue("reviewer", "990102", "2031-01-01", 1); r.code != http.StatusBadRequest || !strings.Contains(r.body, "2024年至2029年") {
		t.Errorf("a date years away: %d\n%s", r.code, excerpt(r.body))
	}
	if d := f.dueSet(t, "990102"); d != "2024-05-20" {
		t.Errorf("the county's date after the refusals: %q", d)
	}
	if body := f.homeOf(t, "filler"); !strings.Contains(body, "截止日期 2024-05-20（还剩19天）") {
		t.Errorf("the nearest date does not win:\n%s", excerpt(body))
	}

	// 2024-05-23 in Beijing: three days late. The submission is taken, and marked.
	f.clock.add(22 * 24 * time.Hour)
	clear(f.sessions) // the sessions of three weeks ago have ended
	if body := f.homeOf(t, "filler"); !strings.Contains(body, "截止日期 2024-05-20（已逾期3天）") {
		t.Errorf("the home past the date:\n%s", excerpt(body))
	}
	f.scoreRest(filler, id)
	if err := f.svc.Assess.Submit(f.ctx, filler, id, ""); err != nil {
		t.Fatalf("a submission after the due date is refused: %v", err)
	}
	late := "截止日期 2024-05-20（逾期提交，晚3天）"
	if body := f.do(request{role: "reviewer", method: http.MethodGet, path: assessmentURL(id)}).Body.String(); !strings.Contains(body, late) {
		t.Errorf("the assessment page lacks %q", late)
	}
	if body := f.homeOf(t, "reviewer"); !strings.Contains(body, "2024-05-20（逾期提交，晚3天）") {
		t.Errorf("the reviewer's queue does not say the submission was late:\n%s", excerpt(body))
	}

	// Cleared, the county falls back to the city's date.
	if r := f.setDue("reviewer", "990102", "", 1); r.code != http.StatusSeeOther || f.dueSet(t, "990102") != "" {
		t.Fatalf("clearing the county's date: %d, stored %q", r.code, f.dueSet(t, "990102"))
	}
	if body := f.do(request{role: "filler", method: http.MethodGet, path: assessmentURL(id)}).Body.String(); !strings.Contains(body, "截止日期 2024-05-13（逾期提交，晚10天）") {
		t.Errorf("after clearing, the city's date does not apply")
	}
}

// TestAdminHomePanels: the administrator's home lists the fixture's import (who,
// when in Beijing time, the file, period and rows, linked to its audit entry), the
// accounts by role with the locked one and those never signed in, and the
// period's data gaps: a county with no school rows.
func TestAdminHomePanels(t *testing.T) {
	f := newFixture(t, 30)
	// A county with no data, a locked account and one that never signed in.
	if _, err := f.svc.Data.AddUnit(f.ctx, ziping.System, "990199", "空白县", ziping.LevelCounty, "990100"); err != nil {
		t.Fatal(err)
	}
	f.addUser("newbie", ziping.RoleFiller, "990121")
	u, err := f.svc.Store.UserByName(f.ctx, roleUsers["viewer"].user)
	if err != nil {
		t.Fatal(err)
	}
	f.login("viewer", false) // the viewer signs in once...
	u.LockedUntil = f.clock.now().Add(time.Hour)
	if err := f.svc.Store.UpdateUser(f.ctx, u); err != nil { // ...and then it is locked
		t.Fatal(err)
	}
	body := f.homeOf(t, "admin")
	imports := between(body, `id="admin-imports"`, `</section>`)
	e := f.lastAuditOf(t, "import")
	for _, want := range []string{"示范.xlsx", "2024年度", "<td>系统</td>", dateTime(e.At), `href="/audit?before=` + strconv.FormatInt(e.Seq+1, 10) + `"`} {
		if !strings.Contains(imports, want) {
			t.Errorf("the imports panel lacks %q:\n%s", want, imports)
		}
	}
	users := between(body, `id="admin-users"`, `</section>`)
	for _, want := range []string{"系统管理员 1人", "督导复核 1人", "数据填报 3人", "查看 1人",
		`href="/admin/users#user-` + roleUsers["viewer"].user + `"`, "用户newbie（newbie）", `href="/admin/users"`} {
		if !strings.Contains(users, want) {
			t.Errorf("the users panel lacks %q:\n%s", want, users)
		}
	}
	if locked := between(users, `id="users-locked"`, `</ul>`); !strings.Contains(locked, roleUsers["viewer"].user) || strings.Contains(locked, "newbie") {
		t.Errorf("locked accounts: %s", locked)
	}
	if never := between(users, `id="users-never"`, `</ul>`); !strings.Contains(never, "newbie") || strings.Contains(never, roleUsers["admin"].user) ||
		strings.Contains(never, roleUsers["viewer"].user) {
		t.Errorf("accounts never signed in: %s", never)
	}
	gaps := between(body, `id="admin-gaps"`, `</section>`)
	if !strings.Contains(gaps, "2024年度数据缺口") || !strings.Contains(gaps, `<a href="/units/990199">空白县</a>`) || !strings.Contains(gaps, "1/4") {
		t.Errorf("the data gaps panel:\n%s", gaps)
	}
	// Nobody else gets the panels.
	for _, role := range []string{"reviewer", "filler"} {
		if b := f.homeOf(t, role); strings.Contains(b, `id="admin-imports"`) || strings.Contains(b, `id="admin-users"`) || strings.Contains(b, `id="admin-gaps"`) {
			t.Errorf("%s's home shows the administrator's panels", role)
		}
	}
}

// between is the part of s from the first from to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
