package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"ziping"
)

const assessmentColumns = `a.id, a.framework, a.framework_version, a.unit_id, a.period, a.status, a.round,
	COALESCE(a.from_id, 0), COALESCE(a.snapshot_id, 0), a.return_note, a.summary, a.version,
	COALESCE(a.created_by, 0), a.created_at, a.updated_at, COALESCE(a.submitted_by, 0), a.submitted_at,
	COALESCE(a.reviewed_by, 0), a.reviewed_at, a.published_at`

func scanAssessment(s scanner, a *ziping.Assessment) error {
	return s.Scan(&a.ID, &a.Framework, &a.FrameworkVersion, &a.UnitID, &a.Period, &a.Status, &a.Round,
		&a.FromID, &a.SnapshotID, &a.ReturnNote, &a.Summary, &a.Version,
		&a.CreatedBy, stamp{&a.CreatedAt}, stamp{&a.UpdatedAt}, &a.SubmittedBy, stamp{&a.SubmittedAt},
		&a.ReviewedBy, stamp{&a.ReviewedAt}, stamp{&a.PublishedAt})
}

// blob stores an empty byte slice as NULL, so that nil and empty both come back nil.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// stale is the Conflict of an optimistic write whose version is no longer the
// stored one.
func stale(op, what string) error {
	return &ziping.Error{Kind: ziping.Conflict, Msg: what + "已被他人修改，请刷新后重试",
		Err: fmt.Errorf("%s: version changed", op)}
}

// missedWrite is the error of an optimistic write that changed no row: NotFound when
// the row is gone, Conflict when its version moved on.
func (c conn) missedWrite(ctx context.Context, err error, op, what, exists string, args ...any) error {
	if err != nil {
		return internal(op, err)
	}
	var one int
	err = c.q.QueryRowContext(ctx, exists, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFoundIfNone(nil, op, what)
	}
	if err != nil {
		return internal(op, err)
	}
	return stale(op, what)
}

