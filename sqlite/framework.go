package sqlite

import (
	"context"
	"database/sql"
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

// FrameworkVersions lists every stored version of framework id, the one saved last
// first, without Source.
func (c conn) FrameworkVersions(ctx context.Context, id string) ([]ziping.StoredFramework, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, version, name, builtin, created_at, COALESCE(created_by, 0)
		FROM frameworks WHERE id = ? ORDER BY `+latestFirst, id)
	if err != nil {
		return nil, storeError(err, "framework versions", "")
	}
	defer rows.Close()
	var out []ziping.StoredFramework
	for rows.Next() {
		var f ziping.StoredFramework
		if err := rows.Scan(&f.ID, &f.Version, &f.Name, &f.Builtin, stamp{&f.CreatedAt}, &f.CreatedBy); err != nil {
			return nil, internal("scan framework version", err)
		}
		out = append(out, f)
	}
	return out, storeError(rows.Err(), "framework versions", "")
}

// FrameworkUsage counts the assessments of framework id by period and version.
func (c conn) FrameworkUsage(ctx context.Context, id string) ([]ziping.FrameworkUse, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT framework_version, period, count(*) FROM assessments
		WHERE framework = ? GROUP BY period, framework_version ORDER BY period, framework_version`, id)
	if err != nil {
		return nil, storeError(err, "framework usage", "")
	}
	defer rows.Close()
	var out []ziping.FrameworkUse
	for rows.Next() {
		var u ziping.FrameworkUse
		if err := rows.Scan(&u.Version, &u.Period, &u.Count); err != nil {
			return nil, internal("scan framework usage", err)
		}
		out = append(out, u)
	}
	return out, storeError(rows.Err(), "framework usage", "")
}

// FrameworkPeriods lists the periods' choices of framework id, by period.
func (c conn) FrameworkPeriods(ctx context.Context, id string) ([]ziping.FrameworkPeriod, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT framework, period, version, COALESCE(set_by, 0), set_at
		FROM framework_periods WHERE framework = ? ORDER BY period`, id)
	if err != nil {
		return nil, storeError(err, "framework periods", "")
	}
	defer rows.Close()
	var out []ziping.FrameworkPeriod
	for rows.Next() {
		var p ziping.FrameworkPeriod
		if err := rows.Scan(&p.Framework, &p.Period, &p.Version, &p.SetBy, stamp{&p.SetAt}); err != nil {
			return nil, internal("scan framework period", err)
		}
		out = append(out, p)
	}
	return out, storeError(rows.Err(), "framework periods", "")
}

// SetFrameworkPeriod records the version chosen from p.Period on.
func (c conn) SetFrameworkPeriod(ctx context.Context, p *ziping.FrameworkPeriod) error {
	at := nowIfZero(p.SetAt)
	_, err := c.q.ExecContext(ctx, `INSERT INTO framework_periods (framework, period, version, set_by, set_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (framework, period) DO UPDATE SET
		version = excluded.version, set_by = excluded.set_by, set_at = excluded.set_at`,
		p.Framework, p.Period, p.Version, nullID(p.SetBy), dbTime(at))
	if err != nil {
		return storeError(err, "set framework period", fmt.Sprintf("评价方案「%s」%d年度的版本", p.Framework, p.Period))
	}
	p.SetAt = at
	return nil
}

// DeleteFrameworkPeriod removes the choice of period.
func (c conn) DeleteFrameworkPeriod(ctx context.Context, id string, period int) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM framework_periods WHERE framework = ? AND period = ?`, id, period)
	if err != nil {
		return storeError(err, "delete framework period", "")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return storeError(sql.ErrNoRows, "delete framework period", fmt.Sprintf("评价方案「%s」%d年度的版本选择", id, period))
	}
	return nil
}
