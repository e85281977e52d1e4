package xlsx

import (
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
	"unsafe"

	"ziping/engine"
)

// schoolPart holds the rows of one chunk of a school table as columns, ready to be
// concatenated. A combined-school row is emitted as one row per stage.
type schoolPart struct {
	t   *table
	lay *layout

	arena []byte // codes and names of the chunk, back to back
	str   string // arena as one string once the chunk is done
	txt   []span // per emitted row: code and name in str

	countyID []int32 // index into counties, -1 when bad
	stage    []engine.Stage
	typ      []engine.SchoolType
	public   []bool
	period   []int32
	srcRow   []int32
	fp       []uint64      // fingerprint of code, period and stage, for duplicates
	num      [][]float64   // by element index; nil when the table lacks the element
	roles    []role        // by position in lay.nums
	kinds    []engine.Kind // by position in lay.nums
	maxes    []float64     // by position in lay.nums: the element's bound

	// A combined row's counts split in whole numbers (see apportion).
	parts     [][3]float64 // by position in lay.nums: the current row's stage parts
	wholeK    []int        // positions of the counts split in whole numbers
	classesK  int          // position of 班级数, -1 when absent
	bandsK    [nBands]int  // positions of the bands; bandsK[0] -1 unless all are present
	teachersK int          // position of 专任教师数, -1 when absent
	subsK     []int        // positions of the kinds of teacher counted within 专任教师数

	periods   []int32 // distinct periods of the rows
	counties  []countyRef
	countyIdx map[uint32]int32 // by the code as a number: cheaper to hash
	last      int32            // county of the previous row: files come grouped
	errs      []badCell

	vals []float64 // the current row's numbers, by element index
	have []bool    // whether vals holds a good number

	skipped map[int32]int // rows passed over by period (ReadOptions.SchoolPeriods)
	slab    *slabs        // where its numeric columns were allocated, if shared
	slabOff int           // its region's start in slab
}

// span locates a row's code str[lo:mid] and name str[mid:hi].
type span struct{ lo, mid, hi int32 }

// countyRef is a county as a school table names it.
type countyRef struct {
	code, name string
	row        int32 // first row naming it, for errors
}

// schoolRow is the text of one source row, parsed.
type schoolRow struct {
	code, name string
	county     int32
	kind       stageKind
	typ        engine.SchoolType
	public     bool
	period     int32
}

// studentCols are the per-stage student elements, by stage (primary, junior, senior).
var studentCols = [3]int{engine.SEStudentsPrimary, engine.SEStudentsJunior, engine.SEStudentsSenior}

// newSchoolPart makes the part of chunk i with room for rows rows; its numbers go
// to the chunk's regions of sl when given (see slabs).
func newSchoolPart(t *table, rows int, sl *slabs, i int) *schoolPart {
	n := len(engine.SchoolElements)
	p := &schoolPart{t: t, lay: t.lay, countyIdx: map[uint32]int32{}, last: -1,
		vals: make([]float64, n), have: make([]bool, n), num: make([][]float64, n)}
	p.fp = make([]uint64, 0, rows)
	p.txt = make([]span, 0, rows)
	p.countyID = make([]int32, 0, rows)
	p.stage = make([]engine.Stage, 0, rows)
	p.typ = make([]engine.SchoolType, 0, rows)
	p.public = make([]bool, 0, rows)
	p.period = make([]int32, 0, rows)
	p.srcRow = make([]int32, 0, rows)
	p.arena = make([]byte, 0, rows*40) // a code and a Chinese name
	for _, nf := range t.lay.nums {
		if sl == nil {
			p.num[nf.elem] = make([]float64, 0, rows)
		}
		p.roles = append(p.roles, roleOf(nf.elem))
		p.kinds = append(p.kinds, engine.SchoolElements[nf.elem].Kind)
		_, hi := engine.SchoolElements[nf.elem].Range()
		p.maxes = append(p.maxes, hi)
	}
	p.wholeParts()
	p.inSlab(sl, i)
	return p
}

