package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheetBook reads the worksheets of an open workbook with the sheet scanner.
// excelize has unzipped the small parts into f.Pkg and spilled the large ones to
// temporary files; the book finds each sheet's part as excelize does, scans it in
// memory when excelize holds it there and else streams it from the zip a window at
// a time, so that a sheet of 200,000 rows (220 MB of XML) is never held whole.
type sheetBook struct {
	f   *excelize.File
	zip *zip.Reader // the workbook's parts, for those excelize spilled; may be nil
	// window is the size of the window a streamed sheet is read through.
	window int
	parts  map[string]string // sheet name → worksheet part; nil when not found
	sst    []string
	// sstExcelize says the shared strings are more than plain text items, so
	// they come from excelize's table once excelize has loaded it.
	sstExcelize bool
}

const sstPart = "xl/sharedStrings.xml" // where excelize keeps it, whatever the zip says

func newSheetBook(f *excelize.File, zr *zip.Reader) *sheetBook {
	b := &sheetBook{f: f, zip: zr, parts: sheetParts(f), window: scanWindow}
	data, ok := pkgPart(f, sstPart)
	if !ok {
		data, ok = b.readZipPart(sstPart)
	}
	if ok {
		b.sst, ok = sharedStrings(data)
		b.sstExcelize = !ok
	}
	return b
}

// read reads sheet with the scanner, handing its rows to emit (see
// sheetScanner.scanRows). The whole sheet is checked before any row is handed
// out: false means the sheet is left to excelize's iterator. An error is a
// scanner fault: the sheet passed the check and then failed.
func (b *sheetBook) read(sheet string, emit func(n int, cells []string) bool) (bool, error) {
	part, ok := b.parts[sheet]
	if !ok || b.otherCase(sheet) {
		return false, nil
	}
	if _, loaded := b.f.Sheet.Load(part); loaded {
		return false, nil // excelize would write it back to XML first
	}
	if !b.loadSST(sheet) {
		return false, nil
	}
	if data, ok := pkgPart(b.f, part); ok {
		if scanSheet(data, b.sst, nil) != nil {
			return false, nil
		}
		if err := scanSheet(data, b.sst, emit); err != nil {
			return true, fmt.Errorf("sheet scanner: %w", err)
		}
		return true, nil
	}
	zf, ok := b.zipPart(part)
	if !ok {
		return false, nil
	}
	if scanStream(zf.Open, b.sst, nil, b.window) != nil {
		return false, nil
	}
	if err := scanStream(zf.Open, b.sst, emit, b.window); err != nil {
		return true, fmt.Errorf("sheet scanner: %w", err)
	}
	return true, nil
}

// otherCase reports whether another sheet has the same name up to case, which
// leaves excelize's choice of part to chance.
func (b *sheetBook) otherCase(sheet string) bool {
	n := 0
	for _, s := range b.f.WorkBook.Sheets.Sheet {
		if strings.EqualFold(s.Name, sheet) {
			n++
		}
	}
	return n != 1
}

// loadSST takes the shared strings from excelize when they are not plain text.
// excelize loads its table when it first reads a row, so one row of the sheet is
// read for it. false when the table is still missing.
func (b *sheetBook) loadSST(sheet string) bool {
	if !b.sstExcelize {
		return true
	}
	rows, err := b.f.Rows(sheet)
	if err != nil {
		return false
	}
	defer rows.Close()
	if rows.Next() {
		if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
			return false
		}
	}
	t := b.f.SharedStrings
	if t == nil {
		return false
	}
	b.sst = make([]string, len(t.SI))
	for i := range t.SI {
		b.sst[i] = t.SI[i].String()
	}
	b.sstExcelize = false
	return true
}

// pkgPart returns a part that excelize holds in memory; excelize keeps parts over
// its size limit in temporary files instead.
func pkgPart(f *excelize.File, name string) ([]byte, bool) {
	v, _ := f.Pkg.Load(name)
	data, ok := v.([]byte)
	return data, ok && len(data) > 0
}

// scanSheet reads the rows of worksheet XML data (see sheetScanner.scanRows); an
// error wraps errScan.
func scanSheet(data []byte, sst []string, emit func(n int, cells []string) bool) error {
	start, empty, err := sheetDataStart(data)
	if err != nil {
		return err
	}
	s := &sheetScanner{b: data, p: start, sst: sst}
	if !empty {
		if stopped, err := s.scanRows(emit); err != nil || stopped {
			return err
		}
	}
	if rowTagIn(data[s.p:]) {
		return fmt.Errorf("%w: a row after sheetData", errScan)
	}
	return nil
}

