package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ziping"
	"ziping/rectify"
)

// ledgerRowRE reads a ledger page's rows: the unit (first cell, after the bulk
// form's box when there is one) and the problem.
var ledgerRowRE = regexp.MustCompile(`<tr(?: class="overdue")?>(?:\s*<td class="pick">(?:<input [^>]*>)?</td>)?\s*<td class="unit">([^<]*)</td>\s*<td class="point-ref">[^<]*</td>\s*<td>[^<]*</td>\s*<td class="desc"><a href="/problems/\d+">([^<]*)</a>`)

// ledgerPageRows is the (unit, problem) of every row of a ledger page.
func ledgerPageRows(body string) [][2]string {
	var out [][2]string
	for _, m := range ledgerRowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, [2]string{html.UnescapeString(m[1]), html.UnescapeString(m[2])})
	}
	return out
}

// ledgerSheetRows is the (unit, problem) of every problem of a ledger workbook.
func ledgerSheetRows(t *testing.T, data []byte) [][2]string {
	t.Helper()
	var out [][2]string
	for _, r := range rkSheetRows(t, data) {
		if len(r) > 5 {
			if _, err := strconv.Atoi(r[0]); err == nil {
				out = append(out, [2]string{r[1], r[5]})
			}
		}
	}
	return out
}

// TestLedgerFilters: the ledger filtered by county, point, owner, status and text;
// the workbook holds exactly the filtered rows; paging splits them; bad filters are
// refused.
func TestLedgerFilters(t *testing.T) {
	f := newFixture(t, 30)
	k2 := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
	k3 := f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
	p2, p3 := f.rkProblems(k2), f.rkProblems(k3)
	admin := f.rkActor("admin")
	// One problem of each county gets an owner and a word to search for.
	for _, p := range []ziping.Problem{p2[0], p3[0]} {
		if _, err := f.svc.Rectify.UpdateProblem(f.ctx, admin, p.ID, rectify.ProblemUpdate{Measures: "新建校舍，分流学生", Owner: "县教育局基建股",
			Status: ziping.ProblemInProgress, Deadline: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), Version: p.Version}); err != nil {
			t.Fatal(err)
		}
	}
	base := "/units/990100/problems?fw=" + rkFW + "&period=2024"
	xlsx := "/units/990100/problems.xlsx?fw=" + rkFW + "&period=2024"
	all := ledgerPageRows(f.do(request{role: "reviewer", method: http.MethodGet, path: base}).Body.String())
	if len(all) != len(p2)+len(p3) {
		t.Fatalf("the city's ledger lists %d rows, want %d", len(all), len(p2)+len(p3))
	}
	for _, c := range []struct {
		name, query string
		want        int
	}{
		{"county", "&county=990121", len(p3)},
		{"point", "&point=" + url.QueryEscape(p2[0].Point), -1},
		{"owner", "&owner=" + url.QueryEscape("县教育局基建股"), 2},
		{"owner and county", "&owner=" + url.QueryEscape("县教育局基建股") + "&county=990102", 1},
		{"status", "&status=" + ziping.ProblemInProgress, 2},
		{"search", "&q=" + url.QueryEscape("分流学生"), 2},
		{"search in the unit's name", "&q=" + url.QueryEscape(f.unitName("990121")), len(p3)},
		{"nothing", "&q=" + url.QueryEscape("没有这样的问题"), 0},
	} {
		body := f.do(request{role: "reviewer", method: http.MethodGet, path: base + c.query}).Body.String()
		page := ledgerPageRows(body)
		if c.want >= 0 && len(page) != c.want {
			t.Errorf("%s: the page lists %d rows, want %d", c.name, len(page), c.want)
		}
		if c.want != 0 && len(page) == len(all) {
			t.Errorf("%s: the filter let every row through", c.name)
		}
		if !strings.Contains(body, `id="ledger-clear"`) {
			t.Errorf("%s: no way to clear the filter", c.name)
		}
		w := f.do(request{role: "reviewer", method: http.MethodGet, path: xlsx + c.query})
		if w.Code != http.StatusOK {
			t.Fatalf("%s: xlsx %d", c.name, w.Code)
		}
		if sheet := ledgerSheetRows(t, w.Body.Bytes()); !slices.Equal(sheet, page) {
			t.Errorf("%s: the workbook holds %q, the page %q", c.name, sheet, page)
		}
		// The page's export link carries the filter.
		if m := regexp.MustCompile(`href="([^"]*)" id="ledger-xlsx"`).FindStringSubmatch(body); m == nil {
			t.Errorf("%s: no export link", c.name)
		} else if w := f.do(request{role: "reviewer", method: http.MethodGet, path: html.UnescapeString(m[1])}); !slices.Equal(ledgerSheetRows(t, w.Body.Bytes()), page) {
			t.Errorf("%s: the page's export link does not export what the page shows", c.name)
		}
	}
	// A county's own ledger has no county choice; a county cannot filter its way into another's.
	body := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102/problems?fw=" + rkFW + "&period=2024&county=990121"}).Body.String()
	if strings.Contains(body, `id="ledger-county"`) || len(ledgerPageRows(body)) != 0 {
		t.Error("a county's ledger offers counties or shows another county's problems")
	}
	if w := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990100/problems.xlsx?fw=" + rkFW + "&period=2024"}); w.Code != http.StatusNotFound && w.Code != http.StatusForbidden {
		t.Errorf("a county exporting the city's ledger: %d", w.Code)
	}
	for _, bad := range []string{"&page=0", "&page=x", "&status=nonsense", "&q=" + strings.Repeat("长", 51)} {
		if w := f.do(request{role: "reviewer", method: http.MethodGet, path: base + bad}); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
}

