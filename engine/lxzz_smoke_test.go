package engine_test

import (
	"fmt"
	"math"
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
		// Weights 1000/1000/1500 (P1, P2, E): the mean is E's value m, S² = (4/7)·d²
		// where d = |P1 − m|. Equipment value 4500/500/2500 → CV = √(4/7)·2000/2500 =
		// 0.6047 > 0.50; multimedia rooms 3/1/2 → CV = √(4/7)·1/2 = 0.3780.
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

func lxzzPtr(v float64) *float64 { return &v }

func lxzzChecked(ids ...string) engine.PointInput { return engine.PointInput{Checked: ids} }

func lxzzScored(v float64, why string) engine.PointInput {
	return engine.PointInput{Score: lxzzPtr(v), Justification: why}
}

// lxzzFull is a person's part with every checklist item met and every manual point
// at full marks; bonus J3 both items.
func lxzzFull() *engine.Inputs {
	return &engine.Inputs{Points: map[string]engine.PointInput{
		"1": lxzzChecked("committee", "study", "contact", "assess"), "2": lxzzChecked("system", "coverage", "review"),
		"4": lxzzChecked("merit", "linkage"), "5": lxzzChecked("plan", "fiscal", "perstudent", "resources"),
		"8": lxzzChecked("enrollment", "balance", "industry"), "9": lxzzChecked("moral", "health", "art", "labour", "mental"),
		"14": lxzzChecked("leftbehind", "aid"), "15": lxzzChecked("quota", "fill", "county"),
		"17": lxzzScored(4, "师德师风建设长效机制健全"), "18": lxzzChecked("duty", "guard", "surroundings", "drill"),
		"19": lxzzChecked("buildings", "bus", "food"), "20": lxzzScored(5, "意识形态工作责任制落实到位"),
		"21": lxzzChecked("homework", "afterschool", "tutoring", "appraisal"),
		"23": lxzzChecked("law", "inspect", "rectify"), "24": lxzzChecked("charter", "enrolment", "curriculum"),
		"J1": lxzzScored(3, "获国务院教育督导委员会通报表扬"), "J2": lxzzScored(2, "获省人民政府教育工作先进集体表彰"),
		"J3": lxzzChecked("promoted", "pilot"),
	}, Vetoes: map[string]engine.VetoInput{}}
}

// TestLxzzCounty evaluates lxzz-county on lxzzData; every expected number below is
// worked out by hand from the rows and facts.
func TestLxzzCounty(t *testing.T) {
	ds := lxzzData(t)
	p := builtin(t, "lxzz-county")

	qs := lxzzFull()
	qs.Points["2"] = lxzzChecked("system", "coverage")
	qs.Points["4"] = lxzzChecked("merit")
	qs.Points["17"] = lxzzScored(3.5, "个别学校师德失范行为查处不及时")
	qs.Points["19"] = lxzzChecked("buildings", "food")
	qs.Points["J1"] = lxzzScored(0, "无国家级表彰")
	qs.Points["J3"] = lxzzChecked("promoted")
	qs.Vetoes["V4"] = engine.VetoInput{Triggered: true, Justification: "2024年3月城关小学发生学生食物中毒事件"}
	gs := lxzzFull()
	gs.Vetoes["V1"] = engine.VetoInput{Triggered: true, Justification: "李村小学教师周转宿舍为D级危房"}

	res, err := p.Evaluate(ds, engine.Options{Inputs: map[string]*engine.Inputs{"990101": qs, "990102": gs}})
	if err != nil {
		t.Fatal(err)
	}
	q, g, b := res[0], res[1], res[2]

	// 青山县: metrics.
	for id, want := range map[string]string{
		"funding.edu_budget_growth":             "4.00%",   // 52000 / 50000 − 1
		"funding.edu_budget_per_student":        "12,093元", // 52000万元 / 43000
		"funding.edu_budget_per_student_prev":   "12,500元", // 50000万元 / 40000
		"funding.edu_budget_per_student_growth": "-3.26%",  // 12093.02 / 12500 − 1
		"teachers.salary_ratio":                 "98.0%",
		"kg.inclusive_rate":                     "75.0%", // (4600 + 2900) / 10000
		"kg.public_share":                       "46.0%",
		"junior.retention_rate":                 "93.9%", // 930 / (1000 + 20 − 30)
		"classes.large":                         "9个",    // 3 + 2 + 4; the senior school's 10 are not counted
		"classes.extra_large":                   "1个",
		"schools.oversize":                      "2所",    // 南山小学 2100 > 2000, 实验学校 1500 + 1200 > 2500
		"teachers.certified_rate":               "99.6%", // 557 / 559
		"teachers.exchange_rate":                "9.0%",
	} {
		if m, _ := q.Metric(id); m.Text() != want {
			t.Errorf("青山县 %s = %s, want %s", id, m.Text(), want)
		}
	}
	for id, want := range map[string]float64{
		"primary.cv.equipment_value_per_student": math.Sqrt(4.0/7) * 0.8,
		"primary.cv.multimedia_rooms_per100":     math.Sqrt(4.0/7) * 0.5,
		"primary.cv.teaching_area_per_student":   0,
		"junior.cv.sports_area_per_student":      math.Sqrt(18) / 9,
	} {
		if m, _ := q.Metric(id); !m.OK || math.Abs(m.Value-want) > 1e-9 {
			t.Errorf("青山县 %s = %v, want %v", id, m.Value, want)
		}
	}

	// 青山县: points and reasons.
	for code, want := range map[string]struct {
		score   float64
		reasons string
	}{
		"2":  {3.5, "第2测评点未落实学校党组织书记抓党建述职评议考核，扣1.5分"},
		"3":  {3, "第3测评点按在校学生人数平均的一般公共预算教育支出比上年下降3.26%，未做到逐年只增不减，扣3分"},
		"4":  {0.5, "第4测评点义务教育教师平均工资收入为当地公务员的98.0%，低于当地公务员平均工资收入水平，扣3分|第4测评点未落实教师工资与公务员工资收入联动增长机制，扣0.5分"},
		"6":  {4.2, "第6测评点普惠性幼儿园覆盖率为75.0%，未达到80%，按比例得2.2分，扣0.8分|第6测评点公办园在园幼儿占比为46.0%，低于标准值50.0%，扣1分"},
		"7":  {0, "第7测评点初中三年巩固率为93.9%，低于标准值95.0%，扣3分"},
		"10": {3, "第10测评点小学生均教学仪器设备值差异系数为0.605，高于标准值0.500，扣0.5分"},
		"11": {3, "第11测评点初中生均体育运动场馆面积差异系数为0.471，高于标准值0.450，扣0.5分"},
		"12": {2.6, "第12测评点义务教育学校有大班额（56—65人）9个，扣0.9分|第12测评点义务教育学校有超大班额（66人及以上）1个，扣0.5分"},
		"13": {2, "第13测评点因2所学校超规模办学（南山小学、实验学校），扣1分"},
		"14": {4, ""},
		"15": {3, "第15测评点义务教育专任教师持证上岗率为99.6%，未达到100%，扣1分"},
		"16": {1, "第16测评点教师5年360学时培训完成率为98.5%，未达到100%，扣1.5分|第16测评点交流轮岗教师占符合交流条件教师的9.0%，低于10%，扣1.5分"},
		"17": {3.5, "第17测评点个别学校师德失范行为查处不及时，扣0.5分"},
		"19": {3, "第19测评点未落实校车安全管理，扣1分"},
		"22": {4, "第22测评点社会认可度为82.5%，低于85%，扣2分"},
	} {
		pr := q.Point(code)
		if pr == nil {
			t.Fatalf("no point %s", code)
		}
		if pr.Score != want.score || pr.Status != engine.StatusScored || strings.Join(pr.Reasons, "|") != want.reasons {
			t.Errorf("青山县 point %s: %v %s %q, want %v %q", code, pr.Score, pr.Status, pr.Reasons, want.score, want.reasons)
		}
	}
	areas := func(r *engine.Result) string {
		var s []string
		for _, a := range r.Areas {
			s = append(s, fmt.Sprintf("%s%v/%v", a.Code, a.Score, a.Max))
		}
		return strings.Join(s, " ")
	}
	if got, want := areas(q), "A8.5/10 B8.5/15 C11.2/16 D14.6/18 E7.5/12 F7/8 G5/5 H8/10 I6/6"; got != want {
		t.Errorf("青山县 areas %s, want %s", got, want)
	}
	// 76.3 + 3 = 79.3 is 合格; 涉校事故 lowers it one grade.
	if q.Score != 76.3 || q.BonusTotal != 3 || q.Total != 79.3 || q.Grade != "不合格" || q.Pending != 0 || q.Uncomputable != 0 {
		t.Errorf("青山县 %v + %v = %v %s (pending %d, uncomputable %d), want 76.3 + 3 = 79.3 不合格", q.Score, q.BonusTotal, q.Total, q.Grade, q.Pending, q.Uncomputable)
	}
	if v := q.Vetoes[3]; !v.Triggered || v.Reason != "发生涉校事故灾难、社会安全或公共卫生事件（2024年3月城关小学发生学生食物中毒事件），评价等次降一等" {
		t.Errorf("青山县 V4 = %+v", v)
	}
	if got := q.Point("J2").Reasons; len(got) != 1 || got[0] != "加分项2「教育工作获省级表彰」，加2分" {
		t.Errorf("青山县 J2 reasons %q", got)
	}

	// 绿水县: full marks, bonus 3 + 2 + 2 capped at 5, 优秀 capped at 良好 by V1.
	if g.Score != 100 || g.BonusTotal != 5 || g.Total != 105 || g.Grade != "良好" {
		t.Errorf("绿水县 %v + %v = %v %s, want 100 + 5 = 105 良好\n%s", g.Score, g.BonusTotal, g.Total, g.Grade, areas(g))
	}
	if v := g.Vetoes[0]; !v.Triggered || v.Reason != "存在师生在D级危房内学习、工作或生活的情况（李村小学教师周转宿舍为D级危房），不得评为优秀" {
		t.Errorf("绿水县 V1 = %+v", v)
	}

	// 白云县 has no 2023 data: the year-over-year point cannot be computed.
	pr := b.Point("3")
	want := "第3测评点一般公共预算教育支出增长率无法计算：缺少2023年度的「一般公共预算教育支出」"
	if pr.Status != engine.StatusUncomputable || pr.Score != 0 || len(pr.Reasons) != 2 || pr.Reasons[0] != want {
		t.Errorf("白云县 point 3: %s %v %q", pr.Status, pr.Score, pr.Reasons)
	}

	// Both a cap and a lowering: 绿水县 is capped at 良好, then lowered to 合格.
	gs.Vetoes["V4"] = engine.VetoInput{Triggered: true, Justification: "绿水中学发生学生溺水事故"}
	res, err = p.Evaluate(ds, engine.Options{Units: []int{1}, Inputs: map[string]*engine.Inputs{"990102": gs}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Grade != "合格" {
		t.Errorf("绿水县 with V1 and V4: %s, want 合格", res[0].Grade)
	}

	// Without the accident 青山县 stays 合格.
	qs.Vetoes["V4"] = engine.VetoInput{}
	res, err = p.Evaluate(ds, engine.Options{Units: []int{0}, Inputs: map[string]*engine.Inputs{"990101": qs}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Grade != "合格" {
		t.Errorf("青山县 without V4: %s, want 合格", res[0].Grade)
	}
}
