package assess

import (
	"context"
	"fmt"
	"sync"

	"ziping"
	"ziping/engine"
)

// AssessmentView is an assessment with everything its page shows.
type AssessmentView struct {
	Assessment *ziping.Assessment
	Unit       *ziping.OrgUnit
	Program    *engine.Program
	// Self is the result of the unit's own scores: from live data while the unit can
	// edit, from the latest snapshot once submitted. Review applies the reviewer's
	// scores to it, nil when there are none.
	Self, Review *engine.Result
	Dataset      *engine.Dataset // what Self was evaluated from (explanations)
	UnitIndex    int
	Scores       map[string]map[string]ziping.PointScore // by side, by code
	Evidence     []ziping.Evidence
	Problems     []ziping.Problem // this assessment's
	LastProblems []ziping.Problem // last period's problems not yet verified
	Credibility  *Credibility
	Snapshots    []ziping.Snapshot
	Report       *ziping.ReportDraft // nil when nobody has written the report yet

	key      *resultKey      // set when the results may be cached
	outliers []ReadinessItem // from the cache, with key
}

// Final is the result that counts: the review when there is one, else the self.
func (v *AssessmentView) Final() *engine.Result {
	if v.Review != nil {
		return v.Review
	}
	return v.Self
}

// Score returns the point score of side and code, and whether there is one.
func (v *AssessmentView) Score(side, code string) (ziping.PointScore, bool) {
	ps, ok := v.Scores[side][code]
	return ps, ok
}

// viewOn builds the view of an assessment; an open one is evaluated on ds when given
// (a recompute loads many counties at once; ds holds counties, seen at the
// framework's level here), else on its subtree's cached dataset.
func (s *Service) viewOn(ctx context.Context, st Store, as *ziping.Assessment, u *ziping.OrgUnit, ds *engine.Dataset) (*AssessmentView, error) {
	v := &AssessmentView{Assessment: as, Unit: u, Scores: map[string]map[string]ziping.PointScore{ziping.SideSelf: {}, ziping.SideReview: {}}}
	scores, err := st.PointScores(ctx, as.ID)
	if err != nil {
		return nil, err
	}
	for _, ps := range scores {
		v.Scores[ps.Side][ps.Code] = ps
	}
	if err := s.evaluateView(ctx, st, v, ds); err != nil {
		return nil, err
	}
	if v.Evidence, err = st.EvidenceOf(ctx, as.ID); err != nil {
		return nil, err
	}
	if v.Problems, err = st.Problems(ctx, ziping.ProblemQuery{AssessmentID: as.ID}); err != nil {
		return nil, err
	}
	if v.LastProblems, err = s.lastProblems(ctx, st, as); err != nil {
		return nil, err
	}
	if v.Snapshots, err = st.Snapshots(ctx, as.ID); err != nil {
		return nil, err
	}
	if err := loadReport(ctx, st, v); err != nil {
		return nil, err
	}
	if v.Review != nil {
		v.Credibility = credibility(v.Self, v.Review)
	}
	return v, nil
}

// lastProblems are the problems of the unit's assessment of the period before that
// are not verified yet.
func (s *Service) lastProblems(ctx context.Context, st Store, as *ziping.Assessment) ([]ziping.Problem, error) {
	last, err := st.AssessmentFor(ctx, as.Framework, as.UnitID, as.Period-1)
	if ziping.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return st.Problems(ctx, ziping.ProblemQuery{AssessmentID: last.ID, Statuses: []string{ziping.ProblemOpen, ziping.ProblemInProgress, ziping.ProblemDone}})
}

// evaluateView computes the self and review results: from live data while the unit
// may edit, from the latest snapshot once frozen.
func (s *Service) evaluateView(ctx context.Context, st Store, v *AssessmentView, ds *engine.Dataset) error {
	as := v.Assessment
	prog, err := s.Program(ctx, as.Framework, as.FrameworkVersion)
	if err != nil {
		return err
	}
	v.Program = prog
	self := v.Scores[ziping.SideSelf]
	if as.Frozen() && as.SnapshotID != 0 {
		snap, err := s.frozen(ctx, st, as.SnapshotID)
		if err != nil {
			return err
		}
		ds, self = snap.ds, snap.self
	} else if ds == nil {
		if ds, err = s.loadUnitData(ctx, st, v.Unit, prog.FW.Level, as.Period); err != nil {
			return err
		}
	} else {
		ds = s.atLevel(ds, prog.FW.Level)
	}
	v.Dataset, v.UnitIndex = ds, ds.UnitIndex(v.Unit.Code)
	// Outside a transaction the results of a version on a dataset never change (every
	// score bumps the version, every import makes a new dataset); inside one the
	// version is the one read before this transaction's writes.
	if st == s.Store {
		v.key = &resultKey{id: as.ID, version: as.Version, ds: ds}
		if r := s.results.get(*v.key); r != nil {
			v.Self, v.Review, v.outliers = r.self, r.review, r.outliers
			return nil
		}
	}
	if v.Self, err = evaluateOne(prog, ds, v.Unit, as.Period, self); err != nil {
		return err
	}
	if v.Review, err = reviewResult(prog, v.Self, v.Scores[ziping.SideReview]); err != nil {
		return err
	}
	if v.key != nil {
		s.results.put(*v.key, &cachedResult{self: v.Self, review: v.Review})
	}
	return nil
}

