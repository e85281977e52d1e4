package assess

import (
	"context"
	"strconv"
	"strings"
	"time"

	"ziping"
)

// The self-evaluation due date (自评截止日期): the reviewing level, a reviewer (or an
// administrator) whose scope contains a unit, sets it on that unit for a framework
// and a period; it applies to the whole subtree, the nearest ancestor's date
// winning. It informs and does not block: a unit may submit after it, and its
// assessment then says it was submitted late.

// DueDate is the date that applies to a unit's assessments of a framework and
// period, and the unit that set it. Date is zero when nobody set one.
type DueDate struct {
	Date  time.Time // a date, midnight UTC
	SetOn int64     // the unit that set it
}

// DaysLeft is how many days are left, on the day now is in the configured zone,
// until the end of the due date: 0 on the day itself, negative when overdue.
func (d DueDate) DaysLeft(now time.Time) int {
	today := ziping.DateOnly(ziping.LocalDay(now))
	return int(d.Date.Sub(today).Hours() / 24)
}

// Late reports whether an assessment submitted at submitted was submitted after
// the due date (the day of the submission, in the configured zone, after it).
func (d DueDate) Late(submitted time.Time) bool {
	return !d.Date.IsZero() && !submitted.IsZero() && ziping.DateOnly(ziping.LocalDay(submitted)).After(d.Date)
}

// ancestry is the ids of u's path, root first, u last.
func ancestry(u *ziping.OrgUnit) []int64 {
	var ids []int64
	for _, part := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 || ids[len(ids)-1] != u.ID {
		ids = append(ids, u.ID)
	}
	return ids
}

// DueDateOf is the due date of unit u's assessments of framework fw and period.
func (s *Service) DueDateOf(ctx context.Context, u *ziping.OrgUnit, fw string, period int) (DueDate, error) {
	m, err := s.DueDatesOf(ctx, []ziping.OrgUnit{*u}, fw, period)
	return m[u.ID], err
}

