package docx

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestJoinNumbers(t *testing.T) {
	t.Parallel()
	j := wordJoiner
	for in, want := range map[string]string{
		"共有学校1286所":      "共有学校1286" + j + "所",
		"学校1286所，在校生":    "学校1286" + j + "所" + j + "，在校生",
		"支出5.16亿元":       "支出5.16" + j + "亿" + j + "元",
		"增长率为-1.14%":     "增长率为-" + j + "1.14" + j + "%",
		"2024年3月28日":     "2024" + j + "年3" + j + "月28" + j + "日",
		"面积12.5平方米":      "面积12.5" + j + "平" + j + "方" + j + "米",
		"没有数字的句子。":       "没有数字的句子。",
		"占比52.3%。":       "占比52.3" + j + "%" + j + "。",
		"第3-4项":          "第3-4" + j + "项",
		"A-1型":           "A-" + j + "1型",
		"x所":             "x所",
		"扣0.5分，得3分":      "扣0.5" + j + "分" + j + "，得3" + j + "分",
		"培训5年360学时":      "培训5" + j + "年360学时",
		"大班额（56—65人）15个": "大班额（56—65" + j + "人" + j + "）15" + j + "个",
	} {
		if got := joinNumbers(in); got != want {
			t.Errorf("joinNumbers(%q) = %q, want %q", in, strings.ReplaceAll(got, j, "⁀"), strings.ReplaceAll(want, j, "⁀"))
		}
	}
}

// FuzzJoinNumbers: the joiners are the only change, and only a digit, a minus sign
// or a unit has one beside it.
func FuzzJoinNumbers(f *testing.F) {
	for _, s := range []string{"共有学校1286所，增长-1.14%。", "5.16亿元", "x所", "\xff1所"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.Contains(s, wordJoiner) {
			return
		}
		got := joinNumbers(s)
		if strings.ReplaceAll(got, wordJoiner, "") != s {
			t.Fatalf("joinNumbers(%q) = %q: more than joiners changed", s, got)
		}
	})
}
