// Package synth generates a realistic synthetic province: a school table and a county
// table laid out the way ziping imports them, for demonstrations, tests and
// benchmarks. It is pure (no I/O) and deterministic: the same Config gives the same
// tables.
//
// The data is made to exercise the evaluation: most schools meet the resource
// standards of DOMAIN.md §1.2 while a realistic minority does not, counties differ in
// how evenly their schools are equipped (so their coefficients of variation fall on
// both sides of the limits), some schools exceed the size caps, some classes are very
// large, and a few county facts fail their thresholds, fall between periods or are
// missing.
package synth

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Table is a header row and data rows. Cells are string, float64 or int; an empty
// string is an empty cell.
type Table struct {
	Header []string
	Rows   [][]any
}

// Config says what to generate. Zero values take the defaults.
type Config struct {
	Counties int // county-level units; default 30, at most 9,702
	Schools  int // schools in all; default 100 per county, at most 9,999 per county
	// Kindergartens in all, shared between the counties like their schools; 0: none.
	Kindergartens int
	Seed          uint64 // the same seed gives the same tables
	Periods       []int  // years, written in ascending order; default {2023, 2024}
	Province      string // default "示范省"; not written in the tables, for titles
	ProvinceCode  string // two digits starting every code; default "99"
}

func (c Config) withDefaults() Config {
	if c.Counties == 0 {
		c.Counties = 30
	}
	if c.Schools == 0 {
		c.Schools = 100 * c.Counties
	}
	if len(c.Periods) == 0 {
		c.Periods = []int{2023, 2024}
	}
	if c.Province == "" {
		c.Province = "示范省"
	}
	if c.ProvinceCode == "" {
		c.ProvinceCode = "99"
	}
	return c
}

// Validate reports whether Generate can honour the config (after defaults): counts
// within the limits the code widths allow, a two-digit province code, distinct years.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.Counties < 0 || c.Counties > maxCounties {
		errs = append(errs, fmt.Errorf("synth: counties %d outside 1..%d", c.Counties, maxCounties))
	}
	if c.Kindergartens < 0 || c.Kindergartens > maxSchoolsPerCounty*max(c.Counties, 0)/2 {
		errs = append(errs, fmt.Errorf("synth: kindergartens %d outside 0..%d for %d counties",
			c.Kindergartens, maxSchoolsPerCounty*max(c.Counties, 0)/2, c.Counties))
	}
	if c.Schools < 0 || c.Schools > maxSchoolsPerCounty*max(c.Counties, 0) {
		errs = append(errs, fmt.Errorf("synth: schools %d outside 0..%d for %d counties",
			c.Schools, maxSchoolsPerCounty*max(c.Counties, 0), c.Counties))
	}
	if p := c.ProvinceCode; len(p) != 2 || p[0] < '1' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
		errs = append(errs, fmt.Errorf("synth: province code %q is not two digits 10..99", p))
	}
	ps := slices.Sorted(slices.Values(c.Periods))
	if len(slices.Compact(ps)) != len(c.Periods) {
		errs = append(errs, fmt.Errorf("synth: repeated year in %v", c.Periods))
	}
	return errors.Join(errs...)
}

// Generate returns the school table and the county table of a synthetic province.
//
// The school table has 年度, 学校代码, 学校名称, 区县代码, 区县名称, 学段, 学校类别 and
// 办学类型, then one column per school element of the engine that is not derived,
// headed by its official name (amounts with their unit: 教学仪器设备值(元)). Combined
// schools (九年一贯制, 十二年一贯制, 完全中学) are one row with 学段 naming the
// combination and the students of each of the three stages filled in (0 for a stage
// the school lacks); about half the nine-year schools are instead two rows, 小学 and
// 初中, sharing the code. The per-stage student columns are empty on other rows.
// School codes are the county code and a four-digit number, the same in every period.
//
// The county table has 年度, 地市代码, 地市名称, 区县代码, 区县名称, then one column per
// unit element (money with its unit). Rows go by year, then county; in the school
// table by year, county, then school.
//
// Generate panics if cfg.Validate fails; validate user input first.
func Generate(cfg Config) (schools Table, counties Table) {
	p := GenerateProvince(cfg)
	return p.Schools, p.Counties
}

