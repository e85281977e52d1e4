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
	return s.recompute(ctx, ziping.AssessmentQuery{UnitPath: path, Period: period}, func() (*engine.Dataset, []ziping.OrgUnit, error) {
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
	ids := make([]int64, len(counties))
	for i, c := range counties {
		ids[i] = c.ID
	}
	return s.recompute(ctx, ziping.AssessmentQuery{UnitIDs: ids, Period: period}, func() (*engine.Dataset, []ziping.OrgUnit, error) {
		return s.Data.LoadCounties(ctx, counties, period)
	})
}

// recompute updates the summaries of the open assessments q selects, loading their
// data with load only when there are any. Each assessment is read again inside the
// transaction, so that one that moved on meanwhile (a score saved, submitted) is
// left to the write that moved it.
func (s *Service) recompute(ctx context.Context, q ziping.AssessmentQuery, load func() (*engine.Dataset, []ziping.OrgUnit, error)) (int, error) {
	q.Statuses = []string{ziping.StatusDraft, ziping.StatusReturned}
	list, err := s.Store.Assessments(ctx, q)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	ds, counties, err := load()
	if err != nil {
		return 0, err
	}
	units := make(map[int64]*ziping.OrgUnit, len(counties))
	for i := range counties {
		units[counties[i].ID] = &counties[i]
	}
	n := 0
	err = s.Store.Tx(ctx, func(tx ziping.Store) error {
		n = 0
		for i := range list {
			as, err := tx.Assessment(ctx, list[i].ID)
			if err != nil {
				return err
			}
			u := units[as.UnitID]
			if u == nil || !as.SelfEditable() {
				continue // not a county loaded (moved), or frozen since
			}
			v, err := s.viewOn(ctx, tx, as, u, ds)
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
