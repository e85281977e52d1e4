package assess

import (
	"context"
	"strings"
	"time"

	"ziping"
)

// ReviewStarted reports whether the reviewer has begun the review of the current
// submission: a review score of any point exists.
func ReviewStarted(v *AssessmentView) bool { return len(v.Scores[ziping.SideReview]) > 0 }

// MayWithdraw says whether the actor may withdraw the submission now: the unit's
// own people, while the assessment is submitted and the review has not begun.
func MayWithdraw(a *ziping.Actor, as *ziping.Assessment, u *ziping.OrgUnit, reviewStarted bool) error {
	if !a.CanEdit(u) {
		return ziping.Errorf(ziping.Forbidden, "无权撤回「%s」的自评", u.Name)
	}
	if !as.UnderReview() {
		return ziping.Errorf(ziping.Conflict, "自评%s，不能撤回", ziping.StatusNames[as.Status])
	}
	if reviewStarted {
		return ziping.Errorf(ziping.Conflict, "上级已开始复核，不能撤回。如需修改，请联系复核人员退回")
	}
	return nil
}

// Withdraw takes a submission back before the review begins: the assessment returns
// to the unit as it was before submitting (填报中, or 已退回 after a return), the
// round is not counted. status is the status the person saw.
func (s *Service) Withdraw(ctx context.Context, a *ziping.Actor, id int64, seen string) error {
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Find(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := expectStatus(as, seen, ziping.StatusSubmitted, ziping.StatusResubmitted); err != nil {
			if !a.CanEdit(u) {
				return ziping.Errorf(ziping.Forbidden, "无权撤回「%s」的自评", u.Name)
			}
			return err
		}
		scores, err := tx.PointScores(ctx, as.ID)
		if err != nil {
			return err
		}
		started := false
		for _, ps := range scores {
			started = started || ps.Side == ziping.SideReview
		}
		if err := MayWithdraw(a, as, u, started); err != nil {
			return err
		}
		old := as.Status
		as.Status, as.Round = ziping.StatusDraft, as.Round-1
		if old == ziping.StatusResubmitted {
			as.Status = ziping.StatusReturned
		}
		if as.Round == 0 {
			as.SubmittedBy, as.SubmittedAt = 0, time.Time{}
		}
		if err := s.Refresh(ctx, tx, as, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "assessment_withdraw", AuditObject(as), u.ID, map[string]any{"status": old},
			map[string]any{"status": as.Status, "round": as.Round})
	})
}

// Unpublish takes a published result back from the public notice: the assessment is
// 已复核 again, and every ranking among published results is computed without it. A
// reason is required and audited. Whoever may publish it may unpublish it.
func (s *Service) Unpublish(ctx context.Context, a *ziping.Actor, id int64, seen, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Reviewable(ctx, tx, a, id, seen, ziping.StatusPublished)
		if err != nil {
			return err
		}
		if reason == "" {
			return ziping.Errorf(ziping.Invalid, "撤销公布须写明理由")
		}
		if n := len([]rune(reason)); n > 2000 {
			return ziping.Errorf(ziping.Invalid, "理由不能超过2000字")
		}
		published := as.PublishedAt
		as.Status, as.PublishedAt, as.UpdatedAt = ziping.StatusReviewed, time.Time{}, s.now()
		if err := tx.UpdateAssessment(ctx, as); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "assessment_unpublish", AuditObject(as), u.ID,
			map[string]any{"status": ziping.StatusPublished, "published_at": published},
			map[string]any{"status": ziping.StatusReviewed, "reason": reason})
	})
}

// Workflow steps, as CheckStep takes them.
const (
	StepSubmit    = "submit"
	StepReturn    = "return"
	StepAccept    = "accept"
	StepPublish   = "publish"
	StepWithdraw  = "withdraw"
	StepUnpublish = "unpublish"
)

// CheckStep says, changing nothing, whether the actor may take step now, refusing as
// the step itself would (NotFound, Forbidden, Conflict, then Invalid for what blocks
// it): the confirmation page asks first, so that a refusal comes before the question.
// It returns the assessment's view for the question's wording.
func (s *Service) CheckStep(ctx context.Context, a *ziping.Actor, id int64, step, seen string) (*AssessmentView, error) {
	as, u, err := s.Find(ctx, s.Store, a, id)
	if err != nil {
		return nil, err
	}
	switch step {
	case StepSubmit:
		if !a.CanEdit(u) {
			return nil, ziping.Errorf(ziping.Forbidden, "无权提交「%s」的自评", u.Name)
		}
		err = expectStatus(as, seen, ziping.StatusDraft, ziping.StatusReturned)
	case StepReturn, StepAccept:
		_, _, err = s.Reviewable(ctx, s.Store, a, id, seen, ziping.StatusSubmitted, ziping.StatusResubmitted)
	case StepPublish:
		_, _, err = s.Reviewable(ctx, s.Store, a, id, seen, ziping.StatusReviewed)
	case StepUnpublish:
		_, _, err = s.Reviewable(ctx, s.Store, a, id, seen, ziping.StatusPublished)
	case StepWithdraw:
		if !a.CanEdit(u) {
			return nil, ziping.Errorf(ziping.Forbidden, "无权撤回「%s」的自评", u.Name)
		}
		err = expectStatus(as, seen, ziping.StatusSubmitted, ziping.StatusResubmitted)
	default:
		return nil, ziping.Errorf(ziping.NotFound, "页面不存在")
	}
	if err != nil {
		return nil, err
	}
	v, err := s.Assessment(ctx, a, id)
	if err != nil {
		return nil, err
	}
	switch step {
	case StepSubmit:
		if msg := blockingText(s.readiness(v)); msg != "" {
			return nil, ziping.Errorf(ziping.Invalid, "自评还不能提交：\n%s", msg)
		}
	case StepAccept:
		if msg := gapText(v); msg != "" {
			return nil, gapRefusal(msg)
		}
	case StepWithdraw:
		if err := MayWithdraw(a, v.Assessment, v.Unit, ReviewStarted(v)); err != nil {
			return nil, err
		}
	}
	return v, nil
}
