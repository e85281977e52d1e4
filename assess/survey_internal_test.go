package assess

import (
	"context"
	"math"
	"testing"

	"ziping"
	"ziping/engine"
)

type fixedSurvey struct{ v map[string]float64 }

func (f fixedSurvey) SurveyFacts(context.Context, *ziping.OrgUnit, string, int) (*SurveyFacts, error) {
	return &SurveyFacts{Values: f.v, Key: "k"}, nil
}

// TestWithFacts: the survey's figure replaces one unit's fact in a copy; the shared
// dataset, other units and other periods are untouched.
func TestWithFacts(t *testing.T) {
	e := engine.UnitElementIndex("satisfaction")
	snap := &engine.Snapshot{Period: 2024}
	snap.Facts.Num = make([][]float64, len(engine.UnitElements))
	snap.Facts.Num[e] = []float64{70, 80}
	old := &engine.Snapshot{Period: 2023}
	ds := &engine.Dataset{Units: []engine.Unit{{Code: "A"}, {Code: "B"}}, Periods: map[int]*engine.Snapshot{2024: snap, 2023: old}}
	got := withFacts(ds, 1, 2024, map[string]float64{"satisfaction": 91.5, "kg_satisfaction": 88})
	if v := got.Periods[2024].Facts.Value(e, 1); v != 91.5 {
		t.Errorf("B's satisfaction %g, want the survey's 91.5", v)
	}
	if v := got.Periods[2024].Facts.Value(e, 0); v != 70 {
		t.Errorf("A's satisfaction %g, want 70 unchanged", v)
	}
	kg := engine.UnitElementIndex("kg_satisfaction")
	if v := got.Periods[2024].Facts.Value(kg, 0); !math.IsNaN(v) || got.Periods[2024].Facts.Value(kg, 1) != 88 {
		t.Errorf("kg_satisfaction of A %g (want NaN), of B %g (want 88)", v, got.Periods[2024].Facts.Value(kg, 1))
	}
	if snap.Facts.Num[e][1] != 80 || snap.Facts.Num[kg] != nil || got.Periods[2023] != old {
		t.Error("the shared dataset was changed")
	}
}

// TestFreezeSurvey: a snapshot keeps the survey's figure among the unit's facts of
// the period, replacing the typed-in one, and adds a fact record when there is none.
func TestFreezeSurvey(t *testing.T) {
	s := &Service{Surveys: fixedSurvey{map[string]float64{"satisfaction": 86.4}}}
	u := &ziping.OrgUnit{ID: 7}
	sd := &snapshotData{Facts: []ziping.FactRecord{
		{UnitID: 7, Period: 2023, Values: map[string]float64{"satisfaction": 50}},
		{UnitID: 7, Period: 2024, Values: map[string]float64{"satisfaction": 60, "edu_budget": 1}},
	}}
	if err := s.freezeSurvey(t.Context(), u, "lxzz-county", 2024, sd); err != nil {
		t.Fatal(err)
	}
	if v := sd.Facts[1].Values; v["satisfaction"] != 86.4 || v["edu_budget"] != 1 {
		t.Errorf("2024 facts %v, want the survey's 86.4 and the budget kept", v)
	}
	if sd.Facts[0].Values["satisfaction"] != 50 {
		t.Error("last year's fact changed")
	}
	empty := &snapshotData{}
	if err := s.freezeSurvey(t.Context(), u, "lxzz-county", 2024, empty); err != nil {
		t.Fatal(err)
	}
	if len(empty.Facts) != 1 || empty.Facts[0].Values["satisfaction"] != 86.4 || empty.Facts[0].Period != 2024 {
		t.Errorf("facts %+v, want one record with the survey's figure", empty.Facts)
	}
	if err := (&Service{}).freezeSurvey(t.Context(), u, "lxzz-county", 2024, empty); err != nil {
		t.Errorf("without Surveys: %v", err)
	}
}
