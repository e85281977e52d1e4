package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
	"ziping/survey"
)

// TestBrowserSurvey: the county's printed QR code leads a phone (390 px wide) to the
// questionnaire; the respondent answers and submits, and a retry of the same
// submission stores nothing more; the county's progress page shows the response;
// the assessment's point 22 shows the survey's figure and its report as evidence.
func TestBrowserSurvey(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	filler := s.actor("filler")
	asID := s.startAssessment(filler, "990102", testFW, 2023)
	rd, err := s.svc.Survey.CreateRound(s.ctx, filler, survey.RoundInput{Unit: "990102", Period: 2023, Questionnaire: "lxzz-county", Population: 400_000})
	if err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Chrome(t)
	browsertest.Run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile))

	// The county prints the sheets: the URL under the 社会人士 code is what its QR
	// code encodes (the PNG served is the code of exactly that URL).
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+fmt.Sprintf("/surveys/%d/sheets", rd.ID)))
	ru := roleUsers["filler"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 {
		t.Fatalf("sign in: %d", st)
	}
	qrURL := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll('.sheet')].find(s => s.textContent.includes('社会人士')).querySelector('.sheet-url').textContent`)
	qrImg := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll('.sheet')].find(s => s.textContent.includes('社会人士')).querySelector('img').getAttribute('src')`)
	s.checkQR(t, qrImg, qrURL)

	// The phone opens the URL, signed out (a new browser context).
	phone := browsertest.Chrome(t)
	browsertest.Run(t, phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile))
	if st := browsertest.Response(t, phone, chromedp.Navigate(qrURL)); st != 200 {
		t.Fatalf("answer page: %d", st)
	}
	if w := browsertest.Eval[int](t, phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("answer page is %d px wide on a 390 px screen", w)
	}
	// Every question: tap the first option (满意 is the first of the scale).
	n := browsertest.Eval[int](t, phone, `(() => { let n = 0; document.querySelectorAll('fieldset[data-q]').forEach(fs => {
		const opt = fs.querySelector('label.sv-opt'); if (opt) { opt.click(); n++ } }); return n })()`)
	if n == 0 {
		t.Fatal("no question to answer")
	}
	if got := browsertest.Text(t, phone, "#sv-count"); !strings.Contains(got, strconv.Itoa(n)+"/") {
		t.Errorf("progress %q after answering %d", got, n)
	}
	screenshot(t, phone, "survey-phone.png")
	body := browsertest.Eval[string](t, phone, `new URLSearchParams(new FormData(document.getElementById('sv-form'))).toString()`)
	if st := browsertest.Response(t, phone, chromedp.Click(chromedp.ID("sv-submit"))); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	if got := browsertest.Text(t, phone, "main"); !strings.Contains(got, "提交成功") {
		t.Fatalf("after submitting: %s", got)
	}
	// The same submission again, as a phone retrying on a bad network would.
	again := browsertest.Eval[string](t, phone, `(() => { const x = new XMLHttpRequest(); x.open('POST', location.pathname, false);
		x.setRequestHeader('Accept', 'application/json'); x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
		x.send(`+strconv.Quote(body)+`); return x.responseText })()`)
	if !strings.Contains(again, `"duplicate":true`) {
		t.Errorf("retry answered %s, want ok and duplicate", again)
	}
	resps, err := s.svc.Store.SurveyResponses(s.ctx, rd.ID)
	if err != nil || len(resps) != 1 {
		t.Fatalf("%d responses stored (%v), want 1", len(resps), err)
	}
	if _, err := s.svc.Data.RunJobs(s.ctx); err != nil { // the server's job loop
		t.Fatal(err)
	}

	// The county's progress page shows it.
	if st := browsertest.Response(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/surveys/%d", s.url, rd.ID))); st != 200 {
		t.Fatalf("progress page: %d", st)
	}
	if got := browsertest.Text(t, ctx, "#sp-responses"); got != "1" {
		t.Errorf("progress shows %q responses, want 1", got)
	}
	screenshot(t, ctx, "survey-progress.png")
	// The assessment's point 22 shows the figure (all 很满意: 100) and the report.
	if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+assessmentURL(asID))); st != 200 {
		t.Fatalf("assessment: %d", st)
	}
	if pt := browsertest.Text(t, ctx, "#pt-22"); !strings.Contains(pt, "证明材料 2 份") {
		t.Errorf("point 22 on the assessment page does not count the survey's two documents: %s", pt)
	}
	// Its details, as opening it shows them (the point's own page).
	if st := browsertest.Response(t, ctx, chromedp.Navigate(s.url+assessmentURL(asID)+"/points/22")); st != 200 {
		t.Fatalf("point 22's page: %d", st)
	}
	pt := browsertest.Text(t, ctx, "main")
	if !strings.Contains(pt, "社会认可度：100") || !strings.Contains(pt, survey.EvidenceTitle) {
		t.Errorf("point 22 does not show the figure and the report: %s", pt)
	}
}

// checkQR fetches the QR code PNG as the signed-in page does and checks that it is
// the code of want.
func (s *site) checkQR(t *testing.T, src, want string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+src, nil)
	sess := s.login("filler", false)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sess.token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	wantPNG, err := qrPNG(want, 512)
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(got, wantPNG) {
		t.Errorf("QR code %s: status %d, %d bytes; not the code of %s", src, resp.StatusCode, len(got), want)
	}
}
