package storetest

import (
	"testing"
	"time"

	"ziping"
)

// saveVersions stores versions of framework id saved an hour apart, and returns them.
func saveVersions(t *testing.T, st ziping.Store, id string, versions ...string) []ziping.StoredFramework {
	t.Helper()
	var out []ziping.StoredFramework
	for i, v := range versions {
		f := ziping.StoredFramework{ID: id, Version: v, Name: "方案 " + id + " " + v, Builtin: i == 0,
			Source: []byte("id: " + id + "\nversion: \"" + v + "\"\n"), CreatedAt: at(time.Duration(i) * time.Hour), CreatedBy: int64(i)}
		must(t, st.SaveFramework(t.Context(), &f), "SaveFramework "+id+" "+v)
		out = append(out, f)
	}
	return out
}

func testFrameworkVersions(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	saved := saveVersions(t, st, "xqpjph-2020", "2020.1", "2024.1", "2023.9")
	saveVersions(t, st, "yzjh-2017", "2017.1")
	got, err := st.FrameworkVersions(ctx, "xqpjph-2020")
	must(t, err, "FrameworkVersions")
	want := []ziping.StoredFramework{saved[2], saved[1], saved[0]} // the one saved last first
	for i := range want {
		want[i].Source, want[i].CreatedAt = nil, stored(want[i].CreatedAt)
	}
	diff(t, "FrameworkVersions: newest saved first, without Source", got, want)
	none, err := st.FrameworkVersions(ctx, "nope")
	must(t, err, "FrameworkVersions of an unknown id")
	diff(t, "FrameworkVersions of an unknown id", len(none), 0)

	// Usage: assessments by the version they use; other frameworks do not count.
	tr := newTree(t, st)
	for _, c := range []struct {
		unit    int64
		fw, ver string
		period  int
	}{
		{tr.countyA1.ID, "xqpjph-2020", "2020.1", 2023},
		{tr.countyA2.ID, "xqpjph-2020", "2020.1", 2023},
		{tr.countyA1.ID, "xqpjph-2020", "2024.1", 2024},
		{tr.countyA1.ID, "yzjh-2017", "2020.1", 2024},
		{tr.countyB1.ID, "xqpjph-2020", "2020.1", 2024},
	} {
		a := newAssessment(c.unit, c.fw, c.period)
		a.FrameworkVersion = c.ver
		createAssessment(t, st, &a)
	}
	use, err := st.FrameworkUsage(ctx, "xqpjph-2020")
	must(t, err, "FrameworkUsage")
	diff(t, "FrameworkUsage: by period, then version", use, []ziping.FrameworkUse{
		{Version: "2020.1", Period: 2023, Count: 2}, {Version: "2020.1", Period: 2024, Count: 1}, {Version: "2024.1", Period: 2024, Count: 1}})
	use, err = st.FrameworkUsage(ctx, "nope")
	must(t, err, "FrameworkUsage of an unknown id")
	diff(t, "FrameworkUsage of an unknown id", len(use), 0)
}

func testFrameworkPeriods(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	saveVersions(t, st, "xqpjph-2020", "2020.1", "2024.1")
	saveVersions(t, st, "yzjh-2017", "2017.1")
	set := func(fw string, period int, version string, by int64, when time.Duration) ziping.FrameworkPeriod {
		t.Helper()
		p := ziping.FrameworkPeriod{Framework: fw, Period: period, Version: version, SetBy: by, SetAt: at(when)}
		must(t, st.SetFrameworkPeriod(ctx, &p), label("SetFrameworkPeriod %s %d %s", fw, period, version))
		if !p.SetAt.Equal(stored(at(when))) {
			t.Errorf("SetFrameworkPeriod set SetAt %v, want %v", p.SetAt, stored(at(when)))
		}
		p.SetAt = stored(p.SetAt)
		return p
	}
	p2025 := set("xqpjph-2020", 2025, "2024.1", 3, 0)
	p2021 := set("xqpjph-2020", 2021, "2020.1", 0, time.Minute)
	set("yzjh-2017", 2021, "2017.1", 3, 0)
	got, err := st.FrameworkPeriods(ctx, "xqpjph-2020")
	must(t, err, "FrameworkPeriods")
	diff(t, "FrameworkPeriods: by period, SetBy 0 kept as 0", got, []ziping.FrameworkPeriod{p2021, p2025})

	// Setting a period again replaces its choice.
	p2025 = set("xqpjph-2020", 2025, "2020.1", 4, time.Hour)
	got, err = st.FrameworkPeriods(ctx, "xqpjph-2020")
	must(t, err, "FrameworkPeriods after replacing")
	diff(t, "FrameworkPeriods after replacing 2025", got, []ziping.FrameworkPeriod{p2021, p2025})

	// A version that is not stored, and a period out of range, are refused and
	// change nothing.
	bad := ziping.FrameworkPeriod{Framework: "xqpjph-2020", Period: 2026, Version: "2099"}
	wantKind(t, st.SetFrameworkPeriod(ctx, &bad), ziping.NotFound, "SetFrameworkPeriod of a version not stored")
	bad = ziping.FrameworkPeriod{Framework: "nope", Period: 2026, Version: "2020.1"}
	wantKind(t, st.SetFrameworkPeriod(ctx, &bad), ziping.NotFound, "SetFrameworkPeriod of a framework not stored")
	bad = ziping.FrameworkPeriod{Framework: "xqpjph-2020", Period: 99, Version: "2020.1"}
	wantKind(t, st.SetFrameworkPeriod(ctx, &bad), ziping.Invalid, "SetFrameworkPeriod of period 99")

	// Deleting: the choice goes; a second delete is NotFound.
	must(t, st.DeleteFrameworkPeriod(ctx, "xqpjph-2020", 2021), "DeleteFrameworkPeriod")
	wantKind(t, st.DeleteFrameworkPeriod(ctx, "xqpjph-2020", 2021), ziping.NotFound, "DeleteFrameworkPeriod twice")
	got, err = st.FrameworkPeriods(ctx, "xqpjph-2020")
	must(t, err, "FrameworkPeriods after deleting")
	diff(t, "FrameworkPeriods after deleting 2021", got, []ziping.FrameworkPeriod{p2025})

	// Inside a transaction that fails, nothing stays.
	err = st.Tx(ctx, func(tx ziping.Store) error {
		p := ziping.FrameworkPeriod{Framework: "yzjh-2017", Period: 2030, Version: "2017.1"}
		if err := tx.SetFrameworkPeriod(ctx, &p); err != nil {
			return err
		}
		return ziping.Errorf(ziping.Invalid, "roll back")
	})
	wantKind(t, err, ziping.Invalid, "Tx rolled back")
	got, err = st.FrameworkPeriods(ctx, "yzjh-2017")
	must(t, err, "FrameworkPeriods yzjh")
	diff(t, "FrameworkPeriods after a rolled-back Tx", len(got), 1)
}
