package ziping_test

import (
	"bytes"
	"context"
	"testing"

	"ziping"
	"ziping/servicetest"
	"ziping/synth"
	"ziping/xlsx"
)

// chunkWatcher is a store that records the chunks an import writes and, at each,
// what a reader sees meanwhile.
type chunkWatcher struct {
	ziping.Store
	chunks   []int
	versions []int64 // DataVersion as a reader sees it while each chunk is written
	rows     []int   // the school rows a reader sees then
	county   int64
}

func (w *chunkWatcher) WriteBatchRows(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord) error {
	if err := w.Store.WriteBatchRows(ctx, b, schools); err != nil {
		return err
	}
	w.chunks = append(w.chunks, len(schools))
	v, _ := w.Store.DataVersion(ctx)
	_, n, _ := w.Store.Schools(ctx, ziping.SchoolQuery{UnitIDs: []int64{w.county}})
	w.versions, w.rows = append(w.versions, v), append(w.rows, n)
	return nil
}

// TestImportWritesInChunks: a large import is written ImportChunk rows to a
// transaction, so that it never holds the SQLite writer for long (a sign-in waits
// for one chunk at most), and nothing of it is seen before its last transaction.
// Before issue 9 a 156,745-row web import was one transaction of 34 s, and a
// sign-in waiting behind it failed after 5 s.
func TestImportWritesInChunks(t *testing.T) {
	f := servicetest.New(t)
	county, err := f.Store.UnitByCode(f.Ctx, "990102")
	if err != nil {
		t.Fatal(err)
	}
	w := &chunkWatcher{Store: f.Store, county: county.ID}
	v0, _ := w.Store.DataVersion(f.Ctx)
	_, rows0, _ := w.Store.Schools(f.Ctx, ziping.SchoolQuery{UnitIDs: []int64{county.ID}})
	st, _ := synth.Generate(synth.Config{Counties: 3, Schools: 7000, Seed: 5, Periods: []int{2025}})
	var b bytes.Buffer
	xlsx.WriteCSV(&b, xlsx.Table{Header: st.Header, Rows: st.Rows})
	ds, err := xlsx.ReadFrom([]xlsx.Input{{Name: "大.csv", R: bytes.NewReader(b.Bytes()), Size: int64(b.Len())}}, xlsx.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc := servicetest.Wire(w, servicetest.FastHasher(), f.Clock.Now)
	batches, err := svc.Core.ImportDataset(f.Ctx, ziping.System, ds, ziping.ImportSource{File: "大.csv"})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range w.chunks {
		if n > ziping.ImportChunk {
			t.Errorf("a chunk of %d rows; want at most %d", n, ziping.ImportChunk)
		}
		total += n
	}
	if len(w.chunks) < 3 || len(batches) != 1 || total != batches[0].Schools {
		t.Fatalf("%d chunks of %v rows for batches %+v", len(w.chunks), w.chunks, batches)
	}
	for i := range w.chunks {
		if w.versions[i] != v0 || w.rows[i] != rows0 {
			t.Errorf("while chunk %d was written a reader saw data version %d and %d rows; want %d and %d (nothing of the import)",
				i+1, w.versions[i], w.rows[i], v0, rows0)
		}
	}
	v1, _ := w.Store.DataVersion(f.Ctx)
	_, rows1, _ := w.Store.Schools(f.Ctx, ziping.SchoolQuery{UnitIDs: []int64{county.ID}})
	if v1 <= v0 || rows1 <= rows0 {
		t.Errorf("after the import: data version %d (was %d), %d rows (was %d)", v1, v0, rows1, rows0)
	}
	if jobs, err := f.Core.PendingJobs(f.Ctx); err != nil || len(jobs) != 0 {
		t.Errorf("jobs left after the import: %+v, %v", jobs, err)
	}
}
