package web

import (
	"slices"
	"strconv"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// areaIndexRow is an area in the assessment page's index: how far the unit has got.
type areaIndexRow struct {
	Code, Name, Anchor string
	Scored, Total      int // points with a self result, of all
	ToConfirm          int // scores and evidence copied from last year, waiting
	Uncomputable       int // points the data cannot compute, not yet scored by hand
	Blocking           int // other readiness items of its points that stop the submission
}

// Done reports whether the area needs nothing more.
func (r areaIndexRow) Done() bool {
	return r.Scored == r.Total && r.ToConfirm == 0 && r.Uncomputable == 0 && r.Blocking == 0
}

// readinessGroup is the readiness items of one area (or of the assessment as a
// whole), blocking or not.
type readinessGroup struct {
	Name     string
	Blocking bool
	Rows     []readinessRow
}

func areaAnchor(i int) string { return "area-" + strconv.Itoa(i+1) }

// fillWork adds what helps the work on the page: the area index with progress, the
// readiness items grouped, the bulk confirmation of last year's items, withdraw and
// unpublish.
func (s *Server) fillWork(p *assessmentPage, a *ziping.Actor, v *assess.AssessmentView, perm assessmentPerms) {
	as, u, fw := v.Assessment, v.Unit, v.Program.FW
	blockingOf := map[string]int{}
	for _, it := range p.Readiness {
		if it.Blocking && it.Point != "" && it.Kind != "to_confirm" { // counted as 待确认
			blockingOf[it.Point]++
		}
	}
	count := func(row *areaIndexRow, ap *aPoint) {
		row.Total++
		if !ap.Pending && !ap.Uncomputable {
			row.Scored++
		}
		if ap.Uncomputable {
			row.Uncomputable++
		}
		if ap.ToConfirm {
			row.ToConfirm++
		}
		for _, e := range ap.Evidence {
			if e.ToConfirm {
				row.ToConfirm++
			}
		}
		row.Blocking += blockingOf[ap.Code]
	}
	for _, ar := range p.Areas {
		row := areaIndexRow{Code: ar.Code, Name: ar.Name, Anchor: ar.Anchor}
		for _, ap := range ar.Points {
			count(&row, ap)
		}
		p.Index = append(p.Index, row)
	}
	if len(p.Bonus) > 0 {
		row := areaIndexRow{Name: "加分项", Anchor: "area-bonus"}
		for _, ap := range p.Bonus {
			count(&row, ap)
		}
		p.Index = append(p.Index, row)
	}
	if len(p.Vetoes) > 0 {
		row := areaIndexRow{Name: "否决及降等情形", Anchor: "area-veto"}
		for _, ap := range p.Vetoes {
			row.Total++
			if ap.State != "待认定" {
				row.Scored++
			}
			if ap.ToConfirm {
				row.ToConfirm++
			}
			row.Blocking += blockingOf[ap.Code]
		}
		p.Index = append(p.Index, row)
	}
	p.ReadinessGroups = groupReadiness(p.Readiness, fw)
	if perm.edit {
		p.Carried = newCarriedView(s.svc.Assess.Carried(v), fw)
	}
	p.CanWithdraw = assess.MayWithdraw(a, as, u, assess.ReviewStarted(v)) == nil
	p.CanUnpublish = as.Status == ziping.StatusPublished && a.CanReview(u) && (a.User == nil || as.SubmittedBy != a.User.ID)
}

// groupReadiness sorts the readiness items, blocking first, then in framework order,
// and groups them by area; items about the assessment as a whole come first in
// their group ("整体"), a point's items in the order of their kinds as the home page
// lists them (assess.ReadinessKindRank).
func groupReadiness(rows []readinessRow, fw *engine.Framework) []readinessGroup {
	if len(rows) == 0 {
		return nil
	}
	order, area := assess.CodeOrder(fw), areaNamer(fw)
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(x, y readinessRow) int {
		if x.Blocking != y.Blocking {
			if x.Blocking {
				return -1
			}
			return 1
		}
		ox, oy := -1, -1
		if x.Point != "" {
			ox = order(x.Point)
		}
		if y.Point != "" {
			oy = order(y.Point)
		}
		if ox != oy {
			return ox - oy
		}
		return assess.ReadinessKindRank(x.Kind) - assess.ReadinessKindRank(y.Kind)
	})
	var out []readinessGroup
	for _, r := range sorted {
		name := "整体"
		if r.Point != "" {
			_, name = area(r.Point)
		}
		if n := len(out); n > 0 && out[n-1].Name == name && out[n-1].Blocking == r.Blocking {
			out[n-1].Rows = append(out[n-1].Rows, r)
			continue
		}
		out = append(out, readinessGroup{Name: name, Blocking: r.Blocking, Rows: []readinessRow{r}})
	}
	return out
}
