package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ziping"
	"ziping/engine"
)

// unitView is a unit as pages show it.
type unitView struct {
	Code, Name, Level string
	URL               string
}

func newUnitView(u *ziping.OrgUnit) unitView {
	return unitView{Code: u.Code, Name: u.Name, Level: levelName(u.Level), URL: unitURL(u.Code)}
}

func levelName(level string) string {
	switch level {
	case ziping.LevelProvince:
		return "省级"
	case ziping.LevelCity:
		return "市级"
	case ziping.LevelCounty:
		return "区县"
	case ziping.LevelSchool:
		return "学校"
	case "kindergarten": // a framework's level (engine.LevelKindergarten)
		return "幼儿园"
	}
	return level
}

func unitURL(code string) string { return "/units/" + url.PathEscape(code) }

// visibleUnit is the unit named in the path, when the actor may see it.
func (s *Server) visibleUnit(r *http.Request) (*ziping.OrgUnit, error) {
	code := r.PathValue("code")
	if code == "" || len(code) > 32 {
		return nil, ziping.Errorf(ziping.NotFound, "单位不存在")
	}
	u, err := s.svc.Store.UnitByCode(r.Context(), code)
	if ziping.ErrorKind(err) == ziping.NotFound {
		return nil, ziping.Errorf(ziping.NotFound, "没有代码为 %s 的单位", code)
	}
	if err != nil {
		return nil, err
	}
	if !info(r).actor.CanSee(u) {
		return nil, ziping.Errorf(ziping.Forbidden, "您无权查看该单位的数据")
	}
	return u, nil
}

// crumbs is the path of units from the root to u. Units above the actor's scope are
// named but not linked: the actor may not open them.
func (s *Server) crumbs(ctx context.Context, a *ziping.Actor, u *ziping.OrgUnit) ([]crumb, error) {
	var out []crumb
	for _, part := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id == u.ID {
			continue
		}
		p, err := s.svc.Store.Unit(ctx, id)
		if err != nil {
			return nil, err
		}
		c := crumb{Name: p.Name}
		if a.CanSee(p) {
			c.URL = unitURL(p.Code)
		}
		out = append(out, c)
	}
	return append(out, crumb{Name: u.Name, URL: unitURL(u.Code)}), nil
}

// selection is what a unit page shows: the period and the framework.
type selection struct {
	Period  int
	Periods []int
	FW      string
	prog    *engine.Program
}

// option is an entry of a select box.
type option struct {
	Value, Label string
	Selected     bool
}

// selectionOf reads ?period= (default: the latest period with data) and ?fw=
// (default: the server's default framework).
func (s *Server) selectionOf(r *http.Request) (*selection, error) {
	periods, err := s.svc.Store.Periods(r.Context())
	if err != nil {
		return nil, err
	}
	sel := &selection{Periods: periods, FW: s.opts.DefaultFramework}
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
	if !countyFramework(sel.prog.FW) {
		// Schools and kindergartens get their own pages with the school workflow.
		return nil, ziping.Errorf(ziping.Invalid, "%s评价的是%s，不能在区县页面使用", sel.prog.FW.Name, levelName(sel.prog.FW.Level))
	}
	return sel, nil
}

// query is the selection as URL parameters, for links that keep it.
func (sel *selection) query() url.Values {
	return url.Values{"fw": {sel.FW}, "period": {strconv.Itoa(sel.Period)}}
}

// link is path with the selection (and extra parameters) as its query.
func (sel *selection) link(path string, extra ...string) string {
	q := sel.query()
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			q.Set(extra[i], extra[i+1])
		}
	}
	return path + "?" + q.Encode()
}

func (s *Server) periodOptions(sel *selection) []option {
	var out []option
	for i := len(sel.Periods) - 1; i >= 0; i-- {
		p := sel.Periods[i]
		out = append(out, option{Value: strconv.Itoa(p), Label: strconv.Itoa(p) + "年度", Selected: p == sel.Period})
	}
	if len(out) == 0 && sel.Period != 0 {
		out = append(out, option{Value: strconv.Itoa(sel.Period), Label: strconv.Itoa(sel.Period) + "年度", Selected: true})
	}
	return out
}

func (s *Server) frameworkOptions(sel *selection) []option {
	out := make([]option, 0, len(s.fwIDs))
	for _, id := range s.fwIDs {
		if fw := s.programs[id].FW; countyFramework(fw) {
			out = append(out, option{Value: id, Label: fw.Name, Selected: id == sel.FW})
		}
	}
	return out
}

// countyFramework reports whether a framework evaluates counties, the units the
// county and city pages evaluate.
func countyFramework(fw *engine.Framework) bool {
	return fw.Level == "" || fw.Level == engine.LevelCounty
}

// picker is the period and framework chooser of unit pages (a GET form).
type picker struct {
	Action     string
	Periods    []option
	Frameworks []option // none: the framework is kept as it is (FW, hidden)
	FW         string
}

func (s *Server) picker(action string, sel *selection, withFW bool) picker {
	p := picker{Action: action, Periods: s.periodOptions(sel), FW: sel.FW}
	if withFW {
		p.Frameworks = s.frameworkOptions(sel)
	}
	return p
}

// num formats a number with at most two decimals, no trailing zeros, and thousands
// separators from five integer digits on (engine.GroupDigits): 172,153.66.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return engine.GroupDigits(s)
}
