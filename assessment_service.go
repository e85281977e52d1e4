package ziping

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"

	"ziping/engine"
)

// programCache keeps compiled framework versions: a stored version never changes.
type programCache struct {
	mu sync.Mutex
	m  map[string]*engine.Program
}

// Program returns the compiled framework id at version ("" for the latest stored).
func (s *Service) Program(ctx context.Context, id, version string) (*engine.Program, error) {
	key := id + "@" + version
	if version != "" && s.progs != nil {
		s.progs.mu.Lock()
		p := s.progs.m[key]
		s.progs.mu.Unlock()
		if p != nil {
			return p, nil
		}
	}
	sf, err := s.Store.Framework(ctx, id, version)
	if err != nil {
		if IsNotFound(err) {
			return nil, Errorf(NotFound, "没有评价体系「%s」", id)
		}
		return nil, err
	}
	if version == "" && s.progs != nil { // the latest: compiled already unless it is new
		s.progs.mu.Lock()
		p := s.progs.m[sf.ID+"@"+sf.Version]
		s.progs.mu.Unlock()
		if p != nil {
			return p, nil
		}
	}
	p, err := engine.Load(sf.ID+"@"+sf.Version+".yaml", sf.Source)
	if err != nil {
		return nil, fmt.Errorf("compile stored framework %s@%s: %w", sf.ID, sf.Version, err)
	}
	if s.progs != nil {
		s.progs.mu.Lock()
		if s.progs.m == nil {
			s.progs.m = map[string]*engine.Program{}
		}
		s.progs.m[sf.ID+"@"+sf.Version] = p
		s.progs.mu.Unlock()
	}
	return p, nil
}

