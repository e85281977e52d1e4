package assess

import (
	"context"
	"math"

	"ziping"
	"ziping/engine"
)

// Surveys gives what a county's own satisfaction survey (社会认可度) measured, so
// that the survey's figure, not a number typed into the county's facts, feeds the
// measurement point. Package survey provides it; it is an interface so that the
// survey, which builds on assessments, can be asked by them without a cycle
// (cmd/ziping sets Service.Surveys).
type Surveys interface {
	// SurveyFacts returns the unit facts the county's survey of a framework and
	// period measured (satisfaction, kg_satisfaction), nil when it has no answers.
	SurveyFacts(ctx context.Context, unit *ziping.OrgUnit, framework string, period int) (*SurveyFacts, error)
}

// SurveyFacts are facts measured by a survey, and a key that changes whenever they
// may (cached results are keyed by it).
type SurveyFacts struct {
	Values map[string]float64
	Key    string
}

// surveyFacts asks Surveys, when set, for the unit's measured facts.
func (s *Service) surveyFacts(ctx context.Context, u *ziping.OrgUnit, framework string, period int) (*SurveyFacts, error) {
	if s.Surveys == nil {
		return nil, nil
	}
	sf, err := s.Surveys.SurveyFacts(ctx, u, framework, period)
	if err != nil || sf == nil || len(sf.Values) == 0 {
		return nil, err
	}
	return sf, nil
}

// withFacts is ds with unit idx's facts of period replaced by values. The dataset
// is shared (cached by data version), so only the changed columns are copied.
func withFacts(ds *engine.Dataset, idx, period int, values map[string]float64) *engine.Dataset {
	snap := ds.Periods[period]
	if snap == nil || idx < 0 {
		return ds
	}
	n := len(ds.Units)
	facts := make([][]float64, len(engine.UnitElements))
	copy(facts, snap.Facts.Num)
	for id, v := range values {
		e := engine.UnitElementIndex(id)
		if e < 0 {
			continue
		}
		col := make([]float64, n)
		if facts[e] != nil {
			copy(col, facts[e])
		} else {
			for i := range col {
				col[i] = math.NaN()
			}
		}
		col[idx] = v
		facts[e] = col
	}
	cp := *snap
	cp.Facts.Num = facts
	periods := make(map[int]*engine.Snapshot, len(ds.Periods))
	for p, sn := range ds.Periods {
		periods[p] = sn
	}
	periods[period] = &cp
	return &engine.Dataset{Units: ds.Units, Periods: periods}
}

// freezeSurvey writes the survey's facts into the facts a snapshot keeps, so that
// a submitted assessment keeps the figure it was submitted with.
func (s *Service) freezeSurvey(ctx context.Context, u *ziping.OrgUnit, framework string, period int, sd *snapshotData) error {
	sf, err := s.surveyFacts(ctx, u, framework, period)
	if err != nil || sf == nil {
		return err
	}
	for i := range sd.Facts {
		if sd.Facts[i].UnitID == u.ID && sd.Facts[i].Period == period {
			vals := make(map[string]float64, len(sd.Facts[i].Values)+len(sf.Values))
			for k, v := range sd.Facts[i].Values {
				vals[k] = v
			}
			for k, v := range sf.Values {
				vals[k] = v
			}
			sd.Facts[i].Values = vals
			return nil
		}
	}
	sd.Facts = append(sd.Facts, ziping.FactRecord{UnitID: u.ID, Period: period, Values: sf.Values})
	return nil
}
