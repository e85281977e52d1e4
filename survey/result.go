package survey

import (
	"sort"
)

// Stat is the 认可度 of a set of respondents (or of a question's answers) under
// every convention, with the 95% Wilson interval of the headline figure on the
// effective sample size.
type Stat struct {
	Key     string  `json:"key"`
	Name    string  `json:"name"`
	N       int     `json:"n"` // respondents (answers, for a question)
	Unknown int     `json:"unknown,omitempty"`
	Figures Figures `json:"figures"`
	Low     float64 `json:"low"`  // 0–100
	High    float64 `json:"high"` // 0–100
	Quota   int     `json:"quota,omitempty"`
	Tally   *Tally  `json:"tally,omitempty"` // a question's answers
	Counted bool    `json:"counted,omitempty"`
	Group   string  `json:"group,omitempty"` // a question's questionnaire
}

// Headline is the figure of the file's method.
func (s *Stat) Headline(method string) float64 { return s.Figures.Get(method) }

// Result is a round's 认可度: overall and by group, question, school and area, the
// weakest questions and schools first.
type Result struct {
	Method      string     `json:"method"`
	Threshold   float64    `json:"threshold"`
	Responses   int        `json:"responses"` // counted (not excluded)
	Excluded    int        `json:"excluded"`
	Overall     Stat       `json:"overall"`
	Groups      []Stat     `json:"groups"`
	Questions   []Stat     `json:"questions"`
	Schools     []Stat     `json:"schools"`
	Areas       []Stat     `json:"areas"`
	Clustering  Clustering `json:"clustering"`
	EffectiveN  float64    `json:"effective_n"`
	Unmatched   []string   `json:"unmatched,omitempty"`    // columns of an export that match nothing
	ExtraScales []string   `json:"extra_scales,omitempty"` // columns of scale answers that match no question
}

// respondent is one response's own tally and score.
type respondent struct {
	r     *Response
	tally Tally
	fig   Figures
}

// Compute is the result of the responses (excluded ones are counted, not used).
// Quotas, when given, are shown beside each group, school and area (keys: group
// id, school code, area).
func (f *File) Compute(responses []Response, quotas map[string]int, extra map[int64]Tally) *Result {
	res := &Result{Method: f.Computation.Method, Threshold: f.Threshold}
	var rs []respondent
	qTally := map[string]*Tally{}
	for i := range responses {
		r := &responses[i]
		if r.Excluded {
			res.Excluded++
			continue
		}
		res.Responses++
		rp := respondent{r: r}
		q := f.Questionnaire(r.Questionnaire)
		if q == nil {
			continue
		}
		for _, qu := range q.Questions {
			a, ok := r.Answers[qu.ID]
			if !ok || !qu.Counted() || a.Choice == nil {
				continue
			}
			rp.tally.Add(*a.Choice)
			key := r.Questionnaire + "/" + qu.ID
			if qTally[key] == nil {
				qTally[key] = &Tally{}
			}
			qTally[key].Add(*a.Choice)
		}
		if t, ok := extra[r.ID]; ok {
			rp.tally.Merge(t)
		}
		rp.fig = f.Figures(rp.tally)
		rs = append(rs, rp)
	}
	res.Clustering = f.clustering(rs)
	res.Overall = f.overall(rs, res.Clustering.Deff)
	res.EffectiveN = float64(res.Overall.N) / res.Clustering.Deff
	res.Groups = f.byGroup(rs, quotas, res.Clustering.Deff)
	res.Schools = f.by(rs, quotas, res.Clustering.Deff, func(r *Response) (string, string) {
		return r.School, r.SchoolName
	})
	res.Areas = f.by(rs, quotas, 1, func(r *Response) (string, string) { return r.Area, r.Area })
	sortArea(res.Areas)
	res.Questions = f.questions(qTally)
	weakestFirst(res.Questions, res.Method)
	weakestFirst(res.Schools, res.Method)
	return res
}

func (f *File) clustering(rs []respondent) Clustering {
	bySchool := map[string][]float64{}
	var order []string
	for _, rp := range rs {
		if rp.r.School == "" || !rp.fig.OK {
			continue
		}
		if _, ok := bySchool[rp.r.School]; !ok {
			order = append(order, rp.r.School)
		}
		bySchool[rp.r.School] = append(bySchool[rp.r.School], rp.fig.Get(f.Computation.Method))
	}
	groups := make([][]float64, len(order))
	for i, id := range order {
		groups[i] = bySchool[id]
	}
	return Cluster(groups)
}

