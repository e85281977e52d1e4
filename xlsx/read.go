// Package xlsx reads school and county data from spreadsheets (.xlsx) and CSV files
// into the engine's columnar Dataset, and writes results back out.
package xlsx

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"ziping"
	"ziping/engine"
)

// ReadOptions configure Read.
type ReadOptions struct {
	Period int                 // for rows without a 年度 (no column, or an empty cell); 0 = none given
	Split  engine.SplitWeights // zero value means engine.DefaultSplitWeights()
	// UnzipSizeLimit bounds the total uncompressed size of an .xlsx (a guard against
	// zip bombs); 0 keeps excelize's default. UnzipXMLSizeLimit is the size above
	// which a worksheet is spilled to a temporary file rather than kept in memory;
	// 0 means DefaultUnzipXMLSizeLimit, 16 MiB (capped at UnzipSizeLimit). Larger
	// worksheets are streamed, a window at a time.
	UnzipSizeLimit    int64
	UnzipXMLSizeLimit int64
	// SchoolPeriods, when set, chooses the periods whose school rows are read: it
	// is given every period the inputs hold (school and facts rows, ascending) and
	// returns those to keep. The school rows of the other periods in CSV files are
	// skipped unread and unchecked, and a warning says how many; those in
	// workbooks are read and checked, but not kept. Facts are always read whole.
	// An evaluation sets it to what its framework needs (engine.Program.SchoolPeriods);
	// an import, which keeps everything, does not.
	SchoolPeriods func(periods []int) []int
	// Locator, when not nil, is filled so that school codes can be located later.
	Locator *Locator
	// Floats, when set, allocates the memory of a CSV school table's numeric columns,
	// n zeroed float64s at a time; nil means make. The command line's evaluate gives
	// memory that faults in huge pages (a nation's table is some 100 MB of numbers,
	// 25,000 first touches of 4 KiB pages otherwise) and is never given back.
	Floats func(n int) []float64
	// Step, when set, is called after every StepRows rows of a workbook's sheets: a
	// chance for the caller to give way (the web's imports pause there while other
	// people's pages are waiting). CSV files, parsed on every core at once, do not
	// call it.
	Step func()
}

// StepRows is how many rows of a sheet are read between two calls of
// ReadOptions.Step: some 20 ms of reading.
const StepRows = 1000

// Input is one already-open file for ReadFrom.
type Input struct {
	Name string      // shown in errors; its extension (.xlsx, .xlsm, .csv) picks the format
	R    io.ReaderAt // the whole file, Size bytes from offset 0
	Size int64
}

// maxTitleRows is how many title rows may stand above the header row.
const maxTitleRows = 10

// Read reads school rows and unit (county) fact rows from .xlsx and .csv files into
// one Dataset. On any bad cell it returns (nil, *ziping.ImportError) listing every bad
// cell, and nothing else; other failures (a file unreadable, not an xlsx) are
// *ziping.Error{Kind: Invalid} naming the file.
func Read(paths []string, opt ReadOptions) (*engine.Dataset, error) {
	ds, _, err := ReadWithWarnings(paths, opt)
	return ds, err
}

// ReadWithWarnings is Read that also says what it did not use: every column whose
// header no data element matches (with the nearest known header) and every sheet
// without a table. The warnings come with the errors too, where they often explain
// a missing column.
func ReadWithWarnings(paths []string, opt ReadOptions) (*engine.Dataset, []ziping.ImportWarning, error) {
	inputs := make([]Input, 0, len(paths))
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, nil, &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法打开文件「%s」", p), Err: err}
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, nil, &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」", p), Err: err}
		}
		inputs = append(inputs, Input{Name: p, R: f, Size: st.Size()})
	}
	return ReadFromWithWarnings(inputs, opt)
}

// ReadFrom is Read over already-open inputs.
func ReadFrom(inputs []Input, opt ReadOptions) (*engine.Dataset, error) {
	ds, _, err := ReadFromWithWarnings(inputs, opt)
	return ds, err
}

