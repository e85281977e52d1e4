// Package docx writes reports as Word documents (.docx) in the layout of GB/T 9704-2012
// 《党政机关公文格式》: A4, margins 37/35/28/26 mm, 22 lines × 28 characters of 3号仿宋,
// a 2号小标宋 title, the 一、/（一）/1./（1） heading levels, score tables, the issuer
// and date, and 「— N —」 page numbers alternating right and left.
//
// WordprocessingML is written by hand with archive/zip and a byte buffer. The pure-Go
// .docx libraries were looked at first: unidoc/unioffice needs a paid licence key,
// baliance/gooxml (its archived predecessor) and fumiama/go-docx are AGPL, and the
// small MIT ones (gomutex/godocx, gingfrederik/docx) cannot set the document grid
// (w:docGrid linesAndChars), east-Asian fonts, exact line pitch, even/odd footers with
// a PAGE field, or repeated table header rows all together. The XML this package needs
// is a few hundred lines, fixed by golden tests and checked by LibreOffice.
package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// BlockKind is what a Block holds.
type BlockKind uint8

// Block kinds: four heading levels, a body paragraph, a table and a body paragraph
// flush with the margin.
const (
	Paragraph BlockKind = iota
	Heading1            // 一、 黑体
	Heading2            // （一） 楷体
	Heading3            // 1. 仿宋
	Heading4            // （1） 仿宋
	// TableBlock is a table; the brief's name Table is taken by the Table type.
	TableBlock
	// Unindented is a body paragraph without the first-line indent, as the 主送机关
	// line is written (GB/T 9704 §7.3.2: 居左顶格).
	Unindented
)

// Document is one report.
type Document struct {
	// Number is the 发文字号 (「顺教督〔2025〕3号」), centred in the body's 仿宋 on its
	// own line above the title, where the 版头 puts it; empty for none.
	Number string
	Title  string    // 2号小标宋 (22 pt), centred; \n separates the lines of a multi-line title
	Issuer string    // 发文机关署名, centred above the date
	Date   time.Time // 成文日期, written 2024年5月8日, right-aligned 4 characters in
	Blocks []Block
	// Attachments are the names of the annexes for the 附件说明 line under the body
	// (「附件：1.……」); Annexes are the annexes, each from a new page.
	Attachments []string
	Annexes     []Annex
}

// Annex is an attachment printed after the document on pages of its own: 「附件1」
// in 3号黑体 flush left on the first line, its title like the document's, its blocks.
type Annex struct {
	Label, Title string
	Blocks       []Block
}

// Block is one heading, paragraph or table of the body.
type Block struct {
	Kind BlockKind
	// Text is a heading without its number (the writer numbers headings 一、/（一）/
	// 1./（1）, restarting the lower levels) or a paragraph's plain text; \n in a
	// paragraph starts a new paragraph.
	Text  string
	Table *Table
}

// Table is a table with one header row; Widths are relative column widths (equal when
// absent or of the wrong length). KeepTogether keeps a short table on one page.
type Table struct {
	Header       []string
	Rows         [][]string
	Widths       []float64
	KeepTogether bool
}

// Options are the layout choices GB/T 9704 leaves to the issuing unit.
type Options struct {
	// BoldLevels23 sets heading levels 2 and 3 in bold, as many units do; GB/T 9704
	// does not require it.
	BoldLevels23 bool
	// RaggedRight sets body text flush left instead of justified. LibreOffice (7.4)
	// drops a closing punctuation mark that hangs past a full justified line (a 。
	// after 28 characters); flush left it hangs and prints. The PDF, made with
	// LibreOffice, uses it; Word and WPS justify without loss.
	RaggedRight bool
}

// Write writes d as a .docx package to w.
func Write(w io.Writer, d *Document, o Options) error {
	if d == nil {
		return errors.New("docx: nil document")
	}
	body, err := documentXML(d)
	if err != nil {
		return err
	}
	parts := []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(contentTypesXML)},
		{"_rels/.rels", []byte(packageRelsXML)},
		{"docProps/core.xml", coreXML(d)},
		{"docProps/app.xml", []byte(appXML)},
		{"word/document.xml", body},
		{"word/_rels/document.xml.rels", []byte(documentRelsXML)},
		{"word/styles.xml", stylesXML(o)},
		{"word/settings.xml", []byte(settingsXML)},
		{"word/fontTable.xml", fontTableXML()},
		{"word/footer1.xml", footerXML(false)},
		{"word/footer2.xml", footerXML(true)},
	}
	// A fixed modification time keeps the package byte-for-byte reproducible.
	mod := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	zw := zip.NewWriter(w)
	for _, p := range parts {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return fmt.Errorf("docx: %s: %w", p.name, err)
		}
		if _, err := f.Write(p.data); err != nil {
			return fmt.Errorf("docx: %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	return nil
}

// Bytes is Write into memory.
func Bytes(d *Document, o Options) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, d, o); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
