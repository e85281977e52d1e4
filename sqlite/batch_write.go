package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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
func (c conn) BeginBatch(ctx context.Context, b *ziping.Batch) error {
	created := nowIfZero(b.CreatedAt)
	var id int64
	err := c.q.QueryRowContext(ctx, `INSERT INTO batches (period, file, sha256, schools, facts, user_id, created_at,
		state, touched_at, upload_id) VALUES (?, ?, ?, 0, 0, ?, ?, 'pending', ?, ?) RETURNING id`,
		b.Period, b.File, b.SHA256, nullID(b.UserID), dbTime(created), dbTime(time.Now()), nullText(b.UploadID)).Scan(&id)
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

// WriteBatchRows writes one chunk of a pending batch; see ziping.BatchStore.
func (c conn) WriteBatchRows(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord) error {
	if err := checkBatch(b, schools, nil); err != nil {
		return err
	}
	if err := c.checkOwners(ctx, b, schools); err != nil {
		return err
	}
	if err := c.writeSchools(ctx, b.ID, b.Period, schools); err != nil {
		return err
	}
	res, err := c.q.ExecContext(ctx, `UPDATE batches SET schools = schools + ?, touched_at = ? WHERE id = ? AND state = 'pending'`,
		len(schools), dbTime(time.Now()), b.ID)
	if err != nil {
		return storeError(err, "touch batch", "")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notPending(err, b.ID)
	}
	b.Schools += len(schools)
	for i := range schools {
		schools[i].BatchID, schools[i].Period = b.ID, b.Period
	}
	return nil
}

func notPending(err error, id int64) error {
	if err != nil {
		return internal("batch state", err)
	}
	return &ziping.Error{Kind: ziping.Conflict, Msg: "导入等待过久，已被放弃，请重新导入", Err: fmt.Errorf("batch %d is not pending", id)}
}

// checkOwners refuses a row whose school (period, code, stage) is stored, by a batch
// that is not abandoned, under another unit: a write never moves a school.
func (c conn) checkOwners(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord) error {
	if len(schools) == 0 {
		return nil
	}
	codes := make([]string, len(schools))
	unit := make(map[[2]string]int64, len(schools))
	for i, s := range schools {
		codes[i] = s.Code
		unit[[2]string{s.Code, s.Stage}] = s.UnitID
	}
	list, err := json.Marshal(codes)
	if err != nil {
		return internal("encode codes", err)
	}
	rows, err := c.q.QueryContext(ctx, `SELECT code, stage, unit_id FROM schools
		WHERE period = ? AND code IN (SELECT value FROM json_each(?)) AND batch_id <> ?
			AND batch_id NOT IN (SELECT id FROM batches WHERE state = 'abandoned')`, b.Period, string(list), b.ID)
	if err != nil {
		return storeError(err, "school owners", "")
	}
	defer rows.Close()
	for rows.Next() {
		var code, stage string
		var owner int64
		if err := rows.Scan(&code, &stage, &owner); err != nil {
			return internal("scan owner", err)
		}
		if u, ok := unit[[2]string{code, stage}]; ok && u != owner {
			return ownerConflict(code, stage)
		}
	}
	return storeError(rows.Err(), "school owners", "")
}

func ownerConflict(code, stage string) error {
	return &ziping.Error{Kind: ziping.Conflict, Msg: fmt.Sprintf("学校「%s」（%s）已属于另一个单位，导入不能改变学校的所属单位", code, stage),
		Err: errors.New("school row owner would change")}
}

// FinishBatch makes a pending batch done; see ziping.BatchStore. The single writer
// serialises it, so the data version it takes is the greatest.
func (c conn) FinishBatch(ctx context.Context, b *ziping.Batch, facts []ziping.FactRecord) error {
	if err := checkBatch(b, nil, facts); err != nil {
		return err
	}
	res, err := c.q.ExecContext(ctx, `UPDATE batches SET state = 'done', facts = ?, touched_at = ?,
		version = (SELECT coalesce(max(version), 0) + 1 FROM batches) WHERE id = ? AND state = 'pending'`,
		len(facts), dbTime(time.Now()), b.ID)
	if err != nil {
		return storeError(err, "finish batch", "")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notPending(err, b.ID)
	}
	if err := c.writeFacts(ctx, b.ID, b.Period, facts); err != nil {
		return err
	}
	b.State, b.Facts = ziping.BatchDone, len(facts)
	for i := range facts {
		facts[i].BatchID, facts[i].Period = b.ID, b.Period
	}
	return nil
}

// AbandonBatch marks a pending batch abandoned.
func (c conn) AbandonBatch(ctx context.Context, id int64) error {
	res, err := c.q.ExecContext(ctx, `UPDATE batches SET state = 'abandoned' WHERE id = ? AND state = 'pending'`, id)
	if err != nil {
		return storeError(err, "abandon batch", "")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFoundIfNone(err, "abandon batch", "进行中的批次")
	}
	return nil
}

// AbandonStaleBatches abandons the pending batches last written before before.
func (c conn) AbandonStaleBatches(ctx context.Context, before time.Time) ([]int64, error) {
	rows, err := c.q.QueryContext(ctx, `UPDATE batches SET state = 'abandoned'
		WHERE state = 'pending' AND coalesce(touched_at, created_at) < ? RETURNING id`, dbTime(storedTime(before)))
	if err != nil {
		return nil, storeError(err, "abandon stale batches", "")
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, internal("scan batch id", err)
		}
		ids = append(ids, id)
	}
	return ids, storeError(rows.Err(), "abandon stale batches", "")
}