// ReadFromWithWarnings is ReadWithWarnings over already-open inputs.
func ReadFromWithWarnings(inputs []Input, opt ReadOptions) (*engine.Dataset, []ziping.ImportWarning, error) {
	if len(inputs) == 0 {
		return nil, nil, ziping.Errorf(ziping.Invalid, "没有要导入的文件")
	}
	if opt.Period != 0 && (opt.Period < 1900 || opt.Period > 2999) {
		return nil, nil, ziping.Errorf(ziping.Invalid, "年度「%d」无效：应为四位年份，如2024", opt.Period)
	}
	r := newReader(opt)
	var size int64
	for _, in := range inputs {
		if err := r.read(in); err != nil {
			w := r.warnings()
			for _, unmap := range r.unmaps {
				unmap()
			}
			return nil, w, err
		}
		size += in.Size
	}
	r.readPending()
	// Every cell kept was copied out of the files by now.
	for _, unmap := range r.unmaps {
		unmap()
	}
	if r.opt.Locator != nil {
		r.opt.Locator.tables = r.tables
	}
	if size > bigInput {
		// The file buffers are garbage now, but the collector set its next goal
		// while they were alive; assembling the columns on top would take the heap
		// to file + chunks + columns. Collecting here caps the peak at chunks +
		// columns (−150 MiB on the 500,000-row file). The columns hold no pointers,
		// so this collection marks little.
		runtime.GC()
	}
	ds, err := r.build()
	warnings := r.warnings()
	if size > bigInput && err == nil && r.opt.Locator == nil {
		// The parsed parts are garbage now. Collecting before the caller goes on
		// lets what it allocates next (an evaluation's results) reuse their memory
		// rather than touch as much fresh memory, whose first touch costs more
		// than the collection (−12,000 page faults on the nation file).
		r.tables = nil
		runtime.GC()
	}
	return ds, warnings, err
}

func newReader(opt ReadOptions) *reader {
	r := &reader{opt: opt, weights: opt.Split, seed: maphash.MakeSeed()}
	if r.weights == (engine.SplitWeights{}) {
		r.weights = engine.DefaultSplitWeights()
	}
	r.dicts[kindSchools] = newDictionary(kindSchools)
	r.dicts[kindFacts] = newDictionary(kindFacts)
	return r
}

// bigInput is the input size above which ReadFrom collects garbage between parsing
// and assembling.
const bigInput = 32 << 20

// reader gathers the tables of every input before anything is built.
type reader struct {
	opt     ReadOptions
	weights engine.SplitWeights
	seed    maphash.Seed
	dicts   [3]*dictionary
	tables  []*table
	skipped []ziping.ImportWarning // sheets without a table
	pending []*body                // school CSV rows waiting for the periods to read
	unmaps  []func()               // files mapped into memory, to unmap once parsed
	keep    []int32                // with SchoolPeriods: the periods whose school rows are built
	window  int                    // for tests: the window streamed sheets are read through; 0: scanWindow
	rows    int                    // sheet rows read, for Step
}

// stepped counts a sheet row read and calls Step after every StepRows.
func (r *reader) stepped() {
	r.rows++
	if r.opt.Step != nil && r.rows%StepRows == 0 {
		r.opt.Step()
	}
}

func (r *reader) read(in Input) error {
	switch strings.ToLower(filepath.Ext(in.Name)) {
	case ".csv":
		if in.Size < 0 {
			return ziping.Errorf(ziping.Invalid, "无法读取文件「%s」：大小无效", in.Name)
		}
		if data, unmap, ok := mapFile(in.R, in.Size); ok {
			r.unmaps = append(r.unmaps, unmap)
			r.readCSV(in.Name, data)
			return nil
		}
		data := make([]byte, in.Size)
		n, err := in.R.ReadAt(data, 0)
		if err != nil && err != io.EOF {
			return &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」", in.Name), Err: err}
		}
		r.readCSV(in.Name, data[:n])
		return nil
	case ".xlsx", ".xlsm":
		return r.readXLSX(in)
	}
	return ziping.Errorf(ziping.Invalid, "不支持的文件类型「%s」：请使用 .xlsx 或 .csv 文件", in.Name)
}

