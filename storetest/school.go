package storetest

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"ziping"
)

// searchFixture imports eight schools of period 2023 whose names hold LIKE's
// wildcards and look-alikes, plus one 2024 row.
func searchFixture(t *testing.T, st ziping.Store) (*tree, []ziping.SchoolRecord) {
	t.Helper()
	tr := newTree(t, st)
	a1, a2 := tr.countyA1.ID, tr.countyA2.ID
	noStudents := school(a2, "3301030002", "初中", "西湖初级中学", 0)
	delete(noStudents.Values, "students")
	rows := []ziping.SchoolRecord{
		school(a1, "3301020001", "初中", "杭州第一中学", 1200),
		school(a1, "3301020002", "小学", "杭州实验小学", 800),
		school(a1, "3301020003", "小学", "希望100%小学", 300),
		school(a1, "3301020004", "初中", "A_B双语学校", 950),
		school(a1, "3301020005", "高中", "AXB国际学校", 400),
		school(a2, "3301030001", "小学", "西湖小学", 500),
		noStudents,
		school(a2, "3301030003", "小学", "1000人学校", 700),
	}
	importBatch(t, st, rows, nil)
	next := school(a1, "3301020001", "初中", "杭州第一中学", 1250)
	next.Period = 2024
	importBatch(t, st, []ziping.SchoolRecord{next}, nil)
	return tr, rows
}

func schoolCodes(rows []ziping.SchoolRecord) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Code+"/"+r.Stage)
	}
	return out
}

// query runs q and checks that, without paging, the total is the row count.
func query(t *testing.T, st ziping.Store, q ziping.SchoolQuery) []ziping.SchoolRecord {
	t.Helper()
	rows, total, err := st.Schools(t.Context(), q)
	must(t, err, label("Schools(%+v)", q))
	if q.Limit == 0 && q.Offset == 0 && total != len(rows) {
		t.Errorf("Schools(%+v): %d rows, total %d", q, len(rows), total)
	}
	return rows
}

func testSchoolsFilter(t *testing.T, st ziping.Store) {
	tr, rows := searchFixture(t, st)
	all := tr.counties()
	got := query(t, st, ziping.SchoolQuery{UnitIDs: all, Period: 2023})
	diff(t, "every 2023 row, by code by default", got, rows)
	cases := []struct {
		name string
		q    ziping.SchoolQuery
		want []string
	}{
		{"no units selects nothing", ziping.SchoolQuery{Period: 2023}, nil},
		{"one county", ziping.SchoolQuery{UnitIDs: []int64{tr.countyA2.ID}, Period: 2023},
			[]string{"3301030001/小学", "3301030002/初中", "3301030003/小学"}},
		{"a county without rows", ziping.SchoolQuery{UnitIDs: []int64{tr.countyB1.ID}, Period: 2023}, nil},
		{"stage", ziping.SchoolQuery{UnitIDs: all, Period: 2023, Stage: "初中"},
			[]string{"3301020001/初中", "3301020004/初中", "3301030002/初中"}},
		{"period 2024", ziping.SchoolQuery{UnitIDs: all, Period: 2024}, []string{"3301020001/初中"}},
		{"a period without rows", ziping.SchoolQuery{UnitIDs: all, Period: 2020}, nil},
		{"every period", ziping.SchoolQuery{UnitIDs: []int64{tr.countyA1.ID}, Stage: "初中"},
			[]string{"3301020001/初中", "3301020001/初中", "3301020004/初中"}},
	}
	for _, c := range cases {
		diff(t, c.name, schoolCodes(query(t, st, c.q)), c.want)
	}
}

