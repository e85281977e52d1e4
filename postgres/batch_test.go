package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ziping"
	"ziping/postgres"
	"ziping/storetest"
)

// counties creates a province with n counties and returns their ids.
func counties(t testing.TB, db *postgres.DB, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	prov := &ziping.OrgUnit{Code: "990000", Name: "示范省", Level: ziping.LevelProvince}
	if err := db.CreateUnit(ctx, prov); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i := range ids {
		c := &ziping.OrgUnit{Code: fmt.Sprintf("99%04d", i+1), Name: fmt.Sprintf("县%d", i+1), Level: ziping.LevelCounty, ParentID: prov.ID}
		if err := db.CreateUnit(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	return ids
}

// schoolRows makes n school rows spread over the counties.
func schoolRows(n int, counties []int64) []ziping.SchoolRecord {
	rows := make([]ziping.SchoolRecord, n)
	for i := range rows {
		rows[i] = ziping.SchoolRecord{
			UnitID: counties[i%len(counties)], Code: fmt.Sprintf("99%08d", i), Name: fmt.Sprintf("第%d小学", i),
			Stage: "小学", Type: "小学", Public: i%7 != 0, Row: i + 2,
			Values: map[string]float64{"students": float64(100 + i%1000), "classes": float64(4 + i%30), "area": 1234.5},
		}
	}
	return rows
}

// TestCreateBatchLarge writes 20,000 school rows, the size of a large province's
// import, and reports how long it takes.
func TestCreateBatchLarge(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	cs := counties(t, db, 20)
	rows := schoolRows(20000, cs)
	b := &ziping.Batch{Period: 2024, File: "学校.xlsx", SHA256: "abc"}
	start := time.Now()
	if err := db.CreateBatch(ctx, b, rows, nil); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("CreateBatch of %d school rows: %v", len(rows), took)

	// Again, every row replaced: the upsert path.
	start = time.Now()
	b2 := &ziping.Batch{Period: 2024, File: "学校2.xlsx", SHA256: "def"}
	if err := db.CreateBatch(ctx, b2, rows, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("CreateBatch replacing %d school rows: %v", len(rows), time.Since(start))

	got, total, err := db.Schools(ctx, ziping.SchoolQuery{UnitIDs: cs, Period: 2024, Limit: 10})
	if err != nil || total != len(rows) || len(got) != 10 {
		t.Fatalf("Schools: %d rows of %d, %v; want 10 of %d", len(got), total, err, len(rows))
	}
	if got[0].BatchID != b2.ID || got[0].Values["area"] != 1234.5 {
		t.Errorf("first row %+v: want batch %d and its values", got[0], b2.ID)
	}
}

// BenchmarkCreateBatch is the suite's import benchmark (20,000 school rows) on
// PostgreSQL.
func BenchmarkCreateBatch(b *testing.B) {
	storetest.BenchCreateBatch(b, func(b *testing.B) ziping.Store { return open(b) })
}

func TestEncodeValsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	cs := counties(t, db, 1)
	vals := map[string]float64{"students": 1234, "tiny": 1e-9, "huge": 1e300, "neg": -0.1, "third": 1.0 / 3,
		"zero": 0, "million": 1e6, `quote"back\slash`: 1, "控制\x01": 2, "中文": 3}
	rows := []ziping.SchoolRecord{{UnitID: cs[0], Code: "1", Name: "n", Stage: "小学", Type: "t", Values: vals}}
	if err := db.CreateBatch(ctx, &ziping.Batch{Period: 2024}, rows, nil); err != nil {
		t.Fatal(err)
	}
	got, _, err := db.Schools(ctx, ziping.SchoolQuery{UnitIDs: cs, Period: 2024})
	if err != nil || len(got) != 1 {
		t.Fatalf("Schools: %v, %v", got, err)
	}
	if d := cmp.Diff(vals, got[0].Values); d != "" {
		t.Errorf("values after a round trip (-want +got):\n%s", d)
	}
}