// CreateAssessment inserts a with Version 1 and sets its ID. A zero CreatedAt or
// UpdatedAt becomes now; the times in a are set as stored. Conflict when the unit
// has an assessment of the framework and period already; NotFound when the unit (or
// FromID, SnapshotID) does not exist.
func (c conn) CreateAssessment(ctx context.Context, a *ziping.Assessment) error {
	now := time.Now()
	created, updated := nowIfZeroAt(a.CreatedAt, now), nowIfZeroAt(a.UpdatedAt, now)
	var id int64
	err := c.q.QueryRowContext(ctx, `INSERT INTO assessments (framework, framework_version, unit_id, period,
		status, round, from_id, snapshot_id, return_note, summary, version, created_by, created_at, updated_at,
		submitted_by, submitted_at, reviewed_by, reviewed_at, published_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Framework, a.FrameworkVersion, a.UnitID, a.Period, a.Status, a.Round, nullID(a.FromID),
		nullID(a.SnapshotID), a.ReturnNote, blob(a.Summary), nullID(a.CreatedBy), dbTime(created), dbTime(updated),
		nullID(a.SubmittedBy), dbTime(a.SubmittedAt), nullID(a.ReviewedBy), dbTime(a.ReviewedAt),
		dbTime(a.PublishedAt)).Scan(&id)
	if err != nil {
		return storeError(err, "create assessment",
			fmt.Sprintf("该单位「%s」%d 年的评估", a.Framework, a.Period))
	}
	a.ID, a.Version, a.CreatedAt, a.UpdatedAt = id, 1, created, updated
	a.SubmittedAt, a.ReviewedAt, a.PublishedAt = storedTime(a.SubmittedAt), storedTime(a.ReviewedAt), storedTime(a.PublishedAt)
	return nil
}

// nowIfZeroAt is t, or now when t is zero, as stored.
func nowIfZeroAt(t, now time.Time) time.Time {
	if t.IsZero() {
		t = now
	}
	return storedTime(t)
}

// Assessment returns the assessment with the given id.
func (c conn) Assessment(ctx context.Context, id int64) (*ziping.Assessment, error) {
	var a ziping.Assessment
	err := scanAssessment(c.q.QueryRowContext(ctx, `SELECT `+assessmentColumns+` FROM assessments a WHERE a.id = ?`, id), &a)
	if err != nil {
		return nil, storeError(err, "assessment", fmt.Sprintf("评估（编号 %d）", id))
	}
	return &a, nil
}

// AssessmentFor returns the unit's assessment of the framework and period.
func (c conn) AssessmentFor(ctx context.Context, framework string, unitID int64, period int) (*ziping.Assessment, error) {
	var a ziping.Assessment
	err := scanAssessment(c.q.QueryRowContext(ctx, `SELECT `+assessmentColumns+` FROM assessments a
		WHERE a.unit_id = ? AND a.framework = ? AND a.period = ?`, unitID, framework, period), &a)
	if err != nil {
		return nil, storeError(err, "assessment for", fmt.Sprintf("「%s」%d 年的评估", framework, period))
	}
	return &a, nil
}

// Assessments returns the assessments q selects, ordered by unit path, framework and
// period. Zero fields of q do not filter.
func (c conn) Assessments(ctx context.Context, q ziping.AssessmentQuery) ([]ziping.Assessment, error) {
	var f filter
	if err := f.subtree(q.UnitPath); err != nil {
		return nil, err
	}
	if q.Framework != "" {
		f.add(`a.framework = ?`, q.Framework)
	}
	if q.Period != 0 {
		f.add(`a.period = ?`, q.Period)
	}
	addIn(&f, `a.status`, q.Statuses)
	addIn(&f, `a.unit_id`, q.UnitIDs)
	rows, err := c.q.QueryContext(ctx, `SELECT `+assessmentColumns+` FROM assessments a
		JOIN units u ON u.id = a.unit_id`+f.where()+` ORDER BY u.path, a.framework, a.period`, f.args...)
	if err != nil {
		return nil, storeError(err, "assessments", "")
	}
	defer rows.Close()
	var out []ziping.Assessment
	for rows.Next() {
		var a ziping.Assessment
		if err := scanAssessment(rows, &a); err != nil {
			return nil, internal("scan assessment", err)
		}
		out = append(out, a)
	}
	return out, storeError(rows.Err(), "assessments", "")
}

// UpdateAssessment writes every field of a but ID, UnitID, Framework, Period and
// CreatedAt when the stored version is a.Version, and sets a.Version to the next one
// and UpdatedAt (now when zero) as stored. Conflict when the version moved on;
// NotFound when there is no such assessment.
func (c conn) UpdateAssessment(ctx context.Context, a *ziping.Assessment) error {
	updated := nowIfZero(a.UpdatedAt)
	what := fmt.Sprintf("评估（编号 %d）", a.ID)
	res, err := c.q.ExecContext(ctx, `UPDATE assessments SET framework_version = ?, status = ?, round = ?,
		from_id = ?, snapshot_id = ?, return_note = ?, summary = ?, version = version + 1, created_by = ?,
		updated_at = ?, submitted_by = ?, submitted_at = ?, reviewed_by = ?, reviewed_at = ?, published_at = ?
		WHERE id = ? AND version = ?`,
		a.FrameworkVersion, a.Status, a.Round, nullID(a.FromID), nullID(a.SnapshotID), a.ReturnNote,
		blob(a.Summary), nullID(a.CreatedBy), dbTime(updated), nullID(a.SubmittedBy), dbTime(a.SubmittedAt),
		nullID(a.ReviewedBy), dbTime(a.ReviewedAt), dbTime(a.PublishedAt), a.ID, a.Version)
	if err != nil {
		return storeError(err, "update assessment", what)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return c.missedWrite(ctx, err, "update assessment", what, `SELECT 1 FROM assessments WHERE id = ?`, a.ID)
	}
	a.Version++
	a.UpdatedAt = updated
	a.SubmittedAt, a.ReviewedAt, a.PublishedAt = storedTime(a.SubmittedAt), storedTime(a.ReviewedAt), storedTime(a.PublishedAt)
	return nil
}

const pointScoreColumns = `assessment_id, side, code, score, checked, triggered, justification, to_confirm,
	version, COALESCE(updated_by, 0), updated_at`

func scanPointScore(s scanner, ps *ziping.PointScore) error {
	var score sql.NullFloat64
	var triggered sql.NullBool
	var checked string
	err := s.Scan(&ps.AssessmentID, &ps.Side, &ps.Code, &score, &checked, &triggered, &ps.Justification,
		&ps.ToConfirm, &ps.Version, &ps.UpdatedBy, stamp{&ps.UpdatedAt})
	if err != nil {
		return err
	}
	ps.Score, ps.Triggered, ps.Checked = nil, nil, nil
	if score.Valid {
		ps.Score = &score.Float64
	}
	if triggered.Valid {
		ps.Triggered = &triggered.Bool
	}
	if err := json.Unmarshal([]byte(checked), &ps.Checked); err != nil {
		return fmt.Errorf("checked items: %w", err)
	}
	if len(ps.Checked) == 0 {
		ps.Checked = nil
	}
	return nil
}

// PointScores returns the scores of an assessment by side, then code. An assessment
// that does not exist has none.
func (c conn) PointScores(ctx context.Context, assessmentID int64) ([]ziping.PointScore, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+pointScoreColumns+` FROM point_scores
		WHERE assessment_id = ? ORDER BY side, code`, assessmentID)
	if err != nil {
		return nil, storeError(err, "point scores", "")
	}
	defer rows.Close()
	var out []ziping.PointScore
	for rows.Next() {
		var ps ziping.PointScore
		if err := scanPointScore(rows, &ps); err != nil {
			return nil, internal("scan point score", err)
		}
		out = append(out, ps)
	}
	return out, storeError(rows.Err(), "point scores", "")
}

// SavePointScore creates the score when ps.Version is 0 (Conflict when it exists,
// NotFound when the assessment does not), otherwise updates it when the stored
// version is ps.Version (Conflict when not, NotFound when there is no such score).
// It sets ps.Version to the stored one, and UpdatedAt (now when zero) as stored.
// Checked empty comes back nil; a Score that is NaN or infinite is Invalid.
func (c conn) SavePointScore(ctx context.Context, ps *ziping.PointScore) error {
	if ps.Score != nil && (math.IsNaN(*ps.Score) || math.IsInf(*ps.Score, 0)) {
		return invalid("指标「%s」的得分不是有效数字", ps.Code)
	}
	checked := []byte("[]")
	if len(ps.Checked) > 0 {
		var err error
		if checked, err = json.Marshal(ps.Checked); err != nil {
			return internal("checked items", err)
		}
	}
	var score, triggered any
	if ps.Score != nil {
		score = *ps.Score
	}
	if ps.Triggered != nil {
		triggered = *ps.Triggered
	}
	updated := nowIfZero(ps.UpdatedAt)
	what := fmt.Sprintf("指标「%s」的评分", ps.Code)
	op := "save point score"
	var res sql.Result
	var err error
	if ps.Version == 0 {
		res, err = c.q.ExecContext(ctx, `INSERT INTO point_scores (assessment_id, side, code, score, checked, triggered,
			justification, to_confirm, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
			ps.AssessmentID, ps.Side, ps.Code, score, string(checked), triggered, ps.Justification, ps.ToConfirm,
			nullID(ps.UpdatedBy), dbTime(updated))
		if err != nil {
			return storeError(err, op, what)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return internal(op, err)
			}
			return stale(op, what)
		}
	} else {
		res, err = c.q.ExecContext(ctx, `UPDATE point_scores SET score = ?, checked = ?, triggered = ?,
			justification = ?, to_confirm = ?, version = version + 1, updated_by = ?, updated_at = ?
			WHERE assessment_id = ? AND side = ? AND code = ? AND version = ?`,
			score, string(checked), triggered, ps.Justification, ps.ToConfirm, nullID(ps.UpdatedBy),
			dbTime(updated), ps.AssessmentID, ps.Side, ps.Code, ps.Version)
		if err != nil {
			return storeError(err, op, what)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return c.missedWrite(ctx, err, op, what, `SELECT 1 FROM point_scores
				WHERE assessment_id = ? AND side = ? AND code = ?`, ps.AssessmentID, ps.Side, ps.Code)
		}
	}
	ps.Version++
	ps.UpdatedAt = updated
	return nil
}

