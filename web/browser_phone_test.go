package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/browsertest"
)

// lineCount is JavaScript: the number of lines the text of the element el takes
// on screen (one client rect a line of a wrapped text).
const lineCount = `(el => {
	const r = document.createRange();
	r.selectNodeContents(el);
	return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size;
})`

// TestBrowserLedgerUnitsOneLine: on a phone and a laptop, with the tick column in
// front (the county) and without it (the city), every unit name in the ledger is on
// one line (「黄海区」, never 「黄海/区」), and the page stays as wide as the screen:
// the table scrolls inside its frame.
func TestBrowserLedgerUnitsOneLine(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.publishedAssessment("990102", testFW, 2024)
	for i, vw := range workWidths {
		for _, c := range []struct{ role, ledger string }{{"filler", "/units/990102/problems"}, {"reviewer", "/units/990100/problems"}} {
			t.Run(vw.name+"/"+c.role, func(t *testing.T) {
				w := newWorkTab(t, s, i, c.role, c.ledger)
				browsertest.Response(t, w.ctx, chromedp.Navigate(s.url+c.ledger+"?fw="+testFW+"&period=2024"))
				names := browsertest.Eval[[]string](t, w.ctx, `[...document.querySelectorAll('#ledger-table td.unit')].map(td => td.textContent.trim())`)
				if len(names) == 0 {
					t.Fatal("the ledger has no unit cells")
				}
				lines := browsertest.Eval[[]int](t, w.ctx, `[...document.querySelectorAll('#ledger-table td.unit')].map(`+lineCount+`)`)
				for k, n := range lines {
					if n != 1 {
						t.Errorf("「%s」 takes %d lines at %d px", names[k], n, vw.width)
					}
				}
				w.fits("the ledger")
				if c.role == "filler" { // the tick column first: the case that wrapped
					screenshotAt(t, w.ctx, "#ledger-table", "ledger-units-"+vw.name+".png")
				}
			})
		}
	}
}

// chartFit is JavaScript: what is wrong with the texts the chart of box id drew —
// a text (a name, a legend, a value) reaching outside the chart, or over another
// text — and the number of texts.
const chartFit = `(id => {
	const box = document.getElementById(id), c = echarts.getInstanceByDom(box);
	const W = c.getWidth(), H = c.getHeight(), texts = new Map(), bad = [];
	if (W !== box.clientWidth) bad.push('the chart is ' + W + ' px wide in a box of ' + box.clientWidth);
	c.getZr().storage.getDisplayList(true).forEach(el => {
		if (el.type !== 'tspan' || el.invisible || el.ignore || !el.style.text) return;
		const r = el.getBoundingRect().clone();
		if (el.transform) r.applyTransform(el.transform);
		const key = el.parent || el, t = texts.get(key) || {text: '', x0: 1e9, y0: 1e9, x1: -1e9, y1: -1e9};
		t.text += el.style.text;
		t.x0 = Math.min(t.x0, r.x); t.y0 = Math.min(t.y0, r.y);
		t.x1 = Math.max(t.x1, r.x + r.width); t.y1 = Math.max(t.y1, r.y + r.height);
		texts.set(key, t);
	});
	const list = [...texts.values()], at = t => '「' + t.text + '」 at ' + [t.x0, t.y0, t.x1, t.y1].map(Math.round).join(',');
	list.forEach((a, i) => {
		if (a.x0 < -0.5 || a.y0 < -0.5 || a.x1 > W + 0.5 || a.y1 > H + 0.5) bad.push(at(a) + ' is outside the chart ' + W + '×' + H);
		list.slice(i + 1).forEach(b => {
			if (Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 1 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 1) bad.push(at(a) + ' overlaps ' + at(b));
		});
	});
	return {texts: list.length, bad: bad};
})`

// rankingCharts are the boxes of the ranking page's charts.
var rankingCharts = []string{"chart-totals", "chart-radar", "chart-cv"}

// chartsFit fails the test for every text of the ranking's charts that is outside
// its chart or over another.
func chartsFit(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	for _, id := range rankingCharts {
		fit := browsertest.Eval[struct {
			Texts int
			Bad   []string
		}](t, ctx, chartFit+`('`+id+`')`)
		if fit.Texts < 5 {
			t.Errorf("%s: %s drew %d texts", when, id, fit.Texts)
		}
		for _, b := range fit.Bad {
			t.Errorf("%s: %s: %s", when, id, b)
		}
	}
}

// chartsLaidOut waits until every chart of the ranking has the width of its box:
// they were laid out again after the window changed.
func chartsLaidOut(t *testing.T, ctx context.Context) {
	t.Helper()
	ids := `['` + strings.Join(rankingCharts, `','`) + `']`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](ids+`.every(id => {
		const box = document.getElementById(id), c = box && echarts.getInstanceByDom(box);
		return c && !c.isDisposed() && c.getWidth() === box.clientWidth;
	})`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the charts were not laid out for the new width: %v", err)
	}
}

// phone and desktop set the tab's screen.
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	browsertest.Run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	chartsLaidOut(t, ctx)
}

func desktop(t *testing.T, ctx context.Context) {
	t.Helper()
	browsertest.Run(t, ctx, chromedp.EmulateViewport(1280, 900))
	chartsLaidOut(t, ctx)
}

