package sqlite

import (
	"context"
	"encoding/json"
	"strings"

	"ziping"
)

// schoolSorts are the sort keys Schools accepts, as SQL.
var schoolSorts = map[string]string{
	"code":     "code",
	"name":     "name",
	"stage":    "stage",
	"students": "json_extract(vals, '$.students')",
}

// schoolOrder is the ORDER BY clause for a sort key: the key, ascending or with a
// "-" prefix descending, rows without the value (students) last either way, then
// code, stage and period ascending so that paging is stable. Text is compared by
// code point (BINARY collation).
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
func schoolFilter(q ziping.SchoolQuery) (string, []any, error) {
	ids, err := json.Marshal(q.UnitIDs)
	if err != nil {
		return "", nil, internal("encode unit ids", err)
	}
	// One county (every page of one) is an equality, so that the planner takes the
	// (unit_id, period, code, stage) index, in code order; json_each takes a longer
	// id list as one argument, however many counties a province has. The unary +
	// keeps the primary key (period first) from being chosen to save the sort: it
	// would scan the whole province's year for one county's rows.
	where := ` WHERE unit_id IN (SELECT value FROM json_each(?))`
	args := []any{string(ids)}
	period := ` AND +period = ?`
	if len(q.UnitIDs) == 1 {
		where, args, period = ` WHERE unit_id = ?`, []any{q.UnitIDs[0]}, ` AND period = ?`
	}
	if q.Period != 0 {
		where += period
		args = append(args, q.Period)
	}
	if q.Stage != "" {
		where += ` AND stage = ?`
		args = append(args, q.Stage)
	}
	if s := strings.TrimSpace(q.Search); s != "" {
		pattern := "%" + likeEscape(s) + "%"
		where += ` AND (code LIKE ? ESCAPE '\' OR name LIKE ? ESCAPE '\')`
		args = append(args, pattern, pattern)
	}
	// Only the newest version of each row, of a done batch (batch_write.go).
	where += ` AND NOT (` + hidden + `)`
	return where, args, nil
}

// Schools returns a page of the school rows q selects and how many rows it selects
// in all. No unit ids select nothing; Period 0 is every period; Search is a
// substring of the code or the name; Limit 0 is no limit.
func (c conn) Schools(ctx context.Context, q ziping.SchoolQuery) ([]ziping.SchoolRecord, int, error) {
	order, err := schoolOrder(q.Sort)
	if err != nil {
		return nil, 0, err
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, 0, invalid("分页参数不能为负数")
	}
	if len(q.UnitIDs) == 0 {
		return nil, 0, nil
	}
	where, args, err := schoolFilter(q)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := c.q.QueryRowContext(ctx, `SELECT count(*) FROM schools`+where, args...).Scan(&total); err != nil {
		return nil, 0, storeError(err, "count schools", "")
	}
	limit := int64(q.Limit)
	if limit == 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := c.schoolRows(ctx, `SELECT unit_id, period, code, name, stage, type, public, row, vals, batch_id
		FROM schools`+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return rows, total, nil
}

func (c conn) schoolRows(ctx context.Context, query string, args ...any) ([]ziping.SchoolRecord, error) {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, storeError(err, "schools", "")
	}
	defer rows.Close()
	var out []ziping.SchoolRecord
	for rows.Next() {
		var s ziping.SchoolRecord
		var vals string
		if err := rows.Scan(&s.UnitID, &s.Period, &s.Code, &s.Name, &s.Stage, &s.Type, &s.Public, &s.Row,
			&vals, &s.BatchID); err != nil {
			return nil, internal("scan school", err)
		}
		if s.Values, err = decodeVals(vals); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, storeError(rows.Err(), "schools", "")
}

// Schools on the pools counts and reads in one snapshot, so that the total and the
// page agree while an import is being written.
func (db *DB) Schools(ctx context.Context, q ziping.SchoolQuery) (rows []ziping.SchoolRecord, total int, err error) {
	err = db.readTx(ctx, func(c conn) error {
		rows, total, err = c.Schools(ctx, q)
		return err
	})
	return rows, total, err
}
