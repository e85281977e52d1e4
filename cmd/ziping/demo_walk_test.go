package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"ziping"
	"ziping/frameworks"
	"ziping/survey"
	"ziping/web"
	"ziping/web/walktest"
)

// demoAccountRow is a row of the demo's table of accounts: user, password, name,
// scope.
var demoAccountRow = regexp.MustCompile(`^\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$`)

// demoAccounts reads the accounts the demo prints (示范账号), user → password, in
// the order printed.
func demoAccounts(t *testing.T, out string) ([]string, map[string]string) {
	t.Helper()
	_, table, ok := strings.Cut(out, "示范账号")
	if !ok {
		t.Fatalf("the demo prints no accounts:\n%s", out)
	}
	var users []string
	pass := map[string]string{}
	for i, line := range strings.Split(table, "\n")[1:] {
		if strings.TrimSpace(line) == "" {
			break
		}
		m := demoAccountRow.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("account row %q", line)
		}
		if i == 0 {
			continue // the heading
		}
		users = append(users, m[1])
		pass[m[1]] = m[2]
	}
	return users, pass
}

// walkTarget is a path of the walk with the unit it shows, if any, and whether an
// actor may see it.
type walkTarget struct {
	pattern, path string
	file          bool                     // a download or document, not a page
	adminOnly     bool                     // slow (a PDF): fetched by the administrator and anonymously only
	visible       func(*ziping.Actor) bool // nil: no unit of its own
	unit          string                   // the unit it shows, for the report
}

