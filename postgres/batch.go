package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"

	"ziping"
)

// CreateBatch records b and writes its rows at once, done: BeginBatch,
// WriteBatchRows and FinishBatch together, and the versions it supersedes deleted at
// once. It sets b.ID, b.Schools and b.Facts (rows written), b.CreatedAt as stored
// (now when zero), and each row's BatchID and, when zero, Period. Every row must be
// of the batch's period, and a school (code+stage) may come only once (Invalid).
// Outside a Tx it runs in a transaction of its own.
func (db *DB) CreateBatch(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) error {
	if err := checkBatch(b, schools, facts); err != nil {
		return err
	}
	return db.Tx(ctx, func(st ziping.Store) error {
		tx := st.(*DB)
		if err := tx.BeginBatch(ctx, b); err != nil {
			return err
		}
		if err := tx.WriteBatchRows(ctx, b, schools); err != nil {
			return err
		}
		if err := tx.FinishBatch(ctx, b, facts); err != nil {
			return err
		}
		var key ziping.SchoolKey
		for {
			next, more, err := tx.PruneBatch(ctx, b.ID, key, 1<<30)
			if err != nil || !more {
				return err
			}
			key = next
		}
	})
}

// checkBatch rejects rows of another period and schools listed twice, which would
// otherwise make the later row silently win and the counts lie (and would make
// PostgreSQL's ON CONFLICT fail: it cannot update one row twice).
func checkBatch(b *ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) error {
	type key struct{ code, stage string }
	seen := make(map[key]bool, len(schools))
	for _, s := range schools {
		if s.Period != 0 && s.Period != b.Period {
			return ziping.Errorf(ziping.Invalid, "学校「%s」的数据期 %d 与批次的数据期 %d 不一致", s.Code, s.Period, b.Period)
		}
		k := key{s.Code, s.Stage}
		if seen[k] {
			return ziping.Errorf(ziping.Invalid, "学校「%s」（%s）在同一批数据中出现了两次", s.Code, s.Stage)
		}
		seen[k] = true
	}
	units := make(map[int64]bool, len(facts))
	for _, f := range facts {
		if f.Period != 0 && f.Period != b.Period {
			return ziping.Errorf(ziping.Invalid, "单位（编号 %d）的数据期 %d 与批次的数据期 %d 不一致", f.UnitID, f.Period, b.Period)
		}
		if units[f.UnitID] {
			return ziping.Errorf(ziping.Invalid, "单位（编号 %d）的数据在同一批数据中出现了两次", f.UnitID)
		}
		units[f.UnitID] = true
	}
	return nil
}

// batchRows encodes the rows for COPY, in the column order of schoolLoad and
// factLoad, before any statement runs: a bad number fails the batch up front. The
// last column, batch_id, is filled in by upsert once the batch has its id.
func batchRows(period int, schools []ziping.SchoolRecord, facts []ziping.FactRecord) (s, f [][]any, err error) {
	s = make([][]any, len(schools))
	for i, r := range schools {
		vals, err := encodeVals(r.Values, "学校「"+r.Code+"」")
		if err != nil {
			return nil, nil, err
		}
		s[i] = []any{r.UnitID, period, r.Code, r.Stage, r.Name, r.Type, r.Public, r.Row, vals, nil}
	}
	f = make([][]any, len(facts))
	for i, r := range facts {
		vals, err := encodeVals(r.Values, fmt.Sprintf("单位（编号 %d）", r.UnitID))
		if err != nil {
			return nil, nil, err
		}
		f[i] = []any{r.UnitID, period, vals, nil}
	}
	return s, f, nil
}

// load describes the bulk upsert of one table.
type load struct {
	table, temp string
	columns     []string // as COPY sends them, batch_id last
	upsert      string   // INSERT … SELECT … FROM temp … ON CONFLICT
}

var schoolLoad = load{
	table: "schools", temp: "school_load",
	columns: []string{"unit_id", "period", "code", "stage", "name", "type", "public", "row", "vals", "batch_id"},
	// A row is a new version (the batch is part of the key): nothing is replaced
	// in place, so nothing can change a school's unit as a side effect.
	upsert: `INSERT INTO schools (unit_id, period, code, stage, name, type, public, "row", vals, batch_id)
		SELECT unit_id, period, code, stage, name, type, public, "row", vals, batch_id FROM school_load`,
}

