package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"ziping"
	"ziping/survey"
)

// surveyRoutes are the survey's routes: the county's rounds, their progress,
// quality and result, the documents, and the public answer page.
func (s *Server) surveyRoutes() []route {
	return []route{
		{"GET /units/{code}/surveys", signedIn, s.surveysPage},
		{"POST /units/{code}/surveys", signedIn, s.surveyCreate},
		{"GET /surveys/{id}", signedIn, s.surveyPage},
		{"GET /surveys/{id}/progress.json", download, s.surveyProgressJSON},
		{"GET /surveys/{id}/result", signedIn, s.surveyResultPage},
		{"POST /surveys/{id}/status", signedIn, s.surveyStatus},
		{"POST /surveys/{id}/responses/{rid}", signedIn, s.surveyExclude},
		{"POST /surveys/{id}/links/{link}/tokens", signedIn, s.surveyTokens},
		{surveyImportRoute, signedIn, s.surveyImport},
		{"GET /surveys/{id}/sheets", signedIn, s.surveySheets},
		{"GET /surveys/{id}/links/{link}/qr.png", download, s.surveyQR},
		{"GET /surveys/{id}/report.docx", download, s.surveyDoc("docx")},
		{"GET /surveys/{id}/responses.xlsx", download, s.surveyDoc("xlsx")},
		{"GET /questionnaires", signedIn, s.questionnairesPage},
		{questionnaireUploadRoute, signedIn, s.questionnaireUpload},
		{"GET /questionnaires/{id}", signedIn, s.questionnairePage},
		{"GET /s/{key}", answer, s.surveyAnswer},
		{"POST /s/{key}", answer, s.surveySubmit},
	}
}

// The upload routes of the survey: their bodies may be as large as an upload.
const (
	surveyImportRoute        = "POST /surveys/{id}/import"
	questionnaireUploadRoute = "POST /questionnaires"
)

// roundCalc is the round of the path computed, for an actor who may see it.
func (s *Server) roundCalc(r *http.Request) (*survey.Service, *survey.Calc, error) {
	sv, err := s.surveyService()
	if err != nil {
		return nil, nil, err
	}
	id, err := roundID(r)
	if err != nil {
		return nil, nil, err
	}
	cl, err := sv.Calc(r.Context(), info(r).actor, id)
	return sv, cl, err
}

func (s *Server) surveyService() (*survey.Service, error) {
	if s.svc.Survey == nil {
		return nil, ziping.Errorf(ziping.NotFound, "页面不存在")
	}
	return s.svc.Survey, nil
}

// surveysPage lists the rounds of a unit's subtree, and lets a county start one.
type surveysPage struct {
	Page
	Unit     unitView
	Rounds   []roundRow
	CanStart bool
	Action   string
	Files    []option
	Period   int
	Form     roundForm
	Error    string
}

type roundRow struct {
	URL, Title, Unit, Status, Questionnaire string
	Period                                  int
}

type roundForm struct {
	Questionnaire                  string
	Population, Urban, Town, Rural string
	Period                         string
	Tokens                         bool
}

func (s *Server) surveysPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSurveys(w, r, http.StatusOK, roundForm{}, "")
}

