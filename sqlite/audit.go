package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"ziping"
)

const auditColumns = `seq, at, COALESCE(user_id, 0), username, ip, action, object, COALESCE(audit.unit_id, 0),
	old, new, prev_hash, hash`

func scanAudit(s scanner, e *ziping.AuditEntry) error {
	return s.Scan(&e.Seq, stamp{&e.At}, &e.UserID, &e.Username, &e.IP, &e.Action, &e.Object, &e.UnitID,
		&e.Old, &e.New, &e.PrevHash, &e.Hash)
}

// AppendAudit appends e to the chain: Seq is the last entry's plus one, PrevHash the
// last entry's hash, At the audit instant of e.At (now when zero), Hash computed
// over all of it. It runs in a write transaction, which holds the database's one
// write lock from BEGIN IMMEDIATE on, so that no other process or connection can
// append between reading the last entry and writing this one.
func (c conn) AppendAudit(ctx context.Context, e *ziping.AuditEntry, key []byte) error {
	var last int64
	var prev string
	err := c.q.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return storeError(err, "last audit entry", "")
	}
	entry := *e
	if entry.At.IsZero() {
		entry.At = time.Now()
	}
	entry.Seq, entry.PrevHash, entry.At = last+1, prev, ziping.AuditTime(entry.At)
	entry.Hash = entry.Seal(key)
	_, err = c.q.ExecContext(ctx, `INSERT INTO audit (seq, at, user_id, username, ip, action, object, unit_id,
		old, new, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		entry.Seq, dbTime(entry.At), nullID(entry.UserID), entry.Username, entry.IP, entry.Action, entry.Object,
		nullID(entry.UnitID), entry.Old, entry.New, entry.PrevHash, entry.Hash)
	if err != nil {
		return storeError(err, "append audit", "审计记录")
	}
	*e = entry
	return nil
}

// defaultAuditLimit is how many entries Audit returns when the query gives no limit.
const defaultAuditLimit = 100

// Audit returns the entries q selects, newest first: in the subtree of UnitPath, by
// UserID, at or after From and before To, with Seq below Before, at most Limit
// (default 100).
func (c conn) Audit(ctx context.Context, q ziping.AuditQuery) ([]ziping.AuditEntry, error) {
	query := `SELECT ` + auditColumns + ` FROM audit`
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	if q.UnitPath != "" {
		lo, hi, err := pathRange(q.UnitPath)
		if err != nil {
			return nil, err
		}
		// Entries without a unit are outside every subtree.
		query += ` JOIN units ON units.id = audit.unit_id`
		add(`units.path >= ? AND units.path < ?`, lo, hi)
	}
	if q.UserID != 0 {
		add(`audit.user_id = ?`, q.UserID)
	}
	if !q.From.IsZero() {
		add(`at >= ?`, dbTime(storedTime(q.From)))
	}
	if !q.To.IsZero() {
		add(`at < ?`, dbTime(storedTime(q.To)))
	}
	if q.Action != "" {
		add(`action = ?`, q.Action)
	}
	if q.Before > 0 {
		add(`seq < ?`, q.Before)
	}
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	var out []ziping.AuditEntry
	err := c.auditRows(ctx, query+` ORDER BY seq DESC LIMIT ?`, append(args, limit), func(e *ziping.AuditEntry) error {
		out = append(out, *e)
		return nil
	})
	return out, err
}

// AuditChain calls fn with every entry, oldest first, stopping at fn's first error,
// which it returns.
func (c conn) AuditChain(ctx context.Context, fn func(e *ziping.AuditEntry) error) error {
	return c.auditRows(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY seq`, nil, fn)
}

func (c conn) auditRows(ctx context.Context, query string, args []any, fn func(e *ziping.AuditEntry) error) error {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return storeError(err, "audit", "")
	}
	defer rows.Close()
	for rows.Next() {
		var e ziping.AuditEntry
		if err := scanAudit(rows, &e); err != nil {
			return internal("scan audit", err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return storeError(rows.Err(), "audit", "")
}
