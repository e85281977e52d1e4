package engine

import (
	"math"
	"runtime"
	"sort"
	"sync"
)

// Stage is a school stage (学段) after combined schools have been split.
type Stage uint8

// Stages. StageNone marks a row whose stage is unknown; importers reject those.
const (
	StageNone Stage = iota
	StagePrimary
	StageJunior
	StageSenior
	StageKindergarten // 幼儿园: a kindergarten's row (DOMAIN.md §3; docs/data.md)
	numStages
)

// StageNames maps a Stage to the Chinese name used in data files and expressions.
var stageNames = [numStages]string{"", "小学", "初中", "高中", "幼儿园"}

// String returns the Chinese name of the stage.
func (s Stage) String() string {
	if int(s) < len(stageNames) {
		return stageNames[s]
	}
	return ""
}

// ParseStage recognises a stage name; ok is false for anything else.
func ParseStage(s string) (Stage, bool) {
	switch s {
	case "小学", "primary":
		return StagePrimary, true
	case "初中", "junior":
		return StageJunior, true
	case "高中", "普通高中", "senior":
		return StageSenior, true
	case "幼儿园", "学前", "学前教育", "kindergarten":
		return StageKindergarten, true
	}
	return StageNone, false
}

// SchoolType is the kind of institution (学校类别). It decides exclusions (special
// education, vocational schools and small teaching points are outside the resource
// calculation) and the size cap (一贯制 schools have a larger one).
type SchoolType uint8

// School types.
const (
	TypeNone         SchoolType = iota
	TypePrimary                 // 小学
	TypeJunior                  // 初中
	TypeNineYear                // 九年一贯制学校
	TypeTwelveYear              // 十二年一贯制学校
	TypeComplete                // 完全中学
	TypeSenior                  // 高级中学
	TypePoint                   // 教学点
	TypeSpecial                 // 特殊教育学校
	TypeVocational              // 职业学校
	TypeKindergarten            // 幼儿园
)

var schoolTypeNames = [...]string{"", "小学", "初中", "九年一贯制学校", "十二年一贯制学校", "完全中学", "高级中学", "教学点", "特殊教育学校", "职业学校", "幼儿园"}

// String returns the Chinese name of the school type.
func (t SchoolType) String() string {
	if int(t) < len(schoolTypeNames) {
		return schoolTypeNames[t]
	}
	return ""
}

// SchoolTypeNames lists every school type name, in code order (index 0 is empty).
func SchoolTypeNames() []string { return append([]string(nil), schoolTypeNames[:]...) }

// ParseSchoolType recognises a school type name with its usual short forms.
func ParseSchoolType(s string) (SchoolType, bool) {
	switch s {
	case "小学", "普通小学":
		return TypePrimary, true
	case "初中", "初级中学", "普通初中", "初级中学校":
		return TypeJunior, true
	case "九年一贯制学校", "九年一贯制":
		return TypeNineYear, true
	case "十二年一贯制学校", "十二年一贯制":
		return TypeTwelveYear, true
	case "完全中学", "完中":
		return TypeComplete, true
	case "高级中学", "高中", "普通高中":
		return TypeSenior, true
	case "教学点", "小学教学点":
		return TypePoint, true
	case "特殊教育学校", "特教学校", "特殊教育":
		return TypeSpecial, true
	case "职业学校", "中等职业学校", "职业高中", "中职":
		return TypeVocational, true
	case "幼儿园", "公办幼儿园", "民办幼儿园":
		return TypeKindergarten, true
	}
	return TypeNone, false
}

// Unit is an evaluated unit (a county, or a city when cities are evaluated).
type Unit struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
	ParentName string `json:"parent_name,omitempty"`
}

// Range is a half-open interval of school rows [Lo, Hi) belonging to one unit.
type Range struct{ Lo, Hi int32 }

// Schools holds the school rows of one period as columns, sorted by unit so that the
// schools of a unit are one contiguous Range. Numeric columns are indexed by the
// element's position in SchoolElements; a nil column means the source did not have it.
type Schools struct {
	Unit   []int32  // index into Dataset.Units
	Code   []string // 学校代码
	Name   []string // 学校名称
	Stage  []Stage
	Type   []SchoolType
	Public []bool  // 办学类型: true for 公办
	Row    []int32 // source row number, for explanations (0 when unknown)
	Num    [][]float64
	Ranges []Range // per unit, indexed like Dataset.Units
}

// Len is the number of school rows.
func (s *Schools) Len() int { return len(s.Unit) }

// Facts holds the unit-level facts (county facts) of one period: Num[element][unit],
// NaN where a unit has no value. Elements are indexed by position in UnitElements.
type Facts struct {
	Num [][]float64
}

// Value returns fact e of unit u, NaN when absent.
func (f *Facts) Value(e, u int) float64 {
	if f == nil || e >= len(f.Num) || f.Num[e] == nil || u >= len(f.Num[e]) {
		return math.NaN()
	}
	return f.Num[e][u]
}

// Snapshot is the data of one period.
type Snapshot struct {
	Period  int
	Schools Schools
	Facts   Facts
}

