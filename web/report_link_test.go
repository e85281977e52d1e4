package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestReportHTMLLinksMetrics: a metric value bound in the narrative links, in the
// report page, to the unit's explain page of that metric (opened in the top
// window, which the sandbox allows on a click); the docx stays as it was.
func TestReportHTMLLinksMetrics(t *testing.T) {
	f := newFixture(t, 60)
	a := f.actor("filler")
	id := f.startAssessment(a, "990102", testFW, 2024)
	f.scoreRest(a, id)
	v, err := f.svc.Assess.Assessment(f.ctx, a, id)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := v.Self.Metric("kg.public_share")
	if !ok || !m.OK {
		t.Fatalf("fixture lacks kg.public_share: %+v", m)
	}
	narrative := strings.Replace(cleanReport, "本县义务教育学校均已纳入评价。",
		"公办园占比{{metric \"kg.public_share\"}}，即{{"+m.Name+"}}<script>x</script>。", 1)
	f.writeReport(a, id, narrative)

	href := `href="/units/990102/explain/kg.public_share?fw=` + testFW + `&amp;period=2024"`
	page := reportURL(id)
	w := f.do(request{role: "filler", path: page + ".html"})
	want(t, "report html", w, 200, href, `target="_top"`, `class="bound"`, "&lt;script&gt;x&lt;/script&gt;")
	if n := strings.Count(w.Body.String(), href); n != 2 {
		t.Errorf("%d links to the explain page, want 2", n)
	}
	if strings.Contains(w.Body.String(), "<script>") {
		t.Errorf("narrative not escaped")
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox allow-top-navigation-by-user-activation") {
		t.Errorf("report CSP %q", csp)
	}
	// The link leads somewhere: the explain page of the metric.
	w = f.do(request{role: "filler", path: "/units/990102/explain/kg.public_share?fw=" + testFW + "&period=2024"})
	want(t, "explain", w, 200, m.Name)

	// The preview links the same way.
	w = f.do(request{role: "filler", method: http.MethodPost, path: page + "/preview", form: url.Values{"text": {narrative}}})
	want(t, "preview", w, 200, href)

	w = f.do(request{role: "filler", path: page + ".docx"})
	want(t, "docx", w, 200)
	if doc := rkDocumentXML(t, w.Body.Bytes()); strings.Contains(doc, "explain") || !strings.Contains(doc, "公办园占比"+m.Text()) {
		t.Errorf("the docx has a link or lacks the value")
	}
}
