package xlsx

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"
)

// fuzzCells is about how many cells the fuzz tests compare: a row number such as
// 1048576, or a cell in column XFD, makes both readers hand out rows and cells by
// the million.
const fuzzCells = 20000

// FuzzSheetScanner feeds arbitrary bytes as worksheet XML: the scanner must not
// panic, and must either refuse the XML (errScan, so the importer falls back to
// excelize) or read exactly the rows excelize's iterator reads from it.
func FuzzSheetScanner(f *testing.F) {
	sst, ok := sharedStrings([]byte(excelSST))
	if !ok {
		f.Fatal("excelSST left to excelize")
	}
	base := excelBook(f, excelSheet, excelSST)
	book := openBook(f, mixedBook(f))
	for _, part := range []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} {
		data, _ := pkgPart(book, part)
		f.Add(data)
	}
	head := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	for _, s := range []string{
		excelSheet,
		head + `<row><c><v>1</v></c><c r="C1" t="s"><v>3</v></c><c><f>A1</f></c></row><row r="3"/></sheetData></worksheet>`,
		head + `<row r="2"><c r="B2" t="inlineStr"><is><r><t>a</t></r><t>&#x41;&amp;</t></is></c></row></sheetData><rowBreaks/></worksheet>`,
		head + "<row r=\"1\">\r\n<c r=\"A1\"><v>a\r\nb\rc</v></c></row></sheetData></worksheet>",
		head + `<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row></sheetData></worksheet>`,
		head + `</sheetData></worksheet>`,
		`<worksheet><sheetData/></worksheet>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []scanRow
		size := 0
		err := scanSheet(data, sst, func(n int, cells []string) bool {
			got = append(got, scanRow{n, slices.Clone(cells)})
			size += 1 + len(cells)
			return size < fuzzCells
		})
		if err != nil {
			if !errors.Is(err, errScan) {
				t.Fatalf("error not marked for the fallback: %v", err)
			}
			return
		}
		xf := openBook(t, withParts(t, base, map[string]string{"xl/worksheets/sheet1.xml": string(data)}))
		want, err := limitedRows(xf, "Sheet1", len(got))
		if err != nil {
			t.Fatalf("scanner read what excelize refuses (%v):\n%q", err, data)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("rows (-iterator +scanner):\n%s\nXML: %q", diff, data)
		}
	})
}

// limitedRows is iteratorRows for the first max rows.
func limitedRows(f *excelize.File, sheet string, max int) ([]scanRow, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scanRow
	for n := 1; len(out) < max && rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return out, err
		}
		out = append(out, scanRow{n, cells})
	}
	return out, rows.Error()
}

// FuzzSharedStrings feeds arbitrary bytes as the shared strings part: when the
// scanner reads them, excelize's table must hold the same strings.
func FuzzSharedStrings(f *testing.F) {
	base := bookBytes(f, func(xf *excelize.File) error { return xf.SetCellValue("Sheet1", "A1", 1) })
	rich := openBook(f, bookBytes(f, func(xf *excelize.File) error {
		return xf.SetCellRichText("Sheet1", "A1", []excelize.RichTextRun{{Text: "a", Font: &excelize.Font{Bold: true}}, {Text: "b"}})
	}))
	data, _ := pkgPart(rich, sstPart)
	f.Add(data)
	f.Add([]byte(excelSST))
	f.Add([]byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count=" 2"><si><t>_x005F_x0041__xD800_</t></si><si/></sst>`))
	f.Add([]byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`))
	f.Add([]byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount=" "><si><t>a</t></si></sst>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := sharedStrings(data)
		if !ok {
			return
		}
		xf := openBook(t, withParts(t, base, map[string]string{sstPart: string(data)}))
		if _, err := limitedRows(xf, "Sheet1", 1); err != nil {
			t.Fatalf("scanner read shared strings that excelize refuses (%v):\n%q", err, data)
		}
		var want []string
		for i := range xf.SharedStrings.SI {
			want = append(want, xf.SharedStrings.SI[i].String())
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("shared strings (-excelize +scanner):\n%s\nXML: %q", diff, data)
		}
	})
}
