package assess

import (
	"context"
	"strings"

	"ziping"
	"ziping/engine"
)

// Submit hands the assessment to the level above: the readiness check must find
// nothing blocking, and the data, framework version and scores are frozen in a
// snapshot. status is the status the person saw; a different one is a conflict.
func (s *Service) Submit(ctx context.Context, a *ziping.Actor, id int64, status string) error {
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Find(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.CanEdit(u) {
			return ziping.Errorf(ziping.Forbidden, "无权提交「%s」的自评", u.Name)
		}
		if err := expectStatus(as, status, ziping.StatusDraft, ziping.StatusReturned); err != nil {
			return err
		}
		v, err := s.ViewIn(ctx, tx, as, u)
		if err != nil {
			return err
		}
		items := s.readiness(v)
		if msg := blockingText(items); msg != "" {
			return ziping.Errorf(ziping.Invalid, "自评还不能提交：\n%s", msg)
		}
		next := ziping.StatusSubmitted
		if as.Round > 0 {
			next = ziping.StatusResubmitted
		}
		if err := s.freeze(ctx, tx, a, as, u, next, nil); err != nil {
			return err
		}
		as.Status, as.Round, as.SubmittedBy, as.SubmittedAt = next, as.Round+1, a.UserID(), s.now()
		if err := s.Refresh(ctx, tx, as, u); err != nil {
			return err
		}
		var warnings []string
		for _, it := range items {
			warnings = append(warnings, it.Text)
		}
		return s.audit(ctx, tx, a, "assessment_"+next, AuditObject(as), u.ID, map[string]any{"status": status},
			map[string]any{"status": next, "round": as.Round, "snapshot": as.SnapshotID, "warnings": warnings})
	})
}

func gapRefusal(msg string) error {
	return ziping.Errorf(ziping.Invalid, "复核还不能通过，以下测评点因数据缺失无法计算：\n%s\n请被评单位导入所缺数据，或由复核人员对这些测评点评分并写明理由。", msg)
}

