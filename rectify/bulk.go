package rectify

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"ziping"
)

// The bulk actions on problems of the ledger (整改台账).
const (
	BulkAssign = "assign" // 分配责任人（责任单位）和整改时限: the unit's
	BulkVerify = "verify" // 核实通过: a reviewer's, on done problems
	BulkReturn = "return" // 退回整改: a reviewer's, on done problems, with a reason
)

// MaxBulk is how many problems one bulk action may change.
const MaxBulk = 200

// ProblemRef names a problem of a bulk action and the version the person saw (0:
// not seen yet, as when the ledger's boxes are ticked; the confirmation carries it).
type ProblemRef struct{ ID, Version int64 }

// BulkInput is a bulk action on problems: one form, several problems.
type BulkInput struct {
	Action   string
	Owner    string    // assign: 责任人 / 责任单位; "" leaves each problem's as it is
	Deadline time.Time // assign: 整改时限; zero leaves each problem's as it is
	Reason   string    // verify: an optional note; return: required
	Problems []ProblemRef
}

// BulkChange is one problem of a bulk action: as it is and as it will be.
type BulkChange struct {
	Before, After ziping.Problem
	Unit          ziping.OrgUnit
}

// Refs are the problems of changes with the versions read, for ApplyBulk.
func Refs(changes []BulkChange) []ProblemRef {
	out := make([]ProblemRef, len(changes))
	for i, c := range changes {
		out[i] = ProblemRef{ID: c.Before.ID, Version: c.Before.Version}
	}
	return out
}

// CheckBulk says what a bulk action on problems of root's ledger would change, or
// why it would be refused, without changing anything: the confirmation's question.
func (s *Service) CheckBulk(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, in BulkInput) ([]BulkChange, error) {
	return s.planBulk(ctx, s.Store, a, root, in)
}

