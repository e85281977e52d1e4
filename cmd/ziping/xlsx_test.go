package main

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// checkScoreSheet opens a one-unit score sheet and checks its layout: title, header,
// the area cell merged over its points, and the totals row.
func checkScoreSheet(t *testing.T, path string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "评分表,指标" {
		t.Fatalf("sheets %v", got)
	}
	title, _ := f.GetCellValue("评分表", "A1")
	if !strings.Contains(title, "2024年度对县级人民政府履行教育职责评价评分表") {
		t.Errorf("title %q", title)
	}
	head, _ := f.GetRows("评分表")
	if strings.Join(head[1], "|") != "一级指标|测评点|内容|满分|得分|扣分|扣分理由" {
		t.Errorf("header %v", head[1])
	}
	merged, _ := f.GetMergeCells("评分表")
	areaMerged := false
	for _, m := range merged {
		if m.GetStartAxis() == "A3" && m.GetEndAxis() != "A3" {
			areaMerged = true
		}
	}
	if !areaMerged {
		t.Errorf("the first area's cell is not merged over its points: %v", merged)
	}
	rows, _ := f.GetRows("评分表")
	var total []string
	for _, r := range rows {
		if len(r) > 0 && r[0] == "合计" {
			total = r
		}
	}
	if len(total) < 5 || total[3] != "100" {
		t.Errorf("totals row %v, want 满分 100", total)
	}
}