// gapText lists the points the final result still cannot compute, one a line.
func gapText(v *AssessmentView) string {
	var b strings.Builder
	fin := v.Final()
	for _, pr := range append(allPoints(fin), fin.Bonus...) {
		if pr.Status == engine.StatusUncomputable {
			b.WriteString("· " + engine.PointLabel(pr.Code) + "「" + pr.Title + "」：" + v.Gaps[pr.Code] + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func blockingText(items []ReadinessItem) string {
	var b strings.Builder
	for _, it := range items {
		if it.Blocking {
			b.WriteString("· " + it.Text + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// expectStatus checks that the assessment is in one of allowed, and still in the
// status the person saw when seen is not empty.
func expectStatus(as *ziping.Assessment, seen string, allowed ...string) error {
	if seen != "" && seen != as.Status {
		return ziping.Errorf(ziping.Conflict, "自评状态已变为「%s」，请刷新后再操作", ziping.StatusNames[as.Status])
	}
	for _, st := range allowed {
		if as.Status == st {
			return nil
		}
	}
	return ziping.Errorf(ziping.Conflict, "自评%s，不能进行此操作", ziping.StatusNames[as.Status])
}

// Reviewable reads an assessment the actor may review now: in one of the allowed
// statuses, and still in the status seen when seen is not empty.
func (s *Service) Reviewable(ctx context.Context, tx Reader, a *ziping.Actor, id int64, seen string, allowed ...string) (*ziping.Assessment, *ziping.OrgUnit, error) {
	as, u, err := s.Find(ctx, tx, a, id)
	if err != nil {
		return nil, nil, err
	}
	if !a.CanReview(u) {
		return nil, nil, ziping.Errorf(ziping.Forbidden, "无权复核「%s」的自评", u.Name)
	}
	if a.User != nil && as.SubmittedBy == a.User.ID {
		return nil, nil, ziping.Errorf(ziping.Forbidden, "不能复核自己提交的自评")
	}
	if err := expectStatus(as, seen, allowed...); err != nil {
		return nil, nil, err
	}
	return as, u, nil
}

// Return sends the assessment back to the unit with the reasons: the note and the
// review reasons of the points.
func (s *Service) Return(ctx context.Context, a *ziping.Actor, id int64, seen, note string) error {
	note = strings.TrimSpace(note)
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Reviewable(ctx, tx, a, id, seen, ziping.StatusSubmitted, ziping.StatusResubmitted)
		if err != nil {
			return err
		}
		scores, err := tx.PointScores(ctx, as.ID)
		if err != nil {
			return err
		}
		reasons := map[string]string{}
		for _, ps := range scores {
			if ps.Side == ziping.SideReview {
				reasons[ps.Code] = ps.Justification
			}
		}
		if note == "" && len(reasons) == 0 {
			return ziping.Errorf(ziping.Invalid, "退回须写明理由：填写退回说明，或对测评点写复核意见")
		}
		old := as.Status
		as.Status, as.ReturnNote = ziping.StatusReturned, note
		if err := s.Refresh(ctx, tx, as, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "assessment_return", AuditObject(as), u.ID, map[string]any{"status": old},
			map[string]any{"status": as.Status, "note": note, "points": reasons})
	})
}

// Accept ends the review: the review scores are frozen with the data, and every
// point that lost marks becomes a problem to rectify.
func (s *Service) Accept(ctx context.Context, a *ziping.Actor, id int64, seen, note string) error {
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Reviewable(ctx, tx, a, id, seen, ziping.StatusSubmitted, ziping.StatusResubmitted)
		if err != nil {
			return err
		}
		v, err := s.ViewIn(ctx, tx, as, u)
		if err != nil {
			return err
		}
		if msg := gapText(v); msg != "" {
			return gapRefusal(msg)
		}
		if err := s.freeze(ctx, tx, a, as, u, ziping.StatusReviewed, v); err != nil {
			return err
		}
		old := as.Status
		as.Status, as.ReviewedBy, as.ReviewedAt, as.ReturnNote = ziping.StatusReviewed, a.UserID(), s.now(), strings.TrimSpace(note)
		if err := s.Refresh(ctx, tx, as, u); err != nil {
			return err
		}
		n, err := s.generateProblems(ctx, tx, a, v)
		if err != nil {
			return err
		}
		fin := v.Final()
		return s.audit(ctx, tx, a, "assessment_accept", AuditObject(as), u.ID, map[string]any{"status": old},
			map[string]any{"status": as.Status, "note": as.ReturnNote, "total": fin.Total, "grade": fin.Grade,
				"verdict": fin.Verdict, "problems": n})
	})
}

// Publish makes a reviewed assessment public.
func (s *Service) Publish(ctx context.Context, a *ziping.Actor, id int64, seen string) error {
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Reviewable(ctx, tx, a, id, seen, ziping.StatusReviewed)
		if err != nil {
			return err
		}
		return s.publish(ctx, tx, a, as, u)
	})
}

func (s *Service) publish(ctx context.Context, tx Store, a *ziping.Actor, as *ziping.Assessment, u *ziping.OrgUnit) error {
	as.Status, as.PublishedAt, as.UpdatedAt = ziping.StatusPublished, s.now(), s.now()
	if err := tx.UpdateAssessment(ctx, as); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, "assessment_publish", AuditObject(as), u.ID, map[string]any{"status": ziping.StatusReviewed},
		map[string]any{"status": ziping.StatusPublished})
}

// Publishable lists the units whose reviewed assessment of framework fw and period
// in root's subtree the actor may publish: what PublishAll would publish now.
func (s *Service) Publishable(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, fw string, period int) ([]ziping.OrgUnit, error) {
	if !a.CanSee(root) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权查看该单位")
	}
	var out []ziping.OrgUnit
	err := s.eachPublishable(ctx, s.Store, a, root, fw, period, func(_ *ziping.Assessment, u *ziping.OrgUnit) error {
		out = append(out, *u)
		return nil
	})
	return out, err
}

func (s *Service) eachPublishable(ctx context.Context, st Store, a *ziping.Actor, root *ziping.OrgUnit, fw string, period int, fn func(*ziping.Assessment, *ziping.OrgUnit) error) error {
	list, err := st.Assessments(ctx, ziping.AssessmentQuery{UnitPath: root.Path, Framework: fw, Period: period, Statuses: []string{ziping.StatusReviewed}})
	if err != nil {
		return err
	}
	for i := range list {
		as := &list[i]
		u, err := st.Unit(ctx, as.UnitID)
		if err != nil {
			return err
		}
		if !a.CanReview(u) || (a.User != nil && as.SubmittedBy == a.User.ID) {
			continue
		}
		if err := fn(as, u); err != nil {
			return err
		}
	}
	return nil
}

// PublishAll publishes every reviewed assessment of framework fw and period in
// root's subtree that the actor may review, and returns how many.
func (s *Service) PublishAll(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, fw string, period int) (int, error) {
	if !a.CanSee(root) {
		return 0, ziping.Errorf(ziping.Forbidden, "无权查看该单位")
	}
	n := 0
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		err := s.eachPublishable(ctx, tx, a, root, fw, period, func(as *ziping.Assessment, u *ziping.OrgUnit) error {
			n++
			return s.publish(ctx, tx, a, as, u)
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return ziping.Errorf(ziping.Invalid, "没有已复核、待公布的自评")
		}
		return nil
	})
	return n, err
}
