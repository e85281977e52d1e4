package docx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"ziping"
)

// WriteLetter writes an official letter (整改通知书, 评价结果通报 and the like) in the
// GB/T 9704 layout: the 发文字号, the title, the recipient flush left and followed by a full-width colon, the
// paragraphs, the table (its columns, their widths and rows, every cell as text), the closing
// paragraphs, and the issuer and date.
func WriteLetter(w io.Writer, l *ziping.Letter) error {
	if l == nil {
		return errors.New("docx: nil letter")
	}
	return Write(w, letterDocument(l), Options{})
}

// letterDocument turns a letter into the blocks of a Document.
func letterDocument(l *ziping.Letter) *Document {
	d := &Document{Number: l.Number, Title: l.Title, Issuer: l.Issuer, Date: l.Date}
	if l.Recipient != "" {
		d.Blocks = append(d.Blocks, Block{Kind: Unindented, Text: l.Recipient + "："})
	}
	for _, p := range l.Paragraphs {
		d.Blocks = append(d.Blocks, Block{Kind: Paragraph, Text: p})
	}
	if t := l.Table; t != nil && (len(t.Columns) > 0 || len(t.Rows) > 0) {
		tb := &Table{Header: t.Columns, Widths: t.Widths, Rows: make([][]string, len(t.Rows))}
		for i, r := range t.Rows {
			tb.Rows[i] = make([]string, len(r))
			for j, v := range r {
				tb.Rows[i][j] = cellText(v)
			}
		}
		d.Blocks = append(d.Blocks, Block{Kind: TableBlock, Table: tb})
	}
	for _, p := range l.Closing {
		d.Blocks = append(d.Blocks, Block{Kind: Paragraph, Text: p})
	}
	return d
}

// cellText formats a Sheet cell: numbers in plain decimal notation, nil, NaN and ±Inf
// as an empty cell.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}
