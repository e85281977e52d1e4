package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// runCLI runs the command line in-process and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	return out.String(), errb.String(), code
}

// fixture writes the fixed synthetic province the golden files are made from: 3
// counties, 90 schools, two periods, seed 42.
func fixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "示范.xlsx")
	if _, err := writeDemoData(synth.Config{Counties: 3, Schools: 90, Seed: 42}, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/ziping -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; diff with -update and git diff.\n--- got (first 3000 bytes):\n%.3000s", name, got)
	}
}

func TestEvaluateGolden(t *testing.T) {
	data := fixture(t)
	// The file path is in no output below: outputs name units, not files.
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"yzjh-table.golden", []string{"--framework", "yzjh-2017", "--unit", "990102"}},
		{"yzjh-json.golden", []string{"--framework", "yzjh-2017", "--unit", "990102", "--format", "json"}},
		{"yzjh-explain.golden", []string{"--framework", "yzjh-2017", "--unit", "990102", "--explain", "--metric", "primary.cv.equipment_value_per_student", "--metric", "oversize_schools"}},
		{"yzjh-all.golden", []string{"--framework", "yzjh-2017", "--all"}},
		{"lxzz-table.golden", []string{"--framework", "lxzz-county", "--unit", "990102"}},
		{"lxzz-json.golden", []string{"--framework", "lxzz-county", "--unit", "990102", "--format", "json"}},
		{"lxzz-explain.golden", []string{"--framework", "lxzz-county", "--unit", "990102", "--explain", "--metric", "funding.edu_budget_growth"}},
		{"lxzz-all.golden", []string{"--framework", "lxzz-county", "--all"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			out, errs, code := runCLI(t, append([]string{"evaluate", "--data", data}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, tc.golden, out)
		})
	}
}

// fixtureKG is the fixed province with 90 kindergartens: the schools and counties of
// fixture, and a 幼儿园 sheet.
func fixtureKG(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "示范.xlsx")
	if _, err := writeDemoData(synth.Config{Counties: 3, Schools: 90, Kindergartens: 90, Seed: 42}, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEvaluateGoldenNewFrameworks: 学前普及普惠 and 基本均衡 on a county, 学校办学质量
// on a school (with people's scores and a capping veto, so that every level's
// subtotal shows).
func TestEvaluateGoldenNewFrameworks(t *testing.T) {
	data := fixtureKG(t)
	scores := filepath.Join("testdata", "xxbxzl-scores.yaml")
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"xqpjph-table.golden", []string{"--framework", "xqpjph-2020", "--unit", "990102"}},
		{"xqpjph-json.golden", []string{"--framework", "xqpjph-2020", "--unit", "990102", "--format", "json"}},
		{"xqpjph-explain.golden", []string{"--framework", "xqpjph-2020", "--unit", "990102", "--explain", "--metric", "kg.gross_rate", "--metric", "kg.class_ok_rate"}},
		{"xqpjph-all.golden", []string{"--framework", "xqpjph-2020", "--all"}},
		{"jbjh-table.golden", []string{"--framework", "jbjh-2012", "--unit", "990102"}},
		{"jbjh-json.golden", []string{"--framework", "jbjh-2012", "--unit", "990102", "--format", "json"}},
		{"jbjh-explain.golden", []string{"--framework", "jbjh-2012", "--unit", "990102", "--explain", "--metric", "primary.composite_cv", "--metric", "primary.cv.books_per_student"}},
		{"xxbxzl-table.golden", []string{"--framework", "xxbxzl-2021", "--unit", "9901020015", "--scores", scores}},
		{"xxbxzl-json.golden", []string{"--framework", "xxbxzl-2021", "--unit", "9901020015", "--scores", scores, "--format", "json"}},
		{"xxbxzl-explain.golden", []string{"--framework", "xxbxzl-2021", "--unit", "9901020015", "--explain", "--metric", "certified_rate", "--metric", "over_cap_classes"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			out, errs, code := runCLI(t, append([]string{"evaluate", "--data", data}, tc.args...)...)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, tc.golden, out)
		})
	}
}

