package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"ziping"
)

// CreateBatch records b and writes its rows at once, done: BeginBatch,
// WriteBatchRows and FinishBatch in one transaction, and the versions it supersedes
// deleted at once. It sets b.ID, b.Schools and b.Facts (rows written), b.CreatedAt
// as stored (now when zero), and each row's BatchID and, when zero, Period. Every row
// must be of the batch's period, and a school (code+stage) may come only once
// (Invalid). Outside a Tx it runs in a transaction of its own.
func (c conn) CreateBatch(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) error {
	if err := checkBatch(b, schools, facts); err != nil {
		return err
	}
	if err := c.BeginBatch(ctx, b); err != nil {
		return err
	}
	if err := c.WriteBatchRows(ctx, b, schools); err != nil {
		return err
	}
	if err := c.FinishBatch(ctx, b, facts); err != nil {
		return err
	}
	var key ziping.SchoolKey
	for {
		next, more, err := c.PruneBatch(ctx, b.ID, key, 1<<30)
		if err != nil || !more {
			return err
		}
		key = next
	}
}

// checkBatch rejects rows of another period and schools listed twice, which would
// otherwise make the later row silently win and the counts lie.
func checkBatch(b *ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) error {
	type key struct{ code, stage string }
	seen := make(map[key]bool, len(schools))
	for _, s := range schools {
		if s.Period != 0 && s.Period != b.Period {
			return invalid("学校「%s」的数据期 %d 与批次的数据期 %d 不一致", s.Code, s.Period, b.Period)
		}
		k := key{s.Code, s.Stage}
		if seen[k] {
			return invalid("学校「%s」（%s）在同一批数据中出现了两次", s.Code, s.Stage)
		}
		seen[k] = true
	}
	units := make(map[int64]bool, len(facts))
	for _, f := range facts {
		if f.Period != 0 && f.Period != b.Period {
			return invalid("单位（编号 %d）的数据期 %d 与批次的数据期 %d 不一致", f.UnitID, f.Period, b.Period)
		}
		if units[f.UnitID] {
			return invalid("单位（编号 %d）的数据在同一批数据中出现了两次", f.UnitID)
		}
		units[f.UnitID] = true
	}
	return nil
}

// schoolChunk is how many school rows one INSERT carries: one statement per row
// spent most of an import in per-statement overhead; 100 rows are 1,000
// parameters, far below SQLite's 32,766.
const schoolChunk = 100

// insertSchools is the INSERT of n school rows. A row is a new version: the batch is
// part of the key, so nothing is replaced in place.
func insertSchools(n int) string {
	row := "(" + placeholders(10) + ")"
	return `INSERT INTO schools (unit_id, period, code, stage, name, type, public, row, vals, batch_id)
	VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// writeSchools inserts the school rows, schoolChunk to a statement, prepared once.
func (c conn) writeSchools(ctx context.Context, batch int64, period int, schools []ziping.SchoolRecord) error {
	var full *sql.Stmt
	if len(schools) >= schoolChunk {
		var err error
		if full, err = c.q.PrepareContext(ctx, insertSchools(schoolChunk)); err != nil {
			return internal("prepare school insert", err)
		}
		defer full.Close()
	}
	args := make([]any, 0, 10*schoolChunk)
	for start := 0; start < len(schools); start += schoolChunk {
		chunk := schools[start:min(start+schoolChunk, len(schools))]
		args = args[:0]
		for _, s := range chunk {
			vals, err := encodeVals(s.Values, "学校「"+s.Code+"」")
			if err != nil {
				return err
			}
			args = append(args, s.UnitID, period, s.Code, s.Stage, s.Name, s.Type, s.Public, s.Row, vals, batch)
		}
		var err error
		if len(chunk) == schoolChunk {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = c.q.ExecContext(ctx, insertSchools(len(chunk)), args...)
		}
		if err != nil {
			return storeError(err, "write schools", "学校数据")
		}
	}
	return nil
}

const upsertFacts = `INSERT INTO facts (unit_id, period, vals, batch_id) VALUES (?, ?, ?, ?)
	ON CONFLICT (unit_id, period) DO UPDATE SET vals = excluded.vals, batch_id = excluded.batch_id`

// writeFacts upserts the unit facts.
func (c conn) writeFacts(ctx context.Context, batch int64, period int, facts []ziping.FactRecord) error {
	if len(facts) == 0 {
		return nil
	}
	stmt, err := c.q.PrepareContext(ctx, upsertFacts)
	if err != nil {
		return internal("prepare facts upsert", err)
	}
	defer stmt.Close()
	for _, f := range facts {
		vals, err := encodeVals(f.Values, fmt.Sprintf("单位（编号 %d）", f.UnitID))
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, f.UnitID, period, vals, batch); err != nil {
			return storeError(err, fmt.Sprintf("write facts of unit %d", f.UnitID), "")
		}
	}
	return nil
}

// Facts returns the facts of the given units for period (every period when 0),
// ordered by unit id then period. No units, no facts.
func (c conn) Facts(ctx context.Context, unitIDs []int64, period int) ([]ziping.FactRecord, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	ids, err := json.Marshal(unitIDs)
	if err != nil {
		return nil, internal("encode unit ids", err)
	}
	rows, err := c.q.QueryContext(ctx, `SELECT unit_id, period, vals, batch_id FROM facts
		WHERE unit_id IN (SELECT value FROM json_each(?)) AND (? = 0 OR period = ?)
		ORDER BY unit_id, period`, string(ids), period, period)
	if err != nil {
		return nil, storeError(err, "facts", "")
	}
	defer rows.Close()
	var out []ziping.FactRecord
	for rows.Next() {
		var f ziping.FactRecord
		var vals string
		if err := rows.Scan(&f.UnitID, &f.Period, &vals, &f.BatchID); err != nil {
			return nil, internal("scan facts", err)
		}
		if f.Values, err = decodeVals(vals); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, storeError(rows.Err(), "facts", "")
}

// Periods returns the periods that have school rows or facts, in ascending order.
// It asks the done batches, a few rows, rather than scanning every school row
// (every page asks): rows are only ever replaced by rows of the same period, never
// deleted, so a period has rows exactly when a done batch wrote some.
func (c conn) Periods(ctx context.Context) ([]int, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT DISTINCT period FROM batches WHERE state = 'done' AND (schools > 0 OR facts > 0) ORDER BY period`)
	if err != nil {
		return nil, storeError(err, "periods", "")
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var p int
		if err := rows.Scan(&p); err != nil {
			return nil, internal("scan period", err)
		}
		out = append(out, p)
	}
	return out, storeError(rows.Err(), "periods", "")
}

// DataVersion is the version the newest done batch was made visible at, 0 before
// any import.
func (c conn) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := c.q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM batches WHERE state = 'done'`).Scan(&v)
	return v, storeError(err, "data version", "")
}
