package rectify

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"ziping"
	"ziping/engine"
)

// LedgerRow is a problem with its unit, for the ledger.
type LedgerRow struct {
	ziping.Problem
	Unit ziping.OrgUnit
	// County is the county the problem's unit is or lies in; zero for a city's own
	// problems.
	County  ziping.OrgUnit
	Overdue bool
}

// StatusOverdue is the ledger's filter for the problems past their deadline, beside
// the problem statuses.
const StatusOverdue = "overdue"

// LedgerFilter narrows a ledger: each field empty lets every row through.
type LedgerFilter struct {
	County string // the county's code
	Point  string // the point's number
	Owner  string // 责任人 as written
	Status string // a problem status, or StatusOverdue
	Query  string // words every one of which the row contains (problem, measures, owner, unit, point, note)
}

// Filter is the rows of the ledger that pass f, in the ledger's order. pointTitle
// names a point for the text search (nil: numbers only). The page and the
// spreadsheet both filter through it, so the export holds what the page shows.
func (f LedgerFilter) Filter(rows []LedgerRow, pointTitle func(string) string) []LedgerRow {
	words := strings.Fields(strings.ToLower(f.Query))
	var out []LedgerRow
	for _, r := range rows {
		switch {
		case f.County != "" && r.County.Code != f.County,
			f.Point != "" && r.Point != f.Point,
			f.Owner != "" && strings.TrimSpace(r.Owner) != f.Owner,
			f.Status == StatusOverdue && !r.Overdue,
			f.Status != "" && f.Status != StatusOverdue && r.Status != f.Status:
			continue
		}
		if len(words) > 0 {
			title := ""
			if pointTitle != nil {
				title = pointTitle(r.Point)
			}
			hay := strings.ToLower(strings.Join([]string{r.Description, r.Measures, r.Owner, r.Unit.Name, r.County.Name, r.Point, title, r.Note}, "\n"))
			if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(hay, w) }) {
				out = append(out, r)
			}
			continue
		}
		out = append(out, r)
	}
	return out
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
			row := LedgerRow{Problem: p, Unit: *u, Overdue: p.Overdue(today)}
			switch {
			case u.Level == ziping.LevelCounty:
				row.County = *u
			case units[u.ParentID] != nil && units[u.ParentID].Level == ziping.LevelCounty:
				row.County = *units[u.ParentID]
			}
			out = append(out, row)
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
		sh.Rows = append(sh.Rows, []any{i + 1, r.Unit.Name, r.Period, engine.PointRef(r.Point), src, r.Description, r.Measures, r.Owner,
			deadline, r.StatusName(), overdue, r.Note})
	}
	sh.Notes = []string{"共" + strconv.Itoa(len(rows)) + "个问题。"}
	return sh
}
