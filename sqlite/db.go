// Package sqlite is ziping's store on SQLite, through modernc.org/sqlite (pure Go, no
// cgo). It keeps one database file in WAL mode with two connection pools: several
// read connections, and a single write connection whose transactions all begin with
// BEGIN IMMEDIATE. One writer means writes queue in Go rather than fight over the
// file lock, and taking the lock up front means a transaction never has to upgrade
// from reading to writing, the upgrade that fails with SQLITE_BUSY whatever the busy
// timeout.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"ziping"
)

// busyTimeout is how long a connection waits for another process's lock (ms).
const busyTimeout = 5000

// DB is the SQLite store. Reads go through the read pool; every write runs in a
// transaction on the single writer connection. Methods are safe for concurrent use.
//
// Do not call a DB's write methods from inside a Tx function: the writer is taken by
// the transaction, so the call would wait for it forever. Use the Store handed to
// the function.
type DB struct {
	conn  // reads, on the read pool
	read  *sql.DB
	write *sql.DB
	path  string
	stmts *stmtCache // the read pool's prepared statements
}

var _ ziping.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path and checks that its
// schema is not newer than this program knows; call Migrate to bring it up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" {
		// Two pools on ":memory:" would be two different databases.
		return nil, ziping.Errorf(ziping.Invalid, "SQLite 数据库需要一个文件路径")
	}
	db := &DB{path: path}
	var err error
	if db.write, err = openPool(ctx, path, "_txlock=immediate", 1); err != nil {
		return nil, err
	}
	if err := checkWAL(ctx, db.write); err != nil {
		return nil, errors.Join(err, db.write.Close())
	}
	// query_only makes a write that slipped past the writer fail at once instead of
	// racing it for the file lock.
	readers := max(4, runtime.NumCPU())
	if db.read, err = openPool(ctx, path, "_pragma=query_only(1)", readers); err != nil {
		return nil, errors.Join(err, db.write.Close())
	}
	db.stmts = &stmtCache{db: db.read}
	db.conn = conn{q: cachedReads{q: db.read, cache: db.stmts}}
	if err := db.checkVersion(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// openPool opens a pool of at most n connections to path with the common pragmas and
// extra DSN parameters, and makes sure one connection can be made.
func openPool(ctx context.Context, path, extra string, n int) (*sql.DB, error) {
	// temp_store: an upsert's statement journal stays in memory instead of a
	// temporary file, a write system call per row saved on imports.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" +
		fmt.Sprintf("_pragma=busy_timeout(%d)", busyTimeout) +
		"&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)"
	if extra != "" {
		dsn += "&" + extra
	}
	pool, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, internal("open "+path, err)
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	pool.SetConnMaxLifetime(0)
	pool.SetConnMaxIdleTime(0)
	if err := pool.PingContext(ctx); err != nil {
		return nil, &ziping.Error{Kind: ziping.Internal, Msg: "无法打开数据库文件 " + path, Err: errors.Join(err, pool.Close())}
	}
	return pool, nil
}

// checkWAL fails when the file could not be put in WAL mode (some network file
// systems), where the read pool would block the writer and vice versa.
func checkWAL(ctx context.Context, pool *sql.DB) error {
	var mode string
	if err := pool.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return internal("journal mode", err)
	}
	if mode != "wal" {
		return ziping.Errorf(ziping.Internal, "数据库无法使用 WAL 模式（当前为 %s），请把数据库文件放在本地磁盘上", mode)
	}
	return nil
}

// Close closes both pools. The last connection to close checkpoints the WAL into the
// database file.
func (db *DB) Close() error {
	return errors.Join(db.stmts.close(), db.read.Close(), db.write.Close())
}

// Tx runs fn in one write transaction (BEGIN IMMEDIATE on the writer): everything fn
// writes through tx is committed together, or rolled back when fn returns an error
// or panics (the panic goes on after the rollback).
func (db *DB) Tx(ctx context.Context, fn func(tx ziping.Store) error) error {
	return db.inTx(ctx, func(c conn) error { return fn(&txStore{conn: c}) })
}

// inTx runs fn in a write transaction on the writer connection.
func (db *DB) inTx(ctx context.Context, fn func(c conn) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return storeError(err, "begin", "")
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback() // the panic says more than a failed rollback could
			panic(p)
		}
	}()
	if err := fn(conn{q: tx}); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, internal("rollback", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return storeError(err, "commit", "")
	}
	return nil
}

// readTx runs fn in a read transaction on the read pool, so that several queries see
// one snapshot.
func (db *DB) readTx(ctx context.Context, fn func(c conn) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return storeError(err, "begin read", "")
	}
	defer tx.Rollback() // read-only: nothing to keep, nothing to lose
	return fn(conn{q: cachedReads{q: tx, tx: tx, cache: db.stmts}})
}

// txStore is the Store handed to a Tx function: every method runs in the transaction.
type txStore struct{ conn }

var _ ziping.Store = (*txStore)(nil)

// Tx runs fn in the transaction already open: there is no nesting, an error from fn
// is returned to the caller, who decides whether the whole transaction fails.
func (s *txStore) Tx(ctx context.Context, fn func(tx ziping.Store) error) error { return fn(s) }

// Close does nothing: the transaction ends when the Tx function returns.
func (s *txStore) Close() error { return nil }
