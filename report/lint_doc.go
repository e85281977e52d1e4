package report

import (
	"regexp"
	"strings"
)

// KindNoDate is the kind of the finding LintDocument gives a document without a
// 成文日期.
const KindNoDate = "缺少成文日期"

// reDocDate is a 成文日期 on a line of its own: 「2025年3月28日」, or in Chinese
// numerals 「二〇二五年三月二十八日」.
var reDocDate = regexp.MustCompile(`^\s*(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)\s*$`)

// LintDocument is Lint for a whole document people will send: the unfilled numbers,
// blanks and 「（请填写…）」 markers, and a missing 成文日期 (a date on a line of its
// own after the body), reported at the last line.
func LintDocument(text string) []Finding {
	out := Lint(text)
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for _, l := range lines {
		if reDocDate.MatchString(strings.TrimSuffix(strings.TrimSpace(l), "  ")) {
			return out
		}
	}
	last := len(lines)
	return append(out, Finding{Line: last, Col: 1, Text: "", Kind: KindNoDate, Context: "文末没有成文日期（如「2025年3月28日」）"})
}
