package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/browsertest"
)

// workWidths are the screens the work pages are tried on: a laptop and a phone.
var workWidths = []struct {
	name          string
	width, height int64
	phone         bool
}{{"1366", 1366, 900, false}, {"390", 390, 844, true}}

// workTab is a browser tab on a site at one width, signed in as role on page.
type workTab struct {
	t     *testing.T
	s     *site
	ctx   context.Context
	page  string
	width int64
}

func newWorkTab(t *testing.T, s *site, w int, role, page string) *workTab {
	t.Helper()
	ctx := browsertest.Chrome(t)
	vw := workWidths[w]
	if vw.phone {
		browsertest.Run(t, ctx, chromedp.EmulateViewport(vw.width, vw.height, chromedp.EmulateScale(3), chromedp.EmulateMobile))
	} else {
		browsertest.Run(t, ctx, chromedp.EmulateViewport(vw.width, vw.height))
	}
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+page))
	ru := roleUsers[role]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != page {
		t.Fatalf("sign in as %s: status %d at %s", role, st, pagePath(t, ctx))
	}
	return &workTab{t: t, s: s, ctx: ctx, page: page, width: vw.width}
}

// press clicks a button and wants a page with status 200.
func (w *workTab) press(what, id string) {
	w.t.Helper()
	if st := browsertest.Response(w.t, w.ctx, chromedp.Click(chromedp.ID(id))); st != 200 {
		w.t.Fatalf("%s: status %d: %s", what, st, browsertest.Text(w.t, w.ctx, "main"))
	}
}

// confirm expects the confirmation page saying all of says, fitting the screen,
// and confirms: back on the page with a flash.
func (w *workTab) confirm(what string, says ...string) {
	w.t.Helper()
	text := browsertest.Text(w.t, w.ctx, "#confirm")
	for _, s := range says {
		if !strings.Contains(text, s) {
			w.t.Errorf("%s: the confirmation does not say %q: %s", what, s, text)
		}
	}
	w.fits(what + " confirmation")
	w.press(what+" confirmed", "confirm-button")
	if p := pagePath(w.t, w.ctx); p != w.page {
		w.t.Fatalf("%s: at %s after confirming", what, p)
	}
	if n := browsertest.Eval[int](w.t, w.ctx, `document.querySelectorAll('#flash').length`); n != 1 {
		w.t.Fatalf("%s: no flash: %s", what, browsertest.Text(w.t, w.ctx, "main"))
	}
}

// fits checks that the page is no wider than the screen.
func (w *workTab) fits(what string) {
	w.t.Helper()
	if sw := browsertest.Eval[int64](w.t, w.ctx, `document.documentElement.scrollWidth`); sw > w.width {
		w.t.Errorf("%s: the page is %d px wide on a %d px screen", what, sw, w.width)
	}
}

func (w *workTab) status() string {
	w.t.Helper()
	return browsertest.Text(w.t, w.ctx, "#assessment-status")
}

// TestBrowserBulkConfirm: the county confirms what it carried over from last year
// in two clicks and two confirmations instead of one click an item: one area's,
// then the rest; the box it unticked stays waiting until the second round.
func TestBrowserBulkConfirm(t *testing.T) {
	t.Parallel()
	for i, vw := range workWidths {
		t.Run(vw.name, func(t *testing.T) {
			s := newSite(t)
			id, items := s.carriedFixture("990102")
			w := newWorkTab(t, s, i, "filler", assessmentURL(id))
			if n := browsertest.Eval[int](t, w.ctx, `document.querySelectorAll('#carried input[name=item]:checked').length`); n != len(items) {
				t.Fatalf("%d boxes ticked, want %d", n, len(items))
			}
			if got := browsertest.Text(t, w.ctx, "#carried h2"); !strings.Contains(got, strconv.Itoa(len(items))+"项") {
				t.Errorf("the section heading %q does not count %d items", got, len(items))
			}
			w.fits("the assessment page")
			// The first group: untick its first item, confirm the rest of the group.
			group := browsertest.Eval[string](t, w.ctx, `document.querySelector('#carried fieldset').dataset.area`)
			inGroup := browsertest.Eval[int](t, w.ctx, `document.querySelectorAll('#carried fieldset')[0].querySelectorAll('input[name=item]').length`)
			browsertest.Run(t, w.ctx, chromedp.Click(chromedp.CSS(`#carried fieldset input[name=item]`)))
			if !vw.phone {
				screenshotAt(t, w.ctx, "#carried", "assessment-carried.png")
			}
			w.press("confirm one group", "carried-area-"+group)
			w.confirm("one group", "确认这"+strconv.Itoa(inGroup-1)+"项", "沿用自2023年度")
			if left := len(s.carried(id)); left != len(items)-(inGroup-1) {
				t.Fatalf("after one group: %d left, want %d", left, len(items)-(inGroup-1))
			}
			if got := browsertest.Text(t, w.ctx, "#flash"); !strings.Contains(got, "已确认"+strconv.Itoa(inGroup-1)+"项") {
				t.Errorf("flash %q", got)
			}
			// The rest, the unticked one included (every box is ticked again).
			w.press("confirm all", "carried-all")
			w.confirm("all", "确认这"+strconv.Itoa(len(items)-(inGroup-1))+"项")
			if left := s.carried(id); len(left) != 0 {
				t.Fatalf("%d items still wait", len(left))
			}
			if n := browsertest.Eval[int](t, w.ctx, `document.querySelectorAll('#carried').length`); n != 0 {
				t.Error("the bulk confirmation is still shown")
			}
			if n := s.actionCount("score_confirm") + s.actionCount("evidence_confirm"); n != len(items) {
				t.Errorf("%d confirmations audited, want %d", n, len(items))
			}
		})
	}
}

