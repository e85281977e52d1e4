package xlsx

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func TestWriteXLSXRoundTrip(t *testing.T) {
	t.Parallel()
	tables := []Table{
		{
			Sheet:  "学校",
			Header: []string{"学校代码", "学校名称", "在校生数", "教学仪器设备值(元)"},
			Rows: [][]any{
				{"9901010001", "青山县实验小学", 1520, 3456789.5},
				{"9901010002", "青山县第二小学", 880, ""},
				{"9901010003", "石门镇中心小学", 0, math.NaN()},
			},
		},
		{Sheet: "区县", Header: []string{"区县代码", "社会认可度"}, Rows: [][]any{{"990101", 91.25}}},
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tables); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if got, want := f.GetSheetList(), []string{"学校", "区县"}; !cmp.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	wantRows := map[string][][]string{
		"学校": {
			{"学校代码", "学校名称", "在校生数", "教学仪器设备值(元)"},
			{"9901010001", "青山县实验小学", "1520", "3456789.5"},
			{"9901010002", "青山县第二小学", "880"},
			{"9901010003", "石门镇中心小学", "0"},
		},
		"区县": {{"区县代码", "社会认可度"}, {"990101", "91.25"}},
	}
	for sheet, want := range wantRows {
		got, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("sheet %s rows (-want +got):\n%s", sheet, diff)
		}
	}
	checkHeaderFormat(t, f, "学校")
}

// checkHeaderFormat checks the header is bold and frozen and the text columns are
// wide enough for their Chinese header.
func checkHeaderFormat(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	style, err := f.GetCellStyle(sheet, "B1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v, want bold", st.Font)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	w, err := f.GetColWidth(sheet, "B")
	if err != nil {
		t.Fatal(err)
	}
	if w < 16 {
		t.Errorf("width of 学校名称 column = %v, want at least 16", w)
	}
}

func TestWriteXLSXRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tables []Table
		want   string
	}{
		{"none", nil, "no tables"},
		{"duplicate", []Table{{Sheet: "A"}, {Sheet: "a"}}, "duplicate sheet name"},
		{"bad name", []Table{{Sheet: "a/b"}}, "sheet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := WriteXLSX(&bytes.Buffer{}, tt.tables)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	t.Parallel()
	tab := Table{
		Sheet:  "ignored",
		Header: []string{"学校名称", "在校生数", "教学仪器设备值(元)", "备注"},
		Rows: [][]any{
			{"青山县实验小学", 1520, 1e21, "a,b"},
			{"石门镇中心小学", int64(-3), 0.000001, `说"好"`},
			{"", "", math.NaN(), "two\nlines"},
			{"短行", 2.5},
		},
	}
	const want = "\uFEFF学校名称,在校生数,教学仪器设备值(元),备注\r\n" +
		"青山县实验小学,1520,1000000000000000000000,\"a,b\"\r\n" +
		"石门镇中心小学,-3,0.000001,\"说\"\"好\"\"\"\r\n" +
		",,,\"two\nlines\"\r\n" +
		"短行,2.5\r\n"
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tab); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
}

func TestWriteCSVAllocations(t *testing.T) {
	row := []any{"9901010001", "青山县实验小学", 1520, 3456789.5, 2000, "a,b"}
	tab := Table{Header: []string{"a"}, Rows: make([][]any, 1000)}
	for i := range tab.Rows {
		tab.Rows[i] = row
	}
	allocs := testing.AllocsPerRun(5, func() {
		if err := WriteCSV(discard{}, tab); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 10 {
		t.Errorf("WriteCSV of 1000 rows made %v allocations, want a handful", allocs)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func BenchmarkWriteCSV(b *testing.B) {
	row := []any{2024, "9901010001", "青山县实验小学", "990101", "青山县", "小学", "小学", "公办",
		1520, "", "", "", 34, 20, 10, 4, 0, 0, 90, 85, 20, 15, 90, 7100.5, 11500.0, 3456789.0, 36, 3, 3}
	tab := Table{Rows: make([][]any, 10000)}
	for i := range tab.Rows {
		tab.Rows[i] = row
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(discard{}, tab); err != nil {
			b.Fatal(err)
		}
	}
}
