package xlsx

import (
	"fmt"
	"slices"
	"strings"

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
	for _, b := range r.pending {
		b.scanPeriods()
		for _, runs := range b.runs {
			for _, run := range runs {
				if run.ok && !slices.Contains(found, run.period) {
					found = append(found, run.period)
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
	for _, b := range r.pending {
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

// yearRun is a run of consecutive records of one period in a chunk: chunk[lo:hi].
// Files come grouped by year, so a chunk has one run or two. ok is false for
// records whose period cannot be read: they are parsed, and reported.
type yearRun struct {
	lo, hi  int
	period  int32
	ok      bool
	records int
}

// scanPeriods finds the runs of records of each period in every chunk, on every
// core: without quotes it looks at each line's 年度 cell and its end, nothing else.
func (b *body) scanPeriods() {
	b.runs = make([][]yearRun, len(b.chunks))
	eachChunk(len(b.chunks), func(i int) { b.runs[i] = b.scanChunk(b.chunks[i]) })
}

func (b *body) scanChunk(chunk string) []yearRun {
	var runs []yearRun
	var f []string
	for pos := 0; pos < len(chunk); {
		var cell string
		start := pos
		cell, pos, f = periodCell(b.t, chunk, pos, b.quotes, f)
		per, ok := rowPeriod(b.t, cell)
		if k := len(runs) - 1; k >= 0 && runs[k].period == per && runs[k].ok == ok {
			runs[k].hi = pos
			runs[k].records++
			continue
		}
		runs = append(runs, yearRun{lo: start, hi: pos, period: per, ok: ok, records: 1})
	}
	return runs
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

// rowFilter passes over the records of the periods an evaluation does not need.
type rowFilter struct {
	keep     []int32
	counties bool // without facts tables units come from school rows: note the counties of skipped rows too
}

// keeps reports whether the records of a run are read.
func (flt *rowFilter) keeps(run yearRun) bool {
	return !run.ok || slices.Contains(flt.keep, run.period)
}

// kept is how many records of a chunk's runs are read.
func (flt *rowFilter) kept(runs []yearRun) int {
	n := 0
	for _, run := range runs {
		if flt.keeps(run) {
			n += run.records
		}
	}
	return n
}

// pass counts the records of a run it does not read, the rows after row n, unchecked;
// it only notes their counties when no facts table names the units.
func (flt *rowFilter) pass(p *schoolPart, n int, s string, run yearRun, quotes bool) {
	if p.skipped == nil {
		p.skipped = map[int32]int{}
	}
	p.skipped[run.period] += run.records
	if !flt.counties {
		return
	}
	var f []string
	for pos := 0; pos < len(s); {
		f, pos = nextRecord(s, pos, f[:0], quotes)
		n++
		if sixDigits(field(f, p.lay.text[tfCountyCode])) {
			p.countyOf(n, f)
		}
	}
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
