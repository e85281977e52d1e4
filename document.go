package ziping

import "time"

// Sheet is a table handed out as a spreadsheet (a ranking, the rectification
// ledger): a title row above a header row and the rows. A cell is a string, a
// float64 (written as a number), an int, or nil for an empty cell.
type Sheet struct {
	Name    string // the worksheet's name
	Title   string
	Columns []string
	Widths  []float64 // relative column widths for documents; nil: equal
	Rows    [][]any
	Notes   []string // lines below the table
}

// Letter is an official document the services compose (a rectification notice,
// 整改通知书): the adapters turn it into Word. Paragraphs come before the table,
// Closing after it.
type Letter struct {
	// Number is the 发文字号 (「顺教督〔2025〕3号」), centred above the title; empty
	// for none.
	Number     string
	Title      string
	Recipient  string // 主送机关, followed by a full-width colon
	Paragraphs []string
	Table      *Sheet // Columns, Widths and Rows are used
	Closing    []string
	Issuer     string
	Date       time.Time
}