// TestLedgerPaging: more problems than a page holds are split into pages, every
// row on exactly one page, and the workbook holds them all; the filter's rows are
// the ones that pass it.
func TestLedgerPaging(t *testing.T) {
	f := newFixture(t, 30)
	k2 := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
	reviewer := f.rkActor("reviewer")
	for i := len(f.rkProblems(k2)); i <= ledgerPageSize+5; i++ {
		if _, err := f.svc.Rectify.AddFinding(f.ctx, reviewer, k2.ID, rectify.FindingInput{Description: "复核发现问题" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	n := len(f.rkProblems(k2))
	base := "/units/990102/problems?fw=" + rkFW + "&period=2024"
	first := f.do(request{role: "filler", method: http.MethodGet, path: base}).Body.String()
	second := f.do(request{role: "filler", method: http.MethodGet, path: base + "&page=2"}).Body.String()
	p1, p2 := ledgerPageRows(first), ledgerPageRows(second)
	if len(p1) != ledgerPageSize || len(p1)+len(p2) != n || !strings.Contains(first, `id="ledger-next"`) || !strings.Contains(first, "第 1 / 2 页") {
		t.Fatalf("pages of %d and %d rows for %d problems", len(p1), len(p2), n)
	}
	for _, r := range p2 {
		if slices.Contains(p1, r) {
			t.Errorf("%q is on both pages", r)
		}
	}
	w := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102/problems.xlsx?fw=" + rkFW + "&period=2024"})
	if sheet := ledgerSheetRows(t, w.Body.Bytes()); !slices.Equal(sheet, append(p1, p2...)) {
		t.Errorf("the workbook holds %d rows, the pages %d", len(sheet), len(p1)+len(p2))
	}
	// A page past the last shows the last.
	if last := ledgerPageRows(f.do(request{role: "filler", method: http.MethodGet, path: base + "&page=9"}).Body.String()); !slices.Equal(last, p2) {
		t.Error("a page past the last does not show the last page")
	}
}

// unitName is the name of the unit with code.
func (f *fixture) unitName(code string) string {
	f.t.Helper()
	u, err := f.svc.Store.UnitByCode(f.ctx, code)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.Name
}

// TestLedgerOpensOnYearWithProblems: a ledger asked for without a year opens on the
// latest year that has problems (this year's come on accepting its assessment), so a
// county whose self-evaluation of this year is a draft sees last year's problems to
// rectify, not an empty ledger; a year asked for is kept, empty or not.
func TestLedgerOpensOnYearWithProblems(t *testing.T) {
	f := newFixture(t, 30)
	last := f.rkAssess(rkFW, "990102", 2023, 0.8, ziping.StatusReviewed)
	problems := f.rkProblems(last)
	f.startAssessment(ziping.System, "990102", rkFW, 2024)
	body := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102/problems?fw=" + rkFW}).Body.String()
	if !strings.Contains(body, "2023年度整改台账") || len(ledgerPageRows(body)) != len(problems) {
		t.Errorf("the ledger without a year shows %d rows, want 2023's %d:\n%.600s", len(ledgerPageRows(body)), len(problems), body)
	}
	// Its export link exports that year.
	if m := regexp.MustCompile(`href="([^"]*)" id="ledger-xlsx"`).FindStringSubmatch(body); m == nil || !strings.Contains(m[1], "period=2023") {
		t.Errorf("the export link %v is not 2023's", m)
	}
	body = f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102/problems?fw=" + rkFW + "&period=2024"}).Body.String()
	if !strings.Contains(body, "2024年度整改台账") || len(ledgerPageRows(body)) != 0 {
		t.Errorf("the ledger of 2024 asked for shows %d rows", len(ledgerPageRows(body)))
	}
	// Another county without problems in any year stays on this year.
	body = f.do(request{role: "admin", method: http.MethodGet, path: "/units/990121/problems?fw=" + rkFW}).Body.String()
	if !strings.Contains(body, "2024年度整改台账") {
		t.Errorf("a ledger without problems in any year does not open on this year:\n%.600s", body)
	}
}
