package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/browsertest"
)

// viewports are the screens the day's tests run on: an office screen and a phone.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{{"1366", 1366, 900, false}, {"390", 390, 844, true}}

func emulate(t *testing.T, ctx context.Context, width, height int64, mobile bool) {
	t.Helper()
	if mobile {
		browsertest.Run(t, ctx, chromedp.EmulateViewport(width, height, chromedp.EmulateScale(3), chromedp.EmulateMobile))
	} else {
		browsertest.Run(t, ctx, chromedp.EmulateViewport(width, height))
	}
}

// noOverflow fails when the page is wider than the screen.
func noOverflow(t *testing.T, ctx context.Context, what string, width int64) {
	t.Helper()
	if w := browsertest.Eval[int64](t, ctx, `document.documentElement.scrollWidth`); w > width {
		t.Errorf("%s is %d px wide on a %d px screen", what, w, width)
	}
}

// TestBrowserClerkDay: a county's clerk signs in to the home page, sees this year's
// self-evaluation with its progress and the item that blocks the submission, follows
// it to the point, scores it, and comes back to a home page that counts it and says
// the self-evaluation can be submitted.
func TestBrowserClerkDay(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			filler := s.actor("filler")
			id := s.startAssessment(filler, "990102", testFW, 2024)
			s.scoreRest(filler, id, manualCode) // everything but the manual point 17
			ctx := browsertest.Chrome(t)
			emulate(t, ctx, vp.width, vp.height, vp.mobile)
			browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login"))
			ru := roleUsers["filler"]
			if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != "/" {
				t.Fatalf("sign in: status %d at %s, want the home page", st, pagePath(t, ctx))
			}
			item := "#work-" + strconv.FormatInt(id, 10)
			count := browsertest.Text(t, ctx, item+" .work-count")
			var n, all int
			if _, err := fmt.Sscanf(count, "已评 %d/%d", &n, &all); err != nil || n+1 != all {
				t.Fatalf("progress %q: want one point left", count)
			}
			if b := browsertest.Text(t, ctx, item+" .work-blocking"); b != "1项影响提交" {
				t.Errorf("blocking count %q", b)
			}
			link := browsertest.Text(t, ctx, item+" ul.blocking li a")
			if !strings.Contains(link, "测评点17") || !strings.Contains(link, "尚未评分") {
				t.Fatalf("the blocking item says %q", link)
			}
			noOverflow(t, ctx, "the home page", vp.width)
			if vp.name == "1366" {
				screenshot(t, ctx, "browser-home-filler.png")
			} else {
				screenshot(t, ctx, "browser-home-filler-phone.png")
			}

			// The item leads to the point's own page, where it is scored.
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(item+" ul.blocking li a"))); st != 200 || pagePath(t, ctx) != pointURL(id, manualCode) {
				t.Fatalf("the blocking item: status %d at %s", st, pagePath(t, ctx))
			}
			browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID("s-17-score"), "3"), chromedp.SendKeys(chromedp.ID("s-17-just"), "师德师风制度健全，个别记录待补"))
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("s-17-save"))); st != 200 {
				t.Fatalf("saving the score: status %d", st)
			}
			// Back home by the brand link (the menu is folded on a phone).
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS("a.brand"))); st != 200 || pagePath(t, ctx) != "/" {
				t.Fatalf("home again: status %d at %s", st, pagePath(t, ctx))
			}
			if c := browsertest.Text(t, ctx, item+" .work-count"); c != "已评 "+strconv.Itoa(all)+"/"+strconv.Itoa(all) {
				t.Errorf("after scoring the count is %q", c)
			}
			if b := browsertest.Text(t, ctx, item+" .work-blocking"); b != "可以提交" {
				t.Errorf("after scoring the home says %q", b)
			}
		})
	}
}

// TestBrowserReviewerDay: the city's reviewer signs in to the queue of submitted
// self-evaluations, oldest first, and opens one on its review page.
func TestBrowserReviewerDay(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			first := s.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusSubmitted)
			s.clock.add(time.Hour)
			s.rkAssess("xqpjph-2020", "990102", 2024, 0.6, ziping.StatusSubmitted)
			ctx := browsertest.Chrome(t)
			emulate(t, ctx, vp.width, vp.height, vp.mobile)
			browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login"))
			ru := roleUsers["reviewer"]
			if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != "/" {
				t.Fatalf("sign in: status %d at %s, want the home page", st, pagePath(t, ctx))
			}
			if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#queue-table tbody tr').length`); n != 2 {
				t.Fatalf("the queue has %d rows, want 2", n)
			}
			if u := browsertest.Text(t, ctx, "#queue-table tbody tr:first-child td:first-child a"); u != s.rkUnitName("990121") {
				t.Errorf("the queue starts with %q", u)
			}
			noOverflow(t, ctx, "the home page", vp.width)
			if vp.name == "1366" {
				screenshot(t, ctx, "browser-home-reviewer.png")
			}
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS("#queue-table tbody tr:first-child td:first-child a"))); st != 200 || pagePath(t, ctx) != assessmentURL(first.ID) {
				t.Fatalf("the queue's first entry: status %d at %s", st, pagePath(t, ctx))
			}
			browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.ID("accept-button")))
			if st := browsertest.Text(t, ctx, "#assessment-status"); !strings.Contains(st, "已提交") {
				t.Errorf("the review page's status %q", st)
			}
		})
	}
}