var factLoad = load{
	table: "facts", temp: "fact_load",
	columns: []string{"unit_id", "period", "vals", "batch_id"},
	upsert: `INSERT INTO facts (unit_id, period, vals, batch_id)
		SELECT unit_id, period, vals, batch_id FROM fact_load
		ON CONFLICT (unit_id, period) DO UPDATE SET vals = excluded.vals, batch_id = excluded.batch_id`,
}

// upsert copies rows into l's temporary table and upserts them from there. The
// table is dropped at once rather than at commit, so that a second batch in the
// same transaction can create it again.
func upsert(ctx context.Context, q querier, l load, batch int64, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	// LIKE copies the column types (and NOT NULL), not the keys or references:
	// those are checked once, by the upsert.
	_, err := q.Exec(ctx, `CREATE TEMP TABLE `+l.temp+` (LIKE `+l.table+`) ON COMMIT DROP`)
	if err != nil {
		return fmt.Errorf("create %s: %w", l.temp, err)
	}
	src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
		rows[i][len(rows[i])-1] = batch
		return rows[i], nil
	})
	if _, err := q.CopyFrom(ctx, pgx.Identifier{l.temp}, l.columns, src); err != nil {
		return fmt.Errorf("copy %s: %w", l.table, err)
	}
	if _, err := q.Exec(ctx, l.upsert); err != nil {
		return fmt.Errorf("upsert %s: %w", l.table, err)
	}
	_, err = q.Exec(ctx, `DROP TABLE `+l.temp)
	return err
}

// encodeVals is the JSON object stored for a row's numbers. JSON has no NaN or
// infinity: a missing number is left out of the map, not stored as NaN.
//
// It writes the object by hand, about five times faster than json.Marshal, which
// matters at 20,000 rows: keys unsorted (jsonb orders them itself), numbers in
// strconv's shortest form, which reads back as the same float64.
func encodeVals(vals map[string]float64, what string) ([]byte, error) {
	buf := make([]byte, 0, 2+len(vals)*24)
	buf = append(buf, '{')
	for id, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, ziping.Errorf(ziping.Invalid, "%s的「%s」不是有效数值", what, id)
		}
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = appendKey(buf, id)
		buf = append(buf, ':')
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
	}
	return append(buf, '}'), nil
}

// appendKey appends id as a JSON string: as it is when it needs no escaping (element
// ids are plain ASCII), through encoding/json otherwise.
func appendKey(buf []byte, id string) []byte {
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			quoted, _ := json.Marshal(id) // a string always marshals
			return append(buf, quoted...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, id...)
	return append(buf, '"')
}

// decodeVals reads a stored JSON object back; never nil.
func decodeVals(text []byte) (map[string]float64, error) {
	vals := map[string]float64{}
	if err := json.Unmarshal(text, &vals); err != nil {
		return nil, internal("decode values", err)
	}
	return vals, nil
}

// Facts returns the facts of the given units for period (every period when 0),
// ordered by unit id then period. No units, no facts.
func (db *DB) Facts(ctx context.Context, unitIDs []int64, period int) ([]ziping.FactRecord, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	rows, err := db.q.Query(ctx, `SELECT unit_id, period, vals, batch_id FROM facts
		WHERE unit_id = ANY ($1) AND ($2 = 0 OR period = $2) ORDER BY unit_id, period`, unitIDs, period)
	return collect(rows, err, "facts", func(r pgx.Row, f *ziping.FactRecord) error {
		var vals []byte
		if err := r.Scan(&f.UnitID, &f.Period, &vals, &f.BatchID); err != nil {
			return err
		}
		f.Values, err = decodeVals(vals)
		return err
	})
}

// Periods returns the periods that have school rows or facts, in ascending order.
// It asks the batches, a few rows, rather than scanning every school row: rows are
// only ever replaced by rows of the same period, never deleted, so a period has rows
// exactly when a batch wrote some.
func (db *DB) Periods(ctx context.Context) ([]int, error) {
	rows, err := db.q.Query(ctx, `SELECT DISTINCT period FROM batches WHERE state = 'done' AND (schools > 0 OR facts > 0) ORDER BY period`)
	return collect(rows, err, "periods", func(r pgx.Row, p *int) error { return r.Scan(p) })
}

// DataVersion is the version the newest done batch was made visible at, 0 before
// any import.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM batches WHERE state = 'done'`).Scan(&v); err != nil {
		return 0, storeError(err, "data version", "")
	}
	return v, nil
}
