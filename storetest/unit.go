package storetest

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"ziping"
)

// tree is the organisation tree most tests start from:
//
//	330000 浙江省
//	├── 330100 杭州市
//	│   ├── 330102 上城区
//	│   │   └── 3301020001 杭州第一中学 (school)
//	│   └── 330103 西湖区
//	└── 330200 宁波市
//	    └── 330203 海曙区
type tree struct {
	prov, cityA, cityB, countyA1, countyA2, countyB1, school ziping.OrgUnit
}

func (tr *tree) all() []ziping.OrgUnit {
	return []ziping.OrgUnit{tr.prov, tr.cityA, tr.cityB, tr.countyA1, tr.countyA2, tr.countyB1, tr.school}
}

func (tr *tree) counties() []int64 { return []int64{tr.countyA1.ID, tr.countyA2.ID, tr.countyB1.ID} }

func newTree(t *testing.T, st ziping.Store) *tree {
	t.Helper()
	tr := &tree{}
	add := func(u *ziping.OrgUnit, code, name, level string, parent *ziping.OrgUnit) {
		*u = ziping.OrgUnit{Code: code, Name: name, Level: level}
		if parent != nil {
			u.ParentID = parent.ID
		}
		must(t, st.CreateUnit(t.Context(), u), "CreateUnit "+code)
	}
	add(&tr.prov, "330000", "浙江省", ziping.LevelProvince, nil)
	add(&tr.cityA, "330100", "杭州市", ziping.LevelCity, &tr.prov)
	add(&tr.cityB, "330200", "宁波市", ziping.LevelCity, &tr.prov)
	add(&tr.countyA1, "330102", "上城区", ziping.LevelCounty, &tr.cityA)
	add(&tr.countyA2, "330103", "西湖区", ziping.LevelCounty, &tr.cityA)
	add(&tr.countyB1, "330203", "海曙区", ziping.LevelCounty, &tr.cityB)
	add(&tr.school, "3301020001", "杭州第一中学", ziping.LevelSchool, &tr.countyA1)
	return tr
}

func testUnits(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	id := func(u ziping.OrgUnit) string { return strconv.FormatInt(u.ID, 10) }
	wantPaths := map[string]string{
		"330000":     "/" + id(tr.prov) + "/",
		"330100":     "/" + id(tr.prov) + "/" + id(tr.cityA) + "/",
		"330102":     "/" + id(tr.prov) + "/" + id(tr.cityA) + "/" + id(tr.countyA1) + "/",
		"3301020001": "/" + id(tr.prov) + "/" + id(tr.cityA) + "/" + id(tr.countyA1) + "/" + id(tr.school) + "/",
	}
	seen := map[int64]bool{}
	for _, u := range tr.all() {
		if u.ID <= 0 || seen[u.ID] {
			t.Errorf("unit %s: ID %d not set or not unique", u.Code, u.ID)
		}
		seen[u.ID] = true
		if want, ok := wantPaths[u.Code]; ok && u.Path != want {
			t.Errorf("unit %s: Path %q, want %q", u.Code, u.Path, want)
		}
		got, err := st.Unit(ctx, u.ID)
		must(t, err, "Unit "+u.Code)
		diff(t, "Unit("+u.Code+")", *got, u)
		got, err = st.UnitByCode(ctx, u.Code)
		must(t, err, "UnitByCode "+u.Code)
		diff(t, "UnitByCode("+u.Code+")", *got, u)
	}
	if tr.prov.ParentID != 0 || tr.school.ParentID != tr.countyA1.ID {
		t.Errorf("ParentID: province %d (want 0), school %d (want %d)", tr.prov.ParentID, tr.school.ParentID, tr.countyA1.ID)
	}
	if !tr.school.InSubtree(&tr.cityA) || tr.school.InSubtree(&tr.cityB) {
		t.Errorf("InSubtree on stored paths: school %q, cities %q and %q", tr.school.Path, tr.cityA.Path, tr.cityB.Path)
	}
}

func testUnitErrors(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	_, err := st.Unit(ctx, tr.school.ID+1000)
	wantKind(t, err, ziping.NotFound, "Unit of an unknown id")
	_, err = st.UnitByCode(ctx, "999999")
	wantKind(t, err, ziping.NotFound, "UnitByCode of an unknown code")

	dup := ziping.OrgUnit{Code: "330102", Name: "重复", Level: ziping.LevelCounty, ParentID: tr.cityB.ID}
	wantKind(t, st.CreateUnit(ctx, &dup), ziping.Conflict, "CreateUnit with a taken code")
	orphan := ziping.OrgUnit{Code: "340100", Name: "无主", Level: ziping.LevelCity, ParentID: tr.school.ID + 1000}
	wantKind(t, st.CreateUnit(ctx, &orphan), ziping.NotFound, "CreateUnit under a missing parent")
	bad := ziping.OrgUnit{Code: "340000", Name: "错级", Level: "nation"}
	wantKind(t, st.CreateUnit(ctx, &bad), ziping.Invalid, "CreateUnit with an unknown level")

	all, err := st.Subtree(ctx, nil)
	must(t, err, "Subtree(nil)")
	if len(all) != len(tr.all()) {
		t.Errorf("after the failed creates there are %d units, want %d", len(all), len(tr.all()))
	}
}

