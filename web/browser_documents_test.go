package web

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/browsertest"
)

// widths are the screens the browser tests of the editor, the ledger and the
// notice run on: a laptop and a phone.
var widths = []int64{1366, 390}

// atWidth sizes the tab as a laptop or, at phone widths, a phone.
func atWidth(t *testing.T, ctx context.Context, w int64) {
	t.Helper()
	if w < 600 {
		browsertest.Run(t, ctx, chromedp.EmulateViewport(w, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		return
	}
	browsertest.Run(t, ctx, chromedp.EmulateViewport(w, 900))
}

// noSideways fails when the page is wider than the screen (its tables scroll in
// their own frames).
func noSideways(t *testing.T, ctx context.Context, w int64, what string) {
	t.Helper()
	if got := browsertest.Eval[int64](t, ctx, `document.documentElement.scrollWidth`); got > w {
		t.Errorf("%s is %d px wide on a %d px screen", what, got, w)
	}
}

// fetchBytes downloads the href of the element with id in the tab's session.
func fetchBytes(t *testing.T, ctx context.Context, id string) []byte {
	t.Helper()
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const r = await fetch(document.getElementById(`+strconv.Quote(id)+`).href);
		if (!r.ok) return 'status ' + r.status;
		const b = new Uint8Array(await r.arrayBuffer());
		let s = ''; for (const c of b) s += String.fromCharCode(c);
		return btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download %s: %v", id, err)
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("download %s: %.40s", id, b64)
	}
	return data
}

// TestBrowserReportEditor: the clerk types a sentence with a blank, inserts a value
// by its Chinese name from the search box, saves; the text as it will read shows
// the value as a named chip with its value, the blank's finding is listed at the
// paragraph and names the line of the clerk's own text, and a click on it selects
// the blank in the text.
func TestBrowserReportEditor(t *testing.T) {
	t.Parallel()
	for _, w := range widths {
		t.Run(strconv.FormatInt(w, 10), func(t *testing.T) {
			s := newSite(t)
			filler := s.actor("filler")
			id := s.startAssessment(filler, "990102", testFW, 2024)
			s.scoreRest(filler, id)
			editor := reportURL(id)
			ctx := browsertest.Chrome(t)
			atWidth(t, ctx, w)
			browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+editor))
			ru := roleUsers["filler"]
			if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != editor {
				t.Fatalf("sign in: status %d at %s", st, pagePath(t, ctx))
			}
			// A value the data gives, by its Chinese name, from the list.
			name := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll('#report-value-names option')].map(o => o.value)
				.find(n => n && !/[{}" ]/.test(n) && document.querySelector('#report-values tr[data-name="' + n + '"] td.num').textContent !== '无法计算')`)
			value := browsertest.Eval[string](t, ctx, `document.querySelector('#report-values tr[data-name=`+strconv.Quote(name)+`] td.num').textContent`)
			if name == "" || value == "" {
				t.Fatal("no value to insert")
			}
			// The cursor at the end of the first paragraph: a sentence with a blank.
			browsertest.Eval[bool](t, ctx, `(() => { const e = document.getElementById('report-text'); const i = e.value.indexOf('纳入评价。') + 5;
				e.focus(); e.selectionStart = e.selectionEnd = i; return true })()`)
			browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID("report-text"), "生均经费增长x%，其值为"))
			browsertest.Run(t, ctx, chromedp.Click(chromedp.ID("report-value-search")), chromedp.SendKeys(chromedp.ID("report-value-search"), name),
				chromedp.Click(chromedp.ID("report-insert")))
			text := browsertest.Eval[string](t, ctx, `document.getElementById('report-text').value`)
			if !strings.Contains(text, "增长x%，其值为{{"+name+"}}") {
				t.Fatalf("the value was not inserted by name at the cursor: %q", text)
			}
			// Before saving, the text as it will read follows the typing: the chip and
			// the blank's finding are there.
			browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#report-read-body[data-fresh] .rb-flagged .chip`)))
			if live := browsertest.Text(t, ctx, "#report-read-body .rb-flagged"); !strings.Contains(live, name+" "+value) || !strings.Contains(live, "x%") {
				t.Errorf("while typing, the paragraph reads %q", live)
			}
			// The line of the blank in the clerk's own text.
			line := slices.IndexFunc(strings.Split(text, "\n"), func(l string) bool { return strings.Contains(l, "x%") }) + 1
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("report-save"))); st != 200 || pagePath(t, ctx) != editor {
				t.Fatalf("save: status %d at %s", st, pagePath(t, ctx))
			}
			// The chip: the value's name and its current value.
			chips := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll('#report-read .chip')].map(c => c.textContent.trim())`)
			if !slices.Contains(chips, name+" "+value) {
				t.Errorf("the text as it will read has chips %q, want %q", chips, name+" "+value)
			}
			// The finding at its paragraph, naming the clerk's line.
			at := browsertest.Text(t, ctx, ".rb-flagged .report-issue-at")
			if !strings.Contains(at, "第"+strconv.Itoa(line)+"行") || !strings.Contains(at, "x%") {
				t.Errorf("the finding beside its paragraph says %q, want line %d", at, line)
			}
			if para := browsertest.Text(t, ctx, ".rb-flagged .rb-p"); !strings.Contains(para, "增长x%") {
				t.Errorf("the finding is beside %q", para)
			}
			if lint := browsertest.Text(t, ctx, "#report-lint"); !strings.Contains(lint, "第"+strconv.Itoa(line)+"行") {
				t.Errorf("the check before submission does not name line %d: %s", line, lint)
			}
			// A click on the place selects the blank in the text.
			browsertest.Run(t, ctx, chromedp.Click(chromedp.CSS(".rb-flagged button.goto-line")))
			if sel := browsertest.Eval[string](t, ctx, `(() => { const e = document.getElementById('report-text'); return e.value.slice(e.selectionStart, e.selectionEnd) })()`); sel != "x%" {
				t.Errorf("the place selects %q in the text", sel)
			}
			headingButtons(t, ctx)
			noSideways(t, ctx, w, "the report editor")
			screenshot(t, ctx, "report-editor-"+strconv.FormatInt(w, 10)+".png")
		})
	}
}

// headingButtons: the editor's hint speaks of its buttons, not of heading marks; a
// line typed at the end of the text becomes a chapter heading, plain text again and
// a section heading by the buttons, and the text as it will read shows it so while
// nothing is saved.
func headingButtons(t *testing.T, ctx context.Context) {
	t.Helper()
	if hint := browsertest.Text(t, ctx, "#report-hint"); strings.ContainsAny(hint, "#＃*") || !strings.Contains(hint, "「章标题」") ||
		!strings.Contains(hint, "「节标题」") {
		t.Errorf("the editor's hint shows heading marks or names no button: %q", hint)
	}
	if tools := browsertest.Text(t, ctx, "#report-tools"); !strings.Contains(tools, "章标题") || !strings.Contains(tools, "节标题") {
		t.Fatalf("the heading buttons read %q", tools)
	}
	// A new line at the end of the text, the cursor on it.
	browsertest.Eval[bool](t, ctx, `(() => { const e = document.getElementById('report-text'); e.value = e.value.replace(/\s*$/, '\n\n');
		e.focus(); e.selectionStart = e.selectionEnd = e.value.length; return true })()`)
	browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID("report-text"), "教师队伍建设情况"))
	line := browsertest.Eval[int](t, ctx, `document.getElementById('report-text').value.split('\n').length`)
	block := `#report-read-body .rb[data-line="` + strconv.Itoa(line) + `"] `
	for _, c := range []struct{ button, mark, css string }{
		{"report-h2", "## ", ".rb-h2"},
		{"report-body", "", ".rb-p"},
		{"report-h3", "### ", ".rb-h3"},
	} {
		browsertest.Run(t, ctx, chromedp.Click(chromedp.ID(c.button)))
		last := browsertest.Eval[string](t, ctx, `document.getElementById('report-text').value.split('\n').pop()`)
		if last != c.mark+"教师队伍建设情况" {
			t.Errorf("after %s the line reads %q", c.button, last)
		}
		browsertest.Run(t, ctx, chromedp.WaitVisible(chromedp.CSS(block+c.css)))
		if got := browsertest.Text(t, ctx, block+c.css); got != "教师队伍建设情况" {
			t.Errorf("after %s the text as it will read shows %q", c.button, got)
		}
	}
	if note := browsertest.Text(t, ctx, "#report-tools-note"); note != "第"+strconv.Itoa(line)+"行已设为节标题。" {
		t.Errorf("the buttons' note says %q", note)
	}
}

