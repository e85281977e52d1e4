package docx

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

const nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// headingStyles are the style IDs of the four heading levels.
var headingStyles = [4]string{"Heading1", "Heading2", "Heading3", "Heading4"}

// documentXML writes word/document.xml: the title, the blocks, the issuer and date,
// and the section properties that carry the page geometry.
func documentXML(d *Document) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(4096 + 256*len(d.Blocks))
	b.WriteString(xmlHeader)
	b.WriteString(`<w:document ` + nsW + `><w:body>` + "\n")
	if d.Number != "" {
		writePara(&b, "Body", keepWith+noIndent+`<w:jc w:val="center"/>`, d.Number) // pPr in schema order
		writePara(&b, "Body", keepWith, "")
	}
	if d.Title != "" {
		writeTitle(&b, d.Title)
	}
	// The end of the body is kept with the 附件说明 and the signature, so that the
	// signature never stands alone on a page.
	tail := len(d.Attachments) > 0 || d.Issuer != "" || !d.Date.IsZero()
	if err := writeBlocks(&b, d.Blocks, tail); err != nil {
		return nil, err
	}
	writeAttachments(&b, d.Attachments)
	writeSignature(&b, d)
	for i, an := range d.Annexes {
		writePara(&b, "AnnexLabel", `<w:pageBreakBefore/>`, an.Label)
		if an.Title != "" {
			writeTitle(&b, an.Title)
		}
		if err := writeBlocks(&b, an.Blocks, false); err != nil {
			return nil, fmt.Errorf("docx: annex %d: %w", i+1, err)
		}
	}
	b.WriteString(sectPr)
	b.WriteString(`</w:body></w:document>` + "\n")
	return b.Bytes(), nil
}

// writeBlocks writes blocks, numbering the headings; keepLast keeps the last
// paragraph whole and with what follows.
func writeBlocks(b *bytes.Buffer, blocks []Block, keepLast bool) error {
	var num numberer
	for i, bl := range blocks {
		keep := ""
		if keepLast && i == len(blocks)-1 {
			keep = keepWith
		}
		switch bl.Kind {
		case Paragraph, Unindented:
			ind := ""
			if bl.Kind == Unindented {
				ind = noIndent
			}
			lines := strings.Split(bl.Text, "\n")
			for j, line := range lines {
				ppr := ind // keepNext and keepLines come before ind in w:pPr
				if j == len(lines)-1 {
					ppr = keep + ind
				}
				writePara(b, "Body", ppr, line)
			}
		case Heading1, Heading2, Heading3, Heading4:
			level := int(bl.Kind - Heading1)
			writePara(b, headingStyles[level], "", num.next(level)+bl.Text)
		case TableBlock:
			if bl.Table == nil {
				return fmt.Errorf("docx: block %d: table block without a table", i+1)
			}
			if err := writeTable(b, bl.Table); err != nil {
				return fmt.Errorf("docx: block %d: %w", i+1, err)
			}
		default:
			return fmt.Errorf("docx: block %d: unknown kind %d", i+1, bl.Kind)
		}
	}
	return nil
}

// keepWith keeps a paragraph's lines together and on the page of the next one.
const keepWith = `<w:keepNext/><w:keepLines/>`

// writeAttachments writes the 附件说明 (GB/T 9704 §7.3.6): one empty line under the
// body, then 「附件：1.名称」 two characters in, further names numbered under the
// first, no punctuation after them.
func writeAttachments(b *bytes.Buffer, names []string) {
	if len(names) == 0 {
		return
	}
	writePara(b, "Body", keepWith, "")
	// Wrapped lines align with the first character of the name: two characters of
	// indent, 「附件：」's three, and 「1.」 (one) when the annexes are numbered.
	name := 5
	if len(names) > 1 {
		name = 6
	}
	for i, n := range names {
		text := strconv.Itoa(i+1) + "." + n
		hang := name - 2
		switch {
		case len(names) == 1:
			text = "附件：" + n
		case i == 0:
			text = "附件：" + text
		default:
			hang = 1 // under 「1.」
		}
		ppr := keepWith + `<w:ind w:left="` + strconv.Itoa(name*bodyChar) + `" w:hanging="` + strconv.Itoa(hang*bodyChar) + `" w:firstLineChars="0"/>`
		writePara(b, "Body", ppr, text)
	}
}

// writeTitle writes the title as one centred paragraph (lines joined by breaks) and the
// empty line that follows it.
func writeTitle(b *bytes.Buffer, title string) {
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>`)
	for i, line := range strings.Split(title, "\n") {
		if i > 0 {
			b.WriteString(`<w:r><w:br/></w:r>`)
		}
		writeRun(b, line)
	}
	b.WriteString("</w:p>\n")
	writePara(b, "Body", "", "")
}

// writePara writes one paragraph of the given style with extra paragraph properties.
func writePara(b *bytes.Buffer, style, ppr, text string) {
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="`)
	b.WriteString(style)
	b.WriteString(`"/>`)
	b.WriteString(ppr)
	b.WriteString(`</w:pPr>`)
	writeRun(b, text)
	b.WriteString("</w:p>\n")
}

