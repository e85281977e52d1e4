package engine_test

import (
	"math"
	"strings"
	"testing"

	"ziping/engine"
)

// rulesFW has one point per rule kind, driven by unit facts so that each test sets
// the value it needs.
const rulesFW = `
id: r
name: 规则测试
version: "1"
level: county
grading:
  kind: grade
  bands: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 合格, min: 65}, {name: 不合格, min: 0}]
metrics:
  - {id: sat, name: 社会认可度, unit: "%", expr: satisfaction}
  - {id: cov, name: 普惠性幼儿园覆盖率, unit: "%", expr: '(kg_public_children + kg_inclusive_private_children) / kg_children * 100'}
  - {id: cases, name: 超大班额班级, unit: 个, expr: exchanged_teachers}
  - {id: flag, name: 条件, expr: 'exchanged_backbone_teachers > 0'}
areas:
  - code: A
    name: 甲
    points:
      - code: "1"
        title: 社会认可度
        max: 4
        rules:
          - {kind: threshold, metric: sat, op: ">=", value: 85, partial: [{value: 80, score: 2}]}
      - code: "2"
        title: 普惠覆盖
        max: 5
        rules:
          - {kind: linear, metric: cov, zero: 70, full: 90, round: 0.5}
      - code: "3"
        title: 大班额
        max: 1
        rules:
          - {kind: deduct, metric: cases, per: 0.5, label: 超大班额班级, reason: '第{{.Code}}测评点因{{.Count}}个{{.Label}}，扣{{.Lost}}分'}
  - code: B
    name: 乙
    points:
      - code: "4"
        title: 制度
        max: 2
        rules:
          - kind: checklist
            items:
              - {id: a, text: 制定规划, weight: 1}
              - {id: b, text: 建立台账, weight: 1}
      - code: "5"
        title: 党建
        max: 3
        rules: [{kind: manual}]
      - code: "6"
        title: 混合
        max: 85
        rules:
          - {kind: threshold, metric: sat, op: ">=", value: 0, points: 84}
          - {kind: manual, points: 1}
bonus:
  cap: 5
  items:
    - {code: J1, title: 国家表彰, max: 3, rules: [{kind: threshold, metric: sat, op: ">=", value: 0}]}
    - {code: J2, title: 省级表彰, max: 3, rules: [{kind: threshold, metric: sat, op: ">=", value: 0}]}
vetoes:
  - {code: V1, title: 重大安全事故, effect: lower, manual: true}
  - {code: V2, title: 师生在D级危房内学习, effect: cap, grade: 良好, when: flag, reason: '{{.Title}}'}
`

func facts(kv map[string]float64) map[string]map[string]float64 {
	return map[string]map[string]float64{county: kv}
}

func score(v float64) *float64 { return &v }

