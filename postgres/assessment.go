package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"ziping"
)

const assessmentColumns = `a.id, a.framework, a.framework_version, a.unit_id, a.period, a.status, a.round,
	COALESCE(a.from_id, 0), COALESCE(a.snapshot_id, 0), a.return_note, a.summary, a.version,
	COALESCE(a.created_by, 0), a.created_at, a.updated_at, COALESCE(a.submitted_by, 0), a.submitted_at,
	COALESCE(a.reviewed_by, 0), a.reviewed_at, a.published_at`

func scanAssessment(r pgx.Row, a *ziping.Assessment) error {
	return r.Scan(&a.ID, &a.Framework, &a.FrameworkVersion, &a.UnitID, &a.Period, &a.Status, &a.Round,
		&a.FromID, &a.SnapshotID, &a.ReturnNote, &a.Summary, &a.Version,
		&a.CreatedBy, stamp{&a.CreatedAt}, stamp{&a.UpdatedAt}, &a.SubmittedBy, stamp{&a.SubmittedAt},
		&a.ReviewedBy, stamp{&a.ReviewedAt}, stamp{&a.PublishedAt})
}

func assessmentWhat(a *ziping.Assessment) string {
	return fmt.Sprintf("单位（编号 %d）%d 年度「%s」的评估", a.UnitID, a.Period, a.Framework)
}

// CreateAssessment inserts a and sets its ID and Version 1. A zero CreatedAt or
// UpdatedAt becomes now; the times in a are set to what is stored. Another
// assessment of the unit, framework and period is a Conflict; a unit, the assessment
// it starts from or a snapshot that does not exist is NotFound.
func (db *DB) CreateAssessment(ctx context.Context, a *ziping.Assessment) error {
	created := nowIfZero(a.CreatedAt)
	updated := created
	if !a.UpdatedAt.IsZero() {
		updated = storedTime(a.UpdatedAt)
	}
	var id int64
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO assessments (framework, framework_version, unit_id, period,
			status, round, from_id, snapshot_id, return_note, summary, version, created_by, created_at,
			updated_at, submitted_by, submitted_at, reviewed_by, reviewed_at, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $13, $14, $15, $16, $17, $18)
			RETURNING id`,
			a.Framework, a.FrameworkVersion, a.UnitID, a.Period, a.Status, a.Round, nullID(a.FromID),
			nullID(a.SnapshotID), a.ReturnNote, blob(a.Summary), nullID(a.CreatedBy), created, updated,
			nullID(a.SubmittedBy), dbTime(a.SubmittedAt), nullID(a.ReviewedBy), dbTime(a.ReviewedAt),
			dbTime(a.PublishedAt)).Scan(&id)
	})
	if err != nil {
		return refError(storeError(err, "create assessment", assessmentWhat(a)), "评估所属的单位、来源评估或快照不存在")
	}
	a.ID, a.Version, a.CreatedAt, a.UpdatedAt = id, 1, created, updated
	a.SubmittedAt, a.ReviewedAt, a.PublishedAt = storedTime(a.SubmittedAt), storedTime(a.ReviewedAt), storedTime(a.PublishedAt)
	return nil
}

// Assessment returns the assessment with the given id.
func (db *DB) Assessment(ctx context.Context, id int64) (*ziping.Assessment, error) {
	var a ziping.Assessment
	err := scanAssessment(db.q.QueryRow(ctx, `SELECT `+assessmentColumns+` FROM assessments a WHERE a.id = $1`, id), &a)
	if err != nil {
		return nil, storeError(err, "assessment", fmt.Sprintf("评估（编号 %d）", id))
	}
	return &a, nil
}

// AssessmentFor returns the unit's assessment of framework for period.
func (db *DB) AssessmentFor(ctx context.Context, framework string, unitID int64, period int) (*ziping.Assessment, error) {
	var a ziping.Assessment
	err := scanAssessment(db.q.QueryRow(ctx, `SELECT `+assessmentColumns+` FROM assessments a
		WHERE a.framework = $1 AND a.unit_id = $2 AND a.period = $3`, framework, unitID, period), &a)
	if err != nil {
		what := assessmentWhat(&ziping.Assessment{Framework: framework, UnitID: unitID, Period: period})
		return nil, storeError(err, "assessment for", what)
	}
	return &a, nil
}

// filter gathers the conditions of a query and their arguments; $? in a condition
// stands for its argument's placeholder.
type filter struct {
	where []string
	args  []any
}

func (f *filter) add(cond string, arg any) {
	f.args = append(f.args, arg)
	f.where = append(f.where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(f.args))))
}

// subtree keeps the rows whose unit (the units table, joined) lies in the subtree
// of path; wildcards in path are characters.
func (f *filter) subtree(path string) {
	if path != "" {
		f.add(`units.path LIKE $? ESCAPE '\'`, likeEscape(path)+"%")
	}
}