// StartAssessment opens the unit's assessment of framework fw for period. With
// fromLast, last period's self scores and evidence links are copied as a starting
// point, each marked to confirm.
func (s *Service) StartAssessment(ctx context.Context, a *Actor, fw string, u *OrgUnit, period int, fromLast bool) (*Assessment, error) {
	if !a.CanEdit(u) {
		return nil, Errorf(Forbidden, "无权为「%s」开展自评", u.Name)
	}
	if u.Level != LevelCounty {
		return nil, Errorf(Invalid, "自评以区县为单位开展，「%s」是%s", u.Name, levelWord(u.Level))
	}
	if period < 1900 || period > 2200 {
		return nil, Errorf(Invalid, "年度「%d」无效", period)
	}
	prog, err := s.Program(ctx, fw, "")
	if err != nil {
		return nil, err
	}
	if lv := prog.FW.Level; lv != engine.LevelCounty && lv != "" {
		// Schools and kindergartens are assessed in their own workflow (issue 13, to come).
		return nil, Errorf(Invalid, "%s评价的是%s，不能用于区县自评", prog.FW.Name, engine.UnitNoun(lv))
	}
	as := &Assessment{Framework: fw, FrameworkVersion: prog.FW.Version, UnitID: u.ID, Period: period, Status: StatusDraft,
		CreatedBy: a.UserID(), CreatedAt: s.now(), UpdatedAt: s.now()}
	err = s.Store.Tx(ctx, func(tx Store) error {
		if _, err := tx.AssessmentFor(ctx, fw, u.ID, period); err == nil {
			return Errorf(Conflict, "「%s」%d年度的%s自评已经开始", u.Name, period, prog.FW.Name)
		} else if !IsNotFound(err) {
			return err
		}
		if err := tx.CreateAssessment(ctx, as); err != nil {
			return err
		}
		copied := map[string]int{}
		if fromLast {
			if copied, err = s.copyLastYear(ctx, tx, a, as); err != nil {
				return err
			}
		}
		if err := s.refreshSummary(ctx, tx, as, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "assessment_start", assessmentObject(as), u.ID, nil,
			map[string]any{"framework": fw, "version": as.FrameworkVersion, "period": period, "from": as.FromID, "copied": copied})
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

func assessmentObject(as *Assessment) string { return "assessment:" + strconv.FormatInt(as.ID, 10) }

func levelWord(level string) string {
	switch level {
	case LevelProvince:
		return "省级单位"
	case LevelCity:
		return "市级单位"
	case LevelSchool:
		return "学校"
	}
	return "区县"
}

// copyLastYear copies the self scores and evidence links of the same framework's
// assessment of the period before, marked to confirm.
func (s *Service) copyLastYear(ctx context.Context, tx Store, a *Actor, as *Assessment) (map[string]int, error) {
	last, err := tx.AssessmentFor(ctx, as.Framework, as.UnitID, as.Period-1)
	if IsNotFound(err) {
		return nil, Errorf(NotFound, "没有%d年度的自评可以沿用", as.Period-1)
	}
	if err != nil {
		return nil, err
	}
	as.FromID = last.ID
	if err := tx.UpdateAssessment(ctx, as); err != nil {
		return nil, err
	}
	scores, err := tx.PointScores(ctx, last.ID)
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, ps := range scores {
		if ps.Side != SideSelf {
			continue
		}
		ps.AssessmentID, ps.Version, ps.ToConfirm, ps.UpdatedBy, ps.UpdatedAt = as.ID, 0, true, a.UserID(), s.now()
		if err := tx.SavePointScore(ctx, &ps); err != nil {
			return nil, err
		}
		n["scores"]++
	}
	evs, err := tx.EvidenceOf(ctx, last.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.ProblemID != 0 {
			continue // evidence of last year's rectification stays there
		}
		e.ID, e.AssessmentID, e.ToConfirm, e.CreatedBy, e.CreatedAt = 0, as.ID, true, a.UserID(), s.now()
		if err := tx.CreateEvidence(ctx, &e, nil); err != nil {
			return nil, err
		}
		n["evidence"]++
	}
	return n, nil
}

// AssessmentView is an assessment with everything its page shows.
type AssessmentView struct {
	Assessment *Assessment
	Unit       *OrgUnit
	Program    *engine.Program
	// Self is the result of the unit's own scores: from live data while the unit can
	// edit, from the latest snapshot once submitted. Review applies the reviewer's
	// scores to it, nil when there are none.
	Self, Review *engine.Result
	Dataset      *engine.Dataset // what Self was evaluated from (explanations)
	UnitIndex    int
	Scores       map[string]map[string]PointScore // by side, by code
	Evidence     []Evidence
	Problems     []Problem // this assessment's
	LastProblems []Problem // last period's problems not yet verified
	Credibility  *Credibility
	Snapshots    []Snapshot
	Report       *ReportDraft // nil when nobody has written the report yet

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
func (v *AssessmentView) Score(side, code string) (PointScore, bool) {
	ps, ok := v.Scores[side][code]
	return ps, ok
}

// Assessment returns the assessment with its results, for an actor who may see it.
func (s *Service) Assessment(ctx context.Context, a *Actor, id int64) (*AssessmentView, error) {
	as, u, err := s.assessmentFor(ctx, s.Store, a, id)
	if err != nil {
		return nil, err
	}
	return s.assessmentView(ctx, s.Store, as, u)
}

// AssessmentsOf lists the unit's assessments the actor may see (viewers: the
// published ones), by framework and period.
func (s *Service) AssessmentsOf(ctx context.Context, a *Actor, u *OrgUnit) ([]Assessment, error) {
	if !a.CanSee(u) {
		return nil, Errorf(Forbidden, "无权查看该单位")
	}
	list, err := s.Store.Assessments(ctx, AssessmentQuery{UnitIDs: []int64{u.ID}})
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, as := range list {
		if a.CanSeeAssessment(u, &as) {
			out = append(out, as)
		}
	}
	return out, nil
}

// assessmentFor reads an assessment and its unit through st; one the actor may not
// see is NotFound, so that ids cannot be probed.
func (s *Service) assessmentFor(ctx context.Context, st Store, a *Actor, id int64) (*Assessment, *OrgUnit, error) {
	as, err := st.Assessment(ctx, id)
	if err != nil {
		if IsNotFound(err) {
			return nil, nil, Errorf(NotFound, "没有这项自评")
		}
		return nil, nil, err
	}
	u, err := st.Unit(ctx, as.UnitID)
	if err != nil {
		return nil, nil, err
	}
	if !a.CanSeeAssessment(u, as) {
		return nil, nil, Errorf(NotFound, "没有这项自评")
	}
	return as, u, nil
}

func (s *Service) assessmentView(ctx context.Context, st Store, as *Assessment, u *OrgUnit) (*AssessmentView, error) {
	return s.viewOn(ctx, st, as, u, nil)
}

// viewOn builds the view of an assessment; an open one is evaluated on ds when given
// (a recompute loads many counties at once), else on its subtree's cached dataset.
func (s *Service) viewOn(ctx context.Context, st Store, as *Assessment, u *OrgUnit, ds *engine.Dataset) (*AssessmentView, error) {
	v := &AssessmentView{Assessment: as, Unit: u, Scores: map[string]map[string]PointScore{SideSelf: {}, SideReview: {}}}
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
	if v.Problems, err = st.Problems(ctx, ProblemQuery{AssessmentID: as.ID}); err != nil {
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
func (s *Service) lastProblems(ctx context.Context, st Store, as *Assessment) ([]Problem, error) {
	last, err := st.AssessmentFor(ctx, as.Framework, as.UnitID, as.Period-1)
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return st.Problems(ctx, ProblemQuery{AssessmentID: last.ID, Statuses: []string{ProblemOpen, ProblemInProgress, ProblemDone}})
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
	self := v.Scores[SideSelf]
	if as.Frozen() && as.SnapshotID != 0 {
		snap, err := s.frozen(ctx, st, as.SnapshotID)
		if err != nil {
			return err
		}
		ds, self = snap.ds, snap.self
	} else if ds == nil {
		if ds, _, err = s.Data.LoadDataset(ctx, System, v.Unit, as.Period); err != nil {
			return err
		}
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
	if v.Review, err = reviewResult(prog, v.Self, v.Scores[SideReview]); err != nil {
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
func evaluateOne(prog *engine.Program, ds *engine.Dataset, u *OrgUnit, period int, scores map[string]PointScore) (*engine.Result, error) {
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
func emptyDataset(u *OrgUnit, period int) *engine.Dataset {
	snap := &engine.Snapshot{Period: period}
	snap.Schools.Num = make([][]float64, len(engine.SchoolElements))
	snap.Facts.Num = make([][]float64, len(engine.UnitElements))
	snap.Finish(1)
	return &engine.Dataset{Units: []engine.Unit{{Code: u.Code, Name: u.Name}}, Periods: map[int]*engine.Snapshot{period: snap}}
}

// inputsOf turns stored self scores into the engine's inputs. Scores of codes the
// framework version does not have are left out (a framework revision dropped them).
func inputsOf(fw *engine.Framework, scores map[string]PointScore) *engine.Inputs {
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
func reviewResult(prog *engine.Program, self *engine.Result, review map[string]PointScore) (*engine.Result, error) {
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

// codeKind is what a code names in a framework.
type codeKind struct {
	kind       int
	point      *engine.Point
	manualVeto bool
	veto       *engine.Veto
	bonus      bool
}

const (
	codeUnknown = iota
	codeData    // a point scored from data only
	codeManual
	codeChecklist
	codeVeto
)

func kindOf(fw *engine.Framework, code string) codeKind {
	find := func(pt *engine.Point, bonus bool) codeKind {
		k := codeKind{kind: codeData, point: pt, bonus: bonus}
		for _, r := range pt.Rules {
			switch r.Kind {
			case engine.RuleManual:
				k.kind = codeManual
			case engine.RuleChecklist:
				k.kind = codeChecklist
			}
		}
		return k
	}
	for ai := range fw.Areas {
		for pi := range fw.Areas[ai].Points {
			if pt := &fw.Areas[ai].Points[pi]; pt.Code == code {
				return find(pt, false)
			}
		}
	}
	if fw.Bonus != nil {
		for i := range fw.Bonus.Items {
			if pt := &fw.Bonus.Items[i]; pt.Code == code {
				return find(pt, true)
			}
		}
	}
	for i := range fw.Vetoes {
		if v := &fw.Vetoes[i]; v.Code == code {
			return codeKind{kind: codeVeto, veto: v, manualVeto: v.Manual}
		}
	}
	return codeKind{}
}

// Credibility (自评可信度) says how far the self scores were from the review: 100%
// minus the sum of the absolute differences over the points as a share of the
// framework's maximum. Verdict frameworks count points whose pass/fail differs.
type Credibility struct {
	Percent   float64 // 0–100
	Diff      float64 // Σ|self − review| over points and bonus items
	Points    int     // points whose scores differ
	Max       float64
	Verdict   bool
	Differing []string // codes of the points that differ
}

func credibility(self, review *engine.Result) *Credibility {
	c := &Credibility{Max: self.Max, Verdict: self.Verdict != ""}
	diff := func(a, b engine.PointResult) {
		d := math.Abs(a.Score - b.Score)
		if c.Verdict {
			d = 0
			if a.Passed != b.Passed {
				d = 1
			}
		}
		if d > 1e-9 {
			c.Diff += d
			c.Points++
			c.Differing = append(c.Differing, a.Code)
		}
	}
	total := 0
	for ai := range self.Areas {
		for pi := range self.Areas[ai].Points {
			diff(self.Areas[ai].Points[pi], review.Areas[ai].Points[pi])
			total++
		}
	}
	for i := range self.Bonus {
		diff(self.Bonus[i], review.Bonus[i])
	}
	base := c.Max
	if c.Verdict {
		base = float64(total)
	}
	c.Percent = 100
	if base > 0 {
		c.Percent = math.Max(0, 100*(1-c.Diff/base))
	}
	c.Diff = math.Round(c.Diff*100) / 100
	return c
}

// loadReport sets v.Report to the assessment's report draft; it stays nil when
// nobody has written one.
func loadReport(ctx context.Context, st Store, v *AssessmentView) error {
	d, err := st.ReportDraft(ctx, v.Assessment.ID)
	switch {
	case err == nil:
		v.Report = d
	case !IsNotFound(err):
		return err
	}
	return nil
}
