// Package postgres is ziping's store on PostgreSQL, through pgx (pgxpool, pgx's own
// interface rather than database/sql: COPY for bulk imports, native timestamptz,
// jsonb and array parameters, and advisory locks held on one pooled connection).
//
// Several processes ("instances") may share one database: every write they must
// agree on is serialised by the database itself (advisory locks for the audit chain
// and for migrations), never by memory in one process.
package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"ziping"
)

// querier is what the store's methods run statements on: the pool, a transaction,
// or a savepoint inside one.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
	Begin(ctx context.Context) (pgx.Tx, error)
}

// DB is the PostgreSQL store. Its methods are safe for concurrent use. The DB that
// Tx hands to its function runs every method in that transaction.
type DB struct {
	pool *pgxpool.Pool
	q    querier // the pool, or tx
	tx   pgx.Tx  // non-nil in a DB bound to a transaction
}

var _ ziping.Store = (*DB)(nil)

// Open connects to the database at dsn (a postgres:// URL or keyword=value string)
// and checks that its schema is not newer than this program knows; call Migrate to
// bring it up to date. Sessions run with timezone UTC.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgconn's parse errors leave the password out.
		return nil, &ziping.Error{Kind: ziping.Invalid, Msg: "PostgreSQL 连接串有误", Err: err}
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "ziping" // for pg_stat_activity
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, &ziping.Error{Kind: ziping.Internal, Msg: "无法连接 PostgreSQL", Err: err}
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, &ziping.Error{Kind: ziping.Internal, Msg: "无法连接 PostgreSQL", Err: err}
	}
	db := &DB{pool: pool, q: pool}
	if err := db.checkVersion(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool. On a DB bound to a transaction it does nothing: the
// transaction ends when its Tx function returns.
func (db *DB) Close() error {
	if db.tx == nil {
		db.pool.Close()
	}
	return nil
}

// Tx runs fn in one transaction: everything fn writes through tx is committed
// together, or rolled back when fn returns an error or panics (the panic goes on
// after the rollback). Tx on a DB already bound to a transaction runs fn in that
// same transaction; an error from fn goes to the caller, who decides whether the
// whole transaction fails. The DB handed to fn is one connection: use it from fn's
// goroutine only.
func (db *DB) Tx(ctx context.Context, fn func(tx ziping.Store) error) (err error) {
	if db.tx != nil {
		return fn(db)
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return storeError(err, "begin", "")
	}
	// The rollback must happen even when ctx is what failed.
	rollback := func() error { return tx.Rollback(context.WithoutCancel(ctx)) }
	defer func() {
		if p := recover(); p != nil {
			_ = rollback() // the panic says more than a failed rollback could
			panic(p)
		}
	}()
	if err := fn(&DB{pool: db.pool, q: tx, tx: tx}); err != nil {
		if rbErr := rollback(); rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) {
			return errors.Join(err, internal("rollback", rbErr))
		}
		return err
	}
	return storeError(tx.Commit(ctx), "commit", "")
}

// atomic runs fn's statements all or nothing: in a transaction of its own, or, in a
// DB bound to a transaction, under a savepoint. The savepoint matters: PostgreSQL
// aborts a whole transaction at its first failed statement, and a caller that
// handles, say, a Conflict inside its Tx must be able to go on (as with SQLite).
func (db *DB) atomic(ctx context.Context, fn func(q querier) error) (err error) {
	tx, err := db.q.Begin(ctx)
	if err != nil {
		return storeError(err, "begin", "")
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx)) // err says why; the connection resets if this fails
		return err
	}
	return storeError(tx.Commit(ctx), "commit", "")
}

// guarded runs one writing statement: directly on the pool (a statement is its own
// transaction), under a savepoint inside a transaction (see atomic).
func (db *DB) guarded(ctx context.Context, fn func(q querier) error) error {
	if db.tx == nil {
		return fn(db.q)
	}
	return db.atomic(ctx, fn)
}

// exec runs one writing statement through guarded and translates its error.
func (db *DB) exec(ctx context.Context, op, what, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := db.guarded(ctx, func(q querier) error {
		var err error
		tag, err = q.Exec(ctx, sql, args...)
		return err
	})
	return tag, storeError(err, op, what)
}
