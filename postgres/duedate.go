package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"ziping"
)

func dueDateWhat(unitID int64, framework string, period int) string {
	return fmt.Sprintf("单位（编号 %d）%d年度%s的自评截止日期", unitID, period, framework)
}

// DueDates returns the due dates of framework and period set on any of unitIDs,
// ordered by unit id. No units, no dates.
func (db *DB) DueDates(ctx context.Context, framework string, period int, unitIDs []int64) ([]ziping.DueDate, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	rows, err := db.q.Query(ctx, `SELECT unit_id, framework, period, due, version, COALESCE(updated_by, 0), updated_at
		FROM due_dates WHERE framework = $1 AND period = $2 AND unit_id = ANY ($3) ORDER BY unit_id`, framework, period, unitIDs)
	return collect(rows, err, "due dates", func(r pgx.Row, d *ziping.DueDate) error {
		return r.Scan(&d.UnitID, &d.Framework, &d.Period, stamp{&d.Due}, &d.Version, &d.UpdatedBy, stamp{&d.UpdatedAt})
	})
}

// SaveDueDate creates the due date when d.Version is 0 (Conflict when it exists,
// NotFound when the unit does not), otherwise updates it when the stored version is
// d.Version (Conflict when not, NotFound when there is none). Due is kept as a date
// (midnight UTC of its UTC day), NULL when zero.
func (db *DB) SaveDueDate(ctx context.Context, d *ziping.DueDate) error {
	updated := nowIfZero(d.UpdatedAt)
	what := dueDateWhat(d.UnitID, d.Framework, d.Period)
	args := []any{d.UnitID, d.Framework, d.Period, d.Version, dbDate(d.Due), nullID(d.UpdatedBy), updated}
	var v int64
	var err error
	if d.Version == 0 {
		err = db.guarded(ctx, func(q querier) error {
			return q.QueryRow(ctx, `INSERT INTO due_dates (unit_id, framework, period, version, due, updated_by, updated_at)
				VALUES ($1, $2, $3, $4::bigint + 1, $5, $6, $7) RETURNING version`, args...).Scan(&v)
		})
		err = storeError(err, "create due date", what)
		if ziping.ErrorKind(err) == ziping.Conflict {
			err = stale("create due date", what)
		}
	} else {
		v, err = db.versioned(ctx, "update due date", what,
			`UPDATE due_dates SET due = $5, updated_by = $6, updated_at = $7, version = version + 1
			WHERE unit_id = $1 AND framework = $2 AND period = $3 AND version = $4 RETURNING version`,
			`SELECT 1 FROM due_dates WHERE unit_id = $1 AND framework = $2 AND period = $3`, args...)
	}
	if err != nil {
		return refError(err, fmt.Sprintf("找不到单位（编号 %d）", d.UnitID))
	}
	d.Version, d.UpdatedAt, d.Due = v, updated, day(d.Due)
	return nil
}
