package xlsx

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"ziping"
)

// An evaluation reads only the school rows of the periods its framework needs
// (ReadOptions.SchoolPeriods): a two-year file evaluated for its latest year spends
// half of its time and memory on the year before otherwise. The school tables of CSV
// files wait until every input has been read, so that the periods of the facts and of
// the other files are known; a quick pass over each table's 年度 column finds its own.
// Rows of the periods left out are then passed over without being split into cells.

// readPending decides the periods to keep and parses the school CSV tables that were
// waiting for it.
func (r *reader) readPending() {
	if r.opt.SchoolPeriods == nil {
		return
	}
	found := r.periods()
	counts := make([][]map[int32]int, len(r.pending))
	for i, b := range r.pending {
		counts[i] = b.scanPeriods()
		for _, cs := range counts[i] {
			for per := range cs {
				if per != 0 && !slices.Contains(found, per) {
					found = append(found, per)
				}
			}
		}
	}
	slices.Sort(found)
	all := make([]int, len(found))
	for i, p := range found {
		all[i] = int(p)
	}
	r.keep = []int32{}
	for _, p := range r.opt.SchoolPeriods(all) {
		r.keep = append(r.keep, int32(p))
	}
	facts := false
	for _, t := range r.tables {
		facts = facts || len(t.facts) > 0
	}
	for i, b := range r.pending {
		b.kept = make([]int, len(b.chunks))
		for c, cs := range counts[i] {
			for per, n := range cs {
				if per == 0 || slices.Contains(r.keep, per) {
					b.kept[c] += n
				}
			}
		}
		b.parse(&rowFilter{keep: r.keep, counties: !facts})
	}
	r.pending = nil
}

// keeps reports whether the school rows of period per are built.
func (r *reader) keeps(per int32) bool { return r.keep == nil || slices.Contains(r.keep, per) }

// factsIn reports whether a facts table has rows of period per.
func (r *reader) factsIn(per int32) bool {
	for _, t := range r.tables {
		for _, p := range t.facts {
			if slices.Contains(p.period, per) {
				return true
			}
		}
	}
	return false
}

// scanPeriods counts the rows of each period in every chunk, on every core; rows
// whose period cannot be read count under 0 (they are parsed, and reported).
func (b *body) scanPeriods() []map[int32]int {
	out := make([]map[int32]int, len(b.chunks))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, chunk := range b.chunks {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			m := map[int32]int{}
			var f []string
			for pos := 0; pos < len(chunk); {
				var cell string
				cell, pos, f = periodCell(b.t, chunk, pos, b.quotes, f)
				per, _ := rowPeriod(b.t, cell)
				m[per]++
			}
			out[i] = m
		})
	}
	wg.Wait()
	return out
}

// periodCell returns the 年度 cell of the record at s[pos:] and the position after
// the record. Without quotes it looks no further than the cell and the line's end.
func periodCell(t *table, s string, pos int, quotes bool, f []string) (string, int, []string) {
	col := t.lay.text[tfPeriod]
	if quotes {
		var next int
		f, next = nextRecord(s, pos, f[:0], true)
		return field(f, col), next, f
	}
	end := strings.IndexByte(s[pos:], '\n')
	next := len(s)
	if end < 0 {
		end = len(s)
	} else {
		end += pos
		next = end + 1
	}
	line := s[pos:end]
	for range col {
		k := strings.IndexByte(line, ',')
		if k < 0 {
			return "", next, f
		}
		line = line[k+1:]
	}
	if k := strings.IndexByte(line, ','); k >= 0 {
		line = line[:k]
	}
	return trimCell(trimCR(line)), next, f
}

// rowPeriod reads a row's period from its 年度 cell: the table's default when the
// cell is empty. ok is false when there is none to read; the row is then parsed and
// its error reported.
func rowPeriod(t *table, cell string) (int32, bool) {
	if cell == "" {
		return t.period, t.period != 0
	}
	return parsePeriod(cell)
}

// rowFilter passes over the rows of the periods an evaluation does not need.
type rowFilter struct {
	keep     []int32
	counties bool // without facts tables units come from school rows: note the counties of skipped rows too
}

// skip reports whether record n at chunk[pos:] is one to pass over, and where the
// next record starts. A skipped row is counted, not checked.
func (flt *rowFilter) skip(p *schoolPart, n int, chunk string, pos int, quotes bool) (int, bool) {
	cell, next, f := periodCell(p.t, chunk, pos, quotes, p.scratch)
	p.scratch = f
	per, ok := rowPeriod(p.t, cell)
	if !ok || slices.Contains(flt.keep, per) {
		return pos, false
	}
	if p.skipped == nil {
		p.skipped = map[int32]int{}
	}
	p.skipped[per]++
	if flt.counties {
		p.scratch, _ = nextRecord(chunk, pos, p.scratch[:0], quotes)
		if sixDigits(field(p.scratch, p.lay.text[tfCountyCode])) {
			p.countyOf(n, p.scratch)
		}
	}
	return next, true
}

// skippedWarnings says, per table and period, how many school rows were not read.
func (r *reader) skippedWarnings() []ziping.ImportWarning {
	var out []ziping.ImportWarning
	for _, t := range r.tables {
		total := map[int32]int{}
		for _, p := range t.schools {
			for per, n := range p.skipped {
				total[per] += n
			}
		}
		pers := make([]int32, 0, len(total))
		for per := range total {
			pers = append(pers, per)
		}
		slices.Sort(pers)
		for _, per := range pers {
			out = append(out, ziping.ImportWarning{File: t.file, Sheet: t.sheet,
				Msg: fmt.Sprintf("%d年度的%d行学校数据未读取，也未检查：本次评价用不到该年度的学校数据", per, total[per])})
		}
	}
	return out
}
