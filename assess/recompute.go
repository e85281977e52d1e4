package assess

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"ziping"
	"ziping/engine"
)

// RecomputeAssessments brings the summaries of the assessments still open to the
// unit (draft or returned) of period in root's subtree (nil: everywhere) up to date
// with the data. Frozen assessments keep their snapshots. It evaluates them on one
// load of the subtree's counties that have open assessments, and returns how many it
// updated.
func (s *Service) RecomputeAssessments(ctx context.Context, root *ziping.OrgUnit, period int) (int, error) {
	path := ""
	if root != nil {
		path = root.Path
	}
	return s.recompute(ctx, []ziping.AssessmentQuery{{UnitPath: path, Period: period}}, func(need map[int64]bool) (*engine.Dataset, []ziping.OrgUnit, error) {
		counties, err := s.Store.Subtree(ctx, root, ziping.LevelCounty)
		if err != nil {
			return nil, nil, err
		}
		return s.Data.LoadCounties(ctx, needed(counties, need), period)
	})
}

// needed keeps the counties whose ids need holds.
func needed(counties []ziping.OrgUnit, need map[int64]bool) []ziping.OrgUnit {
	return slices.DeleteFunc(slices.Clone(counties), func(c ziping.OrgUnit) bool { return !need[c.ID] })
}

// RecomputeJob runs a JobRecompute: package dataset's job runner calls it
// (cmd/ziping hands it over with HandleJob).
func (s *Service) RecomputeJob(ctx context.Context, payload string) error {
	var p ziping.RecomputePayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	var counties []ziping.OrgUnit
	for _, id := range p.Counties {
		u, err := s.Store.Unit(ctx, id)
		if ziping.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		counties = append(counties, *u)
	}
	periods := slices.Clone(p.Periods)
	slices.Sort(periods)
	for _, per := range slices.Compact(periods) {
		if _, err := s.recomputeCounties(ctx, counties, per); err != nil {
			return err
		}
	}
	return nil
}

// recomputeCounties is RecomputeAssessments for the given counties only: an import
// of one county reads that county again, not the province.
func (s *Service) recomputeCounties(ctx context.Context, counties []ziping.OrgUnit, period int) (int, error) {
	if len(counties) == 0 {
		return 0, nil
	}
	// The counties' own assessments, their schools' and kindergartens' (under their
	// paths), and their cities' (whose data they are part of).
	qs := make([]ziping.AssessmentQuery, 0, len(counties)+1)
	var parents []int64
	for _, c := range counties {
		qs = append(qs, ziping.AssessmentQuery{UnitPath: c.Path, Period: period})
		if c.ParentID != 0 && !slices.Contains(parents, c.ParentID) {
			parents = append(parents, c.ParentID)
		}
	}
	if len(parents) > 0 {
		qs = append(qs, ziping.AssessmentQuery{UnitIDs: parents, Period: period})
	}
	return s.recompute(ctx, qs, func(need map[int64]bool) (*engine.Dataset, []ziping.OrgUnit, error) {
		return s.Data.LoadCounties(ctx, needed(counties, need), period)
	})
}

