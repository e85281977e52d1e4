package xlsx

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"ziping/engine"
)

// factsPart holds the rows of a unit-facts table as columns. Facts tables are small
// (one row per county and year), so they are never split into chunks.
type factsPart struct {
	t      *table
	lay    *layout
	pctFmt func(col, row int) bool // xlsx: whether a cell has a percent number format

	code, name         []string
	cityCode, cityName []string
	period             []int32
	srcRow             []int32
	num                [][]float64 // by element index; nil when the table lacks it
	errs               []badCell
}

func newFactsPart(t *table, pctFmt func(col, row int) bool) *factsPart {
	p := &factsPart{t: t, lay: t.lay, pctFmt: pctFmt, num: make([][]float64, len(engine.UnitElements))}
	for _, nf := range t.lay.nums {
		p.num[nf.elem] = []float64{}
	}
	return p
}

func (p *factsPart) bad(n, col int, value, reason string) {
	p.errs = append(p.errs, p.t.badCell(n, col, "", value, reason))
}

// row takes source row n with cells f; an empty numeric cell means the county has no
// value for that element (NaN).
func (p *factsPart) row(n int, f []string) {
	if blankRow(f) {
		return
	}
	L := &p.lay.text
	code := field(f, L[tfCountyCode])
	if L[tfCountyCode] >= 0 && !sixDigits(code) {
		p.bad(n, L[tfCountyCode], code, reasonCountyCode)
	}
	name := field(f, L[tfCountyName])
	if name == "" && L[tfCountyName] >= 0 {
		p.bad(n, L[tfCountyName], "", reasonEmptyText)
	}
	if len(name) > maxNameLen && utf8.RuneCountInString(name) > maxNameLen {
		p.bad(n, L[tfCountyName], truncate(name, 20), fmt.Sprintf(reasonTooLong, "区县名称", maxNameLen))
	}
	city := field(f, L[tfCityCode])
	if city != "" && !sixDigits(city) {
		p.bad(n, L[tfCityCode], city, reasonCityCode)
	}
	p.code = append(p.code, clone(code))
	p.name = append(p.name, clone(name))
	p.cityCode = append(p.cityCode, clone(city))
	p.cityName = append(p.cityName, clone(field(f, L[tfCityName])))
	per, reason := p.t.periodOf(field(f, L[tfPeriod]), L[tfPeriod])
	if reason != "" {
		p.bad(n, L[tfPeriod], field(f, L[tfPeriod]), reason)
	}
	p.period = append(p.period, per)
	p.srcRow = append(p.srcRow, int32(n))
	for _, nf := range p.lay.nums {
		p.num[nf.elem] = append(p.num[nf.elem], p.number(n, f, nf))
	}
}

// number reads one element of row n: the sum of its columns, NaN when empty.
func (p *factsPart) number(n int, f []string, nf numField) float64 {
	e := &engine.UnitElements[nf.elem]
	v, empty := 0.0, true
	for _, src := range nf.srcs {
		s := field(f, src.col)
		if s == "" {
			continue
		}
		empty = false
		pct := e.Kind == engine.KindPercent && p.pctFmt != nil && p.pctFmt(src.col, n)
		x, reason := readCell(e, s, src, pct)
		if reason != "" {
			p.bad(n, src.col, s, reason)
		}
		v += x
	}
	if empty {
		return math.NaN()
	}
	return v
}

// shift adds base to the row numbers (see schoolPart.shift).
func (p *factsPart) shift(base int) {
	for i := range p.srcRow {
		p.srcRow[i] += int32(base)
	}
	for i := range p.errs {
		p.errs[i].cell.Row += base
	}
}

// readCell converts one non-empty numeric cell of element e read from src. pctFmt
// says the cell is formatted as a percentage in the workbook, so it holds 0.85 for
// 85. reason is empty for a good value.
func readCell(e *engine.Element, s string, src source, pctFmt bool) (float64, string) {
	if e.Kind == engine.KindFlag {
		return readFlag(s)
	}
	exp := src.exp
	if pctFmt {
		exp += 2
	}
	v, pct, ok := parseNumber(s, exp)
	if ok && pct && pctFmt {
		v, _, ok = parseNumber(s, src.exp) // "85%" as text: the sign already says it
	}
	if !ok || (pct && e.Kind != engine.KindPercent) {
		return 0, reasonNotNumber
	}
	if src.factor != 0 {
		v *= src.factor
	}
	if e.Kind == engine.KindCount {
		// A count a spreadsheet formula left a binary hair off a whole number
		// (15.000000000000002) reads as the whole number Excel shows; 15.02 does not.
		if r := math.Round(v); r != v && math.Abs(v-r) <= 1e-12*math.Max(1, math.Abs(r)) {
			v = r
		}
	}
	switch {
	case e.Kind == engine.KindPercent && (v < 0 || v > 100):
		return v, reasonPercent
	case v < 0 && e.Kind != engine.KindNumber:
		return v, reasonNegative
	case e.Kind == engine.KindCount && v != math.Trunc(v):
		return v, reasonNotWhole
	case !e.InRange(v):
		lo, hi := e.Range()
		return v, fmt.Sprintf(reasonRange, formatNumber(lo), formatNumber(hi), e.Unit)
	}
	return v, ""
}

// reasonFlag is the reason for a yes-or-no cell that is neither.
const reasonFlag = "应为“是”或“否”（或1、0）"

// readFlag reads a yes-or-no cell as 1 or 0.
func readFlag(s string) (float64, string) {
	switch strings.ToLower(s) {
	case "是", "1", "y", "yes", "true", "√":
		return 1, ""
	case "否", "0", "n", "no", "false", "×":
		return 0, ""
	}
	return 0, reasonFlag
}
