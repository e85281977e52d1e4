package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ziping/synth"
)

// csvFixture writes the fixed province as CSV files: the school, kindergarten and
// county tables.
func csvFixture(t *testing.T) (schools, kindergartens, counties string) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "示范.csv")
	if _, err := writeDemoData(synth.Config{Counties: 3, Schools: 90, Kindergartens: 50, Seed: 42}, out); err != nil {
		t.Fatal(err)
	}
	return out, filepath.Join(dir, "示范.幼儿园.csv"), filepath.Join(dir, "示范.区县.csv")
}

// TestDataTakesSeveralFiles: `--data a b` and `--data a --data b` read both files and
// keep the flags after them; before, the county table and --format were dropped.
func TestDataTakesSeveralFiles(t *testing.T) {
	s, k, c := csvFixture(t)
	forms := [][]string{
		{"--data", s, c, "--unit", "990102", "--format", "json"},
		{"--data", s, "--data", c, "--unit", "990102", "--format", "json"},
		{"--unit", "990102", "--data", s, c, k, "--format", "json"},
		{"--data=" + s, c, "--unit", "990102", "--format", "json"},
	}
	var first string
	for i, args := range forms {
		out, errs, code := runCLI(t, append([]string{"evaluate", "--framework", "lxzz-county"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if !strings.HasPrefix(out, "{") || !strings.Contains(out, `"funding.edu_budget_growth"`) {
			t.Fatalf("%v: not the JSON result:\n%.300s", args, out)
		}
		if i == 0 {
			first = out
		} else if out != first {
			t.Errorf("%v gives another result than %v", args, forms[0])
		}
	}
	// Without the county table the county facts are missing: the result differs.
	alone, _, code := runCLI(t, "evaluate", "--framework", "lxzz-county", "--data", s, "--unit", "990102", "--format", "json")
	if code != 0 || alone == first || !strings.Contains(alone, "缺少数据") {
		t.Errorf("the school table alone gives the same result (exit %d)", code)
	}
}

// TestStrayArgumentsRefused: an argument that is no flag's value is named, never
// dropped with what follows it.
func TestStrayArgumentsRefused(t *testing.T) {
	s, _, c := csvFixture(t)
	for _, tc := range []struct {
		args  []string
		stray string
	}{
		{[]string{"evaluate", "--framework", "lxzz-county", "--data", s, c, "--unit", "990102", "extra.csv"}, "extra.csv"},
		{[]string{"evaluate", "lxzz-county", "--data", s}, "lxzz-county"},
		{[]string{"evaluate", "--framework", "lxzz-county", "--all", "--data", s, "--explain", "x", "--unit", "1"}, "x"},
		{[]string{"report", "render", "--framework", "lxzz-county", "--data", s, c, "--unit", "990102", "-o", "r.md", "md"}, "md"},
		{[]string{"demo-data", "--counties", "2", "-o", "x.csv", "extra"}, "extra"},
		{[]string{"migrate", "--db", "sqlite:x.db", "now"}, "now"},
	} {
		t.Run(strings.Join(tc.args[:2], " ")+" "+tc.stray, func(t *testing.T) {
			_, errs, code := runCLI(t, tc.args...)
			if code != 2 || !strings.Contains(errs, "多余的参数「"+tc.stray+"」") {
				t.Errorf("exit %d, stderr %q; want exit 2 naming %q", code, errs, tc.stray)
			}
		})
	}
}

// TestUnusedColumnsWarned: a column ziping does not know is said on stderr with the
// nearest known header, and the evaluation goes on.
func TestUnusedColumnsWarned(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "学校.csv")
	csv := "年度,学校代码,学校名称,区县代码,区县名称,学段,办学类型,在校生数,班级数,图书藏书量,校长姓名\n" +
		"2024,9901020001,示范小学,990102,乌乐区,小学,公办,600,14,12000,王明\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "evaluate", "--framework", "yzjh-2017", "--data", path)
	if code != 0 || !strings.Contains(out, "乌乐区") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"注意：2处内容未导入:",
		"学校.csv 列「J 图书藏书量」: 未识别的列「图书藏书量」，是否为「图书册数」？该列未导入",
		"学校.csv 列「K 校长姓名」: 未识别的列「校长姓名」，未导入",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

// TestFrameworksDiff: a province's copy of a built-in with one threshold raised and
// one point added, as people see it before activating it.
func TestFrameworksDiff(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "frameworks", "xqpjph-2020.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	next := strings.Replace(string(src), `metric: kg.gross_rate, op: ">=", value: 85`, `metric: kg.gross_rate, op: ">=", value: 90`, 1)
	next = strings.Replace(next, `version: "2020.1"`, `version: "2021.1"`, 1)
	path := filepath.Join(t.TempDir(), "河南.yaml")
	if err := os.WriteFile(path, []byte(next), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "frameworks", "diff", "xqpjph-2020", path)
	want := "xqpjph-2020 2020.1 → xqpjph-2020 2021.1\n共2处变化：\n" +
		"  1. 评价体系：版本「2020.1」→「2021.1」\n" +
		"  2. 测评点A1：计分「学前三年毛入园率 ≥ 85.0% 得1分；否则不得分」→「学前三年毛入园率 ≥ 90.0% 得1分；否则不得分」\n"
	if code != 0 || out != want {
		t.Errorf("exit %d %s\n%s", code, errs, out)
	}
	out, _, code = runCLI(t, "frameworks", "diff", "--format", "json", "xqpjph-2020", path)
	if code != 0 || !strings.Contains(out, `"field": "rule"`) || !strings.Contains(out, `"new": "学前三年毛入园率 ≥ 90.0% 得1分；否则不得分"`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}
	if _, errs, code := runCLI(t, "frameworks", "diff", "xqpjph-2020"); code != 2 || !strings.Contains(errs, "frameworks diff ID|FILE ID|FILE") {
		t.Errorf("one framework: exit %d %s", code, errs)
	}
}