// recompute updates the summaries of the open assessments qs select, loading with
// load the data of only the counties they are evaluated on (a county's own, a
// school's county; a city's is evaluated on its own). It works recomputeChunk
// assessments at a time, giving way between groups (ziping.Paced): each is read and
// evaluated outside any transaction, and its summary written in a short one only if
// the assessment has not moved on meanwhile (its version); one that moved on (a
// score saved, a submission) is read and evaluated again, and one no longer open is
// left as it is. No transaction holds the writer for the evaluations (issue 9).
func (s *Service) recompute(ctx context.Context, qs []ziping.AssessmentQuery, load func(need map[int64]bool) (*engine.Dataset, []ziping.OrgUnit, error)) (int, error) {
	var list []ziping.Assessment
	for _, q := range qs {
		q.Statuses = []string{ziping.StatusDraft, ziping.StatusReturned}
		l, err := s.Store.Assessments(ctx, q)
		if err != nil {
			return 0, err
		}
		list = append(list, l...)
	}
	if len(list) == 0 {
		return 0, nil
	}
	units, err := s.unitsOf(ctx, list)
	if err != nil {
		return 0, err
	}
	var ds *engine.Dataset
	loaded := map[int64]bool{}
	if need := countiesNeeded(units); len(need) > 0 {
		var counties []ziping.OrgUnit
		if ds, counties, err = load(need); err != nil {
			return 0, err
		}
		for i := range counties {
			loaded[counties[i].ID] = true
		}
	}
	n := 0
	for lo := 0; lo < len(list); lo += recomputeChunk {
		start := time.Now()
		todo := list[lo:min(lo+recomputeChunk, len(list))]
		for attempt := 0; len(todo) > 0; attempt++ {
			if attempt == maxRecomputeAttempts {
				return n, ziping.Errorf(ziping.Conflict, "评估一直在变，汇总暂未更新，稍后自动重试")
			}
			sums, err := s.summaries(ctx, todo, units, loaded, ds)
			if err != nil {
				return n, err
			}
			var moved []ziping.Assessment
			err = s.Store.Tx(ctx, func(tx ziping.Store) error {
				moved = moved[:0]
				for _, p := range sums {
					err := s.writeSummary(ctx, tx, p.as, p.sm)
					if ziping.ErrorKind(err) == ziping.Conflict {
						moved = append(moved, *p.as)
						continue
					}
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return n, err
			}
			n += len(sums) - len(moved)
			todo = moved
		}
		ziping.Paced(ctx, start)
	}
	return n, nil
}

// recomputeChunk is how many assessments recompute evaluates between two pauses and
// writes in one transaction (a variable for the tests); maxRecomputeAttempts how
// often it evaluates again the ones that moved on meanwhile before it leaves them
// to a retry of the job.
var recomputeChunk = 8

const maxRecomputeAttempts = 5

// pendingSummary is an assessment, as read, with its summary recomputed.
type pendingSummary struct {
	as *ziping.Assessment
	sm *Summary
}

// summaries reads each assessment again and evaluates the open ones on the loaded
// data (or a city's on its own), outside any transaction.
func (s *Service) summaries(ctx context.Context, list []ziping.Assessment, units map[int64]*ziping.OrgUnit, loaded map[int64]bool, ds *engine.Dataset) ([]pendingSummary, error) {
	var out []pendingSummary
	for i := range list {
		as, err := s.Store.Assessment(ctx, list[i].ID)
		if ziping.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !as.SelfEditable() {
			continue // frozen since
		}
		u, on := recomputeUnit(units[as.UnitID], loaded, ds)
		if u == nil {
			continue // a school moved to a county not loaded: that county's job recomputes it
		}
		v, err := s.viewOn(ctx, s.Store, as, u, on)
		if err != nil {
			return nil, err
		}
		out = append(out, pendingSummary{as, s.summarize(v)})
	}
	return out, nil
}

// unitsOf reads the unit of each assessment, once.
func (s *Service) unitsOf(ctx context.Context, list []ziping.Assessment) (map[int64]*ziping.OrgUnit, error) {
	units := make(map[int64]*ziping.OrgUnit, len(list))
	for i := range list {
		id := list[i].UnitID
		if units[id] != nil {
			continue
		}
		u, err := s.Store.Unit(ctx, id)
		if err != nil {
			return nil, err
		}
		units[id] = u
	}
	return units, nil
}

// countiesNeeded are the counties whose data assessments of these units are
// evaluated on: a county's own, a school's (or kindergarten's) county; none for a
// city or the province, evaluated on their own.
func countiesNeeded(units map[int64]*ziping.OrgUnit) map[int64]bool {
	need := map[int64]bool{}
	for _, u := range units {
		switch u.Level {
		case ziping.LevelCity, ziping.LevelProvince:
		case ziping.LevelSchool:
			need[u.ParentID] = true
		default:
			need[u.ID] = true
		}
	}
	return need
}

// recomputeUnit is the unit of an assessment being recomputed and the data to
// evaluate it on: the loaded counties' ds when its rows are theirs, nil (its own)
// for a city. The unit is nil when its rows are not among the loaded counties.
func recomputeUnit(u *ziping.OrgUnit, loaded map[int64]bool, ds *engine.Dataset) (*ziping.OrgUnit, *engine.Dataset) {
	switch {
	case u == nil:
		return nil, nil
	case u.Level == ziping.LevelCity || u.Level == ziping.LevelProvince:
		return u, nil
	case loaded[u.ID] || (u.Level == ziping.LevelSchool && loaded[u.ParentID]):
		return u, ds
	}
	return nil, nil
}