func (f *filter) sql() string {
	if len(f.where) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(f.where, " AND ")
}

// Assessments returns the assessments q selects, ordered by unit path (byte order),
// then framework, then period.
func (db *DB) Assessments(ctx context.Context, q ziping.AssessmentQuery) ([]ziping.Assessment, error) {
	var f filter
	f.subtree(q.UnitPath)
	if q.Framework != "" {
		f.add(`a.framework = $?`, q.Framework)
	}
	if q.Period != 0 {
		f.add(`a.period = $?`, q.Period)
	}
	if len(q.Statuses) > 0 {
		f.add(`a.status = ANY ($?::text[])`, q.Statuses)
	}
	if len(q.UnitIDs) > 0 {
		f.add(`a.unit_id = ANY ($?::bigint[])`, q.UnitIDs)
	}
	rows, err := db.q.Query(ctx, `SELECT `+assessmentColumns+` FROM assessments a
		JOIN units ON units.id = a.unit_id`+f.sql()+` ORDER BY units.path, a.framework, a.period`, f.args...)
	return collect(rows, err, "assessments", scanAssessment)
}

// UpdateAssessment writes every field of a but ID, UnitID, Framework, Period and
// CreatedAt, when the stored version is a.Version, and sets a.Version to the new
// one. A zero UpdatedAt becomes now. Conflict when another write came first,
// NotFound when there is no such assessment.
func (db *DB) UpdateAssessment(ctx context.Context, a *ziping.Assessment) error {
	updated := nowIfZero(a.UpdatedAt)
	what := fmt.Sprintf("评估（编号 %d）", a.ID)
	v, err := db.versioned(ctx, "update assessment", what,
		`UPDATE assessments SET framework_version = $3, status = $4, round = $5, from_id = $6,
		snapshot_id = $7, return_note = $8, summary = $9, created_by = $10, updated_at = $11,
		submitted_by = $12, submitted_at = $13, reviewed_by = $14, reviewed_at = $15, published_at = $16,
		version = version + 1 WHERE id = $1 AND version = $2 RETURNING version`,
		`SELECT 1 FROM assessments WHERE id = $1`,
		a.ID, a.Version, a.FrameworkVersion, a.Status, a.Round, nullID(a.FromID), nullID(a.SnapshotID),
		a.ReturnNote, blob(a.Summary), nullID(a.CreatedBy), updated, nullID(a.SubmittedBy), dbTime(a.SubmittedAt),
		nullID(a.ReviewedBy), dbTime(a.ReviewedAt), dbTime(a.PublishedAt))
	if err != nil {
		return refError(err, "评估的来源评估或快照不存在")
	}
	a.Version, a.UpdatedAt = v, updated
	a.SubmittedAt, a.ReviewedAt, a.PublishedAt = storedTime(a.SubmittedAt), storedTime(a.ReviewedAt), storedTime(a.PublishedAt)
	return nil
}

