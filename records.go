package ziping

import (
	"math"
	"sort"

	"ziping/engine"
)

// BuildSnapshot turns stored rows of n units (index: unit id → position) into the
// engine's snapshot of period per: what loading a subtree's data and thawing a
// frozen assessment both need.
func BuildSnapshot(rows []SchoolRecord, facts []FactRecord, index map[int64]int, n, per int) *engine.Snapshot {
	snap := &engine.Snapshot{Period: per}
	fillSchools(&snap.Schools, rows, index)
	snap.Facts.Num = make([][]float64, len(engine.UnitElements))
	for _, f := range facts {
		for id, v := range f.Values {
			e := engine.UnitElementIndex(id)
			if e < 0 {
				continue
			}
			if snap.Facts.Num[e] == nil {
				snap.Facts.Num[e] = nanSlice(n)
			}
			snap.Facts.Num[e][index[f.UnitID]] = v
		}
	}
	snap.Finish(n)
	return snap
}

func fillSchools(sc *engine.Schools, rows []SchoolRecord, index map[int64]int) {
	sort.SliceStable(rows, func(i, j int) bool { return index[rows[i].UnitID] < index[rows[j].UnitID] })
	sc.Num = make([][]float64, len(engine.SchoolElements))
	for i, r := range rows {
		st, _ := engine.ParseStage(r.Stage)
		ty, _ := engine.ParseSchoolType(r.Type)
		sc.Unit = append(sc.Unit, int32(index[r.UnitID]))
		sc.Code, sc.Name = append(sc.Code, r.Code), append(sc.Name, r.Name)
		sc.Stage, sc.Type, sc.Public = append(sc.Stage, st), append(sc.Type, ty), append(sc.Public, r.Public)
		sc.Row = append(sc.Row, int32(r.Row))
		for id, v := range r.Values {
			e := engine.SchoolElementIndex(id)
			if e < 0 {
				continue
			}
			if sc.Num[e] == nil {
				sc.Num[e] = nanSlice(len(rows))
			}
			sc.Num[e][i] = v
		}
	}
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}
