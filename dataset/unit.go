package dataset

import (
	"context"
	"strings"

	"ziping"
)

// AddUnit creates an org unit under the unit with parentCode ("" for a root).
// Admins only.
func (s *Service) AddUnit(ctx context.Context, a *ziping.Actor, code, name, level, parentCode string) (*ziping.OrgUnit, error) {
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "只有管理员可以添加单位")
	}
	u := &ziping.OrgUnit{Code: strings.TrimSpace(code), Name: strings.TrimSpace(name), Level: level}
	if u.Code == "" || u.Name == "" {
		return nil, ziping.Errorf(ziping.Invalid, "单位代码和名称不能为空")
	}
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		if parentCode != "" {
			p, err := tx.UnitByCode(ctx, parentCode)
			if err != nil {
				return ziping.Errorf(ziping.Invalid, "没有代码为 %s 的上级单位", parentCode)
			}
			u.ParentID = p.ID
		}
		if err := tx.CreateUnit(ctx, u); err != nil {
			if ziping.ErrorKind(err) == ziping.Conflict {
				return ziping.Errorf(ziping.Conflict, "单位代码 %s 已存在", u.Code)
			}
			return err
		}
		return s.audit(ctx, tx, a, "unit_add", "unit:"+u.Code, u.ID, nil, map[string]string{"code": u.Code, "name": u.Name, "level": u.Level})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SchoolMove is what MoveSchool did.
type SchoolMove struct {
	Code     string
	From, To *ziping.OrgUnit
	Rows     int // school rows moved, of every period
}

// MoveSchool moves a school, its school unit and its rows of every period, to the
// county toCode: the one way a school changes units (an import never moves one).
// Admins only; audited with both counties; the data version changes and both
// counties' open assessments are recomputed (a durable job).
func (s *Service) MoveSchool(ctx context.Context, a *ziping.Actor, code, toCode string) (*SchoolMove, error) {
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "只有管理员可以调整学校的所属单位")
	}
	code, toCode = strings.TrimSpace(code), strings.TrimSpace(toCode)
	mv := &SchoolMove{Code: code}
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		to, err := tx.UnitByCode(ctx, toCode)
		if ziping.IsNotFound(err) || (err == nil && to.Level != ziping.LevelCounty) {
			return ziping.Errorf(ziping.Invalid, "没有代码为 %s 的区县", toCode)
		}
		if err != nil {
			return err
		}
		owners, err := tx.SchoolOwners(ctx, []string{code})
		if err != nil {
			return err
		}
		from, ok := owners[code]
		if !ok {
			return ziping.Errorf(ziping.NotFound, "没有代码为 %s 的学校", code)
		}
		if from == to.ID {
			return ziping.Errorf(ziping.Invalid, "学校 %s 已属于%s", code, to.Name)
		}
		if mv.From, err = tx.Unit(ctx, from); err != nil {
			return err
		}
		mv.To = to
		if mv.Rows, err = tx.MoveSchool(ctx, code, to); err != nil {
			return err
		}
		return s.afterMove(ctx, tx, a, mv)
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.RunJobs(ctx); err != nil {
		return mv, &ziping.Error{Kind: ziping.Internal, Msg: "学校已调整，但自评结果尚未随之更新完毕，系统会自动重试", Err: err}
	}
	return mv, nil
}

// afterMove bumps the data version (an empty batch: every data change is one), audits
// the move and queues the recompute of both counties.
func (s *Service) afterMove(ctx context.Context, tx Store, a *ziping.Actor, mv *SchoolMove) error {
	b := &ziping.Batch{File: "学校调整：" + mv.Code, UserID: a.UserID(), CreatedAt: s.now()}
	if err := tx.CreateBatch(ctx, b, nil, nil); err != nil {
		return err
	}
	periods, err := tx.Periods(ctx)
	if err != nil {
		return err
	}
	var all []int
	for _, p := range periods {
		all = append(all, p, p+1)
	}
	if err := s.enqueue(ctx, tx, ziping.JobRecompute, ziping.RecomputePayload{Counties: []int64{mv.From.ID, mv.To.ID}, Periods: all}); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, "school_move", "school:"+mv.Code, mv.To.ID,
		map[string]string{"unit": mv.From.Code, "name": mv.From.Name},
		map[string]any{"unit": mv.To.Code, "name": mv.To.Name, "rows": mv.Rows, "batch": b.ID})
}