func evalRules(t *testing.T, kv map[string]float64, in *engine.Inputs) *engine.Result {
	t.Helper()
	p := compile(t, rulesFW)
	ds := build(t, 2024, oneCounty, nil, facts(kv))
	opt := engine.Options{}
	if in != nil {
		opt.Inputs = map[string]*engine.Inputs{county: in}
	}
	res, err := p.Evaluate(ds, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

var baseFacts = map[string]float64{"satisfaction": 90, "kg_children": 1000, "kg_public_children": 500, "kg_inclusive_private_children": 300,
	"exchanged_teachers": 0, "exchanged_backbone_teachers": 0}

func with(kv map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range baseFacts {
		out[k] = v
	}
	for k, v := range kv {
		out[k] = v
	}
	return out
}

func TestThresholdRule(t *testing.T) {
	for _, tc := range []struct {
		sat       float64
		wantScore float64
	}{
		{85, 4},    // at the standard: full
		{84.9, 2},  // below: the partial step ≥80 gives 2
		{80, 2},    // at the partial step
		{79.99, 0}, // below both
	} {
		r := evalRules(t, with(map[string]float64{"satisfaction": tc.sat}), nil)
		if p := r.Point("1"); p.Score != tc.wantScore {
			t.Errorf("satisfaction %v: score %v, want %v (%v)", tc.sat, p.Score, tc.wantScore, p.Reasons)
		}
	}
	r := evalRules(t, with(map[string]float64{"satisfaction": 82}), nil)
	want := "第1测评点社会认可度为82.0%，低于标准值85.0%，扣2分"
	if got := r.Point("1").Reasons; len(got) != 1 || got[0] != want {
		t.Errorf("reason %q, want %q", got, want)
	}
}

func TestLinearRule(t *testing.T) {
	for _, tc := range []struct {
		public, private float64
		want            float64
	}{
		// coverage 80% → (80−70)/(90−70) = 0.5 × 5 = 2.5 points.
		{500, 300, 2.5},
		// coverage 83% → 0.65 × 5 = 3.25, rounded down to a multiple of 0.5 → 3.
		{530, 300, 3},
		// 95% is past full: 5; 60% is below zero: 0.
		{650, 300, 5},
		{300, 300, 0},
	} {
		r := evalRules(t, with(map[string]float64{"kg_public_children": tc.public, "kg_inclusive_private_children": tc.private}), nil)
		if p := r.Point("2"); p.Score != tc.want {
			t.Errorf("coverage %v%%: score %v, want %v", (tc.public+tc.private)/10, p.Score, tc.want)
		}
	}
}

func TestDeductRule(t *testing.T) {
	for _, tc := range []struct{ cases, want float64 }{
		{0, 1},   // nothing to deduct
		{1, 0.5}, // 1 × 0.5
		{3, 0},   // 3 × 0.5 = 1.5, capped at the point's 1
	} {
		r := evalRules(t, with(map[string]float64{"exchanged_teachers": tc.cases}), nil)
		if p := r.Point("3"); p.Score != tc.want {
			t.Errorf("%v cases: score %v, want %v", tc.cases, p.Score, tc.want)
		}
	}
	r := evalRules(t, with(map[string]float64{"exchanged_teachers": 1}), nil)
	if got := r.Point("3").Reasons[0]; got != "第3测评点因1个超大班额班级，扣0.5分" {
		t.Errorf("reason %q", got)
	}
}

func TestPeopleRules(t *testing.T) {
	r := evalRules(t, baseFacts, nil)
	for _, code := range []string{"4", "5"} {
		p := r.Point(code)
		if p.Status != engine.StatusPending || p.Score != 0 || p.Reasons[0] != "第"+code+"测评点待人工评分" {
			t.Errorf("point %s without input: %+v", code, p)
		}
	}
	if r.Pending != 3 {
		t.Errorf("pending = %d, want 3 (points 4, 5, 6)", r.Pending)
	}
	in := &engine.Inputs{Points: map[string]engine.PointInput{
		"4": {Checked: []string{"a"}},
		"5": {Score: score(2.5), Justification: "党组会议纪要缺少专题研究记录"},
		"6": {Score: score(1), Justification: "材料齐全"},
	}}
	r = evalRules(t, baseFacts, in)
	if p := r.Point("4"); p.Score != 1 || p.Reasons[0] != "第4测评点未落实建立台账，扣1分" {
		t.Errorf("checklist: %+v", p)
	}
	if p := r.Point("5"); p.Score != 2.5 || p.Reasons[0] != "第5测评点党组会议纪要缺少专题研究记录，扣0.5分" {
		t.Errorf("manual: %+v", p)
	}
	if p := r.Point("6"); p.Score != 85 || p.Status != engine.StatusScored {
		t.Errorf("mixed point: %+v", p)
	}
	if r.Pending != 0 {
		t.Errorf("pending = %d after inputs", r.Pending)
	}
}

func TestInputsRejected(t *testing.T) {
	p := compile(t, rulesFW)
	ds := build(t, 2024, oneCounty, nil, facts(baseFacts))
	for _, tc := range []struct {
		name string
		in   engine.Inputs
		want string
	}{
		{"manual without justification", engine.Inputs{Points: map[string]engine.PointInput{"5": {Score: score(2)}}},
			"单位990101 测评点5: 人工评分须填写评分理由 justification"},
		{"manual above its points", engine.Inputs{Points: map[string]engine.PointInput{"5": {Score: score(3.5), Justification: "x"}}},
			"单位990101 测评点5: 得分 3.5 超出范围 [0, 3]"},
		{"negative", engine.Inputs{Points: map[string]engine.PointInput{"5": {Score: score(-1), Justification: "x"}}},
			"单位990101 测评点5: 得分 -1 超出范围 [0, 3]"},
		{"data point", engine.Inputs{Points: map[string]engine.PointInput{"1": {Score: score(1), Justification: "x"}}},
			"单位990101 测评点1: 该测评点由数据计算，不能人工评分"},
		{"unknown item", engine.Inputs{Points: map[string]engine.PointInput{"4": {Checked: []string{"z"}}}},
			"单位990101 测评点4: 没有检查条目「z」"},
		{"unknown point", engine.Inputs{Points: map[string]engine.PointInput{"99": {}}},
			"单位990101 测评点99: 评价体系中没有这个测评点"},
		{"veto without reason", engine.Inputs{Vetoes: map[string]engine.VetoInput{"V1": {Triggered: true}}},
			"单位990101 否决项1: 认定触发否决须填写理由 justification"},
		{"data veto", engine.Inputs{Vetoes: map[string]engine.VetoInput{"V2": {Triggered: true, Justification: "x"}}},
			"单位990101 否决项2: 该否决项由数据判定，不能人工认定"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := p.Evaluate(ds, engine.Options{Inputs: map[string]*engine.Inputs{county: &in}})
			ie, ok := err.(*engine.InputError)
			if !ok || len(ie.Problems) != 1 || ie.Problems[0] != tc.want {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestBonusVetoGrade(t *testing.T) {
	full := &engine.Inputs{Points: map[string]engine.PointInput{
		"4": {Checked: []string{"a", "b"}},
		"5": {Score: score(3), Justification: "齐全"},
		"6": {Score: score(1), Justification: "齐全"},
	}}
	// Points: 4 + 5 + 1 + 2 + 3 + 85 = 100 minus point 2 at 80% coverage (2.5 of 5)
	// = 97.5; bonus 3 + 3 = 6 capped at 5 → 102.5, 优秀.
	r := evalRules(t, baseFacts, full)
	if r.Score != 97.5 || r.BonusTotal != 5 || r.Total != 102.5 || r.Grade != "优秀" {
		t.Fatalf("score %v bonus %v total %v grade %s", r.Score, r.BonusTotal, r.Total, r.Grade)
	}
	if r.Bonus[0].Reasons[0] != "加分项1「国家表彰」，加3分" {
		t.Errorf("bonus reason %q", r.Bonus[0].Reasons)
	}
	// V2 (data) caps at 良好.
	r = evalRules(t, with(map[string]float64{"exchanged_backbone_teachers": 1}), full)
	if r.Grade != "良好" || !r.Vetoes[1].Triggered {
		t.Errorf("capped grade %s, vetoes %+v", r.Grade, r.Vetoes)
	}
	// V1 (manual) lowers one band: 优秀 → 良好; with V2 too it stays 良好.
	full.Vetoes = map[string]engine.VetoInput{"V1": {Triggered: true, Justification: "2024年3月发生校园安全责任事故"}}
	r = evalRules(t, baseFacts, full)
	if r.Grade != "良好" {
		t.Errorf("lowered grade %s", r.Grade)
	}
	// Undecided manual veto is pending, not triggered.
	r = evalRules(t, baseFacts, nil)
	if !r.Vetoes[0].Pending || r.Vetoes[0].Triggered {
		t.Errorf("undecided veto %+v", r.Vetoes[0])
	}
}

func TestGradeBands(t *testing.T) {
	fw := `
id: g
name: 等次
version: "1"
level: county
grading: {kind: grade, bands: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 合格, min: 65}, {name: 不合格, min: 0}]}
metrics: [{id: v, name: 值, expr: satisfaction}]
areas:
  - code: A
    name: 甲
    points:
      - {code: "1", title: 点, max: 100, rules: [{kind: linear, metric: v, zero: 0, full: 100, round: 0.01}]}
`
	p := compile(t, fw)
	for _, tc := range []struct {
		v     float64
		grade string
	}{{100, "优秀"}, {90, "优秀"}, {89.99, "良好"}, {80, "良好"}, {79.99, "合格"}, {65, "合格"}, {64.99, "不合格"}, {0, "不合格"}} {
		ds := build(t, 2024, oneCounty, nil, facts(map[string]float64{"satisfaction": tc.v}))
		r := evalOne(t, p, ds)
		if r.Grade != tc.grade || math.Abs(r.Total-tc.v) > 1e-9 {
			t.Errorf("total %v: grade %s (total %v), want %s", tc.v, r.Grade, r.Total, tc.grade)
		}
	}
}

func TestRankTies(t *testing.T) {
	rs := []*engine.Result{
		{Unit: engine.Unit{Code: "3"}, Total: 80},
		{Unit: engine.Unit{Code: "1"}, Total: 90},
		{Unit: engine.Unit{Code: "4"}, Total: 70},
		{Unit: engine.Unit{Code: "2"}, Total: 80},
	}
	engine.Rank(rs)
	var got []string
	for _, r := range rs {
		s := r.Unit.Code + ":" + string(rune('0'+r.Rank))
		if r.Tie {
			s += "="
		}
		got = append(got, s)
	}
	if want := "1:1 2:2= 3:2= 4:4"; strings.Join(got, " ") != want {
		t.Errorf("ranking %v, want %s", got, want)
	}
}

func TestReasonNeverShowsTheStandardAsTheValue(t *testing.T) {
	// 84.96% prints as 85.0% with one decimal, yet fails ≥ 85%: the reason must say
	// 84.96%.
	r := evalRules(t, with(map[string]float64{"satisfaction": 84.96}), nil)
	want := "第1测评点社会认可度为84.96%，低于标准值85.0%，扣2分"
	if got := r.Point("1").Reasons; len(got) != 1 || got[0] != want {
		t.Errorf("reason %q, want %q", got, want)
	}
}

func TestVetoOrderDoesNotMatter(t *testing.T) {
	// A 优秀 county capped at 良好 (V2) and lowered one band (V1) is 合格, whichever
	// veto the file lists first.
	full := &engine.Inputs{Points: map[string]engine.PointInput{
		"4": {Checked: []string{"a", "b"}},
		"5": {Score: score(3), Justification: "齐全"},
		"6": {Score: score(1), Justification: "齐全"},
	}, Vetoes: map[string]engine.VetoInput{"V1": {Triggered: true, Justification: "事故"}}}
	kv := with(map[string]float64{"exchanged_backbone_teachers": 1})
	swapped := strings.Replace(rulesFW, `  - {code: V1, title: 重大安全事故, effect: lower, manual: true}
  - {code: V2,`, `  - {code: V2,`, 1)
	swapped = strings.Replace(swapped, `reason: '{{.Title}}'}`, `reason: '{{.Title}}'}
  - {code: V1, title: 重大安全事故, effect: lower, manual: true}`, 1)
	for name, src := range map[string]string{"lower first": rulesFW, "cap first": swapped} {
		p := compile(t, src)
		res, err := p.Evaluate(build(t, 2024, oneCounty, nil, facts(kv)), engine.Options{Inputs: map[string]*engine.Inputs{county: full}})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Grade != "合格" {
			t.Errorf("%s: grade %s, want 合格", name, res[0].Grade)
		}
	}
}
