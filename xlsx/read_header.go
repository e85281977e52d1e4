package xlsx

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"ziping/engine"
)

// textField is a non-numeric column of a school or facts table.
type textField uint8

const (
	tfSchoolCode textField = iota
	tfSchoolName
	tfCountyCode
	tfCountyName
	tfStage
	tfSchoolType
	tfOwnership
	tfPeriod
	tfCityCode
	tfCityName
	numTextFields
)

// textHeaders are the accepted headers of each text field, official name first.
var textHeaders = [numTextFields][]string{
	tfSchoolCode: {"学校代码", "school_code", "学校标识码"},
	tfSchoolName: {"学校名称", "school_name"},
	tfCountyCode: {"区县代码", "county_code", "县区代码"},
	tfCountyName: {"区县名称", "county_name", "县区名称"},
	tfStage:      {"学段", "stage"},
	tfSchoolType: {"学校类别", "school_type"},
	tfOwnership:  {"办学类型", "ownership"},
	tfPeriod:     {"年度", "period", "年份"},
	tfCityCode:   {"地市代码", "city_code"},
	tfCityName:   {"地市名称", "city_name"},
}

// tableKind says what a sheet or CSV file holds.
type tableKind uint8

const (
	kindNone tableKind = iota
	kindSchools
	kindFacts
)

// headerMatch is what a normalised header names: a text field, an element, or one
// fold column (Element.Fold[fold]) of an element.
type headerMatch struct {
	text    textField
	isNum   bool
	elem    int
	fold    int  // -1 for the element's own column
	derived bool // computed by the engine, refused in files
}

// dictionary maps normalised headers of one table kind to what they name.
type dictionary struct {
	elems   []engine.Element
	names   map[string]headerMatch
	display map[string]string    // normalised header → the official header, for suggestions
	sorted  []string             // the keys of display, sorted (filled when first needed)
	units   []map[string]float64 // per element: normalised unit → factor
	require []textField
	reqElem []int
}

func newDictionary(kind tableKind) *dictionary {
	d := &dictionary{names: map[string]headerMatch{}, display: map[string]string{}}
	texts := []textField{tfSchoolCode, tfSchoolName, tfCountyCode, tfCountyName, tfStage, tfSchoolType, tfOwnership, tfPeriod}
	d.elems = engine.SchoolElements
	d.require = []textField{tfSchoolCode, tfSchoolName, tfCountyCode, tfStage, tfOwnership}
	d.reqElem = []int{engine.SEStudents, engine.SEClasses}
	if kind == kindFacts {
		texts = []textField{tfCountyCode, tfCountyName, tfCityCode, tfCityName, tfPeriod}
		d.elems = engine.UnitElements
		d.require = []textField{tfCountyCode, tfCountyName}
		d.reqElem = nil
	}
	for _, t := range texts {
		for _, h := range textHeaders[t] {
			d.names[normHeader(h)] = headerMatch{text: t}
			d.display[normHeader(h)] = textHeaders[t][0]
		}
	}
	d.units = make([]map[string]float64, len(d.elems))
	for i, e := range d.elems {
		for _, h := range append([]string{e.ID, e.Name}, e.Aliases...) {
			d.names[normHeader(h)] = headerMatch{isNum: true, elem: i, fold: -1, derived: e.Derived}
		}
		if e.Derived {
			continue
		}
		for _, h := range append([]string{e.ID, e.Name}, e.Aliases...) {
			d.display[normHeader(h)] = e.Name
		}
		for j, h := range e.Fold {
			d.names[normHeader(h)] = headerMatch{isNum: true, elem: i, fold: j}
			d.names[normHeader(h+"班级数")] = headerMatch{isNum: true, elem: i, fold: j}
			d.display[normHeader(h)] = h
		}
		d.units[i] = map[string]float64{}
		for u, f := range e.Units {
			d.units[i][normHeader(u)] = f
		}
		if e.Unit != "" {
			d.units[i][normHeader(e.Unit)] = 1
		}
	}
	return d
}

