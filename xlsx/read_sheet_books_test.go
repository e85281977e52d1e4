package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The workbooks that the sheet scanner tests read.

// bookBytes saves a workbook built by build.
func bookBytes(t testing.TB, build func(f *excelize.File) error) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := build(f); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withParts rewrites a workbook's zip with some parts replaced or added.
func withParts(t testing.TB, data []byte, parts map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, body []byte) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, zf := range zr.File {
		body, replaced := parts[zf.Name]
		if !replaced {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			old, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			rc.Close()
			body = string(old)
		}
		put(zf.Name, []byte(body))
	}
	for name, body := range parts {
		if _, err := zr.Open(name); err != nil {
			put(name, []byte(body))
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// set writes values to cells given as "A1", value, "C3", value, ...
func set(f *excelize.File, sheet string, kv ...any) error {
	for i := 0; i < len(kv); i += 2 {
		if err := f.SetCellValue(sheet, kv[i].(string), kv[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// mixedBook has what users' workbooks hold: a title above the header, shared
// strings with XML's special characters, full-width text, line breaks, numbers,
// a percent format, booleans, formulas, gaps in rows and columns, styled empty
// cells, and a second sheet written by the stream writer (inline strings,
// formulas with cached values).
func mixedBook(t testing.TB) []byte {
	return bookBytes(t, func(f *excelize.File) error {
		pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
		if err != nil {
			return err
		}
		if err := f.SetSheetName("Sheet1", "数据"); err != nil {
			return err
		}
		err = set(f, "数据",
			"A1", "2024年<学校>&“数据” 'x' \"y\"",
			"A3", "学校代码", "B3", "学校名称", "C3", "区县代码", "E3", "在校生数", "F3", "社会认可度",
			"A4", "3301000001", "B4", `甲&乙<丙>"丁"'戊'`, "C4", "３３０１０２", "E4", 600, "F4", 0.85,
			"B5", "　甲小学　", "D5", true, "E5", 12.5, "H5", -3,
			"A7", "第一行\n第二行", "B7", "a\r\nb\rc", "C7", "tab\there", "D7", "_x0041_ and _x", "E7", 1e-7,
			"A8", "  leading and trailing  ", "B8", "", "C8", 3301000001, "D8", false, "E8", 1234567.125,
		)
		if err != nil {
			return err
		}
		for _, c := range []string{"F4", "G6"} {
			if err := f.SetCellStyle("数据", c, c, pct); err != nil {
				return err
			}
		}
		if err := f.SetCellFormula("数据", "G4", "E4*2"); err != nil {
			return err
		}
		return streamSheet(f, "流式", pct)
	})
}

// streamSheet writes a sheet with the stream writer.
func streamSheet(f *excelize.File, name string, pct int) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	rows := map[string][]any{
		"A1": {"区县代码", "区县名称", "年度", "社会认可度", "合计"},
		"A2": {"330102", "西湖<区>&", 2024, excelize.Cell{StyleID: pct, Value: 0.875}, excelize.Cell{Formula: "C2+1", Value: 2025}},
		"B4": {"　", nil, "x", excelize.Cell{Formula: "B4&D4", Value: "x"}},
		"A5": {excelize.Cell{Formula: "1/0"}, true, 3.25},
	}
	for _, cell := range []string{"A1", "A2", "B4", "A5"} {
		if err := sw.SetRow(cell, rows[cell]); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// excelSheet is worksheet XML as Excel and other programs write it, with what
// excelize never writes: rows and cells without r, shared formulas, error and
// formula-string cells, character references, preserved spaces, rich text runs
// and line breaks between elements.
const excelSheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">` +
	`<dimension ref="A1:F9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="13.5" x14ac:dyDescent="0.15"/>` +
	`<cols><col min="1" max="1" width="12" customWidth="1"/></cols>` + "\r\n" +
	`<sheetData>` + "\r\n" +
	` <row r="1" spans="1:6" x14ac:dyDescent="0.15"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" s="2" t="s"><v>2</v></c><c t="s"><v>3</v></c></row>` + "\r\n" +
	` <row r="2" spans="1:6"><c r="A2" t="s"><v> 4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2"><v>110101</v></c><c r="D2" s="1"><v>0.85</v></c><c r="E2"><f>D2*100</f><v>85</v></c><c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>` + "\r\n" +
	` <row spans="1:6"><c><v>1</v></c><c r="C3" t="str"><f t="shared" ref="C3:C4" si="0">A3&amp;"x"</f><v>1x</v></c><c t="b"><v>1</v></c><c r="F3" s="3"/></row>` + "\r\n" +
	` <row r="5" customHeight="1" ht="20"><c r="A5" t="inlineStr"><is><t xml:space="preserve"> 前后 </t></is></c><c r="B5" t="inlineStr"><is><r><t>富</t></r><r><t xml:space="preserve">文本 </t></r></is></c>` +
	`<c r="C5" t="inlineStr"><is><r><t>b</t></r><t>a</t></is></c><c r="D5"><v>&#20013;&#x6587;&amp;&lt;&gt;&quot;&apos;</v></c><c r="E5" t="inlineStr"><is><t>_x000D_换行_x005F_x0041_</t></is></c></row>` + "\r\n" +
	` <row r="6"/>` + "\r\n" +
	` <row r="7"><c r="A7" t="s"><v>6</v></c><c r="B7" t="s"/><c r="C7" t="inlineStr"/><c r="D7" t="d"><v>2024-01-02T00:00:00Z</v></c><c r="E7" t="n"><v>-1.5E-3</v></c></row>` + "\r\n" +
	` <row r="9"><c r="B9" t="s"><v>7</v></c><c r="D9" t="s"><v>8</v></c><c r="F9"><f>SUM(A1:A2)</f><v></v></c></row>` + "\r\n" +
	`</sheetData><mergeCells count="1"><mergeCell ref="A9:B9"/></mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><rowBreaks count="1" manualBreakCount="1"><brk id="8" max="16383" man="1"/></rowBreaks></worksheet>`

// excelSST is the shared strings that excelSheet uses: plain items, an item
// with line breaks and an escaped CR, runs without properties, an empty item.
const excelSST = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
	`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9">` +
	`<si><t>学校代码</t></si><si><t>学校名称</t></si><si><t>区县代码</t></si><si><t xml:space="preserve">在校生数 </t></si>` + "\r\n" +
	`<si><t>3301000001</t></si><si><t>甲&amp;乙&#x4E19;</t></si><si><t>第一行` + "\r\n" + `第二行_x000D_</t></si>` +
	`<si><r><t>富</t></r><r><t>文本</t></r></si><si><t/></si></sst>`

// excelBook is a workbook whose first sheet and shared strings are the XML given.
func excelBook(t testing.TB, sheetXML, sstXML string) []byte {
	base := bookBytes(t, func(f *excelize.File) error {
		_, err := f.NewStyle(&excelize.Style{NumFmt: 9})
		return err
	})
	return withParts(t, base, map[string]string{"xl/worksheets/sheet1.xml": sheetXML, "xl/sharedStrings.xml": sstXML})
}

// bookInput wraps workbook bytes as an Input.
func bookInput(name string, data []byte) func() Input {
	return func() Input { return Input{Name: name, R: bytes.NewReader(data), Size: int64(len(data))} }
}

// schoolsBook is a school table under a title, with numbers as numbers, XML's
// special characters and full-width spaces in names, gaps in rows and columns,
// and a sheet without a table.
func schoolsBook(t testing.TB) []byte {
	return bookBytes(t, func(f *excelize.File) error {
		if err := f.SetSheetName("Sheet1", "学校"); err != nil {
			return err
		}
		rows := [][]any{{"2024年<学校>&“基础数据”"}, nil, {"学校代码", "学校名称", "区县代码", "区县名称", "学段", "学校类别", "办学类型", "年度", "在校生数", "小学在校生数", "初中在校生数", "班级数", "教学仪器设备值（万元）"}}
		for _, r := range genSchools(3, 300, 7)[1:] {
			row := make([]any, 0, 13)
			for j, c := range r[:11] {
				row = append(row, c)
				if v, err := strconv.ParseFloat(c, 64); err == nil && j >= 8 {
					row[j] = v
				}
			}
			rows = append(rows, append(row, r[11], 12.5))
		}
		rows[5][1] = `甲&乙<丙>"丁"'戊'`
		rows[6][1] = "　全角名称　"
		rows[7] = nil // an empty row in the table
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("学校", cell, &r); err != nil {
				return err
			}
		}
		if err := set(f, "学校", "D12", nil, "P20", "表外"); err != nil {
			return err
		}
		// A sheet without a table, longer than the title rows a header may
		// follow: reading stops at row 12, with the rest of the sheet unread.
		if _, err := f.NewSheet("说明"); err != nil {
			return err
		}
		for i := 1; i <= 20; i++ {
			if err := set(f, "说明", "A"+strconv.Itoa(i), "第"+strconv.Itoa(i)+"条说明"); err != nil {
				return err
			}
		}
		return nil
	})
}

// factsBook is a facts table under an empty row, with a percent-formatted cell
// and a percentage as text, and gaps in rows and columns.
func factsBook(t testing.TB) []byte {
	return bookBytes(t, func(f *excelize.File) error {
		pct, err := f.NewStyle(&excelize.Style{NumFmt: 9})
		if err != nil {
			return err
		}
		if err := f.SetSheetName("Sheet1", "区县"); err != nil {
			return err
		}
		err = set(f, "区县", "A2", "区县代码", "B2", "区县名称", "C2", "年度", "D2", "社会认可度", "F2", "在园幼儿数",
			"A3", "110000", "B3", "测试县110000", "C3", 2024, "D3", 0.85, "F3", 900,
			"A5", "110003", "B5", "测试县110003", "C5", "2024", "D5", "91%")
		if err != nil {
			return err
		}
		for k := 2; k < 7; k++ {
			code := strconv.Itoa(110000 + 3*k)
			if err := set(f, "区县", "A"+strconv.Itoa(4+2*k), code, "B"+strconv.Itoa(4+2*k), "测试县"+code, "C"+strconv.Itoa(4+2*k), 2024); err != nil {
				return err
			}
		}
		return f.SetCellStyle("区县", "D3", "D3", pct)
	})
}
