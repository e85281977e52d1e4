package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/browsertest"
)

// TestBrowserRanking: the city's ranking draws its charts (an ECharts canvas in
// every chart); a problem is then worked off to done by the county and verified by
// the city's reviewer, each in a browser of their own.
func TestBrowserRanking(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.rkAssess(rkFW, "990102", 2023, 0.6, ziping.StatusPublished)
	k2 := s.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusPublished)
	s.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
	s.rkAssess(rkFW, "990181", 2024, 0.7, ziping.StatusSubmitted)
	p := s.rkProblems(k2)[0]

	reviewer := browsertest.Chrome(t)
	ranking := "/units/990100/ranking?fw=" + rkFW + "&period=2024"
	browsertest.Response(t, reviewer, chromedp.Navigate(s.url+"/login?next="+ranking))
	ru := roleUsers["reviewer"]
	if st := s.signIn(t, reviewer, ru.user, password(ru.user)); st != 200 || pagePath(t, reviewer) != "/units/990100/ranking" {
		t.Fatalf("sign in to the ranking: status %d at %s", st, pagePath(t, reviewer))
	}
	for _, id := range []string{"chart-totals", "chart-radar", "chart-cv"} {
		browsertest.Run(t, reviewer, chromedp.WaitVisible(chromedp.CSS("#"+id+" canvas")))
		if w := browsertest.Eval[int](t, reviewer, `document.querySelector('#`+id+` canvas').width`); w < 200 {
			t.Errorf("the canvas of %s is %d pixels wide", id, w)
		}
	}
	if n := browsertest.Eval[int](t, reviewer, `document.querySelectorAll('#ranking-table tbody tr').length`); n != 3 {
		t.Errorf("the ranking lists %d counties, want 3", n)
	}
	if r := browsertest.Text(t, reviewer, "#ranking-table tbody tr td.rank"); r != "1" {
		t.Errorf("first rank %q", r)
	}
	// The radar follows the unit picked.
	browsertest.Run(t, reviewer, chromedp.SetValue(chromedp.ID("radar-unit"), "1"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('radar-unit').dispatchEvent(new Event('change'))`))
	legend := browsertest.Eval[string](t, reviewer, `echarts.getInstanceByDom(document.getElementById('chart-radar')).getOption().legend[0].data[0]`)
	if second := browsertest.Eval[string](t, reviewer, `document.getElementById('radar-unit').options[1].text`); legend != second {
		t.Errorf("the radar shows %q after picking %q", legend, second)
	}
	browsertest.Run(t, reviewer, chromedp.SetValue(chromedp.ID("radar-unit"), "0"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('radar-unit').dispatchEvent(new Event('change'))`))
	screenshot(t, reviewer, "ranking.png")

	// The county works the problem off to done.
	filler := browsertest.Chrome(t)
	path := problemURL(p.ID)
	browsertest.Response(t, filler, chromedp.Navigate(s.url+"/login?next="+path))
	fu := roleUsers["filler"]
	if st := s.signIn(t, filler, fu.user, password(fu.user)); st != 200 || pagePath(t, filler) != path {
		t.Fatalf("sign in to the problem: status %d at %s", st, pagePath(t, filler))
	}
	if opts := browsertest.Eval[string](t, filler, `[...document.querySelectorAll('#status option')].map(o => o.value).join()`); opts != "open,in_progress,done" {
		t.Errorf("the county may choose %q", opts)
	}
	browsertest.Run(t, filler,
		chromedp.SendKeys(chromedp.ID("measures"), "新建两所学校，分流学生"),
		chromedp.SendKeys(chromedp.ID("owner"), "县教育局"),
		chromedp.SetValue(chromedp.ID("deadline"), "2024-12-31"),
		chromedp.SetValue(chromedp.ID("status"), ziping.ProblemDone),
	)
	if st := browsertest.Response(t, filler, chromedp.Click(chromedp.ID("problem-submit"))); st != 200 {
		t.Fatalf("saving as done: status %d", st)
	}
	if st := browsertest.Text(t, filler, "#problem-status"); st != "已完成" {
		t.Errorf("after saving, the problem is %q", st)
	}
	if m := browsertest.Text(t, filler, "#flash"); !strings.Contains(m, "已保存") {
		t.Errorf("flash %q", m)
	}
	screenshot(t, filler, "problem.png")

	// The reviewer verifies it.
	browsertest.Response(t, reviewer, chromedp.Navigate(s.url+path))
	browsertest.Run(t, reviewer,
		chromedp.SetValue(chromedp.ID("status"), ziping.ProblemVerified),
		chromedp.SendKeys(chromedp.ID("note"), "现场核查通过"),
	)
	if st := browsertest.Response(t, reviewer, chromedp.Click(chromedp.ID("problem-submit"))); st != 200 {
		t.Fatalf("verifying: status %d", st)
	}
	if st := browsertest.Text(t, reviewer, "#problem-status"); st != "已验收" {
		t.Errorf("after verifying, the problem is %q", st)
	}
	// The county's page no longer offers the form.
	browsertest.Response(t, filler, chromedp.Navigate(s.url+path))
	if n := browsertest.Eval[int](t, filler, `document.querySelectorAll('#problem-form, #evidence-form').length`); n != 0 {
		t.Errorf("a verified problem still has %d forms for the county", n)
	}
	got, err := s.svc.Store.Problem(context.Background(), p.ID)
	if err != nil || got.Status != ziping.ProblemVerified || got.Measures != "新建两所学校，分流学生" {
		t.Errorf("stored problem %+v (%v), version %s", got, err, strconv.FormatInt(got.Version, 10))
	}
}
