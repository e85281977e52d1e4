package web

import (
	"net/http"
	"net/url"
	"strconv"

	"ziping"
	"ziping/engine"
)

// schoolRankingPage ranks the schools of a county (or of a city or province) against
// a framework that assesses schools or kindergartens (学校办学质量): the schools the
// framework assesses in the year's data and every school with an assessment, ranked
// by the result that counts, then those that have not started.
type schoolRankingPage struct {
	Page
	Unit      unitView
	Picker    picker
	Period    int
	FW        fwHead
	Noun      string // 学校 or 幼儿园
	Table     rankingTable
	Units     int
	Ranked    int
	Published bool // only published results are shown (viewers)
	// The page of the table shown: a county of thousands of schools is not sent
	// whole (35,000 schools made a 15 MB page).
	PageNo, Pages, From, To int
	PrevURL, NextURL        string
}

// schoolRankingPageSize is how many schools a page of the school ranking shows.
const schoolRankingPageSize = 100

// schoolFrameworks are the built-in frameworks whose units are schools or
// kindergartens, in id order.
func (s *Server) schoolFrameworks() []string {
	var out []string
	for _, id := range s.fwIDs {
		if !countyFramework(s.programs[id].FW) && s.programs[id].FW.Level != engine.LevelCity {
			out = append(out, id)
		}
	}
	return out
}

// schoolSelection is the period and framework of a school ranking: the request's,
// else the latest period with data and the first school framework.
func (s *Server) schoolSelection(r *http.Request) (*selection, error) {
	periods, err := s.svc.Store.Periods(r.Context())
	if err != nil {
		return nil, err
	}
	ids := s.schoolFrameworks()
	if len(ids) == 0 {
		return nil, ziping.Errorf(ziping.NotFound, "没有评价学校的评价体系")
	}
	sel := &selection{Periods: periods, FW: ids[0]}
	if q := r.URL.Query().Get("period"); q != "" {
		if sel.Period, err = strconv.Atoi(q); err != nil || sel.Period < 1900 || sel.Period > 2200 {
			return nil, ziping.Errorf(ziping.Invalid, "年度参数无效")
		}
	} else if len(periods) > 0 {
		sel.Period = periods[len(periods)-1]
	}
	if q := r.URL.Query().Get("fw"); q != "" {
		sel.FW = q
	}
	if sel.prog = s.programs[sel.FW]; sel.prog == nil {
		return nil, ziping.Errorf(ziping.NotFound, "没有评价体系「%s」", sel.FW)
	}
	if countyFramework(sel.prog.FW) || sel.prog.FW.Level == engine.LevelCity {
		return nil, ziping.Errorf(ziping.Invalid, "%s评价的是%s，学校排名只用于评价学校或幼儿园的评价体系", sel.prog.FW.Name, levelName(sel.prog.FW.Level))
	}
	return sel, nil
}

func (s *Server) schoolRankingPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.visibleUnit(r)
	if err != nil {
		return err
	}
	if u.Level == ziping.LevelSchool {
		return ziping.Errorf(ziping.NotFound, "学校排名只适用于区县及以上单位，「%s」是学校", u.Name)
	}
	sel, err := s.schoolSelection(r)
	if err != nil {
		return err
	}
	rk, err := s.svc.Assess.Ranking(r.Context(), info(r).actor, u, sel.FW, sel.Period, false)
	if err != nil {
		return err
	}
	fw := rk.Program.FW
	p := &schoolRankingPage{Unit: newUnitView(u), Period: sel.Period, Noun: engine.UnitNoun(fw.Level),
		FW:     fwHead{ID: fw.ID, Name: fw.Name, Version: fw.Version, URL: "/frameworks/" + url.PathEscape(fw.ID), Verdict: fw.IsVerdict()},
		Ranked: rk.Ranked, Units: len(rk.Rows), Published: rk.OnlyPublished}
	p.Picker = picker{Action: unitURL(u.Code) + "/school-ranking", Periods: s.periodOptions(sel), FW: sel.FW}
	for _, id := range s.schoolFrameworks() {
		p.Picker.Frameworks = append(p.Picker.Frameworks, option{Value: id, Label: s.programs[id].FW.Name, Selected: id == sel.FW})
	}
	p.Table = newRankingTable("school-ranking-table", "该单位下没有参加本评价的"+p.Noun+"。", rk)
	p.Table.UnitHead = p.Noun
	if err := p.paginate(r, u, sel); err != nil {
		return err
	}
	if err := s.fillUnitPage(r, &p.Page, u, p.Noun+"排名"); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "ranking_schools", p)
}

// paginate keeps the table's rows of the page the request asks for (?page=N, from 1;
// past the last page, the last).
func (p *schoolRankingPage) paginate(r *http.Request, u *ziping.OrgUnit, sel *selection) error {
	page := 1
	if q := r.URL.Query().Get("page"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 {
			return ziping.Errorf(ziping.Invalid, "页码参数无效")
		}
		page = n
	}
	rows := p.Table.Rows
	p.Pages = max(1, (len(rows)+schoolRankingPageSize-1)/schoolRankingPageSize)
	p.PageNo = min(page, p.Pages)
	from := (p.PageNo - 1) * schoolRankingPageSize
	to := min(len(rows), from+schoolRankingPageSize)
	if to > from {
		p.From, p.To = from+1, to
	}
	link := func(n int) string {
		v := url.Values{"fw": {sel.FW}, "period": {strconv.Itoa(sel.Period)}, "page": {strconv.Itoa(n)}}
		return unitURL(u.Code) + "/school-ranking?" + v.Encode()
	}
	if p.PageNo > 1 {
		p.PrevURL = link(p.PageNo - 1)
	}
	if p.PageNo < p.Pages {
		p.NextURL = link(p.PageNo + 1)
	}
	p.Table.Rows = rows[from:to]
	return nil
}