// DueDatesOf is the due date of each of units' assessments of fw and period, by
// unit id (units with none are left out), read in one query.
func (s *Service) DueDatesOf(ctx context.Context, units []ziping.OrgUnit, fw string, period int) (map[int64]DueDate, error) {
	seen := map[int64]bool{}
	var ids []int64
	for i := range units {
		for _, id := range ancestry(&units[i]) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	rows, err := s.Store.DueDates(ctx, fw, period, ids)
	if err != nil {
		return nil, err
	}
	set := make(map[int64]time.Time, len(rows))
	for _, d := range rows {
		if !d.Due.IsZero() {
			set[d.UnitID] = d.Due
		}
	}
	out := map[int64]DueDate{}
	for i := range units {
		chain := ancestry(&units[i])
		for j := len(chain) - 1; j >= 0; j-- {
			if t, ok := set[chain[j]]; ok {
				out[units[i].ID] = DueDate{Date: t, SetOn: chain[j]}
				break
			}
		}
	}
	return out, nil
}

// levelDepth orders the levels of the org tree, the province 0.
func levelDepth(level string) int {
	switch level {
	case ziping.LevelProvince:
		return 0
	case ziping.LevelCity:
		return 1
	case ziping.LevelCounty:
		return 2
	}
	return 3
}

// DueDateApplies reports whether a due date set on u can apply to assessments of
// units of orgLevel: u is at that level or above it.
func DueDateApplies(u *ziping.OrgUnit, orgLevel string) bool {
	return levelDepth(orgLevel) >= levelDepth(u.Level)
}

// MaySetDueDate reports whether actor a may set the due date of the assessments
// of units of orgLevel (the level a framework assesses) in u's subtree: an
// administrator, or a reviewer whose scope contains u, never for its own unit's
// assessment (a unit does not set or move its own due date). Fillers and viewers
// may not.
func MaySetDueDate(a *ziping.Actor, u *ziping.OrgUnit, orgLevel string) bool {
	if a.IsAdmin() {
		return true
	}
	if a.User == nil || a.User.Role != ziping.RoleReviewer || a.Scope == nil || !u.InSubtree(a.Scope) {
		return false
	}
	return levelDepth(orgLevel) > levelDepth(a.Scope.Level)
}

// DueDateInput is what a reviewer sets: the date (zero to clear it, so that the
// next ancestor's applies) and the version it edited (0 when none was set on the
// unit).
type DueDateInput struct {
	Date    time.Time
	Version int64
}

// SetDueDate sets on unit u the due date of the assessments of framework fw and
// period in its subtree, for an actor who may (MaySetDueDate); audited.
func (s *Service) SetDueDate(ctx context.Context, a *ziping.Actor, u *ziping.OrgUnit, fw string, period int, in DueDateInput) (*ziping.DueDate, error) {
	if !a.CanSee(u) {
		return nil, ziping.Errorf(ziping.NotFound, "单位不存在")
	}
	prog, err := s.Program(ctx, fw, "")
	if err != nil {
		return nil, err
	}
	level := orgLevel(prog.FW.Level)
	if !DueDateApplies(u, level) {
		return nil, ziping.Errorf(ziping.NotFound, "「%s」评价的单位不在「%s」之下，不能在此设置截止日期", prog.FW.Name, u.Name)
	}
	if !MaySetDueDate(a, u, level) {
		return nil, ziping.Errorf(ziping.Forbidden, "只有上级督导部门可以设置「%s」的自评截止日期，本单位不能设置或更改自己的截止日期", u.Name)
	}
	if period < 1900 || period > 2200 {
		return nil, ziping.Errorf(ziping.Invalid, "年度无效")
	}
	d := &ziping.DueDate{UnitID: u.ID, Framework: fw, Period: period, Due: ziping.DateOnly(in.Date), Version: in.Version,
		UpdatedBy: a.UserID(), UpdatedAt: s.now()}
	if y := d.Due.Year(); !d.Due.IsZero() && (y < period || y > period+5) {
		return nil, ziping.Errorf(ziping.Invalid, "%d年度自评的截止日期应在%d年至%d年之间", period, period, period+5)
	}
	err = s.Store.Tx(ctx, func(tx ziping.Store) error {
		old, err := tx.DueDates(ctx, fw, period, []int64{u.ID})
		if err != nil {
			return err
		}
		if err := tx.SaveDueDate(ctx, d); err != nil {
			if ziping.ErrorKind(err) == ziping.Conflict {
				return ziping.Errorf(ziping.Conflict, "截止日期已被他人修改，你的修改未保存。请刷新后重试")
			}
			return err
		}
		var before any
		if len(old) == 1 {
			before = dueAudit(&old[0])
		}
		return s.audit(ctx, tx, a, "due_date_save", DueDateAuditObject(u, fw, period), u.ID, before, dueAudit(d))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DueDateSetOn is the due date set on u itself for fw and period (Version 0 when
// none was ever set): what the form edits.
func (s *Service) DueDateSetOn(ctx context.Context, u *ziping.OrgUnit, fw string, period int) (*ziping.DueDate, error) {
	rows, err := s.Store.DueDates(ctx, fw, period, []int64{u.ID})
	if err != nil {
		return nil, err
	}
	if len(rows) == 1 {
		return &rows[0], nil
	}
	return &ziping.DueDate{UnitID: u.ID, Framework: fw, Period: period}, nil
}

// DueDateAuditObject names a due date in the audit log.
func DueDateAuditObject(u *ziping.OrgUnit, fw string, period int) string {
	return "due:" + u.Code + "/" + fw + "/" + strconv.Itoa(period)
}

func dueAudit(d *ziping.DueDate) map[string]any {
	date := ""
	if !d.Due.IsZero() {
		date = d.Due.Format(time.DateOnly)
	}
	return map[string]any{"due": date, "version": d.Version}
}

// DueDatesSet are the due dates of fw and period set on the given units
// themselves (not inherited), cleared ones included, by unit id.
func (s *Service) DueDatesSet(ctx context.Context, fw string, period int, unitIDs []int64) ([]ziping.DueDate, error) {
	return s.Store.DueDates(ctx, fw, period, unitIDs)
}
