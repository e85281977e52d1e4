package xlsx

import (
	"bytes"
	"errors"
	"hash/maphash"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"ziping"
	"ziping/engine"
)

// scanRow is a row as the importer is handed it: its number and cells.
type scanRow struct {
	N     int
	Cells []string
}

// iteratorRows reads every row of a sheet with excelize's iterator, the way
// sheetRows.iterate does but without stopping.
func iteratorRows(f *excelize.File, sheet string) ([]scanRow, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scanRow
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return out, err
		}
		out = append(out, scanRow{n, cells})
	}
	return out, rows.Error()
}

// scannedRows reads every row of a sheet with the scanner; ok is false when the
// scanner leaves the sheet to excelize.
func scannedRows(f *excelize.File, sheet string) (rows []scanRow, ok bool, err error) {
	ok, err = newSheetBook(f, nil).read(sheet, func(n int, cells []string) bool {
		rows = append(rows, scanRow{n, slices.Clone(cells)})
		return true
	})
	return rows, ok, err
}

// openBook opens workbook bytes as readWorkbook does.
func openBook(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipXMLSizeLimit: 256 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// compareSheets checks that the scanner reads every sheet of a workbook, and
// exactly as excelize's iterator does.
func compareSheets(t *testing.T, data []byte) {
	t.Helper()
	f := openBook(t, data)
	for _, sheet := range f.GetSheetList() {
		want, err := iteratorRows(openBook(t, data), sheet)
		if err != nil {
			t.Fatalf("sheet %s: iterator: %v", sheet, err)
		}
		got, ok, err := scannedRows(f, sheet)
		if err != nil || !ok {
			data, _ := pkgPart(f, newSheetBook(f, nil).parts[sheet])
			t.Fatalf("sheet %s: scanner took it %v, error %v; check: %v", sheet, ok, err, scanSheet(data, nil, nil))
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("sheet %s: rows (-iterator +scanner):\n%s", sheet, diff)
		}
	}
}

func TestScanMatchesIteratorMixed(t *testing.T) {
	t.Parallel()
	compareSheets(t, mixedBook(t))
}

func TestScanMatchesIteratorExcelXML(t *testing.T) {
	t.Parallel()
	compareSheets(t, excelBook(t, excelSheet, excelSST))
}

// TestScanRichSharedStrings: shared strings with run properties come from
// excelize's table; the sheet is still scanned.
func TestScanRichSharedStrings(t *testing.T) {
	t.Parallel()
	data := bookBytes(t, func(f *excelize.File) error {
		if err := set(f, "Sheet1", "A1", "学校代码", "B2", "普通"); err != nil {
			return err
		}
		return f.SetCellRichText("Sheet1", "A2", []excelize.RichTextRun{
			{Text: "红色", Font: &excelize.Font{Color: "FF0000", Bold: true}}, {Text: "黑色_x0041_"}})
	})
	f := openBook(t, data)
	sst, _ := pkgPart(f, sstPart)
	if _, ok := sharedStrings(sst); ok {
		t.Fatalf("shared strings with run properties read as plain text:\n%s", sst)
	}
	compareSheets(t, data)
}

// TestSharedStringsMatchExcelize compares the scanner's shared strings with
// excelize's table.
func TestSharedStringsMatchExcelize(t *testing.T) {
	t.Parallel()
	for name, data := range map[string][]byte{"mixed": mixedBook(t), "excel": excelBook(t, excelSheet, excelSST)} {
		f := openBook(t, data)
		part, _ := pkgPart(f, sstPart)
		got, ok := sharedStrings(part)
		if !ok {
			t.Fatalf("%s: shared strings left to excelize", name)
		}
		if _, err := iteratorRows(f, f.GetSheetList()[0]); err != nil { // loads excelize's table
			t.Fatal(err)
		}
		var want []string
		for i := range f.SharedStrings.SI {
			want = append(want, f.SharedStrings.SI[i].String())
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: shared strings (-excelize +scanner):\n%s", name, diff)
		}
	}
}

// TestScanText: character data is decoded as encoding/xml decodes it for
// excelize, or refused.
func TestScanText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cell string
		want       string // "" for refused
	}{
		{"entities", `<c><v>a&amp;b&lt;&gt;&quot;&apos;</v></c>`, `a&b<>"'`},
		{"character references", `<c><v>&#20013;&#x6587;&#x4e2D;</v></c>`, "中文中"},
		{"line ends", "<c><v>a\r\nb\rc\n</v></c>", "a\nb\nc\n"},
		{"escaped CR", "<c><v>&#13;\n</v></c>", "\r\n"},
		{"escapes", `<c t="inlineStr"><is><t>_x0041__x005F_x0042__xD800_</t></is></c>`, "A_x0042_"},
		{"]]> in text", `<c><v>x]]&gt;]]>y</v></c>`, ""},
		{"NUL reference", `<c><v>&#0;</v></c>`, ""},
		{"surrogate reference", `<c><v>&#xD800;</v></c>`, ""},
		{"unknown entity", `<c><v>&nbsp;</v></c>`, ""},
		{"upper-case X", `<c><v>&#X41;</v></c>`, ""},
		{"control character", "<c><v>a\x01</v></c>", ""},
		{"invalid UTF-8", "<c><v>a\xff</v></c>", ""},
		{"non-character", "<c><v>a\uFFFE</v></c>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			xml := `<worksheet><sheetData><row>` + tt.cell + `</row></sheetData></worksheet>`
			var got []string
			err := scanSheet([]byte(xml), nil, func(_ int, cells []string) bool {
				got = slices.Clone(cells)
				return true
			})
			if tt.want == "" {
				if !errors.Is(err, errScan) {
					t.Errorf("got %q, %v; want it refused", got, err)
				}
				return
			}
			if err != nil || len(got) != 1 || got[0] != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
			rows, err := iteratorRows(openBook(t, excelBook(t, xml, "")), "Sheet1")
			if err != nil || len(rows) != 1 || !slices.Equal(rows[0].Cells, got) {
				t.Errorf("excelize reads %v, %v", rows, err)
			}
		})
	}
}

