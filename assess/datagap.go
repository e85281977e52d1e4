package assess

import (
	"context"
	"strconv"

	"ziping"
)

// DataGapNote is the note a problem made from missing data is given when marked.
const DataGapNote = "数据缺失，不属于整改问题："

// MarkDataGaps marks the problems that were made, before missing data blocked the
// acceptance, from points the data could not compute in the accepted result (such
// as 「缺少2022年度数据，无法与上一年度比较」): they become 数据缺失, never overdue,
// not a duty to rectify; each is audited. Problems already verified are left as
// they are. It returns how many were marked; running it again marks none.
func (s *Service) MarkDataGaps(ctx context.Context, a *ziping.Actor) (int, error) {
	list, err := s.Store.Problems(ctx, ziping.ProblemQuery{Statuses: []string{ziping.ProblemOpen, ziping.ProblemInProgress, ziping.ProblemDone}})
	if err != nil {
		return 0, err
	}
	byAssessment := map[int64][]ziping.Problem{}
	var order []int64
	for _, p := range list {
		if p.Source != ziping.SourceDeduction || p.DataGap || p.Point == "" {
			continue
		}
		if _, ok := byAssessment[p.AssessmentID]; !ok {
			order = append(order, p.AssessmentID)
		}
		byAssessment[p.AssessmentID] = append(byAssessment[p.AssessmentID], p)
	}
	n := 0
	for _, id := range order {
		err := s.Store.Tx(ctx, func(tx ziping.Store) error {
			as, err := tx.Assessment(ctx, id)
			if err != nil {
				return err
			}
			if as.Status != ziping.StatusReviewed && as.Status != ziping.StatusPublished {
				return nil
			}
			u, err := tx.Unit(ctx, as.UnitID)
			if err != nil {
				return err
			}
			v, err := s.ViewIn(ctx, tx, as, u)
			if err != nil {
				return err
			}
			for _, p := range byAssessment[id] {
				why, gap := v.Gaps[p.Point]
				if !gap {
					continue
				}
				old := map[string]any{"status": p.Status, "note": p.Note, "data_gap": false}
				p.DataGap, p.Note, p.UpdatedAt = true, DataGapNote+why, s.now()
				if err := tx.UpdateProblem(ctx, &p); err != nil {
					return err
				}
				if err := s.audit(ctx, tx, a, "problem_data_gap", "problem:"+strconv.FormatInt(p.ID, 10), u.ID, old,
					map[string]any{"status": p.Status, "note": p.Note, "data_gap": true}); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
