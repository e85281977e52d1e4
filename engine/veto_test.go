package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"ziping/engine"
)

// vetoFW scores 0–100 from satisfaction and has every kind of veto, all decided by a
// person, so that each case triggers the ones it names.
const vetoFW = `
id: v
name: 否决组合
version: "1"
level: county
lowering: %s
grading: {kind: grade, bands: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 合格, min: 60}, {name: 不合格, min: 0}]}
metrics: [{id: sat, name: 社会认可度, unit: "%%", expr: satisfaction}]
areas:
  - code: A
    name: 甲
    points:
      - {code: "1", title: 认可度, max: 100, rules: [{kind: linear, metric: sat, zero: 0, full: 100, round: 0.01}]}
vetoes:
  - {code: F1, title: 弄虚作假, effect: fail, manual: true}
  - {code: L1, title: 降一等甲, effect: lower, manual: true}
  - {code: L2, title: 降两等, effect: lower, steps: 2, manual: true}
  - {code: L3, title: 降一等乙, effect: lower, steps: 1, manual: true}
  - {code: C1, title: 不得评为优秀, effect: cap, grade: 良好, manual: true}
  - {code: C2, title: 不得评为良好, effect: cap, grade: 合格, manual: true}
`

// TestVetoCombinations: the combination rule of docs/frameworks.md over every kind
// of combination: caps first (the worst cap wins, a worse grade stays), then the
// lowerings from there (each: the steps add up; once: the largest steps, once),
// then failures; never below the last band.
func TestVetoCombinations(t *testing.T) {
	for _, tc := range []struct {
		total     float64
		triggered string
		each      string
		once      string
	}{
		{95, "", "优秀", "优秀"},
		{95, "C1", "良好", "良好"},
		{95, "C1 C2", "合格", "合格"},     // the worse cap
		{95, "L1", "良好", "良好"},        // 优秀 − 1
		{95, "L1 L3", "合格", "良好"},     // each: 1 + 1; once: 1
		{95, "L1 L2", "不合格", "合格"},    // each: 1 + 2 = 3; once: 2
		{95, "L1 L2 L3", "不合格", "合格"}, // each: 4, clamped to the last band
		{95, "C1 L1", "合格", "合格"},     // capped at 良好, then lowered once
		{95, "C1 L1 L3", "不合格", "合格"}, // 良好 − 2 each; 良好 − 1 once
		{95, "C2 L2", "不合格", "不合格"},   // 合格 − 2, clamped
		{95, "F1", "不合格", "不合格"},
		{95, "C1 F1", "不合格", "不合格"},
		{95, "L1 F1", "不合格", "不合格"},
		{85, "C1", "良好", "良好"},      // a cap at 良好 leaves 良好 as it is
		{70, "C1", "合格", "合格"},      // … and a worse grade stays
		{70, "L1 L3", "不合格", "不合格"}, // 合格 − 1 is already the last band
		{40, "L1", "不合格", "不合格"},
	} {
		for _, mode := range []string{"each", "once"} {
			want := tc.each
			if mode == "once" {
				want = tc.once
			}
			t.Run(fmt.Sprintf("%v %s %s", tc.total, tc.triggered, mode), func(t *testing.T) {
				p := compile(t, fmt.Sprintf(vetoFW, mode))
				in := &engine.Inputs{Vetoes: map[string]engine.VetoInput{}}
				for _, v := range p.FW.Vetoes {
					in.Vetoes[v.Code] = engine.VetoInput{Triggered: false}
				}
				for _, code := range strings.Fields(tc.triggered) {
					in.Vetoes[code] = engine.VetoInput{Triggered: true, Justification: "认定"}
				}
				ds := build(t, 2024, oneCounty, nil, facts(map[string]float64{"satisfaction": tc.total}))
				res, err := p.Evaluate(ds, engine.Options{Inputs: map[string]*engine.Inputs{county: in}})
				if err != nil {
					t.Fatal(err)
				}
				if r := res[0]; r.Grade != want || r.Total != tc.total {
					t.Errorf("total %v grade %s, want %v %s", r.Total, r.Grade, tc.total, want)
				}
			})
		}
	}
}

// TestLoweringDefaultsToEach: a framework that does not say adds its lowerings up,
// as lxzz-county says it does.
func TestLoweringDefaultsToEach(t *testing.T) {
	src := strings.Replace(vetoFW, "lowering: %s\n", "", 1)
	src = strings.ReplaceAll(src, "%%", "%")
	p := compile(t, src)
	in := &engine.Inputs{Vetoes: map[string]engine.VetoInput{
		"L1": {Triggered: true, Justification: "认定"}, "L3": {Triggered: true, Justification: "认定"}}}
	res, err := p.Evaluate(build(t, 2024, oneCounty, nil, facts(map[string]float64{"satisfaction": 95})),
		engine.Options{Inputs: map[string]*engine.Inputs{county: in}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Grade != "合格" {
		t.Errorf("grade %s, want 合格 (优秀 lowered twice)", res[0].Grade)
	}
	if lx := builtin(t, "lxzz-county"); lx.FW.Lowering != engine.LoweringEach {
		t.Errorf("lxzz-county lowering %q, want each (stated in the file)", lx.FW.Lowering)
	}
}