// ApplyBulk applies a bulk action, all or nothing: every problem must be in root's
// subtree, visible to the actor, at the version the person saw, and one the actor may
// change this way (the unit assigns its own problems' owners and deadlines; only a
// reviewer above the unit verifies or sends back a done problem). One problem that
// fails refuses the whole request and nothing changes. Each problem changed is
// audited on its own (problem_assign; problem_update for verify and return).
func (s *Service) ApplyBulk(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, in BulkInput) ([]BulkChange, error) {
	for _, r := range in.Problems {
		if r.Version == 0 {
			return nil, ziping.Errorf(ziping.Invalid, "表单缺少版本号，未修改任何问题。请刷新页面后重试")
		}
	}
	var out []BulkChange
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		changes, err := s.planBulk(ctx, tx, a, root, in)
		if err != nil {
			return err
		}
		for i := range changes {
			c := &changes[i]
			p := c.After
			p.UpdatedAt = s.now()
			if err := tx.UpdateProblem(ctx, &p); err != nil {
				return err
			}
			c.After = p
			action, old, new := "problem_update", problemAudit(&c.Before), problemAudit(&p)
			if in.Action == BulkAssign {
				action, old, new = "problem_assign", assignAudit(&c.Before), assignAudit(&p)
			}
			if err := s.audit(ctx, tx, a, action, problemObject(&p), c.Unit.ID, old, new); err != nil {
				return err
			}
		}
		out = changes
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func assignAudit(p *ziping.Problem) map[string]any {
	m := map[string]any{"owner": p.Owner, "deadline": ""}
	if !p.Deadline.IsZero() {
		m["deadline"] = p.Deadline.Format(time.DateOnly)
	}
	return m
}

// planBulk checks a bulk action against the problems as st has them and returns
// what each would become.
func (s *Service) planBulk(ctx context.Context, st Store, a *ziping.Actor, root *ziping.OrgUnit, in BulkInput) ([]BulkChange, error) {
	owner, reason := strings.TrimSpace(in.Owner), strings.TrimSpace(in.Reason)
	deadline := ziping.DateOnly(in.Deadline)
	if utf8.RuneCountInString(owner) > 200 {
		return nil, ziping.Errorf(ziping.Invalid, "责任人（责任单位）不超过200字")
	}
	if utf8.RuneCountInString(reason) > 2000 {
		return nil, ziping.Errorf(ziping.Invalid, "说明不超过2000字")
	}
	switch in.Action {
	case BulkAssign:
		if owner == "" && deadline.IsZero() {
			return nil, ziping.Errorf(ziping.Invalid, "请填写责任人（责任单位）或整改时限")
		}
		if !deadline.IsZero() && deadline.Before(ziping.DateOnly(s.Now())) {
			return nil, ziping.Errorf(ziping.Invalid, "整改时限%s早于今天，请重新填写", deadline.Format(time.DateOnly))
		}
	case BulkVerify:
	case BulkReturn:
		if reason == "" {
			return nil, ziping.Errorf(ziping.Invalid, "退回整改须写明理由")
		}
	default:
		return nil, ziping.Errorf(ziping.Invalid, "批量操作「%s」无效", in.Action)
	}
	if len(in.Problems) == 0 {
		return nil, ziping.Errorf(ziping.Invalid, "请先勾选问题")
	}
	if len(in.Problems) > MaxBulk {
		return nil, ziping.Errorf(ziping.Invalid, "一次最多处理%d个问题，已勾选%d个", MaxBulk, len(in.Problems))
	}
	seen := map[int64]bool{}
	var out []BulkChange
	for _, ref := range in.Problems {
		if seen[ref.ID] {
			continue
		}
		seen[ref.ID] = true
		p, u, err := s.problemFor(ctx, st, a, ref.ID)
		if err == nil && (root == nil || !u.InSubtree(root)) {
			err = ziping.Errorf(ziping.NotFound, "没有这个问题")
		}
		if err != nil {
			if ziping.IsNotFound(err) {
				return nil, ziping.Errorf(ziping.NotFound, "没有编号为%d的问题，未修改任何问题", ref.ID)
			}
			return nil, err
		}
		if ref.Version != 0 && ref.Version != p.Version {
			return nil, ziping.Errorf(ziping.Conflict, "问题%d已被他人修改（现在：%s），未修改任何问题。请返回台账重新选择", p.ID, p.StatusName())
		}
		c := BulkChange{Before: *p, After: *p, Unit: *u}
		switch in.Action {
		case BulkAssign:
			if !a.CanEdit(u) {
				return nil, ziping.Errorf(ziping.Forbidden, "无权分配「%s」的整改问题（问题%d），未修改任何问题", u.Name, p.ID)
			}
			if p.Status == ziping.ProblemVerified {
				return nil, ziping.Errorf(ziping.Invalid, "问题%d已验收，不能再分配，未修改任何问题", p.ID)
			}
			if p.DataGap {
				return nil, ziping.Errorf(ziping.Invalid, "问题%d是数据缺失，不是整改任务，无须分配，未修改任何问题", p.ID)
			}
			if owner != "" {
				c.After.Owner = owner
			}
			if !deadline.IsZero() {
				c.After.Deadline = deadline
			}
		case BulkVerify, BulkReturn:
			if !a.CanReview(u) {
				return nil, ziping.Errorf(ziping.Forbidden, "只有上级督导部门可以核实「%s」的整改（问题%d），未修改任何问题", u.Name, p.ID)
			}
			if p.Status != ziping.ProblemDone {
				return nil, ziping.Errorf(ziping.Invalid, "问题%d的状态是「%s」，整改完成后才能核实或退回，未修改任何问题", p.ID, p.StatusName())
			}
			c.After.Status = ziping.ProblemVerified
			if in.Action == BulkReturn {
				c.After.Status = ziping.ProblemInProgress
			}
			if reason != "" {
				c.After.Note = reason
			}
		}
		out = append(out, c)
	}
	return out, nil
}
