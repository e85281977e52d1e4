package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"ziping"
)

// readXLSX reads every sheet of a workbook that holds a school or facts table. Rows
// are streamed with raw cell values: number formats would round what users typed.
func (r *reader) readXLSX(in Input) error {
	// Keep worksheets of up to 256 MB (about 250,000 rows) in memory: excelize
	// spills larger ones, by default from 16 MB, to temporary files.
	f, err := excelize.OpenReader(io.NewSectionReader(in.R, 0, in.Size), excelize.Options{UnzipXMLSizeLimit: 256 << 20})
	if err != nil {
		return &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」：不是有效的 xlsx 文件", in.Name), Err: err}
	}
	defer f.Close()
	found := false
	for _, sheet := range f.GetSheetList() {
		ok, err := r.readSheet(f, in.Name, sheet)
		if err != nil {
			return &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」的工作表「%s」", in.Name, sheet), Err: err}
		}
		found = found || ok
	}
	if !found {
		r.fileError(in.Name, reasonNoTable)
	}
	return nil
}

// readSheet reads one sheet; ok is false when it holds no table.
func (r *reader) readSheet(f *excelize.File, file, sheet string) (ok bool, err error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var t *table
	var sink rowSink
	raw := excelize.Options{RawCellValue: true}
	// Next is called once per row number, empty rows included, so n is the row
	// number the spreadsheet shows.
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(raw)
		if err != nil {
			return false, err
		}
		if t != nil {
			sink.row(n, cells)
			continue
		}
		if n > maxTitleRows+1 {
			return false, nil
		}
		if kind := detectKind(cells); kind != kindNone {
			t = r.newTable(kind, file, sheet, n)
			r.header(t, cells)
			sink = r.sheetSink(t, f, sheet)
		}
	}
	if err := rows.Error(); err != nil {
		return false, err
	}
	if t == nil {
		return false, nil
	}
	switch p := sink.(type) {
	case *schoolPart:
		p.done()
		t.schools = append(t.schools, p)
	case *factsPart:
		t.facts = append(t.facts, p)
	}
	return true, nil
}

// sheetSink makes the part that takes the rows of a sheet's table.
func (r *reader) sheetSink(t *table, f *excelize.File, sheet string) rowSink {
	if t.kind == kindSchools {
		return newSchoolPart(t, 0)
	}
	return newFactsPart(t, percentStyle(f, sheet))
}

// percentStyle returns a function telling whether a cell (0-based column, 1-based
// row) has a percent number format: such a cell holds 0.85 and shows 85%. Styles
// are looked up only for percent elements, which only facts tables have.
func percentStyle(f *excelize.File, sheet string) func(col, row int) bool {
	known := map[int]bool{}
	return func(col, row int) bool {
		cell, err := excelize.CoordinatesToCellName(col+1, row)
		if err != nil {
			return false
		}
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			return false
		}
		pct, ok := known[id]
		if !ok {
			pct = isPercentStyle(f, id)
			known[id] = pct
		}
		return pct
	}
}

// isPercentStyle reports whether style id formats numbers as percentages: built-in
// formats 9 (0%) and 10 (0.00%), or a custom format with a percent sign.
func isPercentStyle(f *excelize.File, id int) bool {
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		return false
	}
	if st.NumFmt == 9 || st.NumFmt == 10 {
		return true
	}
	return st.CustomNumFmt != nil && strings.Contains(*st.CustomNumFmt, "%")
}
