package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"ziping"
	"ziping/catalog"
	"ziping/engine"
)

// The administration of frameworks (评价体系管理): the list with the upload form, one
// framework's versions and the periods they apply to, a version's preview with its
// changes against the version that applies now, and the comparison of two versions.
// Package catalog decides who may do what (administrators only) and keeps versions
// unchanged once stored.

// adminFrameworksPage lists the frameworks, and after a refused upload shows why:
// every problem of the file at its line, next to the lines it is about.
type adminFrameworksPage struct {
	Page
	Items   []adminFWRow
	MaxSize string
	Message string     // why the upload was refused
	Check   *checkView // the file's problems, when it had any
}

type adminFWRow struct {
	ID, Name, URL, Level string
	Current, Latest      string // the version that applies this year; the one saved last
	Versions             int
	Year                 int
}

func adminFWURL(id string) string { return "/admin/frameworks/" + url.PathEscape(id) }

func adminVersionURL(id, version string) string {
	return adminFWURL(id) + "/versions/" + url.PathEscape(version)
}

func (s *Server) newAdminFrameworksPage(r *http.Request) (*adminFrameworksPage, error) {
	list, err := s.svc.Catalog.List(r.Context(), info(r).actor)
	if err != nil {
		return nil, err
	}
	p := &adminFrameworksPage{MaxSize: sizeText(engine.MaxFrameworkSize)}
	p.Title, p.Nav = "评价体系管理", "adminfw"
	p.Crumbs = []crumb{{Name: "评价体系管理"}}
	for _, f := range list {
		row := adminFWRow{ID: f.ID, Name: f.Name, URL: adminFWURL(f.ID), Current: f.Current, Versions: len(f.Versions), Year: f.Year}
		if len(f.Versions) > 0 {
			row.Latest = f.Versions[0].Version
		}
		if prog, err := s.svc.Assess.Program(r.Context(), f.ID, row.Latest); err == nil {
			row.Level = levelName(prog.FW.Level)
		}
		p.Items = append(p.Items, row)
	}
	return p, nil
}

func (s *Server) adminFrameworks(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newAdminFrameworksPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "adminframeworks", p)
}

// adminFrameworkUpload stores an uploaded framework file as a new version, or shows
// every problem it has; a stored version applies to no period until chosen.
func (s *Server) adminFrameworkUpload(w http.ResponseWriter, r *http.Request) error {
	a := info(r).actor
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	p, err := s.newAdminFrameworksPage(r)
	if err != nil {
		return err
	}
	refuse := func(status int, msg string) error {
		p.Message = msg
		return s.render(w, r, status, "adminframeworks", p)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return refuse(http.StatusBadRequest, "请选择评价体系文件（.yaml）")
	}
	defer file.Close()
	name := uploadName(hdr.Filename)
	if ext := strings.ToLower(filepath.Ext(name)); ext != ".yaml" && ext != ".yml" {
		return refuse(http.StatusBadRequest, "评价体系文件应为 .yaml 或 .yml 文件")
	}
	data, err := io.ReadAll(io.LimitReader(file, engine.MaxFrameworkSize+1))
	if err != nil {
		return fmt.Errorf("read framework upload: %w", err)
	}
	if len(data) > engine.MaxFrameworkSize {
		return refuse(http.StatusRequestEntityTooLarge, "文件过大，已拒绝：评价体系文件不能超过"+p.MaxSize)
	}
	sf, err := s.svc.Catalog.Upload(r.Context(), a, name, data)
	var ps *catalog.Problems
	switch {
	case errors.As(err, &ps):
		p.Check = newCheckView(ps)
		return refuse(http.StatusUnprocessableEntity, safeMessage(err, http.StatusBadRequest))
	case ziping.ErrorKind(err) == ziping.Conflict:
		return refuse(http.StatusConflict, safeMessage(err, http.StatusConflict))
	case err != nil:
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("已保存「%s」版本 %s。新版本在选定适用年度之前不会用于任何自评；请核对预览和变更，再选定适用年度。", sf.Name, sf.Version))
	http.Redirect(w, r, adminVersionURL(sf.ID, sf.Version), http.StatusSeeOther)
	return nil
}

// checkView shows a refused file's problems: the list, and excerpts of the file with
// each problem under the line it is about.
type checkView struct {
	File     string
	Problems []engine.Problem
	General  []string // problems of the whole file (no line)
	Blocks   [][]sourceLine
}

type sourceLine struct {
	No       int
	Text     string
	Problems []string
}

// excerptContext is how many lines around a problem's line an excerpt shows.
const excerptContext = 2

func newCheckView(ps *catalog.Problems) *checkView {
	cv := &checkView{File: ps.File, Problems: ps.Problems}
	lines := strings.Split(strings.ReplaceAll(string(ps.Source), "\r\n", "\n"), "\n")
	at := map[int][]string{}
	for _, p := range ps.Problems {
		if p.Line <= 0 || p.Line > len(lines) {
			cv.General = append(cv.General, p.Msg)
			continue
		}
		at[p.Line] = append(at[p.Line], p.Msg)
	}
	var block []sourceLine
	last := 0
	for no := 1; no <= len(lines); no++ {
		if !near(at, no) {
			continue
		}
		if last != 0 && no != last+1 {
			cv.Blocks, block = append(cv.Blocks, block), nil
		}
		block, last = append(block, sourceLine{No: no, Text: lines[no-1], Problems: at[no]}), no
	}
	if len(block) > 0 {
		cv.Blocks = append(cv.Blocks, block)
	}
	return cv
}

