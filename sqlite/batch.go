package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"ziping"
)

// CreateBatch records b and writes its rows, replacing the stored rows of the same
// period+code+stage (schools) and unit+period (facts); other rows stay. On success it
// sets b.ID, b.Schools and b.Facts (rows written), b.CreatedAt as stored (now when
// zero), and each row's BatchID and, when zero, Period. Every row must be of the
// batch's period, and a school (code+stage) may come only once (Invalid). Outside a
// Tx it runs in a transaction of its own.
func (c conn) CreateBatch(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) error {
	if err := checkBatch(b, schools, facts); err != nil {
		return err
	}
	created := nowIfZero(b.CreatedAt)
	var id int64
	err := c.q.QueryRowContext(ctx, `INSERT INTO batches (period, file, sha256, schools, facts, user_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		b.Period, b.File, b.SHA256, len(schools), len(facts), nullID(b.UserID), dbTime(created)).Scan(&id)
	if err != nil {
		return storeError(err, "create batch", "批次")
	}
	if err := c.writeSchools(ctx, id, b.Period, schools); err != nil {
		return err
	}
	if err := c.writeFacts(ctx, id, b.Period, facts); err != nil {
		return err
	}
	b.ID, b.Schools, b.Facts, b.CreatedAt = id, len(schools), len(facts), created
	for i := range schools {
		schools[i].BatchID, schools[i].Period = id, b.Period
	}
	for i := range facts {
		facts[i].BatchID, facts[i].Period = id, b.Period
	}
	return nil
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
// spent most of an import in per-statement overhead (binding, the statement journal
// an upsert opens); 100 rows are 1,000 parameters, far below SQLite's 32,766.
const schoolChunk = 100

// upsertSchools is the INSERT of n school rows; a row of the same period+code+stage
// is replaced in place.
func upsertSchools(n int) string {
	row := "(" + placeholders(10) + ")"
	return `INSERT INTO schools (unit_id, period, code, stage, name, type, public, row, vals, batch_id)
	VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + `
	ON CONFLICT (period, code, stage) DO UPDATE SET unit_id = excluded.unit_id, name = excluded.name,
		type = excluded.type, public = excluded.public, row = excluded.row, vals = excluded.vals,
		batch_id = excluded.batch_id`
}

// writeSchools upserts the school rows, schoolChunk to a statement, prepared once.
func (c conn) writeSchools(ctx context.Context, batch int64, period int, schools []ziping.SchoolRecord) error {
	var full *sql.Stmt
	if len(schools) >= schoolChunk {
		var err error
		if full, err = c.q.PrepareContext(ctx, upsertSchools(schoolChunk)); err != nil {
			return internal("prepare school upsert", err)
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
			_, err = c.q.ExecContext(ctx, upsertSchools(len(chunk)), args...)
		}
		if err != nil {
			return storeError(err, "write schools", "")
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
// It asks the batches, a few rows, rather than scanning every school row (every page
// asks): rows are only ever replaced by rows of the same period, never deleted, so a
// period has rows exactly when a batch wrote some.
func (c conn) Periods(ctx context.Context) ([]int, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT DISTINCT period FROM batches WHERE schools > 0 OR facts > 0 ORDER BY period`)
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

// DataVersion is the newest batch's id, 0 before any import.
func (c conn) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := c.q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM batches`).Scan(&v)
	return v, storeError(err, "data version", "")
}
