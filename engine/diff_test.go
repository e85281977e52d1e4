package engine_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ziping/engine"
	"ziping/frameworks"
)

// TestDiffOfAFrameworkWithItselfIsEmpty: every built-in against itself.
func TestDiffOfAFrameworkWithItselfIsEmpty(t *testing.T) {
	for _, id := range frameworks.IDs() {
		if ch := engine.Diff(builtin(t, id), builtin(t, id)); len(ch) != 0 {
			t.Errorf("%s: %v", id, ch)
		}
	}
}

// TestDiff: a new version of the three-level test framework changes one of each
// kind of thing.
func TestDiff(t *testing.T) {
	next := treeFW
	for _, r := range [][2]string{
		{`version: "1"`, `version: "2"`},
		{"levels:", "lowering: once\nlevels:"},
		{"value: 85, partial: [{value: 80, score: 3}]", "value: 90, partial: [{value: 80, score: 3}]"}, // a threshold
		{"name: 队伍", "name: 教师队伍"},
		{"    max: 5\n", "    max: 4\n"}, // area 2
		{"      - {code: \"2.1\", title: 课程, max: 6, rules: [{kind: manual}]}",
			"      - {code: \"2.2\", title: 作业, max: 6, rules: [{kind: manual}]}"}, // 2.1 out, 2.2 in
		{"expr: satisfaction}", "expr: 'satisfaction * 1'}"},
	} {
		if !strings.Contains(next, r[0]) {
			t.Fatalf("the framework lacks %q", r[0])
		}
		next = strings.Replace(next, r[0], r[1], 1)
	}
	next += "vetoes:\n  - {code: V1, title: 弄虚作假, effect: lower, manual: true}\n"
	got := engine.Diff(compile(t, treeFW), compile(t, next))
	type c = engine.Change
	want := []c{
		{Kind: "changed", What: "framework", Code: "t3", Field: "version", Old: "1", New: "2", Text: "评价体系：版本「1」→「2」"},
		{Kind: "changed", What: "framework", Code: "t3", Field: "lowering", Old: "每项降等分别计算", New: "多项降等只降一次", Text: "评价体系：降等合并方式「每项降等分别计算」→「多项降等只降一次」"},
		{Kind: "changed", What: "group", Code: "1.2", Field: "name", Old: "队伍", New: "教师队伍", Text: "指标1.2：名称「队伍」→「教师队伍」"},
		{Kind: "changed", What: "area", Code: "2", Field: "max", Old: "5", New: "4", Text: "一级指标2：满分「5」→「4」"},
		{Kind: "changed", What: "point", Code: "1.1.1", Field: "rule",
			Old:  "社会认可度 ≥ 85.0% 得6分；≥ 80.0% 得3分；否则不得分",
			New:  "社会认可度 ≥ 90.0% 得6分；≥ 80.0% 得3分；否则不得分",
			Text: "测评点1.1.1：计分「社会认可度 ≥ 85.0% 得6分；≥ 80.0% 得3分；否则不得分」→「社会认可度 ≥ 90.0% 得6分；≥ 80.0% 得3分；否则不得分」"},
		{Kind: "added", What: "point", Code: "2.2", New: "作业", Text: "新增测评点2.2「作业」（满分6分）"},
		{Kind: "removed", What: "point", Code: "2.1", Old: "课程", Text: "删除测评点2.1「课程」"},
		{Kind: "changed", What: "metric", Code: "sat", Field: "formula", Old: "satisfaction", New: "satisfaction * 1", Text: "数据指标sat：公式「satisfaction」→「satisfaction * 1」"},
		{Kind: "added", What: "veto", Code: "V1", New: "弄虚作假", Text: "新增否决项V1「弄虚作假」（降1等）"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}