// versioned runs write, an UPDATE or DELETE restricted to "version = $2" and
// returning the row's version, and returns that version. When write changes no row
// it tells why, in the same statement: exists, a SELECT of the row by its key, sees
// the table as it was before the write; no row is NotFound, a row is Conflict
// (another write came first).
func (db *DB) versioned(ctx context.Context, op, what, write, exists string, args ...any) (int64, error) {
	var v *int64
	var found bool
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `WITH w AS (`+write+`) SELECT (SELECT version FROM w), EXISTS (`+exists+`)`,
			args...).Scan(&v, &found)
	})
	switch {
	case err != nil:
		return 0, storeError(err, op, what)
	case v != nil:
		return *v, nil
	case !found:
		return 0, noRow(op, what)
	}
	return 0, stale(op, what)
}

// stale is the Conflict of an optimistic write that came second.
func stale(op, what string) error {
	return &ziping.Error{Kind: ziping.Conflict, Msg: what + "已被他人修改，请刷新后重试",
		Err: fmt.Errorf("%s: version changed", op)}
}

// refError gives a NotFound from a foreign key a message that names what the
// statement refers to; other errors pass through.
func refError(err error, msg string) error {
	var pe *pgconn.PgError
	var de *ziping.Error
	if errors.As(err, &pe) && pe.Code == "23503" && errors.As(err, &de) && de.Kind == ziping.NotFound {
		return &ziping.Error{Kind: ziping.NotFound, Msg: msg, Err: de.Err}
	}
	return err
}

const pointScoreColumns = `assessment_id, side, code, score, checked, triggered, justification, to_confirm,
	version, COALESCE(updated_by, 0), updated_at`

func scanPointScore(r pgx.Row, ps *ziping.PointScore) error {
	err := r.Scan(&ps.AssessmentID, &ps.Side, &ps.Code, &ps.Score, &ps.Checked, &ps.Triggered,
		&ps.Justification, &ps.ToConfirm, &ps.Version, &ps.UpdatedBy, stamp{&ps.UpdatedAt})
	if len(ps.Checked) == 0 {
		ps.Checked = nil // as it was given: nothing ticked
	}
	return err
}

// PointScores returns the scores of an assessment, ordered by side, then code.
func (db *DB) PointScores(ctx context.Context, assessmentID int64) ([]ziping.PointScore, error) {
	rows, err := db.q.Query(ctx, `SELECT `+pointScoreColumns+` FROM point_scores
		WHERE assessment_id = $1 ORDER BY side, code`, assessmentID)
	return collect(rows, err, "point scores", scanPointScore)
}

func pointScoreWhat(assessmentID int64, side, code string) string {
	return fmt.Sprintf("评估（编号 %d）指标「%s」的%s评分", assessmentID, code, sideNames[side])
}

var sideNames = map[string]string{ziping.SideSelf: "自评", ziping.SideReview: "复核"}

// SavePointScore creates the score when ps.Version is 0 (Conflict when it exists),
// otherwise updates it when the stored version is ps.Version (Conflict when not,
// NotFound when there is no such score); it then sets ps.Version to the stored
// version. A zero UpdatedAt becomes now. NaN and infinite scores are Invalid.
func (db *DB) SavePointScore(ctx context.Context, ps *ziping.PointScore) error {
	if ps.Score != nil && (math.IsNaN(*ps.Score) || math.IsInf(*ps.Score, 0)) {
		return ziping.Errorf(ziping.Invalid, "指标「%s」的得分不是有效数字", ps.Code)
	}
	updated := nowIfZero(ps.UpdatedAt)
	checked := ps.Checked
	if checked == nil {
		checked = []string{} // NOT NULL
	}
	what := pointScoreWhat(ps.AssessmentID, ps.Side, ps.Code)
	args := []any{ps.AssessmentID, ps.Side, ps.Code, ps.Version, ps.Score, checked, ps.Triggered,
		ps.Justification, ps.ToConfirm, nullID(ps.UpdatedBy), updated}
	var v int64
	var err error
	if ps.Version == 0 {
		err = db.guarded(ctx, func(q querier) error {
			return q.QueryRow(ctx, `INSERT INTO point_scores (assessment_id, side, code, version, score, checked,
				triggered, justification, to_confirm, updated_by, updated_at)
				VALUES ($1, $2, $3, $4::bigint + 1, $5, $6, $7, $8, $9, $10, $11) RETURNING version`, args...).Scan(&v)
		})
		err = storeError(err, "create point score", what)
		if ziping.ErrorKind(err) == ziping.Conflict {
			err = stale("create point score", what)
		}
	} else {
		v, err = db.versioned(ctx, "update point score", what,
			`UPDATE point_scores SET score = $5, checked = $6, triggered = $7, justification = $8,
			to_confirm = $9, updated_by = $10, updated_at = $11, version = version + 1
			WHERE assessment_id = $1 AND side = $2 AND code = $3 AND version = $4 RETURNING version`,
			`SELECT 1 FROM point_scores WHERE assessment_id = $1 AND side = $2 AND code = $3`, args...)
	}
	if err != nil {
		return refError(err, fmt.Sprintf("找不到评估（编号 %d）", ps.AssessmentID))
	}
	ps.Version, ps.UpdatedAt = v, updated
	return nil
}

