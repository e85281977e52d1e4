package engine_test

import (
	"io/fs"
	"math"
	"testing"

	"ziping/engine"
	"ziping/frameworks"
)

// school is a hand-written school row for tests.
type school struct {
	unit   string
	code   string
	name   string
	stage  engine.Stage
	typ    engine.SchoolType
	public bool
	vals   map[string]float64
}

// build makes a one-period dataset from hand-written rows and unit facts, the way an
// importer would: columns, then Finish.
func build(t testing.TB, period int, units []engine.Unit, rows []school, facts map[string]map[string]float64) *engine.Dataset {
	t.Helper()
	ds := &engine.Dataset{Units: units, Periods: map[int]*engine.Snapshot{}}
	addPeriod(t, ds, period, rows, facts)
	return ds
}

func addPeriod(t testing.TB, ds *engine.Dataset, period int, rows []school, facts map[string]map[string]float64) {
	t.Helper()
	snap := &engine.Snapshot{Period: period}
	sc := &snap.Schools
	sc.Num = make([][]float64, len(engine.SchoolElements))
	used := map[int]bool{}
	for _, r := range rows {
		for id := range r.vals {
			el := engine.SchoolElementIndex(id)
			if el < 0 {
				t.Fatalf("unknown school element %q", id)
			}
			used[el] = true
		}
	}
	for el := range used {
		sc.Num[el] = make([]float64, 0, len(rows))
	}
	for i, r := range rows {
		u := ds.UnitIndex(r.unit)
		if u < 0 {
			t.Fatalf("unknown unit %q", r.unit)
		}
		sc.Unit = append(sc.Unit, int32(u))
		sc.Code = append(sc.Code, r.code)
		sc.Name = append(sc.Name, r.name)
		sc.Stage = append(sc.Stage, r.stage)
		sc.Type = append(sc.Type, r.typ)
		sc.Public = append(sc.Public, r.public)
		sc.Row = append(sc.Row, int32(i+2))
		for el := range used {
			v, ok := r.vals[engine.SchoolElements[el].ID]
			if !ok {
				v = math.NaN()
			}
			sc.Num[el] = append(sc.Num[el], v)
		}
	}
	snap.Facts.Num = make([][]float64, len(engine.UnitElements))
	for code, fs := range facts {
		u := ds.UnitIndex(code)
		for id, v := range fs {
			el := engine.UnitElementIndex(id)
			if el < 0 {
				t.Fatalf("unknown unit element %q", id)
			}
			if snap.Facts.Num[el] == nil {
				snap.Facts.Num[el] = make([]float64, len(ds.Units))
				for i := range snap.Facts.Num[el] {
					snap.Facts.Num[el][i] = math.NaN()
				}
			}
			snap.Facts.Num[el][u] = v
		}
	}
	snap.Finish(len(ds.Units))
	ds.Periods[period] = snap
}

// builtin loads and compiles an embedded framework.
func builtin(t testing.TB, id string) *engine.Program {
	t.Helper()
	data, err := fs.ReadFile(frameworks.FS, id+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.Load(id+".yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// compile compiles a framework written in the test.
func compile(t testing.TB, src string) *engine.Program {
	t.Helper()
	p, err := engine.Load("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pschool is a public primary school with the seven resource inputs set so that each
// indicator equals the given per-student or per-100 value at the given size.
func pschool(unit, code string, students float64, v [7]float64) school {
	return school{unit: unit, code: code, name: code + "小学", stage: engine.StagePrimary, typ: engine.TypePrimary, public: true,
		vals: map[string]float64{
			"students": students, "classes": math.Ceil(students / 40),
			"teachers":                students / 17,
			"teachers_above_required": v[0] * students / 100,
			"backbone_teachers":       v[1] * students / 100,
			"pe_art_teachers":         v[2] * students / 100,
			"teaching_area":           v[3] * students,
			"sports_area":             v[4] * students,
			"equipment_value":         v[5] * students,
			"multimedia_rooms":        v[6] * students / 100,
		}}
}

func BenchmarkFinish(b *testing.B) {
	ds := benchData(b, 2844, 500000, 0)
	snap := ds.Periods[ds.Latest()]
	for b.Loop() {
		snap.Finish(len(ds.Units))
	}
}

// TestFinishSchoolColumns: school_students and school_first, computed in runs of
// units on every core, are those worked out unit by unit and school by school here.
func TestFinishSchoolColumns(t *testing.T) {
	ds := benchData(t, 60, 12000, 0)
	sc := &ds.Periods[ds.Latest()].Schools
	if sc.Len() < 2*4096 {
		t.Fatalf("%d rows: one run only", sc.Len())
	}
	split := 0
	for _, r := range sc.Ranges {
		total, firsts := map[string]float64{}, map[string]int32{}
		for i := r.Lo; i < r.Hi; i++ {
			if _, ok := firsts[sc.Code[i]]; !ok {
				firsts[sc.Code[i]] = i
			} else {
				split++
			}
			if st := sc.Stage[i]; st == engine.StagePrimary || st == engine.StageJunior {
				total[sc.Code[i]] += sc.Num[engine.SEStudents][i]
			}
		}
		for i := r.Lo; i < r.Hi; i++ {
			first := 0.0
			if firsts[sc.Code[i]] == i {
				first = 1
			}
			if got := sc.Num[engine.SESchoolFirst][i]; got != first {
				t.Fatalf("row %d (%s): school_first %v, want %v", i, sc.Code[i], got, first)
			}
			if got := sc.Num[engine.SESchoolStudents][i]; got != total[sc.Code[i]] {
				t.Fatalf("row %d (%s): school_students %v, want %v", i, sc.Code[i], got, total[sc.Code[i]])
			}
		}
	}
	if split == 0 {
		t.Fatal("no school with several rows: the sums are not tested")
	}
}
