package catalog

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"ziping"
	"ziping/assess"
)

// SetPeriod chooses version of framework id from period on: it applies to that
// period and every later one until a later choice. Refused when a period it would
// move has assessments of another version (the assessments of a period share one
// version, which its ranking compares).
func (s *Service) SetPeriod(ctx context.Context, a *ziping.Actor, id string, period int, version string) error {
	if err := admin(a); err != nil {
		return err
	}
	if period < 1900 || period > 2200 {
		return ziping.Errorf(ziping.Invalid, "年度「%d」无效", period)
	}
	if _, _, err := s.Program(ctx, a, id, version); err != nil {
		return err
	}
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		choices, err := tx.FrameworkPeriods(ctx, id)
		if err != nil {
			return err
		}
		old := ""
		next := slices.Clone(choices)
		if i := slices.IndexFunc(next, func(c ziping.FrameworkPeriod) bool { return c.Period == period }); i >= 0 {
			old = next[i].Version
			next[i].Version = version
		} else {
			next = append(next, ziping.FrameworkPeriod{Framework: id, Period: period, Version: version})
			slices.SortFunc(next, func(x, y ziping.FrameworkPeriod) int { return x.Period - y.Period })
		}
		if err := s.checkMove(ctx, tx, id, choices, next); err != nil {
			return err
		}
		fp := &ziping.FrameworkPeriod{Framework: id, Period: period, Version: version, SetBy: a.UserID(), SetAt: s.now()}
		if err := tx.SetFrameworkPeriod(ctx, fp); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "framework_period", "framework:"+id+"/period:"+strconv.Itoa(period),
			periodAudit(period, old), periodAudit(period, version))
	})
}

// ClearPeriod removes the choice of period: the period then takes the version of
// the choice before it (or the built-in version). Refused as SetPeriod is.
func (s *Service) ClearPeriod(ctx context.Context, a *ziping.Actor, id string, period int) error {
	if err := admin(a); err != nil {
		return err
	}
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		choices, err := tx.FrameworkPeriods(ctx, id)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(choices, func(c ziping.FrameworkPeriod) bool { return c.Period == period })
		if i < 0 {
			return ziping.Errorf(ziping.NotFound, "评价体系「%s」没有为%d年度选定版本", id, period)
		}
		next := slices.Delete(slices.Clone(choices), i, i+1)
		if err := s.checkMove(ctx, tx, id, choices, next); err != nil {
			return err
		}
		if err := tx.DeleteFrameworkPeriod(ctx, id, period); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "framework_period", "framework:"+id+"/period:"+strconv.Itoa(period),
			periodAudit(period, choices[i].Version), periodAudit(period, ""))
	})
}

func periodAudit(period int, version string) map[string]any {
	return map[string]any{"period": period, "version": version}
}

// checkMove refuses changing the choices from before to after when a period whose
// assessments use a version would then take another version.
func (s *Service) checkMove(ctx context.Context, tx ziping.Store, id string, before, after []ziping.FrameworkPeriod) error {
	versions, err := tx.FrameworkVersions(ctx, id)
	if err != nil {
		return err
	}
	uses, err := tx.FrameworkUsage(ctx, id)
	if err != nil {
		return err
	}
	for _, u := range uses {
		was, _ := assess.ApplyingVersion(before, versions, u.Period)
		will, ok := assess.ApplyingVersion(after, versions, u.Period)
		if will == was || will == u.Version {
			continue
		}
		now := "不再有适用的版本"
		if ok {
			now = fmt.Sprintf("将改用版本「%s」", will)
		}
		return ziping.Errorf(ziping.Conflict, "%d年度已有%d项自评使用版本「%s」，该年度%s。同一年度的自评须使用同一版本，才能排名和比较；请改选其他年度",
			u.Period, u.Count, u.Version, now)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
