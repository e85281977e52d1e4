package sqlite

import (
	"context"
	"embed"
	"fmt"
	"time"

	"ziping"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are the embedded schema changes, ordered by version.
func migrations() []ziping.Migration { return ziping.ReadMigrations(migrationFiles, "migrations") }

// Migrations returns the schema versions this program carries, in order, so that a
// test can hold both dialects to the same list.
func Migrations() []int { return ziping.MigrationVersions(migrations()) }

// latest is the newest schema version this program knows.
func latest() int { return ziping.LatestMigration(migrations()) }

const createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	applied_at TEXT    NOT NULL
)`

// Migrate applies the embedded migrations the database does not have yet, each in
// its own transaction together with its row in schema_migrations. It is safe to run
// from several processes at once: the write lock is taken before looking.
func (db *DB) Migrate(ctx context.Context) error {
	if err := db.checkVersion(ctx); err != nil {
		return err
	}
	for _, m := range migrations() {
		err := db.inTx(ctx, func(c conn) error { return c.apply(ctx, m) })
		if err != nil {
			return err
		}
	}
	return nil
}

// apply runs m unless it has been applied already.
func (c conn) apply(ctx context.Context, m ziping.Migration) error {
	if _, err := c.q.ExecContext(ctx, createMigrations); err != nil {
		return internal("create schema_migrations", err)
	}
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n)
	if err != nil || n > 0 {
		return storeError(err, "check migration", "")
	}
	if _, err := c.q.ExecContext(ctx, m.SQL); err != nil {
		return &ziping.Error{Kind: ziping.Internal, Msg: fmt.Sprintf("数据库结构升级到版本 %d 失败", m.Version),
			Err: fmt.Errorf("migration %s: %w", m.Name, err)}
	}
	_, err = c.q.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.Version, dbTime(time.Now()))
	return storeError(err, "record migration", "")
}

// SchemaVersion returns the newest migration applied, 0 for a new database.
func (c conn) SchemaVersion(ctx context.Context) (int, error) {
	var exists int
	err := c.q.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists)
	if err != nil || exists == 0 {
		return 0, storeError(err, "schema version", "")
	}
	var v int
	err = c.q.QueryRowContext(ctx, `SELECT COALESCE(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, storeError(err, "schema version", "")
}

// checkVersion refuses a database written by a newer ziping: this program would not
// know what its tables mean.
func (db *DB) checkVersion(ctx context.Context) error {
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if m := latest(); v > m {
		return ziping.SchemaTooNew(v, m)
	}
	return nil
}
