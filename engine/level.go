package engine

// ForLevel returns the dataset as the units a framework of that level evaluates
// (Framework.Level), so that one evaluation serves every level:
//
//   - county: the dataset itself;
//   - school: one unit per school code, whose rows are the school's stage rows, its
//     parent the county; kindergartens are left out;
//   - kindergarten: one unit per kindergarten (rows of 学段 幼儿园), its parent the
//     county;
//   - city: one unit per city (the counties' parent), whose rows are the schools and
//     kindergartens of its counties.
//
// Unit facts are the counties': units of other levels have none (every fact is
// missing), so their metrics are computed from rows. Units come in the order their
// rows first appear, counties' order kept. Rows keep their source row numbers.
func (d *Dataset) ForLevel(level string) *Dataset {
	if level == LevelCounty || level == "" {
		return d
	}
	out := &Dataset{Periods: map[int]*Snapshot{}}
	idx := map[string]int32{}
	for _, per := range d.PeriodList() {
		src := &d.Periods[per].Schools
		keep := make([]int, 0, src.Len())
		unit := make([]int32, 0, src.Len())
		for i := range src.Len() {
			kg := src.Stage[i] == StageKindergarten
			if (level == LevelSchool && kg) || (level == LevelKindergarten && !kg) {
				continue
			}
			u := out.unitOf(d, src, i, level, idx)
			keep = append(keep, i)
			unit = append(unit, u)
		}
		out.Periods[per] = &Snapshot{Period: per, Schools: src.subset(keep, unit)}
	}
	for _, snap := range out.Periods {
		snap.Facts.Num = make([][]float64, len(UnitElements))
		snap.Finish(len(out.Units))
	}
	return out
}

// unitOf is the unit of row i of src at level, added to out.Units when new.
func (out *Dataset) unitOf(d *Dataset, src *Schools, i int, level string, idx map[string]int32) int32 {
	county := d.Units[src.Unit[i]]
	key, u := src.Code[i], Unit{Code: src.Code[i], Name: src.Name[i], ParentCode: county.Code, ParentName: county.Name}
	if level == LevelCity {
		key, u = county.ParentCode, Unit{Code: county.ParentCode, Name: county.ParentName}
	}
	if k, ok := idx[key]; ok {
		return k
	}
	idx[key] = int32(len(out.Units))
	out.Units = append(out.Units, u)
	return idx[key]
}

// subset copies rows keep of s, with new unit indexes.
func (s *Schools) subset(keep []int, unit []int32) Schools {
	out := Schools{Unit: unit, Num: make([][]float64, len(s.Num))}
	for _, i := range keep {
		out.Code = append(out.Code, s.Code[i])
		out.Name = append(out.Name, s.Name[i])
		out.Stage = append(out.Stage, s.Stage[i])
		out.Type = append(out.Type, s.Type[i])
		out.Public = append(out.Public, s.Public[i])
		out.Row = append(out.Row, s.Row[i])
	}
	for e, col := range s.Num {
		if col == nil || SchoolElements[e].Derived {
			continue
		}
		c := make([]float64, len(keep))
		for k, i := range keep {
			c[k] = col[i]
		}
		out.Num[e] = c
	}
	return out
}

// InScope lists the units of ds (indexes into ds.Units) that the framework assesses
// in period (0: the latest): every unit, or with a scope those with a row of the
// period passing the scope filter.
func (p *Program) InScope(ds *Dataset, period int) []int {
	if period == 0 {
		period = ds.Latest()
	}
	snap := ds.Periods[period]
	slot, ok := p.slotByID[p.FW.Scope]
	out := make([]int, 0, len(ds.Units))
	e := p.newEvaluator()
	for u := range ds.Units {
		if !ok {
			out = append(out, u)
			continue
		}
		if snap == nil || u >= len(snap.Schools.Ranges) {
			continue
		}
		e.reset(ds, snap, nil)
		e.rng = snap.Schools.Ranges[u]
		e.computeSlots()
		for _, v := range e.col.derived[slot] {
			if v != 0 && v == v {
				out = append(out, u)
				break
			}
		}
	}
	return out
}

// UnitNoun names the units of a level in Chinese: 区县, 学校, 幼儿园, 地市.
func UnitNoun(level string) string {
	switch level {
	case LevelSchool:
		return "学校"
	case LevelKindergarten:
		return "幼儿园"
	case LevelCity:
		return "地市"
	}
	return "区县"
}