// TestScanFallback: XML outside what the scanner reads goes to excelize, which
// decides what it means; the importer reads the same either way.
func TestScanFallback(t *testing.T) {
	t.Parallel()
	head := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	hdr := `<row r="1"><c r="A1" t="inlineStr"><is><t>区县代码</t></is></c><c r="B1" t="inlineStr"><is><t>区县名称</t></is></c><c r="C1" t="inlineStr"><is><t>年度</t></is></c></row>`
	good := `<row r="2"><c r="A2" t="inlineStr"><is><t>330102</t></is></c><c r="B2" t="inlineStr"><is><t>西湖区</t></is></c><c r="C2"><v>2024</v></c></row>`
	tail := `</sheetData></worksheet>`
	tests := []struct {
		name, xml string
		read      bool // the importer reads unit 330102 from it
	}{
		{"comment", head + hdr + `<!-- note -->` + good + tail, true},
		{"cdata", head + hdr + `<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[330102]]></t></is></c><c r="B2" t="inlineStr"><is><t>西湖区</t></is></c><c r="C2"><v>2024</v></c></row>` + tail, true},
		{"cells out of order", head + hdr + `<row r="2"><c r="B2" t="inlineStr"><is><t>西湖区</t></is></c><c r="A2" t="inlineStr"><is><t>330102</t></is></c><c r="C2"><v>2024</v></c></row>` + tail, false},
		{"rows out of order", head + good + hdr + tail, false},
		{"prefixed elements", head + hdr + `<x:row r="2"><x:c r="A2"><x:v>330102</x:v></x:c></x:row>` + good + tail, false},
		{"run properties", head + hdr + `<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>330102</t></r></is></c><c r="B2" t="inlineStr"><is><t>西湖区</t></is></c><c r="C2"><v>2024</v></c></row>` + tail, true},
		{"unknown cell content", head + hdr + `<row r="2"><c r="A2"><v>330102</v><extLst/></c><c r="B2" t="inlineStr"><is><t>西湖区</t></is></c><c r="C2"><v>2024</v></c></row>` + tail, true},
		{"bad entity", head + hdr + `<row r="2"><c r="A2"><v>330102</v></c><c r="B2" t="inlineStr"><is><t>西湖&nbsp;区</t></is></c><c r="C2"><v>2024</v></c></row>` + tail, false},
		{"row after sheetData", head + hdr + tail[:len(`</sheetData>`)] + `<extLst><row r="2"><c r="A2"><v>330102</v></c></row></extLst></worksheet>`, false},
		{"lower-case reference", head + hdr + `<row r="2"><c r="a2"><v>330102</v></c><c r="B2" t="inlineStr"><is><t>西湖区</t></is></c><c r="C2"><v>2024</v></c></row>` + tail, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := scanSheet([]byte(tt.xml), nil, nil); !errors.Is(err, errScan) {
				t.Fatalf("scanner read it: %v", err)
			}
			data := excelBook(t, tt.xml, "")
			got, ok, err := scannedRows(openBook(t, data), "Sheet1")
			if ok || err != nil || got != nil {
				t.Fatalf("scanner took it: %v, %v, %v", ok, err, got)
			}
			ds, err := sameResult(t, ReadOptions{}, bookInput("f.xlsx", data))
			if !tt.read {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]engine.Unit{{Code: "330102", Name: "西湖区"}}, ds.Units); diff != "" {
				t.Errorf("units (-want +got):\n%s", diff)
			}
		})
	}
}

