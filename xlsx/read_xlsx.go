package xlsx

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"ziping"
)

// readXLSX reads every sheet of a workbook that holds a school or facts table.
func (r *reader) readXLSX(in Input) error { return r.readWorkbook(in, true) }

// readWorkbook reads every sheet of a workbook that holds a school or facts table,
// with raw cell values: number formats would round what users typed. scan reads
// the sheets' XML with the sheet scanner, which leaves what it does not read to
// excelize's row iterator; without scan every sheet goes through the iterator.
func (r *reader) readWorkbook(in Input, scan bool) error {
	// Keep worksheets of up to 16 MB (about 15,000 rows) in memory, where the sheet
	// scanner reads them fastest; excelize spills larger ones to temporary files and
	// the scanner streams them from the zip (issue 12.4: a 200,000-row sheet held
	// whole took 220 MB, twice that counting the garbage collector's headroom).
	xmlLimit := int64(DefaultUnzipXMLSizeLimit)
	if r.opt.UnzipXMLSizeLimit > 0 {
		xmlLimit = r.opt.UnzipXMLSizeLimit
	}
	if r.opt.UnzipSizeLimit > 0 {
		xmlLimit = min(xmlLimit, r.opt.UnzipSizeLimit)
		if err := checkUnzipSize(in, r.opt.UnzipSizeLimit); err != nil {
			return err
		}
	}
	f, err := excelize.OpenReader(io.NewSectionReader(in.R, 0, in.Size), excelize.Options{UnzipSizeLimit: r.opt.UnzipSizeLimit, UnzipXMLSizeLimit: xmlLimit})
	if err != nil {
		return &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」：不是有效的 xlsx 文件", in.Name), Err: err}
	}
	defer f.Close()
	var book *sheetBook
	if scan {
		// The parts excelize spilled are read again from the zip: its temporary
		// files are its own.
		zr, err := zip.NewReader(in.R, in.Size)
		if err != nil {
			zr = nil // excelize read it: leave the large sheets to its iterator
		}
		book = newSheetBook(f, zr)
		if r.window > 0 {
			book.window = r.window
		}
	}
	found := false
	var skipped []string
	for _, sheet := range f.GetSheetList() {
		ok, err := r.readSheet(f, book, in.Name, sheet)
		if err != nil {
			return &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」的工作表「%s」", in.Name, sheet), Err: err}
		}
		found = found || ok
		if !ok {
			skipped = append(skipped, sheet)
		}
	}
	if !found {
		r.fileError(in.Name, reasonNoTable)
		return nil
	}
	for _, sheet := range skipped {
		r.skipSheet(in.Name, sheet)
	}
	return nil
}

// DefaultUnzipXMLSizeLimit is the size of a worksheet above which it is not
// kept in memory while read (ReadOptions.UnzipXMLSizeLimit).
const DefaultUnzipXMLSizeLimit = 16 << 20

// checkUnzipSize refuses a workbook whose parts would inflate to more than limit
// bytes, before anything is inflated. archive/zip stops a part that inflates to more
// than its declared size, so the declared sizes bound what excelize will read.
func checkUnzipSize(in Input, limit int64) error {
	zr, err := zip.NewReader(in.R, in.Size)
	if err != nil {
		return &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」：不是有效的 xlsx 文件", in.Name), Err: err}
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(limit) || zf.UncompressedSize64 > uint64(limit) {
			return &ziping.Error{Kind: ziping.Invalid, Err: fmt.Errorf("xlsx %s: unzipped size over %d bytes", in.Name, limit),
				Msg: fmt.Sprintf("文件「%s」解压后超过%d MB的上限（可能是恶意构造的压缩文件），已拒绝", in.Name, limit>>20)}
		}
	}
	return nil
}

// readSheet reads one sheet, with the scanner when book is not nil; ok is false
// when it holds no table.
func (r *reader) readSheet(f *excelize.File, book *sheetBook, file, sheet string) (ok bool, err error) {
	rows := &sheetRows{r: r, f: f, file: file, sheet: sheet}
	if book != nil {
		if scanned, err := book.read(sheet, rows.row); err != nil || scanned {
			return rows.done(), err
		}
	}
	return rows.iterate()
}

// sheetRows finds the table among the rows of a sheet, handed to it in order,
// every row number from 1, and passes the rows under its header to the table.
type sheetRows struct {
	r           *reader
	f           *excelize.File
	file, sheet string
	t           *table
	sink        rowSink
}

// row takes row n; it returns false when no table can follow.
func (s *sheetRows) row(n int, cells []string) bool {
	s.r.stepped()
	if s.t != nil {
		s.sink.row(n, cells)
		return true
	}
	if n > maxTitleRows+1 {
		return false
	}
	if kind := detectKind(cells); kind != kindNone {
		s.t = s.r.newTable(kind, s.file, s.sheet, n)
		s.r.header(s.t, cells)
		s.sink = s.r.sheetSink(s.t, s.f, s.sheet)
	}
	return true
}

// done files the rows taken; it reports whether the sheet holds a table.
func (s *sheetRows) done() bool {
	switch p := s.sink.(type) {
	case *schoolPart:
		p.done()
		s.t.schools = append(s.t.schools, p)
	case *factsPart:
		s.t.facts = append(s.t.facts, p)
	}
	return s.t != nil
}

// iterate reads the sheet with excelize's row iterator.
func (s *sheetRows) iterate() (bool, error) {
	rows, err := s.f.Rows(s.sheet)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	raw := excelize.Options{RawCellValue: true}
	// Next is called once per row number, empty rows included, so n is the row
	// number the spreadsheet shows.
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(raw)
		if err != nil {
			return false, err
		}
		if !s.row(n, cells) {
			return false, nil
		}
	}
	if err := rows.Error(); err != nil {
		return false, err
	}
	return s.done(), nil
}

// sheetSink makes the part that takes the rows of a sheet's table.
func (r *reader) sheetSink(t *table, f *excelize.File, sheet string) rowSink {
	if t.kind == kindSchools {
		return newSchoolPart(t, 0, nil, 0)
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
