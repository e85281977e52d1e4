package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/maphash"
	"io"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"ziping/engine"
)

// readStreamed is readWith with the scanner, its streamed sheets read through a
// window of window bytes.
func readStreamed(inputs []Input, opt ReadOptions, window int) (*engine.Dataset, error) {
	r := &reader{opt: opt, weights: engine.DefaultSplitWeights(), seed: maphash.MakeSeed(), window: window}
	r.dicts[kindSchools] = newDictionary(kindSchools)
	r.dicts[kindFacts] = newDictionary(kindFacts)
	for _, in := range inputs {
		if err := r.readWorkbook(in, true); err != nil {
			return nil, err
		}
	}
	return r.build()
}

// openSpilled opens a workbook with every part spilled by excelize, as a book.
func openSpilled(r io.ReaderAt, size int64) (*sheetBook, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{UnzipXMLSizeLimit: 1})
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	return newSheetBook(f, zr), nil
}

// streamRows reads worksheet XML through a window of window bytes.
func streamRows(data []byte, sst []string, window, limit int) ([]scanRow, error) {
	var rows []scanRow
	size := 0
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	err := scanStream(open, sst, func(n int, cells []string) bool {
		rows = append(rows, scanRow{n, slices.Clone(cells)})
		size += 1 + len(cells)
		return limit == 0 || size < limit
	}, window)
	return rows, err
}

// memoryRows reads worksheet XML held whole.
func memoryRows(data []byte, sst []string, limit int) ([]scanRow, error) {
	var rows []scanRow
	size := 0
	err := scanSheet(data, sst, func(n int, cells []string) bool {
		rows = append(rows, scanRow{n, slices.Clone(cells)})
		size += 1 + len(cells)
		return limit == 0 || size < limit
	})
	return rows, err
}

// TestScanStreamMatchesMemory: every sheet of the test workbooks, streamed
// through windows from 64 bytes up, reads exactly as held whole, or, when a
// window is too small for a row, is refused (errScan) and never read otherwise.
func TestScanStreamMatchesMemory(t *testing.T) {
	t.Parallel()
	books := map[string][]byte{"mixed": mixedBook(t), "excel": excelBook(t, excelSheet, excelSST), "schools": schoolsBook(t), "facts": factsBook(t)}
	slid := 0
	for name, data := range books {
		f := openBook(t, data)
		book := newSheetBook(f, nil)
		for _, sheet := range f.GetSheetList() {
			xml, ok := pkgPart(f, book.parts[sheet])
			if !ok {
				t.Fatalf("%s/%s: no worksheet part", name, sheet)
			}
			want, err := memoryRows(xml, book.sst, 0)
			if err != nil {
				t.Fatalf("%s/%s: scanner refuses it held whole: %v", name, sheet, err)
			}
			for _, window := range []int{64, 512, 4096, 1 << 16, len(xml) + 1} {
				got, err := streamRows(xml, book.sst, window, 0)
				if err != nil {
					if !errors.Is(err, errScan) {
						t.Errorf("%s/%s window %d: error not marked for the fallback: %v", name, sheet, window, err)
					}
					if window > len(xml) {
						t.Errorf("%s/%s: refused through a window larger than the sheet: %v", name, sheet, err)
					}
					continue
				}
				if window < len(xml) {
					slid++
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s/%s window %d: rows (-whole +streamed):\n%s", name, sheet, window, diff)
				}
			}
		}
	}
	if slid < 4 {
		t.Errorf("only %d sheets were read through a window smaller than them: the test does not slide", slid)
	}
}

// TestReadStreamedMatchesMemory: workbooks whose parts excelize spills (a limit
// of one byte) are read from the zip through a small window, shared strings
// included, to the same Dataset and the same errors as when held in memory.
func TestReadStreamedMatchesMemory(t *testing.T) {
	t.Parallel()
	for name, inputs := range map[string][]func() Input{
		"schools+facts": {bookInput("区县.xlsx", factsBook(t)), bookInput("学校.xlsx", schoolsBook(t))},
		"excel":         {bookInput("表.xlsx", excelBook(t, excelSheet, excelSST))},
		"mixed":         {bookInput("混合.xlsx", mixedBook(t))},
	} {
		open := func() []Input {
			var ins []Input
			for _, in := range inputs {
				ins = append(ins, in())
			}
			return ins
		}
		want, wantErr := readWith(open(), ReadOptions{}, true)
		got, gotErr := readStreamed(open(), ReadOptions{UnzipXMLSizeLimit: 1}, 1024)
		opts := cmp.Options{cmpopts.EquateNaNs(), cmpopts.EquateEmpty()}
		if diff := cmp.Diff(want, got, opts); diff != "" {
			t.Errorf("%s: dataset (-memory +streamed):\n%s", name, diff)
		}
		if diff := cmp.Diff(errorReport(wantErr), errorReport(gotErr)); diff != "" {
			t.Errorf("%s: errors (-memory +streamed):\n%s", name, diff)
		}
	}
}

// TestReadStreamedSpillsAndScans: with the default limit a large sheet is not held
// in memory by excelize, and it is the scanner, not excelize's iterator, that
// reads it (the iterator would take some 2 µs a cell).
func TestReadStreamedSpillsAndScans(t *testing.T) {
	t.Parallel()
	data := schoolsBook(t)
	f := openBook(t, data) // a 256 MiB limit: everything in memory
	book := newSheetBook(f, nil)
	sheet := f.GetSheetList()[0]
	xml, _ := pkgPart(f, book.parts[sheet])
	want, err := memoryRows(xml, book.sst, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(data)
	spilled, err := openSpilled(r, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer spilled.f.Close()
	if _, held := pkgPart(spilled.f, book.parts[sheet]); held {
		t.Fatal("excelize kept the sheet in memory with a limit of one byte")
	}
	spilled.window = 2048
	var got []scanRow
	ok, err := spilled.read(sheet, func(n int, cells []string) bool {
		got = append(got, scanRow{n, slices.Clone(cells)})
		return true
	})
	if err != nil || !ok {
		t.Fatalf("streamed sheet left to excelize (%v) or failed: %v", ok, err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("rows (-whole +streamed):\n%s", diff)
	}
}

// FuzzSheetStream: whatever XML the scanner reads held whole, it reads the same
// through a small window, or refuses (errScan) when a row does not fit.
func FuzzSheetStream(f *testing.F) {
	sst, ok := sharedStrings([]byte(excelSST))
	if !ok {
		f.Fatal("excelSST left to excelize")
	}
	book := openBook(f, mixedBook(f))
	for _, part := range []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} {
		data, _ := pkgPart(book, part)
		f.Add(data, uint16(100))
	}
	f.Add([]byte(excelSheet), uint16(64))
	f.Fuzz(func(t *testing.T, data []byte, window uint16) {
		want, werr := memoryRows(data, sst, fuzzCells)
		got, err := streamRows(data, sst, max(16, int(window)), fuzzCells)
		if werr != nil {
			if err == nil {
				t.Fatalf("streamed, the scanner reads what it refuses held whole (%v):\n%q", werr, data)
			}
			return
		}
		if err != nil {
			if !errors.Is(err, errScan) {
				t.Fatalf("error not marked for the fallback: %v", err)
			}
			return
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("rows (-whole +streamed, window %d):\n%s\nXML: %q", window, diff, data)
		}
	})
}
