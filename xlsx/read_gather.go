package xlsx

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"ziping/engine"
)

// piece is the rows of one school part that belong to the period being gathered.
type piece struct {
	p     *schoolPart
	units []int32 // part county → unit
	idx   []int32 // rows of the period; nil when the whole part is in it
	n     int
	to    []int32 // destination of each row
	run   bool    // to is one run of consecutive rows: a file sorted by county keeps its order
}

// rowAt returns the part row of the piece's j-th row.
func (pc *piece) rowAt(j int) int {
	if pc.idx == nil {
		return j
	}
	return int(pc.idx[j])
}

// gatherSchools builds the school rows of period per from every school part. Rows
// are placed sorted by unit, in source order within a unit: Finish then finds them
// sorted and need not permute every column a second time. An element column exists
// when any table of the period has it; rows from a table without it get NaN.
//
// Numeric columns are gathered one element at a time, and a part's column is let go
// as soon as its last period has been gathered, so that the parsed chunks and the
// assembled columns are never all alive at once: peak memory costs time here.
func (r *reader) gatherSchools(s *engine.Schools, per int32, maps map[*schoolPart][]int32, nUnits int) {
	pieces, n, present := r.pieces(per, maps)
	allocText(s, n)
	counts := make([][]int32, len(pieces))
	var wg sync.WaitGroup
	for i := range pieces {
		wg.Go(func() { counts[i] = pieces[i].unitCounts(nUnits) })
	}
	wg.Wait()
	next := int32(0)
	for u := range nUnits {
		for _, c := range counts {
			c[u], next = next, next+c[u]
		}
	}
	for i := range pieces {
		wg.Go(func() { pieces[i].copyText(s, counts[i]) })
	}
	wg.Wait()
	s.Num = make([][]float64, len(engine.SchoolElements))
	var nextElem atomic.Int32
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for e := int(nextElem.Add(1) - 1); e < len(present); e = int(nextElem.Add(1) - 1) {
				if present[e] {
					s.Num[e] = gatherColumn(pieces, e, n, per)
				}
			}
		})
	}
	wg.Wait()
}

// gatherColumn assembles element e of every piece, releasing each part's column
// when this is the last period the part has.
func gatherColumn(pieces []piece, e, n int, per int32) []float64 {
	if col := assembleInPlace(pieces, e, n); col != nil {
		return col
	}
	dst := make([]float64, n)
	for i := range pieces {
		pc := &pieces[i]
		src := pc.p.num[e]
		if src == nil {
			for _, d := range pc.to {
				dst[d] = math.NaN()
			}
			continue
		}
		scatter(pc, dst, src)
		if per == slices.Max(pc.p.periods) {
			pc.p.num[e] = nil
		}
	}
	releaseSlabColumns(pieces, e)
	return dst
}

// pieces selects the rows of period per from every school part.
func (r *reader) pieces(per int32, maps map[*schoolPart][]int32) (pieces []piece, n int, present []bool) {
	present = make([]bool, len(engine.SchoolElements))
	for _, t := range r.tables {
		for _, p := range t.schools {
			pc := piece{p: p, units: maps[p], n: len(p.srcRow)}
			if len(p.periods) != 1 || p.periods[0] != per {
				for i, q := range p.period {
					if q == per {
						pc.idx = append(pc.idx, int32(i))
					}
				}
				pc.n = len(pc.idx)
			}
			if pc.n == 0 {
				continue
			}
			for e, c := range p.num {
				present[e] = present[e] || c != nil
			}
			pieces = append(pieces, pc)
			n += pc.n
		}
	}
	return pieces, n, present
}

func allocText(s *engine.Schools, n int) {
	s.Unit = make([]int32, n)
	s.Code = make([]string, n)
	s.Name = make([]string, n)
	s.Stage = make([]engine.Stage, n)
	s.Type = make([]engine.SchoolType, n)
	s.Public = make([]bool, n)
	s.Row = make([]int32, n)
}

// unitCounts counts the piece's rows per unit.
func (pc *piece) unitCounts(nUnits int) []int32 {
	c := make([]int32, nUnits)
	for j := range pc.n {
		c[pc.units[pc.p.countyID[pc.rowAt(j)]]]++
	}
	return c
}

// copyText writes the piece's text and category columns into s and records each
// row's destination; start holds, per unit, the first row the piece writes for that
// unit.
func (pc *piece) copyText(s *engine.Schools, start []int32) {
	p := pc.p
	pc.to = make([]int32, pc.n)
	for j := range pc.n {
		i := pc.rowAt(j)
		u := pc.units[p.countyID[i]]
		d := start[u]
		start[u]++
		pc.to[j] = d
		sp := p.txt[i]
		s.Code[d] = p.str[sp.lo:sp.mid]
		s.Name[d] = p.str[sp.mid:sp.hi]
		s.Unit[d] = u
	}
	pc.run = pc.n > 0
	for j := 1; j < pc.n && pc.run; j++ {
		pc.run = pc.to[j] == pc.to[j-1]+1
	}
	scatter(pc, s.Stage, p.stage)
	scatter(pc, s.Type, p.typ)
	scatter(pc, s.Public, p.public)
	scatter(pc, s.Row, p.srcRow)
}

// scatter copies one column of the piece to the rows' destinations.
func scatter[T any](pc *piece, dst, src []T) {
	if pc.idx == nil && pc.run {
		copy(dst[pc.to[0]:], src[:len(pc.to)])
		return
	}
	if pc.idx == nil {
		for j, d := range pc.to {
			dst[d] = src[j]
		}
		return
	}
	for j, d := range pc.to {
		dst[d] = src[pc.idx[j]]
	}
}
