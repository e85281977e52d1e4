package engine_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"ziping/engine"
)

func decide(v bool) *bool { return &v }

// areaScores lists a result's area scores as "A10 B15 …".
func areaScores(r *engine.Result) string {
	var s []string
	for _, a := range r.Areas {
		s = append(s, fmt.Sprintf("%s%v", a.Code, a.Score))
	}
	return strings.Join(s, " ")
}

// TestAdjustLxzz adjusts 绿水县 of lxzzData with every checklist and manual point at
// full marks: 100 points, bonus 3 + 2 + 2 = 7 capped at 5, total 105, 优秀.
func TestAdjustLxzz(t *testing.T) {
	t.Parallel()
	p := builtin(t, "lxzz-county")
	ds := lxzzData(t)
	eval := func(in *engine.Inputs) *engine.Result {
		res, err := p.Evaluate(ds, engine.Options{Units: []int{1}, Inputs: map[string]*engine.Inputs{"990102": in}})
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}
	full := eval(lxzzFull())
	const fullAreas = "A10 B15 C16 D18 E12 F8 G5 H10 I6"
	if got := areaScores(full); got != fullAreas || full.Total != 105 || full.Grade != "优秀" {
		t.Fatalf("绿水县 before review: %s = %v %s", got, full.Total, full.Grade)
	}
	noV17 := lxzzFull()
	delete(noV17.Points, "17")
	pending := eval(noV17) // point 17 (4) waits for a person: E 8, 96 + 5 = 101

	for _, tc := range []struct {
		name        string
		r           *engine.Result
		adj         map[string]engine.Adjustment
		areas       string
		score       float64
		bonus       float64
		total       float64
		grade       string
		pending     int
		code        string   // a point or veto to check
		wantReasons []string // its reasons (a veto: its one reason)
	}{{
		// Point 10 (3.5, data-driven) down by 2: D 18 − 2 = 16, 98 + 5 = 103, still 优秀.
		name: "data point down by 2", r: full,
		adj:   map[string]engine.Adjustment{"10": {Score: score(1.5), Reason: "核查发现2所学校仪器设备台账不实"}},
		areas: "A10 B15 C16 D16 E12 F8 G5 H10 I6", score: 98, bonus: 5, total: 103, grade: "优秀",
		code: "10", wantReasons: []string{"第10测评点复核调整：核查发现2所学校仪器设备台账不实，扣2分"},
	}, {
		// 3 → 0 (−6), 6 → 0 (−6), 22 → 2 (−4): B 9, C 10, H 6; 84 + 5 = 89 < 90, 良好.
		name: "several points below 优秀", r: full,
		adj: map[string]engine.Adjustment{
			"3":  {Score: score(0), Reason: "教育经费统计口径有误"},
			"6":  {Score: score(0), Reason: "普惠性幼儿园认定不实"},
			"22": {Score: score(2), Reason: "满意度调查样本不足"},
		},
		areas: "A10 B9 C10 D18 E12 F8 G5 H6 I6", score: 84, bonus: 5, total: 89, grade: "良好",
		code: "22", wantReasons: []string{"第22测评点复核调整：满意度调查样本不足，扣4分"},
	}, {
		// A lowering veto: 105 stays, 优秀 drops one grade.
		name: "lower veto", r: full,
		adj:   map[string]engine.Adjustment{"V4": {Triggered: decide(true), Reason: "绿水中学发生学生溺水事故"}},
		areas: fullAreas, score: 100, bonus: 5, total: 105, grade: "良好",
		code: "V4", wantReasons: []string{"发生涉校事故灾难、社会安全或公共卫生事件（复核认定：绿水中学发生学生溺水事故），评价等次降一等"},
	}, {
		// Cap at 良好, then lower one: 合格.
		name: "cap and lower vetoes", r: full,
		adj: map[string]engine.Adjustment{
			"V1": {Triggered: decide(true), Reason: "李村小学教师周转宿舍为D级危房"},
			"V4": {Triggered: decide(true), Reason: "绿水中学发生学生溺水事故"},
		},
		areas: fullAreas, score: 100, bonus: 5, total: 105, grade: "合格",
		code: "V1", wantReasons: []string{"存在师生在D级危房内学习、工作或生活的情况（复核认定：李村小学教师周转宿舍为D级危房），不得评为优秀"},
	}, {
		// J1 3 → 0: 2 + 2 = 4 under the cap of 5; 104.
		name: "bonus below the cap", r: full,
		adj:   map[string]engine.Adjustment{"J1": {Score: score(0), Reason: "表彰文件不在评价年度内"}},
		areas: fullAreas, score: 100, bonus: 4, total: 104, grade: "优秀",
		code: "J1", wantReasons: nil,
	}, {
		// J1 3 → 1.5: 1.5 + 2 + 2 = 5.5, capped at 5.
		name: "bonus still capped", r: full,
		adj:   map[string]engine.Adjustment{"J1": {Score: score(1.5), Reason: "表彰为通报表扬而非表彰"}},
		areas: fullAreas, score: 100, bonus: 5, total: 105, grade: "优秀",
		code: "J1", wantReasons: []string{"加分项1「教育工作获国家级表彰」，复核调整：表彰为通报表扬而非表彰，加1.5分"},
	}, {
		// The reviewer confirms point 22's score: no reason needed, nothing changes.
		name: "confirmed score", r: full,
		adj:   map[string]engine.Adjustment{"22": {Score: score(6)}},
		areas: fullAreas, score: 100, bonus: 5, total: 105, grade: "优秀",
		code: "22", wantReasons: nil,
	}, {
		name: "pending point before review", r: pending,
		areas: "A10 B15 C16 D18 E8 F8 G5 H10 I6", score: 96, bonus: 5, total: 101, grade: "优秀", pending: 1,
		code: "17", wantReasons: []string{"第17测评点待人工评分"},
	}, {
		// The reviewer scores the pending point 17 at 3.5: E 11.5, 99.5 + 5 = 104.5.
		name: "pending point scored", r: pending,
		adj:   map[string]engine.Adjustment{"17": {Score: score(3.5), Reason: "师德考核结果未及时公示"}},
		areas: "A10 B15 C16 D18 E11.5 F8 G5 H10 I6", score: 99.5, bonus: 5, total: 104.5, grade: "优秀",
		code: "17", wantReasons: []string{"第17测评点复核调整：师德考核结果未及时公示，扣0.5分"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := snapshot(t, tc.r)
			r, err := engine.Adjust(p.FW, tc.r, tc.adj)
			if err != nil {
				t.Fatal(err)
			}
			if after := snapshot(t, tc.r); after != before {
				t.Error("Adjust changed the original result")
			}
			if got := areaScores(r); got != tc.areas {
				t.Errorf("areas %s, want %s", got, tc.areas)
			}
			if r.Score != tc.score || r.BonusTotal != tc.bonus || r.Total != tc.total || r.Grade != tc.grade || r.Pending != tc.pending {
				t.Errorf("%v + %v = %v %s (pending %d), want %v + %v = %v %s (pending %d)",
					r.Score, r.BonusTotal, r.Total, r.Grade, r.Pending, tc.score, tc.bonus, tc.total, tc.grade, tc.pending)
			}
			if r.Passed != (tc.grade != "不合格") {
				t.Errorf("passed = %v for %s", r.Passed, tc.grade)
			}
			checkReasons(t, r, tc.code, tc.wantReasons)
		})
	}
}