// readWith reads inputs as ReadFrom does, with or without the sheet scanner.
func readWith(inputs []Input, opt ReadOptions, scan bool) (*engine.Dataset, error) {
	r := &reader{opt: opt, weights: opt.Split, seed: maphash.MakeSeed()}
	if r.weights == (engine.SplitWeights{}) {
		r.weights = engine.DefaultSplitWeights()
	}
	r.dicts[kindSchools] = newDictionary(kindSchools)
	r.dicts[kindFacts] = newDictionary(kindFacts)
	for _, in := range inputs {
		if err := r.readWorkbook(in, scan); err != nil {
			return nil, err
		}
	}
	return r.build()
}

// sameResult reads the inputs with the scanner, with excelize's iterator alone
// and through ReadFrom: the three must give the same Dataset or the same errors.
func sameResult(t *testing.T, opt ReadOptions, inputs ...func() Input) (*engine.Dataset, error) {
	t.Helper()
	open := func() []Input {
		var ins []Input
		for _, in := range inputs {
			ins = append(ins, in())
		}
		return ins
	}
	ds, err := readWith(open(), opt, true)
	slowDS, slowErr := readWith(open(), opt, false)
	pubDS, pubErr := ReadFrom(open(), opt)
	opts := cmp.Options{cmpopts.EquateNaNs(), cmpopts.EquateEmpty()}
	if diff := cmp.Diff(slowDS, ds, opts); diff != "" {
		t.Errorf("dataset (-iterator +scanner):\n%s", diff)
	}
	if diff := cmp.Diff(ds, pubDS, opts); diff != "" {
		t.Errorf("dataset (-scanner +ReadFrom):\n%s", diff)
	}
	if diff := cmp.Diff(errorReport(slowErr), errorReport(err)); diff != "" {
		t.Errorf("errors (-iterator +scanner):\n%s", diff)
	}
	if diff := cmp.Diff(errorReport(err), errorReport(pubErr)); diff != "" {
		t.Errorf("errors (-scanner +ReadFrom):\n%s", diff)
	}
	return ds, err
}

// errorReport is what a user is shown of an error.
func errorReport(err error) any {
	var ie *ziping.ImportError
	var e *ziping.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		return ie.Cells
	case errors.As(err, &e):
		return []any{e.Kind, e.Msg}
	}
	return err.Error()
}

// TestReadScanMatchesIterator reads school and facts workbooks both ways.
func TestReadScanMatchesIterator(t *testing.T) {
	t.Parallel()
	schools, facts := schoolsBook(t), factsBook(t)
	ds, err := sameResult(t, ReadOptions{}, bookInput("区县.xlsx", facts), bookInput("学校.xlsx", schools))
	if err != nil {
		t.Fatal(err)
	}
	if n := ds.Periods[2024].Schools.Len(); n < 290 {
		t.Errorf("got %d schools, want about 300", n)
	}
	// 0.85 formatted as a percentage, and "91%" as text
	if got := fact(&ds.Periods[2024].Facts, "satisfaction")[:2]; got[0] != 85 || got[1] != 91 {
		t.Errorf("got satisfaction %v, want 85 and 91", got)
	}
	compareSheets(t, schools)
	compareSheets(t, facts)
}

