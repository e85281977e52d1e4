package web

import (
	"net/http"
	"strconv"

	"ziping/engine"
)

// adminFWVersionPage previews a stored version as the framework browser shows it,
// with what it changes against the version that applies this year, and the form to
// choose the periods it applies to.
type adminFWVersionPage struct {
	Page
	Preview              *frameworkPage
	ID, Version, Name    string
	FrameworkURL, Saved  string
	Builtin, Current     bool
	Applies, Uses        string
	Assessments          int
	Base                 string // the version compared with: the one that applies this year
	Changes              []changeRow
	Year                 int
	FormPeriod, DiffBase string
}

// changeRow is one line of a comparison of two versions.
type changeRow struct {
	Kind, What, Code, Field, Old, New, Text string
	Class                                   string // added, removed, changed
}

var (
	changeKinds = map[string]string{engine.Added: "新增", engine.Removed: "删除", engine.Changed: "修改"}
	changeWhats = map[string]string{"framework": "评价体系", "area": "一级指标", "group": "下级指标", "point": "测评点",
		"bonus": "加分项", "metric": "指标", "veto": "否决项"}
)

func newChangeRows(cs []engine.Change) []changeRow {
	out := make([]changeRow, len(cs))
	for i, c := range cs {
		out[i] = changeRow{Kind: changeKinds[c.Kind], What: firstNonEmpty(changeWhats[c.What], c.What), Code: c.Code,
			Field: c.Field, Old: c.Old, New: c.New, Text: c.Text, Class: c.Kind}
	}
	return out
}

func (s *Server) adminFrameworkVersion(w http.ResponseWriter, r *http.Request) error {
	a, ctx := info(r).actor, r.Context()
	id, version := r.PathValue("id"), r.PathValue("version")
	prog, _, err := s.svc.Catalog.Program(ctx, a, id, version)
	if err != nil {
		return err
	}
	f, err := s.svc.Catalog.Framework(ctx, a, id)
	if err != nil {
		return err
	}
	p := &adminFWVersionPage{Preview: newFrameworkPage(prog), ID: id, Version: version, Name: prog.FW.Name,
		FrameworkURL: adminFWURL(id), Year: f.Year, Base: f.Current, FormPeriod: strconv.Itoa(f.Year + 1)}
	for _, v := range f.Versions {
		if v.Version == version {
			p.Saved, p.Builtin, p.Current = v.CreatedAt.In(s.zone()).Format("2006-01-02 15:04"), v.Builtin, v.Current
			p.Applies, p.Assessments = v.Applies, v.Assessments
		} else if p.DiffBase == "" {
			p.DiffBase = v.Version
		}
	}
	if p.Base != "" && p.Base != version {
		cs, err := s.svc.Catalog.Diff(ctx, a, id, p.Base, version)
		if err != nil {
			return err
		}
		p.Changes = newChangeRows(cs)
	}
	p.Title, p.Nav = prog.FW.Name+" 版本 "+version, "adminfw"
	p.Crumbs = []crumb{{Name: "评价体系管理", URL: "/admin/frameworks"}, {Name: prog.FW.Name, URL: p.FrameworkURL}, {Name: "版本 " + version}}
	return s.render(w, r, http.StatusOK, "adminfwversion", p)
}

// adminFWDiffPage compares two versions of a framework.
type adminFWDiffPage struct {
	Page
	ID, Name, FrameworkURL string
	From, To               string
	FromURL, ToURL         string
	Options                []string
	Changes                []changeRow
}

func (s *Server) adminFrameworkDiff(w http.ResponseWriter, r *http.Request) error {
	a, ctx := info(r).actor, r.Context()
	id := r.PathValue("id")
	f, err := s.svc.Catalog.Framework(ctx, a, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := &adminFWDiffPage{ID: id, Name: f.Name, FrameworkURL: adminFWURL(id), From: q.Get("from"), To: q.Get("to")}
	for _, v := range f.Versions {
		p.Options = append(p.Options, v.Version)
	}
	if p.To == "" && len(p.Options) > 0 {
		p.To = p.Options[0]
	}
	if p.From == "" {
		p.From = f.Current
	}
	cs, err := s.svc.Catalog.Diff(ctx, a, id, p.From, p.To)
	if err != nil {
		return err
	}
	p.Changes = newChangeRows(cs)
	p.FromURL, p.ToURL = adminVersionURL(id, p.From), adminVersionURL(id, p.To)
	p.Title, p.Nav = f.Name+" 版本比较", "adminfw"
	p.Crumbs = []crumb{{Name: "评价体系管理", URL: "/admin/frameworks"}, {Name: f.Name, URL: p.FrameworkURL}, {Name: "版本比较"}}
	return s.render(w, r, http.StatusOK, "adminfwdiff", p)
}
