package web

import (
	"strings"
	"testing"
)

// TestExplainNumbers: the drill-down prints each school's value as the app prints
// indicator values — two decimals for 元, digits grouped from five on, the unit in
// the column header — and counts as whole numbers, never the engine's raw
// 2564.4700 or 45.0000.
func TestExplainNumbers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	cases := []struct {
		name, metric string
		want, not    []string
	}{
		{"money per student", "primary.cv.equipment_value_per_student",
			[]string{`<th class="num">数值（元）</th>`,
				`<td>100%_达标学校</td><td>小学</td><td class="num">66</td><td class="num">1434</td><td class="num">2564.47</td>`,
				`<td>黄海区第二小学</td><td>小学</td><td class="num">68</td><td class="num">1354</td><td class="num">12,773.90</td>`,
				"在校生 23,009 人；加权平均值 4349.51元，加权标准差 2806.38元。"},
			[]string{"2564.4700", "12773.9"}},
		{"teacher counts", "teachers.certified_rate",
			[]string{`<th class="num">数值（人）</th>`,
				`<td>100%_达标学校</td><td>小学</td><td class="num">66</td><td class="num">1434</td><td class="num">75</td>`,
				`<td>黄海区第四小学</td><td>小学</td><td class="num">75</td><td class="num">2628</td><td class="num">152</td>`},
			[]string{"75.0000", "152.0000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := f.do(request{role: "filler", path: "/units/990102/explain/" + c.metric + "?fw=" + testFW})
			want(t, c.metric, w, 200, c.want...)
			for _, s := range c.not {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("%s shows the raw number %q", c.metric, s)
				}
			}
		})
	}
}
