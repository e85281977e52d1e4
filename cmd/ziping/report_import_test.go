package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const importPage = `首页 > 范文 > 自评报告
第一篇 甲县义务教育优质均衡发展自评报告
一、基本情况
全县共有学校x所。
二、主要做法
（一）加强教师队伍建设。补充教师x名，增长x%。
(1)落实待遇
本文由范文网整理
第二篇：乙县自评报告
一、基本情况
全县共有学校20所。
版权所有 范文网
`

func TestReportImport(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "范文.txt")
	if err := os.WriteFile(name, []byte(importPage), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "report", "import", name, "--dry-run", "--framework", "lxzz-county")
	if code != 0 {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"找到2篇报告",
		"第1篇（第2行）：甲县义务教育优质均衡发展自评报告",
		"大纲：4级（一、2个，（一）1个，1. 0个，（1）1个）",
		"未填写的数字：3处 「x所」（第4行）、「x名」（第6行）、「x%」（第6行）",
		"（一）加强教师队伍建设 → 加强教师队伍建设",
		"第2篇（第9行）：乙县自评报告",
		"未填写的数字：无",
		"--dry-run",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if m, _ := filepath.Glob(name + ".article*.md"); len(m) != 0 {
		t.Errorf("dry run wrote %v", m)
	}

	// Without --dry-run the drafts go into the directory -o names, nothing beside
	// the input.
	outDir := filepath.Join(t.TempDir(), "草稿")
	out, _, code = runCLI(t, "report", "import", name, "-o", outDir, "--framework", "lxzz-county")
	if code != 0 || !strings.Contains(out, "草稿已写入 "+filepath.Join(outDir, "范文.txt.article2.md")) {
		t.Fatalf("code %d, out %s", code, out)
	}
	if m, _ := filepath.Glob(name + ".article*.md"); len(m) != 0 {
		t.Errorf("the import wrote beside its input: %v", m)
	}
	md, err := os.ReadFile(filepath.Join(outDir, "范文.txt.article1.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := "# 甲县义务教育优质均衡发展自评报告\n\n## 一、基本情况\n\n全县共有学校x所。\n\n## 二、主要做法\n\n" +
		"<!-- ziping 一级指标：加强教师队伍建设（相似度1.00） -->\n\n" +
		"### （一）加强教师队伍建设\n\n补充教师x名，增长x%。\n\n##### （1）落实待遇\n"
	if string(md) != want {
		t.Errorf("draft:\n%s\nwant:\n%s", md, want)
	}
}

func TestReportImportErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"report", "import"}, 2},
		{[]string{"report", "import", filepath.Join(dir, "missing.txt")}, 1},
		{[]string{"report", "import", filepath.Join(dir, "a.txt"), "--framework", "nope"}, 1},
	} {
		if _, errOut, code := runCLI(t, tt.args...); code != tt.code {
			t.Errorf("%v: code %d, want %d (stderr %q)", tt.args, code, tt.code, errOut)
		}
	}
}

// TestReportImportToAssessment: an article of a multi-article file becomes the report
// draft of a stored assessment, with its placeholders counted; an existing draft is
// only replaced on request.
func TestReportImportToAssessment(t *testing.T) {
	d := sharedDemo(t)
	dir, db := d.dir, d.db()
	name := filepath.Join(dir, "范文.txt")
	if err := os.WriteFile(name, []byte(importPage), 0o644); err != nil {
		t.Fatal(err)
	}
	// Assessment 2 is the first county's draft of this year, without a report.
	if _, errs, code := runCLI(t, "report", "import", name, "--assessment", "2", "--db", db); code != 2 || !strings.Contains(errs, "--article") {
		t.Fatalf("two articles without --article: exit %d %s", code, errs)
	}
	out, errs, code := runCLI(t, "report", "import", name, "--assessment", "2", "--db", db, "--article", "1")
	if code != 0 || !strings.Contains(out, "第1篇已存为自评2") || !strings.Contains(out, "第1版") || !strings.Contains(out, "处问题") {
		t.Fatalf("import: exit %d %s %s", code, out, errs)
	}
	md := filepath.Join(dir, "2.md")
	if _, errs, code := runCLI(t, "report", "render", "--assessment", "2", "--db", db, "--format", "md", "-o", md); code != 0 {
		t.Fatalf("render: %s", errs)
	}
	if text, _ := os.ReadFile(md); !strings.Contains(string(text), "补充教师x名") {
		t.Errorf("the imported narrative is not in the report:\n%s", text)
	}
	if _, errs, code := runCLI(t, "report", "import", name, "--assessment", "2", "--db", db, "--article", "2"); code != 1 || !strings.Contains(errs, "--replace") {
		t.Fatalf("overwrite without --replace: exit %d %s", code, errs)
	}
	if out, errs, code := runCLI(t, "report", "import", name, "--assessment", "2", "--db", db, "--article", "2", "--replace"); code != 0 || !strings.Contains(out, "第2版") {
		t.Fatalf("replace: exit %d %s %s", code, out, errs)
	}
}
