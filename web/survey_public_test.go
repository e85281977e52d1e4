package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAnswerPageLight: the public page with its style and script is under 50 KB,
// loads nothing from elsewhere, and every input has a label.
func TestAnswerPageLight(t *testing.T) {
	f := newFixture(t, 20)
	rd := f.surveyRound(t, false)
	links, err := f.svc.Store.SurveyLinks(f.ctx, rd.ID)
	if err != nil {
		t.Fatal(err)
	}
	w := f.do(request{method: http.MethodGet, path: "/s/" + links[0].Key})
	if w.Code != 200 {
		t.Fatalf("answer page: %d", w.Code)
	}
	page := w.Body.String()
	total := len(page)
	for _, m := range regexp.MustCompile(`(?:href|src)="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "/static/") {
			t.Errorf("the page loads %s", m[1])
			continue
		}
		a := f.do(request{method: http.MethodGet, path: m[1]})
		total += a.Body.Len()
	}
	if total > 50<<10 {
		t.Errorf("page and assets: %d bytes, want under 50 KB", total)
	}
	inputs := strings.Count(page, "<input type=\"radio\"") + strings.Count(page, "<input type=\"checkbox\"") + strings.Count(page, "<textarea")
	labelled := regexp.MustCompile(`<label[^>]*>\s*(?:<span[^>]*>[^<]*</span>)?\s*<(?:input type="(?:radio|checkbox)"|textarea)`).FindAllString(page, -1)
	if inputs == 0 || len(labelled) != inputs {
		t.Errorf("%d inputs, %d inside labels", inputs, len(labelled))
	}
	if !strings.Contains(page, `lang="zh-CN"`) || !strings.Contains(page, "提交问卷") {
		t.Error("not a Chinese page with a submit button")
	}
}

// TestAnswerLimits: the public endpoint refuses what is too large and too often,
// and needs no session.
func TestAnswerLimits(t *testing.T) {
	f := newFixture(t, 20)
	rd := f.surveyRound(t, false)
	links, err := f.svc.Store.SurveyLinks(f.ctx, rd.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := "/s/" + links[0].Key
	big := url.Values{"cid": {"client-big-1"}, "q.s12": {strings.Repeat("长", 30000)}}
	if w := f.do(request{method: http.MethodPost, path: path, form: big}); w.Code != http.StatusBadRequest {
		t.Errorf("a 90 KB body: %d, want 400", w.Code)
	}
	// 120 a minute from one network (the fixture's requests all come from one
	// address; the large one above was the first): the 121st is refused with 429.
	status := 0
	for i := range 120 {
		w := f.do(request{method: http.MethodPost, path: path, form: url.Values{"cid": {"bad"}}, header: http.Header{"Accept": {"application/json"}}})
		status = w.Code
		if i < 119 && status != http.StatusBadRequest {
			t.Fatalf("request %d: %d, want 400 (bad client id)", i+1, status)
		}
	}
	if status != http.StatusTooManyRequests {
		t.Errorf("the 121st request a minute: %d, want 429", status)
	}
	if rs, _ := f.svc.Store.SurveyResponses(f.ctx, rd.ID); len(rs) != 0 {
		t.Errorf("%d responses stored", len(rs))
	}
}
