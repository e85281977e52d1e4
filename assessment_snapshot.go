package ziping

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"sync"

	"ziping/engine"
)

// snapshotData is what a snapshot freezes: the unit's data of the period and the
// period before (for year-over-year metrics), the framework version and every score.
// It is kept as gzipped JSON.
type snapshotData struct {
	Framework string         `json:"framework"`
	Version   string         `json:"version"`
	Unit      OrgUnit        `json:"unit"`
	Period    int            `json:"period"`
	Schools   []SchoolRecord `json:"schools"`
	Facts     []FactRecord   `json:"facts"`
	Scores    []PointScore   `json:"scores"`
}

// frozenData is a snapshot ready to evaluate.
type frozenData struct {
	ds   *engine.Dataset
	self map[string]PointScore
}

// snapshotCache keeps decoded snapshots: a snapshot never changes.
type snapshotCache struct {
	mu sync.Mutex
	m  map[int64]*frozenData
}

// freeze writes a snapshot of stage for the assessment and points it at it. The
// data comes from the store when the unit has just submitted, and is carried over
// from the submitted snapshot when the reviewer accepts (v given).
func (s *Service) freeze(ctx context.Context, tx Store, a *Actor, as *Assessment, u *OrgUnit, stage string, v *AssessmentView) error {
	sd := &snapshotData{Framework: as.Framework, Version: as.FrameworkVersion, Unit: *u, Period: as.Period}
	var err error
	if v != nil && as.SnapshotID != 0 {
		prev, err := tx.Snapshot(ctx, as.SnapshotID)
		if err != nil {
			return err
		}
		if err := decodeSnapshot(prev.Data, sd); err != nil {
			return err
		}
	} else if err := s.snapshotRows(ctx, tx, u, as.Period, sd); err != nil {
		return err
	}
	if sd.Scores, err = tx.PointScores(ctx, as.ID); err != nil {
		return err
	}
	data, err := encodeSnapshot(sd)
	if err != nil {
		return err
	}
	snap := &Snapshot{AssessmentID: as.ID, Stage: stage, Round: as.Round, Data: data, CreatedBy: a.UserID(), CreatedAt: s.now()}
	if err := tx.CreateSnapshot(ctx, snap); err != nil {
		return err
	}
	as.SnapshotID = snap.ID
	return nil
}

func (s *Service) snapshotRows(ctx context.Context, tx Store, u *OrgUnit, period int, sd *snapshotData) error {
	for _, per := range []int{period - 1, period} {
		rows, _, err := tx.Schools(ctx, SchoolQuery{UnitIDs: []int64{u.ID}, Period: per, Sort: "code", Limit: math.MaxInt32})
		if err != nil {
			return err
		}
		facts, err := tx.Facts(ctx, []int64{u.ID}, per)
		if err != nil {
			return err
		}
		sd.Schools, sd.Facts = append(sd.Schools, rows...), append(sd.Facts, facts...)
	}
	return nil
}

func encodeSnapshot(sd *snapshotData) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(sd); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeSnapshot(data []byte, sd *snapshotData) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("decode snapshot: %w", err)
	}
	if err := json.NewDecoder(io.LimitReader(zr, 1<<30)).Decode(sd); err != nil {
		return fmt.Errorf("decode snapshot: %w", err)
	}
	return nil
}

// frozen returns snapshot id decoded into a one-unit dataset and the self scores.
func (s *Service) frozen(ctx context.Context, st Store, id int64) (*frozenData, error) {
	if s.snaps != nil {
		s.snaps.mu.Lock()
		f := s.snaps.m[id]
		s.snaps.mu.Unlock()
		if f != nil {
			return f, nil
		}
	}
	snap, err := st.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	var sd snapshotData
	if err := decodeSnapshot(snap.Data, &sd); err != nil {
		return nil, err
	}
	f := &frozenData{ds: datasetOf(&sd), self: map[string]PointScore{}}
	for _, ps := range sd.Scores {
		if ps.Side == SideSelf {
			f.self[ps.Code] = ps
		}
	}
	if s.snaps != nil {
		s.snaps.mu.Lock()
		if s.snaps.m == nil || len(s.snaps.m) >= maxCached {
			s.snaps.m = map[int64]*frozenData{}
		}
		s.snaps.m[id] = f
		s.snaps.mu.Unlock()
	}
	return f, nil
}

// datasetOf rebuilds the engine's dataset of one unit from a snapshot.
func datasetOf(sd *snapshotData) *engine.Dataset {
	ds := &engine.Dataset{Units: []engine.Unit{{Code: sd.Unit.Code, Name: sd.Unit.Name}}, Periods: map[int]*engine.Snapshot{}}
	index := map[int64]int{sd.Unit.ID: 0}
	for _, per := range []int{sd.Period - 1, sd.Period} {
		var rows []SchoolRecord
		var facts []FactRecord
		for _, r := range sd.Schools {
			if r.Period == per {
				rows = append(rows, r)
			}
		}
		for _, f := range sd.Facts {
			if f.Period == per {
				facts = append(facts, f)
			}
		}
		if len(rows) > 0 || len(facts) > 0 || per == sd.Period {
			ds.Periods[per] = BuildSnapshot(rows, facts, index, 1, per)
		}
	}
	return ds
}

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
func SummaryOf(as *Assessment) (*Summary, error) {
	sm := &Summary{}
	if len(as.Summary) == 0 {
		return sm, nil
	}
	if err := json.Unmarshal(as.Summary, sm); err != nil {
		return nil, fmt.Errorf("assessment %d summary: %w", as.ID, err)
	}
	return sm, nil
}

// refreshSummary recomputes the assessment's summary and writes the assessment.
func (s *Service) refreshSummary(ctx context.Context, tx Store, as *Assessment, u *OrgUnit) error {
	v, err := s.assessmentView(ctx, tx, as, u)
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
	list, err := s.Store.Assessments(ctx, AssessmentQuery{})
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
		v, err := s.assessmentView(ctx, s.Store, as, u)
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
			out = append(out, fmt.Sprintf("%s %d年度（%s，编号%d）：保存的摘要 %s，重算应为 %s", u.Name, as.Period, StatusNames[as.Status], as.ID, got, want))
		}
	}
	return out, nil
}

func (s *Service) writeSummary(ctx context.Context, tx Store, as *Assessment, sm *Summary) error {
	b, err := json.Marshal(sm)
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	as.Summary, as.UpdatedAt = b, s.now()
	return tx.UpdateAssessment(ctx, as)
}

// sortCodes orders point codes as people number them: "2" before "10", letters
// after digits, then by text.
func sortCodes(codes []string) {
	sort.Slice(codes, func(i, j int) bool {
		a, errA := strconv.Atoi(codes[i])
		b, errB := strconv.Atoi(codes[j])
		switch {
		case errA == nil && errB == nil:
			return a < b
		case errA == nil:
			return true
		case errB == nil:
			return false
		}
		return codes[i] < codes[j]
	})
}
