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

// CreateAssessment inserts a; see conn.CreateAssessment.
func (db *DB) CreateAssessment(ctx context.Context, a *ziping.Assessment) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateAssessment(ctx, a) })
}

// UpdateAssessment writes a if nobody wrote it since it was read; see conn.UpdateAssessment.
func (db *DB) UpdateAssessment(ctx context.Context, a *ziping.Assessment) error {
	return db.inTx(ctx, func(c conn) error { return c.UpdateAssessment(ctx, a) })
}

// SavePointScore creates or updates a score; see conn.SavePointScore.
func (db *DB) SavePointScore(ctx context.Context, ps *ziping.PointScore) error {
	return db.inTx(ctx, func(c conn) error { return c.SavePointScore(ctx, ps) })
}

// DeletePointScore deletes a score; see conn.DeletePointScore.
func (db *DB) DeletePointScore(ctx context.Context, assessmentID int64, side, code string, version int64) error {
	return db.inTx(ctx, func(c conn) error { return c.DeletePointScore(ctx, assessmentID, side, code, version) })
}

// CreateEvidence records evidence and keeps its file; see conn.CreateEvidence.
func (db *DB) CreateEvidence(ctx context.Context, e *ziping.Evidence, data []byte) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateEvidence(ctx, e, data) })
}

// DeleteEvidence deletes an evidence link; see conn.DeleteEvidence.
func (db *DB) DeleteEvidence(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(c conn) error { return c.DeleteEvidence(ctx, id) })
}

// CreateSnapshot stores a snapshot; see conn.CreateSnapshot.
func (db *DB) CreateSnapshot(ctx context.Context, s *ziping.Snapshot) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateSnapshot(ctx, s) })
}

// CreateProblem inserts a problem; see conn.CreateProblem.
func (db *DB) CreateProblem(ctx context.Context, p *ziping.Problem) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateProblem(ctx, p) })
}

// UpdateProblem writes p if nobody wrote it since it was read; see conn.UpdateProblem.
func (db *DB) UpdateProblem(ctx context.Context, p *ziping.Problem) error {
	return db.inTx(ctx, func(c conn) error { return c.UpdateProblem(ctx, p) })
}

// SaveReportDraft creates or updates a report draft; see conn.SaveReportDraft.
func (db *DB) SaveReportDraft(ctx context.Context, r *ziping.ReportDraft) error {
	return db.inTx(ctx, func(c conn) error { return c.SaveReportDraft(ctx, r) })
}
