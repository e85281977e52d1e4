package engine_test

import (
	"math"
	"strings"
	"testing"

	"ziping/engine"
)

// kg is a hand-written kindergarten row.
func kg(code string, public bool, inclusive float64, vals map[string]float64) school {
	v := map[string]float64{"inclusive": inclusive}
	for k, x := range vals {
		v[k] = x
	}
	return school{unit: county, code: code, name: code + "幼儿园", stage: engine.StageKindergarten, typ: engine.TypeKindergarten, public: public, vals: v}
}

// threeKindergartens: a public one (120 children), an inclusive private one (90) and
// a private one (60), with a primary school beside them that no rate may count.
func threeKindergartens() []school {
	return []school{
		kg("K1", true, 1, map[string]float64{"students": 120, "classes": 5, "kg_oversize_classes": 1, "teachers": 10, "certified_teachers": 10,
			"heads": 1, "certified_heads": 1, "outdoor_area": 600, "activity_area": 1080, "building_area": 1320}),
		kg("K2", false, 1, map[string]float64{"students": 90, "classes": 4, "kg_oversize_classes": 0, "teachers": 6, "certified_teachers": 6,
			"heads": 1, "certified_heads": 1, "outdoor_area": 360, "activity_area": 720, "building_area": 900}),
		kg("K3", false, 0, map[string]float64{"students": 60, "classes": 3, "kg_oversize_classes": 2, "teachers": 5, "certified_teachers": 4,
			"heads": 1, "certified_heads": 0, "outdoor_area": 180, "activity_area": 420, "building_area": 600}),
		pschool(county, "S1", 600, [7]float64{5, 1, 1, 5, 8, 2500, 3}),
	}
}

// TestKindergartenMetrics works every rate of xqpjph-2020 by hand on three
// kindergartens.
func TestKindergartenMetrics(t *testing.T) {
	p := builtin(t, "xqpjph-2020")
	ds := build(t, 2024, oneCounty, threeKindergartens(), facts(map[string]float64{"kg_age_population": 300,
		"kg_staff_salary": 80000, "kg_nonstaff_salary": 56000, "kg_community_total": 4, "kg_community_inclusive": 4}))
	// B5 has a checklist beside its pay rule: ticked, so that the point is scored.
	in := &engine.Inputs{Points: map[string]engine.PointInput{"B5": {Checked: []string{"staffing"}}}}
	res, err := p.Evaluate(ds, engine.Options{Inputs: map[string]*engine.Inputs{county: in}})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	for _, tc := range []struct {
		id   string
		want float64
	}{
		// 在园幼儿 120 + 90 + 60 = 270 (the school's 600 pupils are not children).
		{"kg.children", 270},
		// 毛入园率 = 270 ÷ 300 × 100 = 90%.
		{"kg.gross_rate", 90},
		// 普惠覆盖率 = (120 public + 90 inclusive private) ÷ 270 = 210/270 = 77.78%.
		{"kg.inclusive_rate", 210.0 / 270 * 100},
		// 公办园占比 = 120 ÷ 270 = 44.44%.
		{"kg.public_rate", 120.0 / 270 * 100},
		// 班额达标率 = (12 classes − 3 above the standard) ÷ 12 = 75%.
		{"kg.class_ok_rate", 75},
		// 270 children ÷ (10 + 6 + 5 = 21 teachers) = 12.857 children a teacher.
		{"kg.children_per_teacher", 270.0 / 21},
		// 持证率: teachers 20 of 21 = 95.24%; heads 2 of 3 = 66.67%.
		{"kg.teacher_cert_rate", 20.0 / 21 * 100},
		{"kg.head_cert_rate", 200.0 / 3},
		// 生均面积: outdoor (600 + 360 + 180) ÷ 270 = 4.222 ㎡; activity
		// (1080 + 720 + 420) ÷ 270 = 8.222 ㎡; building (1320 + 900 + 600) ÷ 270 = 10.444 ㎡.
		{"kg.outdoor_per_child", 1140.0 / 270},
		{"kg.activity_per_child", 2220.0 / 270},
		{"kg.building_per_child", 2820.0 / 270},
		// 56000 ÷ 80000 = 70%: below the 75% the 办法 asks.
		{"kg.nonstaff_pay_ratio", 70},
		{"kg.community_rate", 100},
	} {
		if m := metricOf(t, r, tc.id); !m.OK || !near(m.Value, tc.want) {
			t.Errorf("%s = %v (%s), want %v", tc.id, m.Value, m.Why, tc.want)
		}
	}
	// 77.8% < 80, 44.4% < 50, 75% < 85, 95.2% and 66.7% < 100, 70% < 75 fail; 90%,
	// 12.9 ≤ 15 and the areas pass.
	want := []string{
		"普惠性幼儿园覆盖率为77.8%，低于标准值80.0%",
		"公办园在园幼儿占比为44.4%，低于标准值50.0%",
		"公办园非在编教师平均工资为在编教师的70.0%，低于75%",
		"班额达标率为75.0%，低于标准值85.0%",
		"专任教师持证率为95.2%，低于标准值100.0%",
		"园长持证率为66.7%，低于标准值100.0%",
	}
	if r.Verdict != "未达标" || strings.Join(r.Failing, "\n") != strings.Join(want, "\n") {
		t.Errorf("verdict %s, failing:\n%s", r.Verdict, strings.Join(r.Failing, "\n"))
	}
}

