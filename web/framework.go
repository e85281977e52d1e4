package web

import (
	"net/http"
	"net/url"
	"strings"

	"ziping"
	"ziping/engine"
)

// frameworksPage lists the frameworks units can be evaluated against.
type frameworksPage struct {
	Page
	Items []fwItem
}

type fwItem struct {
	ID, Name, Version, Level, Grading, Basis, URL string
	Points                                        int
	Metrics                                       int
}

func (s *Server) frameworkList(w http.ResponseWriter, r *http.Request) error {
	p := &frameworksPage{}
	p.Title, p.Nav = "评价体系", "frameworks"
	p.Crumbs = []crumb{{Name: "评价体系"}}
	for _, id := range s.fwIDs {
		p.Items = append(p.Items, newFWItem(s.programs[id].FW))
	}
	return s.render(w, r, http.StatusOK, "frameworks", p)
}

func newFWItem(fw *engine.Framework) fwItem {
	it := fwItem{ID: fw.ID, Name: fw.Name, Version: fw.Version, Level: levelName(fw.Level), Basis: fw.Basis,
		URL: "/frameworks/" + url.PathEscape(fw.ID), Metrics: len(fw.Metrics), Grading: "达标判定"}
	if !fw.IsVerdict() {
		names := make([]string, len(fw.Grading.Bands))
		for i, b := range fw.Grading.Bands {
			names[i] = b.Name
		}
		it.Grading = "百分制，满分" + num(fw.MaxTotal()) + "分（" + strings.Join(names, "、") + "）"
	}
	for _, a := range fw.Areas {
		it.Points += len(a.Points)
	}
	return it
}

// frameworkPage shows a framework in readable Chinese: grading, areas, points with
// their standards, scoring rules and evidence, bonus and veto items, and metrics.
type frameworkPage struct {
	Page
	FW          fwItem
	Description string
	Verdict     bool
	Bands       []bandView
	Areas       []fwArea
	Bonus       []fwPoint
	BonusCap    string
	Vetoes      []fwVeto
	Metrics     []fwMetric
}

type bandView struct{ Name, Min string }

type fwArea struct {
	Code, Name, Max string
	Groups          []fwGroup // lower-level indicators, when the area has them
	Points          []fwPoint
}

// fwGroup is a lower-level indicator (二级指标 …) with its groups or points.
type fwGroup struct {
	Code, Name, Max string
	Verdict         bool // no maxima to show
	Groups          []fwGroup
	Points          []fwPoint
}

type fwPoint struct {
	Code, Title, Max, Standard string
	Rules, Evidence            []string
}

type fwVeto struct{ Code, Title, Effect, Trigger string }

type fwMetric struct{ ID, Name, Unit, Expr, Reading, Note string }

func (s *Server) frameworkPage(w http.ResponseWriter, r *http.Request) error {
	prog := s.programs[r.PathValue("id")]
	if prog == nil {
		return ziping.Errorf(ziping.NotFound, "没有这个评价体系")
	}
	p := newFrameworkPage(prog)
	p.Title, p.Nav = prog.FW.Name, "frameworks"
	p.Crumbs = []crumb{{Name: "评价体系", URL: "/frameworks"}, {Name: prog.FW.Name}}
	return s.render(w, r, http.StatusOK, "framework", p)
}

// newFrameworkPage is the readable view of a compiled framework: the browser's page,
// and the preview of a stored version for administrators.
func newFrameworkPage(prog *engine.Program) *frameworkPage {
	fw := prog.FW
	p := &frameworkPage{FW: newFWItem(fw), Description: fw.Description, Verdict: fw.IsVerdict()}
	for _, b := range fw.Grading.Bands {
		p.Bands = append(p.Bands, bandView{Name: b.Name, Min: num(b.Min)})
	}
	for _, a := range fw.Areas {
		fa := fwArea{Code: a.Code, Name: a.Name, Max: num(a.MaxScore())}
		if len(a.Groups) > 0 {
			fa.Groups = newFWGroups(prog, a.Groups, a.Points)
		} else {
			for i := range a.Points {
				fa.Points = append(fa.Points, newFWPoint(prog, &a.Points[i]))
			}
		}
		p.Areas = append(p.Areas, fa)
	}
	if fw.Bonus != nil {
		p.BonusCap = num(fw.Bonus.Cap)
		for i := range fw.Bonus.Items {
			p.Bonus = append(p.Bonus, newFWPoint(prog, &fw.Bonus.Items[i]))
		}
	}
	p.Vetoes = fwVetoes(prog)
	for _, m := range fw.Metrics {
		p.Metrics = append(p.Metrics, fwMetric{ID: m.ID, Name: m.Name, Unit: m.Unit, Expr: m.Expr, Reading: prog.MetricReading(m.ID), Note: m.Note})
	}
	return p
}

func newFWGroups(prog *engine.Program, groups []engine.Group, points []engine.Point) []fwGroup {
	out := make([]fwGroup, len(groups))
	for i := range groups {
		g := &groups[i]
		out[i] = fwGroup{Code: g.Code, Name: g.Name, Max: num(g.Max), Verdict: prog.FW.IsVerdict(), Groups: newFWGroups(prog, g.Groups, points)}
		for k := g.Lo; k < g.Hi && len(g.Groups) == 0; k++ {
			out[i].Points = append(out[i].Points, newFWPoint(prog, &points[k]))
		}
	}
	return out
}

func newFWPoint(prog *engine.Program, pt *engine.Point) fwPoint {
	fp := fwPoint{Code: pt.Code, Title: pt.Title, Max: num(pt.Max), Standard: pt.Standard, Evidence: pt.Evidence}
	for i := range pt.Rules {
		fp.Rules = append(fp.Rules, prog.Describe(&pt.Rules[i]))
	}
	return fp
}

func fwVetoes(prog *engine.Program) []fwVeto {
	var out []fwVeto
	for _, v := range prog.FW.Vetoes {
		fv := fwVeto{Code: v.Code, Title: v.Title, Effect: vetoEffect(v), Trigger: "人工认定"}
		if m := prog.MetricByID(v.When); m != nil {
			fv.Trigger = "「" + m.Name + "」不为0"
		}
		out = append(out, fv)
	}
	return out
}