// DeletePointScore deletes a score when its stored version is version: Conflict when
// not, NotFound when there is no such score.
func (c conn) DeletePointScore(ctx context.Context, assessmentID int64, side, code string, version int64) error {
	what, op := fmt.Sprintf("指标「%s」的评分", code), "delete point score"
	res, err := c.q.ExecContext(ctx, `DELETE FROM point_scores
		WHERE assessment_id = ? AND side = ? AND code = ? AND version = ?`, assessmentID, side, code, version)
	if err != nil {
		return storeError(err, op, what)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return c.missedWrite(ctx, err, op, what, `SELECT 1 FROM point_scores
			WHERE assessment_id = ? AND side = ? AND code = ?`, assessmentID, side, code)
	}
	return nil
}

// filter collects the conditions and arguments of a WHERE clause.
type filter struct {
	conds []string
	args  []any
}

func (f *filter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

// subtree keeps the rows whose unit (joined as u) lies in the subtree of path; an
// empty path keeps every row.
func (f *filter) subtree(path string) error {
	if path == "" {
		return nil
	}
	lo, hi, err := pathRange(path)
	if err != nil {
		return err
	}
	f.add(`u.path >= ? AND u.path < ?`, lo, hi)
	return nil
}

// addIn adds "column IN (...)" when values has any.
func addIn[T any](f *filter, column string, values []T) {
	if len(values) == 0 {
		return
	}
	f.conds = append(f.conds, column+` IN (`+placeholders(len(values))+`)`)
	for _, v := range values {
		f.args = append(f.args, v)
	}
}

func (f *filter) where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(f.conds, " AND ")
}
