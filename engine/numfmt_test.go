package engine

import "testing"

func TestGroupDigits(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0", "0"},
		{"1234", "1234"},                    // four digits stay as they are
		{"2024年", "2024年"},                  // so years are never grouped
		{"12345", "12,345"},                 // five and more are grouped
		{"172153.66", "172,153.66"},         // decimals are not grouped
		{"172153.66万元", "172,153.66万元"},     // the unit is kept
		{"5528223元", "5,528,223元"},          // 元 without decimals
		{"-5528223", "-5,528,223"},          // a sign
		{"-1234.5", "-1234.5"},              // four digits with a sign
		{"123456789012", "123,456,789,012"}, // every three
		{"100000%", "100,000%"},
		{"0.123456", "0.123456"},
		{"无法计算", "无法计算"}, // not a number
		{"", ""},
		{"-", "-"},
	} {
		if got := GroupDigits(c.in); got != c.want {
			t.Errorf("GroupDigits(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFormatValueGroups(t *testing.T) {
	two := 2
	for _, c := range []struct {
		v        float64
		unit     string
		decimals *int
		want     string
	}{
		{172153.66, "万元", nil, "172,153.66万元"},
		{5528223, "元", nil, "5,528,223元"},
		{9876.5, "元", nil, "9876.50元"},
		{45321, "人", nil, "45,321人"},
		{19563, "册", nil, "19,563册"}, // whole books and computers show no decimals,
		{114, "台", nil, "114台"},      // as whole people, classes and rooms do
		{12.5, "册", nil, "12.50册"},
		{85.26, "%", nil, "85.3%"},
		{12345.678, "", &two, "12,345.68"},
	} {
		if got := FormatValue(c.v, c.unit, c.decimals); got != c.want {
			t.Errorf("FormatValue(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
	if got := ReportValue(MetricValue{Value: 9876.54, Unit: "万元", OK: true}); got != "9876.54万元" {
		t.Errorf("ReportValue(9876.54万元) = %q", got)
	}
	if got := ReportValue(MetricValue{Value: 1234567, Unit: "元", OK: true}); got != "1,234,567元" {
		t.Errorf("ReportValue(1234567元) = %q", got)
	}
}
