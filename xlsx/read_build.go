package xlsx

import (
	"math"
	"slices"

	"ziping"
	"ziping/engine"
)

// build checks what spans rows and tables, then assembles the Dataset; any error
// anywhere means no Dataset at all.
func (r *reader) build() (*engine.Dataset, error) {
	ds := &engine.Dataset{Periods: map[int]*engine.Snapshot{}}
	units := map[string]int32{}
	hasFacts := r.factUnits(ds, units)
	maps := r.schoolUnits(ds, units, hasFacts)
	r.duplicateSchools()
	if errs := r.errors(); len(errs) > 0 {
		return nil, &ziping.ImportError{Cells: errs}
	}
	for _, per := range r.periods() {
		keep := r.keeps(per)
		if !keep && !r.factsIn(per) {
			continue // only school rows that the evaluation does not need
		}
		snap := &engine.Snapshot{Period: int(per)}
		if keep {
			r.gatherSchools(&snap.Schools, per, maps, len(ds.Units))
		}
		r.gatherFacts(&snap.Facts, per, units, len(ds.Units))
		snap.Finish(len(ds.Units))
		ds.Periods[int(per)] = snap
	}
	r.releaseSlabs()
	return ds, nil
}

// factUnits adds the counties of the facts tables to ds.Units in order of first
// appearance, and reports a county given twice for one period.
func (r *reader) factUnits(ds *engine.Dataset, units map[string]int32) bool {
	type key struct {
		code   string
		period int32
	}
	type ref struct {
		t   *table
		row int32
	}
	seen := map[key]ref{}
	has := false
	for _, t := range r.tables {
		for _, p := range t.facts {
			has = true
			for i, code := range p.code {
				if _, ok := units[code]; !ok {
					units[code] = int32(len(ds.Units))
					ds.Units = append(ds.Units, engine.Unit{Code: code, Name: p.name[i], ParentCode: p.cityCode[i], ParentName: p.cityName[i]})
				}
				k := key{code, p.period[i]}
				if first, dup := seen[k]; dup {
					p.bad(int(p.srcRow[i]), t.lay.text[tfCountyCode], code, "与"+first.t.where(int(first.row), t)+"重复（同一年度的区县代码不能重复）")
					continue
				}
				seen[k] = ref{t, p.srcRow[i]}
			}
		}
	}
	return has
}

// schoolUnits maps the counties of every school part to units: with facts tables a
// county they lack is an error; without, each new county becomes a unit.
func (r *reader) schoolUnits(ds *engine.Dataset, units map[string]int32, hasFacts bool) map[*schoolPart][]int32 {
	maps := map[*schoolPart][]int32{}
	for _, t := range r.tables {
		for _, p := range t.schools {
			m := make([]int32, len(p.counties))
			unknown := false
			for k, c := range p.counties {
				u, ok := units[c.code]
				switch {
				case ok && !hasFacts && ds.Units[u].Name == "":
					ds.Units[u].Name = c.name
				case ok:
				case hasFacts:
					u, unknown = -1, true
				default:
					u = int32(len(ds.Units))
					units[c.code] = u
					ds.Units = append(ds.Units, engine.Unit{Code: c.code, Name: c.name})
				}
				m[k] = u
			}
			if unknown {
				p.unknownCounties(m)
			}
			maps[p] = m
		}
	}
	return maps
}

// unknownCounties reports every source row of the part whose county maps to no
// unit (-1 in m).
func (p *schoolPart) unknownCounties(m []int32) {
	col := p.lay.text[tfCountyCode]
	last := int32(-1)
	for i, c := range p.countyID {
		if c >= 0 && m[c] < 0 && p.srcRow[i] != last {
			last = p.srcRow[i]
			p.bad(int(last), col, p.counties[c].code, reasonNoCounty)
		}
	}
}

// periods lists every period with school or facts rows, ascending.
func (r *reader) periods() []int32 {
	var ps []int32
	add := func(per int32) {
		if !slices.Contains(ps, per) {
			ps = append(ps, per)
		}
	}
	for _, t := range r.tables {
		for _, p := range t.schools {
			for _, per := range p.periods {
				add(per)
			}
		}
		for _, p := range t.facts {
			for _, per := range p.period {
				add(per)
			}
		}
	}
	slices.Sort(ps)
	return ps
}

// gatherFacts builds the facts of one period: Num[element][unit], NaN where a unit
// has no value, nil for an element no facts table of the period has.
func (r *reader) gatherFacts(f *engine.Facts, per int32, units map[string]int32, nUnits int) {
	f.Num = make([][]float64, len(engine.UnitElements))
	for _, t := range r.tables {
		for _, p := range t.facts {
			for i, code := range p.code {
				if p.period[i] != per {
					continue
				}
				u := units[code]
				for _, nf := range p.lay.nums {
					col := f.Num[nf.elem]
					if col == nil {
						col = nanColumn(nUnits)
						f.Num[nf.elem] = col
					}
					col[u] = p.num[nf.elem][i]
				}
			}
		}
	}
}

// nanColumn returns n NaNs.
func nanColumn(n int) []float64 {
	c := make([]float64, n)
	for i := range c {
		c[i] = math.NaN()
	}
	return c
}