// TestKindergartensChangeNoCountyResult: the county frameworks give their golden
// results whether or not the file also holds kindergartens.
func TestKindergartensChangeNoCountyResult(t *testing.T) {
	data := fixtureKG(t)
	for name, args := range map[string][]string{
		"yzjh-json.golden": {"--framework", "yzjh-2017", "--unit", "990102", "--format", "json"},
		"lxzz-json.golden": {"--framework", "lxzz-county", "--unit", "990102", "--format", "json"},
		"lxzz-all.golden":  {"--framework", "lxzz-county", "--all"},
	} {
		out, errs, code := runCLI(t, append([]string{"evaluate", "--data", data}, args...)...)
		want, err := os.ReadFile(filepath.Join("testdata", name))
		if code != 0 || err != nil || out != string(want) {
			t.Errorf("%s: exit %d %s %v: the kindergartens changed the result", name, code, errs, err)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	data := fixture(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"evaluate"}, 2, "缺少 --framework"},
		{[]string{"evaluate", "--framework", "yzjh-2017"}, 2, "缺少 --data"},
		{[]string{"evaluate", "--framework", "yzjh-2017", "--data", data}, 2, "数据中有3个区县，请用 --unit 指定一个，或用 --all 全部评价并排名"},
		{[]string{"evaluate", "--framework", "yzjh-2017", "--data", data, "--unit", "990199"}, 1, "数据中没有区县代码 990199"},
		{[]string{"evaluate", "--framework", "nope", "--data", data, "--all"}, 1, "没有内置评价体系「nope」（可用: jbjh-2012、lxzz-county、xqpjph-2020、xxbxzl-2021、yzjh-2017）"},
		{[]string{"evaluate", "--framework", "yzjh-2017", "--data", data, "--all", "--explain"}, 2, "--explain 只能用于单个区县（--unit）"},
		{[]string{"evaluate", "--framework", "yzjh-2017", "--data", data, "--all", "--format", "xlsx"}, 2, "xlsx 格式须用 -o 指定输出文件"},
		{[]string{"evaluate", "--framework", "yzjh-2017", "--data", data, "--unit", "990102", "--format", "ndjson", "--explain"}, 2, "--explain 不能与 ndjson 格式一起使用"},
		{[]string{"evaluate", "--framework", "yzjh-2017", "--data", data, "--all", "--format", "csv"}, 2, "--format 应为 table、json、ndjson 或 xlsx"},
		{[]string{"evaluate", "--framework", "yzjh-2017", "--data", data, "--unit", "990102", "--period", "2019"}, 1, "数据中没有2019年度"},
		{[]string{"frobnicate"}, 2, "未知命令「frobnicate」"},
		{[]string{"frameworks", "show", "nope"}, 1, "没有内置评价体系「nope」"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errs, code := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d containing %q", code, errs, tc.code, tc.want)
			}
		})
	}
}

func TestFrameworksCommand(t *testing.T) {
	out, _, code := runCLI(t, "frameworks", "list")
	if code != 0 || !strings.Contains(out, "yzjh-2017") || !strings.Contains(out, "lxzz-county") {
		t.Fatalf("list: %d %s", code, out)
	}
	out, _, code = runCLI(t, "frameworks", "show", "yzjh-2017")
	if code != 0 || !strings.Contains(out, "小学生均教学仪器设备值差异系数 ≤ 0.500 得1分") {
		t.Errorf("show: %d %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("id: x\nname: y\nversion: \"1\"\nlevel: county\ngrading: {kind: verdict}\nmetrics: []\nareas: []\n"), 0o644)
	_, errs, code := runCLI(t, "frameworks", "check", bad)
	if code != 1 || !strings.Contains(errs, "bad.yaml:1: 没有任何一级指标 areas") {
		t.Errorf("check: %d %s", code, errs)
	}
}

