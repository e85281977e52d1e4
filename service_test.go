package ziping_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"ziping"
	"ziping/account"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/pgtest"
	"ziping/servicetest"
)

func TestMain(m *testing.M) { pgtest.Run(m) }

func TestAuthorizationByScope(t *testing.T) {
	f := servicetest.New(t)
	f.User(t, "reviewer1", ziping.RoleReviewer, "990100")
	f.User(t, "county2", ziping.RoleFiller, "990102")
	f.User(t, "viewer3", ziping.RoleViewer, "990121")
	unit := func(code string) *ziping.OrgUnit {
		u, err := f.Store.UnitByCode(f.Ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	rev, filler, viewer := f.Actor(t, "reviewer1"), f.Actor(t, "county2"), f.Actor(t, "viewer3")
	for _, tc := range []struct {
		who       string
		a         *ziping.Actor
		code      string
		see, edit bool
	}{
		{"reviewer, own city", rev, "990100", true, false},
		{"reviewer, county below", rev, "990121", true, false},
		{"reviewer, province above", rev, "990000", false, false},
		{"filler, own county", filler, "990102", true, true},
		{"filler, another county", filler, "990121", false, false},
		{"filler, the city above", filler, "990100", false, false},
		{"viewer, own county", viewer, "990121", true, false},
		{"system", ziping.System, "990000", true, true},
	} {
		u := unit(tc.code)
		if tc.a.CanSee(u) != tc.see || tc.a.CanEdit(u) != tc.edit {
			t.Errorf("%s on %s: see=%v edit=%v, want %v %v", tc.who, tc.code, tc.a.CanSee(u), tc.a.CanEdit(u), tc.see, tc.edit)
		}
	}
	if _, err := f.Accounts.AddUser(f.Ctx, filler, account.NewUser{Username: "x1", Password: servicetest.Pw("x1"), Role: ziping.RoleAdmin}); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("a filler adds an admin: %v", err)
	}
	if _, _, err := f.Core.LoadDataset(f.Ctx, filler, unit("990121"), 2024); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("a filler loads another county: %v", err)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	f := servicetest.New(t)
	f.User(t, "county2", ziping.RoleFiller, "990102")
	before, err := f.Store.Audit(f.Ctx, ziping.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// The demo file holds three counties: a county filler may not write the other
	// two, and then writes nothing at all.
	filler := f.Actor(t, "county2")
	_, err = f.Core.ImportDataset(f.Ctx, filler, servicetest.DemoDataset(t), ziping.ImportSource{File: "全省.xlsx"})
	if ziping.ErrorKind(err) != ziping.Forbidden || !strings.Contains(err.Error(), "无权导入以下区县的数据") {
		t.Fatalf("import outside scope: %v", err)
	}
	after, _ := f.Store.Audit(f.Ctx, ziping.AuditQuery{Limit: 1000})
	if len(after) != len(before)+1 { // the login only
		t.Errorf("audit grew by %d entries, want 1 (the login)", len(after)-len(before))
	}
	if rep, err := f.Core.Audit.Verify(f.Ctx); err != nil || rep.Entries == 0 {
		t.Errorf("audit chain: %v %v", rep, err)
	}
}

// TestStoredDataEvaluatesAlike: a dataset imported and loaded back from the store
// evaluates exactly like the dataset read from the file.
func TestStoredDataEvaluatesAlike(t *testing.T) {
	f := servicetest.New(t)
	prog, err := frameworks.Builtin("lxzz-county")
	if err != nil {
		t.Fatal(err)
	}
	direct, err := prog.Evaluate(servicetest.DemoDataset(t), engine.Options{Period: 2024})
	if err != nil {
		t.Fatal(err)
	}
	root, _ := f.Store.UnitByCode(f.Ctx, "990000")
	ds, _, err := f.Core.LoadDataset(f.Ctx, ziping.System, root, 2024)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := prog.Evaluate(ds, engine.Options{Period: 2024})
	if err != nil {
		t.Fatal(err)
	}
	if len(direct) != len(stored) {
		t.Fatalf("%d units from the file, %d from the store", len(direct), len(stored))
	}
	byCode := map[string]*engine.Result{}
	for _, r := range stored {
		byCode[r.Unit.Code] = r
	}
	for _, d := range direct {
		s := byCode[d.Unit.Code]
		if s == nil || s.Total != d.Total || s.Grade != d.Grade {
			t.Errorf("%s: file total %v %s, store %+v", d.Unit.Code, d.Total, d.Grade, s)
			continue
		}
		for i, m := range d.Metrics {
			if sm := s.Metrics[i]; sm.OK != m.OK || (m.OK && sm.Value != m.Value) {
				t.Errorf("%s %s: file %v, store %v", d.Unit.Code, m.ID, m.Text(), sm.Text())
			}
		}
	}
}

// TestEditAuditsOldAndNewValues: a small batch (a hand-edited school) is audited
// with the values it replaced and the new ones.
func TestEditAuditsOldAndNewValues(t *testing.T) {
	f := servicetest.New(t)
	ds := servicetest.DemoDataset(t)
	snap := ds.Periods[2024]
	// Keep one school row of the first county: a one-row edit.
	one := &engine.Dataset{Units: ds.Units[:1], Periods: map[int]*engine.Snapshot{}}
	s := &engine.Snapshot{Period: 2024}
	i := int(snap.Schools.Ranges[0].Lo)
	s.Schools.Unit, s.Schools.Code, s.Schools.Name = []int32{0}, []string{snap.Schools.Code[i]}, []string{snap.Schools.Name[i]}
	s.Schools.Stage, s.Schools.Type, s.Schools.Public, s.Schools.Row = []engine.Stage{snap.Schools.Stage[i]}, []engine.SchoolType{snap.Schools.Type[i]}, []bool{snap.Schools.Public[i]}, []int32{2}
	s.Schools.Num = make([][]float64, len(engine.SchoolElements))
	for e, col := range snap.Schools.Num {
		if col != nil {
			s.Schools.Num[e] = []float64{col[i]}
		}
	}
	oldStudents := snap.Schools.Num[engine.SEStudents][i]
	s.Schools.Num[engine.SEStudents][0] = oldStudents + 7
	s.Facts.Num = make([][]float64, len(engine.UnitElements))
	s.Finish(1)
	one.Periods[2024] = s
	if _, err := f.Core.ImportDataset(f.Ctx, ziping.System, one, ziping.ImportSource{File: "手工录入"}); err != nil {
		t.Fatal(err)
	}
	e := f.LastAudit(t)
	key := "school:" + snap.Schools.Code[i] + "/" + snap.Schools.Stage[i].String()
	wantOld := fmt.Sprintf(`"%s":{`, key)
	if e.Action != "import" || !strings.Contains(e.Old, wantOld) || !strings.Contains(e.New, wantOld) ||
		!strings.Contains(e.Old, fmt.Sprintf(`"students":%v`, oldStudents)) || !strings.Contains(e.New, fmt.Sprintf(`"students":%v`, oldStudents+7)) {
		t.Errorf("audit of an edit:\nold %s\nnew %s", e.Old, e.New)
	}
}

// TestDatasetCacheSeesImports: loads from many goroutines share the cached dataset
// and an import in between is seen by the next load (the data version moved).
func TestDatasetCacheSeesImports(t *testing.T) {
	f := servicetest.New(t)
	root, _ := f.Store.UnitByCode(f.Ctx, "990000")
	county, _ := f.Store.UnitByCode(f.Ctx, "990102")
	first, _, err := f.Core.LoadDataset(f.Ctx, ziping.System, county, 2024)
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := f.Core.LoadDataset(f.Ctx, ziping.System, county, 2024)
	if again != first {
		t.Error("the second load of unchanged data was not served from the cache")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, _, err := f.Core.LoadDataset(f.Ctx, ziping.System, root, 2024); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	ds := servicetest.DemoDataset(t)
	snap := ds.Periods[2024]
	for i := range snap.Schools.Len() {
		snap.Schools.Num[engine.SEStudents][i]++ // every school one student more
	}
	wg.Go(func() {
		if _, err := f.Core.ImportDataset(f.Ctx, ziping.System, ds, ziping.ImportSource{File: "再次导入.xlsx"}); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	after, _, err := f.Core.LoadDataset(f.Ctx, ziping.System, county, 2024)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(d *engine.Dataset) (s float64) {
		for _, v := range d.Periods[2024].Schools.Num[engine.SEStudents] {
			s += v
		}
		return s
	}
	if after == first || sum(after) != sum(first)+float64(first.Periods[2024].Schools.Len()) {
		t.Errorf("after the import: %v students, before %v over %d rows", sum(after), sum(first), first.Periods[2024].Schools.Len())
	}
}
