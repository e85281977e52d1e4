package web

import (
	"net/http"
	"strconv"
	"strings"

	"ziping"
	"ziping/assess"
)

func init() { pageNames = append(pageNames, "confirm") }

// confirmPage asks before a step that changes what others see: it says what will
// happen and to whom, and posts the same form again with confirm=1. Nothing has
// changed when it is shown; it works without JavaScript.
type confirmPage struct {
	Page
	Heading   string
	Lines     []string       // what will happen, to whom
	Groups    []confirmGroup // the items concerned (bulk confirm, publish all), when a list
	Quote     option         // a note or reason the person wrote: Label, Value
	Action    string
	Fields    []option // the form's fields to post again: Label is the name
	Button    string
	Danger    bool // the step takes something back (withdraw, unpublish)
	CancelURL string
	parents   []crumb // between the unit and the confirmation in the breadcrumb
}

type confirmGroup struct {
	Name  string
	Items []string
}

// stepWords is what each workflow step's confirmation says.
var stepWords = map[string]struct{ heading, button string }{
	assess.StepSubmit:    {"确认提交复核", "确认提交"},
	assess.StepReturn:    {"确认退回修改", "确认退回"},
	assess.StepAccept:    {"确认复核通过", "确认通过"},
	assess.StepPublish:   {"确认公布评价结果", "确认公布"},
	assess.StepWithdraw:  {"确认撤回提交", "确认撤回"},
	assess.StepUnpublish: {"确认撤销公布", "确认撤销公布"},
}

// askStep shows the confirmation of a workflow step, or the refusal the step would
// meet (on the assessment page) when it may not be taken now.
func (s *Server) askStep(w http.ResponseWriter, r *http.Request, step string, id int64) error {
	ctx, a := r.Context(), info(r).actor
	seen, note := r.PostForm.Get("status"), strings.TrimSpace(r.PostForm.Get("note"))
	v, err := s.svc.Assess.CheckStep(ctx, a, id, step, seen)
	if err == nil {
		err = stepInput(step, note, v)
	}
	if err != nil {
		refusal, ok := userMessage(err)
		if !ok {
			return err
		}
		return s.renderAssessment(w, r, statusOf(err), id, func(p *assessmentPage) { p.Message = refusal })
	}
	u, as := v.Unit, v.Assessment
	what := u.Name + strconv.Itoa(as.Period) + "年度" + v.Program.FW.Name
	above := "上级"
	if u.ParentID != 0 {
		if pu, err := s.svc.Store.Unit(ctx, u.ParentID); err == nil {
			above = "上级（" + pu.Name + "）"
		}
	}
	p := &confirmPage{Heading: stepWords[step].heading, Button: stepWords[step].button, Action: assessmentURL(id) + "/" + step,
		CancelURL: assessmentURL(id), Fields: []option{{Label: "status", Value: as.Status}}, parents: assessmentCrumbs(v)}
	fin := v.Final()
	result := "总分" + num(fin.Total) + "分"
	if v.Program.FW.IsVerdict() {
		result = "结论「" + fin.Verdict + "」"
	} else if fin.Grade != "" {
		result += "，等次「" + fin.Grade + "」"
	}
	switch step {
	case assess.StepSubmit:
		p.Lines = []string{"将" + what + "的自评提交" + above + "复核。",
			"提交后，数据、评分和证明材料即被锁定，复核期间不能修改。",
			"复核人员开始复核之前，可以撤回提交。",
			"当前自评结果：" + result + "。"}
	case assess.StepReturn:
		p.Lines = []string{"将" + what + "的自评退回" + u.Name + "修改。",
			"退回说明和各测评点的复核意见将告知" + u.Name + "，其修改后重新提交。"}
	case assess.StepAccept:
		p.Lines = []string{"确认" + what + "复核通过，结果以复核为准：" + result + "。",
			"复核通过后结果锁定；失分的测评点（数据缺失的除外）列入问题清单，交" + u.Name + "整改。",
			"复核通过后还须公布，结果才出现在评价结果通报上。"}
	case assess.StepPublish:
		p.Lines = []string{"公布" + what + "的评价结果（" + result + "）。",
			"公布后，结果出现在公开的评价结果通报上，任何人都能看到，并参与已公布结果的排名。",
			"公布后如有错误，复核人员可以写明理由撤销公布。"}
	case assess.StepWithdraw:
		p.Danger = true
		p.Lines = []string{"撤回" + what + "的提交。",
			"撤回后自评回到「" + ziping.StatusNames[withdrawnStatus(as)] + "」，可以继续修改，须重新提交；" + above + "的待复核列表中不再有这项自评。",
			"撤回记入审计日志。"}
	case assess.StepUnpublish:
		p.Danger = true
		p.Lines = []string{"撤销公布" + what + "的评价结果。",
			"撤销后，结果从公开的评价结果通报中移除，已公布结果的排名重新计算；自评回到「已复核」，可以再次公布。",
			"撤销理由记入审计日志。"}
	}
	if note != "" {
		label := map[string]string{assess.StepReturn: "退回说明", assess.StepAccept: "复核说明", assess.StepUnpublish: "撤销理由"}[step]
		p.Quote = option{Label: label, Value: note}
		p.Fields = append(p.Fields, option{Label: "note", Value: note})
	}
	return s.renderConfirm(w, r, u, p)
}

