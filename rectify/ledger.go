package rectify

import (
	"context"
	"slices"
	"strconv"
	"time"

	"ziping"
)

// LedgerRow is a problem with its unit, for the ledger.
type LedgerRow struct {
	ziping.Problem
	Unit    ziping.OrgUnit
	Overdue bool
}

// Ledger is the rectification ledger (整改台账) of root's subtree: the problems of
// framework fw and period (0: every period), for an actor who may see them. Viewers
// see only the problems of published assessments. Three queries, however many
// units: the problems, their assessments and the units.
func (s *Service) Ledger(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, fw string, period int) ([]LedgerRow, error) {
	if !a.CanSee(root) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权查看该单位")
	}
	list, err := s.Store.Problems(ctx, ziping.ProblemQuery{UnitPath: root.Path, Framework: fw, Period: period})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	units, err := s.assessedUnits(ctx, root, list)
	if err != nil {
		return nil, err
	}
	assessments, err := s.Store.Assessments(ctx, ziping.AssessmentQuery{UnitPath: root.Path, Framework: fw, Period: period})
	if err != nil {
		return nil, err
	}
	visible := make(map[int64]bool, len(assessments))
	for i := range assessments {
		as := &assessments[i]
		if u := units[as.UnitID]; u != nil {
			visible[as.ID] = a.CanSeeAssessment(u, as)
		}
	}
	var out []LedgerRow
	today := s.Now()
	for _, p := range list {
		if u := units[p.UnitID]; u != nil && visible[p.AssessmentID] {
			out = append(out, LedgerRow{Problem: p, Unit: *u, Overdue: p.Overdue(today)})
		}
	}
	return out, nil
}

// assessedUnits returns the units the problems belong to: the cities and counties of
// the subtree (a few hundred at most), and the schools or kindergartens among the
// problems' units looked up one by one, or the subtree's schools when there are many
// of them (a province holds tens of thousands of schools: reading them all for a
// ledger of county problems was most of the ledger page's time).
func (s *Service) assessedUnits(ctx context.Context, root *ziping.OrgUnit, list []ziping.Problem) (map[int64]*ziping.OrgUnit, error) {
	upper, err := s.Store.Subtree(ctx, root, ziping.LevelCity, ziping.LevelCounty)
	if err != nil {
		return nil, err
	}
	units := make(map[int64]*ziping.OrgUnit, len(upper))
	for i := range upper {
		units[upper[i].ID] = &upper[i]
	}
	var missing []int64
	for _, p := range list {
		if units[p.UnitID] == nil && !slices.Contains(missing, p.UnitID) {
			missing = append(missing, p.UnitID)
		}
	}
	if len(missing) > maxUnitLookups {
		schools, err := s.Store.Subtree(ctx, root, ziping.LevelSchool)
		if err != nil {
			return nil, err
		}
		for i := range schools {
			units[schools[i].ID] = &schools[i]
		}
		return units, nil
	}
	for _, id := range missing {
		u, err := s.Store.Unit(ctx, id)
		if ziping.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.Level == ziping.LevelSchool && u.InSubtree(root) {
			units[id] = u
		}
	}
	return units, nil
}

// maxUnitLookups is how many school units the ledger looks up one by one before it
// reads the subtree's schools at once.
const maxUnitLookups = 64

// LedgerSheet is the ledger as a spreadsheet.
func LedgerSheet(title string, rows []LedgerRow) *ziping.Sheet {
	sh := &ziping.Sheet{Name: "整改台账", Title: title,
		Columns: []string{"序号", "单位", "年度", "测评点", "来源", "问题", "整改措施", "责任人", "完成时限", "状态", "是否逾期", "进展说明"}}
	for i, r := range rows {
		deadline := ""
		if !r.Deadline.IsZero() {
			deadline = r.Deadline.Format(time.DateOnly)
		}
		src := map[string]string{ziping.SourceDeduction: "失分", ziping.SourceFinding: "复核发现"}[r.Source]
		overdue := ""
		if r.Overdue {
			overdue = "逾期"
		}
		sh.Rows = append(sh.Rows, []any{i + 1, r.Unit.Name, r.Period, r.Point, src, r.Description, r.Measures, r.Owner,
			deadline, ziping.ProblemStatusNames[r.Status], overdue, r.Note})
	}
	sh.Notes = []string{"共" + strconv.Itoa(len(rows)) + "个问题。"}
	return sh
}
