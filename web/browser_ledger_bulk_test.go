package web

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/browsertest"
	"ziping/rectify"
)

// TestBrowserLedgerBulk: at 1366 and 390 px, the county ticks three problems in its
// ledger, gives them an owner and a deadline, confirms, and the ledger shows them;
// then the reviewer verifies two done problems at once.
func TestBrowserLedgerBulk(t *testing.T) {
	t.Parallel()
	for i, vw := range workWidths {
		t.Run(vw.name, func(t *testing.T) {
			s := newSite(t)
			id := s.publishedAssessment("990102", testFW, 2024)
			ps, err := s.svc.Store.Problems(s.ctx, ziping.ProblemQuery{AssessmentID: id})
			if err != nil || len(ps) < 3 {
				t.Fatalf("%d problems, %v; the test needs 3", len(ps), err)
			}
			ledger := "/units/990102/problems"
			query := "?fw=" + testFW + "&period=2024"
			w := newWorkTab(t, s, i, "filler", ledger)
			browsertest.Response(t, w.ctx, chromedp.Navigate(s.url+ledger+query))
			for _, p := range ps[:3] {
				browsertest.Run(t, w.ctx, chromedp.Click(chromedp.ID("pick-"+strconv.FormatInt(p.ID, 10))))
			}
			browsertest.Run(t, w.ctx, chromedp.SendKeys(chromedp.ID("bulk-owner"), "县教育局基建股"),
				chromedp.SetValue(chromedp.ID("bulk-deadline"), "2024-09-30"))
			w.fits("the ledger with its bulk form")
			screenshotAt(t, w.ctx, "#ledger-bulk-card", "ledger-bulk-"+vw.name+".png")
			w.press("assign", "bulk-assign")
			if got := s.problem(ps[0].ID).Owner; got != "" {
				t.Fatalf("asking assigned: %q", got)
			}
			screenshot(t, w.ctx, "confirm-ledger-assign-"+vw.name+".png")
			w.confirm("assign", "3个问题", "县教育局基建股", "2024-09-30", "问题"+strconv.FormatInt(ps[2].ID, 10))
			if got := browsertest.Text(t, w.ctx, "#flash"); !strings.Contains(got, "已为3个问题分配") {
				t.Errorf("flash %q", got)
			}
			if n := strings.Count(browsertest.Text(t, w.ctx, "#ledger-table"), "县教育局基建股"); n != 3 {
				t.Errorf("the ledger shows the owner %d times, want 3", n)
			}
			for _, p := range ps[:3] {
				if got := s.problem(p.ID); got.Owner != "县教育局基建股" || problemDate(got.Deadline) != "2024-09-30" {
					t.Errorf("problem %d: %q %s", p.ID, got.Owner, problemDate(got.Deadline))
				}
			}
			if n := s.actionCount("problem_assign"); n != 3 {
				t.Errorf("%d assignments audited, want 3", n)
			}

			// Two of them done; the reviewer verifies both at once.
			filler := s.actor("filler")
			for _, p := range ps[:2] {
				cur := s.problem(p.ID)
				if _, err := s.svc.Rectify.UpdateProblem(s.ctx, filler, p.ID, rectify.ProblemUpdate{Measures: "已新建校舍", Owner: cur.Owner,
					Deadline: cur.Deadline, Status: ziping.ProblemDone, Version: cur.Version}); err != nil {
					t.Fatal(err)
				}
			}
			r := newWorkTab(t, s, i, "reviewer", ledger)
			browsertest.Response(t, r.ctx, chromedp.Navigate(s.url+ledger+query))
			if n := browsertest.Eval[int](t, r.ctx, `document.querySelectorAll('input[form=ledger-bulk]').length`); n != 2 {
				t.Fatalf("the reviewer may tick %d problems, want the 2 done", n)
			}
			for _, p := range ps[:2] {
				browsertest.Run(t, r.ctx, chromedp.Click(chromedp.ID("pick-"+strconv.FormatInt(p.ID, 10))))
			}
			screenshotAt(t, r.ctx, "#ledger-bulk-verify", "ledger-bulk-verify-"+vw.name+".png")
			r.press("verify", "bulk-verify")
			r.confirm("verify", "2个", "已验收")
			for _, p := range ps[:2] {
				if st := s.problem(p.ID).Status; st != ziping.ProblemVerified {
					t.Errorf("problem %d: %s after verifying", p.ID, st)
				}
			}
			if n := strings.Count(browsertest.Text(t, r.ctx, "#ledger-table"), "已验收"); n != 2 {
				t.Errorf("the ledger shows 已验收 %d times, want 2", n)
			}
		})
	}
}

// problem is a problem as stored.
func (f *fixture) problem(id int64) *ziping.Problem {
	f.t.Helper()
	p, err := f.svc.Store.Problem(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}
