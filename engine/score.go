package engine

import (
	"math"
	"slices"
)

// outcome is what one rule makes of a unit.
type outcome struct {
	lost   float64
	status string
	reason string
	detail *RuleDetail // for rules that lost points or could not be scored
}

// score turns the current unit's metric values and a person's inputs into a Result.
func (e *evaluator) score(u int, in *Inputs) *Result {
	fw := e.p.FW
	r := &Result{Unit: e.ds.Units[u], Period: e.snap.Period, Framework: fw.ID, Version: fw.Version, Max: fw.Round(fw.MaxTotal())}
	if in == nil {
		in = &Inputs{}
	}
	r.Metrics = make([]MetricValue, len(e.p.metrics))
	for i, um := range e.p.metrics {
		r.Metrics[i] = metricValue(um.m, e.vals[i], e.errs[i])
	}
	// Every group's subtotal of this result in one allocation (none in two levels).
	slab := make(groupSlab, fw.tree.groups)
	for ai := range fw.Areas {
		a := &fw.Areas[ai]
		ar := AreaResult{Code: a.Code, Name: a.Name, Points: make([]PointResult, len(a.Points))}
		for pi := range a.Points {
			pr := e.scorePoint(&a.Points[pi], in.Points[a.Points[pi].Code])
			ar.Points[pi] = pr
			r.tally(&pr)
		}
		ar.subtotal(fw, a, &slab)
		r.Areas = append(r.Areas, ar)
		r.Score += ar.Score
	}
	e.scoreBonus(r, in)
	e.scoreVetoes(r, in)
	r.Score = fw.Round(r.Score)
	r.Total = fw.Round(r.Score + r.BonusTotal)
	finish(fw, r)
	return r
}

func (r *Result) tally(pr *PointResult) {
	switch pr.Status {
	case StatusPending:
		r.Pending++
	case StatusUncomputable:
		r.Uncomputable++
	}
}

func metricValue(m *Metric, v float64, err error) MetricValue {
	mv := MetricValue{ID: m.ID, Name: m.Name, Unit: m.Unit, Value: v, OK: err == nil, decimals: m.Decimals}
	if err != nil {
		mv.Why = err.Error()
	}
	return mv
}

// scorePoint applies every rule of a point; the point's score is its maximum less
// what the rules lose. A rule that waits for a person or cannot be computed awards
// nothing and marks the point pending or uncomputable.
func (e *evaluator) scorePoint(pt *Point, in PointInput) PointResult {
	pr := PointResult{Code: pt.Code, Title: pt.Title, Max: pt.Max, Status: StatusScored}
	var lost float64
	for i := range pt.Rules {
		rule := &pt.Rules[i]
		if rule.Metric != "" && !slices.Contains(pr.Metrics, rule.Metric) {
			pr.Metrics = append(pr.Metrics, rule.Metric)
		}
		o := e.applyRule(pt, rule, in)
		lost += o.lost
		if o.reason != "" {
			pr.Reasons = append(pr.Reasons, o.reason)
		}
		if o.detail != nil && !e.noDetails {
			o.detail.Rule = i
			pr.Details = append(pr.Details, *o.detail)
		}
		switch {
		case o.status == StatusUncomputable:
			pr.Status = StatusUncomputable
		case o.status == StatusPending && pr.Status == StatusScored:
			pr.Status = StatusPending
		}
	}
	lost = math.Min(e.p.FW.Round(lost), pt.Max)
	pr.Lost = lost
	pr.Score = e.p.FW.Round(pt.Max - lost)
	pr.Passed = lost == 0 && pr.Status == StatusScored
	return pr
}

func (e *evaluator) applyRule(pt *Point, r *Rule, in PointInput) outcome {
	spec := e.p.rules[r]
	if r.Kind == RuleChecklist || r.Kind == RuleManual {
		return e.peopleOutcome(pt, r, in, &ReasonData{Code: pt.Code, Path: pt.path, Title: pt.Title, Label: r.Label, Max: fmtNum(pt.Max)})
	}
	if err := e.errs[spec.metric]; err != nil {
		return outcome{lost: r.Points, status: StatusUncomputable,
			reason: pt.path + r.Label + "无法计算：" + err.Error(),
			detail: &RuleDetail{Status: StatusUncomputable, Lost: r.Points, Why: err.Error()}}
	}
	v := e.vals[spec.metric]
	o := outcome{status: StatusScored}
	switch r.Kind {
	case RuleThreshold:
		o.lost = r.Points - thresholdScore(r, v)
	case RuleLinear:
		o.lost = r.Points - linearScore(r, v)
	case RuleDeduct:
		o.lost = math.Min(v*r.Per, r.Points)
	}
	o.lost = round2(math.Max(o.lost, 0))
	if o.lost > 0 {
		// The sentence is built only for lost points: most rules of most counties
		// lose nothing, and formatting is the dearest part of scoring.
		o.reason = spec.reason.render(e.reasonData(pt, r, spec, v, o.lost))
		if !e.noDetails {
			o.detail = e.metricDetail(spec.metric, v, o.lost)
		}
	}
	return o
}