// resultKey is what an assessment's results depend on.
type resultKey struct {
	id, version int64
	ds          *engine.Dataset
}

type cachedResult struct {
	self, review *engine.Result
	outliers     []ReadinessItem
}

// resultCache keeps assessments' results between page views: evaluating the county
// and last year's values for the outlier check was a fifth of the assessment page.
// Results are read only once made, so views share them.
type resultCache struct {
	mu sync.Mutex
	m  map[resultKey]*cachedResult
}

func (c *resultCache) get(k resultKey) *cachedResult {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *resultCache) put(k resultKey, r *cachedResult) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[resultKey]*cachedResult{}
	}
	c.m[k] = r
}

// evaluateOne evaluates one unit with people's scores; a unit without data for the
// period still gets a result whose data points say why they cannot be computed.
func evaluateOne(prog *engine.Program, ds *engine.Dataset, u *ziping.OrgUnit, period int, scores map[string]ziping.PointScore) (*engine.Result, error) {
	idx := ds.UnitIndex(u.Code)
	if idx < 0 || ds.Periods[period] == nil {
		ds = emptyDataset(u, period)
		idx = 0
	}
	in := inputsOf(prog.FW, scores)
	res, err := prog.Evaluate(ds, engine.Options{Period: period, Units: []int{idx}, Workers: 1,
		Inputs: map[string]*engine.Inputs{u.Code: in}})
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// emptyDataset is a dataset with the unit and nothing else, so that a county without
// data can still be shown what it lacks.
func emptyDataset(u *ziping.OrgUnit, period int) *engine.Dataset {
	snap := &engine.Snapshot{Period: period}
	snap.Schools.Num = make([][]float64, len(engine.SchoolElements))
	snap.Facts.Num = make([][]float64, len(engine.UnitElements))
	snap.Finish(1)
	return &engine.Dataset{Units: []engine.Unit{{Code: u.Code, Name: u.Name}}, Periods: map[int]*engine.Snapshot{period: snap}}
}

// inputsOf turns stored self scores into the engine's inputs. Scores of codes the
// framework version does not have are left out (a framework revision dropped them).
func inputsOf(fw *engine.Framework, scores map[string]ziping.PointScore) *engine.Inputs {
	in := &engine.Inputs{Points: map[string]engine.PointInput{}, Vetoes: map[string]engine.VetoInput{}}
	for code, ps := range scores {
		switch k := kindOf(fw, code); k.kind {
		case codeManual:
			if ps.Score != nil {
				in.Points[code] = engine.PointInput{Score: ps.Score, Justification: ps.Justification}
			}
		case codeChecklist:
			// A stored score with nothing ticked is scored (0), not pending: the
			// stores give an empty list back as nil.
			in.Points[code] = engine.PointInput{Checked: append([]string{}, ps.Checked...), Justification: ps.Justification}
		case codeVeto:
			if k.manualVeto && ps.Triggered != nil {
				in.Vetoes[code] = engine.VetoInput{Triggered: *ps.Triggered, Justification: ps.Justification}
			}
		}
	}
	return in
}

// reviewResult applies the reviewer's scores to the self result.
func reviewResult(prog *engine.Program, self *engine.Result, review map[string]ziping.PointScore) (*engine.Result, error) {
	if len(review) == 0 {
		return nil, nil
	}
	adj := map[string]engine.Adjustment{}
	for code, ps := range review {
		if kindOf(prog.FW, code).kind == codeUnknown {
			continue
		}
		adj[code] = engine.Adjustment{Score: ps.Score, Triggered: ps.Triggered, Reason: ps.Justification}
	}
	r, err := engine.Adjust(prog.FW, self, adj)
	if err != nil {
		return nil, fmt.Errorf("review scores: %w", err)
	}
	return r, nil
}

// loadReport sets v.Report to the assessment's report draft; it stays nil when
// nobody has written one.
func loadReport(ctx context.Context, st Store, v *AssessmentView) error {
	d, err := st.ReportDraft(ctx, v.Assessment.ID)
	switch {
	case err == nil:
		v.Report = d
	case !ziping.IsNotFound(err):
		return err
	}
	return nil
}
