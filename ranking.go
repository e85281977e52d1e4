package ziping

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"

	"ziping/engine"
)

// RankingRow is one unit of a ranking.
type RankingRow struct {
	Unit       OrgUnit
	Assessment *Assessment // nil when the unit has not started
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
	Root          *OrgUnit
	Period        int
	Rows          []RankingRow
	AreaAverage   []float64 // over the ranked rows, in framework order
	Ranked        int
	OnlyPublished bool
	Overdue       int
}

// Ranking ranks the counties of root's subtree that the actor may see. Viewers, and
// the public notice (published true), see published results only; everyone else sees
// every assessment with its status.
func (s *Service) Ranking(ctx context.Context, a *Actor, root *OrgUnit, fw string, period int, published bool) (*Ranking, error) {
	if a != nil && !a.CanSee(root) {
		return nil, Errorf(Forbidden, "无权查看该单位")
	}
	if a == nil || (a.User != nil && a.User.Role == RoleViewer) {
		published = true
	}
	prog, err := s.Program(ctx, fw, "")
	if err != nil {
		return nil, err
	}
	counties, err := s.Store.Subtree(ctx, root, LevelCounty)
	if err != nil {
		return nil, err
	}
	rk := &Ranking{Program: prog, Root: root, Period: period, OnlyPublished: published}
	cur, err := s.assessmentsByUnit(ctx, root, fw, period, published)
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
	for _, c := range counties {
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

func (s *Service) assessmentsByUnit(ctx context.Context, root *OrgUnit, fw string, period int, published bool) (map[int64]*Assessment, error) {
	q := AssessmentQuery{UnitPath: root.Path, Framework: fw, Period: period}
	if published {
		q.Statuses = []string{StatusPublished}
	}
	list, err := s.Store.Assessments(ctx, q)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]*Assessment, len(list))
	for i := range list {
		m[list[i].UnitID] = &list[i]
	}
	return m, nil
}

// problemCounts counts each unit's problems not yet verified, and the overdue ones.
func (s *Service) problemCounts(ctx context.Context, root *OrgUnit, fw string, published bool) (map[int64]int, map[int64]int, error) {
	open, overdue := map[int64]int{}, map[int64]int{}
	if published {
		return open, overdue, nil // the public notice does not show rectification
	}
	list, err := s.Store.Problems(ctx, ProblemQuery{UnitPath: root.Path, Framework: fw,
		Statuses: []string{ProblemOpen, ProblemInProgress, ProblemDone}})
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

// RecomputeAssessments brings the summaries of the assessments still open to the
// unit (draft or returned) of period in root's subtree (nil: everywhere) up to date
// with the data. Frozen assessments keep their snapshots. It evaluates the subtree's
// counties from one load and writes all summaries in one transaction, and returns
// how many it updated.
func (s *Service) RecomputeAssessments(ctx context.Context, root *OrgUnit, period int) (int, error) {
	path := ""
	if root != nil {
		path = root.Path
	}
	return s.recompute(ctx, AssessmentQuery{UnitPath: path, Period: period}, func() (*engine.Dataset, []OrgUnit, error) {
		return s.loadDatasetFor(ctx, root, period)
	})
}

// RecomputeJob runs a JobRecompute: package dataset's job runner calls it
// (cmd/ziping hands it over with HandleJob).
func (s *Service) RecomputeJob(ctx context.Context, payload string) error {
	var p RecomputePayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	var counties []OrgUnit
	for _, id := range p.Counties {
		u, err := s.Store.Unit(ctx, id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		counties = append(counties, *u)
	}
	periods := slices.Clone(p.Periods)
	slices.Sort(periods)
	for _, per := range slices.Compact(periods) {
		if _, err := s.recomputeCounties(ctx, counties, per); err != nil {
			return err
		}
	}
	return nil
}

// recomputeCounties is RecomputeAssessments for the given counties only: an import
// of one county reads that county again, not the province.
func (s *Service) recomputeCounties(ctx context.Context, counties []OrgUnit, period int) (int, error) {
	if len(counties) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(counties))
	for i, c := range counties {
		ids[i] = c.ID
	}
	return s.recompute(ctx, AssessmentQuery{UnitIDs: ids, Period: period}, func() (*engine.Dataset, []OrgUnit, error) {
		return s.Data.LoadCounties(ctx, counties, period)
	})
}

// recompute updates the summaries of the open assessments q selects, loading their
// data with load only when there are any. Each assessment is read again inside the
// transaction, so that one that moved on meanwhile (a score saved, submitted) is
// left to the write that moved it.
func (s *Service) recompute(ctx context.Context, q AssessmentQuery, load func() (*engine.Dataset, []OrgUnit, error)) (int, error) {
	q.Statuses = []string{StatusDraft, StatusReturned}
	list, err := s.Store.Assessments(ctx, q)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	ds, counties, err := load()
	if err != nil {
		return 0, err
	}
	units := make(map[int64]*OrgUnit, len(counties))
	for i := range counties {
		units[counties[i].ID] = &counties[i]
	}
	n := 0
	err = s.Store.Tx(ctx, func(tx Store) error {
		n = 0
		for i := range list {
			as, err := tx.Assessment(ctx, list[i].ID)
			if err != nil {
				return err
			}
			u := units[as.UnitID]
			if u == nil || !as.SelfEditable() {
				continue // not a county loaded (moved), or frozen since
			}
			v, err := s.viewOn(ctx, tx, as, u, ds)
			if err != nil {
				return err
			}
			if err := s.writeSummary(ctx, tx, as, s.summarize(v)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// loadDatasetFor loads root's counties (every county when root is nil).
func (s *Service) loadDatasetFor(ctx context.Context, root *OrgUnit, period int) (*engine.Dataset, []OrgUnit, error) {
	if root == nil {
		counties, err := s.Store.Subtree(ctx, nil, LevelCounty)
		if err != nil {
			return nil, nil, err
		}
		return s.Data.LoadCounties(ctx, counties, period)
	}
	return s.Data.LoadDataset(ctx, System, root, period)
}

// summaryCache keeps decoded summaries by assessment and version: decoding 200
// summaries was half of a province ranking's time, and a version never changes.
type summaryCache struct {
	mu sync.Mutex
	m  map[int64]cachedSummary
}

type cachedSummary struct {
	version int64
	sm      *Summary
}

// summaryOf is SummaryOf, cached. Callers must not change the Summary.
func (s *Service) summaryOf(as *Assessment) (*Summary, error) {
	c := s.sums
	if c == nil {
		return SummaryOf(as)
	}
	c.mu.Lock()
	e, ok := c.m[as.ID]
	c.mu.Unlock()
	if ok && e.version == as.Version {
		return e.sm, nil
	}
	sm, err := SummaryOf(as)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= 4*maxCached {
		c.m = map[int64]cachedSummary{}
	}
	c.m[as.ID] = cachedSummary{as.Version, sm}
	c.mu.Unlock()
	return sm, nil
}
