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

// SetFrameworkPeriod records a period's version; see conn.SetFrameworkPeriod.
func (db *DB) SetFrameworkPeriod(ctx context.Context, p *ziping.FrameworkPeriod) error {
	return db.inTx(ctx, func(c conn) error { return c.SetFrameworkPeriod(ctx, p) })
}

// DeleteFrameworkPeriod removes a period's version; see conn.DeleteFrameworkPeriod.
func (db *DB) DeleteFrameworkPeriod(ctx context.Context, id string, period int) error {
	return db.inTx(ctx, func(c conn) error { return c.DeleteFrameworkPeriod(ctx, id, period) })
}

// CreateBatch records a batch and its rows atomically; see conn.CreateBatch.
func (db *DB) CreateBatch(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateBatch(ctx, b, schools, facts) })
}

// AppendAudit appends an entry to the chain; see conn.AppendAudit.
func (db *DB) AppendAudit(ctx context.Context, e *ziping.AuditEntry, key []byte) error {
	return db.inTx(ctx, func(c conn) error { return c.AppendAudit(ctx, e, key) })
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

// The hardening writes (issue 9): batches in short transactions, sign-in counters,
// jobs and uploads. Each runs in a write transaction of its own, as above.

// BeginBatch records a pending batch; see conn.BeginBatch.
func (db *DB) BeginBatch(ctx context.Context, b *ziping.Batch) error {
	return db.inTx(ctx, func(c conn) error { return c.BeginBatch(ctx, b) })
}

// WriteBatchRows writes one chunk of a pending batch; see conn.WriteBatchRows.
func (db *DB) WriteBatchRows(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord) error {
	return db.inTx(ctx, func(c conn) error { return c.WriteBatchRows(ctx, b, schools) })
}

// FinishBatch makes a batch done; see conn.FinishBatch.
func (db *DB) FinishBatch(ctx context.Context, b *ziping.Batch, facts []ziping.FactRecord) error {
	return db.inTx(ctx, func(c conn) error { return c.FinishBatch(ctx, b, facts) })
}

// AbandonBatch marks a pending batch abandoned; see conn.AbandonBatch.
func (db *DB) AbandonBatch(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(c conn) error { return c.AbandonBatch(ctx, id) })
}

// AbandonStaleBatches abandons dead writers' batches; see conn.AbandonStaleBatches.
func (db *DB) AbandonStaleBatches(ctx context.Context, before time.Time) (ids []int64, err error) {
	err = db.inTx(ctx, func(c conn) error { ids, err = c.AbandonStaleBatches(ctx, before); return err })
	return ids, err
}

// PruneBatch deletes one step of dead rows; see conn.PruneBatch.
func (db *DB) PruneBatch(ctx context.Context, id int64, after ziping.SchoolKey, limit int) (next ziping.SchoolKey, more bool, err error) {
	err = db.inTx(ctx, func(c conn) error { next, more, err = c.PruneBatch(ctx, id, after, limit); return err })
	return next, more, err
}

// MoveSchool moves a school and its rows; see conn.MoveSchool.
func (db *DB) MoveSchool(ctx context.Context, code string, to *ziping.OrgUnit) (n int, err error) {
	err = db.inTx(ctx, func(c conn) error { n, err = c.MoveSchool(ctx, code, to); return err })
	return n, err
}

// FailLogin counts a wrong password; see conn.FailLogin.
func (db *DB) FailLogin(ctx context.Context, userID int64, device string, max int, lockUntil time.Time) (lc ziping.LoginCount, err error) {
	err = db.inTx(ctx, func(c conn) error { lc, err = c.FailLogin(ctx, userID, device, max, lockUntil); return err })
	return lc, err
}

// AdmitLogin admits a correct password; see conn.AdmitLogin.
func (db *DB) AdmitLogin(ctx context.Context, userID int64, device string, now time.Time) (ok bool, err error) {
	err = db.inTx(ctx, func(c conn) error { ok, err = c.AdmitLogin(ctx, userID, device, now); return err })
	return ok, err
}

// DeleteUserSessions ends a user's sessions; see conn.DeleteUserSessions.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64, except string) (n int, err error) {
	err = db.inTx(ctx, func(c conn) error { n, err = c.DeleteUserSessions(ctx, userID, except); return err })
	return n, err
}

// EnqueueJob writes a job; see conn.EnqueueJob.
func (db *DB) EnqueueJob(ctx context.Context, j *ziping.Job) error {
	return db.inTx(ctx, func(c conn) error { return c.EnqueueJob(ctx, j) })
}

// ClaimJob takes a job; see conn.ClaimJob.
func (db *DB) ClaimJob(ctx context.Context, now, until time.Time) (j *ziping.Job, err error) {
	err = db.inTx(ctx, func(c conn) error { j, err = c.ClaimJob(ctx, now, until); return err })
	return j, err
}

// DeleteJob removes a job; see conn.DeleteJob.
func (db *DB) DeleteJob(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(c conn) error { return c.DeleteJob(ctx, id) })
}

// ReleaseJob lets a job be retried; see conn.ReleaseJob.
func (db *DB) ReleaseJob(ctx context.Context, id int64, retryAt time.Time, reason string) error {
	return db.inTx(ctx, func(c conn) error { return c.ReleaseJob(ctx, id, retryAt, reason) })
}

// ExtendJob renews a job's lease; see conn.ExtendJob.
func (db *DB) ExtendJob(ctx context.Context, id int64, until time.Time) error {
	return db.inTx(ctx, func(c conn) error { return c.ExtendJob(ctx, id, until) })
}

// SaveUpload stores an upload; see conn.SaveUpload.
func (db *DB) SaveUpload(ctx context.Context, u *ziping.Upload) error {
	return db.inTx(ctx, func(c conn) error { return c.SaveUpload(ctx, u) })
}

// ConsumeUpload marks an upload imported; see conn.ConsumeUpload.
func (db *DB) ConsumeUpload(ctx context.Context, id string, at time.Time) (ok bool, err error) {
	err = db.inTx(ctx, func(c conn) error { ok, err = c.ConsumeUpload(ctx, id, at); return err })
	return ok, err
}

// DeleteUploads deletes expired uploads; see conn.DeleteUploads.
func (db *DB) DeleteUploads(ctx context.Context, before time.Time) (n int, err error) {
	err = db.inTx(ctx, func(c conn) error { n, err = c.DeleteUploads(ctx, before); return err })
	return n, err
}
