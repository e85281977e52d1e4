package engine

import (
	"encoding/json"
	"math"
)

// Point statuses.
const (
	StatusScored       = "scored"       // scored from data or by a person
	StatusPending      = "pending"      // waits for a person's score
	StatusUncomputable = "uncomputable" // the data cannot compute it (无法计算)
)

// Result is the evaluation of one unit in one period.
type Result struct {
	Unit      Unit   `json:"unit"`
	Period    int    `json:"period"`
	Framework string `json:"framework"`
	Version   string `json:"framework_version"`

	Metrics []MetricValue `json:"metrics"`
	Areas   []AreaResult  `json:"areas"`
	Bonus   []PointResult `json:"bonus,omitempty"`
	Vetoes  []VetoResult  `json:"vetoes,omitempty"`

	Score      float64  `json:"score"`       // sum of the points' scores
	BonusTotal float64  `json:"bonus_total"` // after the cap
	Total      float64  `json:"total"`       // score + bonus
	Max        float64  `json:"max"`
	Grade      string   `json:"grade,omitempty"`   // grade frameworks
	Verdict    string   `json:"verdict,omitempty"` // verdict frameworks
	Passed     bool     `json:"passed"`
	Failing    []string `json:"failing,omitempty"` // verdict: every failing item, as sentences

	Pending      int `json:"pending"`      // points waiting for a person
	Uncomputable int `json:"uncomputable"` // points the data cannot compute

	Rank int  `json:"rank,omitempty"` // set by Rank
	Tie  bool `json:"tie,omitempty"`  // shares its rank with another unit
}

// MetricValue is a computed metric; OK is false when it could not be computed, Why
// then says why (无法计算的原因).
type MetricValue struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Unit     string  `json:"unit,omitempty"`
	Value    float64 `json:"-"`
	OK       bool    `json:"ok"`
	Why      string  `json:"why,omitempty"`
	decimals *int
}

// Text is the value formatted with its unit and the metric's decimals, or 无法计算
// with the reason. It is computed when asked for: a ranking of thousands of counties
// never formats the values it does not show.
func (m MetricValue) Text() string {
	if !m.OK {
		return "无法计算（" + m.Why + "）"
	}
	return FormatValue(m.Value, m.Unit, m.decimals)
}

// MarshalJSON writes Value as null when the metric could not be computed, and the
// formatted text beside it.
func (m MetricValue) MarshalJSON() ([]byte, error) {
	type plain MetricValue
	var v *float64
	if m.OK && !math.IsNaN(m.Value) && !math.IsInf(m.Value, 0) {
		x := m.Value
		v = &x
	}
	return json.Marshal(struct {
		plain
		Text  string   `json:"text"`
		Value *float64 `json:"value"`
	}{plain(m), m.Text(), v})
}

// AreaResult is a first-level indicator's score. Points are all its points, in
// order, whatever the depth of the tree; Groups, when the area has lower-level
// indicators, give their subtotals and which points each holds.
type AreaResult struct {
	Code   string        `json:"code"`
	Name   string        `json:"name"`
	Max    float64       `json:"max"`
	Score  float64       `json:"score"`
	Points []PointResult `json:"points"`
	Groups []GroupResult `json:"groups,omitempty"`
}

// PointResult is a measurement point's score with the reasons for lost points.
type PointResult struct {
	Code    string   `json:"code"`
	Title   string   `json:"title"`
	Max     float64  `json:"max"`
	Score   float64  `json:"score"`
	Lost    float64  `json:"lost"`
	Status  string   `json:"status"`
	Passed  bool     `json:"passed"` // lost nothing and fully scored
	Reasons []string `json:"reasons,omitempty"`
	Metrics []string `json:"metrics,omitempty"` // ids of the metrics its rules use
	// Details says what each rule that lost points (or could not be scored) found,
	// for the report's sentences (detail.go).
	Details []RuleDetail `json:"-"`
}

// State is the point's state in words, as score sheets show it: 待评, 无法计算,
// 达标 or 未达标.
func (p *PointResult) State() string {
	switch {
	case p.Status == StatusPending:
		return "待评"
	case p.Status == StatusUncomputable:
		return "无法计算"
	case p.Passed:
		return "达标"
	}
	return "未达标"
}

// VetoResult is a veto item's outcome.
type VetoResult struct {
	Code      string `json:"code"`
	Title     string `json:"title"`
	Effect    string `json:"effect"`
	Triggered bool   `json:"triggered"`
	Pending   bool   `json:"pending,omitempty"` // manual and not decided
	Reason    string `json:"reason,omitempty"`
}

// Metric returns the value of metric id, and whether it exists.
func (r *Result) Metric(id string) (MetricValue, bool) {
	for _, m := range r.Metrics {
		if m.ID == id {
			return m, true
		}
	}
	return MetricValue{}, false
}

// Point returns the result of point code (bonus items included), or nil.
func (r *Result) Point(code string) *PointResult {
	for ai := range r.Areas {
		for pi := range r.Areas[ai].Points {
			if r.Areas[ai].Points[pi].Code == code {
				return &r.Areas[ai].Points[pi]
			}
		}
	}
	for i := range r.Bonus {
		if r.Bonus[i].Code == code {
			return &r.Bonus[i]
		}
	}
	return nil
}
