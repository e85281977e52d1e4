package survey

import (
	"context"
	"sort"

	"ziping"
	"ziping/assess"
)

// Calc is everything computed from a round's responses at one count of changes:
// the responses with their flags, the progress against the plan and the result.
type Calc struct {
	Round      *ziping.SurveyRound
	Unit       *ziping.OrgUnit
	File       *File
	Setup      *Setup
	Responses  []Response
	Stored     []ziping.SurveyResponse
	Exclusions []ziping.SurveyExclusion
	Flags      map[int64][]Flag
	Result     *Result
	Progress   *Progress
}

// Progress is how far the responses are from the plan.
type Progress struct {
	Responses  int     `json:"responses"` // not excluded
	Quota      int     `json:"quota"`
	Completion float64 `json:"completion"` // responses / quota, %
	Median     float64 `json:"median_seconds"`
	Flagged    int     `json:"flagged"`
	Excluded   int     `json:"excluded"`
	Groups     []Count `json:"groups"`
	Schools    []Count `json:"schools"`
	Areas      []Count `json:"areas"`
}

// Count is responses against a quota.
type Count struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Count int    `json:"count"`
	Quota int    `json:"quota"`
}

// Calc computes (or takes from the cache) a round's responses, flags, progress and
// result, for an actor who may see the round.
func (s *Service) Calc(ctx context.Context, a *ziping.Actor, id int64) (*Calc, error) {
	r, u, _, err := s.Round(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return s.calc(ctx, r, u)
}

func (s *Service) calc(ctx context.Context, r *ziping.SurveyRound, u *ziping.OrgUnit) (*Calc, error) {
	s.mu.Lock()
	c, ok := s.results[r.ID]
	s.mu.Unlock()
	if ok && c.changes == r.Changes && c.version == r.Version {
		return c.calc, nil
	}
	f, err := s.File(ctx, r.Questionnaire, r.QuestionnaireVersion)
	if err != nil {
		return nil, err
	}
	setup, err := SetupOf(r)
	if err != nil {
		return nil, err
	}
	stored, err := s.Store.SurveyResponses(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	excl, err := s.Store.SurveyExclusions(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	cl := &Calc{Round: r, Unit: u, File: f, Setup: setup, Stored: stored, Exclusions: excl}
	cl.Responses = responsesOf(stored, excl, setup)
	enrol := map[string]int64{}
	for _, sc := range setup.Input.Schools {
		enrol[sc.Code] = sc.Students
	}
	cl.Flags = f.Flags(cl.Responses, s.rules(), enrol)
	cl.Result = f.Compute(cl.Responses, quotasOf(setup.Plan), nil)
	cl.Progress = progressOf(cl)
	s.mu.Lock()
	if s.results == nil || len(s.results) > 512 {
		s.results = map[int64]cachedCalc{}
	}
	s.results[r.ID] = cachedCalc{r.Changes, r.Version, cl}
	s.mu.Unlock()
	return cl, nil
}

// responsesOf turns stored responses into the computation's, with the latest
// exclusion decision of each.
func responsesOf(stored []ziping.SurveyResponse, excl []ziping.SurveyExclusion, setup *Setup) []Response {
	excluded := map[int64]bool{}
	for _, e := range excl { // by id: the latest decision last
		excluded[e.ResponseID] = e.Excluded
	}
	names := map[string]string{}
	for _, sc := range setup.Input.Schools {
		names[sc.Code] = sc.Name
	}
	out := make([]Response, 0, len(stored))
	for _, sr := range stored {
		a, err := DecodeAnswers(sr.Answers)
		if err != nil {
			a = Answers{} // written by this service: cannot happen; counted with no answers
		}
		name := names[sr.School]
		if name == "" {
			name = sr.School
		}
		out = append(out, Response{ID: sr.ID, Questionnaire: sr.Form, Group: sr.Group, School: sr.School, SchoolName: name,
			Area: sr.Area, Link: sr.LinkID, Network: sr.Network, Started: sr.StartedAt, Submitted: sr.CreatedAt,
			Answers: a, Excluded: excluded[sr.ID]})
	}
	return out
}

// quotasOf are the plan's quotas by group, school code and area.
func quotasOf(p *Plan) map[string]int {
	q := map[string]int{}
	if p == nil {
		return q
	}
	for _, g := range p.Groups {
		q[g.Group] += g.Quota
		for a, n := range g.Areas {
			q[a] += n
		}
		for _, sq := range g.Schools {
			q[sq.Code] += sq.Quota
		}
	}
	return q
}

func progressOf(cl *Calc) *Progress {
	p := &Progress{}
	quotas := quotasOf(cl.Setup.Plan)
	if cl.Setup.Plan != nil {
		p.Quota = cl.Setup.Plan.Total
	}
	groups, schools, areas := map[string]int{}, map[string]int{}, map[string]int{}
	var took []float64
	for _, r := range cl.Responses {
		if len(cl.Flags[r.ID]) > 0 {
			p.Flagged++
		}
		if r.Excluded {
			p.Excluded++
			continue
		}
		p.Responses++
		groups[r.Group]++
		if r.School != "" {
			schools[r.School]++
		}
		if r.Area != "" {
			areas[r.Area]++
		}
		if !r.Started.IsZero() {
			took = append(took, r.Submitted.Sub(r.Started).Seconds())
		}
	}
	if p.Quota > 0 {
		p.Completion = 100 * float64(p.Responses) / float64(p.Quota)
	}
	p.Median = median(took)
	for _, g := range cl.File.Groups {
		p.Groups = append(p.Groups, Count{g.ID, g.Name, groups[g.ID], quotas[g.ID]})
	}
	for _, a := range Areas {
		p.Areas = append(p.Areas, Count{a, a, areas[a], quotas[a]})
	}
	for _, sc := range cl.Setup.Input.Schools {
		if quotas[sc.Code] > 0 || schools[sc.Code] > 0 {
			p.Schools = append(p.Schools, Count{sc.Code, sc.Name, schools[sc.Code], quotas[sc.Code]})
		}
	}
	// Schools furthest behind their quota first: where to push.
	sort.SliceStable(p.Schools, func(i, j int) bool { return fill(p.Schools[i]) < fill(p.Schools[j]) })
	return p
}

func fill(c Count) float64 {
	if c.Quota == 0 {
		return 1e9
	}
	return float64(c.Count) / float64(c.Quota)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// SurveyFacts are the facts a county's round of a framework and period measured,
// for package assess: the headline figure under its file's element, once it has
// answers. The key changes with every response and exclusion.
func (s *Service) SurveyFacts(ctx context.Context, u *ziping.OrgUnit, framework string, period int) (*assess.SurveyFacts, error) {
	rounds, err := s.Store.SurveyRounds(ctx, ziping.SurveyRoundQuery{UnitIDs: []int64{u.ID}, Period: period, Framework: framework})
	if err != nil || len(rounds) == 0 {
		return nil, err
	}
	out := &assess.SurveyFacts{Values: map[string]float64{}}
	for i := range rounds {
		cl, err := s.calc(ctx, &rounds[i], u)
		if err != nil {
			return nil, err
		}
		out.Key += itoa(rounds[i].ID) + ":" + itoa(rounds[i].Changes) + ";"
		if cl.Result.Overall.Figures.OK {
			out.Values[cl.File.Element] = round2(cl.Result.Overall.Figures.Get(cl.File.Computation.Method))
		}
	}
	if len(out.Values) == 0 {
		return nil, nil
	}
	return out, nil
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
