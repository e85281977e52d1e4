package assess

import (
	"context"
	"strings"

	"ziping"
)

// generateProblems turns every point that lost marks in the accepted result, and
// every triggered veto, into a problem; a problem of last period on the same point
// that is not verified yet is linked as the one this continues.
func (s *Service) generateProblems(ctx context.Context, tx Store, a *ziping.Actor, v *AssessmentView) (int, error) {
	as, fin := v.Assessment, v.Final()
	have, err := tx.Problems(ctx, ziping.ProblemQuery{AssessmentID: as.ID})
	if err != nil {
		return 0, err
	}
	exists := map[string]bool{}
	for _, p := range have {
		if p.Source == ziping.SourceDeduction {
			exists[p.Point] = true
		}
	}
	carried := map[string]int64{}
	for _, p := range v.LastProblems {
		if p.Point != "" {
			carried[p.Point] = p.ID
		}
	}
	var list []*ziping.Problem
	for _, pr := range allPoints(fin) {
		if _, gap := v.Gaps[pr.Code]; pr.Lost <= 1e-9 || exists[pr.Code] || gap {
			continue // missing data is not a problem to rectify
		}
		desc := strings.Join(pr.Reasons, "；")
		if desc == "" {
			desc = pr.Title + "失" + num2(pr.Lost) + "分"
		}
		list = append(list, &ziping.Problem{Point: pr.Code, Description: desc, CarriedFrom: carried[pr.Code]})
	}
	for _, vr := range fin.Vetoes {
		if vr.Triggered && !exists[vr.Code] {
			list = append(list, &ziping.Problem{Point: vr.Code, Description: "否决项：" + vr.Reason, CarriedFrom: carried[vr.Code]})
		}
	}
	for _, p := range list {
		p.AssessmentID, p.UnitID, p.Framework, p.Period = as.ID, as.UnitID, as.Framework, as.Period
		p.Source, p.Status, p.CreatedBy, p.CreatedAt, p.UpdatedAt = ziping.SourceDeduction, ziping.ProblemOpen, a.UserID(), s.now(), s.now()
		if err := tx.CreateProblem(ctx, p); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
