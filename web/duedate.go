package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ziping"
	"ziping/assess"
)

// The self-evaluation due date (自评截止日期) form: a reviewer (or an administrator)
// sets, on a unit of its scope, the date by which the unit's subtree should submit
// its self-evaluations of a framework and period. The filler's home counts the days
// to it; a submission after it is allowed and marked late on the assessment page.

type dueDatePage struct {
	Page
	Unit            unitView
	Picker          picker
	FWName          string
	Period          int
	Action, BackURL string
	Date            string // as set on this unit, or as typed
	Version         int64
	Applies         string // the date that applies now, and who set it
	Message         string // why a save was refused
}

// dueDateUnit reads the unit and its selection and checks that the actor may set
// the due date of the framework's assessments under it.
func (s *Server) dueDateUnit(r *http.Request) (*ziping.OrgUnit, *selection, error) {
	u, err := s.visibleUnit(r)
	if err != nil {
		return nil, nil, err
	}
	sel, err := s.selectionOf(r)
	if err != nil {
		return nil, nil, err
	}
	level := assess.OrgLevel(sel.prog.FW.Level)
	if !assess.DueDateApplies(u, level) {
		return nil, nil, ziping.Errorf(ziping.NotFound, "「%s」评价的单位不在「%s」之下，不能在此设置截止日期", sel.prog.FW.Name, u.Name)
	}
	if !assess.MaySetDueDate(info(r).actor, u, level) {
		return nil, nil, ziping.Errorf(ziping.Forbidden, "只有上级督导部门可以设置「%s」的自评截止日期，本单位不能设置或更改自己的截止日期", u.Name)
	}
	return u, sel, nil
}

// dueDateEdit shows the form.
func (s *Server) dueDateEdit(w http.ResponseWriter, r *http.Request) error {
	u, sel, err := s.dueDateUnit(r)
	if err != nil {
		return err
	}
	d, err := s.svc.Assess.DueDateSetOn(r.Context(), u, sel.FW, sel.Period)
	if err != nil {
		return err
	}
	p := &dueDatePage{Version: d.Version}
	if !d.Due.IsZero() {
		p.Date = d.Due.Format(time.DateOnly)
	}
	return s.renderDueDate(w, r, http.StatusOK, u, sel, p)
}

func (s *Server) renderDueDate(w http.ResponseWriter, r *http.Request, status int, u *ziping.OrgUnit, sel *selection, p *dueDatePage) error {
	ctx := r.Context()
	p.Unit, p.FWName, p.Period = newUnitView(u), sel.prog.FW.Name, sel.Period
	base := unitURL(u.Code) + "/due"
	p.Action, p.BackURL = sel.link(base), sel.link(unitURL(u.Code)+"/ranking")
	if u.Level == ziping.LevelCounty || u.Level == ziping.LevelSchool {
		p.BackURL = unitURL(u.Code)
	}
	p.Picker = s.picker(base, sel, true)
	due, err := s.svc.Assess.DueDateOf(ctx, u, sel.FW, sel.Period)
	if err != nil {
		return err
	}
	if due.Date.IsZero() {
		p.Applies = "尚未设定截止日期"
	} else {
		by := "本单位"
		if due.SetOn != u.ID {
			if up, err := s.svc.Store.Unit(ctx, due.SetOn); err == nil {
				by = up.Name
			}
		}
		p.Applies = due.Date.Format(time.DateOnly) + "（" + by + "设定）"
	}
	if err := s.fillUnitPage(r, &p.Page, u, "自评截止日期"); err != nil {
		return err
	}
	return s.render(w, r, status, "duedate", p)
}

