package assess

import (
	"context"

	"ziping"
	"ziping/engine"
)

// DataGapReport is what data a period lacks in a subtree, as the readiness check
// sees it: the counties with no school rows of the period (「尚未导入…学校数据」) and
// the open assessments' points the data cannot compute (「无法计算」) that block
// their submission. Frozen assessments are left out: their results are their
// snapshots', which no import changes. The lists hold the first few; the counts
// hold all.
type DataGapReport struct {
	Counties int              // counties in the subtree
	NoData   []ziping.OrgUnit // counties without school rows of the period
	NoDataN  int              //
	Points   []DataGapPoint   // points that cannot be computed
	PointsN  int              //
	Assessed int              // assessments of the period with such points
	Checked  int              // open assessments looked at
	Skipped  int              // open assessments beyond MaxGapAssessments, not looked at
}

// DataGapPoint is a point of an assessment the data cannot compute, and why.
type DataGapPoint struct {
	AssessmentID int64
	Unit         ziping.OrgUnit
	Framework    string
	Point, Why   string
}

// MaxGapAssessments bounds how many open assessments DataGaps looks at.
const MaxGapAssessments = 400

// DataGaps reports the data gaps of period in root's subtree for an actor who may
// see it, listing at most limit of each kind. It reads what the readiness check
// reads: the loaded data of the counties (cached) and each assessment's result
// (cached by data version), so it computes nothing anew.
func (s *Service) DataGaps(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, period, limit int) (*DataGapReport, error) {
	ds, counties, err := s.Data.LoadDataset(ctx, a, root, period)
	if err != nil {
		return nil, err
	}
	r := &DataGapReport{Counties: len(counties)}
	loaded := make(map[int64]bool, len(counties))
	for _, c := range counties {
		loaded[c.ID] = true
		if !hasSchools(ds, ds.UnitIndex(c.Code), period) {
			r.NoDataN++
			if len(r.NoData) < limit {
				r.NoData = append(r.NoData, c)
			}
		}
	}
	list, err := s.Store.Assessments(ctx, ziping.AssessmentQuery{UnitPath: root.Path, Period: period})
	if err != nil {
		return nil, err
	}
	units := map[int64]*ziping.OrgUnit{}
	for _, as := range list {
		if as.Frozen() {
			continue // its results are its snapshot's: new data would not change them
		}
		if r.Checked == MaxGapAssessments {
			r.Skipped++
			continue
		}
		u := units[as.UnitID]
		if u == nil {
			if u, err = s.Store.Unit(ctx, as.UnitID); err != nil {
				return nil, err
			}
			units[as.UnitID] = u
		}
		if !a.CanSeeAssessment(u, &as) {
			continue
		}
		r.Checked++
		// Evaluated on the data already loaded (as the recompute does), not each
		// county's read again.
		var on *engine.Dataset
		if loaded[u.ID] || (u.Level == ziping.LevelSchool && loaded[u.ParentID]) {
			on = ds
		}
		v, err := s.viewOn(ctx, s.Store, &as, u, on)
		if err != nil {
			return nil, err
		}
		codes := gapCodes(v)
		if len(codes) == 0 {
			continue
		}
		r.Assessed++
		for _, code := range codes {
			r.PointsN++
			if len(r.Points) < limit {
				r.Points = append(r.Points, DataGapPoint{AssessmentID: as.ID, Unit: *u, Framework: as.Framework, Point: code, Why: v.Gaps[code]})
			}
		}
	}
	return r, nil
}

// gapCodes are the codes of v's points the data cannot compute and nobody scored
// by hand, in framework order: the ones the readiness check blocks on.
func gapCodes(v *AssessmentView) []string {
	var out []string
	for _, pr := range append(allPoints(v.Self), v.Self.Bonus...) {
		if pr.Status == engine.StatusUncomputable {
			out = append(out, pr.Code)
		}
	}
	return out
}