// TestReadScanErrorsMatchIterator: a bad workbook gets the same report, sheet,
// row and column letters included, either way.
func TestReadScanErrorsMatchIterator(t *testing.T) {
	t.Parallel()
	data := bookBytes(t, func(f *excelize.File) error {
		if err := f.SetSheetName("Sheet1", "学校&<表>"); err != nil {
			return err
		}
		rows := [][]any{
			{"标题"},
			{"学校代码", "学校名称", "区县代码", "学段", "办学类型", "年度", "在校生数", "班级数", nil, "专任教师数"},
			{"3301000001", "甲小学", "330102", "小学", "公办", 2024, 600, 14, nil, 40},
			{"3301000002", "", "33010", "大学", "合办", "二〇二四", "六百", -1, nil, 3.5},
			nil,
			{"3301000001", "甲小学", "330102", "小学", "公办", 2024, 600, "十四", "备注", nil},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("学校&<表>", cell, &r); err != nil {
				return err
			}
		}
		return nil
	})
	_, err := sameResult(t, ReadOptions{}, bookInput("bad.xlsx", data))
	type ce = ziping.CellError
	sh := "学校&<表>"
	want := []ce{
		{File: "bad.xlsx", Sheet: sh, Row: 4, Column: "B 学校名称", Reason: "不能为空"},
		{File: "bad.xlsx", Sheet: sh, Row: 4, Column: "C 区县代码", Value: "33010", Reason: "区县代码应为6位数字"},
		{File: "bad.xlsx", Sheet: sh, Row: 4, Column: "D 学段", Value: "大学", Reason: "无法识别的学段（应为小学、初中、高中、九年一贯制、十二年一贯制、完全中学或幼儿园）"},
		{File: "bad.xlsx", Sheet: sh, Row: 4, Column: "E 办学类型", Value: "合办", Reason: "无法识别的办学类型（应为公办或民办）"},
		{File: "bad.xlsx", Sheet: sh, Row: 4, Column: "F 年度", Value: "二〇二四", Reason: "年度应为四位年份，如2024"},
		{File: "bad.xlsx", Sheet: sh, Row: 4, Column: "G 在校生数", Value: "六百", Reason: "不是数字"},
		{File: "bad.xlsx", Sheet: sh, Row: 4, Column: "H 班级数", Value: "-1", Reason: "不能为负数"},
		{File: "bad.xlsx", Sheet: sh, Row: 4, Column: "J 专任教师数", Value: "3.5", Reason: "应为整数"},
		{File: "bad.xlsx", Sheet: sh, Row: 6, Column: "A 学校代码", Value: "3301000001", Reason: "与第3行重复（同一年度同一学段（小学）的学校代码不能重复）"},
		{File: "bad.xlsx", Sheet: sh, Row: 6, Column: "H 班级数", Value: "十四", Reason: "不是数字"},
		{File: "bad.xlsx", Sheet: sh, Row: 6, Column: "J 专任教师数", Reason: "缺少数值（没有请填0）"},
	}
	if diff := cmp.Diff(want, cellErrors(t, err)); diff != "" {
		t.Errorf("cell errors (-want +got):\n%s", diff)
	}
}

// BenchmarkSheetScanner scans the worksheet of BenchmarkReadXLSX20k: checking
// it, then handing out its rows.
func BenchmarkSheetScanner(b *testing.B) {
	path := filepath.Join(b.TempDir(), "schools.xlsx")
	writeXLSX(b, path, genSchools(2, 20_000, 300))
	f, err := excelize.OpenFile(path, excelize.Options{UnzipXMLSizeLimit: 256 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	data, _ := pkgPart(f, "xl/worksheets/sheet1.xml")
	b.SetBytes(int64(len(data)))
	emit := func(int, []string) bool { return true }
	for b.Loop() {
		if err := scanSheet(data, nil, nil); err != nil {
			b.Fatal(err)
		}
		if err := scanSheet(data, nil, emit); err != nil {
			b.Fatal(err)
		}
	}
}
