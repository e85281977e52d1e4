package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ziping"
	"ziping/engine"
)

// countyResult is the evaluated county of a score, explain or download request.
func (s *Server) countyResult(r *http.Request) (*ziping.OrgUnit, *selection, *evaluation, error) {
	u, sel, ev, err := s.countyEvaluation(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if ev.res == nil {
		return nil, nil, nil, ziping.Errorf(ziping.NotFound, "「%s」没有%d年度的数据", u.Name, sel.Period)
	}
	return u, sel, ev, nil
}

// countyEvaluation is countyResult that lets a county without data through (its
// assessment may still have a result).
func (s *Server) countyEvaluation(r *http.Request) (*ziping.OrgUnit, *selection, *evaluation, error) {
	u, err := s.visibleUnit(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if u.Level != ziping.LevelCounty {
		return nil, nil, nil, ziping.Errorf(ziping.NotFound, "评分表只适用于区县，「%s」是%s单位", u.Name, levelName(u.Level))
	}
	sel, err := s.workSelection(r, u, false)
	if err != nil {
		return nil, nil, nil, err
	}
	ev, err := s.evaluate(r.Context(), info(r).actor, u, sel)
	if err != nil {
		return nil, nil, nil, err
	}
	return u, sel, ev, nil
}

// scoreResult is the result a score sheet or its download shows: the assessment's
// when there is one the actor may see, else the data's (unitResultOf).
func (s *Server) scoreResult(r *http.Request) (*ziping.OrgUnit, *selection, *unitResult, error) {
	u, sel, ev, err := s.countyEvaluation(r)
	if err != nil {
		return nil, nil, nil, err
	}
	ur, err := s.unitResultOf(r.Context(), info(r).actor, u, sel, ev)
	if err != nil {
		return nil, nil, nil, err
	}
	if ur == nil {
		return nil, nil, nil, ziping.Errorf(ziping.NotFound, "「%s」没有%d年度的数据", u.Name, sel.Period)
	}
	return u, sel, ur, nil
}

// scorePage is a county's score sheet (评分表).
type scorePage struct {
	Page
	Unit       unitView
	Picker     picker
	Period     int
	FW         fwHead
	Conclusion *conclusion
	Areas      []areaRow
	Bonus      []pointRow
	BonusCap   string
	Vetoes     []vetoRow
	XLSXURL    string
	UnitURL    string
	AssessURL  string // the county's assessments (自评与复核)
}

type fwHead struct {
	ID, Name, Version, URL string
	Verdict                bool
}

type areaRow struct {
	Code, Name, Max, Score, Lost string
	Points                       []pointRow
}

type pointRow struct {
	Verdict                              bool
	Group                                bool // the subtotal row of a lower-level indicator (二级指标 …)
	Code, Title, Max, Score, Lost, State string
	Class                                string // "lost", "pending", "na", "group" or ""
	Reasons                              []string
	Metrics                              []metricLink
}

type metricLink struct{ Name, URL string }

type vetoRow struct {
	Code, Title, Effect, State string
	Triggered                  bool
}

func (s *Server) scorePage(w http.ResponseWriter, r *http.Request) error {
	u, sel, ur, err := s.scoreResult(r)
	if err != nil {
		return err
	}
	fw, res := ur.prog.FW, ur.res
	p := &scorePage{Unit: newUnitView(u), Picker: s.picker(unitURL(u.Code)+"/score", sel, true), Period: sel.Period,
		FW:         fwHead{ID: fw.ID, Name: fw.Name, Version: fw.Version, URL: "/frameworks/" + url.PathEscape(fw.ID), Verdict: fw.IsVerdict()},
		Conclusion: unitConclusion(ur), XLSXURL: sel.link(unitURL(u.Code) + "/score.xlsx"), UnitURL: sel.link(unitURL(u.Code)),
		AssessURL: unitURL(u.Code) + "/assessments"}
	explain := func(id string) string { return sel.link(unitURL(u.Code) + "/explain/" + id) }
	verdict := fw.IsVerdict()
	for _, a := range res.Areas {
		row := areaRow{Code: a.Code, Name: a.Name, Max: num(a.Max), Score: num(a.Score), Lost: num(a.Max - a.Score)}
		if len(a.Groups) == 0 {
			for _, pr := range a.Points {
				row.Points = append(row.Points, newPointRow(pr, res, verdict, explain))
			}
		} else {
			row.Points = groupRows(a.Groups, a.Points, res, verdict, explain)
		}
		p.Areas = append(p.Areas, row)
	}
	for _, pr := range res.Bonus {
		p.Bonus = append(p.Bonus, newPointRow(pr, res, verdict, explain))
	}
	if fw.Bonus != nil {
		p.BonusCap = num(fw.Bonus.Cap)
	}
	for _, v := range res.Vetoes {
		p.Vetoes = append(p.Vetoes, newVetoRow(fw, v))
	}
	if err := s.fillUnitPage(r, &p.Page, u, "评分表"); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "score", p)
}

func newPointRow(pr engine.PointResult, res *engine.Result, verdict bool, explain func(string) string) pointRow {
	row := pointRow{Verdict: verdict, Code: engine.PointRef(pr.Code), Title: pr.Title, Max: num(pr.Max), Score: num(pr.Score), Lost: num(pr.Lost),
		State: pr.State(), Reasons: pr.Reasons}
	switch {
	case pr.Status == engine.StatusPending:
		// Not scored yet: nothing is lost until a person scores it.
		row.Score, row.Lost, row.Class = pr.State(), "—", "pending"
	case pr.Status == engine.StatusUncomputable:
		row.Score, row.Class = pr.State(), "na"
	case !pr.Passed:
		row.Class = "lost"
	}
	for _, id := range pr.Metrics {
		m, _ := res.Metric(id)
		row.Metrics = append(row.Metrics, metricLink{Name: m.Name, URL: explain(id)})
	}
	return row
}

// groupRows lays out an area's groups: each group's subtotal row, then its own
// groups' rows or its points.
func groupRows(groups []engine.GroupResult, points []engine.PointResult, res *engine.Result, verdict bool, explain func(string) string) []pointRow {
	var out []pointRow
	for _, g := range groups {
		out = append(out, pointRow{Verdict: verdict, Group: true, Code: g.Code, Title: g.Name, Max: num(g.Max),
			Score: num(g.Score), Lost: num(g.Max - g.Score), Class: "group"})
		out = append(out, groupRows(g.Groups, points, res, verdict, explain)...)
		for _, code := range g.Points {
			for _, pr := range points {
				if pr.Code == code {
					out = append(out, newPointRow(pr, res, verdict, explain))
				}
			}
		}
	}
	return out
}

func newVetoRow(fw *engine.Framework, v engine.VetoResult) vetoRow {
	row := vetoRow{Code: v.Code, Title: v.Title, State: "未触发", Triggered: v.Triggered}
	for _, fv := range fw.Vetoes {
		if fv.Code == v.Code {
			row.Effect = vetoEffect(fv)
		}
	}
	switch {
	case v.Triggered:
		row.State = "触发：" + v.Reason
	case v.Pending && v.Reason != "":
		row.State = v.Reason
	case v.Pending:
		row.State = "待认定"
	}
	return row
}

func vetoEffect(v engine.Veto) string {
	switch v.Effect {
	case engine.VetoFail:
		return "一票否决"
	case engine.VetoLower:
		return "降" + strconv.Itoa(v.Steps) + "等"
	case engine.VetoCap:
		return "最高评为" + v.Grade
	}
	return v.Effect
}

// scoreXLSX downloads the score sheet as a workbook.
func (s *Server) scoreXLSX(w http.ResponseWriter, r *http.Request) error {
	u, sel, ur, err := s.scoreResult(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.opts.ScoreSheet(&buf, ur.prog.FW, []*engine.Result{ur.res}); err != nil {
		return err
	}
	name := u.Name + strconv.Itoa(sel.Period) + "年度" + sel.prog.FW.Name + "评分表.xlsx"
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", contentDisposition(name, u.Code+"-"+strconv.Itoa(sel.Period)+"-score.xlsx"))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = w.Write(buf.Bytes())
	return err
}

// contentDisposition names a download: an ASCII fallback for old clients and the
// real name in UTF-8 (RFC 6266, RFC 5987).
func contentDisposition(name, fallback string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
		}
	}
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, fallback)
	return `attachment; filename="` + safe + `"; filename*=UTF-8''` + b.String()
}
