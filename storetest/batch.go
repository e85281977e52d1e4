package storetest

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"

	"ziping"
)

// school is a school row of period 2023.
func school(unit int64, code, stage, name string, students float64) ziping.SchoolRecord {
	return ziping.SchoolRecord{UnitID: unit, Period: 2023, Code: code, Name: name, Stage: stage, Type: "完全中学",
		Public: true, Row: 2, Values: map[string]float64{"students": students, "classes": math.Ceil(students / 45),
			"teaching_area": 1234.5, "equipment_value": 0.1 + 0.2}}
}

func fact(unit int64, budget float64) ziping.FactRecord {
	return ziping.FactRecord{UnitID: unit, Period: 2023, Values: map[string]float64{"edu_budget": budget, "satisfaction": 0.87}}
}

// importBatch writes a batch of period 2023 and fails the test on error.
func importBatch(t *testing.T, st ziping.Store, schools []ziping.SchoolRecord, facts []ziping.FactRecord) ziping.Batch {
	t.Helper()
	b := ziping.Batch{Period: 2023, File: "学校.xlsx", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", CreatedAt: t0}
	if len(schools) > 0 {
		b.Period = schools[0].Period
	}
	must(t, st.CreateBatch(t.Context(), &b, schools, facts), "CreateBatch")
	return b
}

// allSchools returns every row of the tree's counties for period (0: all), by code.
func allSchools(t *testing.T, st ziping.Store, tr *tree, period int) []ziping.SchoolRecord {
	t.Helper()
	rows, total, err := st.Schools(t.Context(), ziping.SchoolQuery{UnitIDs: tr.counties(), Period: period, Sort: "code"})
	must(t, err, "Schools")
	if total != len(rows) {
		t.Errorf("Schools without a limit: %d rows, total %d", len(rows), total)
	}
	return rows
}

var emptyMaps = cmpopts.EquateEmpty()

func testCreateBatch(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	u := newUser("li", ziping.RoleAdmin, 0)
	must(t, st.CreateUser(ctx, &u), "CreateUser")
	schools := []ziping.SchoolRecord{
		school(tr.countyA1.ID, "3301020001", "初中", "杭州第一中学", 1200),
		school(tr.countyA1.ID, "3301020001", "高中", "杭州第一中学", 900),
		school(tr.countyA2.ID, "3301030001", "小学", "西湖小学", 500),
		{UnitID: tr.countyB1.ID, Code: "3302030001", Name: "海曙小学", Stage: "小学", Type: "小学", Row: 9}, // no values, period from the batch
	}
	facts := []ziping.FactRecord{fact(tr.countyA1.ID, 52000.5), fact(tr.countyA2.ID, 48000)}
	b := ziping.Batch{Period: 2023, File: "学校.xlsx", SHA256: "abc", UserID: u.ID, CreatedAt: t0}
	must(t, st.CreateBatch(ctx, &b, schools, facts), "CreateBatch")
	if b.ID <= 0 || b.Schools != 4 || b.Facts != 2 {
		t.Errorf("CreateBatch set ID %d, Schools %d, Facts %d; want >0, 4, 2", b.ID, b.Schools, b.Facts)
	}
	sameTime(t, "Batch.CreatedAt", b.CreatedAt, stored(t0))
	for i := range schools {
		if schools[i].BatchID != b.ID || schools[i].Period != 2023 {
			t.Errorf("school row %d: BatchID %d, Period %d; want %d, 2023", i, schools[i].BatchID, schools[i].Period, b.ID)
		}
	}
	want := []ziping.SchoolRecord{schools[0], schools[1], schools[2], schools[3]}
	diff(t, "Schools after CreateBatch", allSchools(t, st, tr, 2023), want, emptyMaps)

	gotFacts, err := st.Facts(ctx, tr.counties(), 2023)
	must(t, err, "Facts")
	diff(t, "Facts (by unit id)", gotFacts, []ziping.FactRecord{facts[0], facts[1]})
	gotFacts, err = st.Facts(ctx, []int64{tr.countyA2.ID}, 2023)
	must(t, err, "Facts of one unit")
	diff(t, "Facts of one unit", gotFacts, []ziping.FactRecord{facts[1]})
	gotFacts, err = st.Facts(ctx, nil, 2023)
	must(t, err, "Facts of no unit")
	diff(t, "Facts of no unit", gotFacts, []ziping.FactRecord(nil), emptyMaps)

	periods, err := st.Periods(ctx)
	must(t, err, "Periods")
	diff(t, "Periods", periods, []int{2023})
	next := []ziping.SchoolRecord{school(tr.countyA1.ID, "3301020001", "初中", "杭州第一中学", 1250)}
	next[0].Period = 2024
	importBatch(t, st, next, nil)
	older := ziping.Batch{Period: 2021, File: "区县.xlsx", CreatedAt: t0}
	must(t, st.CreateBatch(ctx, &older, nil, []ziping.FactRecord{{UnitID: tr.countyB1.ID, Values: map[string]float64{"edu_budget": 1}}}), "CreateBatch facts only")
	periods, err = st.Periods(ctx)
	must(t, err, "Periods")
	diff(t, "Periods (with a facts-only period)", periods, []int{2021, 2023, 2024})
	if n := len(allSchools(t, st, tr, 0)); n != 5 {
		t.Errorf("Schools of every period (Period 0): %d rows, want 5", n)
	}
}

// testCreateBatchReplaces: a re-import replaces the rows of the schools (code+stage)
// and units it brings, for its period, and leaves every other row alone.
func testCreateBatchReplaces(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	first := []ziping.SchoolRecord{
		school(tr.countyA1.ID, "3301020001", "初中", "杭州第一中学", 1200),
		school(tr.countyA1.ID, "3301020002", "小学", "杭州实验小学", 800),
		school(tr.countyA2.ID, "3301030001", "小学", "西湖小学", 500),
	}
	b1 := importBatch(t, st, first, []ziping.FactRecord{fact(tr.countyA1.ID, 100), fact(tr.countyA2.ID, 200)})
	later := first[0]
	later.Period = 2024
	b2024 := importBatch(t, st, []ziping.SchoolRecord{later}, nil)

	again := school(tr.countyA1.ID, "3301020001", "初中", "杭州第一中学（新）", 1300)
	again.Values = map[string]float64{"students": 1300}
	again.Row, again.Public, again.Type = 7, false, "九年一贯制学校"
	newStage := school(tr.countyA1.ID, "3301020002", "初中", "杭州实验小学", 100)
	b2 := importBatch(t, st, []ziping.SchoolRecord{again, newStage}, []ziping.FactRecord{fact(tr.countyA1.ID, 111)})
	again.BatchID, newStage.BatchID = b2.ID, b2.ID

	want := []ziping.SchoolRecord{again, newStage, first[1], first[2]} // by code, then stage
	diff(t, "Schools after the re-import", allSchools(t, st, tr, 2023), want)
	for _, r := range allSchools(t, st, tr, 2023) {
		wantBatch := b1.ID
		if r.Code == "3301020001" || r.Stage == "初中" {
			wantBatch = b2.ID
		}
		if r.BatchID != wantBatch {
			t.Errorf("school %s %s: BatchID %d, want %d", r.Code, r.Stage, r.BatchID, wantBatch)
		}
	}
	rows := allSchools(t, st, tr, 2024)
	if len(rows) != 1 || rows[0].BatchID != b2024.ID || rows[0].Name != "杭州第一中学" {
		t.Errorf("the 2024 row was touched by a 2023 re-import: %+v", rows)
	}
	facts, err := st.Facts(ctx, tr.counties(), 2023)
	must(t, err, "Facts")
	diff(t, "Facts after the re-import", facts, []ziping.FactRecord{
		{UnitID: tr.countyA1.ID, Period: 2023, Values: fact(0, 111).Values, BatchID: b2.ID},
		{UnitID: tr.countyA2.ID, Period: 2023, Values: fact(0, 200).Values, BatchID: b1.ID},
	})
}

func testCreateBatchErrors(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	good := school(tr.countyA1.ID, "3301020001", "初中", "杭州第一中学", 1200)
	try := func(what string, kind ziping.Kind, b ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) {
		t.Helper()
		wantKind(t, st.CreateBatch(ctx, &b, schools, facts), kind, what)
	}
	b := ziping.Batch{Period: 2023, File: "x.xlsx", CreatedAt: t0}
	lost := school(tr.school.ID+1000, "9999999999", "小学", "无主小学", 10)
	try("a school of a missing unit", ziping.NotFound, b, []ziping.SchoolRecord{good, lost}, nil)
	try("facts of a missing unit", ziping.NotFound, b, []ziping.SchoolRecord{good}, []ziping.FactRecord{fact(tr.school.ID+1000, 1)})
	try("a school listed twice", ziping.Invalid, b, []ziping.SchoolRecord{good, good}, nil)
	try("a unit's facts listed twice", ziping.Invalid, b, nil, []ziping.FactRecord{fact(tr.countyA1.ID, 1), fact(tr.countyA1.ID, 2)})
	other := good
	other.Period = 2022
	try("a row of another period", ziping.Invalid, b, []ziping.SchoolRecord{other}, nil)
	nan := school(tr.countyA1.ID, "3301020002", "小学", "杭州实验小学", math.NaN())
	try("a NaN value", ziping.Invalid, b, []ziping.SchoolRecord{good, nan}, nil)
	inf := fact(tr.countyA1.ID, math.Inf(1))
	try("an infinite fact", ziping.Invalid, b, nil, []ziping.FactRecord{inf})
	missingUser := b
	missingUser.UserID = 4242
	try("a batch of a missing user", ziping.NotFound, missingUser, []ziping.SchoolRecord{good}, nil)

	// Each failed CreateBatch, called outside Tx, left nothing behind.
	if rows := allSchools(t, st, tr, 0); len(rows) != 0 {
		t.Errorf("failed imports left %d school rows: %+v", len(rows), rows)
	}
	periods, err := st.Periods(ctx)
	must(t, err, "Periods")
	diff(t, "Periods after failed imports", periods, []int(nil), emptyMaps)
	// The batch ids handed out or not, a good batch still goes in.
	importBatch(t, st, []ziping.SchoolRecord{good}, nil)
}

// testDataVersion: the data version changes with every batch and not otherwise.
func testDataVersion(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	v0, err := st.DataVersion(ctx)
	must(t, err, "DataVersion")
	if v0 != 0 {
		t.Fatalf("empty store: version %d, want 0", v0)
	}
	tr := newTree(t, st)
	if v, _ := st.DataVersion(ctx); v != v0 {
		t.Errorf("version changed without a batch (units added): %d → %d", v0, v)
	}
	importBatch(t, st, []ziping.SchoolRecord{school(tr.countyA1.ID, "3301020001", "初中", "杭州第一中学", 1200)}, nil)
	v1, err := st.DataVersion(ctx)
	must(t, err, "DataVersion")
	if v1 == v0 {
		t.Errorf("version unchanged after a batch: %d", v1)
	}
	importBatch(t, st, nil, []ziping.FactRecord{fact(tr.countyA1.ID, 1)})
	if v2, _ := st.DataVersion(ctx); v2 == v1 {
		t.Errorf("version unchanged after a second batch: %d", v2)
	}
}