// checkReasons compares the reasons of point code, or the reason of veto code.
func checkReasons(t *testing.T, r *engine.Result, code string, want []string) {
	t.Helper()
	var got []string
	if pr := r.Point(code); pr != nil {
		got = pr.Reasons
		if adjusted := len(want) > 0 && strings.Contains(want[0], "复核"); adjusted && pr.Status != engine.StatusScored {
			t.Errorf("%s status %s", code, pr.Status)
		}
		if pr.Lost != math.Round((pr.Max-pr.Score)*100)/100 || pr.Passed != (pr.Lost == 0 && pr.Status == engine.StatusScored) {
			t.Errorf("%s: max %v score %v lost %v passed %v", code, pr.Max, pr.Score, pr.Lost, pr.Passed)
		}
	} else {
		for _, v := range r.Vetoes {
			if v.Code == code {
				got = []string{v.Reason}
				if !v.Triggered || v.Pending {
					t.Errorf("%s triggered %v pending %v", code, v.Triggered, v.Pending)
				}
			}
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s reasons %q, want %q", code, got, want)
	}
}

func snapshot(t *testing.T, r *engine.Result) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAdjustVerdict reviews a yzjh-2017 county with two primary schools at the
// standards and no unit facts: the data-driven points it cannot compute and the
// points waiting for people leave the verdict 待定 with nothing failing.
func TestAdjustVerdict(t *testing.T) {
	t.Parallel()
	p := builtin(t, "yzjh-2017")
	rows := []school{pschool(county, "A", 600, primaryStd), pschool(county, "B", 600, primaryStd)}
	r := evalOne(t, p, build(t, 2024, oneCounty, rows, nil))
	if r.Verdict != "待定" || len(r.Failing) != 0 || r.Passed {
		t.Fatalf("before review: %s %q", r.Verdict, r.Failing)
	}
	// The reviewer passes every point that is not yet passed and clears every veto.
	all := map[string]engine.Adjustment{}
	for _, a := range r.Areas {
		for _, pr := range a.Points {
			if !pr.Passed {
				all[pr.Code] = engine.Adjustment{Score: score(pr.Max), Reason: "现场核查达标"}
			}
		}
	}
	for _, v := range r.Vetoes {
		all[v.Code] = engine.Adjustment{Triggered: decide(false), Reason: "经核查未发现"}
	}
	pass, err := engine.Adjust(p.FW, r, all)
	if err != nil {
		t.Fatal(err)
	}
	if pass.Verdict != "达标" || !pass.Passed || pass.Pending != 0 || pass.Uncomputable != 0 || len(pass.Failing) != 0 {
		t.Fatalf("all passed: %s passed=%v pending %d uncomputable %d %q", pass.Verdict, pass.Passed, pass.Pending, pass.Uncomputable, pass.Failing)
	}
	if r.Verdict != "待定" || r.Pending == 0 {
		t.Error("Adjust changed the original result")
	}

	for _, tc := range []struct {
		name    string
		adj     map[string]engine.Adjustment
		failing []string
	}{{
		name:    "one point fails",
		adj:     map[string]engine.Adjustment{"A3": {Score: score(0), Reason: "校际差异系数计算所用学生数有误"}},
		failing: []string{"第A3测评点复核调整：校际差异系数计算所用学生数有误"},
	}, {
		name:    "manual veto",
		adj:     map[string]engine.Adjustment{"V2": {Triggered: decide(true), Reason: "城关小学跨片区招收学生"}},
		failing: []string{"一票否决：违规择校（复核认定：城关小学跨片区招收学生）"},
	}, {
		name: "data veto and a point",
		adj: map[string]engine.Adjustment{
			"V4": {Triggered: decide(true), Reason: "满意度调查结果为80%"},
			"D1": {Score: score(0), Reason: "满意度调查结果为80%"},
		},
		failing: []string{"第D1测评点复核调整：满意度调查结果为80%", "一票否决：社会认可度达不到85%（复核认定：满意度调查结果为80%）"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := engine.Adjust(p.FW, pass, tc.adj)
			if err != nil {
				t.Fatal(err)
			}
			if got.Verdict != "未达标" || got.Passed {
				t.Errorf("verdict %s passed=%v", got.Verdict, got.Passed)
			}
			if strings.Join(got.Failing, "|") != strings.Join(tc.failing, "|") {
				t.Errorf("failing %q, want %q", got.Failing, tc.failing)
			}
			if pass.Verdict != "达标" {
				t.Error("Adjust changed the original result")
			}
		})
	}
}

func TestAdjustErrors(t *testing.T) {
	t.Parallel()
	p := builtin(t, "lxzz-county")
	res, err := p.Evaluate(lxzzData(t), engine.Options{Units: []int{1}, Inputs: map[string]*engine.Inputs{"990102": lxzzFull()}})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	before := snapshot(t, r)
	_, err = engine.Adjust(p.FW, r, map[string]engine.Adjustment{
		"10":  {Score: score(5), Reason: "x"},
		"11":  {Score: score(math.NaN()), Reason: "x"},
		"12":  {Score: score(1), Triggered: decide(true), Reason: "x"},
		"13":  {Reason: "x"},
		"14":  {Score: score(1)},
		"99":  {Score: score(1), Reason: "x"},
		"J1":  {Score: score(-1), Reason: "x"},
		"V1":  {Score: score(1), Triggered: decide(true), Reason: "x"},
		"V2":  {Reason: "x"},
		"V3":  {Triggered: decide(true)},
		"V4":  {Triggered: decide(false), Reason: "经核查未发生"}, // decides a pending veto: fine
		"22":  {Score: score(6)},                            // confirms: fine
		"V99": {Triggered: decide(true), Reason: "x"},
	})
	var ie *engine.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *InputError", err)
	}
	want := []string{
		"复核 测评点10: 复核得分 5 超出范围 [0, 3.5]",
		"复核 测评点11: 复核得分不是有效数字",
		"复核 测评点12: 测评点不能认定否决 triggered",
		"复核 测评点13: 缺少复核得分 score",
		"复核 测评点14: 复核调整得分须填写理由 reason",
		"复核 99: 评价体系中没有这个测评点或否决项",
		"复核 加分项1: 复核得分 -1 超出范围 [0, 3]",
		"复核 否决项1: 否决项不能给分 score",
		"复核 否决项2: 缺少复核认定 triggered",
		"复核 否决项3: 复核改变认定须填写理由 reason",
		"复核 V99: 评价体系中没有这个测评点或否决项",
	}
	if got := strings.Join(ie.Problems, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if snapshot(t, r) != before {
		t.Error("a failed Adjust changed the original result")
	}
	if _, err := engine.Adjust(builtin(t, "yzjh-2017").FW, r, nil); err == nil {
		t.Error("a result of another framework was adjusted")
	}
}