// TestBrowserWithdraw: the county submits, is told what will happen and to whom,
// confirms, then withdraws the submission (again confirmed) and can edit again.
func TestBrowserWithdraw(t *testing.T) {
	t.Parallel()
	for i, vw := range workWidths {
		t.Run(vw.name, func(t *testing.T) {
			s := newSite(t)
			id := s.startAssessment(ziping.System, "990102", testFW, 2024)
			s.scoreRest(s.actor("filler"), id)
			city, err := s.svc.Store.UnitByCode(s.ctx, "990100")
			if err != nil {
				t.Fatal(err)
			}
			w := newWorkTab(t, s, i, "filler", assessmentURL(id))
			w.press("submit", "submit-button")
			if st := s.assessment(id).Status; st != ziping.StatusDraft {
				t.Fatalf("asking submitted it: %s", st)
			}
			w.confirm("submit", "上级（"+city.Name+"）复核", "可以撤回")
			if st := w.status(); st != "已提交" {
				t.Fatalf("after submitting: %q", st)
			}
			w.press("withdraw", "withdraw-button")
			if vw.phone {
				screenshot(t, w.ctx, "confirm-withdraw-390.png")
			}
			w.confirm("withdraw", "撤回", "填报中")
			if st := w.status(); st != "填报中" {
				t.Fatalf("after withdrawing: %q", st)
			}
			if n := browsertest.Eval[int](t, w.ctx, `document.querySelectorAll('#submit-button:not([disabled])').length`); n != 1 {
				t.Error("the withdrawn assessment cannot be submitted again")
			}
			if n := s.actionCount("assessment_withdraw"); n != 1 {
				t.Errorf("%d withdrawals audited", n)
			}
		})
	}
}

// TestBrowserUnpublish: the reviewer takes a published result back with a reason;
// the public notice no longer lists the county.
func TestBrowserUnpublish(t *testing.T) {
	t.Parallel()
	for i, vw := range workWidths {
		t.Run(vw.name, func(t *testing.T) {
			s := newSite(t)
			id := s.publishedAssessment("990121", testFW, 2024)
			u, err := s.svc.Store.UnitByCode(s.ctx, "990121")
			if err != nil {
				t.Fatal(err)
			}
			w := newWorkTab(t, s, i, "reviewer", assessmentURL(id))
			notice := s.url + "/notice/990100?fw=" + testFW + "&period=2024"
			browsertest.Response(t, w.ctx, chromedp.Navigate(notice))
			if body := browsertest.Text(t, w.ctx, "main"); !strings.Contains(body, u.Name) {
				t.Fatalf("the notice does not list %s before: %.300q", u.Name, body)
			}
			browsertest.Response(t, w.ctx, chromedp.Navigate(s.url+w.page))
			browsertest.Run(t, w.ctx, chromedp.SendKeys(chromedp.ID("unpublish-note"), "学校数据有误，核实后重新公布"))
			w.press("unpublish", "unpublish-button")
			if !vw.phone {
				screenshot(t, w.ctx, "confirm-unpublish.png")
			}
			if st := s.assessment(id).Status; st != ziping.StatusPublished {
				t.Fatalf("asking unpublished it: %s", st)
			}
			w.confirm("unpublish", "学校数据有误，核实后重新公布", "评价结果通报中移除")
			if st := w.status(); st != "已复核" {
				t.Fatalf("after unpublishing: %q", st)
			}
			browsertest.Response(t, w.ctx, chromedp.Navigate(notice))
			if body := browsertest.Text(t, w.ctx, "main"); strings.Contains(body, u.Name) {
				t.Errorf("the notice still lists %s", u.Name)
			}
		})
	}
}

