package storetest

import (
	"testing"
	"time"

	"ziping"
)

func testDueDates(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	chain := []int64{tr.prov.ID, tr.cityA.ID}

	got, err := st.DueDates(ctx, fwCounty, 2024, chain)
	must(t, err, "DueDates before the first save")
	if len(got) != 0 {
		t.Errorf("DueDates before the first save: %+v", got)
	}
	if got, err := st.DueDates(ctx, fwCounty, 2024, nil); err != nil || len(got) != 0 {
		t.Errorf("DueDates of no units: %+v, %v", got, err)
	}

	// The city's date, stored as its UTC day; the province's another; both come back
	// by unit id.
	city := ziping.DueDate{UnitID: tr.cityA.ID, Framework: fwCounty, Period: 2024, Due: time.Date(2025, 6, 30, 17, 45, 0, 0, time.UTC),
		UpdatedBy: 7, UpdatedAt: at(time.Hour)}
	given := city
	must(t, st.SaveDueDate(ctx, &city), "SaveDueDate creating")
	want := given
	want.Version, want.UpdatedAt, want.Due = 1, stored(given.UpdatedAt), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	diff(t, "SaveDueDate creating sets in d", city, want)
	prov := ziping.DueDate{UnitID: tr.prov.ID, Framework: fwCounty, Period: 2024, Due: time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC)}
	must(t, st.SaveDueDate(ctx, &prov), "SaveDueDate of the province")
	got, err = st.DueDates(ctx, fwCounty, 2024, []int64{tr.cityA.ID, tr.prov.ID, tr.cityB.ID})
	must(t, err, "DueDates")
	if len(got) != 2 || got[0].UnitID != min(tr.prov.ID, tr.cityA.ID) || got[1].UnitID != max(tr.prov.ID, tr.cityA.ID) {
		t.Fatalf("DueDates: %+v, want the province's and the city's by unit id", got)
	}
	for _, d := range got {
		if d.UnitID == tr.cityA.ID {
			diff(t, "DueDates: the city's", d, want)
			sameTime(t, "DueDates: the city's Due", d.Due, want.Due)
		} else if d.UpdatedBy != 0 || d.Version != 1 || !d.Due.Equal(prov.Due) {
			t.Errorf("DueDates: the province's %+v", d)
		}
	}

	// Another framework or period, or a unit not asked about, is not returned.
	for _, k := range []struct {
		framework string
		period    int
		units     []int64
	}{{"other-fw", 2024, chain}, {fwCounty, 2023, chain}, {fwCounty, 2024, []int64{tr.cityB.ID, tr.countyA1.ID}}} {
		got, err := st.DueDates(ctx, k.framework, k.period, k.units)
		must(t, err, "DueDates of another")
		if len(got) != 0 {
			t.Errorf("DueDates(%s, %d, %v) = %+v, want none", k.framework, k.period, k.units, got)
		}
	}

	// Creating one that exists is a Conflict; so is an update from a stale version.
	again := given
	wantKind(t, st.SaveDueDate(ctx, &again), ziping.Conflict, "SaveDueDate creating one that exists")
	mine, theirs := want, want
	mine.Due, mine.UpdatedAt = time.Time{}, at(2*time.Hour) // cleared
	must(t, st.SaveDueDate(ctx, &mine), "SaveDueDate clearing")
	if mine.Version != 2 || !mine.Due.IsZero() {
		t.Errorf("SaveDueDate clearing: %+v, want version 2 and no date", mine)
	}
	want = mine
	want.UpdatedAt = stored(mine.UpdatedAt)
	got, err = st.DueDates(ctx, fwCounty, 2024, []int64{tr.cityA.ID})
	must(t, err, "DueDates after clearing")
	if len(got) != 1 {
		t.Fatalf("DueDates after clearing: %+v, want the cleared row", got)
	}
	diff(t, "DueDates after clearing", got[0], want)
	theirs.Due = time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)
	wantKind(t, st.SaveDueDate(ctx, &theirs), ziping.Conflict, "SaveDueDate with a stale version")
	got, err = st.DueDates(ctx, fwCounty, 2024, []int64{tr.cityA.ID})
	must(t, err, "DueDates after a stale update")
	if len(got) != 1 || !got[0].Due.IsZero() || got[0].Version != 2 {
		t.Errorf("DueDates after a stale update: %+v", got)
	}

	// Updating one nobody created is NotFound; so is creating one for no unit.
	ghost := ziping.DueDate{UnitID: tr.cityA.ID, Framework: fwCounty, Period: 2030, Version: 1}
	wantKind(t, st.SaveDueDate(ctx, &ghost), ziping.NotFound, "SaveDueDate updating one that does not exist")
	ghost = ziping.DueDate{UnitID: 999999, Framework: fwCounty, Period: 2024, Due: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	wantKind(t, st.SaveDueDate(ctx, &ghost), ziping.NotFound, "SaveDueDate for a unit that does not exist")

	// A rolled-back transaction leaves nothing.
	err = st.Tx(ctx, func(tx ziping.Store) error {
		d := ziping.DueDate{UnitID: tr.countyA1.ID, Framework: fwCounty, Period: 2024, Due: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)}
		must(t, tx.SaveDueDate(ctx, &d), "SaveDueDate in a transaction")
		got, err := tx.DueDates(ctx, fwCounty, 2024, []int64{tr.countyA1.ID})
		if err != nil || len(got) != 1 {
			t.Errorf("DueDates inside the transaction: %+v, %v", got, err)
		}
		return ziping.Errorf(ziping.Invalid, "rolled back")
	})
	wantKind(t, err, ziping.Invalid, "the rolled-back transaction")
	got, err = st.DueDates(ctx, fwCounty, 2024, []int64{tr.countyA1.ID})
	must(t, err, "DueDates after a rollback")
	if len(got) != 0 {
		t.Errorf("DueDates after a rollback: %+v", got)
	}
}