// stepInput refuses, before asking, what the step needs and the form lacks.
func stepInput(step, note string, v *assess.AssessmentView) error {
	switch step {
	case assess.StepUnpublish:
		if note == "" {
			return ziping.Errorf(ziping.Invalid, "撤销公布须写明理由")
		}
	case assess.StepReturn:
		if note == "" && len(v.Scores[ziping.SideReview]) == 0 {
			return ziping.Errorf(ziping.Invalid, "退回须写明理由：填写退回说明，或对测评点写复核意见")
		}
	}
	if len([]rune(note)) > 2000 {
		return ziping.Errorf(ziping.Invalid, "说明不能超过2000字")
	}
	return nil
}

// withdrawnStatus is the status a withdrawn submission goes back to.
func withdrawnStatus(as *ziping.Assessment) string {
	if as.Status == ziping.StatusResubmitted {
		return ziping.StatusReturned
	}
	return ziping.StatusDraft
}

// renderConfirm renders a confirmation under unit u's breadcrumb.
func (s *Server) renderConfirm(w http.ResponseWriter, r *http.Request, u *ziping.OrgUnit, p *confirmPage) error {
	if err := s.fillUnitPage(r, &p.Page, u, p.Heading); err != nil {
		return err
	}
	if n := len(p.Crumbs); n > 0 && len(p.parents) > 0 {
		p.Crumbs = append(append(p.Crumbs[:n-1:n-1], p.parents...), p.Crumbs[n-1])
	}
	if ri := info(r); ri.session != nil {
		p.CSRF = ri.session.CSRF
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "confirm", p)
}

// confirmed reports whether the form is the confirmation's.
func confirmed(r *http.Request) bool { return r.PostForm.Get("confirm") == "1" }

// askPublishAll asks before 公布全部已复核结果, naming every unit whose result will be
// published; with none, it says so on the ranking page as the step would.
func (s *Server) askPublishAll(w http.ResponseWriter, r *http.Request, u *ziping.OrgUnit, sel *selection) error {
	units, err := s.svc.Assess.Publishable(r.Context(), info(r).actor, u, sel.FW, sel.Period)
	if err != nil {
		return err
	}
	back := sel.link(unitURL(u.Code) + "/ranking")
	if len(units) == 0 {
		return s.done(w, r, "没有已复核、待公布的评价结果。", back)
	}
	fwName := sel.FW
	if prog, err := s.svc.Assess.Program(r.Context(), sel.FW, ""); err == nil {
		fwName = prog.FW.Name
	}
	n := strconv.Itoa(len(units))
	p := &confirmPage{Heading: "确认公布全部已复核结果", Button: "确认公布这" + n + "个单位的结果",
		Action: sel.link(unitURL(u.Code) + "/ranking/publish"), CancelURL: back,
		Lines: []string{"将公布" + u.Name + "范围内" + n + "个单位" + strconv.Itoa(sel.Period) + "年度" + fwName + "的评价结果（名单见下）。",
			"公布后，这些结果出现在公开的评价结果通报上，任何人都能看到，并参与已公布结果的排名。",
			"公布后如有错误，复核人员可以在各单位的自评页面写明理由撤销公布。"}}
	g := confirmGroup{Name: "将公布的单位（" + n + "个）"}
	for _, x := range units {
		g.Items = append(g.Items, x.Name)
	}
	p.Groups = []confirmGroup{g}
	return s.renderConfirm(w, r, u, p)
}

// assessmentCrumbs lead from a unit to its assessment v.
func assessmentCrumbs(v *assess.AssessmentView) []crumb {
	return []crumb{{Name: "自评与复核", URL: unitURL(v.Unit.Code) + "/assessments"},
		{Name: strconv.Itoa(v.Assessment.Period) + "年度自评", URL: assessmentURL(v.Assessment.ID)}}
}
