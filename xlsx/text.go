package xlsx

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ziping"
)

// TextLimits bound what ReadText accepts; zero fields take the defaults.
type TextLimits struct {
	MaxRows    int   // rows below the header; 100,000 when zero
	MaxColumns int   // 1,000 when zero
	MaxCell    int   // bytes of one cell; 64 KiB when zero
	UnzipSize  int64 // what an .xlsx may inflate to; 200 MiB when zero
}

func (l TextLimits) withDefaults() TextLimits {
	if l.MaxRows == 0 {
		l.MaxRows = 100_000
	}
	if l.MaxColumns == 0 {
		l.MaxColumns = 1000
	}
	if l.MaxCell == 0 {
		l.MaxCell = 64 << 10
	}
	if l.UnzipSize == 0 {
		l.UnzipSize = 200 << 20
	}
	return l
}

// ReadText reads a table as text, every cell as the spreadsheet shows it: the first
// non-empty sheet of an .xlsx, or a .csv (UTF-8, with or without BOM, or GBK as Excel
// saves it on Chinese Windows). The header is the first row that is not empty; rows
// below it keep their positions (an empty row is an empty slice), so that
// FirstRow+i is the row a spreadsheet shows for Rows[i]. This is how another survey
// platform's export (问卷星, 腾讯问卷: a row a response, a column a question) is read;
// package survey matches its columns by title.
func ReadText(name string, data []byte, lim TextLimits) (*ziping.TextTable, error) {
	lim = lim.withDefaults()
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	var rows [][]string
	var sheet string
	var err error
	switch ext := strings.ToLower(path.Ext(base)); ext {
	case ".csv":
		rows, err = csvText(base, data, lim)
	case ".xlsx":
		rows, sheet, err = xlsxText(base, data, lim)
	default:
		return nil, ziping.Errorf(ziping.Invalid, "文件「%s」的类型不支持：请上传 .xlsx 或 .csv 文件", base)
	}
	if err != nil {
		return nil, err
	}
	return textTable(base, sheet, rows, lim)
}

// textTable finds the header and checks the limits.
func textTable(name, sheet string, rows [][]string, lim TextLimits) (*ziping.TextTable, error) {
	where := "文件「" + name + "」"
	if sheet != "" {
		where += "工作表「" + sheet + "」"
	}
	h := 0
	for h < len(rows) && emptyRow(rows[h]) {
		h++
	}
	if h == len(rows) {
		return nil, ziping.Errorf(ziping.Invalid, "%s是空的：没有表头", where)
	}
	body := rows[h+1:]
	for len(body) > 0 && emptyRow(body[len(body)-1]) {
		body = body[:len(body)-1]
	}
	if len(body) > lim.MaxRows {
		return nil, ziping.Errorf(ziping.Invalid, "%s有%d行答卷，超过%d行的上限", where, len(body), lim.MaxRows)
	}
	t := &ziping.TextTable{File: name, Sheet: sheet, Header: trimRow(rows[h]), Rows: body, FirstRow: h + 2}
	for i, r := range append([][]string{rows[h]}, body...) {
		if len(r) > lim.MaxColumns {
			return nil, ziping.Errorf(ziping.Invalid, "%s第%d行有%d列，超过%d列的上限", where, h+1+i, len(r), lim.MaxColumns)
		}
	}
	for i := range t.Rows {
		t.Rows[i] = trimRow(t.Rows[i])
	}
	return t, nil
}

// trimRow drops the empty cells at the end of a row and the spaces around each cell.
func trimRow(r []string) []string {
	for i := range r {
		r[i] = strings.TrimSpace(r[i])
	}
	for len(r) > 0 && r[len(r)-1] == "" {
		r = r[:len(r)-1]
	}
	return r
}

func emptyRow(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvText splits a CSV file into rows of cells, one row a record as a spreadsheet
// shows them (a blank line is an empty row; a quoted field may span lines).
func csvText(name string, data []byte, lim TextLimits) ([][]string, error) {
	s := string(decodeText(data))
	var rows [][]string
	for pos, n := 0, 1; pos < len(s); n++ {
		var f []string
		f, pos = nextRecord(s, pos, nil, true)
		for j, c := range f {
			if len(c) > lim.MaxCell {
				return nil, ziping.Errorf(ziping.Invalid, "文件「%s」第%d行第%d列的内容过长（超过%d字节）", name, n, j+1, lim.MaxCell)
			}
			f[j] = strings.Clone(c)
		}
		if len(f) == 1 && f[0] == "" {
			f = nil
		}
		rows = append(rows, f)
		if len(rows) > lim.MaxRows+maxTitleRows+1 {
			return nil, ziping.Errorf(ziping.Invalid, "文件「%s」超过%d行的上限", name, lim.MaxRows)
		}
	}
	return rows, nil
}

// xlsxText reads the first sheet with any cell, every cell formatted as Excel shows
// it (an export's times and numbers are text to match, not values to compute).
func xlsxText(name string, data []byte, lim TextLimits) ([][]string, string, error) {
	in := Input{Name: name, R: bytes.NewReader(data), Size: int64(len(data))}
	if err := checkUnzipSize(in, lim.UnzipSize); err != nil {
		return nil, "", err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.UnzipSize, UnzipXMLSizeLimit: lim.UnzipSize})
	if err != nil {
		return nil, "", &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」：不是有效的 xlsx 文件", name), Err: err}
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := sheetText(f, name, sheet, lim)
		if err != nil {
			return nil, "", err
		}
		for _, r := range rows {
			if !emptyRow(r) {
				return rows, sheet, nil
			}
		}
	}
	return nil, "", ziping.Errorf(ziping.Invalid, "文件「%s」的工作表都是空的", name)
}

func sheetText(f *excelize.File, name, sheet string, lim TextLimits) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」的工作表「%s」", name, sheet), Err: err}
	}
	defer it.Close()
	var rows [][]string
	for n := 1; it.Next(); n++ {
		r, err := it.Columns()
		if err != nil {
			return nil, &ziping.Error{Kind: ziping.Invalid, Msg: fmt.Sprintf("无法读取文件「%s」工作表「%s」第%d行", name, sheet, n), Err: err}
		}
		for j, c := range r {
			if len(c) > lim.MaxCell || !utf8.ValidString(c) {
				return nil, ziping.Errorf(ziping.Invalid, "文件「%s」工作表「%s」第%d行第%d列的内容过长或不是文本", name, sheet, n, j+1)
			}
		}
		rows = append(rows, r)
		if len(rows) > lim.MaxRows+maxTitleRows+1 {
			return nil, ziping.Errorf(ziping.Invalid, "文件「%s」工作表「%s」超过%d行的上限", name, sheet, lim.MaxRows)
		}
	}
	return rows, it.Error()
}
