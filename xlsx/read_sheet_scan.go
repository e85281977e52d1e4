package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// The sheet scanner reads cell values from a worksheet's XML without excelize's
// row iterator, which spends about 2 µs per cell in encoding/xml. It reads the
// forms of XML that Excel and excelize write and hands out exactly what
// excelize's Rows/Columns with RawCellValue would. Anything else, from a comment
// to a cell given twice, is errScan: the caller then leaves the sheet to excelize
// rather than guess what it means.

// errScan marks worksheet XML outside what the scanner reads.
var errScan = errors.New("xlsx: sheet XML the scanner does not read")

// sheetScanner reads XML from b at p.
type sheetScanner struct {
	b   []byte
	p   int
	sst []string // the shared strings; nil when t="s" cells must be left to excelize

	// A streamed sheet: b is a window of buf over src (read_sheet_stream.go).
	src io.Reader
	buf []byte
	eof bool

	vals  []byte     // the current row's (or string item's) values, decoded
	cells []cellRef  // the current row's cells that have a value
	row   []string   // the current row as handed out
	runs  []textPart // rich text runs of the inline string being read
}

// cellRef is a cell that holds a value: vals[lo:hi], or shared string sst.
type cellRef struct {
	col    int // 0-based
	sst    int // -1 for a value in vals
	lo, hi int
}

// textPart is character data b[lo:hi]; esc says it holds entities or CRs.
type textPart struct {
	lo, hi int
	esc    bool
}

func (s *sheetScanner) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d", errScan, what, s.p)
}

// scanRows reads the rows of sheetData, from just past <sheetData> to just past
// </sheetData>. emit gets every row number from 1 to the last row, the rows
// without cells included, as excelize's Next does; it returns false to stop,
// and then so does scanRows. A nil emit only checks the XML.
func (s *sheetScanner) scanRows(emit func(n int, cells []string) bool) (stopped bool, err error) {
	last := 0
	for {
		if err := s.more(); err != nil {
			return false, err
		}
		name, done, err := s.child("sheetData")
		switch {
		case err != nil:
			return false, err
		case done:
			return false, nil
		case string(name) != "row":
			return false, s.fail("not a row")
		}
		n, err := s.readRow(last)
		if err != nil {
			return false, err
		}
		if emit == nil {
			last = n
			continue
		}
		for ; last+1 < n; last++ {
			if !emit(last+1, nil) {
				return true, nil
			}
		}
		if !emit(n, s.rowCells()) {
			return true, nil
		}
		last = n
	}
}

// readRow reads a row element past "<row" and its cells into s.cells; n is its
// number, which the r attribute gives or else follows the previous row's.
func (s *sheetScanner) readRow(last int) (n int, err error) {
	s.vals, s.cells = s.vals[:0], s.cells[:0]
	for {
		name, val, end, err := s.attr()
		if err != nil {
			return 0, err
		}
		if end != attrMore {
			if n == 0 {
				n = last + 1
			}
			if n <= last || n > excelize.TotalRows {
				return 0, s.fail("row number out of order")
			}
			if end == tagEmpty {
				return n, nil
			}
			return n, s.readCells()
		}
		switch attrKey(name) {
		case "r":
			if n != 0 {
				return 0, s.fail("row number given twice")
			}
			if n = number(val); n < 1 {
				return 0, s.fail("bad row number")
			}
		case "":
			return 0, s.fail("prefixed row attribute")
		}
	}
}

// readCells reads the cells of a row up to </row>.
func (s *sheetScanner) readCells() error {
	col := -1 // of the previous cell, 0-based
	for {
		name, done, err := s.child("row")
		switch {
		case err != nil:
			return err
		case done:
			return nil
		case string(name) != "c":
			return s.fail("not a cell")
		}
		if col, err = s.readCell(col); err != nil {
			return err
		}
	}
}

// xmlCell is what a c element holds.
type xmlCell struct {
	col         int
	typ         []byte
	v           textPart
	hasV, hasIS bool
	hasF        bool
}

// readCell reads a c element past "<c"; prev is the column of the previous cell,
// which a cell without an r attribute follows.
func (s *sheetScanner) readCell(prev int) (col int, err error) {
	var c xmlCell
	empty, err := s.cellAttrs(&c, prev)
	if err != nil {
		return 0, err
	}
	lo := len(s.vals)
	if !empty {
		if err := s.cellContent(&c); err != nil {
			return 0, err
		}
	}
	ref := cellRef{col: c.col, sst: -1, lo: lo}
	switch {
	case string(c.typ) == "inlineStr" && c.hasIS:
		// The inline string is in vals[lo:] already.
	case string(c.typ) == "s":
		// excelize reads the index with strconv.Atoi(strings.TrimSpace(v)).
		s.vals = s.appendText(s.vals[:lo], c.v)
		v := bytes.TrimSpace(s.vals[lo:])
		s.vals = s.vals[:lo]
		if len(v) == 0 && c.v.hi == c.v.lo {
			break
		}
		if ref.sst = number(v); ref.sst < 0 || ref.sst >= len(s.sst) {
			return 0, s.fail("bad shared string index")
		}
	default: // numbers, booleans, errors, dates, formula strings: <v> as it is
		s.vals = s.appendText(s.vals[:lo], c.v)
	}
	ref.hi = len(s.vals)
	return c.col, s.addCell(ref, c.hasF)
}

