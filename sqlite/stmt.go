package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxStmts bounds the statement cache: the store's queries are a fixed set, but a
// few (IN lists) vary with their number of arguments.
const maxStmts = 256

// stmtCache keeps the read pool's statements prepared. modernc's driver parses every
// statement it is given afresh (8% of the server's CPU under load); a *sql.Stmt is
// prepared once per pooled connection and reused, in a transaction too
// (sql.Tx.StmtContext finds the connection's prepared statement).
//
// Preparing takes a connection from the pool. A read transaction already holds one,
// so it never prepares itself: with every connection held by a transaction waiting
// for another, the pool would deadlock. It asks for the statement to be prepared in
// the background instead, and runs its query unprepared this once.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
}

// get returns the prepared statement of query, or nil: not prepared yet, the cache
// full, or a statement that does not prepare (the caller then runs the query as it
// is, so that its error is reported as usual). wait says whether the caller may wait
// for a connection to prepare it (it holds none).
func (c *stmtCache) get(ctx context.Context, query string, wait bool) *sql.Stmt {
	c.mu.Lock()
	if st, ok := c.m[query]; ok || c.closed || c.pending[query] || len(c.m)+len(c.pending) >= maxStmts {
		c.mu.Unlock()
		return st
	}
	if c.pending == nil {
		c.pending = map[string]bool{}
	}
	c.pending[query] = true
	c.mu.Unlock()
	if !wait {
		go c.prepare(context.WithoutCancel(ctx), query)
		return nil
	}
	return c.prepare(ctx, query)
}

// prepare prepares query on the pool and keeps it.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	st, err := c.db.PrepareContext(ctx, query)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, query)
	if err != nil {
		return nil
	}
	if c.closed {
		st.Close()
		return nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	c.m, c.closed = nil, true
	return errors.Join(errs...)
}

// cachedReads runs reads through the statement cache, on the pool (tx nil) or in a
// read transaction.
type cachedReads struct {
	q     queryer
	tx    *sql.Tx
	cache *stmtCache
}

func (r cachedReads) stmt(ctx context.Context, query string) *sql.Stmt {
	st := r.cache.get(ctx, query, r.tx == nil)
	if st != nil && r.tx != nil {
		st = r.tx.StmtContext(ctx, st)
	}
	return st
}

func (r cachedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.q.QueryContext(ctx, query, args...)
}

func (r cachedReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.q.QueryRowContext(ctx, query, args...)
}

// ExecContext is not cached: the read pool is query-only.
func (r cachedReads) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.q.ExecContext(ctx, query, args...)
}

func (r cachedReads) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return r.q.PrepareContext(ctx, query)
}
