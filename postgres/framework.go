package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"ziping"
)

const frameworkColumns = `id, version, name, source, builtin, created_at, COALESCE(created_by, 0)`

func scanFramework(r pgx.Row, f *ziping.StoredFramework) error {
	return r.Scan(&f.ID, &f.Version, &f.Name, &f.Source, &f.Builtin, stamp{&f.CreatedAt}, &f.CreatedBy)
}

// SaveFramework stores a framework version. A zero CreatedAt becomes now (and is set
// in f as stored); an id+version already stored is a Conflict: versions are never
// rewritten.
func (db *DB) SaveFramework(ctx context.Context, f *ziping.StoredFramework) error {
	created := nowIfZero(f.CreatedAt)
	source := f.Source
	if source == nil {
		source = []byte{} // NOT NULL: an empty file is still a file
	}
	_, err := db.exec(ctx, "save framework", fmt.Sprintf("评价方案「%s」版本「%s」", f.ID, f.Version),
		`INSERT INTO frameworks (id, version, name, source, builtin, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		f.ID, f.Version, f.Name, source, f.Builtin, created, nullID(f.CreatedBy))
	if err != nil {
		return err
	}
	f.CreatedAt = created
	return nil
}

// latestFirst orders the versions of a framework newest first: by when they were
// saved, then by version text (byte order) for versions saved in the same
// microsecond. The SQLite store orders alike.
const latestFirst = `created_at DESC, version DESC`

// Framework returns the given version of a framework, or its latest when version is
// "": the one saved last (see latestFirst), not the highest version string, since
// version strings follow no one scheme.
func (db *DB) Framework(ctx context.Context, id, version string) (*ziping.StoredFramework, error) {
	query := `SELECT ` + frameworkColumns + ` FROM frameworks WHERE id = $1 AND version = $2`
	args := []any{id, version}
	what := fmt.Sprintf("评价方案「%s」版本「%s」", id, version)
	if version == "" {
		query = `SELECT ` + frameworkColumns + ` FROM frameworks WHERE id = $1 ORDER BY ` + latestFirst + ` LIMIT 1`
		args, what = args[:1], fmt.Sprintf("评价方案「%s」", id)
	}
	var f ziping.StoredFramework
	if err := scanFramework(db.q.QueryRow(ctx, query, args...), &f); err != nil {
		return nil, storeError(err, "framework", what)
	}
	return &f, nil
}

// Frameworks returns the latest version of each framework, ordered by id.
func (db *DB) Frameworks(ctx context.Context) ([]ziping.StoredFramework, error) {
	rows, err := db.q.Query(ctx, `SELECT DISTINCT ON (id) `+frameworkColumns+`
		FROM frameworks ORDER BY id, `+latestFirst)
	return collect(rows, err, "frameworks", scanFramework)
}
