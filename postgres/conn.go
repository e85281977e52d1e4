package postgres

import (
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// dbTime is t as stored: UTC, microseconds; NULL for the zero time.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return storedTime(t)
}

// storedTime is t as it comes back from the database: UTC, microseconds (the
// precision of timestamptz, and of ziping.AuditTime).
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nowIfZero is t, or the present instant when t is zero, as stored.
func nowIfZero(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return storedTime(t)
}

// stamp scans a timestamptz into a time in UTC, NULL as the zero time.
type stamp struct{ t *time.Time }

// Scan implements sql.Scanner, which pgx honours.
func (s stamp) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	default:
		return fmt.Errorf("time column holds %T", v)
	}
	return nil
}

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// likeEscape escapes LIKE's wildcards so that s matches only itself (ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// collect reads every row of rows with scan, translating errors for op.
func collect[T any](rows pgx.Rows, queryErr error, op string, scan func(pgx.Row, *T) error) ([]T, error) {
	if queryErr != nil {
		return nil, storeError(queryErr, op, "")
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, internal("scan "+op, err)
		}
		out = append(out, v)
	}
	return out, storeError(rows.Err(), op, "")
}
