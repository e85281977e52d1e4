package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportLint(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "报告.md")
	good := filepath.Join(dir, "好.txt")
	if err := os.WriteFile(bad, []byte("# 自评报告\n全县共有中小学x所，增长x%。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("全县共有中小学12所，拍x光片。\n\n某某县人民政府\n2025年3月28日\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, "report", "lint", bad)
	want := bad + ":2:8: 未填写的数字「x所」（全县共有中小学x所，增长x%。）\n" +
		bad + ":2:13: 未填写的数字「x%」（…共有中小学x所，增长x%。）\n" +
		bad + ":2: 缺少成文日期（文末没有成文日期（如「2025年3月28日」））\n共3处未填写\n"
	if code != 1 || out != want {
		t.Errorf("lint bad: code %d, out %q, want 1, %q", code, out, want)
	}
	out, _, code = runCLI(t, "report", "lint", good)
	if code != 0 || out != "未发现未填写的数字、内容或日期\n" {
		t.Errorf("lint good: code %d, out %q", code, out)
	}
	_, errOut, code := runCLI(t, "report", "lint", filepath.Join(dir, "missing.txt"))
	if code != 1 || !strings.Contains(errOut, "无法读取") {
		t.Errorf("lint missing: code %d, stderr %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "report", "lint", filepath.Join(dir, "a.pdf"))
	if code != 1 || !strings.Contains(errOut, "无法读取") {
		t.Errorf("lint pdf: code %d, stderr %q", code, errOut)
	}
}

func TestReportUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"report"}, 2},
		{[]string{"report", "render"}, 2},
		{[]string{"report", "lint"}, 2},
		{[]string{"report", "-h"}, 0},
	} {
		_, errOut, code := runCLI(t, tt.args...)
		if code != tt.code {
			t.Errorf("%v: code %d, want %d (stderr %q)", tt.args, code, tt.code, errOut)
		}
		if tt.args[len(tt.args)-1] != "lint" && !strings.Contains(errOut, "lint FILE") {
			t.Errorf("%v: stderr %q lacks the usage", tt.args, errOut)
		}
	}
}

// TestReportLintPDF: report lint reads a PDF (through pdftotext): the report made
// with --format pdf has its unwritten 改进措施 flagged and its date found.
func TestReportLintPDF(t *testing.T) {
	if testing.Short() {
		t.Skip("converts with LibreOffice")
	}
	for _, bin := range []string{"soffice", "pdftotext"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (.ci/run installs libreoffice-writer and poppler-utils)", bin)
			}
			t.Skipf("%s is missing", bin)
		}
	}
	data := fixture(t)
	pdf := filepath.Join(t.TempDir(), "报告.pdf")
	if _, stderr, code := runCLI(t, "report", "render", "--framework", "lxzz-county", "--data", data, "--unit", "990121",
		"--format", "pdf", "--date", "2025-03-28", "-o", pdf); code != 0 {
		t.Fatalf("render: %s", stderr)
	}
	out, _, code := runCLI(t, "report", "lint", pdf)
	if code != 1 || !strings.Contains(out, "未填写的内容「（请填写改进措施）」") || strings.Contains(out, "缺少成文日期") {
		t.Errorf("lint pdf: code %d\n%s", code, out)
	}
}