// table is one school or facts table (a sheet of a workbook, or a CSV file), with
// the parts its rows were parsed into (one per chunk of a CSV file).
type table struct {
	seq     int // position among all tables, to order errors
	kind    tableKind
	file    string
	sheet   string
	hdrRow  int
	period  int32 // ReadOptions.Period
	lay     *layout
	weights engine.SplitWeights
	seed    maphash.Seed          // for school fingerprints, shared by every table
	floats  func(n int) []float64 // ReadOptions.Floats
	errs    []badCell
	unused  []unusedCol // columns whose header names nothing known
	schools []*schoolPart
	facts   []*factsPart
}

// newTable registers a table whose header is at row hdrRow; kindNone stands for a
// whole input, to carry file-level errors.
func (r *reader) newTable(kind tableKind, file, sheet string, hdrRow int) *table {
	t := &table{seq: len(r.tables), kind: kind, file: file, sheet: sheet, hdrRow: hdrRow,
		period: int32(r.opt.Period), weights: r.weights, seed: r.seed, floats: r.opt.Floats}
	r.tables = append(r.tables, t)
	return t
}

// header parses the header row of t.
func (r *reader) header(t *table, cells []string) {
	parseHeader(r.dicts[t.kind], t, cells)
}

// fileError records that an input holds no table at all.
func (r *reader) fileError(file, reason string) {
	t := r.newTable(kindNone, file, "", 0)
	t.errs = append(t.errs, badCell{seq: t.seq, col: -1, cell: ziping.CellError{File: file, Reason: reason}})
}

// badCell is a CellError with what it takes to sort errors into reading order.
type badCell struct {
	seq  int // table
	col  int // column index, -1 for whole-row and header-level errors
	cell ziping.CellError
}

// bad records an error at row n, column col (or -1 with label naming the column).
func (t *table) bad(n, col int, label, value, reason string) {
	t.errs = append(t.errs, t.badCell(n, col, label, value, reason))
}

func (t *table) badCell(n, col int, label, value, reason string) badCell {
	if col >= 0 && col < len(t.lay.labels) && t.lay.labels[col] != "" {
		label = t.lay.labels[col]
	} else if col >= 0 {
		label = colName(col)
	}
	return badCell{seq: t.seq, col: col, cell: ziping.CellError{File: t.file, Sheet: t.sheet, Row: n,
		Column: label, Value: strings.Clone(value), Reason: reason}}
}

// where names row n of t from another table's point of view.
func (t *table) where(n int, from *table) string {
	switch {
	case from == t:
		return fmt.Sprintf("第%d行", n)
	case t.sheet != "":
		return fmt.Sprintf("「%s」工作表「%s」第%d行", t.file, t.sheet, n)
	}
	return fmt.Sprintf("「%s」第%d行", t.file, n)
}

// errors returns every recorded error in reading order: by table, row, column.
func (r *reader) errors() []ziping.CellError {
	var all []badCell
	for _, t := range r.tables {
		all = append(all, t.errs...)
		for _, p := range t.schools {
			all = append(all, p.errs...)
		}
		for _, p := range t.facts {
			all = append(all, p.errs...)
		}
	}
	slices.SortStableFunc(all, func(a, b badCell) int {
		return cmp.Or(cmp.Compare(a.seq, b.seq), cmp.Compare(a.cell.Row, b.cell.Row), cmp.Compare(a.col, b.col))
	})
	out := make([]ziping.CellError, len(all))
	for i, b := range all {
		out[i] = b.cell
	}
	return out
}

// periodOf reads the 年度 of a row from cell s of column col. reason is empty for a
// good period.
func (t *table) periodOf(s string, col int) (per int32, reason string) {
	if s == "" {
		if t.period == 0 && col >= 0 {
			return 0, reasonNoPeriod
		}
		return t.period, ""
	}
	p, ok := parsePeriod(s)
	if !ok {
		return 0, reasonPeriod
	}
	return p, ""
}
