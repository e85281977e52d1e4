package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"ziping"
)

const unitColumns = `id, code, name, level, COALESCE(parent_id, 0), path`

func scanUnit(s scanner, u *ziping.OrgUnit) error {
	return s.Scan(&u.ID, &u.Code, &u.Name, &u.Level, &u.ParentID, &u.Path)
}

// CreateUnit inserts u and sets its ID and Path. The parent must exist (NotFound);
// a duplicate code is a Conflict.
func (c conn) CreateUnit(ctx context.Context, u *ziping.OrgUnit) error {
	parentPath := "/"
	if u.ParentID != 0 {
		p, err := c.Unit(ctx, u.ParentID)
		if ziping.ErrorKind(err) == ziping.NotFound {
			return &ziping.Error{Kind: ziping.NotFound, Msg: fmt.Sprintf("找不到上级单位（编号 %d）", u.ParentID), Err: err}
		}
		if err != nil {
			return err
		}
		parentPath = p.Path
	}
	// The path holds the id, known only once the row is in; until the update below
	// a path no real unit can have keeps the UNIQUE constraint quiet.
	var id int64
	err := c.q.QueryRowContext(ctx,
		`INSERT INTO units (code, name, level, parent_id, path) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		u.Code, u.Name, u.Level, nullID(u.ParentID), "new:"+u.Code).Scan(&id)
	if err != nil {
		return storeError(err, "create unit", fmt.Sprintf("单位代码「%s」", u.Code))
	}
	path := parentPath + strconv.FormatInt(id, 10) + "/"
	if _, err := c.q.ExecContext(ctx, `UPDATE units SET path = ? WHERE id = ?`, path, id); err != nil {
		return storeError(err, "set unit path", "")
	}
	u.ID, u.Path = id, path
	return nil
}

// Unit returns the unit with the given id.
func (c conn) Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error) {
	var u ziping.OrgUnit
	err := scanUnit(c.q.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE id = ?`, id), &u)
	if err != nil {
		return nil, storeError(err, "unit", fmt.Sprintf("单位（编号 %d）", id))
	}
	return &u, nil
}

// UnitByCode returns the unit with the given official code.
func (c conn) UnitByCode(ctx context.Context, code string) (*ziping.OrgUnit, error) {
	var u ziping.OrgUnit
	err := scanUnit(c.q.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = ?`, code), &u)
	if err != nil {
		return nil, storeError(err, "unit by code", fmt.Sprintf("代码为「%s」的单位", code))
	}
	return &u, nil
}

// pathRange is the range of paths in the subtree at path: [path, hi). A range rather
// than LIKE because it uses the path index (SQLite's LIKE is case-insensitive and so
// cannot). Paths hold only digits and '/', and every path below "/1/4/" starts with
// it and sorts before "/1/40", the same path with its final '/' bumped to '0'.
func pathRange(path string) (lo, hi string, err error) {
	if len(path) < 3 || path[0] != '/' || path[len(path)-1] != '/' {
		return "", "", invalid("单位路径「%s」无效", path)
	}
	return path, path[:len(path)-1] + "0", nil
}

// Subtree returns root and every unit below it, ordered by path (so a parent comes
// before its children), keeping only the given levels when there are any. A nil root
// means the whole tree.
func (c conn) Subtree(ctx context.Context, root *ziping.OrgUnit, levels ...string) ([]ziping.OrgUnit, error) {
	query := `SELECT ` + unitColumns + ` FROM units WHERE 1 = 1`
	var args []any
	if root != nil {
		lo, hi, err := pathRange(root.Path)
		if err != nil {
			return nil, err
		}
		query += ` AND path >= ? AND path < ?`
		args = append(args, lo, hi)
	}
	if len(levels) > 0 {
		query += ` AND level IN (` + placeholders(len(levels)) + `)`
		for _, l := range levels {
			args = append(args, l)
		}
	}
	return c.units(ctx, "subtree", query+` ORDER BY path`, args...)
}

// UnitsByCode returns the units of the given codes that exist, ordered by code. The
// codes are one JSON argument, so that the statement is the same for any number.
func (c conn) UnitsByCode(ctx context.Context, codes []string) ([]ziping.OrgUnit, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(codes)
	if err != nil {
		return nil, internal("encode unit codes", err)
	}
	return c.units(ctx, "units by code", `SELECT `+unitColumns+` FROM units
		WHERE code IN (SELECT value FROM json_each(?)) ORDER BY code`, string(list))
}

// units runs a query of units.
func (c conn) units(ctx context.Context, what, query string, args ...any) ([]ziping.OrgUnit, error) {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, storeError(err, what, "")
	}
	defer rows.Close()
	var out []ziping.OrgUnit
	for rows.Next() {
		var u ziping.OrgUnit
		if err := scanUnit(rows, &u); err != nil {
			return nil, internal("scan unit", err)
		}
		out = append(out, u)
	}
	return out, storeError(rows.Err(), what, "")
}