// teacherSubsets are the kinds of teacher counted within 专任教师数.
var teacherSubsets = []int{engine.SchoolElementIndex("teachers_above_required"), engine.SchoolElementIndex("backbone_teachers"),
	engine.SchoolElementIndex("pe_art_teachers"), engine.SchoolElementIndex("certified_teachers"),
	engine.SchoolElementIndex("senior_title_teachers")}

// wholeParts finds the columns apportion splits in whole numbers.
func (p *schoolPart) wholeParts() {
	p.parts = make([][3]float64, len(p.lay.nums))
	p.classesK, p.teachersK = -1, -1
	pos := make(map[int]int, len(p.lay.nums)) // element → position
	for k, nf := range p.lay.nums {
		pos[nf.elem] = k
		if p.roles[k] >= roleFacilityWhole {
			p.wholeK = append(p.wholeK, k)
		}
	}
	if k, ok := pos[engine.SEClasses]; ok {
		p.classesK = k
	}
	all := len(engine.ClassBands) == nBands
	for i, e := range engine.ClassBands {
		k, ok := pos[e]
		all = all && ok
		p.bandsK[i] = k
	}
	if !all {
		p.bandsK[0] = -1
	}
	if k, ok := pos[engine.SchoolElementIndex("teachers")]; ok {
		p.teachersK = k
		for _, e := range teacherSubsets {
			if k, ok := pos[e]; ok {
				p.subsK = append(p.subsK, k)
			}
		}
	}
}

// bad records an error at row n of column col.
func (p *schoolPart) bad(n, col int, value, reason string) {
	p.errs = append(p.errs, p.t.badCell(n, col, "", value, reason))
}

// row takes source row n (1-based within the chunk until shift) with cells f. The
// cells may be views into a buffer that is reused: whatever is kept is copied.
func (p *schoolPart) row(n int, f []string) {
	if blankRow(f) {
		return
	}
	nerr := len(p.errs)
	r := p.text(n, f)
	p.numbers(n, f, r.kind)
	if !r.kind.combined() && combinedType(r.typ) {
		p.explainStageCounts(nerr)
	}
	p.check(n, &r)
	p.emit(n, &r, len(p.errs) == nerr)
}

// explainStageCounts says, for a stage row of a combined school, why its counts
// must be whole and what to do instead of a hand split: the errors from nerr on
// that are a fractional count get the longer reason.
func (p *schoolPart) explainStageCounts(nerr int) {
	for i := nerr; i < len(p.errs); i++ {
		if p.errs[i].cell.Reason == reasonNotWhole {
			p.errs[i].cell.Reason = reasonNotWholeStage
		}
	}
}

func (p *schoolPart) text(n int, f []string) schoolRow {
	L := &p.lay.text
	r := schoolRow{code: p.need(n, f, L[tfSchoolCode]), name: p.need(n, f, L[tfSchoolName])}
	p.limitLen(n, L[tfSchoolCode], r.code, "学校代码", maxCodeLen)
	p.limitLen(n, L[tfSchoolName], r.name, "学校名称", maxNameLen)
	r.county = p.countyOf(n, f)
	if s := p.need(n, f, L[tfStage]); s != "" {
		if r.kind = parseStageKind(s); r.kind == stageBad {
			p.bad(n, L[tfStage], s, reasonStage)
		}
	}
	r.typ = r.kind.schoolType()
	if s := field(f, L[tfSchoolType]); s != "" {
		t, ok := engine.ParseSchoolType(s)
		switch {
		case !ok:
			p.bad(n, L[tfSchoolType], s, reasonSchoolType)
		case r.kind.combined() && t != r.typ:
			p.bad(n, L[tfSchoolType], s, reasonTypeStage)
		default:
			r.typ = t
		}
	}
	if s := p.need(n, f, L[tfOwnership]); s != "" {
		var ok bool
		if r.public, ok = parseOwnership(s); !ok {
			p.bad(n, L[tfOwnership], s, reasonOwnership)
		}
	}
	s := field(f, L[tfPeriod])
	var reason string
	if r.period, reason = p.t.periodOf(s, L[tfPeriod]); reason != "" {
		p.bad(n, L[tfPeriod], s, reason)
	}
	return r
}

