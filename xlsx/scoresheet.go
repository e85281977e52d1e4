package xlsx

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/xuri/excelize/v2"

	"ziping/engine"
)

// WriteScoreSheet writes evaluation results as a workbook in the layout inspectors
// use: for one unit the 评分表 (one row per point, the area cell merged over its
// points, totals at the foot) and the metric values; for several units the ranking
// and every unit's points.
func WriteScoreSheet(w io.Writer, fw *engine.Framework, results []*engine.Result) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	switch {
	case len(results) == 1 && fw.Depth() > 2:
		err = writeTreeSheet(f, st, fw, results[0])
		if err == nil {
			err = writeMetricSheet(f, st, results[0])
		}
	case len(results) == 1:
		err = writeUnitSheet(f, st, fw, results[0])
		if err == nil {
			err = writeMetricSheet(f, st, results[0])
		}
	default:
		standings := make([]engine.Standing, len(results))
		for i, r := range results {
			standings[i] = engine.StandingOf(r)
		}
		b, err := newRankingBook(f, st, fw, standings)
		for _, r := range results {
			if err == nil {
				err = b.Add(r)
			}
		}
		if err == nil {
			err = b.Write(w)
		}
		return err
	}
	if err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	_, err = f.WriteTo(w)
	return err
}

type styles struct{ title, head, cell, wrap, num, note int }

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	font := &excelize.Font{Family: "宋体", Size: 11}
	mk := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		if err != nil {
			return 0
		}
		return id
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	s := &styles{
		title: mk(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16}, Alignment: center}),
		head:  mk(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 11}, Alignment: center, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}}}),
		cell:  mk(&excelize.Style{Font: font, Alignment: center, Border: border}),
		wrap:  mk(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border}),
		num:   mk(&excelize.Style{Font: font, Alignment: center, Border: border, CustomNumFmt: strp("0.##")}),
		note:  mk(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}),
	}
	return s, nil
}

func strp(s string) *string { return &s }

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func writeUnitSheet(f *excelize.File, st *styles, fw *engine.Framework, r *engine.Result) error {
	sh := "评分表"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	verdict := fw.IsVerdict()
	head := []any{"一级指标", "测评点", "内容", "满分", "得分", "扣分", "扣分理由"}
	if verdict {
		head = []any{"方面", "项目", "内容", "结论", "说明"}
	}
	last := len(head)
	title := fmt.Sprintf("%s%d年度%s评分表", r.Unit.Name, r.Period, fw.Name)
	f.SetCellValue(sh, "A1", title)
	f.MergeCell(sh, "A1", cell(last, 1))
	f.SetCellStyle(sh, "A1", cell(last, 1), st.title)
	f.SetRowHeight(sh, 1, 32)
	f.SetSheetRow(sh, "A2", &head)
	f.SetCellStyle(sh, "A2", cell(last, 2), st.head)
	row := 3
	reasonWidth := 62.0
	if verdict {
		reasonWidth = 70
	}
	for _, a := range r.Areas {
		top := row
		for _, p := range a.Points {
			vals := pointCells(verdict, a.Name, p)
			f.SetSheetRow(sh, cell(1, row), &vals)
			f.SetRowHeight(sh, row, rowHeight(p.Reasons, reasonWidth))
			row++
		}
		if row-1 > top {
			f.MergeCell(sh, cell(1, top), cell(1, row-1))
		}
	}
	for _, p := range r.Bonus {
		vals := pointCells(verdict, "加分项", p)
		vals[5] = "" // a bonus not earned is not a deduction
		f.SetSheetRow(sh, cell(1, row), &vals)
		row++
	}
	f.SetCellStyle(sh, "A3", cell(last, row-1), st.cell)
	f.SetCellStyle(sh, cell(3, 3), cell(3, row-1), st.wrap)
	f.SetCellStyle(sh, cell(last, 3), cell(last, row-1), st.wrap)
	writeTotals(f, st, sh, fw, r, row, last, 3)
	widths := []float64{20, 7, 30, 7, 7, 7, 62}
	if verdict {
		widths = []float64{20, 7, 30, 9, 70}
	}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(sh, col, col, wd)
	}
	if err := printSetup(f, sh, "$1:$2"); err != nil {
		return err
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// printSetup makes a sheet print the way score sheets are handed in: A4 landscape,
// one page wide, the title and header rows repeated on every page.
func printSetup(f *excelize.File, sh, titleRows string) error {
	a4, landscape, one, tall := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	m := 0.5
	if err := f.SetPageMargins(sh, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sh + "'!" + titleRows, Scope: sh})
}