func testSchoolsSearch(t *testing.T, st ziping.Store) {
	tr, _ := searchFixture(t, st)
	cases := []struct{ search, why string }{
		{"100%", "% is a character, not a wildcard"},
		{"A_B", "_ is a character, not a wildcard"},
		{"西湖", "Chinese text in the name"},
		{"330103", "a prefix of the code"},
		{"0200", "inside the code"},
		{"  实验 ", "surrounding spaces ignored"},
		{`\`, "a backslash is a character"},
		{"%", "a lone % matches only names with one"},
		{"学校", "several names"},
	}
	for _, c := range cases {
		var want []string
		s := strings.TrimSpace(c.search)
		for _, r := range allSchools(t, st, tr, 2023) {
			if strings.Contains(r.Code, s) || strings.Contains(r.Name, s) {
				want = append(want, r.Code+"/"+r.Stage)
			}
		}
		got := query(t, st, ziping.SchoolQuery{UnitIDs: tr.counties(), Period: 2023, Search: c.search})
		diff(t, label("Search %q (%s)", c.search, c.why), schoolCodes(got), want)
	}
	if got := query(t, st, ziping.SchoolQuery{UnitIDs: tr.counties(), Period: 2023, Search: "A_B"}); len(got) != 1 {
		t.Errorf("Search A_B: %d rows, want exactly the one named A_B双语学校", len(got))
	}
}

// testSchoolsSort: each key ascending and descending; ties by code then stage; rows
// without students last either way; text by code point.
func testSchoolsSort(t *testing.T, st ziping.Store) {
	tr, rows := searchFixture(t, st)
	// Each key compares two rows ascending, or descending when desc; a row without
	// students comes after one with, either way.
	text := func(f func(r ziping.SchoolRecord) string) func(a, b ziping.SchoolRecord, desc bool) int {
		return func(a, b ziping.SchoolRecord, desc bool) int { return flip(cmp.Compare(f(a), f(b)), desc) }
	}
	keys := map[string]func(a, b ziping.SchoolRecord, desc bool) int{
		"code":  text(func(r ziping.SchoolRecord) string { return r.Code }),
		"name":  text(func(r ziping.SchoolRecord) string { return r.Name }),
		"stage": text(func(r ziping.SchoolRecord) string { return r.Stage }),
		"students": func(a, b ziping.SchoolRecord, desc bool) int {
			va, oka := a.Values["students"]
			vb, okb := b.Values["students"]
			switch {
			case oka && okb:
				return flip(cmp.Compare(va, vb), desc)
			case oka != okb && oka:
				return -1
			case oka != okb:
				return 1
			}
			return 0
		},
	}
	for key, by := range keys {
		for _, desc := range []bool{false, true} {
			want := slices.Clone(rows)
			slices.SortFunc(want, func(a, b ziping.SchoolRecord) int {
				return cmp.Or(by(a, b, desc), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Stage, b.Stage))
			})
			sort := key
			if desc {
				sort = "-" + key
			}
			got := query(t, st, ziping.SchoolQuery{UnitIDs: tr.counties(), Period: 2023, Sort: sort})
			diff(t, "Sort "+sort, schoolCodes(got), schoolCodes(want))
		}
	}
	for _, bad := range []string{"population", "-vals", "code;drop table schools", "--code"} {
		_, _, err := st.Schools(t.Context(), ziping.SchoolQuery{UnitIDs: tr.counties(), Sort: bad})
		wantKind(t, err, ziping.Invalid, "Sort "+bad)
	}
}

// flip reverses a comparison when desc.
func flip(c int, desc bool) int {
	if desc {
		return -c
	}
	return c
}

func testSchoolsPaging(t *testing.T, st ziping.Store) {
	tr, rows := searchFixture(t, st)
	var got []ziping.SchoolRecord
	for offset := 0; offset < 12; offset += 3 {
		page, total, err := st.Schools(t.Context(), ziping.SchoolQuery{UnitIDs: tr.counties(), Period: 2023,
			Sort: "code", Offset: offset, Limit: 3})
		must(t, err, "Schools page")
		if total != len(rows) {
			t.Errorf("page at %d: total %d, want %d", offset, total, len(rows))
		}
		if want := min(3, max(0, len(rows)-offset)); len(page) != want {
			t.Errorf("page at %d: %d rows, want %d", offset, len(page), want)
		}
		got = append(got, page...)
	}
	diff(t, "pages put together", got, rows)
	page, total, err := st.Schools(t.Context(), ziping.SchoolQuery{UnitIDs: tr.counties(), Period: 2023,
		Search: "西湖", Limit: 1, Offset: 1})
	must(t, err, "Schools filtered page")
	if total != 2 || len(page) != 1 || page[0].Code != "3301030002" {
		t.Errorf("second page of 西湖, one a page: total %d, rows %v; want 2 and [3301030002]", total, schoolCodes(page))
	}
}

// testSchoolsByCodeNoTotal: Code selects one school's rows (not those whose code only
// contains it); NoTotal gives the same rows without counting them.
func testSchoolsByCodeNoTotal(t *testing.T, st ziping.Store) {
	tr, _ := searchFixture(t, st)
	got := query(t, st, ziping.SchoolQuery{UnitIDs: tr.counties(), Code: "3301020001"})
	diff(t, "one school, every period", schoolCodes(got), []string{"3301020001/初中", "3301020001/初中"})
	diff(t, "a code's prefix", schoolCodes(query(t, st, ziping.SchoolQuery{UnitIDs: tr.counties(), Code: "330102"})), []string(nil))
	diff(t, "another county's school", schoolCodes(query(t, st, ziping.SchoolQuery{UnitIDs: []int64{tr.countyA2.ID}, Code: "3301020001"})), []string(nil))
	q := ziping.SchoolQuery{UnitIDs: tr.counties(), Period: 2023, Sort: "-students", Offset: 1, Limit: 4}
	counted, total, err := st.Schools(t.Context(), q)
	must(t, err, "Schools counted")
	q.NoTotal = true
	uncounted, none, err := st.Schools(t.Context(), q)
	must(t, err, "Schools with NoTotal")
	if total != 8 || none != 0 {
		t.Errorf("totals %d and %d with NoTotal, want 8 and 0", total, none)
	}
	diff(t, "the same page with NoTotal", uncounted, counted)
}
