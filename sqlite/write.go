package sqlite

import (
	"context"
	"time"

	"ziping"
)

// The DB's write methods: each runs the conn method in a write transaction of its
// own on the writer connection. (conn's promoted methods would run on the read pool,
// whose connections are query_only, so a write missing here fails loudly.)

// CreateUnit inserts u and sets its ID and Path; see conn.CreateUnit.
func (db *DB) CreateUnit(ctx context.Context, u *ziping.OrgUnit) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateUnit(ctx, u) })
}

// CreateUser inserts u and sets its ID; see conn.CreateUser.
func (db *DB) CreateUser(ctx context.Context, u *ziping.User) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateUser(ctx, u) })
}

// UpdateUser writes u; see conn.UpdateUser.
func (db *DB) UpdateUser(ctx context.Context, u *ziping.User) error {
	return db.inTx(ctx, func(c conn) error { return c.UpdateUser(ctx, u) })
}

// CreateSession stores s; see conn.CreateSession.
func (db *DB) CreateSession(ctx context.Context, s *ziping.Session) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateSession(ctx, s) })
}

// DeleteSession deletes a session; see conn.DeleteSession.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.inTx(ctx, func(c conn) error { return c.DeleteSession(ctx, tokenHash) })
}

// DeleteExpiredSessions deletes the sessions expired at now; see conn.DeleteExpiredSessions.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return db.inTx(ctx, func(c conn) error { return c.DeleteExpiredSessions(ctx, now) })
}

// SaveFramework stores a framework version; see conn.SaveFramework.
func (db *DB) SaveFramework(ctx context.Context, f *ziping.StoredFramework) error {
	return db.inTx(ctx, func(c conn) error { return c.SaveFramework(ctx, f) })
}

// CreateBatch records a batch and its rows atomically; see conn.CreateBatch.
func (db *DB) CreateBatch(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateBatch(ctx, b, schools, facts) })
}

// AppendAudit appends an entry to the chain; see conn.AppendAudit.
func (db *DB) AppendAudit(ctx context.Context, e *ziping.AuditEntry) error {
	return db.inTx(ctx, func(c conn) error { return c.AppendAudit(ctx, e) })
}
