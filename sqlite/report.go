package sqlite

import (
	"context"
	"errors"
	"fmt"

	"ziping"
)

const reportDraftColumns = `assessment_id, narrative, generated, version, COALESCE(updated_by, 0), updated_at`

func scanReportDraft(s scanner, r *ziping.ReportDraft) error {
	return s.Scan(&r.AssessmentID, &r.Narrative, &r.Generated, &r.Version, &r.UpdatedBy, stamp{&r.UpdatedAt})
}

func reportDraftWhat(assessmentID int64) string {
	return fmt.Sprintf("评估（编号 %d）的自评报告", assessmentID)
}

// ReportDraft returns the report draft of an assessment: NotFound when it has none.
func (c conn) ReportDraft(ctx context.Context, assessmentID int64) (*ziping.ReportDraft, error) {
	var r ziping.ReportDraft
	err := scanReportDraft(c.q.QueryRowContext(ctx, `SELECT `+reportDraftColumns+` FROM report_drafts
		WHERE assessment_id = ?`, assessmentID), &r)
	if err != nil {
		return nil, storeError(err, "report draft", reportDraftWhat(assessmentID))
	}
	return &r, nil
}

// SaveReportDraft creates the draft when r.Version is 0 (Conflict when it exists,
// NotFound when the assessment does not), otherwise updates it when the stored
// version is r.Version (Conflict when not, NotFound when there is no draft). It sets
// r.Version to the stored one, and UpdatedAt (now when zero) as stored. An empty
// Narrative comes back nil.
func (c conn) SaveReportDraft(ctx context.Context, r *ziping.ReportDraft) error {
	updated := nowIfZero(r.UpdatedAt)
	what, op := reportDraftWhat(r.AssessmentID), "save report draft"
	if r.Version == 0 {
		res, err := c.q.ExecContext(ctx, `INSERT INTO report_drafts (assessment_id, narrative, generated, version,
			updated_by, updated_at) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
			r.AssessmentID, blob(r.Narrative), r.Generated, nullID(r.UpdatedBy), dbTime(updated))
		if err != nil {
			err = storeError(err, op, what)
			var de *ziping.Error
			if errors.As(err, &de) && de.Kind == ziping.NotFound { // the only reference is the assessment
				return &ziping.Error{Kind: ziping.NotFound, Msg: fmt.Sprintf("找不到评估（编号 %d）", r.AssessmentID), Err: de.Err}
			}
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return internal(op, err)
			}
			return stale(op, what)
		}
	} else {
		res, err := c.q.ExecContext(ctx, `UPDATE report_drafts SET narrative = ?, generated = ?,
			version = version + 1, updated_by = ?, updated_at = ? WHERE assessment_id = ? AND version = ?`,
			blob(r.Narrative), r.Generated, nullID(r.UpdatedBy), dbTime(updated), r.AssessmentID, r.Version)
		if err != nil {
			return storeError(err, op, what)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return c.missedWrite(ctx, err, op, what, `SELECT 1 FROM report_drafts WHERE assessment_id = ?`,
				r.AssessmentID)
		}
	}
	r.Version++
	r.UpdatedAt = updated
	return nil
}
