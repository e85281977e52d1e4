package assess

import (
	"context"
	"strconv"

	"ziping"
)

// StartAssessment opens the unit's assessment of framework fw for period, with the
// version of fw that applies to the period. The unit is of the level the framework
// evaluates: a county, a school or kindergarten (a school unit), or a city. With
// fromLast, last period's self scores and evidence links are copied as a starting
// point, each marked to confirm.
func (s *Service) StartAssessment(ctx context.Context, a *ziping.Actor, fw string, u *ziping.OrgUnit, period int, fromLast bool) (*ziping.Assessment, error) {
	if !a.CanEdit(u) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权为「%s」开展自评", u.Name)
	}
	if period < 1900 || period > 2200 {
		return nil, ziping.Errorf(ziping.Invalid, "年度「%d」无效", period)
	}
	prog, err := s.ProgramFor(ctx, fw, period)
	if err != nil {
		return nil, err
	}
	if err := s.checkLevel(ctx, prog, u, period); err != nil {
		return nil, err
	}
	as := &ziping.Assessment{Framework: fw, FrameworkVersion: prog.FW.Version, UnitID: u.ID, Period: period, Status: ziping.StatusDraft,
		CreatedBy: a.UserID(), CreatedAt: s.now(), UpdatedAt: s.now()}
	err = s.Store.Tx(ctx, func(tx ziping.Store) error {
		// An administrator may have chosen another version for the period since it
		// was read: the assessments of a period share one version (package catalog).
		if v, err := versionIn(ctx, tx, fw, period); err != nil {
			return err
		} else if v != as.FrameworkVersion {
			return ziping.Errorf(ziping.Conflict, "%s适用于%d年度的版本刚刚改变，请重新开始自评", prog.FW.Name, period)
		}
		if _, err := tx.AssessmentFor(ctx, fw, u.ID, period); err == nil {
			return ziping.Errorf(ziping.Conflict, "「%s」%d年度的%s自评已经开始", u.Name, period, prog.FW.Name)
		} else if !ziping.IsNotFound(err) {
			return err
		}
		if err := tx.CreateAssessment(ctx, as); err != nil {
			return err
		}
		copied := map[string]int{}
		if fromLast {
			if copied, err = s.copyLastYear(ctx, tx, a, as); err != nil {
				return err
			}
		}
		if err := s.Refresh(ctx, tx, as, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "assessment_start", AuditObject(as), u.ID, nil,
			map[string]any{"framework": fw, "version": as.FrameworkVersion, "period": period, "from": as.FromID, "copied": copied})
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

// AuditObject names an assessment in the audit trail: assessment:ID.
func AuditObject(as *ziping.Assessment) string {
	return "assessment:" + strconv.FormatInt(as.ID, 10)
}

func levelWord(level string) string {
	switch level {
	case ziping.LevelProvince:
		return "省级单位"
	case ziping.LevelCity:
		return "市级单位"
	case ziping.LevelSchool:
		return "学校"
	}
	return "区县"
}

// copyLastYear copies the self scores and evidence links of the same framework's
// assessment of the period before, marked to confirm.
func (s *Service) copyLastYear(ctx context.Context, tx Store, a *ziping.Actor, as *ziping.Assessment) (map[string]int, error) {
	last, err := tx.AssessmentFor(ctx, as.Framework, as.UnitID, as.Period-1)
	if ziping.IsNotFound(err) {
		return nil, ziping.Errorf(ziping.NotFound, "没有%d年度的自评可以沿用", as.Period-1)
	}
	if err != nil {
		return nil, err
	}
	as.FromID = last.ID
	if err := tx.UpdateAssessment(ctx, as); err != nil {
		return nil, err
	}
	scores, err := tx.PointScores(ctx, last.ID)
	if err != nil {
		return nil, err
	}
	prog, err := s.Program(ctx, as.Framework, as.FrameworkVersion)
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, ps := range scores {
		if ps.Side != ziping.SideSelf || kindOf(prog.FW, ps.Code).kind == codeData {
			continue // a hand score of a point without data was for last year's gap only
		}
		ps.AssessmentID, ps.Version, ps.ToConfirm, ps.UpdatedBy, ps.UpdatedAt = as.ID, 0, true, a.UserID(), s.now()
		if err := tx.SavePointScore(ctx, &ps); err != nil {
			return nil, err
		}
		n["scores"]++
	}
	evs, err := tx.EvidenceOf(ctx, last.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.ProblemID != 0 {
			continue // evidence of last year's rectification stays there
		}
		e.ID, e.AssessmentID, e.ToConfirm, e.CreatedBy, e.CreatedAt = 0, as.ID, true, a.UserID(), s.now()
		if err := tx.CreateEvidence(ctx, &e, nil); err != nil {
			return nil, err
		}
		n["evidence"]++
	}
	return n, nil
}

// Assessment returns the assessment with its results, for an actor who may see it.
func (s *Service) Assessment(ctx context.Context, a *ziping.Actor, id int64) (*AssessmentView, error) {
	as, u, err := s.Find(ctx, s.Store, a, id)
	if err != nil {
		return nil, err
	}
	return s.ViewIn(ctx, s.Store, as, u)
}

// Results is the assessment as far as its results go, for an actor who may see it:
// its unit, program, scores and the results they give (Self, Review, Final), with
// none of the evidence, problems, snapshots or report its own page shows. Unit pages
// and score sheets state an assessment's result on every view; the rest was five
// more reads each time.
func (s *Service) Results(ctx context.Context, a *ziping.Actor, id int64) (*AssessmentView, error) {
	as, u, err := s.Find(ctx, s.Store, a, id)
	if err != nil {
		return nil, err
	}
	return s.resultsOn(ctx, s.Store, as, u, nil)
}

// AssessmentsOf lists the unit's assessments the actor may see (viewers: the
// published ones), by framework and period.
func (s *Service) AssessmentsOf(ctx context.Context, a *ziping.Actor, u *ziping.OrgUnit) ([]ziping.Assessment, error) {
	if !a.CanSee(u) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权查看该单位")
	}
	list, err := s.Store.Assessments(ctx, ziping.AssessmentQuery{UnitIDs: []int64{u.ID}})
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, as := range list {
		if a.CanSeeAssessment(u, &as) {
			out = append(out, as)
		}
	}
	return out, nil
}

// Reader reads assessments and units: a Store, or the store of a transaction.
type Reader interface {
	Assessment(ctx context.Context, id int64) (*ziping.Assessment, error)
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
}

// Find reads an assessment and its unit through st for an actor who may see it;
// one the actor may not see is NotFound, so that ids cannot be probed.
func (s *Service) Find(ctx context.Context, st Reader, a *ziping.Actor, id int64) (*ziping.Assessment, *ziping.OrgUnit, error) {
	as, err := st.Assessment(ctx, id)
	if err != nil {
		if ziping.IsNotFound(err) {
			return nil, nil, ziping.Errorf(ziping.NotFound, "没有这项自评")
		}
		return nil, nil, err
	}
	u, err := st.Unit(ctx, as.UnitID)
	if err != nil {
		return nil, nil, err
	}
	if !a.CanSeeAssessment(u, as) {
		return nil, nil, ziping.Errorf(ziping.NotFound, "没有这项自评")
	}
	return as, u, nil
}

// ViewIn is the view of an assessment read through st (a transaction's store, to
// see its writes).
func (s *Service) ViewIn(ctx context.Context, st Store, as *ziping.Assessment, u *ziping.OrgUnit) (*AssessmentView, error) {
	return s.viewOn(ctx, st, as, u, nil)
}
