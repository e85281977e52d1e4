package report

import (
	"strings"
	"testing"
)

func TestBreakTitle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"秋湖县人民政府关于2024年度自评情况的报告":                             "秋湖县人民政府关于2024年度自评情况的报告",
		"石门县人民政府关于对照《县级人民政府履行教育职责评价办法》开展2024年度履行教育职责自评情况的报告": "石门县人民政府关于对照\n《县级人民政府履行教育职责评价办法》\n开展2024年度履行教育职责自评情况的报告",
		"石门县人民政府关于对照《县域义务教育优质均衡发展督导评估办法》开展义务教育优质均衡发展自评情况的报告": "石门县人民政府关于对照\n《县域义务教育优质均衡发展督导评估办法》\n开展义务教育优质均衡发展自评情况的报告",
	} {
		got := breakTitle(in)
		if got != want {
			t.Errorf("breakTitle(%q) =\n%s\nwant\n%s", in, got, want)
		}
		for _, l := range strings.Split(got, "\n") {
			if width([]rune(l)) > 2*titleChars {
				t.Errorf("line %q longer than %d", l, titleChars)
			}
		}
		if strings.ReplaceAll(got, "\n", "") != in {
			t.Errorf("breakTitle lost characters: %q", got)
		}
	}
}