// limitLen reports text cell col of row n when it is longer than max characters.
func (p *schoolPart) limitLen(n, col int, s, what string, max int) {
	if len(s) > max && utf8.RuneCountInString(s) > max {
		p.bad(n, col, truncate(s, 20), fmt.Sprintf(reasonTooLong, what, max))
	}
}

// truncate shortens s to n characters and an ellipsis, for showing a bad cell.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// need returns the required text cell col of row n, reporting it when empty. An
// absent column was reported with the header.
func (p *schoolPart) need(n int, f []string, col int) string {
	s := field(f, col)
	if s == "" && col >= 0 {
		p.bad(n, col, "", reasonEmptyText)
	}
	return s
}

// countyOf interns the county of row n within the chunk.
func (p *schoolPart) countyOf(n int, f []string) int32 {
	col := p.lay.text[tfCountyCode]
	if col < 0 {
		return -1
	}
	code := field(f, col)
	if !sixDigits(code) {
		p.bad(n, col, code, reasonCountyCode)
		return -1
	}
	key := uint32(0)
	for i := 0; i < 6; i++ {
		key = key*10 + uint32(code[i]-'0')
	}
	k, ok := int32(-1), false
	if p.last >= 0 && p.counties[p.last].code == code {
		k, ok = p.last, true
	} else {
		k, ok = p.countyIdx[key]
	}
	name := field(f, p.lay.text[tfCountyName])
	p.limitLen(n, p.lay.text[tfCountyName], name, "区县名称", maxNameLen)
	switch {
	case !ok:
		k = int32(len(p.counties))
		p.counties = append(p.counties, countyRef{code: clone(code), name: clone(name), row: int32(n)})
		p.countyIdx[key] = k
	case p.counties[k].name == "" && name != "":
		p.counties[k].name = clone(name)
	}
	p.last = k
	return k
}

// numbers reads the numeric cells of row n into p.vals and p.have. A per-stage
// student cell may be empty unless the row is a combined school having that stage.
func (p *schoolPart) numbers(n int, f []string, kind stageKind) {
	for k := range p.lay.nums {
		nf := &p.lay.nums[k]
		if len(nf.srcs) == 1 && nf.srcs[0].factor == 0 && nf.srcs[0].col < len(f) {
			if v, ok := fastCell(f[nf.srcs[0].col], nf.srcs[0].exp, p.kinds[k]); ok && v <= p.maxes[k] {
				p.vals[nf.elem], p.have[nf.elem] = v, true
				continue
			}
		}
		p.slowNumbers(n, f, *nf, kind)
	}
}

// slowNumbers reads one element the careful way, reporting what is wrong.
func (p *schoolPart) slowNumbers(n int, f []string, nf numField, kind stageKind) {
	e := &engine.SchoolElements[nf.elem]
	v, ok := 0.0, true
	for _, src := range nf.srcs {
		s := field(f, src.col)
		if s == "" {
			ok = false
			if !applies(e, nf.elem, kind) {
				v = math.NaN() // not this kind of row's: missing, not 0
				continue
			}
			if st := stageOf(nf.elem); st < 0 || kind.stages()[st] {
				p.bad(n, src.col, "", reasonEmptyNumber)
			}
			continue
		}
		x, reason := readCell(e, s, src, false)
		if reason != "" {
			p.bad(n, src.col, s, reason)
			ok = false
		}
		v += x
	}
	p.vals[nf.elem], p.have[nf.elem] = v, ok
}

// kindergartenShared are the school elements kindergartens have too: 在园幼儿数 is
// 在校生数, and classes, teachers and certified teachers count alike.
var kindergartenShared = []int{engine.SEStudents, engine.SEClasses, engine.SchoolElementIndex("teachers"), engine.SchoolElementIndex("certified_teachers")}