// TestBrowserLedgerFilter: the city's reviewer filters the ledger by county and by
// a word, and the Excel the page offers holds exactly the rows shown.
func TestBrowserLedgerFilter(t *testing.T) {
	t.Parallel()
	for _, w := range widths {
		t.Run(strconv.FormatInt(w, 10), func(t *testing.T) {
			s := newSite(t)
			s.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
			k3 := s.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
			want := len(s.rkProblems(k3))
			ledger := "/units/990100/problems"
			ctx := browsertest.Chrome(t)
			atWidth(t, ctx, w)
			browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+ledger+"?fw="+rkFW+"%26period=2024"))
			ru := roleUsers["reviewer"]
			if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != ledger {
				t.Fatalf("sign in: status %d at %s", st, pagePath(t, ctx))
			}
			rows := `[...document.querySelectorAll('#ledger-table tbody tr')].filter(r => r.querySelector('td.desc'))
				.map(r => r.cells[0].textContent.trim() + '|' + r.querySelector('td.desc').textContent.trim())`
			all := browsertest.Eval[[]string](t, ctx, rows)
			browsertest.Run(t, ctx, chromedp.SetValue(chromedp.ID("ledger-county"), "990121"))
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("ledger-apply"))); st != 200 {
				t.Fatalf("filter: status %d", st)
			}
			shown := browsertest.Eval[[]string](t, ctx, rows)
			if len(shown) != want || len(shown) >= len(all) {
				t.Fatalf("the county filter shows %d of %d rows, want %d", len(shown), len(all), want)
			}
			// Then a word from one of its problems.
			first := shown[0]
			word := []rune(strings.SplitN(first, "|", 2)[1])
			q := string(word[:min(4, len(word))])
			browsertest.Run(t, ctx, chromedp.SetValue(chromedp.ID("ledger-q"), q))
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("ledger-apply"))); st != 200 {
				t.Fatalf("search: status %d", st)
			}
			shown = browsertest.Eval[[]string](t, ctx, rows)
			if !slices.Contains(shown, first) {
				t.Fatalf("the search for %q does not show the row it was taken from: %q", q, shown)
			}
			if got := browsertest.Eval[string](t, ctx, `document.getElementById('ledger-county').value`); got != "990121" {
				t.Errorf("the search lost the county filter: %q", got)
			}
			// The export holds exactly what is shown.
			var exported []string
			for _, r := range ledgerSheetRows(t, fetchBytes(t, ctx, "ledger-xlsx")) {
				exported = append(exported, r[0]+"|"+r[1])
			}
			if !slices.Equal(exported, shown) {
				t.Errorf("the Excel holds %q, the page shows %q", exported, shown)
			}
			noSideways(t, ctx, w, "the ledger")
			screenshot(t, ctx, "ledger-filtered-"+strconv.FormatInt(w, 10)+".png")
		})
	}
}