func (s *Server) renderSurveys(w http.ResponseWriter, r *http.Request, status int, form roundForm, msg string) error {
	sv, err := s.surveyService()
	if err != nil {
		return err
	}
	u, err := s.visibleUnit(r)
	if err != nil {
		return err
	}
	a := info(r).actor
	rounds, err := sv.Rounds(r.Context(), a, u)
	if err != nil {
		return err
	}
	p := &surveysPage{Page: Page{Title: u.Name + " 社会认可度调查", Nav: "units"}, Unit: newUnitView(u),
		CanStart: u.Level == ziping.LevelCounty && a.CanEdit(u), Action: "/units/" + url.PathEscape(u.Code) + "/surveys",
		Form: form, Error: msg}
	if p.Crumbs, err = s.crumbs(r.Context(), a, u); err != nil {
		return err
	}
	p.Crumbs = append(p.Crumbs, crumb{Name: "社会认可度调查"})
	files, _, err := sv.Files(r.Context())
	if err != nil {
		return err
	}
	fileNames := map[string]string{}
	for _, f := range files {
		fileNames[f.ID] = f.Name
	}
	for _, rd := range rounds {
		ru, err := s.svc.Store.Unit(r.Context(), rd.UnitID)
		if err != nil {
			return err
		}
		st, _ := survey.SetupOf(&rd)
		p.Rounds = append(p.Rounds, roundRow{URL: "/surveys/" + strconv.FormatInt(rd.ID, 10), Title: st.Title, Unit: ru.Name,
			Status: roundStatus(rd.Status), Questionnaire: cmp.Or(fileNames[rd.Questionnaire], "调查问卷"), Period: rd.Period})
	}
	for _, f := range files {
		p.Files = append(p.Files, option{Value: f.ID, Label: f.Name, Selected: f.ID == form.Questionnaire})
	}
	if p.Form.Period == "" {
		p.Form.Period = strconv.Itoa(time.Now().Year())
	}
	return s.render(w, r, status, "surveys", p)
}

func roundStatus(st string) string {
	if st == ziping.RoundOpen {
		return "进行中"
	}
	return "已结束"
}

func (s *Server) surveyCreate(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyService()
	if err != nil {
		return err
	}
	u, err := s.visibleUnit(r)
	if err != nil {
		return err
	}
	if !info(r).actor.CanEdit(u) {
		return ziping.Errorf(ziping.Forbidden, "无权为「%s」开展调查", u.Name)
	}
	if u.Level != ziping.LevelCounty {
		return ziping.Errorf(ziping.NotFound, "调查以区县为单位开展，「%s」不是区县", u.Name)
	}
	f := r.PostForm
	form := roundForm{Questionnaire: f.Get("questionnaire"), Population: f.Get("population"), Urban: f.Get("urban"),
		Town: f.Get("town"), Rural: f.Get("rural"), Period: f.Get("period"), Tokens: f.Get("tokens") == "1"}
	in := survey.RoundInput{Unit: u.Code, Questionnaire: form.Questionnaire, Tokens: form.Tokens}
	var bad []string
	num := func(name, v string, dst *int64) {
		if strings.TrimSpace(v) == "" {
			return
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			bad = append(bad, name)
		}
		*dst = n
	}
	num("常住人口", form.Population, &in.Population)
	num("城区人口", form.Urban, &in.Urban)
	num("镇区人口", form.Town, &in.Town)
	num("乡村人口", form.Rural, &in.Rural)
	in.Period, _ = strconv.Atoi(form.Period)
	if len(bad) > 0 {
		return s.renderSurveys(w, r, http.StatusBadRequest, form, strings.Join(bad, "、")+"应为不小于0的整数")
	}
	rd, err := sv.CreateRound(r.Context(), info(r).actor, in)
	if k := ziping.ErrorKind(err); k == ziping.Invalid || k == ziping.Conflict {
		return s.renderSurveys(w, r, statusOf(err), form, safeMessage(err, statusOf(err)))
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "调查已创建，抽样方案和各校链接已生成")
	http.Redirect(w, r, "/surveys/"+strconv.FormatInt(rd.ID, 10), http.StatusSeeOther)
	return nil
}

// roundID is the {id} of the path.
func roundID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, ziping.Errorf(ziping.NotFound, "没有这项调查")
	}
	return id, nil
}

