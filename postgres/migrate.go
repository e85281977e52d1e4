package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

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

// Advisory lock keys, the first of pg_advisory_lock's two int4 keys ("ziping" is not
// a number; these are arbitrary and only need to differ from other programs'). The
// second key is the schema's hash, so that ziping installations in different
// schemas of one database do not wait for each other.
const (
	lockMigrate = 0x7a690001
	lockAudit   = 0x7a690002
	lockData    = 0x7a690003 // data versions: batches become done one at a time
)

const createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// Migrate applies the embedded migrations the database does not have yet, each in
// its own transaction together with its row in schema_migrations. Instances that
// start together take turns: the first holds an advisory lock while it migrates,
// the others then find nothing left to do.
func (db *DB) Migrate(ctx context.Context) error {
	if db.tx != nil {
		return ziping.Errorf(ziping.Internal, "不能在事务中升级数据库结构")
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return storeError(err, "acquire", "")
	}
	defer conn.Release()
	// A session lock, so that it spans the migrations' own transactions.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, lockMigrate); err != nil {
		return storeError(err, "lock for migrations", "")
	}
	defer func() {
		// Unlock even when ctx is done; if this fails too, the lock goes with the
		// connection, which Release then discards as broken.
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, lockMigrate)
	}()
	if _, err := conn.Exec(ctx, createMigrations); err != nil {
		return storeError(err, "create schema_migrations", "")
	}
	locked := &DB{pool: db.pool, q: conn}
	if err := locked.checkVersion(ctx); err != nil {
		return err
	}
	for _, m := range migrations() {
		if err := apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

// apply runs m in a transaction unless it has been applied already.
func apply(ctx context.Context, conn *pgxpool.Conn, m ziping.Migration) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return storeError(err, "begin", "")
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
	var done bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, m.Version).Scan(&done)
	if err != nil || done {
		return storeError(err, "check migration", "")
	}
	if _, err := tx.Exec(ctx, m.SQL); err != nil {
		return &ziping.Error{Kind: ziping.Internal, Msg: fmt.Sprintf("数据库结构升级到版本 %d 失败", m.Version),
			Err: fmt.Errorf("migration %s: %w", m.Name, err)}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.Version); err != nil {
		return storeError(err, "record migration", "")
	}
	return storeError(tx.Commit(ctx), "commit migration", "")
}

// SchemaVersion returns the newest migration applied, 0 for a new database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	// Look before reading: a missing table would be an error, and an error aborts a
	// caller's transaction.
	var exists bool
	err := db.q.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	if err != nil || !exists {
		return 0, storeError(err, "schema version", "")
	}
	var v int
	err = db.q.QueryRow(ctx, `SELECT COALESCE(max(version), 0) FROM schema_migrations`).Scan(&v)
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
