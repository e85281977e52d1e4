package sqlite

import (
	"context"
	"errors"
	"fmt"

	"ziping"
)

const resultNoticeColumns = `unit_id, framework, period, issuer, recipient, number, issued_on, version,
	COALESCE(updated_by, 0), updated_at`

func resultNoticeWhat(unitID int64, framework string, period int) string {
	return fmt.Sprintf("单位（编号 %d）%d年度%s的评价结果通报", unitID, period, framework)
}

// ResultNotice returns the particulars of a results notice: NotFound when none.
func (c conn) ResultNotice(ctx context.Context, unitID int64, framework string, period int) (*ziping.ResultNotice, error) {
	var n ziping.ResultNotice
	err := c.q.QueryRowContext(ctx, `SELECT `+resultNoticeColumns+` FROM result_notices
		WHERE unit_id = ? AND framework = ? AND period = ?`, unitID, framework, period).Scan(&n.UnitID, &n.Framework, &n.Period,
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
func (c conn) SaveResultNotice(ctx context.Context, n *ziping.ResultNotice) error {
	updated, issued := nowIfZero(n.UpdatedAt), day(n.IssuedOn)
	what, op := resultNoticeWhat(n.UnitID, n.Framework, n.Period), "save result notice"
	if n.Version == 0 {
		res, err := c.q.ExecContext(ctx, `INSERT INTO result_notices (unit_id, framework, period, issuer, recipient,
			number, issued_on, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
			n.UnitID, n.Framework, n.Period, n.Issuer, n.Recipient, n.Number, dbTime(issued), nullID(n.UpdatedBy), dbTime(updated))
		if err != nil {
			err = storeError(err, op, what)
			var de *ziping.Error
			if errors.As(err, &de) && de.Kind == ziping.NotFound { // the only reference is the unit
				return &ziping.Error{Kind: ziping.NotFound, Msg: fmt.Sprintf("找不到单位（编号 %d）", n.UnitID), Err: de.Err}
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
		res, err := c.q.ExecContext(ctx, `UPDATE result_notices SET issuer = ?, recipient = ?, number = ?, issued_on = ?,
			version = version + 1, updated_by = ?, updated_at = ? WHERE unit_id = ? AND framework = ? AND period = ? AND version = ?`,
			n.Issuer, n.Recipient, n.Number, dbTime(issued), nullID(n.UpdatedBy), dbTime(updated), n.UnitID, n.Framework, n.Period, n.Version)
		if err != nil {
			return storeError(err, op, what)
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			return c.missedWrite(ctx, err, op, what, `SELECT 1 FROM result_notices WHERE unit_id = ? AND framework = ? AND period = ?`,
				n.UnitID, n.Framework, n.Period)
		}
	}
	n.Version++
	n.UpdatedAt, n.IssuedOn = updated, issued
	return nil
}

// SaveResultNotice creates or updates a results notice's particulars in a write
// transaction of its own; see conn.SaveResultNotice.
func (db *DB) SaveResultNotice(ctx context.Context, n *ziping.ResultNotice) error {
	return db.inTx(ctx, func(c conn) error { return c.SaveResultNotice(ctx, n) })
}
