package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"ziping"
	"ziping/engine"
)

// home sends a user to the unit of its scope, an admin to the first root unit.
type emptyPage struct {
	Page
	Message string
}

// firstRoot is the first unit without a parent, looking at the top levels only (a
// tree is rooted at a province, or a city or county in a smaller installation).
func (s *Server) firstRoot(ctx context.Context) (*ziping.OrgUnit, error) {
	for _, level := range []string{ziping.LevelProvince, ziping.LevelCity, ziping.LevelCounty} {
		us, err := s.svc.Store.Subtree(ctx, nil, level)
		if err != nil {
			return nil, err
		}
		for i := range us {
			if us[i].ParentID == 0 {
				return &us[i], nil
			}
		}
	}
	return nil, ziping.Errorf(ziping.NotFound, "没有单位")
}

// unitPage shows a unit: a province's cities, a city's counties, a county's data,
// indicators and schools, or a school's data.
func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.visibleUnit(r)
	if err != nil {
		return err
	}
	switch u.Level {
	case ziping.LevelCounty:
		return s.countyPage(w, r, u)
	case ziping.LevelSchool:
		return s.schoolPage(w, r, u)
	}
	return s.areaPage(w, r, u)
}

// areaPage is a province's or a city's page: the units below it.
type areaPage struct {
	Page
	Unit       unitView
	Children   []childRow
	RankingURL string
	LedgerURL  string
	NoticeURL  string
	// SchoolRankingURL ranks the schools of the subtree (学校办学质量 and the like).
	SchoolRankingURL string
}

type childRow struct {
	unitView
	Count    string // "12个区县", "48所学校"
	ScoreURL string // counties: their score sheet
}

func (s *Server) areaPage(w http.ResponseWriter, r *http.Request, u *ziping.OrgUnit) error {
	levels := []string{ziping.LevelCounty, ziping.LevelSchool}
	if u.Level == ziping.LevelProvince {
		levels = []string{ziping.LevelCity, ziping.LevelCounty}
	}
	below, err := s.svc.Store.Subtree(r.Context(), u, levels...)
	if err != nil {
		return err
	}
	p := &areaPage{Unit: newUnitView(u), RankingURL: unitURL(u.Code) + "/ranking", LedgerURL: unitURL(u.Code) + "/problems",
		SchoolRankingURL: unitURL(u.Code) + "/school-ranking",
		NoticeURL:        "/notice/" + url.PathEscape(u.Code)}
	counts := map[int64]int{}
	for _, v := range below {
		counts[v.ParentID]++
	}
	for i := range below {
		c := &below[i]
		if c.ParentID != u.ID {
			continue
		}
		row := childRow{unitView: newUnitView(c), Count: fmt.Sprintf("%d个区县", counts[c.ID])}
		if c.Level == ziping.LevelCounty {
			row.Count = fmt.Sprintf("%d所学校", counts[c.ID])
			row.ScoreURL = unitURL(c.Code) + "/score"
		}
		p.Children = append(p.Children, row)
	}
	if err := s.fillUnitPage(r, &p.Page, u, ""); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "area", p)
}

// fillUnitPage sets the title and the breadcrumb of a unit's page (and a last crumb
// for a page below the unit's own).
func (s *Server) fillUnitPage(r *http.Request, p *Page, u *ziping.OrgUnit, sub string) error {
	crumbs, err := s.crumbs(r.Context(), info(r).actor, u)
	if err != nil {
		return err
	}
	p.Title, p.Crumbs, p.Nav = u.Name, crumbs, "units"
	if sub == "" {
		p.Crumbs[len(p.Crumbs)-1].URL = "" // the page itself
	} else {
		p.Title = u.Name + " " + sub
		p.Crumbs = append(p.Crumbs, crumb{Name: sub})
	}
	return nil
}

// schoolPage is a school's own data for a period, one block per stage.
type schoolPage struct {
	Page
	Unit   unitView
	Picker picker
	Period int
	Stages []schoolStage
	// set when the actor may change the school's data
	ImportURL, EditURL string
	// AssessURL is the school's self-evaluations (自评与复核), when a framework
	// assesses schools.
	AssessURL string
}

type schoolStage struct {
	Stage, Type, Public string
	EditURL             string
	Values              []factRow
}

func (s *Server) schoolPage(w http.ResponseWriter, r *http.Request, u *ziping.OrgUnit) error {
	sel, err := s.selectionOf(r)
	if err != nil {
		return err
	}
	p := &schoolPage{Unit: newUnitView(u), Picker: s.picker(unitURL(u.Code), sel, false), Period: sel.Period}
	if len(s.unitFrameworks(u)) > 0 {
		p.AssessURL = unitURL(u.Code) + "/assessments"
	}
	if a := info(r).actor; a.CanEdit(u) && u.ParentID != 0 {
		if parent, err := s.svc.Store.Unit(r.Context(), u.ParentID); err == nil && sel.Period != 0 {
			p.EditURL = entryURL(parent.Code, u.Code, sel.Period, "")
		}
		p.ImportURL = unitURL(u.Code) + "/import"
	}
	if sel.Period != 0 {
		rows, _, err := s.svc.Store.Schools(r.Context(), ziping.SchoolQuery{UnitIDs: []int64{u.ParentID}, Period: sel.Period, Code: u.Code,
			Sort: "code", NoTotal: true})
		if err != nil {
			return err
		}
		for _, rec := range rows {
			st := schoolStage{Stage: rec.Stage, Type: rec.Type, Public: publicName(rec.Public), Values: elementRows(engine.SchoolElements, rec.Values)}
			if p.EditURL != "" {
				st.EditURL = p.EditURL + "&stage=" + url.QueryEscape(rec.Stage)
			}
			p.Stages = append(p.Stages, st)
		}
	}
	if err := s.fillUnitPage(r, &p.Page, u, ""); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "school", p)
}

func publicName(public bool) string {
	if public {
		return "公办"
	}
	return "民办"
}

// factRow is one element of a unit's or a school's data.
type factRow struct {
	Name, Value string
	Missing     bool
}

// elementRows lists the elements in catalogue order with their values, derived
// elements left out.
func elementRows(els []engine.Element, vals map[string]float64) []factRow {
	out := make([]factRow, 0, len(els))
	for _, el := range els {
		if el.Derived {
			continue
		}
		row := factRow{Name: el.Name}
		if v, ok := vals[el.ID]; ok {
			row.Value = engine.FormatValue(v, el.Unit, nil)
		} else {
			row.Value, row.Missing = "未填报", true
		}
		out = append(out, row)
	}
	return out
}