// surveyPage is a round: its plan, links, live progress, flagged responses.
type surveyPage struct {
	Page
	ID                int64
	Title, County     string
	Status            string
	Open, CanEdit     bool
	Period            int
	Questionnaire     string
	Rule              string
	Sample            int
	Progress          *survey.Progress
	Headline, Method  string
	HasResult         bool
	Links             []linkRow
	Flagged           []flaggedRow
	Excluded          []flaggedRow
	Papers            []option
	CSRF              string
	Base              string
	AdminCSS, AdminJS string
	ProgressURL       string
}

type linkRow struct {
	ID                     int64
	Group, School, URL, QR string
	Tokens                 bool
	Made, Used             int
	Answers, Quota         int
	TokensAction           string
}

type flaggedRow struct {
	ID                        int64
	Time, Group, School, Took string
	Flags                     []string
	Action                    string
	Reason                    string
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request) error {
	_, cl, err := s.roundCalc(r)
	if err != nil {
		return err
	}
	a := info(r).actor
	_, assets, err := s.current()
	if err != nil {
		return err
	}
	rd := cl.Round
	p := &surveyPage{Page: Page{Title: cl.Setup.Title, Nav: "units"}, ID: rd.ID, Title: cl.Setup.Title, County: cl.Unit.Name,
		Status: roundStatus(rd.Status), Open: rd.Status == ziping.RoundOpen, CanEdit: a.CanEdit(cl.Unit), Period: rd.Period,
		Questionnaire: cl.File.Name + "（" + rd.QuestionnaireVersion + "版）", Progress: cl.Progress,
		Method: survey.MethodNames[cl.File.Computation.Method], HasResult: cl.Result.Overall.Figures.OK,
		Base: baseURL(r, s.opts.SecureCookies), AdminCSS: assets.url("surveyadmin.css"), AdminJS: assets.url("surveyadmin.js"),
		ProgressURL: fmt.Sprintf("/surveys/%d/progress.json", rd.ID)}
	if cl.Setup.Plan != nil {
		p.Rule, p.Sample = cl.Setup.Plan.Rule, cl.Setup.Plan.Total
	}
	if p.HasResult {
		p.Headline = pct1(cl.Result.Overall.Headline(cl.File.Computation.Method))
	}
	if p.Crumbs, err = s.crumbs(r.Context(), a, cl.Unit); err != nil {
		return err
	}
	p.Crumbs = append(p.Crumbs, crumb{Name: "社会认可度调查", URL: unitURL(cl.Unit.Code) + "/surveys"}, crumb{Name: strconv.Itoa(rd.Period) + "年度"})
	if err := s.fillLinks(r, p, cl); err != nil {
		return err
	}
	s.fillFlagged(p, cl)
	for _, q := range cl.File.Questionnaires {
		p.Papers = append(p.Papers, option{Value: q.ID, Label: q.Name})
	}
	return s.render(w, r, http.StatusOK, "survey", p)
}

func pct1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// baseURL is the site's address as the request reached it, for links to print.
func baseURL(r *http.Request, secure bool) string {
	scheme := "http"
	if r.TLS != nil || secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) fillLinks(r *http.Request, p *surveyPage, cl *survey.Calc) error {
	links, err := s.svc.Survey.Store.SurveyLinks(r.Context(), cl.Round.ID)
	if err != nil {
		return err
	}
	counts, err := s.svc.Survey.Store.SurveyTokenCounts(r.Context(), cl.Round.ID)
	if err != nil {
		return err
	}
	answers := map[int64]int{}
	for _, resp := range cl.Responses {
		if !resp.Excluded {
			answers[resp.Link]++
		}
	}
	quota := map[string]int{}
	if cl.Setup.Plan != nil {
		for _, g := range cl.Setup.Plan.Groups {
			quota[g.Group+"/"] = g.Quota
			for _, sq := range g.Schools {
				quota[g.Group+"/"+sq.Code] = sq.Quota
			}
		}
	}
	for _, l := range links {
		g := cl.File.Group(l.Group)
		name := "（作答者自选）"
		if g != nil {
			name = g.Name
		}
		p.Links = append(p.Links, linkRow{ID: l.ID, Group: name, School: l.SchoolName, URL: p.Base + "/s/" + l.Key,
			QR: fmt.Sprintf("/surveys/%d/links/%d/qr.png", cl.Round.ID, l.ID), Tokens: l.Tokens,
			Made: counts[l.ID].Total, Used: counts[l.ID].Used, Answers: answers[l.ID], Quota: quota[l.Group+"/"+l.School],
			TokensAction: fmt.Sprintf("/surveys/%d/links/%d/tokens", cl.Round.ID, l.ID)})
	}
	return nil
}

