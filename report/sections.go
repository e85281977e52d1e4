package report

import (
	"strings"
	"unicode/utf8"
)

// The sections a self-evaluation report has, by what they hold. The default layout
// is 基本情况, 主要做法及成效, 存在问题, 改进措施; the self_first layout puts 自查自评情况
// (the score, the grade and the deductions) before them.
const (
	SecSelf        = "自查自评情况"
	SecBasic       = "基本情况"
	SecPractice    = "主要做法及成效"
	SecProblems    = "存在问题"
	SecImprovement = "下一步工作打算"
)

// sectionNames maps the section titles of circulated county reports (numbering
// stripped) to a section; sectionOf also recognises them by their key words.
var sectionNames = map[string]string{
	"基本情况": SecBasic, "总体情况": SecBasic, "基本概况": SecBasic, "县情概况": SecBasic, "概况": SecBasic,
	"县情和教育基本情况": SecBasic, "教育基本情况": SecBasic, "根本情况": SecBasic,
	"主要做法及成效": SecPractice, "主要做法和成效": SecPractice, "主要做法与成效": SecPractice,
	"主要做法": SecPractice, "工作成效": SecPractice, "主要工作及成效": SecPractice, "履职工作成效": SecPractice,
	"工作开展情况及成效": SecPractice, "主要做法及取得成效": SecPractice, "主要做法和取得的成效": SecPractice,
	"工作开展情况": SecPractice, "履职情况": SecPractice, "主要工作": SecPractice, "取得的成效": SecPractice,
	"存在问题": SecProblems, "存在的问题": SecProblems, "存在的主要问题": SecProblems, "主要问题": SecProblems,
	"问题与不足": SecProblems, "存在的不足": SecProblems, "存在问题及努力方向": SecProblems, "存在问题和不足": SecProblems,
	"改进措施": SecImprovement, "改进措施（下一步工作）": SecImprovement, "改进措施(下一步工作)": SecImprovement,
	"下一步工作": SecImprovement, "下一步工作打算": SecImprovement, "整改措施": SecImprovement,
	"下一步打算": SecImprovement, "改进措施及下一步工作": SecImprovement, "下一步工作计划": SecImprovement,
	"下一步措施": SecImprovement, "下一步工作措施": SecImprovement, "努力方向": SecImprovement,
	"自查自评情况": SecSelf, "自评情况": SecSelf, "自查情况": SecSelf, "自查工作": SecSelf, "自评结果": SecSelf,
	"自查自评结果": SecSelf, "自查工作开展情况": SecSelf, "自评工作开展情况": SecSelf,
}

// maxSectionTitle is the longest heading taken as a section title by its key words:
// longer ones are subsections that happen to use them.
const maxSectionTitle = 14

// sectionOf recognises a section title (numbering already stripped): one of
// sectionNames, or a short title with a section's key words (「存在问题及整改方向」
// 「下一步重点工作」「主要做法和经验」).
func sectionOf(name string) (string, bool) {
	name = strings.NewReplacer("(", "（", ")", "）", "、", "", "和", "及", "与", "及").Replace(name)
	for k, v := range sectionNames {
		if strings.NewReplacer("、", "", "和", "及", "与", "及").Replace(k) == name {
			return v, true
		}
	}
	if utf8.RuneCountInString(name) > maxSectionTitle {
		return "", false
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(name, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("存在") && has("问题", "不足", "差距"), strings.HasPrefix(name, "问题"):
		return SecProblems, true
	case has("下一步", "改进措施", "整改措施", "努力方向", "工作打算", "工作计划", "工作思路"):
		return SecImprovement, true
	case has("自查自评", "自评情况", "自查情况", "自评结果"):
		return SecSelf, true
	case has("做法", "成效", "工作开展", "履职情况", "主要工作"):
		return SecPractice, true
	case has("基本情况", "总体情况", "概况", "县情"):
		return SecBasic, true
	}
	return "", false
}
