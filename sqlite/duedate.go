package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"ziping"
)

func dueDateWhat(unitID int64, framework string, period int) string {
	return fmt.Sprintf("单位（编号 %d）%d年度%s的自评截止日期", unitID, period, framework)
}

// DueDates returns the due dates of framework and period set on any of unitIDs,
// ordered by unit id. No units, no dates.
func (c conn) DueDates(ctx context.Context, framework string, period int, unitIDs []int64) ([]ziping.DueDate, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	ids, err := json.Marshal(unitIDs)
	if err != nil {
		return nil, internal("encode unit ids", err)
	}
	rows, err := c.q.QueryContext(ctx, `SELECT unit_id, framework, period, due, version, COALESCE(updated_by, 0), updated_at
		FROM due_dates WHERE framework = ? AND period = ? AND unit_id IN (SELECT value FROM json_each(?))
		ORDER BY unit_id`, framework, period, string(ids))
	if err != nil {
		return nil, storeError(err, "due dates", "")
	}
	defer rows.Close()
	var out []ziping.DueDate
	for rows.Next() {
		var d ziping.DueDate
		if err := rows.Scan(&d.UnitID, &d.Framework, &d.Period, stamp{&d.Due}, &d.Version, &d.UpdatedBy, stamp{&d.UpdatedAt}); err != nil {
			return nil, internal("scan due dates", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "due dates", "")
	}
	return out, nil
}

// SaveDueDate creates the due date when d.Version is 0 (Conflict when it exists,
// NotFound when the unit does not), otherwise updates it when the stored version is
// d.Version (Conflict when not, NotFound when there is none). Due is kept as a date
// (midnight UTC of its UTC day), NULL when zero.
func (c conn) SaveDueDate(ctx context.Context, d *ziping.DueDate) error {
	updated, due := nowIfZero(d.UpdatedAt), day(d.Due)
	what, op := dueDateWhat(d.UnitID, d.Framework, d.Period), "save due date"
	if d.Version == 0 {
		res, err := c.q.ExecContext(ctx, `INSERT INTO due_dates (unit_id, framework, period, due, version, updated_by,
			updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
			d.UnitID, d.Framework, d.Period, dbTime(due), nullID(d.UpdatedBy), dbTime(updated))
		if err != nil {
			err = storeError(err, op, what)
			var de *ziping.Error
			if errors.As(err, &de) && de.Kind == ziping.NotFound { // the only reference is the unit
				return &ziping.Error{Kind: ziping.NotFound, Msg: fmt.Sprintf("找不到单位（编号 %d）", d.UnitID), Err: de.Err}
			}
			return err
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			if err != nil {
				return internal(op, err)
			}
			return stale(op, what)
		}
	} else {
		res, err := c.q.ExecContext(ctx, `UPDATE due_dates SET due = ?, version = version + 1, updated_by = ?, updated_at = ?
			WHERE unit_id = ? AND framework = ? AND period = ? AND version = ?`,
			dbTime(due), nullID(d.UpdatedBy), dbTime(updated), d.UnitID, d.Framework, d.Period, d.Version)
		if err != nil {
			return storeError(err, op, what)
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			return c.missedWrite(ctx, err, op, what, `SELECT 1 FROM due_dates WHERE unit_id = ? AND framework = ? AND period = ?`,
				d.UnitID, d.Framework, d.Period)
		}
	}
	d.Version++
	d.UpdatedAt, d.Due = updated, due
	return nil
}

// SaveDueDate creates or updates a due date in a write transaction of its own; see
// conn.SaveDueDate.
func (db *DB) SaveDueDate(ctx context.Context, d *ziping.DueDate) error {
	return db.inTx(ctx, func(c conn) error { return c.SaveDueDate(ctx, d) })
}
