package dataset_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ziping"
	"ziping/dataset"
	"ziping/engine"
	"ziping/frameworks"
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
	pauses   *int  // pauses offered so far, if counted
	prunes   []int // the pauses offered before each prune step
}

func (w *chunkWatcher) PruneBatch(ctx context.Context, id int64, after ziping.SchoolKey, limit int) (ziping.SchoolKey, bool, error) {
	if w.pauses != nil {
		w.prunes = append(w.prunes, *w.pauses)
	}
	return w.Store.PruneBatch(ctx, id, after, limit)
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
	var paced []int // chunks written at each pause
	pauses := 0
	w.pauses = &pauses
	ctx := ziping.WithPace(f.Ctx, func(_ context.Context, took time.Duration) {
		if took <= 0 {
			t.Errorf("a pause after a step of %v", took)
		}
		paced = append(paced, len(w.chunks))
		pauses++
	})
	batches, err := svc.Data.ImportDataset(ctx, ziping.System, ds, dataset.ImportSource{File: "大.csv"})
	if err != nil {
		t.Fatal(err)
	}
	// The import gives way after every chunk of rows (and after its jobs).
	for i := 1; i <= len(w.chunks); i++ {
		if !slices.Contains(paced, i) {
			t.Errorf("no pause after chunk %d of %d (pauses after %v chunks)", i, len(w.chunks), paced)
		}
	}
	// Pruning the rows the import superseded gives way between its steps too.
	if len(w.prunes) < 2 {
		t.Errorf("the prune job ran in %d steps; want several for %d rows", len(w.prunes), len(w.chunks))
	}
	for i := 1; i < len(w.prunes); i++ {
		if w.prunes[i] == w.prunes[i-1] {
			t.Errorf("no pause between prune steps %d and %d (pauses before each: %v)", i, i+1, w.prunes)
		}
	}
	total := 0
	for _, n := range w.chunks {
		if n > dataset.ImportChunk {
			t.Errorf("a chunk of %d rows; want at most %d", n, dataset.ImportChunk)
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
	if jobs, err := f.Data.PendingJobs(f.Ctx); err != nil || len(jobs) != 0 {
		t.Errorf("jobs left after the import: %+v, %v", jobs, err)
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
	_, err = f.Data.ImportDataset(f.Ctx, filler, servicetest.DemoDataset(t), dataset.ImportSource{File: "全省.xlsx"})
	if ziping.ErrorKind(err) != ziping.Forbidden || !strings.Contains(err.Error(), "无权导入以下区县的数据") {
		t.Fatalf("import outside scope: %v", err)
	}
	after, _ := f.Store.Audit(f.Ctx, ziping.AuditQuery{Limit: 1000})
	if len(after) != len(before)+1 { // the login only
		t.Errorf("audit grew by %d entries, want 1 (the login)", len(after)-len(before))
	}
	if rep, err := f.Assess.Audit.Verify(f.Ctx); err != nil || rep.Entries == 0 {
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
	ds, _, err := f.Data.LoadDataset(f.Ctx, ziping.System, root, 2024)
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
			// Stage rows of a combined school share its teachers by students: their
			// sum comes back from the store within a rounding of the file's.
			if sm := s.Metrics[i]; sm.OK != m.OK || (m.OK && math.Abs(sm.Value-m.Value) > 1e-9*math.Max(1, math.Abs(m.Value))) {
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
	if _, err := f.Data.ImportDataset(f.Ctx, ziping.System, one, dataset.ImportSource{File: "手工录入"}); err != nil {
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
	first, _, err := f.Data.LoadDataset(f.Ctx, ziping.System, county, 2024)
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := f.Data.LoadDataset(f.Ctx, ziping.System, county, 2024)
	if again != first {
		t.Error("the second load of unchanged data was not served from the cache")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, _, err := f.Data.LoadDataset(f.Ctx, ziping.System, root, 2024); err != nil {
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
		if _, err := f.Data.ImportDataset(f.Ctx, ziping.System, ds, dataset.ImportSource{File: "再次导入.xlsx"}); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	after, _, err := f.Data.LoadDataset(f.Ctx, ziping.System, county, 2024)
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

// slowSchools is a store whose school reads take a while and are counted.
type slowSchools struct {
	ziping.Store
	mu    sync.Mutex
	reads int
}

func (s *slowSchools) Schools(ctx context.Context, q ziping.SchoolQuery) ([]ziping.SchoolRecord, int, error) {
	s.mu.Lock()
	s.reads++
	s.mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	return s.Store.Schools(ctx, q)
}

// TestDatasetLoadsShared: pages asking at once for a subtree whose data changed share
// one read of it. Before, after every import each waiting ranking page read the
// province's rows itself, side by side, and pages stalled for seconds.
func TestDatasetLoadsShared(t *testing.T) {
	f := servicetest.New(t)
	root, _ := f.Store.UnitByCode(f.Ctx, "990000")
	slow := &slowSchools{Store: f.Store}
	svc := dataset.New(slow, f.Audit)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, _, err := svc.LoadDataset(f.Ctx, ziping.System, root, 2024); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// One read per period: 2024 and the year before.
	if slow.reads != 2 {
		t.Errorf("20 pages at once read the province's schools %d times, want 2 (one load shared)", slow.reads)
	}
}
