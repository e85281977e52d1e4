package engine_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"ziping/engine"
)

// treeFW has three levels: area 1 holds groups 1.1 (max 10 over points worth 6 + 5,
// a cap) and 1.2; area 2 (max 5) holds a point worth 6 directly, another cap.
var treeFW = func() string {
	data, err := os.ReadFile("testdata/three-levels.yaml")
	if err != nil {
		panic(err)
	}
	return string(data)
}()

func treeInputs() *engine.Inputs {
	return &engine.Inputs{Points: map[string]engine.PointInput{
		"1.1.2": {Score: score(5), Justification: "制度健全"},
		"1.2.1": {Checked: []string{"a"}},
		"2.1":   {Score: score(5.5), Justification: "个别学科课时不足"},
	}}
}

func evalTree(t *testing.T, sat float64) *engine.Result {
	t.Helper()
	p := compile(t, treeFW)
	ds := build(t, 2024, oneCounty, nil, facts(map[string]float64{"satisfaction": sat}))
	res, err := p.Evaluate(ds, engine.Options{Inputs: map[string]*engine.Inputs{county: treeInputs()}})
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

// groupScores prints the subtotals as code:score/max, depth first.
func groupScores(r *engine.Result) string {
	var out []string
	var walk func(gs []engine.GroupResult)
	walk = func(gs []engine.GroupResult) {
		for _, g := range gs {
			out = append(out, g.Code+":"+num(g.Score)+"/"+num(g.Max))
			walk(g.Groups)
		}
	}
	for _, a := range r.Areas {
		out = append(out, a.Code+":"+num(a.Score)+"/"+num(a.Max))
		walk(a.Groups)
	}
	return strings.Join(out, " ")
}

func num(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestThreeLevelsScoredWithSubtotals(t *testing.T) {
	// Satisfaction 82%: point 1.1.1 earns the partial 3 of 6; 1.1.2 earns 5 of 5, so
	// group 1.1 is 3 + 5 = 8 (of 10). Checklist 1.2.1 ticks a only: 2 of 4, group
	// 1.2 is 2 (of 4, its points' sum). Area 1 is 8 + 2 = 10 of 10 + 4 = 14. Point
	// 2.1 earns 5.5 of 6, capped by area 2's max: 5 of 5. Total 15 of 19: 良好.
	r := evalTree(t, 82)
	if got, want := groupScores(r), "1:10/14 1.1:8/10 1.2:2/4 2:5/5"; got != want {
		t.Errorf("subtotals %s, want %s", got, want)
	}
	if r.Score != 15 || r.Max != 19 || r.Grade != "良好" {
		t.Errorf("score %v of %v, grade %s; want 15 of 19, 良好", r.Score, r.Max, r.Grade)
	}
	// Satisfaction 90%: 1.1.1 earns 6, and 6 + 5 = 11 is capped at group 1.1's 10;
	// area 1 is 10 + 2 = 12, total 12 + 5 = 17: 优秀.
	r = evalTree(t, 90)
	if got, want := groupScores(r), "1:12/14 1.1:10/10 1.2:2/4 2:5/5"; got != want {
		t.Errorf("subtotals %s, want %s", got, want)
	}
	if r.Score != 17 || r.Grade != "优秀" {
		t.Errorf("score %v grade %s, want 17 优秀", r.Score, r.Grade)
	}
	// Every point is still listed in its area, in order, so code that knows no tree
	// sees all of them.
	var codes []string
	for _, a := range r.Areas {
		for _, p := range a.Points {
			codes = append(codes, p.Code)
		}
	}
	if got := strings.Join(codes, " "); got != "1.1.1 1.1.2 1.2.1 2.1" {
		t.Errorf("points %s", got)
	}
	if got := strings.Join(r.Areas[0].Groups[0].Points, " "); got != "1.1.1 1.1.2" {
		t.Errorf("group 1.1 points %s", got)
	}
}

func TestThreeLevelReasonsNameThePath(t *testing.T) {
	r := evalTree(t, 82)
	for code, want := range map[string]string{
		"1.1.1": "二级指标1.1第(1)项社会认可度为82.0%，低于标准值85.0%，扣3分",
		"1.2.1": "二级指标1.2第(1)项未落实定期更新，扣2分",
		"2.1":   "一级指标2第(1)项个别学科课时不足，扣0.5分",
	} {
		if got := r.Point(code).Reasons; len(got) != 1 || got[0] != want {
			t.Errorf("%s: reasons %q, want %q", code, got, want)
		}
	}
	p := compile(t, treeFW)
	res, err := p.Evaluate(build(t, 2024, oneCounty, nil, facts(map[string]float64{"satisfaction": 90})), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res[0].Point("1.1.2").Reasons; len(got) != 1 || got[0] != "二级指标1.1第(2)项待人工评分" {
		t.Errorf("pending: %q", got)
	}
	if got := strings.Join(p.FW.LevelNames(), " "); got != "一级指标 二级指标 三级指标" {
		t.Errorf("levels %s", got)
	}
}

func TestAdjustRecomputesSubtotals(t *testing.T) {
	r := evalTree(t, 82)
	p := compile(t, treeFW)
	// The reviewer gives 1.2.1 its full 4: group 1.2 becomes 4, area 1 8 + 4 = 12,
	// the total 12 + 5 = 17.
	adj, err := engine.Adjust(p.FW, r, map[string]engine.Adjustment{"1.2.1": {Score: score(4), Reason: "台账已补齐"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := groupScores(adj), "1:12/14 1.1:8/10 1.2:4/4 2:5/5"; got != want {
		t.Errorf("adjusted subtotals %s, want %s", got, want)
	}
	if adj.Score != 17 || groupScores(r) != "1:10/14 1.1:8/10 1.2:2/4 2:5/5" {
		t.Errorf("adjusted score %v; original now %s", adj.Score, groupScores(r))
	}
	adj, err = engine.Adjust(p.FW, r, map[string]engine.Adjustment{"1.1.1": {Score: score(2), Reason: "数据有误"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := adj.Point("1.1.1").Reasons; len(got) != 1 || got[0] != "二级指标1.1第(1)项复核调整：数据有误，扣4分" {
		t.Errorf("adjusted reason %q", got)
	}
}

func TestFourLevelsDefaultNames(t *testing.T) {
	src := `
id: t4
name: 四级
version: "1"
level: school
grading: {kind: verdict}
areas:
  - code: A
    name: 甲
    groups:
      - code: A1
        name: 乙
        groups:
          - code: A1.1
            name: 丙
            points:
              - {code: A1.1.1, title: 丁, rules: [{kind: manual}]}
              - {code: A1.1.2, title: 戊, rules: [{kind: manual}]}
      - code: A2
        name: 己
        points:
          - {code: A2.1, title: 庚, rules: [{kind: manual}]}
`
	p := compile(t, src)
	if got := strings.Join(p.FW.LevelNames(), " "); got != "一级指标 二级指标 三级指标 四级指标" || p.FW.Depth() != 4 {
		t.Errorf("levels %s, depth %d", got, p.FW.Depth())
	}
	for code, want := range map[string]string{"A1.1.2": "三级指标A1.1第(2)项", "A2.1": "二级指标A2第(1)项"} {
		if got := p.FW.PointPath(code); got != want {
			t.Errorf("path of %s: %s, want %s", code, got, want)
		}
	}
	// A verdict point without max counts one per rule: A1.1 is 2, A1 2, A2 1, A 3.
	if got := p.FW.MaxTotal(); got != 3 {
		t.Errorf("max %v, want 3", got)
	}
}

func TestTwoLevelPathsUnchanged(t *testing.T) {
	p := builtin(t, "lxzz-county")
	if got := p.FW.PointPath("13"); got != "第13测评点" {
		t.Errorf("path %s", got)
	}
	if got := strings.Join(p.FW.LevelNames(), " "); got != "一级指标 测评点" || p.FW.Depth() != 2 {
		t.Errorf("levels %s", got)
	}
}

func TestTreeRejected(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"group max above its children", "        max: 10\n", "        max: 12\n", "t.yaml:16: 指标「1.1」的满分 12 超过下级满分合计 11，差额无从得分"},
		{"area max above its children", "    max: 5\n", "    max: 7\n", "t.yaml:34: 指标「2」的满分 7 超过下级满分合计 6，差额无从得分"},
		{"points beside groups", "    groups:\n", "    points: [{code: x, title: x, max: 1, rules: [{kind: manual}]}]\n    groups:\n", "t.yaml:13: 一级指标「1」不能同时列出测评点 points 和下级指标 groups"},
		{"empty group", "      - code: \"1.2\"\n        name: 队伍\n", "      - {code: \"1.0\", name: 空}\n      - code: \"1.2\"\n        name: 队伍\n", "t.yaml:25: 指标「1.0」没有下级指标或测评点"},
		{"group code of a point", "      - code: \"1.2\"\n", "      - code: \"2.1\"\n", "t.yaml:25: 指标编号「2.1」重复"},
		{"levels of the wrong depth", "levels: [一级指标, 二级指标, 三级指标]", "levels: [一级指标, 二级指标]", "t.yaml:1: levels 列出了2级名称，而指标体系有3级"},
		{"bad lowering", "levels:", "lowering: twice\nlevels:", "t.yaml:1: lowering 应为 each 或 once，而不是「twice」"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(treeFW, tc.old, tc.new, 1)
			if src == treeFW {
				t.Fatal("case does not change the framework")
			}
			_, err := engine.Load("t.yaml", []byte(strings.TrimPrefix(src, "\n")))
			wantProblems(t, err, tc.want)
		})
	}
}
