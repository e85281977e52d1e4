package sqlite

import (
	"context"
	"fmt"

	"ziping"
)

const frameworkColumns = `id, version, name, source, builtin, created_at, COALESCE(created_by, 0)`

func scanFramework(s scanner, f *ziping.StoredFramework) error {
	return s.Scan(&f.ID, &f.Version, &f.Name, &f.Source, &f.Builtin, stamp{&f.CreatedAt}, &f.CreatedBy)
}

// SaveFramework stores a framework version. A zero CreatedAt becomes now (and is set
// in f as stored); an id+version already stored is a Conflict: versions are never
// rewritten.
func (c conn) SaveFramework(ctx context.Context, f *ziping.StoredFramework) error {
	created := nowIfZero(f.CreatedAt)
	source := f.Source
	if source == nil {
		source = []byte{} // NOT NULL: an empty file is still a file
	}
	_, err := c.q.ExecContext(ctx, `INSERT INTO frameworks (id, version, name, source, builtin, created_at,
		created_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.Version, f.Name, source, f.Builtin, dbTime(created), nullID(f.CreatedBy))
	if err != nil {
		return storeError(err, "save framework", fmt.Sprintf("评价方案「%s」版本「%s」", f.ID, f.Version))
	}
	f.CreatedAt = created
	return nil
}

// latestFirst orders the versions of a framework newest first: by when they were
// saved, then by version text for versions saved in the same microsecond.
const latestFirst = `created_at DESC, version DESC`

// Framework returns the given version of a framework, or its latest when version is
// "": the one saved last (see latestFirst), not the highest version string, since
// version strings follow no one scheme.
func (c conn) Framework(ctx context.Context, id, version string) (*ziping.StoredFramework, error) {
	query := `SELECT ` + frameworkColumns + ` FROM frameworks WHERE id = ? AND version = ?`
	args := []any{id, version}
	what := fmt.Sprintf("评价方案「%s」版本「%s」", id, version)
	if version == "" {
		query = `SELECT ` + frameworkColumns + ` FROM frameworks WHERE id = ? ORDER BY ` + latestFirst + ` LIMIT 1`
		args, what = args[:1], fmt.Sprintf("评价方案「%s」", id)
	}
	var f ziping.StoredFramework
	if err := scanFramework(c.q.QueryRowContext(ctx, query, args...), &f); err != nil {
		return nil, storeError(err, "framework", what)
	}
	return &f, nil
}

// Frameworks returns the latest version of each framework, ordered by id.
func (c conn) Frameworks(ctx context.Context) ([]ziping.StoredFramework, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+frameworkColumns+` FROM (
		SELECT *, row_number() OVER (PARTITION BY id ORDER BY `+latestFirst+`) AS n FROM frameworks
	) WHERE n = 1 ORDER BY id`)
	if err != nil {
		return nil, storeError(err, "frameworks", "")
	}
	defer rows.Close()
	var out []ziping.StoredFramework
	for rows.Next() {
		var f ziping.StoredFramework
		if err := scanFramework(rows, &f); err != nil {
			return nil, internal("scan framework", err)
		}
		out = append(out, f)
	}
	return out, storeError(rows.Err(), "frameworks", "")
}
