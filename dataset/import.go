package dataset

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"ziping/engine"

	"ziping"
)

// ImportSource describes an imported file for its batch.
type ImportSource struct {
	File   string
	SHA256 string
	// UploadID is the web upload being imported: it is consumed in the import's last
	// transaction, and an upload imported already answers with its batches.
	UploadID string
	// Locate names the cell of a school code in the files read (xlsx.Locator), for
	// the errors found against the org tree; nil: the file and the row only.
	Locate func(code string) (ziping.CellError, bool)
}

// ImportLimits bound one import.
type ImportLimits struct {
	MaxRows int // school rows (after combined schools are split); no bound when zero
}

// Per-cell limits of text: a code longer than this is not an official code, and a
// name longer than this would bloat every page that shows it.
const (
	MaxCodeLen = 32
	MaxNameLen = 200
)

// ImportDataset writes a dataset read from spreadsheets: one batch per period, seen
// all together or not at all. Counties and schools missing from the org tree are
// created under their city (admins only; the province must exist). Non-admins may
// import only units they can edit, and nobody may import a school that belongs to
// another unit: moving a school is MoveSchool's, never an import's.
//
// A small import is one transaction. A larger one is written ImportChunk rows to a
// transaction, its batches pending (invisible) until the last transaction makes them
// done together with the facts, the audit entries, the consumed upload and the jobs
// that recompute the summaries; those run right after commit, or at the next start
// should the process die first.
func (s *Service) ImportDataset(ctx context.Context, a *ziping.Actor, ds *engine.Dataset, src ImportSource) ([]ziping.Batch, error) {
	if src.UploadID != "" {
		if done, err := s.Store.BatchesOfUpload(ctx, src.UploadID); err != nil || len(done) > 0 {
			return done, err
		}
	}
	if err := s.checkDataset(ds, src); err != nil {
		return nil, err
	}
	run := &importRun{s: s, a: a, ds: ds, src: src}
	var batches []ziping.Batch
	var err error
	if datasetRows(ds) <= ImportChunk {
		batches, err = run.small(ctx)
	} else {
		batches, err = run.chunked(ctx)
	}
	if err != nil {
		return batches, err
	}
	if _, err := s.RunJobs(ctx); err != nil {
		return batches, &ziping.Error{Kind: ziping.Internal, Msg: "数据已导入，但自评结果尚未随之更新完毕，系统会自动重试", Err: err}
	}
	return batches, nil
}

// importRun is one import on its way.
type importRun struct {
	s     *Service
	a     *ziping.Actor
	ds    *engine.Dataset
	src   ImportSource
	units []*ziping.OrgUnit
	pers  []*periodRows
}

// periodRows is one period's batch and rows. The school rows stay in the snapshot's
// columns and become records a chunk at a time: records of 200,000 rows, each with
// its map of values, took about 500 MB (issue 12.4).
type periodRows struct {
	batch *ziping.Batch
	snap  *engine.Snapshot
	n     int // school rows
	facts []ziping.FactRecord
	old   map[string]map[string]float64 // values replaced, for small batches
	added int                           // school units created
}

// small writes the whole import in one transaction.
func (r *importRun) small(ctx context.Context) ([]ziping.Batch, error) {
	var out []ziping.Batch
	err := r.s.Store.Tx(ctx, func(tx ziping.Store) error {
		if err := r.prepare(ctx, tx); err != nil {
			return err
		}
		if err := r.addSchools(ctx, tx, r.newSchools()); err != nil {
			return err
		}
		for _, p := range r.pers {
			if err := tx.BeginBatch(ctx, p.batch); err != nil {
				return err
			}
			if err := tx.WriteBatchRows(ctx, p.batch, r.records(p, 0, p.n)); err != nil {
				return err
			}
		}
		var err error
		out, err = r.finish(ctx, tx)
		return err
	})
	return out, err
}

// chunked writes the import in short transactions: the checks and the counties in
// one, new school units and rows ImportChunk to a transaction, then the last one.
// On failure the batches begun are abandoned and their rows queued for deletion.
func (r *importRun) chunked(ctx context.Context) ([]ziping.Batch, error) {
	if err := r.s.Store.Tx(ctx, func(tx ziping.Store) error { return r.prepare(ctx, tx) }); err != nil {
		return nil, err
	}
	out, err := r.write(ctx)
	if err != nil {
		return nil, errors.Join(err, r.abandon(context.WithoutCancel(ctx)))
	}
	return out, nil
}

