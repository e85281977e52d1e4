package xlsx

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"ziping"
)

// wjxHeader is the start of a 问卷星 export's header row.
var wjxHeader = []string{"序号", "提交答卷时间", "所用时间", "来自IP", "1、您对本县义务教育学校办学条件的满意程度", "2、您的意见和建议"}

func TestReadTextCSV(t *testing.T) {
	utf := "\uFEFF" + strings.Join(wjxHeader, ",") + "\r\n" +
		"1,2024/5/6 9:01:02,95秒,1.2.3.4(江苏-南京),很满意,\r\n" +
		"\r\n" + // a blank row keeps its place
		`2,2024/5/6 9:03:00,120秒,5.6.7.8,满意,"操场小，` + "\n" + `希望扩建"` + "\r\n" +
		"3,2024/5/6 9:04:00,  88秒 ,9.9.9.9,不满意,\"他说\"\"好\"\"\",,,\r\n" +
		",,,,,\r\n" // trailing empty rows are dropped
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(strings.TrimPrefix(utf, "\uFEFF")))
	if err != nil {
		t.Fatal(err)
	}
	want := &ziping.TextTable{File: "答卷.csv", Header: wjxHeader, FirstRow: 2, Rows: [][]string{
		{"1", "2024/5/6 9:01:02", "95秒", "1.2.3.4(江苏-南京)", "很满意"},
		nil,
		{"2", "2024/5/6 9:03:00", "120秒", "5.6.7.8", "满意", "操场小，\n希望扩建"},
		{"3", "2024/5/6 9:04:00", "88秒", "9.9.9.9", "不满意", `他说"好"`},
	}}
	for name, data := range map[string][]byte{"UTF-8 with BOM": []byte(utf), "GBK": gbk} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadText("某地/答卷.csv", data, TextLimits{})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestReadTextXLSX: the first sheet with a cell; title rows above the header are
// skipped, empty rows keep their places, numbers are shown as Excel formats them.
func TestReadTextXLSX(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "空表")
	if _, err := f.NewSheet("答卷"); err != nil {
		t.Fatal(err)
	}
	rows := map[string][]any{
		"A2": {"序号", "所用时间", "1、满意程度"},
		"A3": {1, "95秒", "很满意"},
		"A5": {2, 120.5, "满意"}, // row 4 is empty
	}
	for cell, r := range rows {
		if err := f.SetSheetRow("答卷", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := ReadText("答卷.xlsx", b.Bytes(), TextLimits{})
	if err != nil {
		t.Fatal(err)
	}
	want := &ziping.TextTable{File: "答卷.xlsx", Sheet: "答卷", Header: []string{"序号", "所用时间", "1、满意程度"}, FirstRow: 3,
		Rows: [][]string{{"1", "95秒", "很满意"}, {}, {"2", "120.5", "满意"}}}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b []string) bool { return strings.Join(a, "|") == strings.Join(b, "|") })); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestReadTextRefuses(t *testing.T) {
	many := "a\n" + strings.Repeat("1\n", 11)
	for _, tc := range []struct {
		name, file, data string
		lim              TextLimits
		want             string
	}{
		{"type", "答卷.xls", "x", TextLimits{}, "类型不支持"},
		{"empty", "答卷.csv", "\n,,\n", TextLimits{}, "没有表头"},
		{"rows", "答卷.csv", many, TextLimits{MaxRows: 10}, "超过10行的上限"},
		{"columns", "答卷.csv", "a,b,c\n1,2,3,4\n", TextLimits{MaxColumns: 3}, "第2行有4列"},
		{"cell", "答卷.csv", "a\n" + strings.Repeat("字", 30) + "\n", TextLimits{MaxCell: 64}, "第2行第1列的内容过长"},
		{"not xlsx", "答卷.xlsx", "PK\x03\x04 not really", TextLimits{}, "不是有效的 xlsx 文件"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadText(tc.file, []byte(tc.data), tc.lim)
			if err == nil || ziping.ErrorKind(err) != ziping.Invalid || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadText: %v, want an Invalid error containing %q", err, tc.want)
			}
		})
	}
}

// FuzzReadText: any CSV bytes give a table or an Invalid error, never a panic, and
// the table's rows fit the limits.
func FuzzReadText(f *testing.F) {
	f.Add([]byte(strings.Join(wjxHeader, ",") + "\n1,\"a\nb\",很满意\n"))
	f.Add([]byte("\xEF\xBB\xBF\"unterminated\n,,\n"))
	f.Add([]byte{0xC4, 0xE3, ',', 0xBA, 0xC3, '\n'})
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ReadText("f.csv", data, TextLimits{MaxRows: 50, MaxColumns: 20, MaxCell: 200})
		if err != nil {
			if ziping.ErrorKind(err) != ziping.Invalid {
				t.Fatalf("error of kind %v: %v", ziping.ErrorKind(err), err)
			}
			return
		}
		if len(tab.Rows) > 50 || len(tab.Header) > 20 || len(tab.Header) == 0 || tab.FirstRow < 2 {
			t.Fatalf("table beyond the limits: %d rows, header %q, first row %d", len(tab.Rows), tab.Header, tab.FirstRow)
		}
	})
}
