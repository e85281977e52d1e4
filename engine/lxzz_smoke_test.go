package engine_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"ziping/engine"
)

// lxzzRow is a school row of the lxzz-county smoke test: the seven resource
// indicators v as per-student or per-100 values at the given size, no large classes
// and every teacher certified unless extra says otherwise.
func lxzzRow(unit, code, name string, st engine.Stage, ty engine.SchoolType, public bool, students float64, v [7]float64, extra map[string]float64) school {
	m := map[string]float64{
		"students":                students,
		"teachers_above_required": v[0] * students / 100,
		"backbone_teachers":       v[1] * students / 100,
		"pe_art_teachers":         v[2] * students / 100,
		"teaching_area":           v[3] * students,
		"sports_area":             v[4] * students,
		"equipment_value":         v[5] * students,
		"multimedia_rooms":        v[6] * students / 100,
		"classes_56_65":           0,
		"classes_66_plus":         0,
		"teachers":                math.Round(students / 17),
		"certified_teachers":      math.Round(students / 17),
	}
	for k, x := range extra {
		m[k] = x
	}
	return school{unit: unit, code: code, name: name, stage: st, typ: ty, public: public, vals: m}
}

// lxzzData is a hand-made province of three counties over 2023 and 2024:
//   - 青山县 misses many standards (values worked out by hand in TestLxzzCounty);
//   - 绿水县 meets every data-driven standard;
//   - 白云县 has 2024 data only, so its year-over-year point cannot be computed.
func lxzzData(t *testing.T) *engine.Dataset {
	units := []engine.Unit{{Code: "990101", Name: "青山县"}, {Code: "990102", Name: "绿水县"}, {Code: "990103", Name: "白云县"}}
	P, J, S := engine.StagePrimary, engine.StageJunior, engine.StageSenior
	base := [7]float64{5, 1.2, 1, 5, 8, 2500, 3}
	with := func(i int, x float64) [7]float64 { v := base; v[i] = x; return v }
	qs := []school{
		// Primary equipment value 4500/500/2500 → CV = √(4/7)·0.8 = 0.6047 > 0.50;
		// multimedia rooms 3/1/2 → CV = √(2/7)/2 = 0.2673.
		lxzzRow("990101", "P1", "城关小学", P, engine.TypePrimary, true, 1000, with(5, 4500), nil),
		lxzzRow("990101", "P2", "河西小学", P, engine.TypePrimary, true, 1000, [7]float64{5, 1.2, 1, 5, 8, 500, 1}, nil),
		// A private primary school of 2100: oversize, outside the balance calculation.
		lxzzRow("990101", "P3", "南山小学", P, engine.TypePrimary, false, 2100, with(5, 100), map[string]float64{"classes_56_65": 3}),
		// A teaching point under 50 students: outside the balance calculation.
		lxzzRow("990101", "P4", "李村教学点", P, engine.TypePoint, true, 30, with(5, 50000), nil),
		// A nine-year school of 1500 + 1200 = 2700 students: oversize (cap 2500).
		lxzzRow("990101", "E", "实验学校", P, engine.TypeNineYear, true, 1500, with(6, 2), nil),
		lxzzRow("990101", "E", "实验学校", J, engine.TypeNineYear, true, 1200, with(4, 3), map[string]float64{"classes_56_65": 2}),
		// Junior sports area 12/12/3 (weights 1800/600/1200) → mean 9, S² = 18, CV = 0.4714 > 0.45.
		lxzzRow("990101", "J1", "第一中学", J, engine.TypeJunior, true, 1800, with(4, 12), map[string]float64{"classes_56_65": 4, "classes_66_plus": 1}),
		lxzzRow("990101", "J2", "第二中学", J, engine.TypeJunior, true, 600, with(4, 12), map[string]float64{"teachers": 50, "certified_teachers": 48}),
		// A senior high school's large classes are not counted.
		lxzzRow("990101", "H1", "县第一高级中学", S, engine.TypeSenior, true, 3000, base, map[string]float64{"classes_56_65": 10, "classes_66_plus": 5}),
		lxzzRow("990102", "LP", "绿水小学", P, engine.TypePrimary, true, 900, base, nil),
		lxzzRow("990102", "LJ", "绿水中学", J, engine.TypeJunior, true, 800, base, nil),
		lxzzRow("990103", "BP", "白云小学", P, engine.TypePrimary, true, 500, base, nil),
	}
	good := map[string]float64{
		"teacher_salary": 101000, "civil_servant_salary": 100000,
		"kg_children": 5000, "kg_public_children": 2600, "kg_inclusive_private_children": 1500,
		"junior_graduates": 790, "junior_intake_3y": 800, "junior_transfer_in": 10, "junior_transfer_out": 20,
		"migrant_public_rate": 90, "disabled_enrollment_rate": 97, "training_completion_rate": 100,
		"exchange_eligible_teachers": 200, "exchanged_teachers": 25, "exchanged_backbone_teachers": 6,
		"satisfaction": 92,
	}
	green := func(budget, students float64) map[string]float64 {
		m := map[string]float64{"edu_budget": budget, "all_students": students}
		for k, v := range good {
			m[k] = v
		}
		return m
	}
	ds := build(t, 2024, units, qs, map[string]map[string]float64{
		"990101": {
			"edu_budget": 52000, "all_students": 43000, // +4%; per student 12500 → 12093 元, −3.26%
			"teacher_salary": 98000, "civil_servant_salary": 100000, // 98.0%
			"kg_children": 10000, "kg_public_children": 4600, "kg_inclusive_private_children": 2900, // 75.0%, 46.0%
			"junior_graduates": 930, "junior_intake_3y": 1000, "junior_transfer_in": 20, "junior_transfer_out": 30, // 93.9%
			"migrant_public_rate": 88, "disabled_enrollment_rate": 96,
			"training_completion_rate":   98.5,
			"exchange_eligible_teachers": 500, "exchanged_teachers": 45, "exchanged_backbone_teachers": 12, // 9.0%, 26.7%
			"satisfaction": 82.5,
		},
		"990102": green(30000, 20000),
		"990103": {"edu_budget": 10000, "all_students": 8000},
	})
	addPeriod(t, ds, 2023, qs[:len(qs)-1], map[string]map[string]float64{
		"990101": {"edu_budget": 50000, "all_students": 40000},
		"990102": green(29000, 20000),
	})
	return ds
}

func TestLxzzDump(t *testing.T) {
	ds := lxzzData(t)
	p := builtin(t, "lxzz-county")
	res, err := p.Evaluate(ds, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		t.Logf("== %s total %v bonus %v grade %s", r.Unit.Name, r.Score, r.BonusTotal, r.Grade)
		for _, m := range r.Metrics {
			t.Logf("   %s = %s", m.ID, m.Text)
		}
		for _, a := range r.Areas {
			t.Logf(" %s %s %v/%v", a.Code, a.Name, a.Score, a.Max)
			for _, pt := range a.Points {
				t.Logf("   %s %s %v/%v %s %s", pt.Code, pt.Title, pt.Score, pt.Max, pt.Status, strings.Join(pt.Reasons, " | "))
			}
		}
	}
	_ = slices.Contains[[]string]
}
