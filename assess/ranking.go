package assess

import (
	"context"
	"math"
	"slices"

	"ziping"
	"ziping/engine"
)

// RankingRow is one unit of a ranking.
type RankingRow struct {
	Unit       ziping.OrgUnit
	Assessment *ziping.Assessment // nil when the unit has not started
	Summary    *Summary
	Final      *SideSummary // the review once there is one, else the self result
	Rank       int          // 0: not ranked (no assessment)
	Tie        bool
	HasPrev    bool
	PrevTotal  float64 // last period's final total, when HasPrev
	Change     float64 // Final.Total − PrevTotal
	Open       int     // problems not yet verified, every period
	Overdue    int     // of those, past their deadline
}

// Ranking is the units of a subtree for one framework and period, best first,
// followed by the units that have not started.
type Ranking struct {
	Program       *engine.Program
	Root          *ziping.OrgUnit
	Period        int
	Rows          []RankingRow
	AreaAverage   []float64 // over the ranked rows, in framework order
	Ranked        int
	OnlyPublished bool
	Overdue       int
}

// Ranking ranks the units of root's subtree that the framework evaluates (its
// counties; for a school framework its schools, the ranking of a county's schools;
// for a city framework its cities) for an actor who may see root. Viewers, and the
// public notice (published true), see published results only; everyone else sees
// every assessment with its status, and the units that have not started.
func (s *Service) Ranking(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, fw string, period int, published bool) (*Ranking, error) {
	if a != nil && !a.CanSee(root) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权查看该单位")
	}
	if a == nil || (a.User != nil && a.User.Role == ziping.RoleViewer) {
		published = true
	}
	prog, err := s.ProgramFor(ctx, fw, period)
	if err != nil {
		return nil, err
	}
	rk := &Ranking{Program: prog, Root: root, Period: period, OnlyPublished: published}
	cur, err := s.assessmentsByUnit(ctx, root, fw, period, published)
	if err != nil {
		return nil, err
	}
	units, err := s.rankedUnits(ctx, prog, root, period, cur)
	if err != nil {
		return nil, err
	}
	prev, err := s.assessmentsByUnit(ctx, root, fw, period-1, published)
	if err != nil {
		return nil, err
	}
	open, overdue, err := s.problemCounts(ctx, root, fw, published)
	if err != nil {
		return nil, err
	}
	var ranked, rest []RankingRow
	for _, c := range units {
		row := RankingRow{Unit: c, Open: open[c.ID], Overdue: overdue[c.ID]}
		rk.Overdue += row.Overdue
		if as := cur[c.ID]; as != nil {
			if row.Summary, err = s.summaryOf(as); err != nil {
				return nil, err
			}
			row.Assessment, row.Final = as, row.Summary.Final()
		}
		if p := prev[c.ID]; p != nil {
			if sm, err := s.summaryOf(p); err == nil && sm.Final() != nil {
				row.HasPrev, row.PrevTotal = true, sm.Final().Total
			}
		}
		if row.Final == nil {
			if !published {
				rest = append(rest, row)
			}
			continue
		}
		row.Change = math.Round((row.Final.Total-row.PrevTotal)*100) / 100
		ranked = append(ranked, row)
	}
	rankRows(ranked)
	rk.Ranked = len(ranked)
	rk.AreaAverage = areaAverage(prog.FW, ranked)
	rk.Rows = append(ranked, rest...)
	return rk, nil
}

func (s *Service) assessmentsByUnit(ctx context.Context, root *ziping.OrgUnit, fw string, period int, published bool) (map[int64]*ziping.Assessment, error) {
	q := ziping.AssessmentQuery{UnitPath: root.Path, Framework: fw, Period: period}
	if published {
		q.Statuses = []string{ziping.StatusPublished}
	}
	list, err := s.Store.Assessments(ctx, q)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]*ziping.Assessment, len(list))
	for i := range list {
		m[list[i].UnitID] = &list[i]
	}
	return m, nil
}

// problemCounts counts each unit's problems not yet verified, and the overdue ones.
func (s *Service) problemCounts(ctx context.Context, root *ziping.OrgUnit, fw string, published bool) (map[int64]int, map[int64]int, error) {
	open, overdue := map[int64]int{}, map[int64]int{}
	if published {
		return open, overdue, nil // the public notice does not show rectification
	}
	list, err := s.Store.Problems(ctx, ziping.ProblemQuery{UnitPath: root.Path, Framework: fw,
		Statuses: []string{ziping.ProblemOpen, ziping.ProblemInProgress, ziping.ProblemDone}})
	if err != nil {
		return nil, nil, err
	}
	today := s.Now()
	for _, p := range list {
		open[p.UnitID]++
		if p.Overdue(today) {
			overdue[p.UnitID]++
		}
	}
	return open, overdue, nil
}

// rankRows ranks the rows as engine.Rank ranks results: by total, or for verdict
// frameworks passing first then fewer failing items; ties share a rank.
func rankRows(rows []RankingRow) {
	res := make([]*engine.Result, len(rows))
	byCode := make(map[string]RankingRow, len(rows))
	for i, r := range rows {
		f := r.Final
		res[i] = &engine.Result{Unit: engine.Unit{Code: r.Unit.Code}, Total: f.Total, Verdict: f.Verdict, Passed: f.Passed,
			Failing: make([]string, f.Failing)}
		byCode[r.Unit.Code] = r
	}
	engine.Rank(res)
	for i, r := range res {
		row := byCode[r.Unit.Code]
		row.Rank, row.Tie = r.Rank, r.Tie
		rows[i] = row
	}
}

func areaAverage(fw *engine.Framework, rows []RankingRow) []float64 {
	avg := make([]float64, len(fw.Areas))
	if len(rows) == 0 {
		return avg
	}
	for _, r := range rows {
		for i := range avg {
			if i < len(r.Final.Areas) {
				avg[i] += r.Final.Areas[i]
			}
		}
	}
	for i := range avg {
		avg[i] = math.Round(avg[i]/float64(len(rows))*100) / 100
	}
	return avg
}

// rankedUnits are the units of root's subtree a ranking of prog lists, by path: the
// org units of the framework's level. Schools and kindergartens are both school
// units, so the data of the period tells them apart (and leaves out the schools
// the framework's scope does not assess); a unit with an assessment is always
// listed, and without data only those are.
func (s *Service) rankedUnits(ctx context.Context, prog *engine.Program, root *ziping.OrgUnit, period int, cur map[int64]*ziping.Assessment) ([]ziping.OrgUnit, error) {
	level := prog.FW.Level
	units, err := s.Store.Subtree(ctx, root, orgLevel(level))
	if err != nil || orgLevel(level) != ziping.LevelSchool {
		return units, err
	}
	ds, _, err := s.Data.LoadDataset(ctx, ziping.System, root, period)
	if err != nil {
		return nil, err
	}
	assessed := map[string]bool{}
	if ds.Periods[period] != nil {
		at := s.atLevel(ds, level)
		for _, i := range prog.InScope(at, period) {
			assessed[at.Units[i].Code] = true
		}
	}
	return slices.DeleteFunc(units, func(u ziping.OrgUnit) bool { return cur[u.ID] == nil && !assessed[u.Code] }), nil
}
