package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// assessmentsPage is a county's assessments, one row per framework and period, with
// the form that starts a new one for those who may.
type assessmentsPage struct {
	Page
	Unit    unitView
	Rows    []assessmentRow
	Start   *startForm // nil: the actor may not start one
	Message string     // why a start was refused
}

type assessmentRow struct {
	URL, Framework, Version, Status, StatusClass, Outcome, Updated string
	Period, Round                                                  int
}

// startForm starts an assessment: framework, period and whether to copy last year's.
type startForm struct {
	Action     string
	Frameworks []option
	Periods    []option
	FromLast   bool
}

// unitFrameworks are the frameworks, in id order, whose units are of u's level: a
// county's county frameworks, a school's school and kindergarten frameworks, a
// city's city frameworks (engine.Framework.Level).
func (s *Server) unitFrameworks(u *ziping.OrgUnit) []string {
	var out []string
	for _, id := range s.fwIDs {
		if orgLevel(s.programs[id].FW) == u.Level {
			out = append(out, id)
		}
	}
	return out
}

// orgLevel is the org-unit level a framework assesses: schools and kindergartens are
// both school units.
func orgLevel(fw *engine.Framework) string {
	switch fw.Level {
	case engine.LevelSchool, engine.LevelKindergarten:
		return ziping.LevelSchool
	case engine.LevelCity:
		return ziping.LevelCity
	}
	return ziping.LevelCounty
}

// assessedUnit checks that u is a unit some framework assesses (a county, a school,
// a city when a framework says so); other units have no assessments route (404), as
// they have no score sheet.
func (s *Server) assessedUnit(u *ziping.OrgUnit) error {
	if len(s.unitFrameworks(u)) == 0 {
		return ziping.Errorf(ziping.NotFound, "没有评价%s单位的评价体系，「%s」不开展自评", levelName(u.Level), u.Name)
	}
	return nil
}

func (s *Server) assessmentList(w http.ResponseWriter, r *http.Request) error {
	u, err := s.visibleUnit(r)
	if err != nil {
		return err
	}
	if err := s.assessedUnit(u); err != nil {
		return err
	}
	p, err := s.newAssessmentsPage(r, u)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "assessments", p)
}

func (s *Server) newAssessmentsPage(r *http.Request, u *ziping.OrgUnit) (*assessmentsPage, error) {
	ctx, a := r.Context(), info(r).actor
	list, err := s.svc.Assess.AssessmentsOf(ctx, a, u) // viewers: published only
	if err != nil {
		return nil, err
	}
	p := &assessmentsPage{Unit: newUnitView(u)}
	for i := range list {
		p.Rows = append(p.Rows, s.assessmentRow(&list[i]))
	}
	if a.CanEdit(u) {
		p.Start, err = s.newStartForm(r, u)
		if err != nil {
			return nil, err
		}
	}
	if err := s.fillUnitPage(r, &p.Page, u, "自评与复核"); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) assessmentRow(as *ziping.Assessment) assessmentRow {
	row := assessmentRow{URL: assessmentURL(as.ID), Framework: as.Framework, Version: as.FrameworkVersion, Period: as.Period,
		Round: as.Round, Status: ziping.StatusNames[as.Status], StatusClass: statusClass(as.Status), Updated: dateTime(as.UpdatedAt)}
	if p := s.programs[as.Framework]; p != nil {
		row.Framework = p.FW.Name
	}
	if sm, err := assess.SummaryOf(as); err == nil && sm.Final() != nil {
		fin := sm.Final()
		outcome := fin.Outcome()
		if fin.Pending > 0 {
			outcome = "待定" // no grade while points wait for a person's score
		}
		row.Outcome = outcome
		if fin.Verdict == "" {
			row.Outcome = num(fin.Total) + "分 · " + outcome
		}
		if fin.Pending > 0 {
			row.Outcome += "（" + strconv.Itoa(fin.Pending) + "项待评）"
		}
	}
	return row
}

func (s *Server) newStartForm(r *http.Request, u *ziping.OrgUnit) (*startForm, error) {
	// The frameworks of the unit's level, the one asked for (?fw=) selected when it
	// is one of them, else the default when it is, else the first. The period
	// selection is read without it: a school framework is no county page's.
	ids := s.unitFrameworks(u)
	chosen, q := ids[0], r.URL.Query()
	if fw := q.Get("fw"); slices.Contains(ids, fw) {
		chosen = fw
	} else if slices.Contains(ids, s.opts.DefaultFramework) {
		chosen = s.opts.DefaultFramework
	}
	q.Del("fw")
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	sel, err := s.selectionOf(r2)
	if err != nil {
		return nil, err
	}
	f := &startForm{Action: unitURL(u.Code) + "/assessments", Periods: s.periodOptions(sel)}
	for _, id := range ids {
		f.Frameworks = append(f.Frameworks, option{Value: id, Label: s.programs[id].FW.Name, Selected: id == chosen})
	}
	if len(f.Periods) == 0 {
		y := strconv.Itoa(s.now().Year())
		f.Periods = []option{{Value: y, Label: y + "年度", Selected: true}}
	}
	return f, nil
}

// assessmentStart starts an assessment and opens it.
func (s *Server) assessmentStart(w http.ResponseWriter, r *http.Request) error {
	u, err := s.editableUnit(r)
	if err != nil {
		return err
	}
	if err := s.assessedUnit(u); err != nil {
		return err
	}
	fw := r.PostForm.Get("fw")
	period, perr := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("period")))
	var as *ziping.Assessment
	if perr != nil {
		err = ziping.Errorf(ziping.Invalid, "请选择年度")
	} else {
		as, err = s.svc.Assess.StartAssessment(r.Context(), info(r).actor, fw, u, period, r.PostForm.Get("from_last") == "1")
	}
	if msg, ok := userMessage(err); ok {
		p, perr := s.newAssessmentsPage(r, u)
		if perr != nil {
			return perr
		}
		p.Message = msg
		if p.Start != nil {
			p.Start.FromLast = r.PostForm.Get("from_last") == "1"
		}
		return s.render(w, r, statusOf(err), "assessments", p)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "已开始"+strconv.Itoa(as.Period)+"年度自评。")
	http.Redirect(w, r, assessmentURL(as.ID), http.StatusSeeOther)
	return nil
}

// userMessage is the message of a refusal the page that was posted shows in place
// (bad input, a conflict, nothing to copy); other errors go to the error page.
func userMessage(err error) (string, bool) {
	var e *ziping.Error
	if err == nil || !errors.As(err, &e) || e.Msg == "" {
		return "", false
	}
	switch e.Kind {
	case ziping.Invalid, ziping.Conflict:
		return e.Msg, true
	case ziping.NotFound:
		// Only a NotFound about the input (no last year to copy), never about the
		// assessment itself: those reach the handler before any service call.
		return e.Msg, strings.HasPrefix(e.Msg, "没有") && strings.Contains(e.Msg, "沿用")
	}
	return "", false
}

func assessmentURL(id int64) string { return "/assessments/" + strconv.FormatInt(id, 10) }

func evidenceURL(id int64) string { return "/evidence/" + strconv.FormatInt(id, 10) }

// statusClass is the badge class of an assessment status.
func statusClass(status string) string {
	switch status {
	case ziping.StatusReturned:
		return "bad"
	case ziping.StatusReviewed, ziping.StatusPublished:
		return "good"
	case ziping.StatusSubmitted, ziping.StatusResubmitted:
		return "warn"
	}
	return ""
}

// dateTime is a time as pages show it, in China's time; "" for the zero time.
func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ziping.Zone()).Format("2006-01-02 15:04")
}
