package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"ziping"
)

const reportDraftColumns = `assessment_id, narrative, generated, version, COALESCE(updated_by, 0), updated_at`

func scanReportDraft(r pgx.Row, d *ziping.ReportDraft) error {
	err := r.Scan(&d.AssessmentID, &d.Narrative, &d.Generated, &d.Version, &d.UpdatedBy, stamp{&d.UpdatedAt})
	if len(d.Narrative) == 0 {
		d.Narrative = nil // stored as NULL; nil and empty both come back nil
	}
	return err
}

func reportDraftWhat(assessmentID int64) string {
	return fmt.Sprintf("评估（编号 %d）的自评报告", assessmentID)
}

// ReportDraft returns the report draft of an assessment: NotFound when it has none.
func (db *DB) ReportDraft(ctx context.Context, assessmentID int64) (*ziping.ReportDraft, error) {
	var d ziping.ReportDraft
	err := scanReportDraft(db.q.QueryRow(ctx, `SELECT `+reportDraftColumns+` FROM report_drafts
		WHERE assessment_id = $1`, assessmentID), &d)
	if err != nil {
		return nil, storeError(err, "report draft", reportDraftWhat(assessmentID))
	}
	return &d, nil
}

// SaveReportDraft creates the draft when r.Version is 0 (Conflict when it exists,
// NotFound when the assessment does not), otherwise updates it when the stored
// version is r.Version (Conflict when not, NotFound when there is no draft); it then
// sets r.Version to the stored version. A zero UpdatedAt becomes now. An empty
// Narrative comes back nil.
func (db *DB) SaveReportDraft(ctx context.Context, r *ziping.ReportDraft) error {
	updated := nowIfZero(r.UpdatedAt)
	what := reportDraftWhat(r.AssessmentID)
	args := []any{r.AssessmentID, r.Version, blob(r.Narrative), r.Generated, nullID(r.UpdatedBy), updated}
	var v int64
	var err error
	if r.Version == 0 {
		err = db.guarded(ctx, func(q querier) error {
			return q.QueryRow(ctx, `INSERT INTO report_drafts (assessment_id, version, narrative, generated,
				updated_by, updated_at) VALUES ($1, $2::bigint + 1, $3, $4, $5, $6) RETURNING version`,
				args...).Scan(&v)
		})
		err = storeError(err, "create report draft", what)
		if ziping.ErrorKind(err) == ziping.Conflict {
			err = stale("create report draft", what)
		}
	} else {
		v, err = db.versioned(ctx, "update report draft", what,
			`UPDATE report_drafts SET narrative = $3, generated = $4, updated_by = $5, updated_at = $6,
			version = version + 1 WHERE assessment_id = $1 AND version = $2 RETURNING version`,
			`SELECT 1 FROM report_drafts WHERE assessment_id = $1`, args...)
	}
	if err != nil {
		return refError(err, fmt.Sprintf("找不到评估（编号 %d）", r.AssessmentID))
	}
	r.Version, r.UpdatedAt = v, updated
	return nil
}