// reasonData fills what a reason template may print for a rule that lost points.
func (e *evaluator) reasonData(pt *Point, r *Rule, spec *ruleSpec, v, lost float64) *ReasonData {
	m := e.p.metrics[spec.metric].m
	d := &ReasonData{Code: pt.Code, Path: pt.path, Title: pt.Title, Label: r.Label, Max: fmtNum(pt.Max),
		Lost: fmtNum(lost), Score: fmtNum(r.Points - lost)}
	switch r.Kind {
	case RuleThreshold:
		d.Value, d.Threshold = formatPair(v, r.Value, m.Unit, m.Decimals)
		d.Gap = gapText(r.Op, d.Threshold)
	case RuleDeduct:
		d.Value = FormatValue(v, m.Unit, m.Decimals)
		d.Count = fmtNum(v)
		d.Schools = e.countedSchools(spec.metric)
	default:
		d.Value = FormatValue(v, m.Unit, m.Decimals)
	}
	if m.Unit == "%" {
		d.Change = ChangeText(v, m.Decimals)
	}
	return d
}

// thresholdScore is the rule's points when the value meets the standard, else the
// first partial step it meets, else 0.
func thresholdScore(r *Rule, v float64) float64 {
	if holds(r.Op, v, r.Value) {
		return r.Points
	}
	for _, s := range r.Partial {
		if holds(s.Op, v, s.Value) {
			return s.Score
		}
	}
	return 0
}

// linearScore goes from 0 at Zero to Points at Full, clamped, rounded down to a
// multiple of Round (0.01 when not given) so that a county never gets a point it
// has not reached.
func linearScore(r *Rule, v float64) float64 {
	f := (v - *r.Zero) / (*r.Full - *r.Zero)
	f = math.Max(0, math.Min(1, f))
	step := r.Round
	if step == 0 {
		step = 0.01
	}
	return math.Floor(r.Points*f/step+1e-9) * step
}

func holds(op string, v, t float64) bool {
	switch op {
	case ">=":
		return atLeast(v, t)
	case ">":
		return v > t && !atMost(v, t)
	case "<=":
		return atMost(v, t)
	case "<":
		return v < t && !atLeast(v, t)
	case "==":
		return atLeast(v, t) && atMost(v, t)
	}
	return false
}

func (e *evaluator) peopleOutcome(pt *Point, r *Rule, in PointInput, d *ReasonData) outcome {
	spec := e.p.rules[r]
	var got float64
	switch {
	case r.Kind == RuleManual && in.Score != nil:
		got = *in.Score
		d.Justification = TidyJustification(in.Justification)
	case r.Kind == RuleChecklist && in.Checked != nil:
		var missing []string
		for _, it := range r.Items {
			if slices.Contains(in.Checked, it.ID) {
				got += it.Weight
			} else {
				missing = append(missing, it.Text)
			}
		}
		d.Missing = joinCN(missing)
	default:
		return outcome{lost: r.Points, status: StatusPending, reason: pt.path + "待人工评分",
			detail: &RuleDetail{Status: StatusPending, Lost: r.Points}}
	}
	o := outcome{lost: round2(r.Points - got), status: StatusScored}
	if o.lost > 0 {
		d.Lost, d.Score = fmtNum(o.lost), fmtNum(got)
		o.reason = spec.reason.render(d)
		o.detail = &RuleDetail{Status: StatusScored, Lost: o.lost, Justification: d.Justification}
		if r.Kind == RuleChecklist {
			o.detail.Missing = missingItems(r, in.Checked)
		}
	}
	return o
}

// countedSchools names the schools a deduct rule's metric counted: the rows kept by
// the count() calls of that metric, one per school, at most ten.
func (e *evaluator) countedSchools(metric int) string {
	const most = 10
	var names []string
	n := 0
	s := &e.snap.Schools
	base := int(e.rng.Lo)
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	seen := e.seen
	clear(seen)
	for _, ci := range e.p.metrics[metric].calls {
		spec := &e.p.calls[ci]
		if spec.fn != "count" {
			continue
		}
		for _, k := range e.rows(spec.set) {
			code := s.Code[base+int(k)]
			if seen[code] {
				continue // a combined school split into stage rows is one school
			}
			seen[code] = true
			n++
			if len(names) < most {
				names = append(names, s.Name[base+int(k)])
			}
		}
	}
	out := joinCN(names)
	if n > most {
		out += "等" + fmtNum(float64(n)) + "所"
	}
	return out
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