// sheetDataStart finds the content of the sheetData element, reading up to it
// with encoding/xml as excelize does: any error there, or a row element before
// it, leaves the sheet to excelize. empty is true for <sheetData/>.
func sheetDataStart(data []byte) (start int, empty bool, err error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err != nil {
			return 0, false, fmt.Errorf("%w: %v", errScan, err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok || (el.Name.Local != "sheetData" && el.Name.Local != "row") {
			continue
		}
		end := int(d.InputOffset())
		tag := data[bytes.LastIndexByte(data[:end], '<'):end]
		switch string(tag) {
		case "<sheetData>":
			return end, false, nil
		case "<sheetData/>":
			return end, true, nil
		}
		return 0, false, fmt.Errorf("%w: unexpected %s", errScan, tag)
	}
}

// rowTagIn reports whether data may hold a row element, which excelize's Next
// would take for a row even after sheetData. It errs on the side of yes.
func rowTagIn(data []byte) bool {
	for i := 0; ; {
		k := bytes.Index(data[i:], []byte("row"))
		if k < 0 {
			return false
		}
		at := i + k
		i = at + 3
		if at == 0 || data[at-1] != '<' && data[at-1] != ':' {
			continue
		}
		if i == len(data) || isSpace(data[i]) || data[i] == '/' || data[i] == '>' {
			return true
		}
	}
}

// sheetParts maps each sheet to its worksheet part as excelize's getSheetMap does:
// the workbook from the package relationships, then each sheet's r:id in the
// workbook's relationships. nil when any step is unusual.
func sheetParts(f *excelize.File) map[string]string {
	if f.WorkBook == nil {
		return nil
	}
	wb, ok := officeDocument(f)
	if !ok {
		return nil
	}
	rels, ok := relationships(f, workbookRels(wb))
	if !ok {
		return nil
	}
	parts := map[string]string{}
	for _, sh := range f.WorkBook.Sheets.Sheet {
		var targets []string
		for _, rel := range rels {
			if rel.ID == sh.ID {
				targets = append(targets, rel.Target)
			}
		}
		if len(targets) == 1 {
			parts[sh.Name] = worksheetPath(wb, targets[0])
		}
	}
	return parts
}

// relationship is a Relationship element, with excelize's field tags.
type relationship struct {
	ID     string `xml:"Id,attr"`
	Target string `xml:",attr"`
	Type   string `xml:",attr"`
}

// relationships decodes a relationships part as excelize does. Strict Open XML
// names, which excelize rewrites first, are left to excelize.
func relationships(f *excelize.File, name string) ([]relationship, bool) {
	data, ok := pkgPart(f, name)
	if !ok || bytes.Contains(data, []byte("purl.oclc.org")) {
		return nil, false
	}
	var rels struct {
		XMLName xml.Name       `xml:"http://schemas.openxmlformats.org/package/2006/relationships Relationships"`
		Rels    []relationship `xml:"Relationship"`
	}
	if err := xml.NewDecoder(bytes.NewReader(data)).Decode(&rels); err != nil && err != io.EOF {
		return nil, false
	}
	return rels.Rels, true
}

// officeDocument returns the workbook part (excelize's getWorkbookPath).
func officeDocument(f *excelize.File) (string, bool) {
	rels, ok := relationships(f, "_rels/.rels")
	if !ok {
		return "", false
	}
	for _, rel := range rels {
		if rel.Type == excelize.SourceRelationshipOfficeDocument {
			p := strings.TrimPrefix(rel.Target, "/")
			return p, p != ""
		}
	}
	return "", false
}

// workbookRels returns the workbook's relationships part (excelize's
// getWorkbookRelsPath).
func workbookRels(wb string) string {
	if filepath.Dir(wb) == "." {
		return "_rels/" + filepath.Base(wb) + ".rels"
	}
	return strings.TrimPrefix(filepath.Dir(wb)+"/_rels/"+filepath.Base(wb)+".rels", "/")
}

// worksheetPath resolves a relationship target against the workbook part
// (excelize's getWorksheetPath).
func worksheetPath(wb, target string) string {
	if strings.HasPrefix(target, "/") {
		return filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(target), "\\", "/"), "/"))
	}
	return filepath.ToSlash(strings.TrimPrefix(
		strings.ReplaceAll(filepath.Clean(filepath.Dir(wb)+"/"+target), "\\", "/"), "/"))
}

// sharedStrings reads the shared strings part into a table when every item is
// plain text or runs without properties, as the scanner reads inline strings;
// false leaves the table to excelize. The strings share one allocation.
func sharedStrings(data []byte) ([]string, bool) {
	s := &sheetScanner{b: data}
	var err error
	if s.p, err = sstStart(data); err != nil || bytes.Contains(data, []byte("purl.oclc.org")) {
		return nil, false
	}
	var ends []int
	for s.p >= 0 { // -1 for <sst/>
		name, done, err := s.child("sst")
		if err != nil || done {
			if err != nil {
				return nil, false
			}
			break
		}
		if string(name) != "si" || s.inlineElement("si") != nil {
			return nil, false
		}
		ends = append(ends, len(s.vals))
	}
	all, out, lo := string(s.vals), make([]string, len(ends)), 0
	for i, hi := range ends {
		out[i], lo = all[lo:hi], hi
	}
	return out, true
}

// sstStart reads up to the root element as encoding/xml.Decode does for
// excelize, and returns the offset past its start tag, or -1 for <sst/>.
func sstStart(data []byte) (int, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err != nil {
			return 0, err
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		end := int(d.InputOffset())
		tag := data[bytes.LastIndexByte(data[:end], '<'):end]
		if el.Name.Space != excelize.NameSpaceSpreadSheet.Value || !bytes.HasPrefix(tag, []byte("<sst")) || !isSpace(tag[4]) && tag[4] != '>' && tag[4] != '/' {
			return 0, errScan
		}
		for _, a := range el.Attr { // excelize decodes these into ints
			if a.Name.Local == "count" || a.Name.Local == "uniqueCount" {
				if _, err := strconv.ParseInt(strings.TrimSpace(a.Value), 10, 64); err != nil && a.Value != "" {
					return 0, errScan
				}
			}
		}
		if bytes.HasSuffix(tag, []byte("/>")) {
			return -1, nil
		}
		return end, nil
	}
}