func (r *importRun) write(ctx context.Context) ([]ziping.Batch, error) {
	todo := r.newSchools()
	for lo := 0; lo < len(todo); lo += ImportChunk {
		chunk := todo[lo:min(lo+ImportChunk, len(todo))]
		start := time.Now()
		if err := r.s.Store.Tx(ctx, func(tx ziping.Store) error { return r.addSchools(ctx, tx, chunk) }); err != nil {
			return nil, err
		}
		ziping.Paced(ctx, start)
	}
	for _, p := range r.pers {
		if err := r.s.Store.BeginBatch(ctx, p.batch); err != nil {
			return nil, err
		}
		for lo := 0; lo < p.n; lo += ImportChunk {
			start := time.Now()
			if err := r.s.Store.WriteBatchRows(ctx, p.batch, r.records(p, lo, min(lo+ImportChunk, p.n))); err != nil {
				return nil, err
			}
			ziping.Paced(ctx, start)
		}
	}
	var out []ziping.Batch
	err := r.s.Store.Tx(ctx, func(tx ziping.Store) error {
		var err error
		out, err = r.finish(ctx, tx)
		return err
	})
	return out, err
}

// abandon gives up the batches begun and queues the deletion of their rows.
func (r *importRun) abandon(ctx context.Context) error {
	return r.s.Store.Tx(ctx, func(tx ziping.Store) error {
		for _, p := range r.pers {
			if p.batch.ID == 0 {
				continue
			}
			if err := tx.AbandonBatch(ctx, p.batch.ID); err != nil && !ziping.IsNotFound(err) {
				return err
			}
			if err := r.s.enqueue(ctx, tx, ziping.JobPrune, pruneJob{Batch: p.batch.ID}); err != nil {
				return err
			}
		}
		return nil
	})
}

// prepare maps the units (creating missing counties), checks who may import what
// and against the org tree, and builds each period's records.
func (r *importRun) prepare(ctx context.Context, tx Store) error {
	var err error
	if r.units, err = r.s.importUnits(ctx, tx, r.a, r.ds); err != nil {
		return err
	}
	if err := r.s.checkOwners(ctx, tx, r.ds, r.units, r.src); err != nil {
		return err
	}
	r.pers = r.pers[:0]
	for _, per := range r.ds.PeriodList() {
		snap := r.ds.Periods[per]
		p := &periodRows{snap: snap, n: snap.Schools.Len(), facts: factRecords(snap, r.units)}
		if p.n+len(p.facts) <= valueAuditRows {
			if p.old, err = previousValues(ctx, tx, r.records(p, 0, p.n), p.facts); err != nil {
				return err
			}
		}
		p.batch = &ziping.Batch{Period: per, File: r.src.File, SHA256: r.src.SHA256, UserID: r.a.UserID(), CreatedAt: r.s.now(), UploadID: r.src.UploadID}
		r.pers = append(r.pers, p)
	}
	return nil
}

// finish makes the batches done with their facts, consumes the upload, and writes
// the audit entries and the jobs, in the import's last transaction.
func (r *importRun) finish(ctx context.Context, tx Store) ([]ziping.Batch, error) {
	if r.src.UploadID != "" {
		ok, err := tx.ConsumeUpload(ctx, r.src.UploadID, r.s.now())
		if err != nil {
			return nil, err
		}
		if !ok { // another confirmation of the same upload got there first
			return nil, ziping.Errorf(ziping.Conflict, "这个文件已经导入过了，请勿重复提交")
		}
	}
	var out []ziping.Batch
	var periods []int
	for _, p := range r.pers {
		if err := tx.FinishBatch(ctx, p.batch, p.facts); err != nil {
			return nil, err
		}
		if err := r.auditBatch(ctx, tx, p); err != nil {
			return nil, err
		}
		if err := r.s.enqueue(ctx, tx, ziping.JobPrune, pruneJob{Batch: p.batch.ID}); err != nil {
			return nil, err
		}
		out = append(out, *p.batch)
		periods = append(periods, p.batch.Period, p.batch.Period+1)
	}
	// The imported counties' open assessments follow the data: their data-driven
	// points are recomputed (the period's and the next, whose year-over-year metrics
	// look back at it). Only those counties are read again.
	ids := make([]int64, 0, len(r.units))
	for _, u := range r.units {
		ids = append(ids, u.ID)
	}
	return out, r.s.enqueue(ctx, tx, ziping.JobRecompute, ziping.RecomputePayload{Counties: ids, Periods: periods})
}

