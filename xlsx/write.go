package xlsx

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Table is one sheet (or one CSV file) of cells: a header row then data rows. A cell
// is a string, a float64 or an int (other integer types and nil are accepted too); an
// empty string, nil, NaN or ±Inf is written as an empty cell.
type Table struct {
	Sheet  string
	Header []string
	Rows   [][]any
}

// Excel limits the writer checks up front, so that a too-large table fails with a
// clear message instead of half-way through a stream.
const (
	maxSheetRows = excelize.TotalRows - 1 // one row is the header
	widthSample  = 500                    // data rows looked at to size the columns
	minColWidth  = 6
	maxColWidth  = 60
)

// WriteXLSX writes the tables as one workbook, one sheet per table in order, each
// with a bold, frozen header row and column widths fitted to the header and the first
// rows. Rows are streamed, so large tables (half a million rows) stay within modest
// memory; a sheet may hold at most 1,048,575 data rows.
func WriteXLSX(w io.Writer, tables []Table) error {
	if len(tables) == 0 {
		return errors.New("xlsx: no tables to write")
	}
	names, err := sheetNames(tables)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx: header style: %w", err)
	}
	for i := range tables {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), names[0])
		} else {
			_, err = f.NewSheet(names[i])
		}
		if err != nil {
			return fmt.Errorf("xlsx: sheet %q: %w", names[i], err)
		}
		if err := writeSheet(f, names[i], &tables[i], bold); err != nil {
			return fmt.Errorf("xlsx: sheet %q: %w", names[i], err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: write workbook: %w", err)
	}
	return nil
}

// sheetNames returns the sheet name of each table ("SheetN" when empty) and refuses
// names Excel would treat as the same sheet or that a sheet cannot hold.
func sheetNames(tables []Table) ([]string, error) {
	names := make([]string, len(tables))
	seen := make(map[string]bool, len(tables))
	for i, t := range tables {
		name := t.Sheet
		if name == "" {
			name = "Sheet" + strconv.Itoa(i+1)
		}
		key := strings.ToLower(name)
		if seen[key] {
			return nil, fmt.Errorf("xlsx: duplicate sheet name %q", name)
		}
		seen[key] = true
		if len(t.Rows) > maxSheetRows {
			return nil, fmt.Errorf("xlsx: sheet %q has %d rows, more than the %d a sheet can hold", name, len(t.Rows), maxSheetRows)
		}
		names[i] = name
	}
	return names, nil
}

func writeSheet(f *excelize.File, name string, t *Table, bold int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	ncol := len(t.Header)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	for c, wd := range columnWidths(t, ncol) {
		if err := sw.SetColWidth(c+1, c+1, wd); err != nil {
			return err
		}
	}
	if len(t.Header) > 0 {
		panes := &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}
		if err := sw.SetPanes(panes); err != nil {
			return err
		}
		head := make([]any, len(t.Header))
		for i, h := range t.Header {
			head[i] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
	}
	first := 1
	if len(t.Header) > 0 {
		first = 2
	}
	if err := writeRows(sw, t, first); err != nil {
		return err
	}
	return sw.Flush()
}

// writeRows streams the data rows from sheet row first on, through one reused buffer.
func writeRows(sw *excelize.StreamWriter, t *Table, first int) error {
	var buf []any
	for i, r := range t.Rows {
		buf = buf[:0]
		for _, v := range r {
			buf = append(buf, xlsxValue(v))
		}
		cell, err := excelize.CoordinatesToCellName(1, first+i)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, buf); err != nil {
			return fmt.Errorf("row %d: %w", first+i, err)
		}
	}
	return nil
}

// xlsxValue maps the cells that should stay empty to nil, which the stream writer
// skips; excelize would write NaN as the text "NaN".
func xlsxValue(v any) any {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	}
	return v
}

// columnWidths fits each column to its header and the first widthSample rows,
// counting a CJK character as two columns.
func columnWidths(t *Table, ncol int) []float64 {
	w := make([]int, ncol)
	for i, h := range t.Header {
		w[i] = displayWidth(h)
	}
	var scratch []byte
	for _, r := range t.Rows[:min(len(t.Rows), widthSample)] {
		for i, v := range r {
			scratch = appendCell(scratch[:0], v)
			w[i] = max(w[i], displayWidth(string(scratch)))
		}
	}
	out := make([]float64, ncol)
	for i, n := range w {
		out[i] = float64(min(max(n+2, minColWidth), maxColWidth))
	}
	return out
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// WriteCSV writes the table as CSV for Excel: UTF-8 with a byte-order mark, CRLF line
// ends, fields quoted only when they hold a comma, a quote or a line break, and
// numbers in plain decimal notation (never an exponent). The sheet name is not written.
func WriteCSV(w io.Writer, t Table) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	line := make([]byte, 0, 1024)
	if len(t.Header) > 0 {
		for i, h := range t.Header {
			if i > 0 {
				line = append(line, ',')
			}
			line = appendCSVString(line, h)
		}
		line = append(line, '\r', '\n')
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
	}
	for _, r := range t.Rows {
		line = line[:0]
		for i, v := range r {
			if i > 0 {
				line = append(line, ',')
			}
			line = appendCSVCell(line, v)
		}
		line = append(line, '\r', '\n')
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// appendCell appends the text of a non-string cell (a string unquoted), without
// allocating for the usual types.
func appendCell(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return b
	case string:
		return append(b, x...)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return b
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case float32:
		return appendCell(b, float64(x))
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case bool:
		return strconv.AppendBool(b, x)
	}
	return fmt.Append(b, v)
}

// appendCSVCell appends one CSV field: strings quoted as needed, numbers plain.
func appendCSVCell(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return appendCSVString(b, x)
	case nil, float64, float32, int, int64, int32, uint64, bool:
		return appendCell(b, v)
	}
	return appendCSVString(b, fmt.Sprint(v))
}

// appendCSVString appends s, quoted (RFC 4180) when it holds a separator, a quote or
// a line break.
func appendCSVString(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}