// rowHeight fits a row to its reasons: spreadsheet programs do not grow a row to
// wrapped text on their own when a file is opened. width is the reason column's width
// in characters (a Chinese character takes two).
func rowHeight(reasons []string, width float64) float64 {
	lines := 0
	for _, r := range reasons {
		lines += int(math.Ceil(float64(runewidth.StringWidth(r)) / (width - 2)))
	}
	return math.Max(18, float64(lines)*15+3)
}

func pointCells(verdict bool, area string, p engine.PointResult) []any {
	reasons := strings.Join(p.Reasons, "\n")
	if verdict {
		return []any{area, engine.PointRef(p.Code), p.Title, p.State(), reasons}
	}
	score := any(p.Score)
	if p.Status != engine.StatusScored {
		score = p.State()
	}
	return []any{area, engine.PointRef(p.Code), p.Title, p.Max, score, p.Lost, reasons}
}

// writeTotals writes the 合计, 加分 and 总分 rows (or the verdict) and the triggered
// vetoes from row on; the label of each spans the first label columns.
func writeTotals(f *excelize.File, st *styles, sh string, fw *engine.Framework, r *engine.Result, row, last, label int) {
	lines := [][]any{}
	pad := make([]any, label-1)
	for i := range pad {
		pad[i] = ""
	}
	line := func(first string, rest ...any) []any { return append(append([]any{first}, pad...), rest...) }
	if fw.IsVerdict() {
		lines = append(lines, line("结论", r.Verdict, strings.Join(r.Failing, "\n")))
	} else {
		lines = append(lines, line("合计", r.Max, r.Score, r.Max-r.Score, ""))
		if fw.Bonus != nil {
			lines = append(lines, line("加分", fw.Bonus.Cap, r.BonusTotal, "", ""))
		}
		lines = append(lines, line("总分", "", r.Total, "", "等次："+r.Grade))
	}
	for _, v := range r.Vetoes {
		if v.Triggered {
			l := make([]any, last)
			l[0], l[last-1] = "否决/降等", v.Code+" "+v.Reason
			lines = append(lines, l)
		}
	}
	for _, l := range lines {
		f.SetSheetRow(sh, cell(1, row), &l)
		f.MergeCell(sh, cell(1, row), cell(label, row))
		f.SetCellStyle(sh, cell(1, row), cell(last, row), st.head)
		f.SetCellStyle(sh, cell(last, row), cell(last, row), st.wrap)
		row++
	}
}

func writeMetricSheet(f *excelize.File, st *styles, r *engine.Result) error {
	sh := "指标"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	head := []any{"指标代码", "指标名称", "数值", "单位", "说明"}
	f.SetSheetRow(sh, "A1", &head)
	f.SetCellStyle(sh, "A1", "E1", st.head)
	for i, m := range r.Metrics {
		var v any = m.Text()
		if m.OK {
			v = m.Value
		}
		row := []any{m.ID, m.Name, v, m.Unit, m.Why}
		f.SetSheetRow(sh, cell(1, i+2), &row)
	}
	f.SetCellStyle(sh, "A2", cell(5, len(r.Metrics)+1), st.wrap)
	for i, wd := range []float64{44, 44, 14, 8, 40} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(sh, col, col, wd)
	}
	return nil
}

// groupPaths gives, for each point under groups, the names of its groups level by
// level: n names, blank below a point that sits higher.
func groupPaths(groups []engine.GroupResult, n int) map[string][]any {
	out := map[string][]any{}
	var walk func(gs []engine.GroupResult, above []any)
	walk = func(gs []engine.GroupResult, above []any) {
		for _, g := range gs {
			names := append(append([]any(nil), above...), g.Code+" "+g.Name)
			walk(g.Groups, names)
			for _, code := range g.Points {
				full := append(append([]any(nil), names...), make([]any, n-len(names))...)
				for i := range full {
					if full[i] == nil {
						full[i] = ""
					}
				}
				out[code] = full
			}
		}
	}
	walk(groups, nil)
	return out
}

func newStreamSheet(f *excelize.File, name string) (*excelize.StreamWriter, error) {
	if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	return f.NewStreamWriter(name)
}
