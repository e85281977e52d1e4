package postgres

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ziping"
)

const auditColumns = `seq, at, COALESCE(user_id, 0), username, ip, action, object, COALESCE(audit.unit_id, 0),
	old, new, prev_hash, hash`

func scanAudit(r pgx.Row, e *ziping.AuditEntry) error {
	return r.Scan(&e.Seq, stamp{&e.At}, &e.UserID, &e.Username, &e.IP, &e.Action, &e.Object, &e.UnitID,
		&e.Old, &e.New, &e.PrevHash, &e.Hash)
}

// AppendAudit appends e to the chain: Seq is the last entry's plus one, PrevHash the
// last entry's hash, At the audit instant of e.At (now when zero), Hash computed
// over all of it; e is updated only once the entry is in. Appends from every
// instance sharing the database take turns on a transaction-scoped advisory lock,
// taken before the last entry is read, so that the chain stays linear. Inside a Tx
// the lock is held until that transaction ends.
func (db *DB) AppendAudit(ctx context.Context, e *ziping.AuditEntry, key []byte) error {
	entry := *e
	if entry.At.IsZero() {
		entry.At = time.Now()
	}
	entry.At = ziping.AuditTime(entry.At)
	err := db.atomic(ctx, func(q querier) error {
		if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, lockAudit); err != nil {
			return err
		}
		// Read committed: this statement's snapshot is taken after the lock is held,
		// so it sees the entry of whoever held it before.
		var last int64
		var prev string
		err := q.QueryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		entry.Seq, entry.PrevHash = last+1, prev
		entry.Hash = entry.Seal(key)
		_, err = q.Exec(ctx, `INSERT INTO audit (seq, at, user_id, username, ip, action, object, unit_id,
			old, new, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			entry.Seq, entry.At, nullID(entry.UserID), entry.Username, entry.IP, entry.Action, entry.Object,
			nullID(entry.UnitID), entry.Old, entry.New, entry.PrevHash, entry.Hash)
		return err
	})
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
func (db *DB) Audit(ctx context.Context, q ziping.AuditQuery) ([]ziping.AuditEntry, error) {
	query := `SELECT ` + auditColumns + ` FROM audit`
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if q.UnitPath != "" {
		// Entries without a unit are outside every subtree.
		query += ` JOIN units ON units.id = audit.unit_id`
		add(`units.path LIKE $? ESCAPE '\'`, likeEscape(q.UnitPath)+"%")
	}
	if q.UserID != 0 {
		add(`audit.user_id = $?`, q.UserID)
	}
	if !q.From.IsZero() {
		add(`at >= $?`, storedTime(q.From))
	}
	if !q.To.IsZero() {
		add(`at < $?`, storedTime(q.To))
	}
	if q.Action != "" {
		add(`action = $?`, q.Action)
	}
	if q.Before > 0 {
		add(`seq < $?`, q.Before)
	}
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	args = append(args, limit)
	rows, err := db.q.Query(ctx, query+` ORDER BY seq DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	return collect(rows, err, "audit", scanAudit)
}

// auditPage is how many entries AuditChain reads at a time.
const auditPage = 1000

// AuditChain calls fn with every entry, oldest first, stopping at fn's first error,
// which it returns. It reads a page of entries at a time, by seq, so that memory
// stays flat however long the trail and no connection is held while fn runs: fn
// may use the store, even in a Tx, where the transaction's one connection would
// otherwise still be busy with the rows.
func (db *DB) AuditChain(ctx context.Context, fn func(e *ziping.AuditEntry) error) error {
	after := int64(math.MinInt64) // every entry, even one tampered to a seq below 1
	for {
		rows, err := db.q.Query(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`,
			after, auditPage)
		page, err := collect(rows, err, "audit chain", scanAudit)
		if err != nil {
			return err
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		if len(page) < auditPage {
			return nil
		}
		after = page[len(page)-1].Seq
	}
}
