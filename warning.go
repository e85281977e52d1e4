package ziping

import "strings"

// ImportWarning is something a read of data files did not use: a column whose header
// no data element matches (with the nearest known header when one is near), or a
// sheet that holds no table. It does not stop the import; the CLI prints it and an
// upload's preview shows it, so that a misspelt column is not silently dropped.
type ImportWarning struct {
	File    string `json:"file"`
	Sheet   string `json:"sheet,omitempty"`
	Row     int    `json:"row,omitempty"`     // the header row, 1-based
	Column  string `json:"column,omitempty"`  // letter and header as written: "F 图书藏书量"
	Header  string `json:"header,omitempty"`  // the header as written
	Nearest string `json:"nearest,omitempty"` // the known header it is nearest to, if any is near
	Msg     string `json:"msg"`               // what it means, in Chinese
}

func (w ImportWarning) String() string {
	var b strings.Builder
	b.WriteString(w.File)
	if w.Sheet != "" {
		b.WriteString(" 工作表「" + w.Sheet + "」")
	}
	if w.Column != "" {
		b.WriteString(" 列「" + w.Column + "」")
	}
	b.WriteString(": " + w.Msg)
	return b.String()
}