// Province is a generated province: its school table, its kindergarten table (no
// rows when Config.Kindergartens is 0) and its county table.
type Province struct {
	Schools, Kindergartens, Counties Table
}

// GenerateProvince is Generate with the kindergartens. The kindergarten table has the
// text columns of the school table (学段 and 学校类别 幼儿园), then 在园幼儿数, 班级数,
// 专任教师数, 持证专任教师数 and the kindergarten elements (普惠性幼儿园 是/否, children
// and classes by 小班, 中班, 大班, 混龄班, 超标准班额班级数, staff, areas). Codes are
// the county code, 5 and a four-digit number. A county's kindergartens share out its
// 在园幼儿数 facts by kind; the kindergarten facts (3-5周岁适龄人口, …) are in the
// county table either way.
func GenerateProvince(cfg Config) Province {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	years := slices.Sorted(slices.Values(cfg.Periods))
	cs := layout(cfg, rand.New(rand.NewPCG(splitmix(cfg.Seed), splitmix(^cfg.Seed))))
	nkg := kgPerCounty(cfg.Kindergartens, cs)
	e := emitter{plan: schoolPlan(), kg: kgPlan(), ints: boxedInts(), years: years}
	outs := make([]countyOut, len(cs))
	// Counties are independent (each has its own random stream), so they are
	// generated in parallel and the result does not depend on the scheduling.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(cs)) {
		wg.Go(func() {
			var scratch []row
			for i := int(next.Add(1) - 1); i < len(cs); i = int(next.Add(1) - 1) {
				g := newCountyGen(countyRNG(cfg.Seed, i), &cs[i], scratch)
				g.x = extraRNG(cfg.Seed, i)
				outs[i] = e.county(g, nkg[i])
				scratch = g.rows
			}
		})
	}
	wg.Wait()
	return Province{Schools: schoolTable(&e.plan, outs, len(years)), Kindergartens: kgTable(&e.kg, outs, len(years)),
		Counties: countyTable(cs, outs, years)}
}

// kgPerCounty shares n kindergartens between the counties like their schools (every
// county one at least, when there are enough).
func kgPerCounty(n int, cs []county) []int {
	w := make([]float64, len(cs))
	for i := range cs {
		w[i] = float64(cs[i].schools) + 1
	}
	lo := 0
	if n >= len(cs) {
		lo = 1
	}
	return apportion(n, w, lo, maxSchoolsPerCounty)
}

// countyOut is what one county contributes: its school and kindergarten rows and its
// facts, per period.
type countyOut struct {
	rows  [][][]any
	kg    [][][]any
	facts [][nFacts]float64
}

// emitter turns generated rows into cells; it is shared, read-only, by the workers.
type emitter struct {
	plan  plan[field]
	kg    plan[kgField]
	ints  []any // ints[i] is i boxed once, to spare an allocation per count cell
	years []int
}

// boxedInts boxes the counts most cells hold.
func boxedInts() []any {
	ints := make([]any, 10000)
	for i := range ints {
		ints[i] = i
	}
	return ints
}

func (e *emitter) county(g *countyGen, nkg int) countyOut {
	c := g.c
	for range c.schools {
		from := len(g.rows)
		g.school()
		g.extras(g.x, from)
	}
	nrows, ncol := len(g.rows), len(schoolTextHeader)+len(e.plan.fields)
	// One allocation for every cell of the county, sliced into rows.
	slab := make([]any, nrows*ncol*len(e.years))
	out := countyOut{rows: make([][][]any, len(e.years))}
	aggs := make([]agg, len(e.years))
	var v [nFields]float64
	codeCell, nameCell := any(c.code), any(c.name)
	for p, year := range e.years {
		yearCell := any(year)
		rows := make([][]any, nrows)
		for i := range g.rows {
			w := &g.rows[i]
			if p > 0 {
				w.drift(g.r)
				w.driftExtra(g.x)
			}
			w.values(g.cp.capped, &v)
			aggs[p].add(w)
			rows[i], slab = slab[:ncol:ncol], slab[ncol:]
			cells := rows[i]
			cells[0], cells[1], cells[2], cells[3], cells[4] = yearCell, w.code, w.name, codeCell, nameCell
			cells[5], cells[6], cells[7] = w.stage, w.typ, w.owner
			e.fill(cells[len(schoolTextHeader):], w.combined, &v)
		}
		out.rows[p] = rows
	}
	out.facts = countyFacts(g.r, c, aggs)
	kgFacts(g.x, out.facts)
	out.kg = e.kindergartens(g, nkg, out.facts)
	return out
}

