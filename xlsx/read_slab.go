package xlsx

import (
	"slices"
	"unsafe"
)

// The numbers of a big school table would be held twice while the dataset is
// assembled: in the chunks' parts as parsed, and in the assembled columns. Every
// byte of both is fresh memory, and the first touch of each page costs more than
// writing it (a page fault). So the parts of one table take their numeric columns
// from one allocation per element, each chunk its own region of it in file order,
// and when the assembled rows keep the file's order (a file sorted by county, as
// statistics exports are) each column is assembled in place: the regions are moved
// together and the allocation becomes the column.

// slabs holds, per numeric element of a table, the allocation its chunks share.
type slabs struct {
	cols  [][]float64   // by element index; nil for the elements the table lacks
	off   []int         // each chunk's region starts here …
	size  []int         // … and is this long
	parts []*schoolPart // each chunk's part
}

func newSlabs(lay *layout, sizes []int, floats func(int) []float64) *slabs {
	s := &slabs{cols: make([][]float64, len(lay.present)), off: make([]int, len(sizes)), size: sizes,
		parts: make([]*schoolPart, len(sizes))}
	total := 0
	for i, n := range sizes {
		s.off[i] = total
		total += n
	}
	if floats == nil {
		for _, nf := range lay.nums {
			s.cols[nf.elem] = make([]float64, total)
		}
		return s
	}
	all := floats(total * len(lay.nums))
	for i, nf := range lay.nums {
		s.cols[nf.elem] = all[i*total : (i+1)*total : (i+1)*total]
	}
	return s
}

// inSlab makes the part of chunk i write its numbers into the chunk's regions of s,
// if any. A region cannot overflow into the next: appending past it moves the
// column out.
func (p *schoolPart) inSlab(s *slabs, i int) {
	if s == nil {
		return
	}
	lo, hi := s.off[i], s.off[i]+s.size[i]
	for e, col := range s.cols {
		if col != nil {
			p.num[e] = col[lo:lo:hi]
		}
	}
	p.slab, p.slabOff = s, lo
	s.parts[i] = p
}

// assembleInPlace assembles element e in its slab when the pieces are the whole
// slab: every part of it that has rows is a piece, in chunk order, wholly of this
// period (no other period's rows can be overwritten), keeping its rows in file order
// (the pieces follow each other from row 0) and still in its region. It returns the
// column, or nil when it cannot.
func assembleInPlace(pieces []piece, e, n int) []float64 {
	if len(pieces) == 0 || pieces[0].p.slab == nil {
		return nil
	}
	sl := pieces[0].p.slab
	slab := sl.cols[e]
	if slab == nil {
		return nil
	}
	next, k := int32(0), 0
	for _, p := range sl.parts {
		if p == nil || len(p.srcRow) == 0 {
			continue
		}
		if k == len(pieces) || pieces[k].p != p {
			return nil // a part of another period, or of none
		}
		pc := &pieces[k]
		col := pc.p.num[e]
		if pc.idx != nil || !pc.run || pc.n != len(p.srcRow) || pc.to[0] != next ||
			len(col) < pc.n || unsafe.SliceData(col) != &slab[pc.p.slabOff] {
			return nil
		}
		next += int32(pc.n)
		k++
	}
	if k != len(pieces) || int(next) != n {
		return nil
	}
	dst := 0
	for i := range pieces {
		pc := &pieces[i]
		copy(slab[dst:], pc.p.num[e][:pc.n]) // moves left: never onto what is still to move
		dst += pc.n
		pc.p.num[e] = nil
	}
	return slab[:n:n]
}

// releaseSlabColumns lets element e of the pieces' slabs go once no part of a slab
// still holds rows of it to gather: the parsed numbers and the assembled columns of
// a file not in county order are then not all alive at once.
func releaseSlabColumns(pieces []piece, e int) {
	for i := range pieces {
		sl := pieces[i].p.slab
		if sl == nil || sl.cols[e] == nil {
			continue
		}
		if !slices.ContainsFunc(sl.parts, func(p *schoolPart) bool { return p != nil && len(p.srcRow) > 0 && p.num[e] != nil }) {
			sl.cols[e] = nil
		}
	}
}

// releaseSlabs lets the slabs go once every period is assembled: a Locator keeps
// the tables and their parts after reading, and a slab gathered from (not
// assembled in place) would otherwise stay alive with them.
func (r *reader) releaseSlabs() {
	for _, t := range r.tables {
		for _, p := range t.schools {
			p.slab = nil
		}
	}
}