// manyUnits is JavaScript: it draws the ranking's charts again for twelve units
// with long names (a city's counties and development zones), running charts.js
// anew on the page's data changed.
const manyUnits = `(() => {
	const el = document.getElementById('ranking-data'), d = JSON.parse(el.textContent);
	const names = ['经济技术开发区', '高新技术产业开发区', '东城区', '西城区', '南湖新区', '北山县', '临江市', '云岭彝族自治县', '青松县', '白沙镇', '滨海新区', '长乐县'];
	d.units = names;
	d.totals = names.map((_, i) => 92 - 3.5 * i);
	d.pct = names.map((_, i) => d.pct[i % d.pct.length]);
	if (d.cv) {
		d.cv.primary = names.map((_, i) => d.cv.primary[i % d.cv.primary.length]);
		d.cv.junior = names.map((_, i) => d.cv.junior[i % d.cv.junior.length]);
	}
	el.textContent = JSON.stringify(d);
	for (const id of ` + "['chart-totals', 'chart-radar', 'chart-cv']" + `) {
		const box = document.getElementById(id);
		echarts.getInstanceByDom(box).dispose();
		box.style.height = '';
	}
	const s = document.createElement('script');
	s.src = [...document.scripts].find(x => /\/charts\b/.test(x.src)).src;
	document.body.append(s);
	return names.length;
})()`

// TestBrowserRankingChartsFit: on a 1280 px desktop, turned to a 390 px phone and
// back, the ranking's charts keep every text — the radar's area names, the bars'
// unit names, legends, titles — inside the chart and clear of each other, for the
// three counties of the fixture and for twelve units with long names (the bars lie
// down on a phone, the names beside them).
func TestBrowserRankingChartsFit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusPublished)
	s.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
	s.rkAssess(rkFW, "990181", 2024, 0.7, ziping.StatusSubmitted)
	ranking := "/units/990100/ranking"
	ctx := browsertest.Chrome(t)
	browsertest.Run(t, ctx, chromedp.EmulateViewport(1280, 900))
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+ranking))
	ru := roleUsers["reviewer"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != ranking {
		t.Fatalf("sign in to the ranking: status %d at %s", st, pagePath(t, ctx))
	}
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+ranking+"?fw="+rkFW+"&period=2024"))
	chartsLaidOut(t, ctx)
	radius := func() float64 {
		return browsertest.Eval[float64](t, ctx, `echarts.getInstanceByDom(document.getElementById('chart-radar')).getModel().getComponent('radar').coordinateSystem.r`)
	}
	chartsFit(t, ctx, "1280 px")
	wide := radius()
	chartScreens(t, ctx, "1280")

	phone(t, ctx)
	chartsFit(t, ctx, "turned to 390 px")
	if narrow := radius(); narrow >= wide {
		t.Errorf("the radar's radius is %v px on a phone, %v px on a desktop", narrow, wide)
	}
	chartScreens(t, ctx, "390")
	// Another unit on the radar: laid out the same.
	browsertest.Run(t, ctx, chromedp.SetValue(chromedp.ID("radar-unit"), "2"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('radar-unit').dispatchEvent(new Event('change'))`))
	chartsFit(t, ctx, "390 px, the third unit")

	if n := browsertest.Eval[int](t, ctx, manyUnits); n != 12 {
		t.Fatalf("%d units", n)
	}
	chartsLaidOut(t, ctx)
	if n := browsertest.Eval[int](t, ctx, `echarts.getInstanceByDom(document.getElementById('chart-totals')).getOption().yAxis[0].data?.length ?? 0`); n != 12 {
		t.Errorf("on a phone the totals of twelve units lie down with %d names beside them", n)
	}
	chartsFit(t, ctx, "390 px, twelve units")
	chartScreens(t, ctx, "390-many")
	desktop(t, ctx)
	chartsFit(t, ctx, "back to 1280 px, twelve units")
	chartScreens(t, ctx, "1280-many")

	// A framework of four areas: the radar's names stand above and below it too.
	const yzjh = "yzjh-2017"
	s.rkAssess(yzjh, "990102", 2024, 0.8, ziping.StatusPublished)
	s.rkAssess(yzjh, "990121", 2024, 0.6, ziping.StatusReviewed)
	browsertest.Run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+ranking+"?fw="+yzjh+"&period=2024"))
	chartsLaidOut(t, ctx)
	if n := browsertest.Eval[int](t, ctx, `echarts.getInstanceByDom(document.getElementById('chart-radar')).getOption().radar[0].indicator.length`); n != 4 {
		t.Errorf("the radar of %s has %d areas, want 4", yzjh, n)
	}
	chartsFit(t, ctx, yzjh+" at 390 px")
	desktop(t, ctx)
	chartsFit(t, ctx, yzjh+" at 1280 px")
}

// chartScreens writes the ranking's charts to docs/screenshots when
// ZIPING_SCREENSHOTS=1.
func chartScreens(t *testing.T, ctx context.Context, suffix string) {
	t.Helper()
	if os.Getenv("ZIPING_SCREENSHOTS") != "1" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("section.charts")))
	if err != nil {
		t.Fatalf("screenshot of the charts: %v", err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", "ranking-charts-"+suffix+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
