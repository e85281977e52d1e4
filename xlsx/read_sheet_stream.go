package xlsx

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Streaming a worksheet: the scanner reads the XML through a window that slides
// between rows, so a sheet is never held whole (issue 12.4). A row must fit in
// what is left of the window when it starts (scanWindow/4, 2 MiB: some 10,000
// cells of text); a longer one ends the window inside the row, which the scanner
// refuses like any XML it does not read, and the sheet goes to excelize's iterator.

// scanWindow is the size of the window a streamed sheet is read through.
const scanWindow = 8 << 20

// zipPart finds the zip entry of a part excelize spilled to a temporary file, by
// the name excelize gives it: exactly one entry, else none (excelize would keep the
// last of several, a guess the scanner does not share).
func (b *sheetBook) zipPart(part string) (*zip.File, bool) {
	if b.zip == nil {
		return nil, false
	}
	var found *zip.File
	for _, zf := range b.zip.File {
		name := strings.ReplaceAll(zf.Name, "\\", "/")
		if name == part || part == sstPart && strings.EqualFold(name, sstPart) {
			if found != nil {
				return nil, false
			}
			found = zf
		}
	}
	return found, found != nil
}

// readZipPart reads a part excelize spilled whole (the shared strings, which the
// scanner needs all of).
func (b *sheetBook) readZipPart(part string) ([]byte, bool) {
	zf, ok := b.zipPart(part)
	if !ok {
		return nil, false
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	return data, err == nil && len(data) > 0
}

// scanStream reads the rows of the worksheet XML that open gives, as scanSheet
// reads it from memory, through a window of window bytes.
func scanStream(open func() (io.ReadCloser, error), sst []string, emit func(n int, cells []string) bool, window int) error {
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	s := &sheetScanner{sst: sst, src: rc, buf: make([]byte, window)}
	if err := s.more(); err != nil {
		return err
	}
	// What precedes sheetData must be in the first window.
	start, empty, err := sheetDataStart(s.b)
	if err != nil {
		return err
	}
	s.p = start
	if !empty {
		if stopped, err := s.scanRows(emit); err != nil || stopped {
			return err
		}
	}
	// The rest, a window at a time; the last bytes of each are kept so that a row
	// tag across two windows is seen whole.
	for {
		if rowTagIn(s.b[s.p:]) {
			return fmt.Errorf("%w: a row after sheetData", errScan)
		}
		if s.eof {
			return nil
		}
		s.p = max(s.p, len(s.b)-8)
		if err := s.slide(); err != nil {
			return err
		}
	}
}

// more slides the window forward when less than a quarter of it is left to read,
// keeping the bytes not yet read. Only between rows: the scanner's offsets into b
// do not outlive a row.
func (s *sheetScanner) more() error {
	if s.src == nil || s.eof || s.b != nil && len(s.b)-s.p >= len(s.buf)/4 {
		return nil
	}
	return s.slide()
}

// slide moves the bytes not yet read to the front of the window and fills the rest.
func (s *sheetScanner) slide() error {
	n := copy(s.buf, s.b[s.p:])
	m, err := io.ReadFull(s.src, s.buf[n:])
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		s.eof, err = true, nil
	}
	s.b, s.p = s.buf[:n+m], 0
	return err
}
