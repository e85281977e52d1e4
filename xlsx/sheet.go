package xlsx

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"

	"ziping"
)

// WriteSheet writes the sheets as one workbook, one worksheet each in order, laid out
// like the score sheets: the title merged across the table, a header row with borders
// and fill, numbers as numbers, columns sized to their text (a Chinese character
// counts as two), the title and header frozen and repeated on every printed page, and
// the notes below the table.
func WriteSheet(w io.Writer, sheets ...*ziping.Sheet) error {
	if len(sheets) == 0 {
		return errors.New("xlsx: no sheets to write")
	}
	tables := make([]Table, len(sheets))
	for i, s := range sheets {
		tables[i] = Table{Sheet: s.Name, Header: s.Columns, Rows: s.Rows}
	}
	names, err := sheetNames(tables)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), names[0])
		} else {
			_, err = f.NewSheet(names[i])
		}
		if err == nil {
			err = writeDocSheet(f, st, names[i], s, &tables[i])
		}
		if err != nil {
			return fmt.Errorf("xlsx: sheet %q: %w", names[i], err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: write workbook: %w", err)
	}
	return nil
}

// writeDocSheet lays out one sheet: title in row 1, header in row 2, rows from 3.
func writeDocSheet(f *excelize.File, st *styles, sh string, s *ziping.Sheet, t *Table) error {
	ncol := max(len(s.Columns), 1)
	for _, r := range s.Rows {
		ncol = max(ncol, len(r))
	}
	widths := columnWidths(t, ncol)
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sh, col, col, wd); err != nil {
			return err
		}
	}
	f.SetCellValue(sh, "A1", s.Title)
	f.MergeCell(sh, "A1", cell(ncol, 1))
	f.SetCellStyle(sh, "A1", cell(ncol, 1), st.title)
	f.SetRowHeight(sh, 1, 32)
	head := make([]any, len(s.Columns))
	for i, c := range s.Columns {
		head[i] = c
	}
	f.SetSheetRow(sh, "A2", &head)
	f.SetCellStyle(sh, "A2", cell(ncol, 2), st.head)
	height := 18.0
	for i, c := range s.Columns {
		height = math.Max(height, rowHeight([]string{c}, widths[i]))
	}
	f.SetRowHeight(sh, 2, height)
	row := 3
	for _, r := range s.Rows {
		if err := writeDocRow(f, st, sh, row, r, ncol, widths); err != nil {
			return err
		}
		row++
	}
	writeNotes(f, st, sh, row+1, s.Notes, ncol, widths)
	if err := printSetup(f, sh, "$1:$2"); err != nil {
		return err
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// writeDocRow writes one data row: text wraps and is left-aligned, numbers are
// centred; the row is as tall as its most wrapped cell.
func writeDocRow(f *excelize.File, st *styles, sh string, row int, r []any, ncol int, widths []float64) error {
	vals := make([]any, len(r))
	for i, v := range r {
		vals[i] = xlsxValue(v)
	}
	if err := f.SetSheetRow(sh, cell(1, row), &vals); err != nil {
		return err
	}
	f.SetCellStyle(sh, cell(1, row), cell(ncol, row), st.wrap)
	height := 18.0
	for i, v := range vals {
		switch x := v.(type) {
		case string:
			height = math.Max(height, rowHeight([]string{x}, widths[i]))
		case nil:
		default:
			f.SetCellStyle(sh, cell(i+1, row), cell(i+1, row), st.cell)
		}
	}
	return f.SetRowHeight(sh, row, height)
}

// writeNotes writes each note on its own row from row on, merged across the table.
func writeNotes(f *excelize.File, st *styles, sh string, row int, notes []string, ncol int, widths []float64) {
	var total float64
	for _, w := range widths {
		total += w
	}
	for _, n := range notes {
		f.SetCellValue(sh, cell(1, row), n)
		f.MergeCell(sh, cell(1, row), cell(ncol, row))
		f.SetCellStyle(sh, cell(1, row), cell(ncol, row), st.note)
		f.SetRowHeight(sh, row, rowHeight([]string{n}, total))
		row++
	}
}
