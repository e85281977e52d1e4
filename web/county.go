package web

import (
	"context"
	"net/http"
	"strconv"

	"ziping"
	"ziping/engine"
)

// countyPage is a county's page: its indicators against the chosen framework, its
// facts and its schools, for the chosen period.
type countyPage struct {
	Page
	Unit       unitView
	Picker     picker
	Period     int
	Framework  string
	NoData     bool
	Conclusion *conclusion
	Metrics    []metricRow
	Facts      []factRow
	Schools    *schoolTable
	ScoreURL   string
	XLSXURL    string
	ImportURL  string // set when the actor may change the county's data
	FactsURL   string
	AssessURL  string // the county's assessments (自评与复核)
	// SchoolRankingURL is the ranking of the county's schools (学校排名).
	SchoolRankingURL string
	LedgerURL        string // its rectification ledger (整改台账)
}

func (s *Server) countyPage(w http.ResponseWriter, r *http.Request, u *ziping.OrgUnit) error {
	sel, err := s.workSelection(r, u, false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ev, err := s.evaluate(ctx, info(r).actor, u, sel)
	if err != nil {
		return err
	}
	p := &countyPage{Unit: newUnitView(u), Picker: s.picker(unitURL(u.Code), sel, true), Period: sel.Period,
		Framework: sel.prog.FW.Name, NoData: ev.res == nil,
		ScoreURL: sel.link(unitURL(u.Code) + "/score"), XLSXURL: sel.link(unitURL(u.Code) + "/score.xlsx"),
		AssessURL: unitURL(u.Code) + "/assessments", LedgerURL: unitURL(u.Code) + "/problems", SchoolRankingURL: unitURL(u.Code) + "/school-ranking"}
	if info(r).actor.CanEdit(u) {
		p.ImportURL = unitURL(u.Code) + "/import"
		if sel.Period != 0 {
			p.FactsURL = unitURL(u.Code) + "/facts/edit?period=" + strconv.Itoa(sel.Period)
		}
	}
	ur, err := s.unitResultOf(ctx, info(r).actor, u, sel, ev)
	if err != nil {
		return err
	}
	if ur != nil {
		p.NoData = false
		p.Conclusion = unitConclusion(ur)
		p.Metrics = s.metricRows(u, sel, ur.prog, ur.res)
	}
	if p.Facts, err = s.factRows(ctx, u, sel.Period); err != nil {
		return err
	}
	if p.Schools, err = s.schoolTable(r, u, sel); err != nil {
		return err
	}
	if err := s.fillUnitPage(r, &p.Page, u, ""); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "county", p)
}

// evaluation is a county evaluated for one period against one framework; res is nil
// when the county has no data for the period.
type evaluation struct {
	ds  *engine.Dataset
	idx int
	res *engine.Result
}

func (s *Server) evaluate(ctx context.Context, a *ziping.Actor, u *ziping.OrgUnit, sel *selection) (*evaluation, error) {
	if sel.Period == 0 {
		return &evaluation{}, nil
	}
	ds, _, err := s.svc.Data.LoadDataset(ctx, a, u, sel.Period)
	if err != nil {
		return nil, err
	}
	idx := ds.UnitIndex(u.Code)
	if idx < 0 || ds.Periods[sel.Period] == nil {
		return &evaluation{}, nil
	}
	res, err := sel.prog.Evaluate(ds, engine.Options{Period: sel.Period, Units: []int{idx}, Workers: 1})
	if err != nil {
		return nil, err
	}
	return &evaluation{ds: ds, idx: idx, res: res[0]}, nil
}

// conclusion is a result's bottom line.
type conclusion struct {
	Verdict      bool
	Outcome      string // grade or verdict
	Passed       bool
	Total, Max   string
	Score, Bonus string
	HasBonus     bool
	Failing      []string
	Pending      int
	Uncomputable int
	// Undecided says why no grade or verdict is stated yet ("" when one is).
	Undecided string
	// Source labels where the result comes from on unit pages (an assessment and
	// its state, or the data alone), SourceURL the assessment; "" elsewhere.
	Source, SourceURL string
	DataOnly          bool
}

func newConclusion(fw *engine.Framework, r *engine.Result) *conclusion {
	c := &conclusion{Verdict: fw.IsVerdict(), Outcome: r.Grade, Passed: r.Passed, Total: num(r.Total), Max: num(r.Max),
		Score: num(r.Score), Bonus: num(r.BonusTotal), HasBonus: fw.Bonus != nil, Failing: r.Failing,
		Pending: r.Pending, Uncomputable: r.Uncomputable, Undecided: undecided(fw, r)}
	if c.Verdict {
		c.Outcome = r.Verdict
	}
	return c
}

// metricRow is an indicator of the county page.
type metricRow struct {
	ID, Name, Value string
	Standards       []standard
	State           string // "fail": a rule on it lost points; "na": cannot be computed; "ok"; "": no rule uses it
	ExplainURL      string
}

func (s *Server) metricRows(u *ziping.OrgUnit, sel *selection, prog *engine.Program, res *engine.Result) []metricRow {
	failing := failingMetrics(prog, res)
	stds := s.standards[sel.FW]
	out := make([]metricRow, len(res.Metrics))
	for i, m := range res.Metrics {
		row := metricRow{ID: m.ID, Name: m.Name, Value: m.Text(), Standards: stds[m.ID],
			ExplainURL: sel.link(unitURL(u.Code) + "/explain/" + m.ID)}
		switch {
		case !m.OK:
			row.State = "na"
		case failing[m.ID]:
			row.State = "fail"
		case len(row.Standards) > 0:
			row.State = "ok"
		}
		out[i] = row
	}
	return out
}

func (s *Server) factRows(ctx context.Context, u *ziping.OrgUnit, period int) ([]factRow, error) {
	vals := map[string]float64{}
	if period != 0 {
		facts, err := s.svc.Store.Facts(ctx, []int64{u.ID}, period)
		if err != nil {
			return nil, err
		}
		if len(facts) > 0 {
			vals = facts[0].Values
		}
	}
	return elementRows(engine.UnitElements, vals), nil
}
