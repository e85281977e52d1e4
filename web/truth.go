package web

import (
	"context"
	"strconv"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// One truth per page: a county's page and its score sheet show the result of the
// assessment of the chosen framework and period when there is one the actor may
// see (the review once there is one, else the self-evaluation, with its state), and
// only without one the result computed from the data alone, labelled as such. Both
// pages read it here, so that they never disagree with each other or with the
// assessment, the ranking and the notice.

// unitResult is the result a county's pages show for a selection.
type unitResult struct {
	res  *engine.Result
	prog *engine.Program
	as   *ziping.Assessment // nil: computed from the data alone
	// Source says where the result comes from, as the pages label it.
	Source string
	// URL is the assessment's page, "" for a data-only result.
	URL string
	// DataOnly is set for a result computed from the data alone.
	DataOnly bool
}

// dataOnlyLabel labels a result computed from the data without people's scores.
const dataOnlyLabel = "仅按数据计分（人工评分项未计入）"

// unitResultOf is the result of u for sel that the actor may see: its assessment's
// when there is one, else the evaluation of its data (ev, nil result when no data).
func (s *Server) unitResultOf(ctx context.Context, a *ziping.Actor, u *ziping.OrgUnit, sel *selection, ev *evaluation) (*unitResult, error) {
	v, err := s.assessmentOf(ctx, a, u, sel.FW, sel.Period)
	if err != nil {
		return nil, err
	}
	if v == nil {
		if ev.res == nil {
			return nil, nil
		}
		return &unitResult{res: ev.res, prog: sel.prog, Source: dataOnlyLabel, DataOnly: true}, nil
	}
	as := v.Assessment
	ur := &unitResult{res: v.Final(), prog: v.Program, as: as, URL: "/assessments/" + strconv.FormatInt(as.ID, 10)}
	// Once accepted the result is the review's, whether or not the reviewer changed
	// any score.
	side := "自评结果"
	if v.Review != nil || as.Status == ziping.StatusReviewed || as.Status == ziping.StatusPublished {
		side = "复核结果"
	}
	ur.Source = side + "（" + ziping.StatusNames[as.Status] + "）"
	return ur, nil
}

// assessmentOf is u's assessment of framework fw and period that the actor may see,
// as far as its results go (assess.Service.Results), nil when there is none.
func (s *Server) assessmentOf(ctx context.Context, a *ziping.Actor, u *ziping.OrgUnit, fw string, period int) (*assess.AssessmentView, error) {
	if period == 0 {
		return nil, nil
	}
	list, err := s.svc.Assess.AssessmentsOf(ctx, a, u)
	if err != nil {
		return nil, err
	}
	for _, as := range list {
		if as.Framework == fw && as.Period == period {
			return s.svc.Assess.Results(ctx, a, as.ID)
		}
	}
	return nil, nil
}

// unitConclusion is the bottom line of a unit result, labelled with its source.
func unitConclusion(ur *unitResult) *conclusion {
	c := newConclusion(ur.prog.FW, ur.res)
	c.Source, c.SourceURL, c.DataOnly = ur.Source, ur.URL, ur.DataOnly
	return c
}

// undecided says why a result states no grade or verdict yet: points that wait for
// a person's score ("" when none do). A submitted assessment has none (the
// readiness check blocks them), so a reviewed or published result always states
// the grade the ranking and the notice show.
func undecided(fw *engine.Framework, r *engine.Result) string {
	if r.Pending == 0 {
		return ""
	}
	what := "等次"
	if fw.IsVerdict() {
		what = "结论"
	}
	return "尚有" + strconv.Itoa(r.Pending) + "个测评点待人工评分，暂不定" + what
}
