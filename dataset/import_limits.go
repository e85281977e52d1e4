package dataset

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"ziping/engine"

	"ziping"
)

// The limits an import is held to whatever read it (a file, a form), and the
// choice of one year of a file.

// KeepPeriod drops from ds every period but per and returns how many school rows
// (one a stage, after combined schools are split) and units' facts it dropped, by
// period: `import --period` and the upload form's
// 年度 import that year only.
func KeepPeriod(ds *engine.Dataset, per int) map[int]int {
	dropped := map[int]int{}
	for p, snap := range ds.Periods {
		if p == per {
			continue
		}
		n := snap.Schools.Len()
		for u := range ds.Units {
			if !math.IsNaN(factsOf(snap, u)) {
				n++
			}
		}
		dropped[p] = n
		delete(ds.Periods, p)
	}
	return dropped
}

// IgnoredPeriods says which periods KeepPeriod dropped, for the person importing.
func IgnoredPeriods(per int, dropped map[int]int) string {
	if len(dropped) == 0 {
		return ""
	}
	var ps []int
	for p := range dropped {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	var parts []string
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%d年度%d条", p, dropped[p]))
	}
	return fmt.Sprintf("只导入%d年度的数据；文件中其他年度的数据（%s）已忽略，未导入", per, strings.Join(parts, "、"))
}

// checkDataset applies the per-cell and per-file limits to a dataset however it was
// read (a file, a form): codes and names not too long, every number finite and in
// its element's range, and no more rows than Limits.MaxRows.
func (s *Service) checkDataset(ds *engine.Dataset, src ImportSource) error {
	if datasetRows(ds) == 0 && !hasFacts(ds) {
		return ziping.Errorf(ziping.Invalid, "「%s」中没有学校数据或区县数据，未导入任何数据", src.File)
	}
	if n := datasetRows(ds); s.Limits.MaxRows > 0 && n > s.Limits.MaxRows {
		return ziping.Errorf(ziping.Invalid, "「%s」共有%d行学校数据，超过了每次导入的上限%d行，请分成几个文件导入", src.File, n, s.Limits.MaxRows)
	}
	var cells []ziping.CellError
	bad := func(row int, col, value, reason string) {
		if len(cells) < maxCheckedCells {
			cells = append(cells, ziping.CellError{File: src.File, Row: row, Column: col, Value: clip(value), Reason: reason})
		}
	}
	for _, u := range ds.Units {
		checkText(bad, 0, "区县代码", u.Code, MaxCodeLen)
		checkText(bad, 0, "区县名称", u.Name, MaxNameLen)
	}
	for _, per := range ds.PeriodList() {
		snap := ds.Periods[per]
		sc := &snap.Schools
		for i := range sc.Len() {
			row := int(sc.Row[i])
			checkText(bad, row, "学校代码", sc.Code[i], MaxCodeLen)
			checkText(bad, row, "学校名称", sc.Name[i], MaxNameLen)
			checkNumbers(bad, row, engine.SchoolElements, sc.Num, i)
		}
		for u := range ds.Units {
			checkNumbers(bad, 0, engine.UnitElements, snap.Facts.Num, u)
		}
	}
	if len(cells) > 0 {
		return &ziping.ImportError{Cells: cells}
	}
	return nil
}

// hasFacts reports whether any unit of ds has a fact in any period.
func hasFacts(ds *engine.Dataset) bool {
	for _, snap := range ds.Periods {
		for u := range ds.Units {
			if !math.IsNaN(factsOf(snap, u)) {
				return true
			}
		}
	}
	return false
}

// maxCheckedCells bounds the errors checkDataset collects.
const maxCheckedCells = 1000

func checkText(bad func(int, string, string, string), row int, col, s string, max int) {
	if len(s) > max && utf8.RuneCountInString(s) > max {
		bad(row, col, s, fmt.Sprintf("过长：%s不能超过%d个字符", col, max))
	}
}

func checkNumbers(bad func(int, string, string, string), row int, els []engine.Element, num [][]float64, i int) {
	for e := range els {
		el := &els[e]
		if e >= len(num) || num[e] == nil || i >= len(num[e]) || el.Derived {
			continue
		}
		if v := num[e][i]; !math.IsNaN(v) && !el.InRange(v) {
			lo, hi := el.Range()
			bad(row, el.Name, fmt.Sprint(v), fmt.Sprintf("超出合理范围（应在%g至%g%s之间）", lo, hi, el.Unit))
		}
	}
}

// clip shortens a bad value for showing.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 20 {
		return s
	}
	return string([]rune(s)[:20]) + "…"
}