func (r *importRun) auditBatch(ctx context.Context, tx Store, p *periodRows) error {
	b := p.batch
	scope := int64(0)
	if r.a.Scope != nil {
		scope = r.a.Scope.ID
	}
	summary := map[string]any{"file": r.src.File, "sha256": r.src.SHA256, "period": b.Period, "schools": b.Schools,
		"facts": b.Facts, "school_units_added": p.added}
	if r.src.UploadID != "" {
		summary["upload"] = r.src.UploadID
	}
	var before any
	if p.n+len(p.facts) <= valueAuditRows {
		summary["values"] = newValues(r.records(p, 0, p.n), p.facts)
		if len(p.old) > 0 {
			before = map[string]any{"values": p.old}
		}
	}
	return r.s.audit(ctx, tx, r.a, "import", fmt.Sprintf("batch:%d", b.ID), scope, before, summary)
}

// valueAuditRows: a batch of at most this many rows (a hand-edited school or county)
// is audited with every value before and after; larger files only with their counts.
const valueAuditRows = 10

func rowKey(r ziping.SchoolRecord) string { return "school:" + r.Code + "/" + r.Stage }
func factKey(unit int64) string           { return fmt.Sprintf("facts:unit%d", unit) }

// previousValues reads what the given rows replace.
func previousValues(ctx context.Context, tx Store, schools []ziping.SchoolRecord, facts []ziping.FactRecord) (map[string]map[string]float64, error) {
	old := map[string]map[string]float64{}
	for _, r := range schools {
		rows, _, err := tx.Schools(ctx, ziping.SchoolQuery{UnitIDs: []int64{r.UnitID}, Period: r.Period, Search: r.Code})
		if err != nil {
			return nil, err
		}
		for _, o := range rows {
			if o.Code == r.Code && o.Stage == r.Stage {
				old[rowKey(r)] = o.Values
			}
		}
	}
	for _, f := range facts {
		prev, err := tx.Facts(ctx, []int64{f.UnitID}, f.Period)
		if err != nil {
			return nil, err
		}
		for _, p := range prev {
			old[factKey(p.UnitID)] = p.Values
		}
	}
	return old, nil
}

func newValues(schools []ziping.SchoolRecord, facts []ziping.FactRecord) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	for _, r := range schools {
		out[rowKey(r)] = r.Values
	}
	for _, f := range facts {
		out[factKey(f.UnitID)] = f.Values
	}
	return out
}

// records turns school rows lo to hi of a period into records of their counties.
func (r *importRun) records(p *periodRows, lo, hi int) []ziping.SchoolRecord {
	return schoolRecords(p.snap, r.units, lo, hi)
}

// schoolRecords turns a snapshot's school rows lo to hi into records of their
// counties.
func schoolRecords(snap *engine.Snapshot, units []*ziping.OrgUnit, lo, hi int) []ziping.SchoolRecord {
	sc := &snap.Schools
	out := make([]ziping.SchoolRecord, 0, hi-lo)
	for i := lo; i < hi; i++ {
		county := units[sc.Unit[i]]
		vals := make(map[string]float64, len(engine.SchoolElements))
		for e, el := range engine.SchoolElements {
			if col := sc.Num[e]; col != nil && !el.Derived && !math.IsNaN(col[i]) {
				vals[el.ID] = col[i]
			}
		}
		out = append(out, ziping.SchoolRecord{UnitID: county.ID, Period: snap.Period, Code: sc.Code[i], Name: sc.Name[i],
			Stage: sc.Stage[i].String(), Type: sc.Type[i].String(), Public: sc.Public[i], Row: int(sc.Row[i]), Values: vals})
	}
	return out
}

func factRecords(snap *engine.Snapshot, units []*ziping.OrgUnit) []ziping.FactRecord {
	var out []ziping.FactRecord
	for u, ou := range units {
		vals := map[string]float64{}
		for e, el := range engine.UnitElements {
			if v := snap.Facts.Value(e, u); !math.IsNaN(v) {
				vals[el.ID] = v
			}
		}
		if len(vals) > 0 {
			out = append(out, ziping.FactRecord{UnitID: ou.ID, Period: snap.Period, Values: vals})
		}
	}
	return out
}