// addCell adds a cell to the row when excelize would: it has a value or a formula.
// excelize puts such a cell after the row's last one when it is not further
// right, which would be a guess: that is left to excelize.
func (s *sheetScanner) addCell(ref cellRef, formula bool) error {
	if ref.hi == ref.lo && (ref.sst < 0 || s.sst[ref.sst] == "") && !formula {
		return nil
	}
	if k := len(s.cells); k > 0 && ref.col <= s.cells[k-1].col {
		return s.fail("cell left of the row's last one")
	}
	s.cells = append(s.cells, ref)
	return nil
}

// cellAttrs reads the attributes of a c element: its column from r, its type t.
// empty is true for <c .../>.
func (s *sheetScanner) cellAttrs(c *xmlCell, prev int) (empty bool, err error) {
	c.col = -1
	var seenS bool
	for {
		name, val, end, err := s.attr()
		if err != nil {
			return false, err
		}
		if end != attrMore {
			if c.col < 0 {
				c.col = prev + 1
			}
			if c.col >= excelize.MaxColumns {
				return false, s.fail("too many columns")
			}
			return end == tagEmpty, nil
		}
		switch attrKey(name) {
		case "r":
			if c.col >= 0 {
				return false, s.fail("cell reference given twice")
			}
			if c.col = cellColumn(val); c.col < 0 {
				return false, s.fail("bad cell reference")
			}
		case "s":
			// excelize drops the cell's content when s is not a number.
			if seenS || number(val) < 0 {
				return false, s.fail("bad cell style")
			}
			seenS = true
		case "t":
			if c.typ != nil || bytes.IndexByte(val, '&') >= 0 {
				return false, s.fail("bad cell type")
			}
			c.typ = val
		case "":
			return false, s.fail("prefixed cell attribute")
		}
	}
}

// cellContent reads the children of a c element up to </c>: a value, a formula
// (whose cached value is the cell's value) and an inline string.
func (s *sheetScanner) cellContent(c *xmlCell) error {
	for {
		name, done, err := s.child("c")
		if err != nil || done {
			return err
		}
		switch string(name) {
		case "v":
			if c.hasV {
				return s.fail("value given twice")
			}
			c.hasV = true
			c.v, err = s.textElement("v")
		case "f":
			c.hasF = true
			_, err = s.textElement("f")
		case "is":
			if c.hasIS {
				return s.fail("inline string given twice")
			}
			c.hasIS = true
			err = s.inlineElement("is")
		default:
			return s.fail("unknown cell content")
		}
		if err != nil {
			return err
		}
	}
}

// inlineElement reads the rest of an <is> or <si> start tag and its string into
// vals, as excelize's xlsxSI.String makes it: the text of the direct <t> child,
// then of each rich text run, with _xHHHH_ escapes decoded. Runs with properties,
// phonetic runs and anything else are left to excelize.
func (s *sheetScanner) inlineElement(parent string) error {
	if end, err := s.skipAttrs(); err != nil || end == tagEmpty {
		return err
	}
	s.runs = s.runs[:0]
	var direct textPart
	hasT := false
	for {
		name, done, err := s.child(parent)
		switch {
		case err != nil:
			return err
		case done:
			s.appendInline(direct)
			return nil
		case string(name) == "t" && !hasT:
			hasT = true
			direct, err = s.textElement("t")
		case string(name) == "r":
			err = s.run()
		default:
			return s.fail("unknown string content")
		}
		if err != nil {
			return err
		}
	}
}

// appendInline appends the string of an inline string or string item to vals.
func (s *sheetScanner) appendInline(direct textPart) {
	lo := len(s.vals)
	s.vals = s.appendText(s.vals, direct)
	for _, r := range s.runs {
		s.vals = s.appendText(s.vals, r)
	}
	if bytes.Contains(s.vals[lo:], []byte("_x")) {
		s.vals = append(s.vals[:lo], bstrUnescape(string(s.vals[lo:]))...)
	}
}

// run reads a rich text run past "<r" that holds at most a <t>, into s.runs.
func (s *sheetScanner) run() error {
	if end, err := s.skipAttrs(); err != nil || end == tagEmpty {
		return err
	}
	hasT := false
	for {
		name, done, err := s.child("r")
		switch {
		case err != nil || done:
			return err
		case string(name) != "t" || hasT:
			return s.fail("unknown run content")
		}
		hasT = true
		t, err := s.textElement("t")
		if err != nil {
			return err
		}
		s.runs = append(s.runs, t)
	}
}

// textElement reads the rest of a start tag past "<name", the character data and
// the end tag.
func (s *sheetScanner) textElement(name string) (textPart, error) {
	end, err := s.skipAttrs()
	if err != nil || end == tagEmpty {
		return textPart{lo: s.p, hi: s.p}, err
	}
	t, err := s.text()
	if err != nil {
		return t, err
	}
	if tag, end, ok := s.tag(); !ok || !end || !isName(tag, name) {
		return t, s.fail("markup inside text")
	}
	return t, nil
}

// rowCells turns the cells read into the row excelize's Columns returns: a value
// for each column up to the last cell that has one, "" for the others. The values
// share one string.
func (s *sheetScanner) rowCells() []string {
	str := string(s.vals)
	s.row = s.row[:0]
	for _, c := range s.cells {
		for len(s.row) < c.col {
			s.row = append(s.row, "")
		}
		if c.sst >= 0 {
			s.row = append(s.row, s.sst[c.sst])
		} else {
			s.row = append(s.row, str[c.lo:c.hi])
		}
	}
	return s.row
}