// applies reports whether element e (at index elem) belongs to rows of the kind: a
// kindergarten element to kindergartens only, and kindergartens have only theirs and
// the shared ones. A sheet may hold schools and kindergartens together and leave the
// other kind's cells empty.
func applies(e *engine.Element, elem int, kind stageKind) bool {
	if e.Kindergarten {
		return kind == stageKindergarten
	}
	return kind != stageKindergarten || slices.Contains(kindergartenShared, elem)
}

// stageOf returns the stage (0 primary, 1 junior, 2 senior) of a per-stage student
// element, -1 for other elements.
func stageOf(elem int) int {
	for s, c := range studentCols {
		if c == elem {
			return s
		}
	}
	return -1
}

// check validates what spans cells: class bands against 班级数, and the per-stage
// students of a combined row against 在校生数.
func (p *schoolPart) check(n int, r *schoolRow) {
	L, v, have := p.lay, p.vals, p.have
	if have[engine.SEClasses] && r.kind != stageKindergarten {
		sum, all := 0.0, true
		for _, b := range engine.ClassBands {
			sum += v[b]
			all = all && L.present[b] && have[b]
		}
		if all && sum != v[engine.SEClasses] {
			p.bad(n, L.col(engine.SEClasses), formatNumber(v[engine.SEClasses]),
				fmt.Sprintf("各班额段班级数之和（%s）与班级数（%s）不符", formatNumber(sum), formatNumber(v[engine.SEClasses])))
		}
	}
	if r.kind.combined() {
		p.checkCombined(n, r)
	}
}

func (p *schoolPart) checkCombined(n int, r *schoolRow) {
	L, v, have := p.lay, p.vals, p.have
	stages, kindName := r.kind.stages(), r.typ.String()
	sum, ok := 0.0, true
	for s, e := range studentCols {
		name := engine.SchoolElements[e].Name
		switch {
		case !stages[s]:
			if have[e] && v[e] != 0 {
				p.bad(n, L.col(e), formatNumber(v[e]), fmt.Sprintf("%s没有该学段，应为0或不填", kindName))
			}
		case !L.present[e]:
			ok = false
			p.errs = append(p.errs, p.t.badCell(n, -1, name, "", fmt.Sprintf("%s须填写各学段在校生数（缺少列）", kindName)))
		case !have[e]:
			ok = false
		default:
			sum += v[e]
		}
	}
	if ok && have[engine.SEStudents] && sum != v[engine.SEStudents] {
		p.bad(n, L.col(engine.SEStudents), formatNumber(v[engine.SEStudents]),
			fmt.Sprintf("在校生数应等于各学段在校生数之和（%s）", formatNumber(sum)))
	}
}

// col returns the (first) column of a present element, -1 when absent.
func (l *layout) col(elem int) int {
	for _, nf := range l.nums {
		if nf.elem == elem {
			return nf.srcs[0].col
		}
	}
	return -1
}

// notePeriod remembers the distinct periods of the chunk.
func (p *schoolPart) notePeriod(per int32) {
	if k := len(p.periods); k > 0 && p.periods[k-1] == per {
		return
	}
	for _, q := range p.periods {
		if q == per {
			return
		}
	}
	p.periods = append(p.periods, per)
}

// done turns the arena into the one string that codes and names slice.
func (p *schoolPart) done() {
	// The arena is never written again: the string views it rather than copy it
	// (16 MB of fresh memory on the nation file).
	p.str = unsafe.String(unsafe.SliceData(p.arena), len(p.arena))
	p.arena = nil
	p.vals, p.have = nil, nil
}

// shift adds base to the chunk's row numbers once the rows before it are counted.
func (p *schoolPart) shift(base int) {
	if base == 0 {
		return
	}
	for i := range p.srcRow {
		p.srcRow[i] += int32(base)
	}
	for i := range p.counties {
		p.counties[i].row += int32(base)
	}
	for i := range p.errs {
		p.errs[i].cell.Row += base
	}
}

// clone copies a cell that is kept beyond the row: cells may view a reused buffer.
func clone(s string) string {
	if s == "" {
		return ""
	}
	return string([]byte(s))
}
