package engine_test

import (
	"math"
	"strings"
	"testing"

	"ziping/engine"
)

// levelData: two counties of one city; county 1 has a nine-year school split into two
// stage rows, a senior high school and a kindergarten; county 2 a primary school.
func levelData(t *testing.T) *engine.Dataset {
	units := []engine.Unit{{Code: "990101", Name: "甲县", ParentCode: "990100", ParentName: "示范市"},
		{Code: "990102", Name: "乙区", ParentCode: "990100", ParentName: "示范市"}}
	nine := func(st engine.Stage, students float64) school {
		return school{unit: "990101", code: "N1", name: "一贯制学校", stage: st, typ: engine.TypeNineYear, public: true,
			vals: map[string]float64{"students": students, "classes": students / 40}}
	}
	rows := []school{
		nine(engine.StagePrimary, 800), nine(engine.StageJunior, 400),
		{unit: "990101", code: "H1", name: "高级中学", stage: engine.StageSenior, typ: engine.TypeSenior, public: true,
			vals: map[string]float64{"students": 1500, "classes": 30}},
		kg("K1", true, 1, map[string]float64{"students": 120, "classes": 4}),
		{unit: "990102", code: "P1", name: "小学", stage: engine.StagePrimary, typ: engine.TypePrimary, public: true,
			vals: map[string]float64{"students": 600, "classes": 14}},
	}
	return build(t, 2024, units, rows, map[string]map[string]float64{"990101": {"satisfaction": 90}})
}

func unitCodes(ds *engine.Dataset) string {
	var out []string
	for _, u := range ds.Units {
		out = append(out, u.Code+"<"+u.ParentCode)
	}
	return strings.Join(out, " ")
}

// TestForLevel: a dataset of counties seen as schools, kindergartens and cities.
func TestForLevel(t *testing.T) {
	ds := levelData(t)
	if ds.ForLevel(engine.LevelCounty) != ds {
		t.Error("counties are the dataset itself")
	}
	schools := ds.ForLevel(engine.LevelSchool)
	if got := unitCodes(schools); got != "N1<990101 H1<990101 P1<990102" {
		t.Errorf("school units %s", got)
	}
	snap := schools.Periods[2024]
	// The nine-year school keeps both stage rows; 800 + 400 compulsory students.
	n1 := snap.Schools.Ranges[0]
	if n1.Hi-n1.Lo != 2 || snap.Schools.Num[engine.SESchoolStudents][n1.Lo] != 1200 {
		t.Errorf("N1 rows %v, school students %v", n1, snap.Schools.Num[engine.SESchoolStudents][n1.Lo])
	}
	// A school has no county facts.
	if v := snap.Facts.Value(engine.UnitElementIndex("satisfaction"), 0); !math.IsNaN(v) {
		t.Errorf("a school's satisfaction %v, want missing", v)
	}
	if got := unitCodes(ds.ForLevel(engine.LevelKindergarten)); got != "K1<990101" {
		t.Errorf("kindergarten units %s", got)
	}
	cities := ds.ForLevel(engine.LevelCity)
	if got := unitCodes(cities); got != "990100<" || cities.Periods[2024].Schools.Len() != 5 {
		t.Errorf("city units %s, rows %d", got, cities.Periods[2024].Schools.Len())
	}
}

// TestSchoolFrameworkScope: xxbxzl-2021 assesses schools with compulsory rows only.
func TestSchoolFrameworkScope(t *testing.T) {
	p := builtin(t, "xxbxzl-2021")
	schools := levelData(t).ForLevel(p.FW.Level)
	var got []string
	for _, u := range p.InScope(schools, 0) {
		got = append(got, schools.Units[u].Code)
	}
	if strings.Join(got, " ") != "N1 P1" {
		t.Errorf("in scope %v, want N1 P1 (not the senior high school)", got)
	}
	res, err := p.Evaluate(schools, engine.Options{Units: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	// N1: 1200 compulsory students over 2 stage rows.
	if m := metricOf(t, res[0], "students"); m.Value != 1200 {
		t.Errorf("N1 students %v", m.Value)
	}
}