// DeletePointScore deletes a score when its stored version is version: Conflict
// when another write came first, NotFound when there is no such score.
func (db *DB) DeletePointScore(ctx context.Context, assessmentID int64, side, code string, version int64) error {
	_, err := db.versioned(ctx, "delete point score", pointScoreWhat(assessmentID, side, code),
		`DELETE FROM point_scores WHERE assessment_id = $1 AND side = $2 AND code = $3 AND version = $4
		RETURNING version`,
		`SELECT 1 FROM point_scores WHERE assessment_id = $1 AND side = $2 AND code = $3`,
		assessmentID, side, code, version)
	return err
}

const snapshotColumns = `id, assessment_id, stage, round, COALESCE(created_by, 0), created_at`

func scanSnapshot(r pgx.Row, s *ziping.Snapshot) error {
	return r.Scan(&s.ID, &s.AssessmentID, &s.Stage, &s.Round, &s.CreatedBy, stamp{&s.CreatedAt})
}

// CreateSnapshot stores s and sets its ID. A zero CreatedAt becomes now (set in s as
// stored); an assessment that does not exist is NotFound.
func (db *DB) CreateSnapshot(ctx context.Context, s *ziping.Snapshot) error {
	created := nowIfZero(s.CreatedAt)
	var id int64
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO snapshots (assessment_id, stage, round, data, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			s.AssessmentID, s.Stage, s.Round, blob(s.Data), nullID(s.CreatedBy), created).Scan(&id)
	})
	if err != nil {
		return refError(storeError(err, "create snapshot", "快照"), fmt.Sprintf("找不到评估（编号 %d）", s.AssessmentID))
	}
	s.ID, s.CreatedAt = id, created
	return nil
}

// Snapshot returns the snapshot with the given id, with its data.
func (db *DB) Snapshot(ctx context.Context, id int64) (*ziping.Snapshot, error) {
	var s ziping.Snapshot
	err := db.q.QueryRow(ctx, `SELECT `+snapshotColumns+`, data FROM snapshots WHERE id = $1`, id).
		Scan(&s.ID, &s.AssessmentID, &s.Stage, &s.Round, &s.CreatedBy, stamp{&s.CreatedAt}, &s.Data)
	if err != nil {
		return nil, storeError(err, "snapshot", fmt.Sprintf("快照（编号 %d）", id))
	}
	return &s, nil
}

// Snapshots returns the snapshots of an assessment without their data, oldest
// (lowest id) first.
func (db *DB) Snapshots(ctx context.Context, assessmentID int64) ([]ziping.Snapshot, error) {
	rows, err := db.q.Query(ctx, `SELECT `+snapshotColumns+` FROM snapshots
		WHERE assessment_id = $1 ORDER BY id`, assessmentID)
	return collect(rows, err, "snapshots", scanSnapshot)
}

// blob stores an empty byte slice as NULL, so that nil and empty both come back nil
// (as in the SQLite store).
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
