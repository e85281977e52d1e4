package assess

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	// Gaps are the points the data could not compute (无法计算), by code, with why:
	// missing data is blocking, never a problem; a person may score such a point
	// by hand with a reason (DataGapScore).
	Gaps map[string]string

	key         *resultKey      // set when the results may be cached
	baseDataset *engine.Dataset // the shared dataset under the survey's facts
	outliers    []ReadinessItem // from the cache, with key
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
	v, err := s.resultsOn(ctx, st, as, u, ds)
	if err != nil {
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

// resultsOn is the part of the view that results need: the scores, evaluated.
func (s *Service) resultsOn(ctx context.Context, st Store, as *ziping.Assessment, u *ziping.OrgUnit, ds *engine.Dataset) (*AssessmentView, error) {
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
	list, err := st.Problems(ctx, ziping.ProblemQuery{AssessmentID: last.ID, Statuses: []string{ziping.ProblemOpen, ziping.ProblemInProgress, ziping.ProblemDone}})
	// A problem marked 数据缺失 is not one to carry on rectifying.
	return slices.DeleteFunc(list, func(p ziping.Problem) bool { return p.DataGap }), err
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
	surveyKey := ""
	if !as.Frozen() || as.SnapshotID == 0 {
		sf, err := s.surveyFacts(ctx, v.Unit, as.Framework, as.Period)
		if err != nil {
			return err
		}
		if sf != nil {
			v.baseDataset = ds
			ds, surveyKey = withFacts(ds, ds.UnitIndex(v.Unit.Code), as.Period, sf.Values), sf.Key
		}
	}
	v.Dataset, v.UnitIndex = ds, ds.UnitIndex(v.Unit.Code)
	// Outside a transaction the results of a version on a dataset never change (every
	// score bumps the version, every import makes a new dataset, the survey's key
	// changes with its answers); inside one the version is the one read before this
	// transaction's writes.
	if st == s.Store {
		key := v.Dataset
		if v.baseDataset != nil {
			key = v.baseDataset
		}
		v.key = &resultKey{id: as.ID, version: as.Version, ds: key, survey: surveyKey}
		if r := s.results.get(*v.key); r != nil {
			v.Self, v.Review, v.outliers, v.Gaps = r.self, r.review, r.outliers, r.gaps
			return nil
		}
	}
	if v.Self, v.Gaps, err = evaluateOne(prog, ds, v.Unit, as.Period, self); err != nil {
		return err
	}
	if v.Review, err = reviewResult(prog, v.Self, v.Scores[ziping.SideReview]); err != nil {
		return err
	}
	if v.key != nil {
		s.results.put(*v.key, &cachedResult{self: v.Self, review: v.Review, gaps: v.Gaps})
	}
	return nil
}

// resultKey is what an assessment's results depend on.
type resultKey struct {
	id, version int64
	ds          *engine.Dataset
	survey      string // the survey facts' key, "" for none
}

type cachedResult struct {
	self, review *engine.Result
	outliers     []ReadinessItem
	gaps         map[string]string
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
// gaps are the points the data could not compute, with why; a self score a person
// gave such a point by hand (with its reason) is applied to the result.
func evaluateOne(prog *engine.Program, ds *engine.Dataset, u *ziping.OrgUnit, period int, scores map[string]ziping.PointScore) (*engine.Result, map[string]string, error) {
	idx := ds.UnitIndex(u.Code)
	if idx < 0 || ds.Periods[period] == nil {
		ds = emptyDataset(u, period)
		idx = 0
	}
	in := inputsOf(prog.FW, scores)
	res, err := prog.Evaluate(ds, engine.Options{Period: period, Units: []int{idx}, Workers: 1,
		Inputs: map[string]*engine.Inputs{u.Code: in}})
	if err != nil {
		return nil, nil, err
	}
	r := res[0]
	gaps := map[string]string{}
	for _, pr := range append(allPoints(r), r.Bonus...) {
		if pr.Status == engine.StatusUncomputable {
			gaps[pr.Code] = gapWhy(pr)
		}
	}
	if r, err = applyGapScores(prog.FW, r, gaps, scores); err != nil {
		return nil, nil, err
	}
	return r, gaps, nil
}

// gapWhy is why the data could not compute a point, in the engine's words.
func gapWhy(pr engine.PointResult) string {
	var whys []string
	for _, d := range pr.Details {
		if d.Status == engine.StatusUncomputable && d.Why != "" && !slices.Contains(whys, d.Why) {
			whys = append(whys, d.Why)
		}
	}
	if len(whys) == 0 {
		whys = pr.Reasons
	}
	if len(whys) == 0 {
		return "数据不足"
	}
	return strings.Join(whys, "；")
}

// applyGapScores applies the self scores people gave by hand to points the data
// could not compute. A data point's stored self score counts only while the data
// cannot compute it: once the data is imported, the data decides.
func applyGapScores(fw *engine.Framework, r *engine.Result, gaps map[string]string, scores map[string]ziping.PointScore) (*engine.Result, error) {
	adj := map[string]engine.Adjustment{}
	for code, ps := range scores {
		if k := kindOf(fw, code).kind; gaps[code] != "" && ps.Score != nil && (k == codeData || k == codeChecklist) {
			adj[code] = engine.Adjustment{Score: ps.Score, Reason: ps.Justification}
		}
	}
	if len(adj) == 0 {
		return r, nil
	}
	out, err := engine.Adjust(fw, r, adj)
	if err != nil {
		return nil, fmt.Errorf("scores of points without data: %w", err)
	}
	for code, a := range adj {
		pr := out.Point(code)
		if pr == nil {
			continue
		}
		pr.Reasons = nil
		if pr.Lost > 0 {
			why := fw.PointPath(code) + "数据无法计算（" + gaps[code] + "），人工评分：" + engine.TidyJustification(a.Reason)
			if !fw.IsVerdict() {
				why += "，扣" + num2(pr.Lost) + "分"
			}
			pr.Reasons = []string{why}
		}
	}
	return out, nil
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
