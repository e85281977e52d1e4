package web

import (
	"net/http"
	"strconv"
	"strings"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// carriedView is the bulk confirmation of what was copied from last year: the items
// grouped by area, every box ticked, one form (works without JavaScript: a button
// per area confirms that area's ticked items only).
type carriedView struct {
	Count  int
	Groups []carriedGroup
}

type carriedGroup struct {
	Key, Name string // Key: the area's code; "" for items outside the areas
	Items     []carriedRow
}

type carriedRow struct {
	Value, Text, Anchor, ID string
}

// areaNamer groups codes by the framework's areas: a code's area key and its name.
func areaNamer(fw *engine.Framework) func(code string) (string, string) {
	byCode := map[string][2]string{}
	for _, a := range fw.Areas {
		for _, pt := range a.Points {
			byCode[pt.Code] = [2]string{a.Code, a.Code + " " + a.Name}
		}
	}
	if fw.Bonus != nil {
		for _, pt := range fw.Bonus.Items {
			byCode[pt.Code] = [2]string{"bonus", "加分项"}
		}
	}
	for _, v := range fw.Vetoes {
		byCode[v.Code] = [2]string{"veto", "否决及降等情形"}
	}
	return func(code string) (string, string) {
		if g, ok := byCode[code]; ok {
			return g[0], g[1]
		}
		return "other", "其他"
	}
}

// carriedItemValue is an item's value in the bulk form: p:CODE or e:ID.
func carriedItemValue(it assess.CarriedItem) string {
	if it.Evidence != 0 {
		return "e:" + strconv.FormatInt(it.Evidence, 10)
	}
	return "p:" + it.Point
}

func carriedItemText(it assess.CarriedItem, veto bool) string {
	if veto && it.Evidence == 0 {
		return engine.PointLabel(it.Point) + "「" + it.Title + "」的认定"
	}
	if it.Evidence != 0 {
		t := "证明材料「" + it.Title + "」"
		if it.Point != "" {
			t = engine.PointLabel(it.Point) + "的" + t
		}
		return t
	}
	return engine.PointLabel(it.Point) + "「" + it.Title + "」的评分"
}

// newCarriedView groups the carried items of v by area, in framework order.
func newCarriedView(items []assess.CarriedItem, fw *engine.Framework) *carriedView {
	if len(items) == 0 {
		return nil
	}
	cv := &carriedView{Count: len(items)}
	area := areaNamer(fw)
	at := map[string]int{}
	for _, it := range items {
		key, name := area(it.Point)
		if it.Point == "" {
			key, name = "other", "其他证明材料"
		}
		i, ok := at[key]
		if !ok {
			i = len(cv.Groups)
			at[key] = i
			cv.Groups = append(cv.Groups, carriedGroup{Key: key, Name: name})
		}
		row := carriedRow{Value: carriedItemValue(it), Text: carriedItemText(it, key == "veto")}
		row.ID = "carried-" + strings.ReplaceAll(row.Value, ":", "-")
		if it.Point != "" {
			row.Anchor = pointAnchor(it.Point)
		}
		cv.Groups[i].Items = append(cv.Groups[i].Items, row)
	}
	return cv
}

// carriedConfirm confirms, after asking, the ticked items copied from last year
// (all of them, or one area's when its button was pressed): all or nothing.
func (s *Server) carriedConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), info(r).actor
	v, err := s.svc.Assess.Assessment(ctx, a, id)
	if err != nil {
		return err
	}
	if err := assess.MayScore(a, v.Assessment, v.Unit, ziping.SideSelf); err != nil {
		return s.refuseOnAssessment(w, r, id, err)
	}
	fw := v.Program.FW
	area := areaNamer(fw)
	only := r.PostForm.Get("area")
	var points []string
	var evidence []int64
	var chosen []assess.CarriedItem
	have := map[string]assess.CarriedItem{}
	for _, it := range s.svc.Assess.Carried(v) {
		have[carriedItemValue(it)] = it
	}
	for _, val := range r.PostForm["item"] {
		it, ok := have[val]
		if !ok {
			kind, rest, _ := strings.Cut(val, ":")
			if n, err := strconv.ParseInt(rest, 10, 64); kind == "e" && err == nil && n > 0 {
				// Not this assessment's, or no longer waiting: refuse the whole request.
				return ziping.Errorf(ziping.NotFound, "材料%d不属于这项自评或已经确认，未确认任何项目", n)
			}
			if kind == "p" && rest != "" && len(rest) <= 32 {
				return s.refuseOnAssessment(w, r, id, ziping.Errorf(ziping.Conflict, "%s没有待确认的评分，未确认任何项目。请刷新后重新选择", engine.PointLabel(rest)))
			}
			return ziping.Errorf(ziping.Invalid, "表单已损坏，请刷新页面后重新选择")
		}
		if key, _ := area(it.Point); only != "" && key != only && !(it.Point == "" && only == "other") {
			continue
		}
		chosen = append(chosen, it)
		if it.Evidence != 0 {
			evidence = append(evidence, it.Evidence)
		} else {
			points = append(points, it.Point)
		}
	}
	if len(chosen) == 0 {
		return s.refuseOnAssessment(w, r, id, ziping.Errorf(ziping.Invalid, "请勾选要确认的项目"))
	}
	if !confirmed(r) {
		p := &confirmPage{Heading: "确认沿用上年的项目", Button: "确认这" + strconv.Itoa(len(chosen)) + "项",
			Action: assessmentURL(id) + "/carried", CancelURL: assessmentURL(id) + "#carried", parents: assessmentCrumbs(v),
			Lines: []string{"以下" + strconv.Itoa(len(chosen)) + "项评分和证明材料沿用自" + strconv.Itoa(v.Assessment.Period-1) +
				"年度，确认后作为" + v.Unit.Name + strconv.Itoa(v.Assessment.Period) + "年度自评的内容，不再标记「待确认」。",
				"请确认它们仍然适用于本年度；不适用的，请返回取消勾选，再逐项修改或移除。每一项确认都记入审计日志。"}}
		for _, g := range newCarriedView(chosen, fw).Groups {
			cg := confirmGroup{Name: g.Name}
			for _, it := range g.Items {
				cg.Items = append(cg.Items, it.Text)
				p.Fields = append(p.Fields, option{Label: "item", Value: it.Value})
			}
			p.Groups = append(p.Groups, cg)
		}
		return s.renderConfirm(w, r, v.Unit, p)
	}
	n, err := s.svc.Assess.ConfirmCarried(ctx, a, id, points, evidence)
	if err != nil {
		return s.refuseOnAssessment(w, r, id, err)
	}
	return s.done(w, r, "已确认"+strconv.Itoa(n)+"项沿用自上年的评分和证明材料。", assessmentURL(id))
}

// refuseOnAssessment shows a refusal on the assessment page, or the error page when
// it is not one the page shows in place.
func (s *Server) refuseOnAssessment(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	msg, ok := userMessage(err)
	if !ok {
		return err
	}
	return s.renderAssessment(w, r, statusOf(err), id, func(p *assessmentPage) { p.Message = msg })
}