func (s *Server) fillFlagged(p *surveyPage, cl *survey.Calc) {
	reasons := map[int64]string{}
	for _, e := range cl.Exclusions {
		reasons[e.ResponseID] = e.Reason
	}
	for _, resp := range cl.Responses {
		flags := cl.Flags[resp.ID]
		if len(flags) == 0 && !resp.Excluded {
			continue
		}
		row := flaggedRow{ID: resp.ID, Time: resp.Submitted.In(shanghaiZone()).Format("01-02 15:04:05"), School: resp.SchoolName,
			Action: fmt.Sprintf("/surveys/%d/responses/%d", cl.Round.ID, resp.ID), Reason: reasons[resp.ID]}
		if g := cl.File.Group(resp.Group); g != nil {
			row.Group = g.Name
		}
		if !resp.Started.IsZero() {
			row.Took = strconv.Itoa(int(resp.Submitted.Sub(resp.Started).Seconds())) + "秒"
		}
		for _, f := range flags {
			row.Flags = append(row.Flags, survey.FlagNames[f.Rule]+"："+f.Reason)
		}
		if resp.Excluded {
			p.Excluded = append(p.Excluded, row)
		} else {
			p.Flagged = append(p.Flagged, row)
		}
	}
	sort.SliceStable(p.Flagged, func(i, j int) bool { return len(p.Flagged[i].Flags) > len(p.Flagged[j].Flags) })
}

func shanghaiZone() *time.Location { return ziping.Zone() }

// surveyProgressJSON is the live progress the round page polls.
func (s *Server) surveyProgressJSON(w http.ResponseWriter, r *http.Request) error {
	_, cl, err := s.roundCalc(r)
	if err != nil {
		return err
	}
	out := map[string]any{"progress": cl.Progress}
	if cl.Result.Overall.Figures.OK {
		out["headline"] = pct1(cl.Result.Overall.Headline(cl.File.Computation.Method))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) surveyStatus(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyService()
	if err != nil {
		return err
	}
	id, err := roundID(r)
	if err != nil {
		return err
	}
	st := r.PostForm.Get("status")
	if err := sv.SetStatus(r.Context(), info(r).actor, id, st); err != nil {
		return err
	}
	msg := "调查已重新开放"
	if st == ziping.RoundClosed {
		msg = "调查已结束，链接不再接受答卷"
	}
	s.setFlash(w, r, msg)
	http.Redirect(w, r, fmt.Sprintf("/surveys/%d", id), http.StatusSeeOther)
	return nil
}

func (s *Server) surveyExclude(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyService()
	if err != nil {
		return err
	}
	id, err := roundID(r)
	if err != nil {
		return err
	}
	rid, err := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	if err != nil {
		return ziping.Errorf(ziping.NotFound, "没有这份答卷")
	}
	exclude := r.PostForm.Get("exclude") == "1"
	if err := sv.Exclude(r.Context(), info(r).actor, id, rid, exclude, strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		return err
	}
	msg := fmt.Sprintf("答卷%d已剔除，不计入结果", rid)
	if !exclude {
		msg = fmt.Sprintf("答卷%d已恢复计入结果", rid)
	}
	s.setFlash(w, r, msg)
	http.Redirect(w, r, fmt.Sprintf("/surveys/%d#flagged", id), http.StatusSeeOther)
	return nil
}