func codes(us []ziping.OrgUnit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Code)
	}
	return out
}

func testSubtree(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	cases := []struct {
		name   string
		root   *ziping.OrgUnit
		levels []string
		want   []string
	}{
		{"whole tree", nil, nil, []string{"330000", "330100", "330102", "3301020001", "330103", "330200", "330203"}},
		{"province", &tr.prov, nil, []string{"330000", "330100", "330102", "3301020001", "330103", "330200", "330203"}},
		{"city", &tr.cityA, nil, []string{"330100", "330102", "3301020001", "330103"}},
		{"leaf", &tr.countyB1, nil, []string{"330203"}},
		{"counties of the province", &tr.prov, []string{ziping.LevelCounty}, []string{"330102", "330103", "330203"}},
		{"cities and counties", &tr.prov, []string{ziping.LevelCity, ziping.LevelCounty},
			[]string{"330100", "330102", "330103", "330200", "330203"}},
		{"schools of a city", &tr.cityA, []string{ziping.LevelSchool}, []string{"3301020001"}},
		{"root filtered out", &tr.cityB, []string{ziping.LevelSchool}, nil},
		{"whole tree, counties", nil, []string{ziping.LevelCounty}, []string{"330102", "330103", "330203"}},
	}
	for _, c := range cases {
		got, err := st.Subtree(ctx, c.root, c.levels...)
		must(t, err, "Subtree "+c.name)
		if !slices.IsSortedFunc(got, func(a, b ziping.OrgUnit) int { return strings.Compare(a.Path, b.Path) }) {
			t.Errorf("Subtree %s: not ordered by path: %v", c.name, got)
		}
		// The expected order is by path: with ids given in creation order, that is
		// the order above.
		diff(t, "Subtree "+c.name+" codes", codes(got), c.want)
	}
	got, err := st.Subtree(ctx, &tr.countyA1)
	must(t, err, "Subtree county")
	diff(t, "Subtree county, full units", got, []ziping.OrgUnit{tr.countyA1, tr.school})
}

// testSubtreeSiblingPrefixes: with ids 2 and 20 under one parent, the subtree of 2
// must not take in 20 (a prefix match without the closing slash would).
func testSubtreeSiblingPrefixes(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	root := ziping.OrgUnit{Code: "110000", Name: "北京市", Level: ziping.LevelProvince}
	must(t, st.CreateUnit(ctx, &root), "CreateUnit root")
	var cities []ziping.OrgUnit
	for i := range 24 {
		c := ziping.OrgUnit{Code: label("1101%02d", i), Name: label("区%d", i), Level: ziping.LevelCounty, ParentID: root.ID}
		must(t, st.CreateUnit(ctx, &c), "CreateUnit "+c.Code)
		cities = append(cities, c)
	}
	for _, c := range cities {
		got, err := st.Subtree(ctx, &c)
		must(t, err, "Subtree "+c.Code)
		diff(t, "Subtree of "+c.Path, codes(got), []string{c.Code})
	}
	got, err := st.Subtree(ctx, &root, ziping.LevelCounty)
	must(t, err, "Subtree root")
	if len(got) != len(cities) {
		t.Errorf("Subtree of the root: %d counties, want %d", len(got), len(cities))
	}
}

// testUnitsByCode: the units of the codes that exist, in code order, whatever the
// order and repetition of the codes asked for.
func testUnitsByCode(t *testing.T, st ziping.Store) {
	tr := newTree(t, st)
	got, err := st.UnitsByCode(t.Context(), []string{"3301020001", "999999", "330103", "330102", "330103", "%", ""})
	must(t, err, "UnitsByCode")
	diff(t, "UnitsByCode", got, []ziping.OrgUnit{tr.countyA1, tr.school, tr.countyA2}) // "3301020001" < "330103"
	for _, none := range [][]string{nil, {}, {"999999"}} {
		got, err := st.UnitsByCode(t.Context(), none)
		must(t, err, "UnitsByCode of none")
		if len(got) != 0 {
			t.Errorf("UnitsByCode(%q) = %v, want none", none, codes(got))
		}
	}
}