// kindergartens makes the county's kindergarten rows of every period.
func (e *emitter) kindergartens(g *countyGen, n int, facts [][nFacts]float64) [][][]any {
	if n == 0 {
		return make([][][]any, len(e.years))
	}
	kgs := g.kindergartens(g.x, n)
	v := make([][nKGFields]float64, len(kgs))
	out := make([][][]any, len(e.years))
	var totals [nKGKinds]float64
	for p, year := range e.years {
		f := &facts[p]
		// A fact left missing keeps the children of the year before: the
		// kindergartens still have children when the county did not report them.
		for k, x := range [nKGKinds]float64{f[xKGPublic], f[xKGInclusive], f[xKG] - f[xKGPublic] - f[xKGInclusive]} {
			if !math.IsNaN(x) {
				totals[k] = max(0, x)
			}
		}
		kgRows(kgs, totals, v)
		out[p] = make([][]any, len(kgs))
		for i, kg := range kgs {
			cells := make([]any, len(schoolTextHeader), len(schoolTextHeader)+len(e.kg.fields))
			cells[0], cells[1], cells[2], cells[3], cells[4] = year, kg.code, kg.name, g.c.code, g.c.name
			cells[5], cells[6], cells[7] = "幼儿园", "幼儿园", kg.owner
			for j, fd := range e.kg.fields {
				switch {
				case fd == kNone:
					cells = append(cells, "")
				case fd == kInclusive:
					cells = append(cells, map[bool]string{true: "是", false: "否"}[v[i][fd] == 1])
				case e.kg.float[j]:
					cells = append(cells, v[i][fd])
				default:
					cells = append(cells, int(v[i][fd]))
				}
			}
			out[p][i] = cells
		}
	}
	return out
}

func kgTable(kp *plan[kgField], outs []countyOut, periods int) Table {
	t := Table{Header: slices.Concat(schoolTextHeader, kp.header)}
	for p := range periods {
		for i := range outs {
			t.Rows = append(t.Rows, outs[i].kg[p]...)
		}
	}
	return t
}

// fill writes the numeric cells of a row.
func (e *emitter) fill(cells []any, combined bool, v *[nFields]float64) {
	for j, f := range e.plan.fields {
		switch {
		case f == fNone, !combined && f >= fStuPrimary && f <= fStuSenior:
			cells[j] = ""
		case e.plan.float[j]:
			cells[j] = v[f]
		case int(v[f]) < len(e.ints):
			cells[j] = e.ints[int(v[f])]
		default:
			cells[j] = int(v[f])
		}
	}
}

func schoolTable(sp *plan[field], outs []countyOut, periods int) Table {
	t := Table{Header: slices.Concat(schoolTextHeader, sp.header)}
	n := 0
	for i := range outs {
		for _, rows := range outs[i].rows {
			n += len(rows)
		}
	}
	t.Rows = make([][]any, 0, n)
	for p := range periods {
		for i := range outs {
			t.Rows = append(t.Rows, outs[i].rows[p]...)
		}
	}
	return t
}

func countyTable(cs []county, outs []countyOut, years []int) Table {
	cp := countyPlan()
	t := Table{Header: slices.Concat(countyTextHeader, cp.header)}
	t.Rows = make([][]any, 0, len(cs)*len(years))
	for p, year := range years {
		for i := range cs {
			c := &cs[i]
			cells := make([]any, 0, len(t.Header))
			cells = append(cells, year, c.cityCode, c.cityName, c.code, c.name)
			for j, x := range cp.fields {
				cells = append(cells, factCell(x, cp.float[j], &outs[i].facts[p]))
			}
			t.Rows = append(t.Rows, cells)
		}
	}
	return t
}

func factCell(x fact, float bool, v *[nFacts]float64) any {
	switch {
	case x == xNone || math.IsNaN(v[x]):
		return ""
	case float:
		return v[x]
	}
	return int(v[x])
}