// TestCompositeCV works the 综合差异系数 of three schools by hand: P = 100, 200, 300
// students (weights 1/6, 2/6, 3/6) and three per-student values.
func TestCompositeCV(t *testing.T) {
	src := `
id: c
name: 综合差异系数
version: "1"
level: county
grading: {kind: verdict}
filters: [{id: all, expr: 'stage == "小学"'}]
school_metrics:
  - {id: a, name: 甲, expr: books / students}
  - {id: b, name: 乙, expr: computers / students}
  - {id: c, name: 丙, expr: senior_title_teachers / students}
metrics:
  - {id: cv.a, name: 甲差异系数, expr: 'cv("a", "all")'}
  - {id: cv.c, name: 丙差异系数, expr: 'cv("c", "all")'}
  - {id: composite, name: 综合差异系数, expr: 'composite_cv(["a", "b", "c"], "all")'}
areas:
  - {code: A, name: 甲, points: [{code: "1", title: 综合, rules: [{kind: threshold, metric: composite, op: "<=", value: 0.65}]}]}
`
	row := func(code string, p, a, b, c float64) school {
		return school{unit: county, code: code, name: code, stage: engine.StagePrimary, typ: engine.TypePrimary, public: true,
			vals: map[string]float64{"students": p, "books": a * p, "computers": b * p, "senior_title_teachers": c * p}}
	}
	rows := []school{row("S1", 100, 2, 5, 10), row("S2", 200, 3, 5, 20), row("S3", 300, 4, 5, 10)}
	r := evalOne(t, compile(t, src), build(t, 2024, oneCounty, rows, nil))
	// a: X̄ = (2·1 + 3·2 + 4·3)/6 = 20/6 = 10/3; S² = (1/6)(4/3)² + (2/6)(1/3)² +
	//    (3/6)(2/3)² = 16/54 + 2/54 + 12/54 = 5/9; CV = (√5/3)/(10/3) = √5/10 = 0.2236.
	// b: every school 5: CV = 0.
	// c: X̄ = (10·1 + 20·2 + 10·3)/6 = 40/3; S² = (1/6)(10/3)² + (2/6)(20/3)² +
	//    (3/6)(10/3)² = 100/54 + 800/54 + 300/54 = 200/9; CV = (10√2/3)/(40/3) = √2/4 = 0.3536.
	// 综合 = (0.2236 + 0 + 0.3536) / 3 = 0.1924.
	wantA, wantC := math.Sqrt(5)/10, math.Sqrt(2)/4
	for id, want := range map[string]float64{"cv.a": wantA, "cv.c": wantC, "composite": (wantA + wantC) / 3} {
		if m := metricOf(t, r, id); !m.OK || !near(m.Value, want) {
			t.Errorf("%s = %v (%s), want %v", id, m.Value, m.Why, want)
		}
	}
	// A zero mean makes one single CV, and so the composite, uncomputable; the reason
	// names the indicator.
	rows = []school{row("S1", 100, 2, 0, 10), row("S2", 200, 3, 0, 20)}
	r = evalOne(t, compile(t, src), build(t, 2024, oneCounty, rows, nil))
	if m := metricOf(t, r, "composite"); m.OK || m.Why != "「乙」的差异系数无法计算：平均值为0，差异系数无意义" {
		t.Errorf("composite of a zero mean: %+v", m)
	}
}

// TestJbjhCompositeIsTheMeanOfItsSingleCVs: jbjh-2012's 综合差异系数 equals the mean
// of its 8 single CV metrics, on the fixed synthetic province.
func TestJbjhCompositeIsTheMeanOfItsSingleCVs(t *testing.T) {
	p := builtin(t, "jbjh-2012")
	rows := []school{
		jbjhSchool("P1", 300, 1), jbjhSchool("P2", 500, 1.3), jbjhSchool("P3", 800, 0.8),
	}
	r := evalOne(t, p, build(t, 2024, oneCounty, rows, nil))
	sum := 0.0
	for _, m := range r.Metrics {
		if strings.HasPrefix(m.ID, "primary.cv.") {
			sum += m.Value
		}
	}
	if m := metricOf(t, r, "primary.composite_cv"); !m.OK || !near(m.Value, sum/8) || m.Value == 0 {
		t.Errorf("composite %v (%s), mean of the singles %v", m.Value, m.Why, sum/8)
	}
}

// jbjhSchool is a public primary school with the 8 基本均衡 inputs at f times a base.
func jbjhSchool(code string, p, f float64) school {
	return school{unit: county, code: code, name: code, stage: engine.StagePrimary, typ: engine.TypePrimary, public: true,
		vals: map[string]float64{"students": p, "teaching_area": 5 * p * f, "sports_area": 8 * p, "equipment_value": 2000 * p * f,
			"computers": 0.12 * p * f * f, "books": 25 * p / f, "teachers": p / 17, "teachers_above_required": 0.05 * p * f,
			"senior_title_teachers": 0.03 * p * (2 - f)}}
}
