package web

import (
	"testing"

	"github.com/chromedp/chromedp"

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
