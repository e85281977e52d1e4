package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"ziping/engine"
)

// RankingBook writes the workbook of a ranking a unit at a time: the 排名 sheet from
// the standings first, then each unit's points on 评分明细 as its result comes. The
// details go through excelize's stream writer, which keeps a bounded buffer and
// spills the rest to a temporary file, so no result is held after Add.
type RankingBook struct {
	f      *excelize.File
	st     *styles
	fw     *engine.Framework
	sw     *excelize.StreamWriter
	levels []string
	row    int
}

// NewRankingBook starts the workbook of a ranking in standings order; Add must then
// be given their results in that order, Write writes it, and Close releases it.
func NewRankingBook(fw *engine.Framework, standings []engine.Standing) (*RankingBook, error) {
	f := excelize.NewFile()
	st, err := newStyles(f)
	if err == nil {
		var b *RankingBook
		if b, err = newRankingBook(f, st, fw, standings); err == nil {
			return b, nil
		}
	}
	f.Close()
	return nil, err
}

func newRankingBook(f *excelize.File, st *styles, fw *engine.Framework, standings []engine.Standing) (*RankingBook, error) {
	if err := writeRankingSheet(f, st, fw, standings); err != nil {
		return nil, err
	}
	b := &RankingBook{f: f, st: st, fw: fw, levels: fw.LevelNames(), row: 2}
	var err error
	if b.sw, err = newStreamSheet(f, "评分明细"); err != nil {
		return nil, err
	}
	noun := engine.UnitNoun(fw.Level)
	head := []any{noun + "代码", noun + "名称"}
	for _, l := range b.levels {
		head = append(head, l)
	}
	head = append(head, "内容", "满分", "得分", "扣分", "状态", "理由")
	return b, b.sw.SetRow("A1", head, excelize.RowOpts{StyleID: st.head})
}

// Add writes the rows of one unit's points on 评分明细.
func (b *RankingBook) Add(r *engine.Result) error {
	n := len(b.levels) - 2 // group levels between the area and the point
	for _, a := range r.Areas {
		path := groupPaths(a.Groups, n)
		for _, p := range a.Points {
			vals := []any{r.Unit.Code, r.Unit.Name, a.Name}
			vals = append(vals, path[p.Code]...)
			for range n - len(path[p.Code]) {
				vals = append(vals, "") // a point right under its area
			}
			vals = append(vals, p.Code, p.Title, p.Max, p.Score, p.Lost, p.State(), strings.Join(p.Reasons, "；"))
			if err := b.sw.SetRow(cell(1, b.row), vals); err != nil {
				return err
			}
			b.row++
		}
	}
	return nil
}

// Write finishes the workbook and writes it to w; Close then releases it.
func (b *RankingBook) Write(w io.Writer) error {
	if err := b.sw.Flush(); err != nil {
		return err
	}
	b.f.DeleteSheet("Sheet1")
	_, err := b.f.WriteTo(w)
	return err
}

// Close releases the workbook and its temporary files.
func (b *RankingBook) Close() error { return b.f.Close() }

func writeRankingSheet(f *excelize.File, st *styles, fw *engine.Framework, standings []engine.Standing) error {
	sh := "排名"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	noun := engine.UnitNoun(fw.Level)
	head := []any{"名次", noun + "代码", noun + "名称"}
	if fw.IsVerdict() {
		head = append(head, "结论", "未达标项数", "待评项数")
	} else {
		head = append(head, "总分", "等次")
		for _, a := range fw.Areas {
			head = append(head, a.Code+" "+a.Name)
		}
		head = append(head, "待评项数")
	}
	f.SetSheetRow(sh, "A1", &head)
	f.SetCellStyle(sh, "A1", cell(len(head), 1), st.head)
	for i, s := range standings {
		rank := fmt.Sprint(s.Rank)
		if s.Tie {
			rank = "并列" + rank
		}
		row := []any{rank, s.Unit.Code, s.Unit.Name}
		if fw.IsVerdict() {
			row = append(row, s.Verdict, s.Failing, s.Pending+s.Uncomputable)
		} else {
			row = append(row, s.Total, s.Grade)
			for _, a := range s.Areas {
				row = append(row, a)
			}
			row = append(row, s.Pending+s.Uncomputable)
		}
		f.SetSheetRow(sh, cell(1, i+2), &row)
	}
	f.SetCellStyle(sh, "A2", cell(len(head), len(standings)+1), st.cell)
	f.SetColWidth(sh, "C", "C", 16)
	if err := printSetup(f, sh, "$1:$1"); err != nil {
		return err
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