// TestBrowserResultNotice: the city's reviewer sets the notice's 文号 and date from
// the ranking; the public notice shows them, and so does its Word file.
func TestBrowserResultNotice(t *testing.T) {
	t.Parallel()
	for _, w := range widths {
		t.Run(strconv.FormatInt(w, 10), func(t *testing.T) {
			s := newSite(t)
			s.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusPublished)
			ranking := "/units/990100/ranking"
			ctx := browsertest.Chrome(t)
			atWidth(t, ctx, w)
			browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+ranking+"?fw="+rkFW+"%26period=2024"))
			ru := roleUsers["reviewer"]
			if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != ranking {
				t.Fatalf("sign in: status %d at %s", st, pagePath(t, ctx))
			}
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("ranking-notice-edit"))); st != 200 || pagePath(t, ctx) != "/units/990100/notice" {
				t.Fatalf("the notice's form: status %d at %s", st, pagePath(t, ctx))
			}
			browsertest.Eval[bool](t, ctx, `(() => { document.getElementById('notice-number-input').value = '';
				document.getElementById('notice-date-input').value = '2025-03-28'; return true })()`)
			browsertest.Run(t, ctx, chromedp.SendKeys(chromedp.ID("notice-number-input"), "兰教督[2025]3号"))
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("notice-save"))); st != 200 {
				t.Fatalf("save: status %d", st)
			}
			if msg := browsertest.Text(t, ctx, ".flash"); !strings.Contains(msg, "已保存") {
				t.Errorf("after saving: %q", msg)
			}
			if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("notice-view"))); st != 200 || pagePath(t, ctx) != "/notice/990100" {
				t.Fatalf("the notice: status %d at %s", st, pagePath(t, ctx))
			}
			if n := browsertest.Text(t, ctx, "#notice-number"); n != "兰教督〔2025〕3号" {
				t.Errorf("the notice's 文号 reads %q", n)
			}
			if d := browsertest.Text(t, ctx, "#notice-date"); d != "2025年3月28日" {
				t.Errorf("the notice's date reads %q", d)
			}
			if txt := docxText(t, fetchBytes(t, ctx, "notice-docx")); !strings.HasPrefix(txt, "兰教督〔2025〕3号\n") || !strings.Contains(txt, "2025年3月28日") {
				t.Errorf("the Word file begins %.80q", txt)
			}
			noSideways(t, ctx, w, "the notice")
			screenshot(t, ctx, "notice-"+strconv.FormatInt(w, 10)+".png")
		})
	}
}
