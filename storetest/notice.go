package storetest

import (
	"testing"
	"time"

	"ziping"
)

func testResultNotices(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)

	_, err := st.ResultNotice(ctx, tr.cityA.ID, fwCounty, 2024)
	wantKind(t, err, ziping.NotFound, "ResultNotice before the first save")

	n := ziping.ResultNotice{UnitID: tr.cityA.ID, Framework: fwCounty, Period: 2024, Issuer: "杭州市人民政府教育督导委员会办公室",
		Recipient: "各区、县（市）人民政府", Number: "杭教督〔2025〕3号", IssuedOn: time.Date(2025, 3, 28, 15, 30, 0, 0, time.UTC),
		UpdatedBy: 7, UpdatedAt: at(time.Hour)}
	given := n
	must(t, st.SaveResultNotice(ctx, &n), "SaveResultNotice creating")
	want := given
	want.Version, want.UpdatedAt, want.IssuedOn = 1, stored(given.UpdatedAt), time.Date(2025, 3, 28, 0, 0, 0, 0, time.UTC)
	diff(t, "SaveResultNotice creating sets in n", n, want)
	got, err := st.ResultNotice(ctx, tr.cityA.ID, fwCounty, 2024)
	must(t, err, "ResultNotice")
	diff(t, "ResultNotice", *got, want)
	sameTime(t, "ResultNotice.IssuedOn", got.IssuedOn, want.IssuedOn)

	// Another area, framework or period is another notice; no date and no user.
	for _, k := range []struct {
		unit      int64
		framework string
		period    int
	}{{tr.cityB.ID, fwCounty, 2024}, {tr.cityA.ID, "other-fw", 2024}, {tr.cityA.ID, fwCounty, 2023}} {
		_, err := st.ResultNotice(ctx, k.unit, k.framework, k.period)
		wantKind(t, err, ziping.NotFound, "another notice before it is saved")
	}
	bare := ziping.ResultNotice{UnitID: tr.cityB.ID, Framework: fwCounty, Period: 2024}
	must(t, st.SaveResultNotice(ctx, &bare), "SaveResultNotice bare")
	got, err = st.ResultNotice(ctx, tr.cityB.ID, fwCounty, 2024)
	must(t, err, "ResultNotice bare")
	if !got.IssuedOn.IsZero() || got.UpdatedBy != 0 || got.Version != 1 || got.Issuer != "" {
		t.Errorf("bare notice %+v", *got)
	}
	got, err = st.ResultNotice(ctx, tr.cityA.ID, fwCounty, 2024)
	must(t, err, "ResultNotice after saving another's")
	diff(t, "ResultNotice after saving another", *got, want)

	// Creating one that exists is a Conflict; so is an update from a stale version.
	again := given
	again.Number = "杭教督〔2025〕9号"
	wantKind(t, st.SaveResultNotice(ctx, &again), ziping.Conflict, "SaveResultNotice creating one that exists")
	mine, theirs := want, want
	mine.Number, mine.IssuedOn, mine.UpdatedAt = "杭教督〔2025〕4号", time.Time{}, at(2*time.Hour)
	must(t, st.SaveResultNotice(ctx, &mine), "SaveResultNotice updating")
	if mine.Version != 2 {
		t.Errorf("SaveResultNotice updating: Version %d, want 2", mine.Version)
	}
	want = mine
	want.UpdatedAt = stored(mine.UpdatedAt)
	got, err = st.ResultNotice(ctx, tr.cityA.ID, fwCounty, 2024)
	must(t, err, "ResultNotice after an update")
	diff(t, "ResultNotice after an update (the date cleared)", *got, want)
	theirs.Number = "我的文号"
	wantKind(t, st.SaveResultNotice(ctx, &theirs), ziping.Conflict, "SaveResultNotice with a stale version")
	got, err = st.ResultNotice(ctx, tr.cityA.ID, fwCounty, 2024)
	must(t, err, "ResultNotice after a stale update")
	diff(t, "ResultNotice after a stale update", *got, want)

	// Updating one nobody created is NotFound; so is creating one for no unit.
	ghost := ziping.ResultNotice{UnitID: tr.cityA.ID, Framework: fwCounty, Period: 2030, Version: 1}
	wantKind(t, st.SaveResultNotice(ctx, &ghost), ziping.NotFound, "SaveResultNotice updating one that does not exist")
	ghost = ziping.ResultNotice{UnitID: 999999, Framework: fwCounty, Period: 2024}
	wantKind(t, st.SaveResultNotice(ctx, &ghost), ziping.NotFound, "SaveResultNotice for a unit that does not exist")

	// A rolled-back transaction leaves nothing.
	err = st.Tx(ctx, func(tx ziping.Store) error {
		n := ziping.ResultNotice{UnitID: tr.prov.ID, Framework: fwCounty, Period: 2024, Number: "浙教督〔2025〕1号"}
		must(t, tx.SaveResultNotice(ctx, &n), "SaveResultNotice in a transaction")
		return ziping.Errorf(ziping.Invalid, "rolled back")
	})
	wantKind(t, err, ziping.Invalid, "the rolled-back transaction")
	_, err = st.ResultNotice(ctx, tr.prov.ID, fwCounty, 2024)
	wantKind(t, err, ziping.NotFound, "ResultNotice after a rollback")
}
