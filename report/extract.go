package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"ziping"
)

// invisible removes the characters that print nothing: the zero width joiner
// ziping puts between a number and its unit (docx.joinNumbers), the word joiner,
// zero-width spaces.
var invisible = strings.NewReplacer("\u200d", "", "\u2060", "", "\u200b", "", "\ufeff", "")

// maxDocumentXML bounds the decompressed word/document.xml, against zip bombs.
const maxDocumentXML = 64 << 20

// ExtractText returns the plain text of a report file, chosen by the extension of
// name: .txt and .md (also .text, .markdown) as they are — UTF-8 with or without a
// BOM, UTF-16 with a BOM, otherwise GBK/GB18030 —; .docx, whose body paragraphs
// become lines and whose tables become Markdown tables (headers, footers, comments
// and deleted revisions left out); .html as a person reads it; and .pdf through
// pdftotext (poppler-utils), its wrapped lines joined into paragraphs. Line ends
// become "\n".
func ExtractText(name string, data []byte) (string, error) {
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".txt", ".text", ".md", ".markdown":
		s, err := decodeText(data)
		if err != nil {
			return "", &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("%s 的文字编码无法识别", name), Err: err}
		}
		return s, nil
	case ".docx":
		s, err := docxText(data)
		if err != nil {
			return "", &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("%s 不是有效的 Word（.docx）文件", name), Err: err}
		}
		return s, nil
	case ".html", ".htm":
		s, err := htmlText(data)
		if err != nil {
			return "", &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("%s 不是可读的网页文件", name), Err: err}
		}
		return s, nil
	case ".pdf":
		s, err := pdfText(data)
		switch {
		case errors.Is(err, ErrNoPdftotext):
			return "", &ziping.Error{Kind: ziping.Invalid, Msg: ErrNoPdftotext.Error(), Err: err}
		case err != nil:
			return "", &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("%s 不是可读的 PDF 文件", name), Err: err}
		}
		return s, nil
	default:
		return "", ziping.Errorf(ziping.Invalid, "不支持的文件类型「%s」：请用 .docx、.pdf、.html、.md 或 .txt", ext)
	}
}

func decodeText(data []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		s = string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		b, _, err := transform.Bytes(dec, data)
		if err != nil {
			return "", fmt.Errorf("decode utf-16: %w", err)
		}
		s = string(b)
	case utf8.Valid(data):
		s = string(data)
	default:
		// Files from Chinese Windows are GBK; GB18030 is its superset.
		b, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
		if err != nil {
			return "", fmt.Errorf("decode gb18030: %w", err)
		}
		s = string(b)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), nil
}

func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("open zip: %w", err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", fmt.Errorf("open document.xml: %w", err)
		}
		defer rc.Close()
		return documentText(io.LimitReader(rc, maxDocumentXML))
	}
	return "", errors.New("no word/document.xml")
}

// documentText walks WordprocessingML in document order. Elements are matched by
// local name, so both the transitional and the strict namespaces work. A table
// becomes a Markdown table (its first row the header); text in a nested table stays
// on its outer cell's line.
func documentText(r io.Reader) (string, error) {
	dec := xml.NewDecoder(r)
	var b strings.Builder
	var rows []int      // per open table row: cells started so far
	var cells []int     // per open cell: paragraphs started so far
	tables := 0         // open tables
	var tableRows []int // per open table: rows ended so far
	cellStart := 0      // where the open top-level cell's text starts in b
	skip := 0           // >0 inside text that is not shown (deleted runs, field codes)
	inText := false
	tabStops := 0 // >0 inside <w:tabs>, paragraph tab-stop definitions, not text
	lineEnd := func() {
		if len(cells) > 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte('\n')
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return strings.TrimRight(b.String(), "\n") + "\n", nil
		}
		if err != nil {
			return "", fmt.Errorf("read document.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "del", "delText", "instrText", "fldData":
				skip++
			case "t":
				inText = true
			case "tabs":
				tabStops++
			case "tab":
				if skip == 0 && !inText && tabStops == 0 {
					b.WriteByte('\t')
				}
			case "br", "cr":
				if skip == 0 {
					lineEnd()
				}
			case "tbl":
				tables++
				tableRows = append(tableRows, 0)
			case "tr":
				rows = append(rows, 0)
				if tables == 1 {
					b.WriteString("|")
				}
			case "tc":
				if n := len(rows); n > 0 {
					if rows[n-1] > 0 && tables > 1 {
						b.WriteByte(' ')
					}
					rows[n-1]++
				}
				if tables == 1 {
					b.WriteByte(' ')
					cellStart = b.Len()
				}
				cells = append(cells, 0)
			case "p":
				if n := len(cells); n > 0 {
					if cells[n-1] > 0 {
						b.WriteByte(' ')
					}
					cells[n-1]++
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "del", "delText", "instrText", "fldData":
				skip = max(skip-1, 0)
			case "t":
				inText = false
			case "tabs":
				tabStops = max(tabStops-1, 0)
			case "p":
				if len(cells) == 0 {
					b.WriteByte('\n')
				}
			case "tc":
				if len(cells) > 0 {
					cells = cells[:len(cells)-1]
				}
				if tables == 1 {
					// A cell's own 「|」 would end it early in Markdown.
					cell := strings.TrimSpace(b.String()[cellStart:])
					rest := b.String()[:cellStart]
					b.Reset()
					b.WriteString(rest + strings.ReplaceAll(cell, "|", `\|`) + " |")
				}
			case "tr":
				n := 0
				if len(rows) > 0 {
					n = rows[len(rows)-1]
					rows = rows[:len(rows)-1]
				}
				if tables > 1 {
					lineEnd()
					break
				}
				b.WriteByte('\n')
				if k := len(tableRows) - 1; k >= 0 {
					if tableRows[k] == 0 { // the header row ends: the delimiter row
						b.WriteString("|" + strings.Repeat(" --- |", max(n, 1)) + "\n")
					}
					tableRows[k]++
				}
			case "tbl":
				tables = max(tables-1, 0)
				if len(tableRows) > 0 {
					tableRows = tableRows[:len(tableRows)-1]
				}
			}
		case xml.CharData:
			if inText && skip == 0 {
				// Word joiners (ziping keeps numbers with their units with them) and
				// zero-width spaces print nothing and mean nothing to a reader.
				b.WriteString(invisible.Replace(string(t)))
			}
		}
	}
}