// TestDemoPagesWalk walks every GET route of the web application, with real ids of
// the demo's database (every unit level, assessments of every framework in every
// status the demo has, problems, the survey round and its link, reports, notices,
// evidence), as every account the demo prints and as an anonymous visitor. No page
// fails (5xx); a user who may see what a path shows gets it, one who may not gets
// 403 or 404; no page shows an ASCII identifier of the program's own (metric ids,
// action names, JSON keys, states) outside code and toggles (package walktest).
func TestDemoPagesWalk(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("walks every page of the demo as every account")
	}
	d := sharedDemo(t)
	users, pass := demoAccounts(t, d.out)
	if len(users) < 5 {
		t.Fatalf("demo accounts %v", users)
	}
	svc, app, srv, errs := serveDemo(t, d)
	ctx := context.Background()

	// Sign in as every account, through the login form with the printed password.
	clients := map[string]*http.Client{}
	actors := map[string]*ziping.Actor{}
	for _, u := range append(users, "") {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		clients[u] = c
		if u == "" {
			continue
		}
		resp := postLogin(t, c, srv.URL, u, pass[u])
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s signs in: status %d", u, resp.StatusCode)
		}
		user, err := svc.Store.UserByName(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		a := &ziping.Actor{User: user}
		if user.ScopeID != 0 {
			if a.Scope, err = svc.Store.Unit(ctx, user.ScopeID); err != nil {
				t.Fatal(err)
			}
		}
		actors[u] = a
	}

	// The administrator walks first: what it gets is what the path is (a page, or
	// no page of that unit's level: 400 or 404), and the others are held to it.
	sort.SliceStable(users, func(i, j int) bool { return actors[users[i]].IsAdmin() && !actors[users[j]].IsAdmin() })
	if !actors[users[0]].IsAdmin() {
		t.Fatalf("the demo prints no administrator among %v", users)
	}
	targets, covered := demoTargets(t, svc, app)
	ids := demoIdentifiers(t, svc)
	for _, u := range users {
		delete(ids, u) // the demo's user names (county, school) are data, shown as such
	}
	found := walktest.NewFindings(ids)
	var bad []string
	statuses := map[string]map[int]int{} // role → status → pages
	adminGot := map[string]int{}
	shown := map[string]bool{} // patterns the administrator got a page of
	requests := 0
	start := time.Now()
	for _, u := range append(users, "") {
		role := u
		if role == "" {
			role = "匿名"
		}
		statuses[role] = map[int]int{}
		for _, tg := range targets {
			if tg.adminOnly && u != users[0] && u != "" {
				continue
			}
			resp, err := clients[u].Get(srv.URL + tg.path)
			if err != nil {
				t.Fatal(err)
			}
			requests++
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			st := resp.StatusCode
			statuses[role][st]++
			where := role + " " + tg.path
			if u == users[0] {
				adminGot[tg.path] = st
				if st == http.StatusOK {
					shown[tg.pattern] = true
				}
			}
			if want := expectStatus(u, actors[u], tg, adminGot[tg.path]); !slices.Contains(want, st) {
				bad = append(bad, fmt.Sprintf("%s (%s): status %d, want %v", where, tg.what(), st, want))
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				if err := found.Check(where, string(body)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	pages, files := app.GetPatterns()
	for _, p := range append(pages, files...) {
		if !shown[p] && p != "/login" && p != "/units" {
			t.Errorf("no path of the route %s showed the administrator a page or file: the walk does not cover it", p)
		}
	}
	t.Logf("%d requests (%d paths, %d accounts and anonymous) in %v, %d pages checked, %d identifiers known; covered %s; statuses %v",
		requests, len(targets), len(users), time.Since(start).Round(time.Millisecond), found.Pages, len(ids), covered, statuses)
	for i, b := range bad {
		if i == 40 {
			t.Errorf("… and %d more", len(bad)-i)
			break
		}
		t.Error(b)
	}
	for _, leak := range found.Leaks() {
		t.Error(leak)
	}
	if errs.Len() > 0 {
		t.Errorf("serving the demo database: %s", errs.String())
	}
}

// mayOpen is who may open a route's path, beyond seeing the unit it shows (seen;
// nil when it shows no unit of its own): the administrator's pages, the audit
// trail (the administrator, and reviewers for their subtree), changing a unit's
// data (its fillers), its deadline (自评截止日期: the reviewers above it). Public pages are anyone's.
func mayOpen(pattern string, seen func(*ziping.Actor) bool, u *ziping.OrgUnit) func(*ziping.Actor) bool {
	switch {
	case strings.HasPrefix(pattern, "/notice/"), strings.HasPrefix(pattern, "/s/"):
		return nil
	case strings.HasPrefix(pattern, "/admin/"), pattern == "/audit/verify":
		return (*ziping.Actor).IsAdmin
	case pattern == "/audit":
		return func(a *ziping.Actor) bool { return a.IsAdmin() || a.User.Role == ziping.RoleReviewer }
	case strings.HasSuffix(pattern, "/import"), strings.HasSuffix(pattern, "/edit"):
		return func(a *ziping.Actor) bool { return a.CanEdit(u) }
	case strings.HasSuffix(pattern, "/due"): // the deadline is set by the levels above (assess.MaySetDueDate)
		return func(a *ziping.Actor) bool { return a.IsAdmin() || a.User.Role == ziping.RoleReviewer && a.CanSee(u) }
	}
	return seen
}

// what says what a target shows, for a failure's message.
func (tg walkTarget) what() string {
	if tg.unit == "" {
		return tg.pattern
	}
	return tg.pattern + " of unit " + tg.unit
}

// expectStatus is what a user (anonymous when "") may get at a target, given what
// the administrator got there: anonymous visitors are sent to sign in, except on
// public pages; users get what they may see, and 403 or 404 for what they may not
// or what is no page (the administrator's 400 or 404: another level's page).
func expectStatus(user string, a *ziping.Actor, tg walkTarget, admin int) []int {
	public := strings.HasPrefix(tg.pattern, "/notice/") || strings.HasPrefix(tg.pattern, "/s/") || tg.pattern == "/login"
	switch {
	case user == "" && tg.pattern == "/login":
		return []int{http.StatusOK}
	case user == "" && public:
		if admin == http.StatusOK || admin == 0 {
			return []int{http.StatusOK}
		}
		return []int{admin, http.StatusNotFound}
	case user == "" && tg.file:
		return []int{http.StatusUnauthorized}
	case user == "":
		return []int{http.StatusSeeOther}
	case a.IsAdmin():
		switch tg.pattern {
		case "/login", "/units": // signed in: to the home page; to the first unit
			return []int{http.StatusSeeOther}
		}
		return []int{http.StatusOK, http.StatusBadRequest, http.StatusNotFound}
	case admin == http.StatusSeeOther, tg.pattern == "/{$}" && a.User.Role == ziping.RoleViewer: // a viewer's home is its unit
		return []int{http.StatusSeeOther}
	case admin != http.StatusOK:
		return []int{admin, http.StatusForbidden, http.StatusNotFound}
	case tg.visible != nil && !tg.visible(a):
		return []int{http.StatusForbidden, http.StatusNotFound}
	}
	return []int{http.StatusOK}
}

// demoTargets are the paths of every GET route filled with the demo's real ids, and
// what they cover in words.
func demoTargets(t *testing.T, svc *services, app *web.Server) ([]walkTarget, string) {
	t.Helper()
	ctx := context.Background()
	province, err := svc.Store.UnitByCode(ctx, "990000")
	if err != nil {
		t.Fatal(err)
	}
	all, err := svc.Store.Subtree(ctx, province)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*ziping.OrgUnit{}
	byCode := map[string]*ziping.OrgUnit{}
	for i := range all {
		byID[all[i].ID], byCode[all[i].Code] = &all[i], &all[i]
	}
	// Units: the province, its cities and counties, the first school of each
	// county, and the schools of the accounts.
	var units []string
	levels := map[string]int{}
	schoolOf := map[string]string{} // county → a school in it
	for _, u := range all {
		if u.Level == ziping.LevelSchool {
			parent := byID[u.ParentID]
			if parent == nil || schoolOf[parent.Code] != "" {
				continue
			}
			schoolOf[parent.Code] = u.Code
		}
		units = append(units, u.Code)
		levels[u.Level]++
	}
	users, err := svc.Store.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		for _, x := range all {
			if x.ID == u.ScopeID && x.Level == ziping.LevelSchool && !slices.Contains(units, x.Code) {
				units = append(units, x.Code)
			}
		}
	}
	for _, lv := range []string{ziping.LevelProvince, ziping.LevelCity, ziping.LevelCounty, ziping.LevelSchool} {
		if levels[lv] == 0 {
			t.Fatalf("the demo has no unit of level %s", lv)
		}
	}
	unitSeen := func(code string) func(*ziping.Actor) bool {
		u := byCode[code]
		return func(a *ziping.Actor) bool { return a.CanSee(u) }
	}
	seenWith := func(assessmentID int64) func(*ziping.Actor) bool {
		as, err := svc.Store.Assessment(ctx, assessmentID)
		if err != nil {
			t.Fatal(err)
		}
		u := byID[as.UnitID]
		return func(a *ziping.Actor) bool { return a.CanSeeAssessment(u, as) }
	}

	// Assessments: one of every framework in every status.
	list, err := svc.Store.Assessments(ctx, ziping.AssessmentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var assessments []ziping.Assessment
	kinds := map[string]bool{}
	statuses := map[string]bool{}
	for _, as := range list {
		if k := as.Framework + "/" + as.Status; !kinds[k] {
			kinds[k] = true
			statuses[as.Status] = true
			assessments = append(assessments, as)
		}
	}
	for _, st := range []string{ziping.StatusDraft, ziping.StatusSubmitted, ziping.StatusReturned, ziping.StatusReviewed, ziping.StatusPublished} {
		if !statuses[st] {
			t.Errorf("the demo has no assessment %s", st)
		}
	}
	assessmentSeen := func(as ziping.Assessment) func(*ziping.Actor) bool {
		u := byID[as.UnitID]
		return func(a *ziping.Actor) bool { return a.CanSeeAssessment(u, &as) }
	}
	// Every status of problem the demo has.
	problems, err := svc.Store.Problems(ctx, ziping.ProblemQuery{})
	if err != nil || len(problems) == 0 {
		t.Fatalf("the demo's problems: %d, %v", len(problems), err)
	}
	var someProblems []ziping.Problem
	pstatus := map[string]bool{}
	for _, p := range problems {
		if !pstatus[p.Status] {
			pstatus[p.Status] = true
			someProblems = append(someProblems, p)
		}
	}
	rounds, err := svc.Store.SurveyRounds(ctx, ziping.SurveyRoundQuery{})
	if err != nil || len(rounds) == 0 {
		t.Fatalf("the demo's survey rounds: %d, %v", len(rounds), err)
	}
	links, err := svc.Store.SurveyLinks(ctx, rounds[0].ID)
	if err != nil || len(links) == 0 {
		t.Fatalf("the demo's survey links: %d, %v", len(links), err)
	}
	fws, err := svc.Store.Frameworks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := svc.Store.Questionnaires(ctx)
	if err != nil || len(qs) == 0 {
		t.Fatalf("questionnaires: %d, %v", len(qs), err)
	}
	var evidence []string
	var evidenceOf int64
	for _, as := range assessments {
		ev, err := svc.Store.EvidenceOf(ctx, as.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev) > 0 {
			evidence, evidenceOf = append(evidence, strconv.FormatInt(ev[0].ID, 10)), as.ID
			break
		}
	}
	if len(evidence) == 0 {
		t.Error("the demo's assessments have no evidence")
	}

	// Points of each framework to open: a few of its points and its first veto.
	points := map[string][]string{}
	for _, fw := range fws {
		prog, err := frameworks.Builtin(fw.ID)
		if err != nil {
			continue
		}
		var codes []string
		for _, ar := range prog.FW.Areas {
			for _, p := range ar.Points {
				codes = append(codes, p.Code)
			}
		}
		for i := 0; i < len(codes); i += max(1, len(codes)/3) {
			points[fw.ID] = append(points[fw.ID], codes[i])
		}
		if len(prog.FW.Vetoes) > 0 {
			points[fw.ID] = append(points[fw.ID], prog.FW.Vetoes[0].Code)
		}
	}
	// Metrics to explain: a few of each framework's, at each unit, with the framework.
	metrics := map[string][]string{}
	for _, fw := range fws {
		prog, err := frameworks.Builtin(fw.ID)
		if err != nil {
			continue
		}
		for i := 0; i < len(prog.FW.Metrics); i += max(1, len(prog.FW.Metrics)/2) {
			metrics[fw.ID] = append(metrics[fw.ID], prog.FW.Metrics[i].ID)
		}
	}
	periods, err := svc.Store.Periods(ctx)
	if err != nil || len(periods) < 2 {
		t.Fatalf("periods %v %v", periods, err)
	}
	last := strconv.Itoa(periods[len(periods)-1])
	// The pages of a unit that follow the framework and period asked for.
	withFramework := []string{"/units/{code}", "/units/{code}/score", "/units/{code}/ranking", "/units/{code}/school-ranking",
		"/units/{code}/problems", "/units/{code}/notice", "/notice/{code}", "/units/{code}/assessments"}

	pages, files := app.GetPatterns()
	var out []walkTarget
	add := func(pattern string, file bool, values map[string][]string, visible func(*ziping.Actor) bool, unit string) {
		paths := walktest.Fill(pattern, values)
		if len(paths) == 0 {
			t.Errorf("the walk has no values for the route %s", pattern)
		}
		base, _, _ := strings.Cut(pattern, "?")
		for _, p := range paths {
			out = append(out, walkTarget{pattern: base, path: p, file: file, visible: mayOpen(base, visible, byCode[unit]), unit: unit})
		}
	}
	for _, pattern := range append(slices.Clone(pages), files...) {
		file := !slices.Contains(pages, pattern)
		switch {
		case strings.HasPrefix(pattern, "/units/{code}/explain/"):
			for _, code := range units {
				for fw, ms := range metrics {
					for _, m := range ms {
						add(pattern+"?fw="+fw, file, map[string][]string{"code": {code}, "metric": {m}}, unitSeen(code), code)
					}
				}
			}
		case strings.HasPrefix(pattern, "/units/{code}/schools/{school}"):
			for county, school := range schoolOf {
				add(pattern, file, map[string][]string{"code": {county}, "school": {school}}, unitSeen(county), county)
			}
		case strings.Contains(pattern, "{code}"):
			for _, code := range units {
				add(pattern, file, map[string][]string{"code": {code}}, unitSeen(code), code)
				if slices.Contains(withFramework, pattern) {
					for _, fw := range fws {
						add(pattern+"?fw="+fw.ID+"&period="+last, file, map[string][]string{"code": {code}}, unitSeen(code), code)
					}
					add(pattern+"?fw=lxzz-county&period="+strconv.Itoa(periods[len(periods)-2]), file, map[string][]string{"code": {code}}, unitSeen(code), code)
				}
			}
		case strings.HasSuffix(pattern, ".pdf"):
			// A PDF takes over a second to typeset: one, the published report's, as
			// the administrator (the .docx and .html of the same handler are every
			// account's).
			for _, as := range assessments {
				if as.Status == ziping.StatusPublished && as.Framework == "lxzz-county" {
					add(pattern, file, map[string][]string{"id": {strconv.FormatInt(as.ID, 10)}}, assessmentSeen(as), byID[as.UnitID].Code)
					out[len(out)-1].adminOnly = true
					break
				}
			}
		case strings.HasPrefix(pattern, "/assessments/{id}"):
			for _, as := range assessments {
				add(pattern, file, map[string][]string{"id": {strconv.FormatInt(as.ID, 10)}, "point": points[as.Framework]},
					assessmentSeen(as), byID[as.UnitID].Code)
			}
		case strings.HasPrefix(pattern, "/problems/{id}"):
			for _, p := range someProblems {
				add(pattern, file, map[string][]string{"id": {strconv.FormatInt(p.ID, 10)}}, seenWith(p.AssessmentID), byID[p.UnitID].Code)
			}
		case strings.HasPrefix(pattern, "/surveys/{id}"):
			u := byID[rounds[0].UnitID]
			add(pattern, file, map[string][]string{"id": {strconv.FormatInt(rounds[0].ID, 10)}, "link": {strconv.FormatInt(links[0].ID, 10)}},
				func(a *ziping.Actor) bool { return a.CanSee(u) }, u.Code)
		case strings.HasPrefix(pattern, "/evidence/{id}"):
			add(pattern, file, map[string][]string{"id": evidence}, seenWith(evidenceOf), "")
		case strings.HasPrefix(pattern, "/s/{key}"):
			add(pattern, file, map[string][]string{"key": {links[0].Key}}, nil, "")
		case strings.HasPrefix(pattern, "/questionnaires/{id}"):
			for _, q := range qs {
				add(pattern, file, map[string][]string{"id": {q.ID}}, nil, "")
			}
		case strings.Contains(pattern, "frameworks/{id}"):
			for _, fw := range fws {
				add(pattern, file, map[string][]string{"id": {fw.ID}, "version": {fw.Version}}, nil, "")
			}
		default:
			add(pattern, file, nil, nil, "")
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].path < out[j].path })
	var st []string
	for k := range kinds {
		st = append(st, k)
	}
	sort.Strings(st)
	var ps []string
	for k := range pstatus {
		ps = append(ps, k)
	}
	sort.Strings(ps)
	return out, fmt.Sprintf("units %v by level %v; assessments %v; problems %v; survey round %d; evidence %v",
		units, levels, st, ps, rounds[0].ID, evidence)
}

// demoIdentifiers are the program's own identifiers: of every framework stored, the
// data model, and the demo's audit trail.
func demoIdentifiers(t *testing.T, svc *services) walktest.Identifiers {
	t.Helper()
	ids := walktest.Identifiers{}
	for _, id := range frameworks.IDs() {
		prog, err := frameworks.Builtin(id)
		if err != nil {
			t.Fatal(err)
		}
		ids.AddFramework(prog.FW)
	}
	files, err := survey.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		ids.AddSurvey(f)
	}
	ids.AddModel()
	entries, err := svc.Store.Audit(context.Background(), ziping.AuditQuery{Limit: 1000000})
	if err != nil || len(entries) == 0 {
		t.Fatalf("the demo's audit trail: %d entries, %v", len(entries), err)
	}
	ids.AddAudit(entries)
	return ids
}
