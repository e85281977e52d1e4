package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/survey"
	"ziping/web/walktest"
)

// TestNoProgramIdentifiersOnPages walks every GET page of the route table as every
// role on a fixture in the demo's state (assessments in every stage, problems,
// evidence, a report, a survey round, the audit trail) and fails on any ASCII
// identifier of the program's own in what a user reads: metric, element and
// checklist item ids, framework ids, audit action names, the audit records' JSON
// keys, workflow states. What a user reads is the page's text without <code>,
// <details>, <pre>, form values, scripts and attributes. The identifiers are
// collected from the frameworks and the audit trail, not listed by hand.
func TestNoProgramIdentifiersOnPages(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every page as every role")
	}
	f := newFixture(t, 60)
	reviewed := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
	published := f.publishedAssessment("990121", "yzjh-2017", 2024)
	draft := f.startAssessment(ziping.System, "990102", rkFW, 2023)
	f.addEvidence(ziping.System, draft, "1", "会议纪要")
	problems := f.rkProblems(reviewed)
	if len(problems) == 0 {
		t.Fatal("no problems")
	}
	rd := f.surveyRound(t, false)
	links, err := f.svc.Store.SurveyLinks(f.ctx, rd.ID)
	if err != nil || len(links) == 0 {
		t.Fatalf("links: %v", err)
	}
	// Some of everything in the audit trail: a failed login, a user locked and
	// unlocked, a finding.
	f.postLogin(t, "10.0.0.9", "county2", "wrong-password")
	if w := f.do(request{role: "reviewer", method: http.MethodPost, path: assessmentURL(reviewed.ID) + "/findings",
		form: map[string][]string{"description": {"校舍安全隐患未排查"}, "deadline": {"2024-09-30"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("finding: %d", w.Code)
	}

	ids := f.programIdentifiers(t)
	units := []string{"990000", "990100", "990102", "990121", f.school}
	assessments := []int64{reviewed.ID, published, draft}
	var paths []string
	pages, _ := f.srv.GetPatterns()
	for _, pattern := range pages {
		paths = append(paths, f.walkPaths(pattern, units, assessments, problems[0].ID, rd.ID, links[0].Key)...)
	}
	if len(paths) < 60 {
		t.Fatalf("only %d pages to walk", len(paths))
	}
	found := walktest.NewFindings(ids)
	for _, role := range []string{"admin", "reviewer", "filler", "school", "viewer", "anon"} {
		for _, p := range paths {
			w := f.do(request{role: role, method: http.MethodGet, path: p})
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
				continue
			}
			if err := found.Check(role+" "+p, w.Body.String()); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d pages walked (%d paths × roles), %d identifiers known", found.Pages, len(paths), len(ids))
	for _, leak := range found.Leaks() {
		t.Error(leak)
	}
}

// walkPaths are the paths of a route pattern with its parameters filled in.
func (f *fixture) walkPaths(pattern string, units []string, assessments []int64, problem, round int64, link string) []string {
	itoa := func(ids ...int64) []string {
		var s []string
		for _, id := range ids {
			s = append(s, strconv.FormatInt(id, 10))
		}
		return s
	}
	prog := f.srv.programs[rkFW]
	var metrics, points []string
	for i, m := range prog.FW.Metrics {
		if i%7 == 0 {
			metrics = append(metrics, m.ID)
		}
	}
	for _, a := range prog.FW.Areas {
		for _, p := range a.Points {
			points = append(points, p.Code)
		}
	}
	points = points[:min(len(points), 6)]
	values := map[string][]string{"code": units, "school": {f.school}, "metric": metrics, "point": points,
		"key": {link}, "version": {prog.FW.Version}}
	switch {
	case strings.HasPrefix(pattern, "/assessments/"):
		values["id"] = itoa(assessments...)
	case strings.HasPrefix(pattern, "/problems/"):
		values["id"] = itoa(problem)
	case strings.HasPrefix(pattern, "/surveys/"):
		values["id"] = itoa(round)
	case strings.HasPrefix(pattern, "/questionnaires/"):
		values["id"] = []string{"yzjh-2017"}
	case strings.HasPrefix(pattern, "/frameworks/"), strings.HasPrefix(pattern, "/admin/frameworks/"):
		values["id"] = f.srv.fwIDs
	}
	out := walktest.Fill(pattern, values)
	var withQuery []string
	for _, p := range out {
		withQuery = append(withQuery, p)
		if strings.HasPrefix(p, "/units/") || strings.HasPrefix(p, "/notice/") {
			withQuery = append(withQuery, p+"?fw="+rkFW+"&period=2024", p+"?fw=yzjh-2017&period=2024")
		}
	}
	return withQuery
}

// programIdentifiers are the program's own ASCII identifiers, each with what it
// is; every audit action and field of the trail has a Chinese name.
func (f *fixture) programIdentifiers(t *testing.T) walktest.Identifiers {
	ids := walktest.Identifiers{}
	for _, id := range f.srv.fwIDs {
		ids.AddFramework(f.srv.programs[id].FW)
	}
	files, err := survey.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	for _, sf := range files {
		ids.AddSurvey(sf)
	}
	ids.AddModel()
	entries, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	ids.AddAudit(entries)
	for _, e := range entries {
		if actionName(e.Action) == "其他操作" {
			t.Errorf("the audit action %s has no Chinese name (actionNames)", e.Action)
		}
		for _, k := range walktest.AuditKeys(e) {
			if fieldName(k) == "其他字段" {
				t.Errorf("the audit field %s (of %s) has no Chinese name (fieldNames)", k, e.Action)
			}
		}
	}
	return ids
}