// TestBrowserMissingData: a point the data cannot compute blocks the submission,
// says which data is missing, shows in the area index; scored by hand with a
// reason, it no longer blocks.
func TestBrowserMissingData(t *testing.T) {
	t.Parallel()
	for i, vw := range workWidths {
		t.Run(vw.name, func(t *testing.T) {
			s := newSite(t)
			id := s.startAssessment(ziping.System, "990102", testFW, 2023)
			v, err := s.svc.Assess.Assessment(s.ctx, ziping.System, id)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := v.Gaps["3"]; !ok {
				t.Fatalf("point 3 has data in the fixture's 2023: gaps %v", v.Gaps)
			}
			var gaps []string
			for code := range v.Gaps {
				gaps = append(gaps, code)
			}
			filler := s.actor("filler")
			s.scoreRest(filler, id, gaps...)
			s.scoreGaps(filler, id, "3") // the others, if any
			w := newWorkTab(t, s, i, "filler", assessmentURL(id))
			blocking := browsertest.Text(t, w.ctx, "#readiness .readiness-group.blocking")
			if !strings.Contains(blocking, "测评点3") || !strings.Contains(blocking, "缺少2022年度数据") {
				t.Fatalf("the blocking items do not name point 3's missing data: %q", blocking)
			}
			if n := browsertest.Eval[int](t, w.ctx, `document.querySelectorAll('#submit-button[disabled]').length`); n != 1 {
				t.Error("the submission is not blocked")
			}
			// Wide: a list beside the areas that stays in view; phone: a closed
			// section that opens on a tap.
			if vw.phone {
				if open := browsertest.Eval[bool](t, w.ctx, `document.getElementById('area-index-phone').open`); open {
					t.Error("the area index is open on a phone")
				}
				browsertest.Run(t, w.ctx, chromedp.Click(chromedp.CSS(`#area-index-phone summary`)))
				if idx := browsertest.Text(t, w.ctx, "#area-index-phone"); !strings.Contains(idx, "无法计算 1") {
					t.Errorf("the area index does not count the point: %q", idx)
				}
			} else {
				if pos := browsertest.Eval[string](t, w.ctx, `getComputedStyle(document.getElementById('area-index')).position`); pos != "sticky" {
					t.Errorf("the area index is %s, want sticky", pos)
				}
				if idx := browsertest.Text(t, w.ctx, "#area-index"); !strings.Contains(idx, "无法计算 1") {
					t.Errorf("the area index does not count the point: %q", idx)
				}
			}
			w.fits("the assessment page")
			if vw.phone {
				screenshotAt(t, w.ctx, "#readiness", "assessment-missing-data-390.png")
			}
			browsertest.Run(t, w.ctx, chromedp.Click(chromedp.ID("pt-3-open")), chromedp.WaitVisible(chromedp.ID("s-3-score")))
			browsertest.Run(t, w.ctx, chromedp.SendKeys(chromedp.ID("s-3-score"), "6"),
				chromedp.SendKeys(chromedp.ID("s-3-just"), "2022年度决算数据未导入，依据财政决算报表核定两项均增长"))
			w.press("score by hand", "s-3-save")
			if got := browsertest.Text(t, w.ctx, "#pt-3 .apoint-badges"); !strings.Contains(got, "数据缺失·人工评分") {
				t.Errorf("point 3's badges %q", got)
			}
			if got := browsertest.Text(t, w.ctx, "#readiness"); strings.Contains(got, "无法计算") {
				t.Errorf("still blocked: %q", got)
			}
			if n := browsertest.Eval[int](t, w.ctx, `document.querySelectorAll('#submit-button:not([disabled])').length`); n != 1 {
				t.Errorf("the submission is still blocked: %s", browsertest.Text(t, w.ctx, "#readiness"))
			}
		})
	}
}

// screenshotAt writes what the screen shows, scrolled to sel, to docs/screenshots
// when ZIPING_SCREENSHOTS=1 (a whole assessment page is megabytes).
func screenshotAt(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	if os.Getenv("ZIPING_SCREENSHOTS") != "1" {
		return
	}
	browsertest.Run(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(sel)))
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", name), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
