package xlsx

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"ziping/engine"
)

// The score sheet of a framework of three levels or more: a column per level of
// indicators (重点内容 | 关键指标 | 考查要点 …), each indicator's cell merged over its
// rows, and after the rows of every area and group a 小计 row with its maximum, score
// and points lost, so that a reviewer reads 69.2 of 71 where the table has it.

// treeSheet writes one unit's score sheet rows.
type treeSheet struct {
	f       *excelize.File
	sh      string
	fw      *engine.Framework
	verdict bool
	levels  int // level columns before 内容: the areas', the groups', the points' codes
	row     int
	width   float64 // of the reason column, for row heights
}

func writeTreeSheet(f *excelize.File, st *styles, fw *engine.Framework, r *engine.Result) error {
	sh := "评分表"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	t := &treeSheet{f: f, sh: sh, fw: fw, verdict: fw.IsVerdict(), levels: fw.Depth(), row: 3, width: 62}
	head := t.head()
	last := len(head)
	f.SetCellValue(sh, "A1", fmt.Sprintf("%s%d年度%s评分表", r.Unit.Name, r.Period, fw.Name))
	f.MergeCell(sh, "A1", cell(last, 1))
	f.SetCellStyle(sh, "A1", cell(last, 1), st.title)
	f.SetRowHeight(sh, 1, 32)
	f.SetSheetRow(sh, "A2", &head)
	f.SetCellStyle(sh, "A2", cell(last, 2), st.head)
	for _, a := range r.Areas {
		top := t.row
		if len(a.Groups) == 0 {
			for _, p := range a.Points {
				t.point(1, p)
			}
		} else {
			t.groups(1, a.Groups, a.Points)
		}
		t.subtotal(1, a.Max, a.Score)
		t.merge(0, top, a.Code+" "+a.Name)
	}
	for _, p := range r.Bonus {
		t.point(1, p)
		f.SetCellValue(sh, cell(1, t.row-1), "加分项")
		if !t.verdict {
			f.SetCellValue(sh, cell(t.levels+4, t.row-1), "")
		}
	}
	f.SetCellStyle(sh, "A3", cell(last, t.row-1), st.cell)
	f.SetCellStyle(sh, cell(t.levels+1, 3), cell(t.levels+1, t.row-1), st.wrap)
	f.SetCellStyle(sh, cell(last, 3), cell(last, t.row-1), st.wrap)
	writeTotals(f, st, sh, fw, r, t.row, last, t.levels+1)
	for i := 1; i <= last; i++ {
		col, _ := excelize.ColumnNumberToName(i)
		f.SetColWidth(sh, col, col, t.colWidth(i, last))
	}
	if err := printSetup(f, sh, "$1:$2"); err != nil {
		return err
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// head is the header row: the level names, 内容, and the score columns.
func (t *treeSheet) head() []any {
	var head []any
	for _, n := range t.fw.LevelNames() {
		head = append(head, n)
	}
	if t.verdict {
		return append(head, "内容", "结论", "说明")
	}
	return append(head, "内容", "满分", "得分", "扣分", "扣分理由")
}

func (t *treeSheet) colWidth(i, last int) float64 {
	switch {
	case i < t.levels:
		return 16
	case i == t.levels:
		return 9
	case i == t.levels+1:
		return 30
	case i == last:
		return t.width
	}
	return 7
}

// groups writes groups at level column lv (0-based: 1 for the areas' children).
func (t *treeSheet) groups(lv int, groups []engine.GroupResult, points []engine.PointResult) {
	for _, g := range groups {
		top := t.row
		t.groups(lv+1, g.Groups, points)
		for _, code := range g.Points {
			for _, p := range points {
				if p.Code == code {
					t.point(lv+1, p)
				}
			}
		}
		t.subtotal(lv+1, g.Max, g.Score)
		t.merge(lv, top, g.Code+" "+g.Name)
	}
}

// point writes a point's row; a point above the deepest level spans the level
// columns from lv to the codes' column.
func (t *treeSheet) point(lv int, p engine.PointResult) {
	reasons := strings.Join(p.Reasons, "\n")
	vals := []any{engine.PointRef(p.Code), p.Title}
	if t.verdict {
		vals = append(vals, p.State(), reasons)
	} else {
		score := any(p.Score)
		if p.Status != engine.StatusScored {
			score = p.State()
		}
		vals = append(vals, p.Max, score, p.Lost, reasons)
	}
	t.f.SetSheetRow(t.sh, cell(t.levels, t.row), &vals)
	if lv < t.levels-1 {
		t.f.MergeCell(t.sh, cell(lv+1, t.row), cell(t.levels, t.row))
		t.f.SetCellValue(t.sh, cell(lv+1, t.row), p.Code)
	}
	t.f.SetRowHeight(t.sh, t.row, rowHeight(p.Reasons, t.width))
	t.row++
}

// subtotal writes the 小计 row of an area or group whose children start at level
// column lv (grade frameworks; a verdict has no points to add up).
func (t *treeSheet) subtotal(lv int, max, score float64) {
	if t.verdict {
		return
	}
	t.f.SetCellValue(t.sh, cell(lv+1, t.row), "小计")
	t.f.MergeCell(t.sh, cell(lv+1, t.row), cell(t.levels+1, t.row))
	vals := []any{max, score, max - score}
	t.f.SetSheetRow(t.sh, cell(t.levels+2, t.row), &vals)
	t.row++
}

// merge writes an indicator's name in level column lv (0-based) and merges it over
// its rows, from top to the row before t.row.
func (t *treeSheet) merge(lv, top int, name string) {
	t.f.SetCellValue(t.sh, cell(lv+1, top), name)
	if t.row-1 > top {
		t.f.MergeCell(t.sh, cell(lv+1, top), cell(lv+1, t.row-1))
	}
}
