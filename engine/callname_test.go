package engine_test

import (
	"regexp"
	"strings"
	"testing"

	"ziping/frameworks"
)

// TestMetricReadingsAreWords: every metric of every built-in framework reads in
// Chinese, without the ids of its calls, filters, school metrics or facts; the CV of
// a school metric reads as the docs say (「小学·生均教学仪器设备值的差异系数」).
func TestMetricReadingsAreWords(t *testing.T) {
	ident := regexp.MustCompile(`[A-Za-z_]{2,}`)
	for _, id := range frameworks.IDs() {
		p, err := frameworks.Builtin(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.FW.Metrics {
			r := p.MetricReading(m.ID)
			if r == "" {
				t.Errorf("%s %s: no reading", id, m.ID)
				continue
			}
			if bad := ident.FindAllString(r, -1); len(bad) > 0 {
				t.Errorf("%s %s: reading %q keeps %q", id, m.ID, r, bad)
			}
		}
	}
	p, err := frameworks.Builtin("lxzz-county")
	if err != nil {
		t.Fatal(err)
	}
	if r := p.MetricReading("primary.cv.equipment_value_per_student"); !strings.Contains(r, "小学·生均教学仪器设备值的差异系数") {
		t.Errorf("the CV of equipment per student reads %q", r)
	}
	if r := p.MetricReading("funding.edu_budget_per_student"); r != "「一般公共预算教育支出」 × 10000 ÷ 「各级各类在校生数」" {
		t.Errorf("budget per student reads %q", r)
	}
}
