package assess_test

import (
	"testing"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/servicetest"
)

func TestDueDates(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testDueDates(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testDueDates(t *testing.T, f *servicetest.Flow) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	prov, err := f.Store.UnitByCode(f.Ctx, "990000")
	if err != nil {
		t.Fatal(err)
	}
	if d, err := f.Assess.DueDateOf(f.Ctx, f.County, "lxzz-county", 2024); err != nil || !d.Date.IsZero() {
		t.Fatalf("before any: %+v %v", d, err)
	}
	// Who may not: the county's fillers and its own reviewer (the county's own
	// assessment), a filler elsewhere (who cannot see the county), a viewer.
	for name, c := range map[string]struct {
		a    *ziping.Actor
		kind ziping.Kind
	}{"filler": {f.Filler, ziping.Forbidden}, "county's reviewer": {f.CountyReviewer, ziping.Forbidden},
		"stranger": {f.Stranger, ziping.NotFound}, "viewer": {f.Viewer, ziping.Forbidden}} {
		_, err := f.Assess.SetDueDate(f.Ctx, c.a, f.County, "lxzz-county", 2024, assess.DueDateInput{Date: day("2024-06-01")})
		if servicetest.KindOf(err) != c.kind {
			t.Errorf("%s setting the county's date: %v, want %v", name, err, c.kind)
		}
	}
	// The province's reviewer sets the province's date; the counties inherit it.
	d, err := f.Assess.SetDueDate(f.Ctx, f.Reviewer, prov, "lxzz-county", 2024, assess.DueDateInput{Date: day("2024-06-30")})
	if err != nil || d.Version != 1 {
		t.Fatalf("the province's date: %+v %v", d, err)
	}
	if e := f.LastAudit(t); e.Action != "due_date_save" || e.Object != "due:990000/lxzz-county/2024" || e.UnitID != prov.ID {
		t.Errorf("audit %+v", e)
	}
	// The county's own date wins there, not at its neighbour.
	if _, err := f.Assess.SetDueDate(f.Ctx, f.Reviewer, f.County, "lxzz-county", 2024, assess.DueDateInput{Date: day("2024-06-15")}); err != nil {
		t.Fatal(err)
	}
	got, err := f.Assess.DueDatesOf(f.Ctx, []ziping.OrgUnit{*f.County, *f.Other}, "lxzz-county", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if c, o := got[f.County.ID], got[f.Other.ID]; !c.Date.Equal(day("2024-06-15")) || c.SetOn != f.County.ID ||
		!o.Date.Equal(day("2024-06-30")) || o.SetOn != prov.ID {
		t.Errorf("the county's %+v and its neighbour's %+v", c, o)
	}
	if d, _ := f.Assess.DueDateOf(f.Ctx, f.County, "lxzz-county", 2023); !d.Date.IsZero() {
		t.Errorf("another year has %+v", d)
	}
	// A stale version is a Conflict; a date years off is Invalid; a county
	// framework's date on a school is NotFound.
	_, err = f.Assess.SetDueDate(f.Ctx, f.Reviewer, f.County, "lxzz-county", 2024, assess.DueDateInput{Date: day("2024-07-01")})
	if servicetest.KindOf(err) != ziping.Conflict {
		t.Errorf("a stale version: %v", err)
	}
	_, err = f.Assess.SetDueDate(f.Ctx, f.Reviewer, f.County, "lxzz-county", 2024, assess.DueDateInput{Date: day("2040-01-01"), Version: 1})
	if servicetest.KindOf(err) != ziping.Invalid {
		t.Errorf("a date years off: %v", err)
	}
	schools, err := f.Store.Subtree(f.Ctx, f.County, ziping.LevelSchool)
	if err != nil || len(schools) == 0 {
		t.Fatalf("schools: %v", err)
	}
	_, err = f.Assess.SetDueDate(f.Ctx, f.Reviewer, &schools[0], "lxzz-county", 2024, assess.DueDateInput{Date: day("2024-06-01")})
	if servicetest.KindOf(err) != ziping.NotFound {
		t.Errorf("a county framework's date on a school: %v", err)
	}
	// The county's reviewer sets its schools' date: their assessments are not its own.
	if _, err := f.Assess.SetDueDate(f.Ctx, f.CountyReviewer, f.County, "xxbxzl-2021", 2024, assess.DueDateInput{Date: day("2024-06-20")}); err != nil {
		t.Errorf("the county's reviewer setting its schools' date: %v", err)
	}
	if d, _ := f.Assess.DueDateOf(f.Ctx, &schools[0], "xxbxzl-2021", 2024); !d.Date.Equal(day("2024-06-20")) {
		t.Errorf("the school's date %+v", d)
	}
	// Cleared, the province's applies again.
	if _, err := f.Assess.SetDueDate(f.Ctx, f.Reviewer, f.County, "lxzz-county", 2024, assess.DueDateInput{Version: 1}); err != nil {
		t.Fatal(err)
	}
	if d, _ := f.Assess.DueDateOf(f.Ctx, f.County, "lxzz-county", 2024); d.SetOn != prov.ID {
		t.Errorf("after clearing: %+v", d)
	}
}

// TestDueDateDays: days are counted in the configured zone (Asia/Shanghai): the
// due date's own day is 0 left, and a submission after its end, Beijing time, is
// late even when it is still the due date in UTC.
func TestDueDateDays(t *testing.T) {
	d := assess.DueDate{Date: time.Date(2024, 6, 15, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		now  time.Time
		left int
		late bool
	}{
		{time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), 45, false},
		{time.Date(2024, 6, 14, 15, 59, 0, 0, time.UTC), 1, false}, // 23:59 on the 14th in Beijing
		{time.Date(2024, 6, 14, 16, 30, 0, 0, time.UTC), 0, false}, // 00:30 on the 15th
		{time.Date(2024, 6, 15, 15, 59, 0, 0, time.UTC), 0, false}, // 23:59 on the 15th
		{time.Date(2024, 6, 15, 16, 1, 0, 0, time.UTC), -1, true},  // 00:01 on the 16th: late
		{time.Date(2024, 6, 25, 3, 0, 0, 0, time.UTC), -10, true},
	} {
		if got := d.DaysLeft(c.now); got != c.left {
			t.Errorf("DaysLeft at %v: %d, want %d", c.now, got, c.left)
		}
		if got := d.Late(c.now); got != c.late {
			t.Errorf("Late at %v: %v, want %v", c.now, got, c.late)
		}
	}
	if (assess.DueDate{}).Late(time.Now()) {
		t.Error("no due date is never late")
	}
}
