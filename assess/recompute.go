package assess

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"ziping"
	"ziping/engine"
)

// RecomputeAssessments brings the summaries of the assessments still open to the
// unit (draft or returned) of period in root's subtree (nil: everywhere) up to date
// with the data. Frozen assessments keep their snapshots. It evaluates the subtree's
// counties from one load and writes all summaries in one transaction, and returns
// how many it updated.
func (s *Service) RecomputeAssessments(ctx context.Context, root *ziping.OrgUnit, period int) (int, error) {
	path := ""
	if root != nil {
		path = root.Path
	}
	return s.recompute(ctx, []ziping.AssessmentQuery{{UnitPath: path, Period: period}}, func() (*engine.Dataset, []ziping.OrgUnit, error) {
		return s.loadDatasetFor(ctx, root, period)
	})
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
	return s.recompute(ctx, qs, func() (*engine.Dataset, []ziping.OrgUnit, error) {
		return s.Data.LoadCounties(ctx, counties, period)
	})
}

// recompute updates the summaries of the open assessments qs select, loading the
// counties' data with load only when there are any. Each assessment is read again
// inside the transaction, so that one that moved on meanwhile (a score saved,
// submitted) is left to the write that moved it. A county's, school's or
// kindergarten's assessment is evaluated on the loaded data; a city's, whose other
// counties may not be loaded, on its own.
func (s *Service) recompute(ctx context.Context, qs []ziping.AssessmentQuery, load func() (*engine.Dataset, []ziping.OrgUnit, error)) (int, error) {
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
	ds, counties, err := load()
	if err != nil {
		return 0, err
	}
	loaded := make(map[int64]bool, len(counties))
	for i := range counties {
		loaded[counties[i].ID] = true
	}
	n := 0
	err = s.Store.Tx(ctx, func(tx ziping.Store) error {
		n = 0
		for i := range list {
			as, err := tx.Assessment(ctx, list[i].ID)
			if err != nil {
				return err
			}
			if !as.SelfEditable() {
				continue // frozen since
			}
			u, on, err := recomputeUnit(ctx, tx, as, loaded, ds)
			if err != nil {
				return err
			}
			if u == nil {
				continue // a school moved to a county not loaded: that county's job recomputes it
			}
			v, err := s.viewOn(ctx, tx, as, u, on)
			if err != nil {
				return err
			}
			if err := s.writeSummary(ctx, tx, as, s.summarize(v)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// loadDatasetFor loads root's counties (every county when root is nil).
func (s *Service) loadDatasetFor(ctx context.Context, root *ziping.OrgUnit, period int) (*engine.Dataset, []ziping.OrgUnit, error) {
	if root == nil {
		counties, err := s.Store.Subtree(ctx, nil, ziping.LevelCounty)
		if err != nil {
			return nil, nil, err
		}
		return s.Data.LoadCounties(ctx, counties, period)
	}
	return s.Data.LoadDataset(ctx, ziping.System, root, period)
}

// recomputeUnit is the unit of an assessment being recomputed and the data to
// evaluate it on: the loaded counties' ds when its rows are theirs, nil (its own)
// for a city. The unit is nil when its rows are not among the loaded counties.
func recomputeUnit(ctx context.Context, tx ziping.Store, as *ziping.Assessment, loaded map[int64]bool, ds *engine.Dataset) (*ziping.OrgUnit, *engine.Dataset, error) {
	u, err := tx.Unit(ctx, as.UnitID)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case u.Level == ziping.LevelCity || u.Level == ziping.LevelProvince:
		return u, nil, nil
	case loaded[u.ID] || (u.Level == ziping.LevelSchool && loaded[u.ParentID]):
		return u, ds, nil
	}
	return nil, nil, nil
}
