package xlsx

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"ziping/engine"
)

// TestTreeScoreSheet: every level has its column, each indicator's cell is merged
// over its rows, and each area and group has a 小计 row.
func TestTreeScoreSheet(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../engine/testdata/three-levels.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.Load("t.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	ds := mustRead(t, ReadOptions{}, csvInput("c.csv", "区县代码,区县名称,年度,社会认可度", "990102,乌乐区,2024,82"))
	score := func(v float64) *float64 { return &v }
	in := &engine.Inputs{Points: map[string]engine.PointInput{
		"1.1.2": {Score: score(5), Justification: "制度健全"},
		"1.2.1": {Checked: []string{"a"}},
		"2.1":   {Score: score(5.5), Justification: "个别学科课时不足"},
	}}
	res, err := p.Evaluate(ds, engine.Options{Inputs: map[string]*engine.Inputs{"990102": in}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteScoreSheet(&buf, p.FW, res); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("评分表")
	// 1.1: 3 + 5 = 8 of 10; 1.2: 2 of 4; area 1: 10 of 14; area 2: 5.5 capped at 5.
	want := [][]string{
		{"一级指标", "二级指标", "三级指标", "内容", "满分", "得分", "扣分", "扣分理由"},
		{"1 保障", "1.1 经费", "1.1.1", "认可度", "6", "3", "3", "二级指标1.1第(1)项社会认可度为82.0%，低于标准值85.0%，扣3分"},
		{"", "", "1.1.2", "制度", "5", "5", "0"},
		{"", "", "小计", "", "10", "8", "2"},
		{"", "1.2 队伍", "1.2.1", "台账", "4", "2", "2", "二级指标1.2第(1)项未落实定期更新，扣2分"},
		{"", "", "小计", "", "4", "2", "2"},
		{"", "小计", "", "", "14", "10", "4"},
		{"2 质量", "2.1", "", "课程", "6", "5.5", "0.5", "一级指标2第(1)项个别学科课时不足，扣0.5分"},
		{"", "小计", "", "", "5", "5", "0"},
		{"合计", "", "", "", "19", "15", "4"},
		{"总分", "", "", "", "", "15", "", "等次：良好"},
	}
	if diff := cmp.Diff(want, rows[1:]); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	merged, _ := f.GetMergeCells("评分表")
	var got []string
	for _, m := range merged {
		got = append(got, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, w := range []string{"A3:A8", "B3:B5", "B6:B7", "C5:D5", "B8:D8", "A9:A10", "B9:C9", "B10:D10", "A11:D11"} {
		if !strings.Contains(strings.Join(got, " "), w) {
			t.Errorf("no merge %s in %v", w, got)
		}
	}
}