func TestScoreSheetXLSX(t *testing.T) {
	data := fixture(t)
	out := filepath.Join(t.TempDir(), "评分表.xlsx")
	_, errs, code := runCLI(t, "evaluate", "--framework", "lxzz-county", "--data", data, "--unit", "990102", "--format", "xlsx", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	checkScoreSheet(t, out)
}

func TestDemoData(t *testing.T) {
	dir := t.TempDir()
	out, errs, code := runCLI(t, "demo-data", "--counties", "4", "--schools", "50", "-o", filepath.Join(dir, "d.csv"))
	if code != 0 || !strings.Contains(out, "d.区县.csv") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	// The CSV pair is read back and evaluated like any user file.
	out, errs, code = runCLI(t, "evaluate", "--framework", "yzjh-2017", "--data", filepath.Join(dir, "d.csv"), "--data", filepath.Join(dir, "d.区县.csv"), "--all")
	if code != 0 || !strings.Contains(out, "排名（共4个区县）") {
		t.Fatalf("evaluate csv: %d %s %s", code, out, errs)
	}
}

func TestDemoBuildsAServableDatabase(t *testing.T) {
	d := sharedDemo(t)
	dir, out := d.dir, d.out
	for _, want := range []string{"排名（共3个区县）", "示范账号（密码仅显示这一次）", "admin", "duxue", "county", "school", "viewer", "ziping serve --db sqlite:",
		"学校办学质量自评（", "已退回1个、已复核1个、已公布", "学前普及普惠自评（3个区县）：已提交2个、已复核1个",
		"示范文件目录：" + d.built, "数据库：" + filepath.Join(d.built, "demo.db")} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	checkDemoSchoolTour(t, dir, out)
	out, _, code := runCLI(t, "user", "list", "--db", "sqlite:"+filepath.Join(dir, "demo.db"))
	if code != 0 || strings.Count(out, "\n") != 6 {
		t.Errorf("demo users:\n%s", out)
	}
	if out, _, _ := runCLI(t, "audit", "verify", "--db", "sqlite:"+filepath.Join(dir, "demo.db")); !strings.Contains(out, "审计记录完整") {
		t.Errorf("demo audit: %s", out)
	}
	// Assessment 1 is the first county's of last year, published with its report:
	// it renders from the store with its narrative and no issue.
	md := filepath.Join(dir, "1.md")
	out, errs, code := runCLI(t, "report", "render", "--assessment", "1", "--db", "sqlite:"+filepath.Join(dir, "demo.db"), "--format", "md", "-o", md, "--strict")
	if code != 0 || errs != "" {
		t.Fatalf("render assessment 1: exit %d: %s%s", code, out, errs)
	}
	text, _ := os.ReadFile(md)
	if !strings.Contains(string(text), "本年度评价总分") || !strings.Contains(string(text), "逐项制定整改方案") || strings.Contains(string(text), "{{") {
		t.Errorf("rendered report:\n%s", text)
	}
	if _, errs, code := runCLI(t, "report", "render", "--assessment", "999", "--db", "sqlite:"+filepath.Join(dir, "demo.db"), "-o", md); code != 1 || !strings.Contains(errs, "没有这项自评") {
		t.Errorf("missing assessment: exit %d: %s", code, errs)
	}
	// The demo school user's school has started its 学校办学质量 self-evaluation; the
	// next school's is filled, and its report renders from the store, signed by the
	// school.
	ds, err := readData(io.Discard, []string{filepath.Join(dir, "示范省.xlsx")}, 0, mustBuiltin(t, "xxbxzl-2021"))
	if err != nil {
		t.Fatal(err)
	}
	schools, err := demoSchools(ds)
	if err != nil || len(schools) < 2 {
		t.Fatalf("demo schools %v %v", schools, err)
	}
	out, errs, code = runCLI(t, "report", "render", "--unit", schools[1], "--period", "2024", "--framework", "xxbxzl-2021",
		"--db", "sqlite:"+filepath.Join(dir, "demo.db"), "--format", "md", "-o", md, "--strict")
	if code != 0 {
		t.Fatalf("school report: exit %d: %s%s", code, out, errs)
	}
	if text, _ := os.ReadFile(md); !strings.Contains(string(text), "年度办学质量自评情况的报告") || regexp.MustCompile(`(小学|中学|学校)人民政府`).Match(text) {
		t.Errorf("school report:\n%s", text)
	}
}

func mustBuiltin(t *testing.T, id string) *engine.Program {
	t.Helper()
	p, err := frameworks.Builtin(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReportRenderFromStore: a unit's report by unit and period, and every report of
// a subtree with --all, from the demo database.
func TestReportRenderFromStore(t *testing.T) {
	d := sharedDemo(t)
	dir, db := d.dir, d.db()
	one := filepath.Join(dir, "one.md")
	out, errs, code := runCLI(t, "report", "render", "--db", db, "--unit", "990102", "--period", "2023", "--format", "md", "-o", one)
	if code != 0 || !strings.Contains(out, "已生成") {
		t.Fatalf("by unit: exit %d %s %s", code, out, errs)
	}
	if text, _ := os.ReadFile(one); !strings.Contains(string(text), "2023年度") {
		t.Errorf("report of 990102 2023:\n%s", text)
	}
	all := filepath.Join(dir, "all")
	out, errs, code = runCLI(t, "report", "render", "--db", db, "--unit", "990000", "--period", "2024", "--all", "--framework", "lxzz-county", "--format", "docx", "-o", all)
	if code != 0 || !strings.Contains(out, "共生成3份报告（"+all+"），0份失败") || !strings.Contains(errs, "已生成 3/3") {
		t.Fatalf("--all: exit %d %s %s", code, out, errs)
	}
	if m, _ := filepath.Glob(filepath.Join(all, "*.docx")); len(m) != 3 {
		t.Errorf("--all wrote %v", m)
	}
	if _, errs, code := runCLI(t, "report", "render", "--db", db, "--unit", "990102", "--format", "md", "-o", one); code != 2 || !strings.Contains(errs, "--period") {
		t.Errorf("without --period: exit %d %s", code, errs)
	}
	if _, errs, code := runCLI(t, "report", "render", "--db", db, "--unit", "990102", "--period", "2019", "--format", "md", "-o", one); code != 1 || !strings.Contains(errs, "没有2019年度的自评") {
		t.Errorf("no assessment: exit %d %s", code, errs)
	}
}