// stat is the mean of the respondents' scores under every convention.
func (f *File) stat(key, name string, rs []respondent, deff float64) Stat {
	s := Stat{Key: key, Name: name}
	var sum Figures
	for _, rp := range rs {
		s.Unknown += rp.tally.Unknown
		if !rp.fig.OK {
			continue
		}
		s.N++
		sum.Top2 += rp.fig.Top2
		sum.Mean += rp.fig.Mean
		sum.Value += rp.fig.Value
	}
	if s.N > 0 {
		n := float64(s.N)
		s.Figures = Figures{Top2: sum.Top2 / n, Mean: sum.Mean / n, Value: sum.Value / n, OK: true}
		s.setInterval(f.Computation.Method, n/deff)
	}
	return s
}

func (s *Stat) setInterval(method string, n float64) {
	lo, hi := Wilson(s.Figures.Get(method)/100, n)
	s.Low, s.High = lo*100, hi*100
}

// overall is every respondent alike, or with group weights the weighted mean of
// the groups' figures over the groups that answered.
func (f *File) overall(rs []respondent, deff float64) Stat {
	s := f.stat("all", "全部", rs, deff)
	if len(f.Computation.Weights) == 0 || s.N == 0 {
		return s
	}
	var w float64
	var sum Figures
	for _, g := range f.Groups {
		gs := f.stat(g.ID, g.Name, filter(rs, func(r *Response) bool { return r.Group == g.ID }), deff)
		wg := f.Computation.Weights[g.ID]
		if gs.N == 0 || wg == 0 {
			continue
		}
		w += wg
		sum.Top2 += wg * gs.Figures.Top2
		sum.Mean += wg * gs.Figures.Mean
		sum.Value += wg * gs.Figures.Value
	}
	if w > 0 {
		s.Figures = Figures{Top2: sum.Top2 / w, Mean: sum.Mean / w, Value: sum.Value / w, OK: true}
		s.setInterval(f.Computation.Method, float64(s.N)/deff)
	}
	return s
}

func (f *File) byGroup(rs []respondent, quotas map[string]int, deff float64) []Stat {
	var out []Stat
	for _, g := range f.Groups {
		s := f.stat(g.ID, g.Name, filter(rs, func(r *Response) bool { return r.Group == g.ID }), deff)
		s.Quota = quotas[g.ID]
		out = append(out, s)
	}
	return out
}

// by groups respondents by key (skipping ""), in the order keys first appear.
func (f *File) by(rs []respondent, quotas map[string]int, deff float64, key func(*Response) (string, string)) []Stat {
	groups := map[string][]respondent{}
	names := map[string]string{}
	var order []string
	for _, rp := range rs {
		k, name := key(rp.r)
		if k == "" {
			continue
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
			names[k] = name
		}
		groups[k] = append(groups[k], rp)
	}
	out := make([]Stat, 0, len(order))
	for _, k := range order {
		s := f.stat(k, names[k], groups[k], deff)
		s.Quota = quotas[k]
		out = append(out, s)
	}
	return out
}

func (f *File) questions(tallies map[string]*Tally) []Stat {
	var out []Stat
	for _, q := range f.Questionnaires {
		for _, qu := range q.Questions {
			t := tallies[q.ID+"/"+qu.ID]
			if !qu.Counted() || t == nil {
				continue
			}
			s := Stat{Key: q.ID + "/" + qu.ID, Name: qu.Text, N: t.Answered(), Unknown: t.Unknown, Tally: t,
				Figures: f.Figures(*t), Counted: true, Group: q.Name}
			s.setInterval(f.Computation.Method, float64(s.N))
			out = append(out, s)
		}
	}
	return out
}

func filter(rs []respondent, keep func(*Response) bool) []respondent {
	var out []respondent
	for _, rp := range rs {
		if keep(rp.r) {
			out = append(out, rp)
		}
	}
	return out
}

// weakestFirst orders stats by the headline figure, lowest first; those without a
// figure last.
func weakestFirst(ss []Stat, method string) {
	sort.SliceStable(ss, func(i, j int) bool {
		a, b := ss[i], ss[j]
		if a.Figures.OK != b.Figures.OK {
			return a.Figures.OK
		}
		return a.Figures.Get(method) < b.Figures.Get(method)
	})
}

func sortArea(ss []Stat) {
	rank := map[string]int{Areas[0]: 0, Areas[1]: 1, Areas[2]: 2}
	sort.SliceStable(ss, func(i, j int) bool { return rank[ss[i].Key] < rank[ss[j].Key] })
}
