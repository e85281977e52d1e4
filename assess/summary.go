package assess

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"

	"ziping"
	"ziping/engine"
)

// Summary is what rankings need of an assessment, kept with it so that a ranking of
// hundreds of units never re-evaluates: both sides' totals, the area scores in
// framework order and the metric values.
type Summary struct {
	Self        *SideSummary `json:"self,omitempty"`
	Review      *SideSummary `json:"review,omitempty"`
	Credibility *Credibility `json:"credibility,omitempty"`
	Blocking    int          `json:"blocking"` // readiness items that stop submission
}

// SideSummary is one side's result in brief.
type SideSummary struct {
	Total        float64            `json:"total"`
	Max          float64            `json:"max"`
	Grade        string             `json:"grade,omitempty"`
	Verdict      string             `json:"verdict,omitempty"`
	Passed       bool               `json:"passed"`
	Failing      int                `json:"failing"`
	Pending      int                `json:"pending"`
	Uncomputable int                `json:"uncomputable"`
	Areas        []float64          `json:"areas"`
	Metrics      map[string]float64 `json:"metrics"`
}

// Outcome is the grade or verdict.
func (ss *SideSummary) Outcome() string {
	if ss.Verdict != "" {
		return ss.Verdict
	}
	return ss.Grade
}

// Final is the side that counts: the review once there is one.
func (sm *Summary) Final() *SideSummary {
	if sm.Review != nil {
		return sm.Review
	}
	return sm.Self
}

func sideSummary(r *engine.Result) *SideSummary {
	if r == nil {
		return nil
	}
	ss := &SideSummary{Total: r.Total, Max: r.Max, Grade: r.Grade, Verdict: r.Verdict, Passed: r.Passed, Failing: len(r.Failing),
		Pending: r.Pending, Uncomputable: r.Uncomputable, Metrics: map[string]float64{}}
	for _, a := range r.Areas {
		ss.Areas = append(ss.Areas, a.Score)
	}
	for _, m := range r.Metrics {
		if m.OK && !math.IsNaN(m.Value) && !math.IsInf(m.Value, 0) {
			ss.Metrics[m.ID] = m.Value
		}
	}
	return ss
}

// SummaryOf decodes an assessment's summary; an empty one is an empty Summary.
func SummaryOf(as *ziping.Assessment) (*Summary, error) {
	sm := &Summary{}
	if len(as.Summary) == 0 {
		return sm, nil
	}
	if err := json.Unmarshal(as.Summary, sm); err != nil {
		return nil, fmt.Errorf("assessment %d summary: %w", as.ID, err)
	}
	return sm, nil
}

// Refresh recomputes the assessment's summary through tx and writes the
// assessment: after a change to anything the summary or the readiness check reads.
func (s *Service) Refresh(ctx context.Context, tx Store, as *ziping.Assessment, u *ziping.OrgUnit) error {
	v, err := s.ViewIn(ctx, tx, as, u)
	if err != nil {
		return err
	}
	return s.writeSummary(ctx, tx, as, s.summarize(v))
}

// summarize is the summary of an assessment's view: both sides in brief, and while
// the unit may still edit it, how many readiness items block its submission.
func (s *Service) summarize(v *AssessmentView) *Summary {
	sm := &Summary{Self: sideSummary(v.Self), Review: sideSummary(v.Review), Credibility: v.Credibility}
	if v.Assessment.SelfEditable() {
		for _, it := range s.readiness(v) {
			if it.Blocking {
				sm.Blocking++
			}
		}
	}
	return sm
}

// StaleSummaries compares every assessment's stored summary (what rankings and
// lists show) with one computed afresh from the store, and describes each that
// differs. A crash at any point must leave none: the crash tests and an operator
// checking a restored database ask it.
func (s *Service) StaleSummaries(ctx context.Context) ([]string, error) {
	list, err := s.Store.Assessments(ctx, ziping.AssessmentQuery{})
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range list {
		as := &list[i]
		u, err := s.Store.Unit(ctx, as.UnitID)
		if err != nil {
			return nil, err
		}
		v, err := s.ViewIn(ctx, s.Store, as, u)
		if err != nil {
			return nil, err
		}
		want, err := json.Marshal(s.summarize(v))
		if err != nil {
			return nil, err
		}
		stored, err := SummaryOf(as)
		if err != nil {
			return nil, err
		}
		got, err := json.Marshal(stored)
		if err != nil {
			return nil, err
		}
		if string(got) != string(want) {
			out = append(out, fmt.Sprintf("%s %d年度（%s，编号%d）：保存的摘要 %s，重算应为 %s", u.Name, as.Period, ziping.StatusNames[as.Status], as.ID, got, want))
		}
	}
	return out, nil
}

func (s *Service) writeSummary(ctx context.Context, tx Store, as *ziping.Assessment, sm *Summary) error {
	b, err := json.Marshal(sm)
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	as.Summary, as.UpdatedAt = b, s.now()
	return tx.UpdateAssessment(ctx, as)
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
func (s *Service) summaryOf(as *ziping.Assessment) (*Summary, error) {
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