// dueDateSave saves the date; a refusal comes back on the form as typed.
func (s *Server) dueDateSave(w http.ResponseWriter, r *http.Request) error {
	u, sel, err := s.dueDateUnit(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	p := &dueDatePage{Date: strings.TrimSpace(f.Get("date"))}
	var in assess.DueDateInput
	p.Version, in.Date, err = versionAndDate(f, p.Date, "截止日期", "2025-06-30")
	in.Version = p.Version
	if err == nil {
		_, err = s.svc.Assess.SetDueDate(r.Context(), info(r).actor, u, sel.FW, sel.Period, in)
	}
	if err == nil {
		msg := u.Name + strconv.Itoa(sel.Period) + "年度" + sel.prog.FW.Name + "的自评截止日期已设为" + p.Date + "。"
		if p.Date == "" {
			msg = u.Name + "设定的自评截止日期已清除，沿用上级单位的日期（如有）。"
		}
		return s.done(w, r, msg, sel.link(unitURL(u.Code)+"/due"))
	}
	msg, ok := userMessage(err)
	if !ok {
		return err
	}
	p.Message = msg
	return s.renderDueDate(w, r, statusOf(err), u, sel, p)
}

// dueDateURL is the form of the due date on unit u of fw and period.
func dueDateURL(u *ziping.OrgUnit, fw string, period int) string {
	return unitURL(u.Code) + "/due?" + url.Values{"fw": {fw}, "period": {strconv.Itoa(period)}}.Encode()
}

// dueText says the due date d of assessment as to whoever reads it at now: the days
// left, or how late it is while it is open; once submitted, whether it was
// submitted late. late is set when the date has passed unmet or was missed.
func dueText(d assess.DueDate, as *ziping.Assessment, now time.Time) (text string, late bool) {
	if d.Date.IsZero() {
		return "", false
	}
	date := "截止日期 " + d.Date.Format(time.DateOnly)
	if !as.SelfEditable() && !as.SubmittedAt.IsZero() {
		if d.Late(as.SubmittedAt) {
			days := -d.DaysLeft(as.SubmittedAt)
			return date + "（逾期提交，晚" + strconv.Itoa(days) + "天）", true
		}
		return date + "（按期提交）", false
	}
	switch left := d.DaysLeft(now); {
	case left > 0:
		return date + "（还剩" + strconv.Itoa(left) + "天）", false
	case left == 0:
		return date + "（今天截止）", false
	default:
		return date + "（已逾期" + strconv.Itoa(-left) + "天）", true
	}
}

// homeDueDates lists, on a reviewer's (or an administrator's) home, the due dates of
// this period set on root for each framework whose assessments the actor may give
// one, with the form that sets it.
func (s *Server) homeDueDates(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, p *homePage) error {
	if p.Period == 0 {
		return nil
	}
	below, err := s.svc.Store.Subtree(ctx, root, ziping.LevelCity, ziping.LevelCounty)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(below))
	ids := make([]int64, 0, len(below))
	for _, u := range below {
		if u.ID != root.ID {
			names[u.ID] = u.Name
			ids = append(ids, u.ID)
		}
	}
	for _, id := range s.fwIDs {
		fw := s.programs[id].FW
		if !countyFramework(fw) || !assess.MaySetDueDate(a, root, assess.OrgLevel(fw.Level)) {
			continue
		}
		d, err := s.svc.Assess.DueDateOf(ctx, root, id, p.Period)
		if err != nil {
			return err
		}
		row := dueRow{ID: "due-" + id, Framework: fw.Name, Date: "未设定", URL: dueDateURL(root, id, p.Period)}
		if !d.Date.IsZero() {
			row.Date, row.Set = d.Date.Format(time.DateOnly), true
		}
		set, err := s.svc.Assess.DueDatesSet(ctx, id, p.Period, ids)
		if err != nil {
			return err
		}
		var parts []string
		n := 0
		for _, sd := range set {
			if sd.Due.IsZero() {
				continue
			}
			if n++; n <= maxBelow {
				parts = append(parts, names[sd.UnitID]+" "+sd.Due.Format(time.DateOnly))
			}
		}
		if n > 0 {
			row.Below = "下级另行设定：" + strings.Join(parts, "、")
			if n > maxBelow {
				row.Below += "等" + strconv.Itoa(n) + "个单位"
			}
		}
		p.DueDates = append(p.DueDates, row)
	}
	return nil
}

// maxBelow is how many of the dates set below a reviewer's unit its home names.
const maxBelow = 3
