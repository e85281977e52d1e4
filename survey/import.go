package survey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"ziping"
)

// ImportExport brings the responses of an export read against one of the round's
// questionnaires into the round, all or none. Each row becomes a response whose
// client id is the file's hash and the row, so that importing the same file again
// adds nothing. Scale columns that match no question cannot be kept (the round's
// questionnaire has no such question): they count only in `ziping survey result`.
func (s *Service) ImportExport(ctx context.Context, a *ziping.Actor, roundID int64, form string, sh *Sheet, data []byte) (added int, ext *External, err error) {
	r, u, f, err := s.Round(ctx, a, roundID)
	if err != nil {
		return 0, nil, err
	}
	if !a.CanEdit(u) {
		return 0, nil, ziping.Errorf(ziping.Forbidden, "无权为「%s」导入答卷", u.Name)
	}
	q := f.Questionnaire(form)
	if q == nil {
		return 0, nil, ziping.Errorf(ziping.Invalid, "问卷「%s」中没有「%s」", f.ID, form)
	}
	if ext, err = f.FromSheet(q, sh); err != nil {
		return 0, nil, ziping.Errorf(ziping.Invalid, "%s", err.Error())
	}
	sum := sha256.Sum256(data)
	file := hex.EncodeToString(sum[:8])
	err = s.Store.Tx(ctx, func(tx ziping.Store) error {
		added = 0
		for _, resp := range ext.Responses {
			b, err := EncodeAnswers(resp.Answers)
			if err != nil {
				return err
			}
			sr := &ziping.SurveyResponse{RoundID: r.ID, ClientID: fmt.Sprintf("import-%s-%d", file, resp.ID), Form: q.ID,
				Group: resp.Group, School: resp.School, Area: resp.Area, Answers: b, StartedAt: resp.Started,
				Source: ziping.SourceImport, CreatedAt: resp.Submitted}
			if sr.CreatedAt.IsZero() {
				sr.CreatedAt = s.now()
			}
			ok, err := tx.AddSurveyResponse(ctx, sr)
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		if added > 0 {
			if err := s.touch(ctx, tx, r.ID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "survey_import", roundObject(r), u.ID, nil,
			map[string]any{"file": sh.File, "sha256": hex.EncodeToString(sum[:]), "rows": len(ext.Responses), "added": added})
	})
	if err != nil {
		return 0, nil, err
	}
	return added, ext, s.runJobs(ctx)
}
