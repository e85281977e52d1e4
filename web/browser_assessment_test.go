package web

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
)

// TestBrowserAssessment: the filler scores a point, attaches evidence and submits;
// the reviewer lowers the point and returns the assessment; the filler fixes it and
// resubmits; the reviewer accepts and publishes; the ranking and the public notice
// show it; the next year starts from it, with its problem carried over.
func TestBrowserAssessment(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	filler := s.actor("filler")
	id := s.startAssessment(filler, "990102", testFW, 2023)
	s.scoreRest(filler, id, manualCode) // everything but the manual point 17
	page := assessmentURL(id)
	ctx := browsertest.Chrome(t)

	signInTo := func(role string) {
		t.Helper()
		browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+page))
		ru := roleUsers[role]
		if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != page {
			t.Fatalf("sign in as %s: status %d at %s", role, st, pagePath(t, ctx))
		}
	}
	signOut := func() {
		t.Helper()
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`form.logout button`))); st != 200 {
			t.Fatalf("sign out: status %d", st)
		}
	}
	// click submits a form by its button and checks that the page that follows
	// (after the redirect) is the assessment with the flash.
	click := func(what, button string) {
		t.Helper()
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID(button))); st != 200 {
			t.Fatalf("%s: status %d: %s", what, st, browsertest.Text(t, ctx, "main"))
		}
		if p := pagePath(t, ctx); p != page {
			t.Fatalf("%s: at %s", what, p)
		}
		if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#flash').length`); n != 1 {
			t.Fatalf("%s: no flash message: %s", what, browsertest.Text(t, ctx, "main"))
		}
	}
	typeInto := func(id, text string) {
		t.Helper()
		browsertest.Eval[bool](t, ctx, `(() => { const e = document.getElementById(`+strconv.Quote(id)+`); e.value = ''; return true })()`)
		browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID(id), text))
	}
	status := func() string { t.Helper(); return browsertest.Text(t, ctx, "#assessment-status") }

	// The filler scores point 17 and attaches a PDF.
	signInTo("filler")
	typeInto("s-17-score", "4")
	typeInto("s-17-just", "师德师风建设长效机制健全，查处及时")
	click("score", "s-17-save")
	if got := browsertest.Text(t, ctx, "#pt-17 .self-score"); got != "4" {
		t.Errorf("self score shown %q", got)
	}
	if !strings.Contains(browsertest.Text(t, ctx, "#readiness"), "没有证明材料") {
		t.Errorf("readiness does not ask for the evidence of point 17")
	}
	pdf := filepath.Join(t.TempDir(), "师德师风实施方案.pdf")
	if err := os.WriteFile(pdf, tinyPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, ctx, chromedp.Click(chromedp.ID("e-17-open")), chromedp.WaitVisible(chromedp.ID("e-17-title")),
		chromedp.SetUploadFiles(chromedp.ID("e-17-file"), []string{pdf}))
	typeInto("e-17-doc", "黄教发〔2024〕12号")
	click("evidence", "e-17-submit")
	if got := browsertest.Text(t, ctx, "#pt-17 ul.evidence"); !strings.Contains(got, "师德师风实施方案") || !strings.Contains(got, "黄教发〔2024〕12号") {
		t.Errorf("evidence list %q", got)
	}
	click("submit", "submit-button")
	if st := status(); st != "已提交" {
		t.Fatalf("after submitting: status %q", st)
	}
	signOut()

	// The reviewer lowers point 17 and returns it.
	signInTo("reviewer")
	typeInto("r-17-score", "2")
	typeInto("r-17-just", "师德失范行为查处台账不完整")
	click("review", "r-17-save")
	if got := browsertest.Text(t, ctx, "#pt-17 .review-score"); got != "2" {
		t.Errorf("review score shown %q", got)
	}
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#pt-17.diff').length`); n != 1 {
		t.Errorf("point 17 is not marked as changed by the review")
	}
	if c := browsertest.Text(t, ctx, "#credibility"); !strings.Contains(c, "自评可信度") {
		t.Errorf("credibility %q", c)
	}
	browsertest.Run(t, ctx, chromedp.ScrollIntoView(chromedp.ID("pt-17")))
	screenshot(t, ctx, "assessment-review.png")
	typeInto("return-note", "请补充师德失范行为查处台账")
	click("return", "return-button")
	if st := status(); st != "已退回" {
		t.Fatalf("after returning: status %q", st)
	}
	signOut()

	// The filler reads why, fixes the point and resubmits.
	signInTo("filler")
	if got := browsertest.Text(t, ctx, "#returned"); !strings.Contains(got, "请补充师德失范行为查处台账") || !strings.Contains(got, "查处台账不完整") {
		t.Errorf("the returned box says %q", got)
	}
	typeInto("s-17-score", "3")
	typeInto("s-17-just", "已补充查处台账，自评扣1分")
	click("fix", "s-17-save")
	click("resubmit", "submit-button")
	if st := status(); st != "已重新提交" {
		t.Fatalf("after resubmitting: status %q", st)
	}
	signOut()

	// The reviewer accepts and publishes.
	signInTo("reviewer")
	click("accept", "accept-button")
	if st := status(); st != "已复核" {
		t.Fatalf("after accepting: status %q", st)
	}
	click("publish", "publish-button")
	if st := status(); st != "已公布" {
		t.Fatalf("after publishing: status %q", st)
	}
	if as := s.assessment(id); as.Round != 2 {
		t.Errorf("round %d, want 2", as.Round)
	}
	// The ranking of the city lists the county as published, and so does the public
	// notice.
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/units/990100/ranking?fw="+testFW+"&period=2023"))
	if row := browsertest.Text(t, ctx, "#ranking-table tbody tr"); !strings.Contains(row, "已公布") || !strings.HasPrefix(strings.TrimSpace(row), "1") {
		t.Fatalf("ranking row %q", row)
	}
	signOut()
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/notice/990100?fw="+testFW+"&period=2023"))
	if body := browsertest.Text(t, ctx, "main"); !strings.Contains(body, "评价结果通报") || strings.Contains(body, "暂无已公布的结果") {
		t.Fatalf("public notice: %q", body)
	}

	// The next year starts from this one: scores and evidence to confirm, and the
	// problem of the lowered point shown on it.
	signInTo("filler")
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/units/990102/assessments"))
	browsertest.Run(t, ctx, chromedp.SetValue(chromedp.ID("start-fw"), testFW), chromedp.SetValue(chromedp.ID("start-period"), "2024"),
		chromedp.Click(chromedp.ID("start-from-last")))
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("start-submit"))); st != 200 {
		t.Fatalf("start next year: status %d: %s", st, browsertest.Text(t, ctx, "main"))
	}
	next := browsertest.Text(t, ctx, "main")
	if !strings.Contains(next, "2024年度自评") || !strings.Contains(next, "待确认") || !strings.Contains(next, "上年问题尚未整改完成") {
		t.Fatalf("next year's page: %.400q", next)
	}
}
