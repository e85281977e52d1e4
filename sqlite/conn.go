package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// queryer is what both a pool and a transaction offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// conn runs the store's statements on one queryer: the read pool (DB's reads) or a
// write transaction (everything a Tx function does, and DB's writes).
type conn struct{ q queryer }

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// timeLayout is how times are stored: UTC, microseconds, fixed width.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dbTime is t as stored, NULL for the zero time.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// storedTime is t as it comes back from the database.
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

// stamp scans a stored time, NULL as the zero time.
type stamp struct{ t *time.Time }

func (s stamp) Scan(v any) error {
	var text string
	switch v := v.(type) {
	case nil:
		*s.t = time.Time{}
		return nil
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("time column holds %T", v)
	}
	t, err := time.Parse(timeLayout, text)
	if err != nil {
		return err
	}
	*s.t = t
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

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
