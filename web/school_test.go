package web

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"ziping"
)

// TestSchoolPagesLeadSomewhere: every link of a school's self-evaluation pages (the
// school page, its list, the assessment, each point's own page, the report editor
// and its preview) opens for the school's filler; a school's metrics link no county
// explain page (which explains counties only).
func TestSchoolPagesLeadSomewhere(t *testing.T) {
	f := newFixture(t, 60)
	code, _ := f.compulsorySchool("990102")
	f.addUser("xiaoxuea", ziping.RoleFiller, code)
	a := f.actorOf("xiaoxuea")
	id := f.startAssessment(a, code, schoolFW, 2024)
	f.scoreRest(a, id)
	// A bound value in the report, which links a county's explain page in a county's
	// report (TestReportHTMLLinksMetrics).
	f.writeReport(a, id, strings.Replace(cleanReport, "本县义务教育学校均已纳入评价。", "本校教师持证上岗率{{metric \"certified_rate\"}}。", 1))
	s := f.sessionFor("xiaoxuea")
	page := assessmentURL(id)
	href := regexp.MustCompile(`(?:href|src)="(/[^"]*)"`)
	seen := map[string]int{} // path → 1 + the depth it was followed to
	var visit func(from, path string, depth int)
	visit = func(from, path string, depth int) {
		t.Helper()
		if seen[path] > depth || strings.HasPrefix(path, "/static/") {
			return
		}
		seen[path] = depth + 1
		w := f.doAs(s, http.MethodGet, path, nil)
		if w.Code != http.StatusOK && !(path == "/units" && w.Code == http.StatusSeeOther) {
			t.Errorf("%s links %s: %d", from, path, w.Code)
			return
		}
		body := w.Body.String()
		if strings.Contains(body, "/explain/") {
			t.Errorf("%s links an explain page", path)
		}
		if depth == 0 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			return
		}
		for _, m := range href.FindAllStringSubmatch(body, -1) {
			visit(path, strings.SplitN(html.UnescapeString(m[1]), "#", 2)[0], depth-1)
		}
	}
	for _, p := range []string{"/units/" + code, "/units/" + code + "/assessments", page, page + "/report"} {
		visit("(start)", p, 1)
	}
	w := f.doAs(s, http.MethodGet, page+"/report.html", nil)
	// The value is written in, as plain text.
	want(t, "the school's report", w, 200)
	if !regexp.MustCompile(`本校教师持证上岗率\d+(\.\d+)?%。`).MatchString(w.Body.String()) {
		t.Errorf("the school's report does not write in the bound value")
	}
	for _, want := range []string{page + "/points/B6.2", page + "/report", page + "/report.html", "/units/" + code + "/assessments"} {
		if seen[want] == 0 {
			t.Errorf("no page links %s", want)
		}
	}
}