// PruneBatch deletes what batch id made dead, a step at a time; see
// ziping.BatchStore.
func (c conn) PruneBatch(ctx context.Context, id int64, after ziping.SchoolKey, limit int) (ziping.SchoolKey, bool, error) {
	var state string
	if err := c.q.QueryRowContext(ctx, `SELECT state FROM batches WHERE id = ?`, id).Scan(&state); err != nil {
		return after, false, storeError(err, "batch state", "批次")
	}
	switch state {
	case ziping.BatchAbandoned:
		res, err := c.q.ExecContext(ctx, `DELETE FROM schools WHERE rowid IN
			(SELECT rowid FROM schools WHERE batch_id = ? LIMIT ?)`, id, limit)
		if err != nil {
			return after, false, storeError(err, "prune abandoned batch", "")
		}
		n, err := res.RowsAffected()
		return after, n > 0, storeError(err, "prune abandoned batch", "")
	case ziping.BatchPending:
		return after, false, nil // still being written: nothing is dead yet
	}
	var last ziping.SchoolKey
	err := c.q.QueryRowContext(ctx, `SELECT period, code, stage FROM (SELECT period, code, stage FROM schools
		WHERE batch_id = ? AND (period, code, stage) > (?, ?, ?) ORDER BY period, code, stage LIMIT ?)
		ORDER BY period DESC, code DESC, stage DESC LIMIT 1`, id, after.Period, after.Code, after.Stage, limit).
		Scan(&last.Period, &last.Code, &last.Stage)
	if errors.Is(err, sql.ErrNoRows) {
		return after, false, nil
	}
	if err != nil {
		return after, false, storeError(err, "prune range", "")
	}
	_, err = c.q.ExecContext(ctx, `DELETE FROM schools WHERE rowid IN (SELECT o.rowid FROM schools n
		JOIN schools o ON o.period = n.period AND o.code = n.code AND o.stage = n.stage AND o.batch_id < n.batch_id
		WHERE n.batch_id = ? AND (n.period, n.code, n.stage) > (?, ?, ?) AND (n.period, n.code, n.stage) <= (?, ?, ?)
			AND o.batch_id NOT IN (SELECT id FROM batches WHERE state = 'pending'))`,
		id, after.Period, after.Code, after.Stage, last.Period, last.Code, last.Stage)
	if err != nil {
		return after, false, storeError(err, "prune superseded rows", "")
	}
	return last, true, nil
}

// SchoolOwners returns the unit each of codes belongs to; see ziping.BatchStore.
func (c conn) SchoolOwners(ctx context.Context, codes []string) (map[string]int64, error) {
	out := make(map[string]int64, len(codes))
	for lo := 0; lo < len(codes); lo += ownersChunk {
		list, err := json.Marshal(codes[lo:min(lo+ownersChunk, len(codes))])
		if err != nil {
			return nil, internal("encode codes", err)
		}
		if err := c.ownersFrom(ctx, out, `SELECT code, parent_id FROM units
			WHERE level = 'school' AND parent_id IS NOT NULL AND code IN (SELECT value FROM json_each(?))`, string(list)); err != nil {
			return nil, err
		}
		if err := c.ownersFrom(ctx, out, `SELECT code, unit_id FROM schools
			WHERE code IN (SELECT value FROM json_each(?)) AND NOT (`+hidden+`)
			ORDER BY period DESC, batch_id DESC`, string(list)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ownersChunk is how many codes one owners query looks up.
const ownersChunk = 5000

// ownersFrom adds the (code, unit) rows of query to out, the first for a code kept.
func (c conn) ownersFrom(ctx context.Context, out map[string]int64, query string, args ...any) error {
	rows, err := c.q.QueryContext(ctx, query, args...)
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

// MoveSchool puts a school and its rows under unit to; see ziping.BatchStore.
func (c conn) MoveSchool(ctx context.Context, code string, to *ziping.OrgUnit) (int, error) {
	var id int64
	err := c.q.QueryRowContext(ctx, `SELECT id FROM units WHERE code = ? AND level = 'school'`, code).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, storeError(err, "school unit", "")
	}
	if id != 0 {
		_, err := c.q.ExecContext(ctx, `UPDATE units SET parent_id = ?, path = ? WHERE id = ?`,
			to.ID, fmt.Sprintf("%s%d/", to.Path, id), id)
		if err != nil {
			return 0, storeError(err, "move school unit", "学校")
		}
	}
	res, err := c.q.ExecContext(ctx, `UPDATE schools SET unit_id = ? WHERE code = ?`, to.ID, code)
	if err != nil {
		return 0, storeError(err, "move school rows", "")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, internal("move school rows", err)
	}
	if id == 0 && n == 0 {
		return 0, ziping.Errorf(ziping.NotFound, "没有代码为 %s 的学校", code)
	}
	return int(n), nil
}

const batchColumns = `id, period, file, sha256, schools, facts, COALESCE(user_id, 0), created_at, state, COALESCE(upload_id, '')`

// BatchesOfUpload returns the done batches of an upload, by id.
func (c conn) BatchesOfUpload(ctx context.Context, id string) ([]ziping.Batch, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE upload_id = ? AND state = 'done' ORDER BY id`, id)
	if err != nil {
		return nil, storeError(err, "batches of upload", "")
	}
	defer rows.Close()
	var out []ziping.Batch
	for rows.Next() {
		var b ziping.Batch
		if err := rows.Scan(&b.ID, &b.Period, &b.File, &b.SHA256, &b.Schools, &b.Facts, &b.UserID, stamp{&b.CreatedAt},
			&b.State, &b.UploadID); err != nil {
			return nil, internal("scan batch", err)
		}
		out = append(out, b)
	}
	return out, storeError(rows.Err(), "batches of upload", "")
}
