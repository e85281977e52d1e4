package ziping

import (
	"context"
	"time"
)

// BatchStore writes an import in short transactions, so that a long import never
// holds the one SQLite writer for long, and keeps the batch invisible until its
// last transaction. A school row is stored as a version: the batch that wrote it is
// part of its key, readers (Schools, Periods, DataVersion) see only the newest
// version of a done batch, and PruneBatch deletes what a done batch superseded or
// an abandoned batch left.
//
// No write may change the unit a school row belongs to: WriteBatchRows refuses a
// row whose school (period, code, stage) is stored under another unit (Conflict).
// Only MoveSchool moves a school, explicitly.
type BatchStore interface {
	// BeginBatch records b as pending and sets its ID, State and CreatedAt (now when
	// zero). It runs in a transaction of its own, or in the Tx it is called in.
	BeginBatch(ctx context.Context, b *Batch) error
	// WriteBatchRows writes one chunk of a pending batch's school rows and notes that
	// the batch's writer is alive. Rows of another period, a school twice, NaN or
	// ±Inf are Invalid; a row whose school is stored under another unit is Conflict.
	// It sets each row's BatchID and Period and adds the rows to b.Schools.
	WriteBatchRows(ctx context.Context, b *Batch, schools []SchoolRecord) error
	// FinishBatch makes a pending batch done, with its facts, at a new data version:
	// call it in the Tx that writes the import's audit entry. Conflict when the batch
	// is no longer pending (abandoned as dead meanwhile).
	FinishBatch(ctx context.Context, b *Batch, facts []FactRecord) error
	// AbandonBatch marks a pending batch abandoned (its rows are left to PruneBatch).
	AbandonBatch(ctx context.Context, id int64) error
	// AbandonStaleBatches marks abandoned the pending batches whose writer last wrote
	// before the given instant, and returns their ids.
	AbandonStaleBatches(ctx context.Context, before time.Time) ([]int64, error)
	// PruneBatch deletes the rows that batch id makes dead, a step at a time: when it
	// is done, the older versions of its next limit rows after key (in key order,
	// the zero key first); when it is abandoned, limit of its own rows. It returns
	// the key to go on from and whether there is more to do.
	PruneBatch(ctx context.Context, id int64, after SchoolKey, limit int) (next SchoolKey, more bool, err error)
	// SchoolOwners returns, of the given school codes, the unit each belongs to: the
	// parent of its school unit, or else the unit of its newest stored row. Codes
	// that are neither are left out.
	SchoolOwners(ctx context.Context, codes []string) (map[string]int64, error)
	// MoveSchool puts the school code, its school unit and every stored row of it,
	// under unit to. It returns how many rows moved; NotFound when the school is
	// neither a unit nor has rows.
	MoveSchool(ctx context.Context, code string, to *OrgUnit) (int, error)
	// BatchesOfUpload returns the done batches that imported upload id, by id.
	BatchesOfUpload(ctx context.Context, id string) ([]Batch, error)
}

// SchoolKey names a school row apart from its version.
type SchoolKey struct {
	Period      int
	Code, Stage string
}
