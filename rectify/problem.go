package rectify

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ziping"
	"ziping/assess"
)

func problemObject(p *ziping.Problem) string { return "problem:" + strconv.FormatInt(p.ID, 10) }

// FindingInput is a reviewer's own finding.
type FindingInput struct {
	Point       string
	Description string
	Deadline    time.Time
}

// AddFinding records a reviewer's finding on a submitted or reviewed assessment.
func (s *Service) AddFinding(ctx context.Context, a *ziping.Actor, id int64, in FindingInput) (*ziping.Problem, error) {
	desc := strings.TrimSpace(in.Description)
	if desc == "" || utf8.RuneCountInString(desc) > 2000 {
		return nil, ziping.Errorf(ziping.Invalid, "请填写问题描述（不超过2000字）")
	}
	var p *ziping.Problem
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Assess.Reviewable(ctx, tx, a, id, "", ziping.StatusSubmitted, ziping.StatusResubmitted, ziping.StatusReviewed, ziping.StatusPublished)
		if err != nil {
			return err
		}
		if in.Point != "" {
			prog, err := s.Assess.Program(ctx, as.Framework, as.FrameworkVersion)
			if err != nil {
				return err
			}
			if !assess.HasCode(prog.FW, in.Point) {
				return ziping.Errorf(ziping.Invalid, "评价体系中没有测评点「%s」", in.Point)
			}
		}
		p = &ziping.Problem{AssessmentID: as.ID, UnitID: as.UnitID, Framework: as.Framework, Period: as.Period, Point: in.Point,
			Source: ziping.SourceFinding, Description: desc, Deadline: ziping.DateOnly(in.Deadline), Status: ziping.ProblemOpen,
			CreatedBy: a.UserID(), CreatedAt: s.now(), UpdatedAt: s.now()}
		if err := tx.CreateProblem(ctx, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "problem_add", problemObject(p), u.ID, nil, problemAudit(p))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func problemAudit(p *ziping.Problem) map[string]any {
	m := map[string]any{"point": p.Point, "source": p.Source, "description": p.Description, "measures": p.Measures,
		"owner": p.Owner, "status": p.Status, "note": p.Note}
	if !p.Deadline.IsZero() {
		m["deadline"] = p.Deadline.Format(time.DateOnly)
	}
	return m
}

// ProblemUpdate is a change to a problem, as a form sends it. Version is the version
// the person read: a problem changed since is a conflict.
type ProblemUpdate struct {
	Measures string
	Owner    string
	Deadline time.Time
	Status   string
	Note     string
	Version  int64
}

// UpdateProblem changes a problem. The unit fills the measures, owner, deadline and
// progress up to done; only a reviewer above the unit verifies a done problem,
// sends it back or reopens it, and a reviewer does nothing else (an admin is both).
func (s *Service) UpdateProblem(ctx context.Context, a *ziping.Actor, id int64, up ProblemUpdate) (*ziping.Problem, error) {
	var out *ziping.Problem
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		p, u, err := s.problemFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if p.Version != up.Version {
			return ziping.Errorf(ziping.Conflict, "该问题已被他人修改（状态：%s），你的修改未保存。请刷新后重试", ziping.ProblemStatusNames[p.Status])
		}
		old := problemAudit(p)
		if err := s.applyProblemUpdate(a, u, p, up); err != nil {
			return err
		}
		p.UpdatedAt = s.now()
		if err := tx.UpdateProblem(ctx, p); err != nil {
			return err
		}
		out = p
		return s.audit(ctx, tx, a, "problem_update", problemObject(p), u.ID, old, problemAudit(p))
	})
	return out, err
}

