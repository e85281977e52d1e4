package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"ziping"
)

// schoolSorts are the sort keys Schools accepts, as SQL.
var schoolSorts = map[string]string{
	"code":     "code",
	"name":     "name",
	"stage":    "stage",
	"students": "(vals->>'students')::float8",
}

// schoolOrder is the ORDER BY clause for a sort key: the key, ascending or with a
// "-" prefix descending, rows without the value (students) last either way, then
// code, stage and period ascending so that paging is stable. Text is compared byte
// by byte (the columns are COLLATE "C"), as SQLite does.
func schoolOrder(sort string) (string, error) {
	key, desc, err := ziping.ParseSchoolSort(sort)
	if err != nil {
		return "", err
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	return schoolSorts[key] + " " + dir + " NULLS LAST, code, stage, period", nil
}

// schoolFilter is the WHERE clause and its arguments for q.
func schoolFilter(q ziping.SchoolQuery) (string, []any) {
	where := ` WHERE unit_id = ANY ($1)`
	args := []any{q.UnitIDs}
	add := func(cond string, arg any) {
		args = append(args, arg)
		where += " AND " + strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args)))
	}
	if q.Period != 0 {
		add(`period = $?`, q.Period)
	}
	if q.Stage != "" {
		add(`stage = $?`, q.Stage)
	}
	if s := strings.TrimSpace(q.Search); s != "" {
		// ILIKE on COLLATE "C" folds ASCII letters only: SQLite's LIKE exactly.
		add(`(code ILIKE $? ESCAPE '\' OR name ILIKE $? ESCAPE '\')`, "%"+likeEscape(s)+"%")
	}
	// Only the newest version of each row, of a done batch (batch_write.go).
	where += ` AND NOT (` + hidden + `)`
	return where, args
}

// Schools returns a page of the school rows q selects and how many rows it selects
// in all. No unit ids select nothing; Period 0 is every period; Search is a
// substring of the code or the name; Limit 0 is no limit. The count and the page
// come from one snapshot, so that they agree while an import is being written.
func (db *DB) Schools(ctx context.Context, q ziping.SchoolQuery) (rows []ziping.SchoolRecord, total int, err error) {
	order, err := schoolOrder(q.Sort)
	if err != nil {
		return nil, 0, err
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, 0, ziping.Errorf(ziping.Invalid, "分页参数不能为负数")
	}
	if len(q.UnitIDs) == 0 {
		return nil, 0, nil
	}
	where, args := schoolFilter(q)
	err = db.snapshot(ctx, func(tx querier) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM schools`+where, args...).Scan(&total); err != nil {
			return storeError(err, "count schools", "")
		}
		var limit any // NULL: no limit
		if q.Limit > 0 {
			limit = q.Limit
		}
		n := len(args)
		r, err := tx.Query(ctx, `SELECT unit_id, period, code, name, stage, type, public, "row", vals, batch_id
			FROM schools`+where+` ORDER BY `+order+
			` LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2),
			append(args, limit, q.Offset)...)
		rows, err = collect(r, err, "schools", scanSchool)
		return err
	})
	return rows, total, err
}

func scanSchool(r pgx.Row, s *ziping.SchoolRecord) error {
	var vals []byte
	if err := r.Scan(&s.UnitID, &s.Period, &s.Code, &s.Name, &s.Stage, &s.Type, &s.Public, &s.Row,
		&vals, &s.BatchID); err != nil {
		return err
	}
	var err error
	s.Values, err = decodeVals(vals)
	return err
}

// snapshot runs fn's reads in one snapshot: in a read-only repeatable-read
// transaction of its own, or in the transaction the DB is bound to.
func (db *DB) snapshot(ctx context.Context, fn func(q querier) error) error {
	if db.tx != nil {
		return fn(db.tx)
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return storeError(err, "begin read", "")
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // read-only: nothing to keep, nothing to lose
	return fn(tx)
}