// Dataset is everything the engine evaluates: the units and their data by period.
type Dataset struct {
	Units   []Unit
	Periods map[int]*Snapshot
}

// UnitIndex returns the index of the unit with the given code, or -1.
func (d *Dataset) UnitIndex(code string) int {
	for i := range d.Units {
		if d.Units[i].Code == code {
			return i
		}
	}
	return -1
}

// PeriodList returns the periods present, ascending.
func (d *Dataset) PeriodList() []int {
	ps := make([]int, 0, len(d.Periods))
	for p := range d.Periods {
		ps = append(ps, p)
	}
	sort.Ints(ps)
	return ps
}

// Latest returns the latest period, or 0 when there is none.
func (d *Dataset) Latest() int {
	ps := d.PeriodList()
	if len(ps) == 0 {
		return 0
	}
	return ps[len(ps)-1]
}

// SortByUnit reorders the rows so that each unit's rows are contiguous (stable, so
// the source order is kept within a unit) and fills Ranges for nUnits units.
func (s *Schools) SortByUnit(nUnits int) {
	n := s.Len()
	sorted := true
	for i := 1; i < n; i++ {
		if s.Unit[i] < s.Unit[i-1] {
			sorted = false
			break
		}
	}
	if !sorted {
		// Counting sort by unit: O(n), stable.
		start := make([]int32, nUnits+1)
		for _, u := range s.Unit {
			start[u+1]++
		}
		for i := 1; i <= nUnits; i++ {
			start[i] += start[i-1]
		}
		perm := make([]int32, n)
		next := append([]int32(nil), start[:nUnits]...)
		for i, u := range s.Unit {
			perm[next[u]] = int32(i)
			next[u]++
		}
		s.permute(perm)
	}
	s.Ranges = make([]Range, nUnits)
	lo := 0
	for lo < n {
		hi := lo
		for hi < n && s.Unit[hi] == s.Unit[lo] {
			hi++
		}
		s.Ranges[s.Unit[lo]] = Range{int32(lo), int32(hi)}
		lo = hi
	}
}

func (s *Schools) permute(perm []int32) {
	s.Unit = permuteSlice(s.Unit, perm)
	s.Code = permuteSlice(s.Code, perm)
	s.Name = permuteSlice(s.Name, perm)
	s.Stage = permuteSlice(s.Stage, perm)
	s.Type = permuteSlice(s.Type, perm)
	s.Public = permuteSlice(s.Public, perm)
	s.Row = permuteSlice(s.Row, perm)
	for i, c := range s.Num {
		s.Num[i] = permuteSlice(c, perm)
	}
}

func permuteSlice[T any](src []T, perm []int32) []T {
	if src == nil {
		return nil
	}
	out := make([]T, len(perm))
	for i, p := range perm {
		out[i] = src[p]
	}
	return out
}

// Finish prepares a snapshot for evaluation once its rows are in: it sorts the rows by
// unit, fills Ranges for nUnits units, and computes the derived columns
// school_students (the compulsory-stage students of the whole school, summed over the
// rows that share its code within the unit, for the school-size caps) and school_first
// (1 on the first row of each school, so that counts of schools count a split school
// once).
func (s *Snapshot) Finish(nUnits int) {
	sc := &s.Schools
	for len(sc.Num) < len(SchoolElements) {
		sc.Num = append(sc.Num, nil)
	}
	sc.SortByUnit(nUnits)
	n := sc.Len()
	tot := make([]float64, n)
	first := make([]float64, n)
	stu := sc.Num[SEStudents]
	owner := make([]int32, n)
	// On every core, each with its own run of units and its own map of the row where
	// each school code first appears in a unit (one map reused across units: a map
	// per unit cost more than the rest of Finish together).
	eachRangeRun(sc.Ranges, n, func(ranges []Range) {
		firstRow := make(map[string]int32, 1024)
		for _, r := range ranges {
			clear(firstRow)
			for i := r.Lo; i < r.Hi; i++ {
				f, ok := firstRow[sc.Code[i]]
				if !ok {
					f = i
					firstRow[sc.Code[i]] = i
					first[i] = 1
				}
				owner[i] = f
				if stu != nil && (sc.Stage[i] == StagePrimary || sc.Stage[i] == StageJunior) {
					tot[f] += stu[i]
				}
			}
			for i := r.Lo; i < r.Hi; i++ {
				tot[i] = tot[owner[i]]
			}
		}
	})
	sc.Num[SESchoolStudents] = tot
	sc.Num[SESchoolFirst] = first
}

// eachRangeRun splits ranges, the units' rows of a table of n rows, into runs of
// units with about as many rows each, one per core, and runs fn on each at once.
func eachRangeRun(ranges []Range, n int, fn func([]Range)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), n/4096))
	var wg sync.WaitGroup
	start, rows, per := 0, 0, max(1, n/workers)
	for u, r := range ranges {
		rows += int(r.Hi - r.Lo)
		if rows >= per || u == len(ranges)-1 {
			run := ranges[start : u+1]
			wg.Go(func() { fn(run) })
			start, rows = u+1, 0
		}
	}
	wg.Wait()
}
