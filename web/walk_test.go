package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"ziping"
	"ziping/engine"
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
	for _, rt := range f.srv.routeTable() {
		method, pattern, _ := strings.Cut(rt.pattern, " ")
		if method != http.MethodGet || rt.access == download || strings.HasPrefix(pattern, "/static/") || pattern == "/healthz" {
			continue
		}
		paths = append(paths, f.walkPaths(pattern, units, assessments, problems[0].ID, rd.ID, links[0].Key)...)
	}
	if len(paths) < 60 {
		t.Fatalf("only %d pages to walk", len(paths))
	}
	leaks := map[string][]string{}
	walked := 0
	for _, role := range []string{"admin", "reviewer", "filler", "school", "viewer", "anon"} {
		for _, p := range paths {
			w := f.do(request{role: role, method: http.MethodGet, path: p})
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
				continue
			}
			walked++
			if m := vetoAsPoint.FindString(w.Body.String()); m != "" && len(leaks["veto named as a point"]) < 3 {
				leaks["veto named as a point"] = append(leaks["veto named as a point"], role+" "+p+": "+m)
			}
			for _, tok := range visibleTokens(t, w.Body.String()) {
				if what, ok := ids[tok]; ok {
					key := fmt.Sprintf("%s (%s)", tok, what)
					if len(leaks[key]) < 3 {
						leaks[key] = append(leaks[key], role+" "+p)
					}
				}
			}
		}
	}
	t.Logf("%d pages walked (%d paths × roles), %d identifiers known", walked, len(paths), len(ids))
	keys := make([]string, 0, len(leaks))
	for k := range leaks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("%s shown on %s", k, strings.Join(leaks[k], ", "))
	}
}

// walkPaths are the paths of a route pattern with its parameters filled in.
func (f *fixture) walkPaths(pattern string, units []string, assessments []int64, problem, round int64, link string) []string {
	out := []string{pattern}
	fill := func(param string, values ...string) {
		var next []string
		for _, p := range out {
			if !strings.Contains(p, "{"+param+"}") {
				next = append(next, p)
				continue
			}
			for _, v := range values {
				next = append(next, strings.ReplaceAll(p, "{"+param+"}", v))
			}
		}
		out = next
	}
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
	fill("code", units...)
	fill("school", f.school)
	fill("metric", metrics...)
	fill("point", points...)
	fill("key", link)
	fill("version", prog.FW.Version)
	switch {
	case strings.HasPrefix(pattern, "/assessments/"):
		fill("id", itoa(assessments...)...)
	case strings.HasPrefix(pattern, "/problems/"):
		fill("id", itoa(problem)...)
	case strings.HasPrefix(pattern, "/surveys/"):
		fill("id", itoa(round)...)
	case strings.HasPrefix(pattern, "/questionnaires/"):
		fill("id", "yzjh-2017")
	case strings.HasPrefix(pattern, "/frameworks/"), strings.HasPrefix(pattern, "/admin/frameworks/"):
		fill("id", f.srv.fwIDs...)
	}
	var withQuery []string
	for _, p := range out {
		if strings.Contains(p, "{") {
			continue // a parameter this walk does not know: the test fails on too few pages
		}
		p = strings.TrimSuffix(p, "{$}")
		withQuery = append(withQuery, p)
		if strings.HasPrefix(p, "/units/") || strings.HasPrefix(p, "/notice/") {
			withQuery = append(withQuery, p+"?fw="+rkFW+"&period=2024", p+"?fw=yzjh-2017&period=2024")
		}
	}
	return withQuery
}

// programIdentifiers are the program's own ASCII identifiers, each with what it is.
func (f *fixture) programIdentifiers(t *testing.T) map[string]string {
	ids := map[string]string{}
	add := func(id, what string) {
		if len(id) >= 3 && regexp.MustCompile(`[a-z]`).MatchString(id) {
			ids[id] = what
		}
	}
	for _, id := range f.srv.fwIDs {
		fw := f.srv.programs[id].FW
		add(fw.ID, "framework id")
		for _, m := range fw.Metrics {
			add(m.ID, "metric id")
		}
		for _, a := range fw.Areas {
			for _, p := range a.Points {
				for _, r := range p.Rules {
					for _, it := range r.Items {
						add(it.ID, "checklist item id")
					}
				}
			}
		}
	}
	for _, els := range [][]engine.Element{engine.SchoolElements, engine.UnitElements} {
		for _, e := range els {
			add(e.ID, "element id")
		}
	}
	for _, names := range []map[string]string{ziping.StatusNames, ziping.ProblemStatusNames} {
		for k := range names {
			add(k, "state")
		}
	}
	entries, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		add(e.Action, "audit action")
		if actionName(e.Action) == "其他操作" {
			t.Errorf("the audit action %s has no Chinese name (actionNames)", e.Action)
		}
		for _, raw := range []string{e.Old, e.New} {
			var m map[string]any
			if json.Unmarshal([]byte(raw), &m) == nil {
				for k := range m {
					add(k, "audit field")
					if fieldName(k) == "其他字段" {
						t.Errorf("the audit field %s (of %s) has no Chinese name (fieldNames)", k, e.Action)
					}
				}
			}
		}
	}
	return ids
}

// vetoAsPoint is a veto called a measurement point (测评点V1): it is 否决项1.
var vetoAsPoint = regexp.MustCompile(`测评点\s*V\d+`)

// asciiToken is an identifier-like run of ASCII in text.
var asciiToken = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]`)

// visibleTokens are the ASCII tokens of the text a user reads on a page: no
// markup or attributes, nor what is inside code, pre, details, textarea, script,
// style or template elements.
func visibleTokens(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	skip := []string{"code", "pre", "details", "textarea", "script", "style", "template", "noscript"}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && slices.Contains(skip, n.Data) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	var out []string
	for _, tok := range asciiToken.FindAllString(b.String(), -1) {
		out = append(out, tok)
		// primary.cv.x within a longer token, or a token with a trailing dot
		for _, part := range strings.FieldsFunc(tok, func(r rune) bool { return r == '/' }) {
			if part != tok {
				out = append(out, part)
			}
		}
	}
	return out
}
