package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ziping"
)

// hidden is the SQL condition that keeps a school row out of sight: its batch is not
// done, or a done batch wrote a newer version of it. Readers append it to their
// WHERE (the table is named schools in their FROM).
const hidden = `schools.batch_id IN (SELECT id FROM batches WHERE state <> 'done')
	OR EXISTS (SELECT 1 FROM schools n WHERE n.period = schools.period AND n.code = schools.code
		AND n.stage = schools.stage AND n.batch_id > schools.batch_id
		AND n.batch_id NOT IN (SELECT id FROM batches WHERE state <> 'done'))`

// BeginBatch records b as pending; see ziping.BatchStore.
func (db *DB) BeginBatch(ctx context.Context, b *ziping.Batch) error {
	created := nowIfZero(b.CreatedAt)
	var id int64
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO batches (period, file, sha256, schools, facts, user_id, created_at,
			state, touched_at, upload_id) VALUES ($1, $2, $3, 0, 0, $4, $5, 'pending', $6, $7) RETURNING id`,
			b.Period, b.File, b.SHA256, nullID(b.UserID), created, time.Now(), nullText(b.UploadID)).Scan(&id)
	})
	if err != nil {
		return storeError(err, "begin batch", "批次")
	}
	b.ID, b.CreatedAt, b.State, b.Schools, b.Facts = id, created, ziping.BatchPending, 0, 0
	return nil
}

// nullText stores "" as NULL.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// WriteBatchRows writes one chunk of a pending batch by COPY; see ziping.BatchStore.
func (db *DB) WriteBatchRows(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord) error {
	if err := checkBatch(b, schools, nil); err != nil {
		return err
	}
	rows, _, err := batchRows(b.Period, schools, nil)
	if err != nil {
		return err
	}
	err = db.atomic(ctx, func(q querier) error {
		if err := checkOwners(ctx, q, b, schools); err != nil {
			return err
		}
		if err := upsert(ctx, q, schoolLoad, b.ID, rows); err != nil {
			return err
		}
		tag, err := q.Exec(ctx, `UPDATE batches SET schools = schools + $1, touched_at = $2 WHERE id = $3 AND state = 'pending'`,
			len(schools), time.Now(), b.ID)
		if err == nil && tag.RowsAffected() == 0 {
			return notPending(b.ID)
		}
		return err
	})
	if err != nil {
		return storeError(err, "write batch rows", "学校数据")
	}
	b.Schools += len(schools)
	for i := range schools {
		schools[i].BatchID, schools[i].Period = b.ID, b.Period
	}
	return nil
}

func notPending(id int64) error {
	return &ziping.Error{Kind: ziping.Conflict, Msg: "导入等待过久，已被放弃，请重新导入", Err: fmt.Errorf("batch %d is not pending", id)}
}

// checkOwners refuses a row whose school (period, code, stage) is stored, by a batch
// that is not abandoned, under another unit: a write never moves a school.
func checkOwners(ctx context.Context, q querier, b *ziping.Batch, schools []ziping.SchoolRecord) error {
	if len(schools) == 0 {
		return nil
	}
	codes := make([]string, len(schools))
	unit := make(map[[2]string]int64, len(schools))
	for i, s := range schools {
		codes[i] = s.Code
		unit[[2]string{s.Code, s.Stage}] = s.UnitID
	}
	rows, err := q.Query(ctx, `SELECT code, stage, unit_id FROM schools
		WHERE period = $1 AND code = ANY ($2) AND batch_id <> $3
			AND batch_id NOT IN (SELECT id FROM batches WHERE state = 'abandoned')`, b.Period, codes, b.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code, stage string
		var owner int64
		if err := rows.Scan(&code, &stage, &owner); err != nil {
			return err
		}
		if u, ok := unit[[2]string{code, stage}]; ok && u != owner {
			return &ziping.Error{Kind: ziping.Conflict, Msg: fmt.Sprintf("学校「%s」（%s）已属于另一个单位，导入不能改变学校的所属单位", code, stage),
				Err: errors.New("school row owner would change")}
		}
	}
	return rows.Err()
}

// FinishBatch makes a pending batch done; see ziping.BatchStore. A transaction-scoped
// advisory lock makes batches done one at a time, so that the data version each
// takes is greater than every version already visible to a reader.
func (db *DB) FinishBatch(ctx context.Context, b *ziping.Batch, facts []ziping.FactRecord) error {
	if err := checkBatch(b, nil, facts); err != nil {
		return err
	}
	_, factRows, err := batchRows(b.Period, nil, facts)
	if err != nil {
		return err
	}
	err = db.atomic(ctx, func(q querier) error {
		if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, lockData); err != nil {
			return err
		}
		tag, err := q.Exec(ctx, `UPDATE batches SET state = 'done', facts = $1, touched_at = $2,
			version = (SELECT coalesce(max(version), 0) + 1 FROM batches) WHERE id = $3 AND state = 'pending'`,
			len(facts), time.Now(), b.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notPending(b.ID)
		}
		return upsert(ctx, q, factLoad, b.ID, factRows)
	})
	if err != nil {
		return storeError(err, "finish batch", "批次")
	}
	b.State, b.Facts = ziping.BatchDone, len(facts)
	for i := range facts {
		facts[i].BatchID, facts[i].Period = b.ID, b.Period
	}
	return nil
}

// AbandonBatch marks a pending batch abandoned.
func (db *DB) AbandonBatch(ctx context.Context, id int64) error {
	tag, err := db.exec(ctx, "abandon batch", "", `UPDATE batches SET state = 'abandoned' WHERE id = $1 AND state = 'pending'`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ziping.Errorf(ziping.NotFound, "找不到进行中的批次")
	}
	return nil
}

// AbandonStaleBatches abandons the pending batches last written before before.
func (db *DB) AbandonStaleBatches(ctx context.Context, before time.Time) ([]int64, error) {
	var ids []int64
	err := db.guarded(ctx, func(q querier) error {
		rows, err := q.Query(ctx, `UPDATE batches SET state = 'abandoned'
			WHERE state = 'pending' AND coalesce(touched_at, created_at) < $1 RETURNING id`, storedTime(before))
		ids, err = collect(rows, err, "abandon stale batches", func(r pgx.Row, id *int64) error { return r.Scan(id) })
		return err
	})
	return ids, storeError(err, "abandon stale batches", "")
}

// PruneBatch deletes what batch id made dead, a step at a time; see
// ziping.BatchStore.
func (db *DB) PruneBatch(ctx context.Context, id int64, after ziping.SchoolKey, limit int) (ziping.SchoolKey, bool, error) {
	var state string
	if err := db.q.QueryRow(ctx, `SELECT state FROM batches WHERE id = $1`, id).Scan(&state); err != nil {
		return after, false, storeError(err, "batch state", "批次")
	}
	switch state {
	case ziping.BatchAbandoned:
		tag, err := db.exec(ctx, "prune abandoned batch", "", `DELETE FROM schools WHERE ctid = ANY (ARRAY
			(SELECT ctid FROM schools WHERE batch_id = $1 LIMIT $2))`, id, limit)
		return after, err == nil && tag.RowsAffected() > 0, err
	case ziping.BatchPending:
		return after, false, nil // still being written: nothing is dead yet
	}
	var last ziping.SchoolKey
	err := db.q.QueryRow(ctx, `SELECT period, code, stage FROM (SELECT period, code, stage FROM schools
		WHERE batch_id = $1 AND (period, code, stage) > ($2, $3, $4) ORDER BY period, code, stage LIMIT $5) k
		ORDER BY period DESC, code DESC, stage DESC LIMIT 1`, id, after.Period, after.Code, after.Stage, limit).
		Scan(&last.Period, &last.Code, &last.Stage)
	if errors.Is(err, pgx.ErrNoRows) {
		return after, false, nil
	}
	if err != nil {
		return after, false, storeError(err, "prune range", "")
	}
	_, err = db.exec(ctx, "prune superseded rows", "", `DELETE FROM schools o USING schools n
		WHERE n.batch_id = $1 AND (n.period, n.code, n.stage) > ($2, $3, $4) AND (n.period, n.code, n.stage) <= ($5, $6, $7)
			AND o.period = n.period AND o.code = n.code AND o.stage = n.stage AND o.batch_id < n.batch_id
			AND o.batch_id NOT IN (SELECT id FROM batches WHERE state = 'pending')`,
		id, after.Period, after.Code, after.Stage, last.Period, last.Code, last.Stage)
	if err != nil {
		return after, false, err
	}
	return last, true, nil
}

// SchoolOwners returns the unit each of codes belongs to; see ziping.BatchStore.
func (db *DB) SchoolOwners(ctx context.Context, codes []string) (map[string]int64, error) {
	out := make(map[string]int64, len(codes))
	add := func(query string, arg []string) error {
		rows, err := db.q.Query(ctx, query, arg)
		if err != nil {
			return storeError(err, "school owners", "")
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var unit int64
			if err := rows.Scan(&code, &unit); err != nil {
				return internal("scan owner", err)
			}
			if _, ok := out[code]; !ok {
				out[code] = unit
			}
		}
		return storeError(rows.Err(), "school owners", "")
	}
	for lo := 0; lo < len(codes); lo += ownersChunk {
		chunk := codes[lo:min(lo+ownersChunk, len(codes))]
		if err := add(`SELECT code, parent_id FROM units WHERE level = 'school' AND parent_id IS NOT NULL AND code = ANY ($1)`, chunk); err != nil {
			return nil, err
		}
		if err := add(`SELECT code, unit_id FROM schools WHERE code = ANY ($1) AND NOT (`+hidden+`)
			ORDER BY period DESC, batch_id DESC`, chunk); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ownersChunk is how many codes one owners query looks up.
const ownersChunk = 5000

// MoveSchool puts a school and its rows under unit to; see ziping.BatchStore.
func (db *DB) MoveSchool(ctx context.Context, code string, to *ziping.OrgUnit) (int, error) {
	var n int64
	err := db.atomic(ctx, func(q querier) error {
		var id int64
		err := q.QueryRow(ctx, `SELECT id FROM units WHERE code = $1 AND level = 'school'`, code).Scan(&id)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if id != 0 {
			if _, err := q.Exec(ctx, `UPDATE units SET parent_id = $1, path = $2 WHERE id = $3`,
				to.ID, fmt.Sprintf("%s%d/", to.Path, id), id); err != nil {
				return err
			}
		}
		tag, err := q.Exec(ctx, `UPDATE schools SET unit_id = $1 WHERE code = $2`, to.ID, code)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if id == 0 && n == 0 {
			return ziping.Errorf(ziping.NotFound, "没有代码为 %s 的学校", code)
		}
		return nil
	})
	return int(n), storeError(err, "move school", "学校")
}

// BatchesOfUpload returns the done batches of an upload, by id.
func (db *DB) BatchesOfUpload(ctx context.Context, id string) ([]ziping.Batch, error) {
	rows, err := db.q.Query(ctx, `SELECT id, period, file, sha256, schools, facts, COALESCE(user_id, 0), created_at, state,
		COALESCE(upload_id, '') FROM batches WHERE upload_id = $1 AND state = 'done' ORDER BY id`, id)
	return collect(rows, err, "batches of upload", func(r pgx.Row, b *ziping.Batch) error {
		return r.Scan(&b.ID, &b.Period, &b.File, &b.SHA256, &b.Schools, &b.Facts, &b.UserID, stamp{&b.CreatedAt}, &b.State, &b.UploadID)
	})
}