func (s *Service) applyProblemUpdate(a *ziping.Actor, u *ziping.OrgUnit, p *ziping.Problem, up ProblemUpdate) error {
	if _, ok := ziping.ProblemStatusNames[up.Status]; !ok {
		return ziping.Errorf(ziping.Invalid, "整改状态「%s」无效", up.Status)
	}
	for _, f := range []string{up.Measures, up.Owner, up.Note} {
		if utf8.RuneCountInString(f) > 2000 {
			return ziping.Errorf(ziping.Invalid, "每项内容不超过2000字")
		}
	}
	reviewer, unit := a.CanReview(u), a.CanEdit(u)
	if reviewer && !unit {
		return reviewerProblemUpdate(p, up)
	}
	switch {
	case up.Status == ziping.ProblemVerified || p.Status == ziping.ProblemVerified || (p.Status == ziping.ProblemDone && up.Status != ziping.ProblemDone && !unit):
		// verifying, reopening a verified problem, or sending a done one back
		if !reviewer {
			return ziping.Errorf(ziping.Forbidden, "只有上级督导部门可以验收或退回整改")
		}
		if up.Status == ziping.ProblemVerified && p.Status != ziping.ProblemDone && p.Status != ziping.ProblemVerified {
			return ziping.Errorf(ziping.Invalid, "问题整改完成后才能验收")
		}
		if p.Status == ziping.ProblemVerified && up.Status != ziping.ProblemVerified && strings.TrimSpace(up.Note) == "" {
			return ziping.Errorf(ziping.Invalid, "重新打开已验收的问题须说明理由")
		}
	case !unit && !reviewer:
		return ziping.Errorf(ziping.Forbidden, "无权修改「%s」的整改台账", u.Name)
	}
	if unit || reviewer {
		p.Measures, p.Owner, p.Deadline = strings.TrimSpace(up.Measures), strings.TrimSpace(up.Owner), ziping.DateOnly(up.Deadline)
	}
	if up.Status == ziping.ProblemDone && p.Status != ziping.ProblemDone && strings.TrimSpace(p.Measures) == "" {
		return ziping.Errorf(ziping.Invalid, "请先填写整改措施，再标记完成")
	}
	p.Status, p.Note = up.Status, strings.TrimSpace(up.Note)
	return nil
}

// reviewerProblemUpdate is what a reviewer above the unit may do: verify a done
// problem, send a done problem back, reopen a verified one (saying why), or leave a
// note. Rectifying, and saying it is done, is the unit's alone: the measures, owner
// and deadline are the unit's, and so is every step up to done.
func reviewerProblemUpdate(p *ziping.Problem, up ProblemUpdate) error {
	switch {
	case up.Status == p.Status:
	case up.Status == ziping.ProblemVerified && p.Status == ziping.ProblemDone:
	case p.Status == ziping.ProblemDone && (up.Status == ziping.ProblemOpen || up.Status == ziping.ProblemInProgress):
	case p.Status == ziping.ProblemVerified:
		if strings.TrimSpace(up.Note) == "" {
			return ziping.Errorf(ziping.Invalid, "重新打开已验收的问题须说明理由")
		}
	case up.Status == ziping.ProblemVerified:
		return ziping.Errorf(ziping.Invalid, "问题整改完成后才能验收")
	default:
		return ziping.Errorf(ziping.Forbidden, "整改由被评单位进行并标记完成；督导部门只能验收或退回")
	}
	p.Status, p.Note = up.Status, strings.TrimSpace(up.Note)
	return nil
}

// problemFor reads a problem and its unit for an actor who may see its assessment.
func (s *Service) problemFor(ctx context.Context, st Store, a *ziping.Actor, id int64) (*ziping.Problem, *ziping.OrgUnit, error) {
	p, err := st.Problem(ctx, id)
	if err != nil {
		if ziping.IsNotFound(err) {
			return nil, nil, ziping.Errorf(ziping.NotFound, "没有这个问题")
		}
		return nil, nil, err
	}
	if _, u, err := s.Assess.Find(ctx, st, a, p.AssessmentID); err == nil {
		return p, u, nil
	}
	return nil, nil, ziping.Errorf(ziping.NotFound, "没有这个问题")
}

// Problem returns one problem with the evidence of its rectification.
func (s *Service) Problem(ctx context.Context, a *ziping.Actor, id int64) (*ziping.Problem, *ziping.OrgUnit, []ziping.Evidence, error) {
	p, u, err := s.problemFor(ctx, s.Store, a, id)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := s.Store.EvidenceOf(ctx, p.AssessmentID)
	if err != nil {
		return nil, nil, nil, err
	}
	var evs []ziping.Evidence
	for _, e := range all {
		if e.ProblemID == p.ID {
			evs = append(evs, e)
		}
	}
	return p, u, evs, nil
}
