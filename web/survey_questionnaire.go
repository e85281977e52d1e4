package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"ziping"
	"ziping/survey"
)

// questionnairesPage lists the survey files, and lets admins write or upload a new
// version: checked (every problem with its line), previewed, then saved.
type questionnairesPage struct {
	Page
	Files   []fileRow
	Admin   bool
	Source  string
	Errors  []string
	Preview *filePreview
	Action  string
}

type fileRow struct {
	ID, Name, Version, Framework, URL string
	Builtin                           bool
	Papers                            int
}

// filePreview is a survey file as respondents and the plan see it.
type filePreview struct {
	Name, ID, Version, Framework, Method, Scale string
	Unknown                                     string
	UnknownIn                                   bool
	Rule                                        string
	Groups                                      []survey.Group
	Papers                                      []paperView
}

type paperView struct {
	ID, Name, Title, Groups string
	Questions               []questionView
}

type questionView struct {
	N             int
	Text, Kind    string
	Options       string
	Counted, Only bool
	OnlyFor       string
}

var kindNames = map[string]string{survey.KindScale: "满意度", survey.KindChoice: "单选", survey.KindMulti: "多选", survey.KindText: "填空"}

func previewOf(f *survey.File) *filePreview {
	p := &filePreview{Name: f.Name, ID: f.ID, Version: f.Version, Framework: f.Framework, Method: survey.MethodNames[f.Computation.Method],
		Scale: strings.Join(f.Scale.Labels, "、"), Unknown: f.Scale.Unknown, UnknownIn: f.Computation.UnknownInDenominator, Groups: f.Groups}
	if f.Plan.PerMille > 0 {
		p.Rule = "常住人口的" + strconv.FormatFloat(f.Plan.PerMille, 'f', -1, 64) + "‰"
	} else {
		p.Rule = "按常住人口分档"
	}
	for _, q := range f.Questionnaires {
		pv := paperView{ID: f.QuestionnaireID(&q), Name: q.Name, Title: q.Title}
		var gs []string
		for _, g := range f.GroupsOf(q.ID) {
			gs = append(gs, g.Name)
		}
		pv.Groups = strings.Join(gs, "、")
		for i, qu := range q.Questions {
			qv := questionView{N: i + 1, Text: qu.Text, Kind: kindNames[qu.Kind], Counted: qu.Counted(), Options: strings.Join(f.Options(&qu), " / ")}
			if len(qu.Groups) > 0 {
				var names []string
				for _, g := range qu.Groups {
					if gr := f.Group(g); gr != nil {
						names = append(names, gr.Name)
					}
				}
				qv.OnlyFor = strings.Join(names, "、")
			}
			pv.Questions = append(pv.Questions, qv)
		}
		p.Papers = append(p.Papers, pv)
	}
	return p
}

func (s *Server) questionnairesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderQuestionnaires(w, r, http.StatusOK, &questionnairesPage{})
}

func (s *Server) renderQuestionnaires(w http.ResponseWriter, r *http.Request, status int, p *questionnairesPage) error {
	sv, err := s.surveyService()
	if err != nil {
		return err
	}
	files, stored, err := sv.Files(r.Context())
	if err != nil {
		return err
	}
	p.Page = Page{Title: "满意度调查问卷", Nav: "frameworks", Crumbs: []crumb{{Name: "评价体系", URL: "/frameworks"}, {Name: "满意度调查问卷"}}}
	p.Admin, p.Action = info(r).actor.IsAdmin(), "/questionnaires"
	for i, f := range files {
		p.Files = append(p.Files, fileRow{ID: f.ID, Name: f.Name, Version: f.Version, Framework: s.fwName(f.Framework),
			URL: "/questionnaires/" + f.ID, Builtin: stored[i].Builtin, Papers: len(f.Questionnaires)})
	}
	return s.render(w, r, status, "questionnaires", p)
}

// questionnairePage previews the latest version of a survey file, with its source
// for admins to edit into a new version.
func (s *Server) questionnairePage(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyService()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	q, err := sv.Store.Questionnaire(r.Context(), id, "")
	if err != nil {
		return ziping.Errorf(ziping.NotFound, "没有问卷「%s」", id)
	}
	f, err := sv.File(r.Context(), q.ID, q.Version)
	if err != nil {
		return err
	}
	p := &questionnairesPage{Preview: previewOf(f)}
	p.Preview.Framework = s.fwName(p.Preview.Framework)
	if info(r).actor.IsAdmin() {
		p.Source = string(q.Source)
	}
	return s.renderQuestionnaires(w, r, http.StatusOK, p)
}

// questionnaireUpload checks a new version (typed or uploaded): "preview" shows it,
// "save" keeps it. Admins only.
func (s *Server) questionnaireUpload(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyService()
	if err != nil {
		return err
	}
	a := info(r).actor
	if !a.IsAdmin() {
		return ziping.Errorf(ziping.Forbidden, "只有系统管理员可以修改问卷")
	}
	src, name := r.PostForm.Get("source"), "问卷.yaml"
	if r.MultipartForm != nil {
		src = r.FormValue("source")
		if file, hdr, err := r.FormFile("file"); err == nil {
			defer file.Close()
			data, err := io.ReadAll(io.LimitReader(file, survey.MaxFileSize+1))
			if err != nil {
				return err
			}
			src, name = string(data), hdr.Filename
		}
	}
	p := &questionnairesPage{Source: src}
	f, perr := survey.Parse(name, []byte(src))
	if perr != nil {
		p.Errors = strings.Split(strings.TrimPrefix(perr.Error(), "问卷文件有误:\n  "), "\n  ")
		return s.renderQuestionnaires(w, r, http.StatusBadRequest, p)
	}
	if r.FormValue("do") != "save" {
		p.Preview = previewOf(f)
		p.Preview.Framework = s.fwName(p.Preview.Framework)
		return s.renderQuestionnaires(w, r, http.StatusOK, p)
	}
	if _, err := sv.SaveFile(r.Context(), a, name, []byte(src)); err != nil {
		if k := ziping.ErrorKind(err); k == ziping.Conflict || k == ziping.Invalid {
			p.Errors = []string{safeMessage(err, statusOf(err))}
			return s.renderQuestionnaires(w, r, statusOf(err), p)
		}
		return err
	}
	s.setFlash(w, r, "问卷「"+f.Name+"」版本「"+f.Version+"」已保存，新开展的调查将使用它")
	http.Redirect(w, r, "/questionnaires/"+f.ID, http.StatusSeeOther)
	return nil
}

// fwName is a framework's name, for a page that would otherwise show its id.
func (s *Server) fwName(id string) string {
	if p := s.programs[id]; p != nil {
		return p.FW.Name
	}
	return id
}