// writeRun writes text as one run; empty text writes nothing.
func writeRun(b *bytes.Buffer, text string) {
	if text == "" {
		return
	}
	b.WriteString(`<w:r><w:t xml:space="preserve">`)
	escape(b, joinNumbers(text))
	b.WriteString(`</w:t></w:r>`)
}

// escape writes s XML-escaped; characters XML forbids become U+FFFD.
func escape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a bytes.Buffer never fails
}

// writeSignature writes the issuer centred above the date, the date right-aligned
// four characters in (GB/T 9704 §7.3.5), after two empty lines that leave room for a
// seal.
func writeSignature(b *bytes.Buffer, d *Document) {
	if d.Issuer == "" && d.Date.IsZero() {
		return
	}
	writePara(b, "Body", keepWith, "")
	writePara(b, "Body", keepWith, "")
	const dateInset = 4 * bodyChar
	date := ""
	if !d.Date.IsZero() {
		date = fmt.Sprintf("%d年%d月%d日", d.Date.Year(), int(d.Date.Month()), d.Date.Day())
	}
	if d.Issuer != "" {
		// Centred on the date: right-aligned, inset by the date's inset plus half the
		// difference of their widths (never into the right margin).
		inset := dateInset
		if date != "" {
			inset += int((textWidth(date) - textWidth(d.Issuer)) / 2)
		}
		inset = max(inset, 0)
		keep := ""
		if date != "" {
			keep = keepWith
		}
		writePara(b, "Signature", keep+`<w:ind w:right="`+strconv.Itoa(inset)+`"/>`, d.Issuer)
	}
	if date != "" {
		writePara(b, "Signature", `<w:ind w:right="`+strconv.Itoa(dateInset)+`" w:rightChars="400"/>`, date)
	}
}

// textWidth estimates the printed width of body text in twips: a full-width character
// takes one condensed 16 pt em, a half-width one half an em.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if runewidth.RuneWidth(r) == 2 {
			w += charPitch()
		} else {
			w += bodyChar / 2
		}
	}
	return w
}

// writeTable writes a bordered, centred table whose header row repeats on every page.
func writeTable(b *bytes.Buffer, t *Table) error {
	cols := len(t.Header)
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return fmt.Errorf("empty table")
	}
	widths := columnWidths(t.Widths, cols)
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + strconv.Itoa(textW) + `" w:type="dxa"/><w:jc w:val="center"/>`)
	b.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0020" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>`)
	b.WriteString(`<w:tblGrid>`)
	for _, w := range widths {
		b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(w) + `"/>`)
	}
	b.WriteString("</w:tblGrid>\n")
	if len(t.Header) > 0 {
		writeRow(b, t.Header, widths, true, false)
	}
	for i, r := range t.Rows {
		// A table kept together keeps every row with the next (Word and
		// LibreOffice move it whole to the next page when it does not fit).
		writeRow(b, r, widths, false, t.KeepTogether && i < len(t.Rows)-1)
	}
	b.WriteString("</w:tbl>\n")
	return nil
}

// columnWidths shares the text width among cols columns in proportion to rel.
func columnWidths(rel []float64, cols int) []int {
	sum := 0.0
	ok := len(rel) == cols
	for _, w := range rel {
		if w <= 0 {
			ok = false
		}
		sum += w
	}
	out := make([]int, cols)
	left := textW
	for i := range out {
		if ok {
			out[i] = int(float64(textW) * rel[i] / sum)
		} else {
			out[i] = textW / cols
		}
		left -= out[i]
	}
	out[cols-1] += left // rounding remainder, so the columns fill the block exactly
	return out
}

func writeRow(b *bytes.Buffer, cells []string, widths []int, header, keep bool) {
	b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
	if header {
		b.WriteString(`<w:tblHeader/>`)
	}
	b.WriteString(`</w:trPr>`)
	for i, w := range widths {
		text := ""
		if i < len(cells) {
			text = cells[i]
		}
		b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(w) + `" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>`)
		style, jc := "TableText", ""
		switch {
		case header:
			style = "TableHeader"
		case numeric(text):
			jc = `<w:jc w:val="center"/>`
		}
		if keep {
			jc = `<w:keepNext/>` + jc
		}
		writePara(b, style, jc, text)
		b.WriteString(`</w:tc>`)
	}
	b.WriteString("</w:tr>\n")
}

// numeric reports whether a cell holds a short number (score, percentage), which is
// centred; text cells are justified.
func numeric(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 12 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789.,%+-−/ ", r) {
			return false
		}
	}
	return true
}

// sectPr is the one section: A4, the GB/T 9704 margins, the odd (default) and even
// page-number footers and the 22-line document grid.
var sectPr = fmt.Sprintf(`<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>`+
	`<w:footerReference w:type="even" r:id="rIdFooterEven"/>`+
	`<w:pgSz w:w="%d" w:h="%d"/>`+
	`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`+
	`<w:pgNumType w:fmt="decimal"/><w:cols w:space="425"/>`+
	`<w:docGrid w:type="lines" w:linePitch="%d"/></w:sectPr>`+"\n",
	pageW, pageH, marginTop, marginRight, marginBottom, marginLeft, headerDist, footerDist,
	linePitch)
