package postgres

import (
	"context"
	"fmt"

	"ziping"
)

const resultNoticeColumns = `unit_id, framework, period, issuer, recipient, number, issued_on, version,
	COALESCE(updated_by, 0), updated_at`

func resultNoticeWhat(unitID int64, framework string, period int) string {
	return fmt.Sprintf("单位（编号 %d）%d年度%s的评价结果通报", unitID, period, framework)
}

// ResultNotice returns the particulars of a results notice: NotFound when none.
func (db *DB) ResultNotice(ctx context.Context, unitID int64, framework string, period int) (*ziping.ResultNotice, error) {
	var n ziping.ResultNotice
	err := db.q.QueryRow(ctx, `SELECT `+resultNoticeColumns+` FROM result_notices
		WHERE unit_id = $1 AND framework = $2 AND period = $3`, unitID, framework, period).Scan(&n.UnitID, &n.Framework, &n.Period,
		&n.Issuer, &n.Recipient, &n.Number, stamp{&n.IssuedOn}, &n.Version, &n.UpdatedBy, stamp{&n.UpdatedAt})
	if err != nil {
		return nil, storeError(err, "result notice", resultNoticeWhat(unitID, framework, period))
	}
	return &n, nil
}

// SaveResultNotice creates the notice when n.Version is 0 (Conflict when it exists,
// NotFound when the unit does not), otherwise updates it when the stored version is
// n.Version (Conflict when not, NotFound when there is none). IssuedOn is kept as a
// date (midnight UTC of its UTC day).
func (db *DB) SaveResultNotice(ctx context.Context, n *ziping.ResultNotice) error {
	updated := nowIfZero(n.UpdatedAt)
	what := resultNoticeWhat(n.UnitID, n.Framework, n.Period)
	args := []any{n.UnitID, n.Framework, n.Period, n.Version, n.Issuer, n.Recipient, n.Number, dbDate(n.IssuedOn),
		nullID(n.UpdatedBy), updated}
	var v int64
	var err error
	if n.Version == 0 {
		err = db.guarded(ctx, func(q querier) error {
			return q.QueryRow(ctx, `INSERT INTO result_notices (unit_id, framework, period, version, issuer, recipient,
				number, issued_on, updated_by, updated_at) VALUES ($1, $2, $3, $4::bigint + 1, $5, $6, $7, $8, $9, $10)
				RETURNING version`, args...).Scan(&v)
		})
		err = storeError(err, "create result notice", what)
		if ziping.ErrorKind(err) == ziping.Conflict {
			err = stale("create result notice", what)
		}
	} else {
		v, err = db.versioned(ctx, "update result notice", what,
			`UPDATE result_notices SET issuer = $5, recipient = $6, number = $7, issued_on = $8, updated_by = $9,
			updated_at = $10, version = version + 1 WHERE unit_id = $1 AND framework = $2 AND period = $3 AND version = $4
			RETURNING version`,
			`SELECT 1 FROM result_notices WHERE unit_id = $1 AND framework = $2 AND period = $3`, args...)
	}
	if err != nil {
		return refError(err, fmt.Sprintf("找不到单位（编号 %d）", n.UnitID))
	}
	n.Version, n.UpdatedAt, n.IssuedOn = v, updated, day(n.IssuedOn)
	return nil
}