// near reports whether line no is within excerptContext lines of a problem.
func near(at map[int][]string, no int) bool {
	for d := -excerptContext; d <= excerptContext; d++ {
		if len(at[no+d]) > 0 {
			return true
		}
	}
	return false
}

// adminFrameworkPage is one framework with its versions and the periods they
// apply to, and the forms to choose a period's version and to compare two.
type adminFrameworkPage struct {
	Page
	ID, Name, URL string
	Year          int
	Current       string
	Versions      []adminVersionRow
	Choices       []adminChoiceRow
	Options       []string // every version, for the forms
	Message       string   // why a choice was refused
	FormPeriod    string
	FormVersion   string
}

type adminVersionRow struct {
	Version, Name, Saved, By, URL, Uses, Applies string
	Builtin, Current                             bool
	Assessments                                  int
}

type adminChoiceRow struct {
	Period           int
	Version, Set, By string
	ClearURL         string
}

func (s *Server) newAdminFrameworkPage(r *http.Request) (*adminFrameworkPage, error) {
	a := info(r).actor
	f, err := s.svc.Catalog.Framework(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	names := s.userNames(r)
	p := &adminFrameworkPage{ID: f.ID, Name: f.Name, URL: adminFWURL(f.ID), Year: f.Year, Current: f.Current}
	p.Title, p.Nav = f.Name+" · 版本", "adminfw"
	p.Crumbs = []crumb{{Name: "评价体系管理", URL: "/admin/frameworks"}, {Name: f.Name}}
	for _, v := range f.Versions {
		row := adminVersionRow{Version: v.Version, Name: v.Name, Saved: v.CreatedAt.In(s.zone()).Format("2006-01-02 15:04"),
			By: names[v.CreatedBy], URL: adminVersionURL(f.ID, v.Version), Applies: v.Applies, Builtin: v.Builtin,
			Current: v.Current, Assessments: v.Assessments}
		var uses []string
		for _, u := range v.Uses {
			uses = append(uses, fmt.Sprintf("%d年度%d项", u.Period, u.Count))
		}
		row.Uses = strings.Join(uses, "、")
		p.Versions = append(p.Versions, row)
		p.Options = append(p.Options, v.Version)
	}
	for _, c := range f.Choices {
		p.Choices = append(p.Choices, adminChoiceRow{Period: c.Period, Version: c.Version, Set: c.SetAt.In(s.zone()).Format("2006-01-02 15:04"),
			By: names[c.SetBy], ClearURL: p.URL + "/periods/" + strconv.Itoa(c.Period) + "/clear"})
	}
	return p, nil
}

// userNames maps user ids to names for an administrator's pages; 0 is the system.
func (s *Server) userNames(r *http.Request) map[int64]string {
	names := map[int64]string{0: "系统（内置）"}
	users, err := s.svc.Accounts.Users(r.Context(), info(r).actor)
	if err != nil {
		return names
	}
	for _, u := range users {
		names[u.ID] = firstNonEmpty(u.Name, u.Username)
	}
	return names
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (s *Server) adminFramework(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newAdminFrameworkPage(r)
	if err != nil {
		return err
	}
	p.FormPeriod = strconv.Itoa(p.Year)
	return s.render(w, r, http.StatusOK, "adminframework", p)
}

// adminFrameworkPeriod chooses the version that applies from a period on.
func (s *Server) adminFrameworkPeriod(w http.ResponseWriter, r *http.Request) error {
	a, id := info(r).actor, r.PathValue("id")
	period, version := strings.TrimSpace(r.PostForm.Get("period")), strings.TrimSpace(r.PostForm.Get("version"))
	per, perr := strconv.Atoi(period)
	var err error = ziping.Errorf(ziping.Invalid, "年度应为四位年份，如2025")
	if perr == nil {
		err = s.svc.Catalog.SetPeriod(r.Context(), a, id, per, version)
	} else if !a.IsAdmin() {
		err = ziping.Errorf(ziping.Forbidden, "只有管理员可以管理评价体系")
	}
	if err == nil {
		s.setFlash(w, r, fmt.Sprintf("已选定版本 %s 自%d年度起适用。此后开始的自评使用该版本，已开始的自评不受影响。", version, per))
		http.Redirect(w, r, adminFWURL(id), http.StatusSeeOther)
		return nil
	}
	return s.periodRefused(w, r, err, period, version)
}

// adminFrameworkClear removes a period's choice.
func (s *Server) adminFrameworkClear(w http.ResponseWriter, r *http.Request) error {
	a, id := info(r).actor, r.PathValue("id")
	per, err := strconv.Atoi(r.PathValue("period"))
	if err != nil {
		return ziping.Errorf(ziping.NotFound, "页面不存在")
	}
	if err := s.svc.Catalog.ClearPeriod(r.Context(), a, id, per); err != nil {
		return s.periodRefused(w, r, err, "", "")
	}
	s.setFlash(w, r, fmt.Sprintf("已取消%d年度的版本选择。", per))
	http.Redirect(w, r, adminFWURL(id), http.StatusSeeOther)
	return nil
}

// periodRefused shows the framework's page again with why a choice was refused;
// errors that are not the choice's (no such framework, not an admin) go as they are.
func (s *Server) periodRefused(w http.ResponseWriter, r *http.Request, err error, period, version string) error {
	k := ziping.ErrorKind(err)
	if k != ziping.Invalid && k != ziping.Conflict && !(k == ziping.NotFound && version != "") {
		return err
	}
	p, perr := s.newAdminFrameworkPage(r)
	if perr != nil {
		return perr
	}
	p.Message, p.FormPeriod, p.FormVersion = safeMessage(err, statusOf(err)), period, version
	return s.render(w, r, statusOf(err), "adminframework", p)
}
