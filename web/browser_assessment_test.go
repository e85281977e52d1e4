package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
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
	// step takes a workflow step: its button leads to the confirmation, which
	// says what will happen; confirming it is click.
	step := func(what, button string) {
		t.Helper()
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID(button))); st != 200 {
			t.Fatalf("%s: status %d: %s", what, st, browsertest.Text(t, ctx, "main"))
		}
		if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#confirm-form').length`); n != 1 {
			t.Fatalf("%s: no confirmation asked: %s", what, browsertest.Text(t, ctx, "main"))
		}
		click(what, "confirm-button")
	}
	typeInto := func(id, text string) {
		t.Helper()
		browsertest.Eval[bool](t, ctx, `(() => { const e = document.getElementById(`+strconv.Quote(id)+`); e.value = ''; return true })()`)
		browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID(id), text))
	}
	status := func() string { t.Helper(); return browsertest.Text(t, ctx, "#assessment-status") }
	// open shows point 17's details and forms in place, fetched by point.js, until
	// the form with id shows.
	open := func(id string) {
		t.Helper()
		browsertest.Run(t, ctx, chromedp.Click(chromedp.ID("pt-17-open")), chromedp.WaitVisible(chromedp.ID(id)))
		if p := pagePath(t, ctx); p != page {
			t.Fatalf("opening point 17 left the page for %s", p)
		}
	}

	// The filler opens point 17, closes and opens it again, scores it and attaches
	// a PDF.
	signInTo("filler")
	if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('form.score-form').length`); n != 0 {
		t.Fatalf("the assessment page carries %d score forms before a point is opened", n)
	}
	open("s-17-score")
	if got := browsertest.Eval[string](t, ctx, `document.getElementById('pt-17-open').getAttribute('aria-expanded')`); got != "true" {
		t.Errorf("the opened point says aria-expanded=%q", got)
	}
	browsertest.Run(t, ctx, chromedp.Click(chromedp.ID("pt-17-open")), chromedp.WaitNotVisible(chromedp.ID("pt-17-detail")))
	open("s-17-score")
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
	if got := browsertest.Text(t, ctx, "#pt-17 .evidence-count"); got != "0" {
		t.Errorf("evidence count %q before the upload", got)
	}
	open("e-17-open")
	browsertest.Run(t, ctx, chromedp.Click(chromedp.ID("e-17-open")), chromedp.WaitVisible(chromedp.ID("e-17-title")),
		chromedp.SetUploadFiles(chromedp.ID("e-17-file"), []string{pdf}))
	typeInto("e-17-doc", "黄教发〔2024〕12号")
	click("evidence", "e-17-submit")
	if got := browsertest.Text(t, ctx, "#pt-17 .evidence-count"); got != "1" {
		t.Errorf("evidence count %q after the upload", got)
	}
	open("s-17-score")
	if got := browsertest.Text(t, ctx, "#pt-17 ul.evidence"); !strings.Contains(got, "师德师风实施方案") || !strings.Contains(got, "黄教发〔2024〕12号") {
		t.Errorf("evidence list %q", got)
	}
	step("submit", "submit-button")
	if st := status(); st != "已提交" {
		t.Fatalf("after submitting: status %q", st)
	}
	signOut()

	// The reviewer lowers point 17 and returns it.
	signInTo("reviewer")
	open("r-17-score")
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
	open("r-17-score")
	browsertest.Run(t, ctx, chromedp.ScrollIntoView(chromedp.ID("pt-17")))
	screenshot(t, ctx, "assessment-review.png")
	typeInto("return-note", "请补充师德失范行为查处台账")
	step("return", "return-button")
	if st := status(); st != "已退回" {
		t.Fatalf("after returning: status %q", st)
	}
	signOut()

	// The filler reads why, fixes the point and resubmits.
	signInTo("filler")
	if got := browsertest.Text(t, ctx, "#returned"); !strings.Contains(got, "请补充师德失范行为查处台账") || !strings.Contains(got, "查处台账不完整") {
		t.Errorf("the returned box says %q", got)
	}
	open("s-17-score")
	typeInto("s-17-score", "3")
	typeInto("s-17-just", "已补充查处台账，自评扣1分")
	click("fix", "s-17-save")
	step("resubmit", "submit-button")
	if st := status(); st != "已重新提交" {
		t.Fatalf("after resubmitting: status %q", st)
	}
	signOut()

	// The reviewer accepts and publishes.
	signInTo("reviewer")
	step("accept", "accept-button")
	if st := status(); st != "已复核" {
		t.Fatalf("after accepting: status %q", st)
	}
	step("publish", "publish-button")
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

// TestBrowserAssessmentWithoutScript: with JavaScript off, a point's link opens its
// own page; the score and the evidence saved there return to it, and it leads on
// to the next point.
func TestBrowserAssessmentWithoutScript(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	filler := s.actor("filler")
	id := s.startAssessment(filler, "990102", testFW, 2023)
	s.scoreRest(filler, id, manualCode)
	page, point := assessmentURL(id), assessmentURL(id)+"/points/"+manualCode
	ctx := browsertest.Chrome(t)
	browsertest.Run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+page))
	ru := roleUsers["filler"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != page {
		t.Fatalf("sign in: status %d at %s", st, pagePath(t, ctx))
	}
	// go loads a page by clicking id and checks where it lands.
	goTo := func(what, id, want string) {
		t.Helper()
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID(id))); st != 200 {
			t.Fatalf("%s: status %d: %s", what, st, browsertest.Text(t, ctx, "main"))
		}
		if p := pagePath(t, ctx); p != want {
			t.Fatalf("%s: at %s, want %s", what, p, want)
		}
	}
	goTo("open point 17", "pt-17-open", point)
	browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID("s-17-score"), "3"), chromedp.SendKeys(chromedp.ID("s-17-just"), "制度健全，台账不全"))
	goTo("score", "s-17-save", point)
	if got := browsertest.Text(t, ctx, "#flash"); !strings.Contains(got, "已保存测评点17的自评") {
		t.Errorf("flash %q", got)
	}
	if got := browsertest.Text(t, ctx, "#pt-17 .self-score"); got != "3" {
		t.Errorf("self score shown %q", got)
	}
	pdf := filepath.Join(t.TempDir(), "查处台账.pdf")
	if err := os.WriteFile(pdf, tinyPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, ctx, chromedp.Click(chromedp.ID("e-17-open")), chromedp.WaitVisible(chromedp.ID("e-17-title")),
		chromedp.SetUploadFiles(chromedp.ID("e-17-file"), []string{pdf}), chromedp.SendKeys(chromedp.ID("e-17-title"), "师德失范行为查处台账"))
	goTo("evidence", "e-17-submit", point)
	if got := browsertest.Text(t, ctx, "#pt-17 ul.evidence"); !strings.Contains(got, "师德失范行为查处台账") {
		t.Errorf("evidence list %q", got)
	}
	screenshot(t, ctx, "assessment-point.png")
	goTo("next point", "point-next", assessmentURL(id)+"/points/18")
	goTo("back to the assessment", "point-back", page)
	if got := browsertest.Text(t, ctx, "#pt-17 .evidence-count"); got != "1" {
		t.Errorf("evidence count %q on the assessment page", got)
	}
}
