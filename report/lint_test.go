package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestLintFinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		text      string
		kind      string
		line, col int
	}{
		{"比上年增长x%。", "x%", "x%", 1, 6},
		{"增长X％", "X％", "x%", 1, 3},
		{"占比为x.x%", "x.x%", "x.x%", 1, 4},
		{"共有中小学x所", "x所", "x所", 1, 6},
		{"在校生x人", "x人", "x人", 1, 4},
		{"投入x万元", "x万元", "x万元", 1, 3},
		{"累计x亿元", "x亿元", "x亿元", 1, 3},
		{"建成x个", "x个", "x个", 1, 3},
		{"功能室x间", "x间", "x间", 1, 4},
		{"教师x名", "x名", "x名", 1, 3},
		{"完成x项", "x项", "x项", 1, 3},
		{"培训x次", "x次", "x次", 1, 3},
		{"生均x元", "x元", "x元", 1, 3},
		{"面积x平方米", "x平方米", "x平方米", 1, 3},
		{"面积x㎡", "x㎡", "x㎡", 1, 3},
		{"新增Ｘ所", "Ｘ所", "x所", 1, 3},
		{"新增ｘ人", "ｘ人", "x人", 1, 3},
		{"在校生xx万人", "xx万人", "x万人", 1, 4},
		{"共XX所", "XX所", "x所", 1, 2},
		{"共xxx人", "xxx人", "x人", 1, 2},
		{"共×所", "×所", "x所", 1, 2},
		{"共××所", "××所", "x所", 1, 2},
		{"共＊＊所", "＊＊所", "x所", 1, 2},
		{"共**所", "**所", "x所", 1, 2},
		{"20xx年", "20xx年", "20xx年", 1, 1},
		{"于20XX年完成", "20XX年", "20xx年", 1, 2},
		{"202x年", "202x年", "20xx年", 1, 1},
		{"20xx-2024学年", "20xx", "20xx年", 1, 1},
		{"于x月x日", "x月x日", "x月x日", 1, 2},
		{"〇〇县教育局", "〇〇县", "〇〇", 1, 1},
		{"○○学校", "○○学校", "〇〇", 1, 1},
		{"XX县人民政府", "XX县", "XX", 1, 1},
		{"XX乡镇中心校", "XX乡镇", "XX", 1, 1},
		{"××学校", "××学校", "××", 1, 1},
		{"填报单位：【 】", "【 】", "空括号", 1, 6},
		{"达标率（  ）", "（  ）", "空括号", 1, 4},
		{"达标率（　）", "（　）", "空括号", 1, 4},
		{"达标率(   )", "(   )", "空括号", 1, 4},
		{"达标率（）", "（）", "空括号", 1, 4},
		{"姓名：___", "___", "下划线", 1, 4},
		{"姓名：＿＿", "＿＿", "下划线", 1, 4},
		{"增长……%", "……%", "……%", 1, 3},
		{"增长...%", "...%", "……%", 1, 3},
		{"增长XX，", "XX", "XX", 1, 3},
		{"增长xx。", "xx", "XX", 1, 3},
		{"共××。", "××", "××", 1, 2},
		{"共＊＊。", "＊＊", "＊＊", 1, 2},
		{"增长**，", "**", "**", 1, 3},
		{"由〇〇负责", "〇〇", "〇〇", 1, 2},
		{"第一行\n第二行增长x%", "x%", "x%", 2, 6},
		{"| 学校 | ___ |", "___", "下划线", 1, 8},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := Lint(tt.in)
			if len(got) != 1 {
				t.Fatalf("Lint(%q) = %+v, want one finding", tt.in, got)
			}
			f := got[0]
			if f.Text != tt.text || f.Kind != tt.kind || f.Line != tt.line || f.Col != tt.col {
				t.Errorf("Lint(%q) = %+v, want Text %q Kind %q at %d:%d", tt.in, f, tt.text, tt.kind, tt.line, tt.col)
			}
		})
	}
}

// The texts that are not placeholders are in lintNegatives (lint_table_test.go).

func TestLintParagraph(t *testing.T) {
	t.Parallel()
	text := "一、基本情况\n" +
		"全县共有中小学x所，在校生xx万人，比上年增长x%……\n" +
		"20xx年，XX县投入教育经费x.x亿元，生均公用经费xxx元，于x月x日通过〇〇市督导验收。\n" +
		"　　（一）学校布局：新建校舍××平方米，达标率（  ）。"
	got := Lint(text)
	want := []Finding{
		{2, 8, "x所", "x所", "全县共有中小学x所，在校生xx万人，比…"},
		{2, 14, "xx万人", "x万人", "…有中小学x所，在校生xx万人，比上年增长x%……"},
		{2, 24, "x%", "x%", "…xx万人，比上年增长x%……"},
		{3, 1, "20xx年", "20xx年", "20xx年，XX县投入教育经费…"},
		{3, 7, "XX县", "XX", "20xx年，XX县投入教育经费x.x亿…"},
		{3, 16, "x.x亿元", "x.x亿元", "…，XX县投入教育经费x.x亿元，生均公用经费xxx…"},
		{3, 28, "xxx元", "x元", "…x亿元，生均公用经费xxx元，于x月x日通过〇〇…"},
		{3, 34, "x月x日", "x月x日", "…公用经费xxx元，于x月x日通过〇〇市督导验收。"},
		{3, 40, "〇〇市", "〇〇", "…x元，于x月x日通过〇〇市督导验收。"},
		{4, 15, "××平方米", "x平方米", "…）学校布局：新建校舍××平方米，达标率（  ）。"},
		{4, 24, "（  ）", "空括号", "…舍××平方米，达标率（  ）。"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Lint mismatch (-want +got):\n%s", diff)
	}
}

func FuzzLint(f *testing.F) {
	for _, s := range []string{"增长x%", "共**所，学生**人", "二〇〇〇年 〇〇县", "`x%`\n```\nx\n```", "（  ）___ｘ．ｘ％", "\xff\xfex所"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Split(text, "\n")
		for _, fd := range Lint(text) {
			if fd.Line < 1 || fd.Line > len(lines) {
				t.Fatalf("line %d out of range in %q", fd.Line, text)
			}
			line := strings.TrimSuffix(lines[fd.Line-1], "\r")
			n := utf8.RuneCountInString(line)
			if fd.Col < 1 || fd.Col > n || fd.Text == "" {
				t.Fatalf("finding %+v outside line %q", fd, line)
			}
			// The context shows a tab as a space (it is one line of display).
			shown := strings.ReplaceAll(strings.TrimSpace(fd.Text), "\t", " ")
			if !strings.Contains(line, fd.Text) || !strings.Contains(fd.Context, shown) {
				t.Fatalf("finding %+v not in line %q", fd, line)
			}
		}
	})
}
