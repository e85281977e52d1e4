package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ziping/engine"
)

// TestCombinedSchoolsShowWholeCounts: the demo's combined schools (十二年一贯制,
// 完全中学 and half the 九年一贯制 come as one row and are split into stages) show whole
// classes and teachers on every row of the county's school table, and every count
// on a combined school's own page is whole (issue 11: no 16.67 classes).
func TestCombinedSchoolsShowWholeCounts(t *testing.T) {
	f := newFixture(t, 240)
	rowRe := regexp.MustCompile(`<td>([^<]*)</td><td>([^<]*)</td><td>[^<]*</td>\s*<td class="num">([^<]*)</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td></tr>`)
	linkRe := regexp.MustCompile(`<a href="(/units/\d+\?[^"]*)">`)
	whole := regexp.MustCompile(`^(\d+|\d{1,3}(,\d{3})+)$`) // 1127, 19,563
	combined, pages := 0, 0
	schoolPages := map[string]bool{}
	for page := 1; ; page++ {
		body := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990102?period=2024&page=" + strconv.Itoa(page)}).Body.String()
		rows := strings.Split(body, `<tr><td class="code">`)[1:]
		if len(rows) == 0 {
			break
		}
		pages++
		for _, row := range rows {
			m := rowRe.FindStringSubmatch(row)
			if m == nil {
				t.Fatalf("page %d: a row of an unexpected form:\n%.600s", page, row)
			}
			code, stage, typ, classes, teachers := row[:strings.Index(row, "<")], m[1], m[2], m[4], m[5]
			if !whole.MatchString(classes) || !whole.MatchString(teachers) {
				t.Errorf("page %d: %s %s (%s) shows %s classes and %s teachers", page, code, stage, typ, classes, teachers)
			}
			if strings.Contains(typ, "一贯制") || typ == "完全中学" {
				combined++
				if l := linkRe.FindStringSubmatch(row); l != nil && len(schoolPages) < 5 {
					schoolPages[strings.ReplaceAll(l[1], "&amp;", "&")] = true
				}
			}
		}
		if page > 20 {
			t.Fatal("more than 20 pages")
		}
	}
	if combined < 10 || pages < 2 {
		t.Fatalf("%d rows of combined schools on %d pages: the fixture has too few to say anything", combined, pages)
	}
	counts := map[string]bool{}
	for _, el := range engine.SchoolElements {
		if el.Kind == engine.KindCount && !el.Derived {
			counts[el.Name] = true
		}
	}
	kvRe := regexp.MustCompile(`<th scope="row">([^<]*)</th><td class="num">([^<]*)</td>`)
	wholeWithUnit := regexp.MustCompile(`^(\d+|\d{1,3}(,\d{3})+)[^\d.,]*$`) // 19,563册
	if len(schoolPages) == 0 {
		t.Fatal("no combined school links to its page")
	}
	for path := range schoolPages {
		body := f.do(request{role: "admin", method: http.MethodGet, path: path}).Body.String()
		seen := 0
		for _, m := range kvRe.FindAllStringSubmatch(body, -1) {
			if counts[m[1]] && m[2] != "未填报" {
				seen++
				if !wholeWithUnit.MatchString(m[2]) {
					t.Errorf("%s: %s is %s", path, m[1], m[2])
				}
			}
		}
		if seen < 10 {
			t.Errorf("%s shows only %d counts", path, seen)
		}
	}
}
