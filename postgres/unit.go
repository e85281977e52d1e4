package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"ziping"
)

const unitColumns = `id, code, name, level, COALESCE(parent_id, 0), path`

func scanUnit(r pgx.Row, u *ziping.OrgUnit) error {
	return r.Scan(&u.ID, &u.Code, &u.Name, &u.Level, &u.ParentID, &u.Path)
}

// CreateUnit inserts u and sets its ID and Path. The parent must exist (NotFound);
// a duplicate code is a Conflict.
func (db *DB) CreateUnit(ctx context.Context, u *ziping.OrgUnit) error {
	parentPath := "/"
	if u.ParentID != 0 {
		p, err := db.Unit(ctx, u.ParentID)
		if ziping.ErrorKind(err) == ziping.NotFound {
			return &ziping.Error{Kind: ziping.NotFound, Msg: fmt.Sprintf("找不到上级单位（编号 %d）", u.ParentID), Err: err}
		}
		if err != nil {
			return err
		}
		parentPath = p.Path
	}
	// The path holds the id: take the id from the sequence first, so that the row
	// goes in whole, in one statement. (A parent deleted meanwhile fails the foreign
	// key; units are never deleted anyway.)
	var id int64
	var path string
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `WITH n AS (SELECT nextval(pg_get_serial_sequence('units', 'id')) AS id)
			INSERT INTO units (id, code, name, level, parent_id, path)
			SELECT n.id, $1, $2, $3, $4, $5 || n.id || '/' FROM n RETURNING id, path`,
			u.Code, u.Name, u.Level, nullID(u.ParentID), parentPath).Scan(&id, &path)
	})
	if err != nil {
		return storeError(err, "create unit", fmt.Sprintf("单位代码「%s」", u.Code))
	}
	u.ID, u.Path = id, path
	return nil
}

// Unit returns the unit with the given id.
func (db *DB) Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error) {
	var u ziping.OrgUnit
	err := scanUnit(db.q.QueryRow(ctx, `SELECT `+unitColumns+` FROM units WHERE id = $1`, id), &u)
	if err != nil {
		return nil, storeError(err, "unit", fmt.Sprintf("单位（编号 %d）", id))
	}
	return &u, nil
}

// UnitByCode returns the unit with the given official code.
func (db *DB) UnitByCode(ctx context.Context, code string) (*ziping.OrgUnit, error) {
	var u ziping.OrgUnit
	err := scanUnit(db.q.QueryRow(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1`, code), &u)
	if err != nil {
		return nil, storeError(err, "unit by code", fmt.Sprintf("代码为「%s」的单位", code))
	}
	return &u, nil
}

// UnitsByCode returns the units of the given codes that exist, ordered by code.
func (db *DB) UnitsByCode(ctx context.Context, codes []string) ([]ziping.OrgUnit, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	rows, err := db.q.Query(ctx, `SELECT `+unitColumns+` FROM units WHERE code = ANY ($1) ORDER BY code`, codes)
	return collect(rows, err, "units by code", scanUnit)
}

// Subtree returns root and every unit below it, ordered by path (so a parent comes
// before its children), keeping only the given levels when there are any. A nil root
// means the whole tree.
func (db *DB) Subtree(ctx context.Context, root *ziping.OrgUnit, levels ...string) ([]ziping.OrgUnit, error) {
	prefix := ""
	if root != nil {
		if len(root.Path) < 3 || root.Path[len(root.Path)-1] != '/' {
			return nil, ziping.Errorf(ziping.Invalid, "单位「%s」没有有效的路径", root.Code)
		}
		prefix = root.Path
	}
	if levels == nil {
		levels = []string{} // nil would be NULL, and match nothing
	}
	// path is COLLATE "C", so the prefix LIKE is an index range scan and the order
	// is byte order, as in SQLite.
	rows, err := db.q.Query(ctx, `SELECT `+unitColumns+` FROM units
		WHERE path LIKE $1 || '%' AND (cardinality($2::text[]) = 0 OR level = ANY ($2))
		ORDER BY path`, likeEscape(prefix), levels)
	return collect(rows, err, "subtree", scanUnit)
}
