package xlsx

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"ziping"
)

func TestWriteSheet(t *testing.T) {
	t.Parallel()
	ranking := &ziping.Sheet{
		Name:    "排名",
		Title:   "2024年度县域义务教育优质均衡发展评价排名",
		Columns: []string{"名次", "区县代码", "区县名称", "总分", "等次"},
		Rows: [][]any{
			{1, "990102", "绿水县", 105.0, "优秀"},
			{2, "990101", "青山县", 79.3, "不合格"},
			{3, "990103", "白云县", nil, "待评"},
		},
		Notes: []string{"注：总分含加分，加分上限5分。"},
	}
	ledger := &ziping.Sheet{Name: "整改台账", Title: "整改台账", Columns: []string{"问题"}, Rows: [][]any{{"城关小学生均教学仪器设备值未达标"}}}
	var buf bytes.Buffer
	if err := WriteSheet(&buf, ranking, ledger); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if got, want := f.GetSheetList(), []string{"排名", "整改台账"}; !cmp.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	rows, err := f.GetRows("排名")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{ranking.Title},
		ranking.Columns,
		{"1", "990102", "绿水县", "105", "优秀"},
		{"2", "990101", "青山县", "79.3", "不合格"},
		{"3", "990103", "白云县", "", "待评"},
		nil,
		{ranking.Notes[0]},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	merged, err := f.GetMergeCells("排名")
	if err != nil {
		t.Fatal(err)
	}
	if len(merged) != 2 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "E1" {
		t.Errorf("merged cells %v, want the title over A1:E1 and the note", merged)
	}
	// A number cell has no type or type n, and its raw value is the number.
	for c, want := range map[string]string{"A3": "1", "D4": "79.3"} {
		if typ, _ := f.GetCellType("排名", c); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s has type %v, want a number", c, typ)
		}
		if v, _ := f.GetCellValue("排名", c, excelize.Options{RawCellValue: true}); v != want {
			t.Errorf("%s = %q, want %s", c, v, want)
		}
	}
	if typ, _ := f.GetCellType("排名", "B3"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("B3 (a code) has type %v, want text", typ)
	}
	// A column of Chinese names is wider than its four-character header would need in
	// Latin letters: CJK counts double.
	if w, _ := f.GetColWidth("排名", "C"); w < 10 {
		t.Errorf("column C width %v, want ≥ 10", w)
	}
	panes, err := f.GetPanes("排名")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes %+v, want the title and header frozen", panes)
	}
	head, _ := f.GetCellStyle("排名", "A2")
	body, _ := f.GetCellStyle("排名", "C3")
	hs, err := f.GetStyle(head)
	if err != nil {
		t.Fatal(err)
	}
	if head == body || len(hs.Border) != 4 || hs.Fill.Type != "pattern" {
		t.Errorf("header style %d (body %d): %+v", head, body, hs)
	}
	if v, _ := f.GetCellValue("整改台账", "A3"); v != "城关小学生均教学仪器设备值未达标" {
		t.Errorf("ledger A3 = %q", v)
	}
}

func TestWriteSheetRefuses(t *testing.T) {
	t.Parallel()
	for name, sheets := range map[string][]*ziping.Sheet{
		"none":      nil,
		"duplicate": {{Name: "表"}, {Name: "表"}},
		"bad name":  {{Name: "a/b"}},
	} {
		if err := WriteSheet(&bytes.Buffer{}, sheets...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