// normHeader folds the spellings of one header together: full-width ASCII forms to
// ASCII, dashes and tildes to "-", no white space, ASCII lower case.
func normHeader(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFF01 - '!'
		}
		switch {
		case unicode.IsSpace(r):
			continue
		case r == '~' || r == '—' || r == '–' || r == '－' || r == '〜':
			r = '-'
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// splitUnit splits "教学仪器设备值(万元)" into base and unit; ok is false when the
// header does not end with a bracketed part.
func splitUnit(norm string) (base, unit string, ok bool) {
	if !strings.HasSuffix(norm, ")") {
		return norm, "", false
	}
	i := strings.LastIndex(norm, "(")
	if i <= 0 {
		return norm, "", false
	}
	return norm[:i], norm[i+1 : len(norm)-1], true
}

// detectKind tells whether a row is the header of a school table (it has 学校代码) or
// of a facts table (区县代码 without 学校代码).
func detectKind(cells []string) tableKind {
	kind := kindNone
	for _, c := range cells {
		n := normHeader(c)
		for _, h := range textHeaders[tfSchoolCode] {
			if n == h {
				return kindSchools
			}
		}
		for _, h := range textHeaders[tfCountyCode] {
			if n == h {
				kind = kindFacts
			}
		}
	}
	return kind
}

// source is one file column feeding a numeric element, with the power of ten (or,
// for an odd unit, the factor) that converts it to the canonical unit.
type source struct {
	col    int
	exp    int
	factor float64 // 0 when exp says it all
}

// numField is a numeric element present in a table: its own column, or all of its
// fold columns.
type numField struct {
	elem int
	srcs []source
}

// layout is where each field sits in one table.
type layout struct {
	text    [numTextFields]int // column index, -1 when absent
	nums    []numField         // in catalogue order
	present []bool             // by element index
	labels  []string           // by column index: "F 在校生数"
}

// headerParser accumulates the matches of one header row.
type headerParser struct {
	d      *dictionary
	t      *table
	lay    *layout
	first  map[headerMatch]int // first column of each match, to refuse duplicates
	folds  [][]int             // per element: fold column per fold index (-1 unseen)
	direct []int               // per element: its own column (-1 unseen)
	srcs   map[int]source      // column → unit conversion
}

// parseHeader maps a header row of table t into t.lay and records header errors.
func parseHeader(d *dictionary, t *table, cells []string) {
	lay := &layout{present: make([]bool, len(d.elems)), labels: make([]string, len(cells))}
	t.lay = lay // header errors are labelled through it
	for i := range lay.text {
		lay.text[i] = -1
	}
	p := &headerParser{d: d, t: t, lay: lay, first: map[headerMatch]int{}, srcs: map[int]source{},
		folds: make([][]int, len(d.elems)), direct: make([]int, len(d.elems))}
	for i := range d.elems {
		p.direct[i] = -1
	}
	for i, c := range cells {
		c = trimCell(c)
		if c == "" {
			continue
		}
		lay.labels[i] = colName(i) + " " + c
		p.column(i, c)
	}
	p.finish()
}

func (p *headerParser) column(i int, cell string) {
	norm := normHeader(cell)
	m, found := p.d.names[norm]
	unit, hasUnit := "", false
	if !found {
		var base string
		if base, unit, hasUnit = splitUnit(norm); hasUnit {
			m, found = p.d.names[base]
		}
	}
	if !found {
		p.t.unused = append(p.t.unused, unusedCol{col: i, header: strings.Clone(cell)}) // reported as a warning
		return
	}
	if m.derived {
		p.t.bad(p.t.hdrRow, i, p.lay.labels[i], "", reasonDerived)
		return
	}
	if j, dup := p.first[m]; dup {
		p.t.bad(p.t.hdrRow, i, p.lay.labels[i], "", fmt.Sprintf("与%s列重复", colName(j)))
		return
	}
	p.first[m] = i
	if !m.isNum {
		p.lay.text[m.text] = i
		return
	}
	src, ok := p.unit(i, m.elem, unit, hasUnit)
	if !ok {
		return
	}
	p.srcs[i] = src
	if m.fold < 0 {
		p.direct[m.elem] = i
		return
	}
	if p.folds[m.elem] == nil {
		p.folds[m.elem] = make([]int, len(p.d.elems[m.elem].Fold))
		for k := range p.folds[m.elem] {
			p.folds[m.elem][k] = -1
		}
	}
	p.folds[m.elem][m.fold] = i
}

// unit checks the unit stated in the header of column i and returns the conversion.
func (p *headerParser) unit(i, elem int, unit string, hasUnit bool) (source, bool) {
	e := &p.d.elems[elem]
	if !hasUnit {
		if e.NeedUnit {
			p.t.bad(p.t.hdrRow, i, p.lay.labels[i], "", reasonNeedUnit)
			return source{}, false
		}
		return source{col: i}, true
	}
	f, ok := p.d.units[elem][unit]
	if !ok {
		p.t.bad(p.t.hdrRow, i, p.lay.labels[i], "", fmt.Sprintf("无法识别的单位「%s」（可用：%s）", unit, unitList(e)))
		return source{}, false
	}
	for k := -20; k <= 20; k++ {
		if math.Pow10(k) == f {
			return source{col: i, exp: k}, true
		}
	}
	return source{col: i, factor: f}, true
}

// unitList names the units an element accepts, for error messages.
func unitList(e *engine.Element) string {
	var us []string
	if e.Unit != "" {
		us = append(us, e.Unit)
	}
	for u := range e.Units {
		if u != e.Unit {
			us = append(us, u)
		}
	}
	if len(us) == 0 {
		return "不带单位"
	}
	if e.Unit != "" {
		slices.Sort(us[1:])
	} else {
		slices.Sort(us)
	}
	return strings.Join(us, "、")
}

// finish resolves folds, then reports missing required columns and partial folds.
func (p *headerParser) finish() {
	t, lay := p.t, p.lay
	for e := range p.d.elems {
		if c := p.direct[e]; c >= 0 {
			if f := p.firstFold(e); f >= 0 {
				t.bad(t.hdrRow, f, lay.labels[f], "", fmt.Sprintf("与%s列重复", colName(c)))
			}
			lay.nums = append(lay.nums, numField{elem: e, srcs: []source{p.srcs[c]}})
			lay.present[e] = true
			continue
		}
		if p.folds[e] == nil {
			continue
		}
		nf, complete := numField{elem: e}, true
		for k, c := range p.folds[e] {
			if c < 0 {
				complete = false
				t.bad(t.hdrRow, -1, p.d.elems[e].Fold[k], "", fmt.Sprintf("缺少列：分段列须齐全才能合计为「%s」", p.d.elems[e].Name))
				continue
			}
			nf.srcs = append(nf.srcs, p.srcs[c])
		}
		if complete {
			lay.nums = append(lay.nums, nf)
			lay.present[e] = true
		}
	}
	p.missing()
}

func (p *headerParser) firstFold(e int) int {
	for _, c := range p.folds[e] {
		if c >= 0 {
			return c
		}
	}
	return -1
}

// missing reports each required column the header lacks, and a missing period.
func (p *headerParser) missing() {
	t, lay := p.t, p.lay
	for _, f := range p.d.require {
		if lay.text[f] < 0 {
			t.bad(t.hdrRow, -1, textHeaders[f][0], "", reasonMissingCol)
		}
	}
	for _, e := range p.d.reqElem {
		// A column refused for its unit was reported already.
		if _, seen := p.first[headerMatch{isNum: true, elem: e, fold: -1}]; !seen && !lay.present[e] {
			t.bad(t.hdrRow, -1, p.d.elems[e].Name, "", reasonMissingCol)
		}
	}
	if lay.text[tfPeriod] < 0 && t.period == 0 {
		t.bad(t.hdrRow, -1, textHeaders[tfPeriod][0], "", reasonNoPeriod)
	}
}
