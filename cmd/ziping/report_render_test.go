package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportRenderGolden(t *testing.T) {
	data := fixture(t)
	narrative := filepath.Join("testdata", "render-narrative.md")
	for _, tc := range []struct {
		name, framework string
		extra           []string
	}{
		{"render-lxzz.md", "lxzz-county", nil},
		{"render-lxzz-narrative.md", "lxzz-county", []string{"--narrative", narrative}},
		{"render-yzjh.md", "yzjh-2017", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.md")
			args := append([]string{"report", "render", "--framework", tc.framework, "--data", data, "--unit", "990121",
				"--format", "md", "--date", "2025-03-01", "-o", out}, tc.extra...)
			_, stderr, code := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, string(got))
		})
	}
}

// TestReportRenderGoldenNewFrameworks: the report sections of 学前普及普惠 and 基本均衡
// on a county, and a school's report of 学校办学质量 (signed by the school, sent to its
// county's office, with every level of its three-level tree in the area table and
// 附件1, and the deductions named by their code paths).
func TestReportRenderGoldenNewFrameworks(t *testing.T) {
	data := fixtureKG(t)
	scores := filepath.Join("testdata", "xxbxzl-scores.yaml")
	for _, tc := range []struct {
		name, framework, unit string
		extra                 []string
	}{
		{"render-xqpjph.md", "xqpjph-2020", "990102", nil},
		{"render-jbjh.md", "jbjh-2012", "990102", nil},
		{"render-xxbxzl.md", "xxbxzl-2021", "9901020015", []string{"--scores", scores}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.md")
			args := append([]string{"report", "render", "--framework", tc.framework, "--data", data, "--unit", tc.unit,
				"--format", "md", "--date", "2025-03-01", "-o", out}, tc.extra...)
			_, stderr, code := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, string(got))
		})
	}
}

func TestReportRenderStrictAndBindErrors(t *testing.T) {
	data := fixture(t)
	dir := t.TempDir()
	_, stderr, code := runCLI(t, "report", "render", "--framework", "yzjh-2017", "--data", data, "--unit", "990121",
		"--format", "html", "-o", filepath.Join(dir, "r.html"), "--strict")
	if code != 1 || !strings.Contains(stderr, "（请填写改进措施）") {
		t.Errorf("strict with 改进措施 unfilled: exit %d, stderr %q", code, stderr)
	}
	bad := filepath.Join(dir, "bad.md")
	if err := os.WriteFile(bad, []byte("# 存在问题\n\n占比{{metric \"no.such\"}}。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runCLI(t, "report", "render", "--framework", "yzjh-2017", "--data", data, "--unit", "990121",
		"--narrative", bad, "--format", "md", "-o", filepath.Join(dir, "r.md"))
	if code != 1 || !strings.Contains(stderr, "存在问题 第3行第3列") {
		t.Errorf("unknown metric: exit %d, stderr %q", code, stderr)
	}
}

func TestReportRenderAll(t *testing.T) {
	data := fixture(t)
	dir := filepath.Join(t.TempDir(), "out")
	_, stderr, code := runCLI(t, "report", "render", "--framework", "lxzz-county", "--data", data, "--all",
		"--format", "docx", "-o", dir)
	if code != 0 || !strings.Contains(stderr, "已生成 3/3") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.docx")); len(m) != 3 {
		t.Errorf("got %d reports, want 3", len(m))
	}
	// Without a narrative every report's 四、下一步工作打算 is unfilled: one warning
	// says so for the three reports (naming them), not one line per report.
	if n := strings.Count(stderr, "下一步工作打算"); n != 1 || !strings.Contains(stderr, "3份报告中有3份的「四、下一步工作打算」") {
		t.Errorf("the unfilled section is warned %d times, want once for the 3 reports:\n%s", n, stderr)
	}
	if strings.Contains(stderr, "第") && strings.Contains(stderr, "行第") {
		t.Errorf("--all prints a report's lines and columns; want them summarised:\n%s", stderr)
	}
}

// TestReportRenderAllEqualsOne: each report --all writes as the units stream past is
// the report of that unit rendered alone, with a fixed date so that both agree.
func TestReportRenderAllEqualsOne(t *testing.T) {
	data := fixture(t)
	dir := filepath.Join(t.TempDir(), "out")
	_, stderr, code := runCLI(t, "report", "render", "--framework", "yzjh-2017", "--data", data, "--all",
		"--date", "2025-03-01", "--format", "md", "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	if len(files) != 3 {
		t.Fatalf("got %d reports, want 3", len(files))
	}
	for _, file := range files {
		unit, _, _ := strings.Cut(filepath.Base(file), "-")
		one := filepath.Join(t.TempDir(), unit+".md")
		if _, stderr, code := runCLI(t, "report", "render", "--framework", "yzjh-2017", "--data", data, "--unit", unit,
			"--date", "2025-03-01", "--format", "md", "-o", one); code != 0 {
			t.Fatalf("--unit %s: exit %d: %s", unit, code, stderr)
		}
		all, _ := os.ReadFile(file)
		alone, _ := os.ReadFile(one)
		if len(all) == 0 || string(all) != string(alone) {
			t.Errorf("%s: --all wrote %d bytes that differ from --unit's %d", unit, len(all), len(alone))
		}
	}
}
