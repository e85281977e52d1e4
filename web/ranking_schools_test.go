package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ziping"
)

// schoolRankingMatrix: the ranking of schools is for whoever sees the county (or the
// city or province above it); a school is not ranked below itself (404).
func schoolRankingMatrix(units map[string]string) map[string]func(role string) []check {
	return map[string]func(role string) []check{
		"GET /units/{code}/school-ranking": func(role string) []check {
			var out []check
			for _, key := range []string{"P", "C", "K2", "K3", "S2"} {
				c := check{req: request{role: role, method: http.MethodGet, path: "/units/" + units[key] + "/school-ranking"}}
				switch {
				case role == "anon":
					c.status, c.location = http.StatusSeeOther, "/login?next="
				case !slices.Contains(visible[role], key):
					c.status = http.StatusForbidden
				case key == "S2":
					c.status = http.StatusNotFound
				default:
					c.status = http.StatusOK
				}
				out = append(out, c)
			}
			return out
		},
	}
}

// TestSchoolRanking: the county's ranking of its schools shows a school's
// 学校办学质量 self-evaluation with its status and total; the schools that have not
// started follow; a county framework is refused; a school's filler does not see its
// county's ranking; viewers see published results only.
func TestSchoolRanking(t *testing.T) {
	f := newFixture(t, 60)
	county, err := f.svc.Store.UnitByCode(f.ctx, "990102")
	if err != nil {
		t.Fatal(err)
	}
	schools, err := f.svc.Store.Subtree(f.ctx, county, ziping.LevelSchool)
	if err != nil {
		t.Fatal(err)
	}
	var school *ziping.OrgUnit
	for i := range schools { // the first school 学校办学质量 assesses (not a senior high school)
		if _, err := f.svc.Assess.StartAssessment(f.ctx, ziping.System, "xxbxzl-2021", &schools[i], 2024, false); err == nil {
			school = &schools[i]
			break
		}
	}
	if school == nil {
		t.Fatal("no school of 990102 could start 学校办学质量")
	}
	f.run(t, []scenario{
		{"the county's reviewer", "reviewer", "", "/units/990102/school-ranking?fw=xxbxzl-2021&period=2024", nil, 200,
			[]string{"990102", "2024年度学校排名", "义务教育学校办学质量评价", school.Name, "填报中", "已出结果1所", "<th>学校</th>"}},
		{"the county's filler", "filler", "", "/units/990102/school-ranking", nil, 200, []string{school.Name, "学校排名"}},
		{"a county framework", "reviewer", "", "/units/990102/school-ranking?fw=yzjh-2017", nil, 400, []string{"学校排名只用于评价学校或幼儿园的评价体系"}},
		{"an unknown framework", "reviewer", "", "/units/990102/school-ranking?fw=nope", nil, 404, nil},
		{"a school's filler, its county", "school", "", "/units/990102/school-ranking", nil, 403, nil},
		{"the viewer of another county", "viewer", "", "/units/990102/school-ranking", nil, 403, nil},
		{"the viewer, own county: nothing published", "viewer", "", "/units/990121/school-ranking", nil, 200, []string{"仅显示已公布的结果", "已出结果0所"}},
	})
}

// TestSchoolRankingPaged: a county of many schools is ranked whole but sent a page
// of schoolRankingPageSize at a time, with links to the pages beside it.
func TestSchoolRankingPaged(t *testing.T) {
	u := &ziping.OrgUnit{Code: "990102"}
	sel := &selection{FW: "xxbxzl-2021", Period: 2024}
	for _, tc := range []struct {
		query            string
		page, from, to   int
		prev, next, fail bool
	}{
		{"", 1, 1, 100, false, true, false},
		{"page=2", 2, 101, 200, true, true, false},
		{"page=3", 3, 201, 250, true, false, false},
		{"page=99", 3, 201, 250, true, false, false}, // past the end: the last page
		{"page=0", 0, 0, 0, false, false, true},
		{"page=x", 0, 0, 0, false, false, true},
	} {
		p := &schoolRankingPage{}
		for i := range 250 {
			p.Table.Rows = append(p.Table.Rows, rankingRowView{Rank: strconv.Itoa(i + 1)})
		}
		r := httptest.NewRequest("GET", "/units/990102/school-ranking?"+tc.query, nil)
		err := p.paginate(r, u, sel)
		if tc.fail {
			var e *ziping.Error
			if !errors.As(err, &e) || e.Kind != ziping.Invalid {
				t.Errorf("%q: %v, want a refusal of the page number", tc.query, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.query, err)
		}
		if p.PageNo != tc.page || p.Pages != 3 || p.From != tc.from || p.To != tc.to || len(p.Table.Rows) != tc.to-tc.from+1 ||
			p.Table.Rows[0].Rank != strconv.Itoa(tc.from) {
			t.Errorf("%q: page %d of %d, rows %d–%d (%d shown, first ranked %s)", tc.query, p.PageNo, p.Pages, p.From, p.To, len(p.Table.Rows), p.Table.Rows[0].Rank)
		}
		if (p.PrevURL != "") != tc.prev || (p.NextURL != "") != tc.next {
			t.Errorf("%q: prev %q next %q", tc.query, p.PrevURL, p.NextURL)
		}
		if tc.next && !strings.Contains(p.NextURL, "fw=xxbxzl-2021") {
			t.Errorf("%q: the next page's link %q loses the framework", tc.query, p.NextURL)
		}
	}
}
