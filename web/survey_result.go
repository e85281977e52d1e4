package web

import (
	"fmt"
	"net/http"
	"strconv"

	"ziping/survey"
)

// surveyResultPage is a round's 认可度 under every convention, by group, question,
// school and area, the weakest questions and schools first.
type surveyResultPage struct {
	Page
	ID            int64
	Title, County string
	Method        string
	Methods       []string
	Threshold     float64
	Overall       statRow
	Passed        bool
	Responses     int
	Excluded      int
	Clustering    survey.Clustering
	EffectiveN    string
	Sections      []statSection
	Unknown       bool
	Charts        resultCharts
	AdminCSS      string
	EChartsJS     string
	AdminJS       string
}

// statRow is a Stat as the page shows it: every convention, the headline first.
type statRow struct {
	Name     string
	Group    string
	N        int
	Unknown  int
	Quota    int
	Top2     string
	Mean     string
	Value    string
	Headline string
	Interval string
	Low      bool // below the threshold
	OK       bool
}

// statSection is one table of the result page.
type statSection struct {
	Title, ID string
	Rows      []statRow
	Quota     bool
}

// resultCharts is the JSON the charts are drawn from.
type resultCharts struct {
	Groups    []string  `json:"groups"`
	Counts    []int     `json:"counts"`
	Quotas    []int     `json:"quotas"`
	GroupFig  []float64 `json:"group_figures"`
	Questions []string  `json:"questions"`
	QFig      []float64 `json:"question_figures"`
	Threshold float64   `json:"threshold"`
	Method    string    `json:"method"`
}

func (s *Server) surveyResultPage(w http.ResponseWriter, r *http.Request) error {
	_, cl, err := s.roundCalc(r)
	if err != nil {
		return err
	}
	a := info(r).actor
	_, assets, err := s.current()
	if err != nil {
		return err
	}
	res, f := cl.Result, cl.File
	m := f.Computation.Method
	p := &surveyResultPage{Page: Page{Title: cl.Setup.Title + " 调查结果", Nav: "units"}, ID: cl.Round.ID, Title: cl.Setup.Title,
		County: cl.Unit.Name, Method: survey.MethodNames[m], Threshold: res.Threshold, Responses: res.Responses, Excluded: res.Excluded,
		Clustering: res.Clustering, EffectiveN: fmt.Sprintf("%.0f", res.EffectiveN), Unknown: f.Computation.UnknownInDenominator,
		AdminCSS: assets.url("surveyadmin.css"), EChartsJS: assets.url("echarts.min.js"), AdminJS: assets.url("surveyadmin.js")}
	for _, mm := range survey.Methods {
		p.Methods = append(p.Methods, survey.MethodNames[mm])
	}
	row := func(st survey.Stat) statRow {
		out := statRow{Name: st.Name, Group: st.Group, N: st.N, Unknown: st.Unknown, Quota: st.Quota, OK: st.Figures.OK}
		if st.Figures.OK {
			h := st.Headline(m)
			out.Top2, out.Mean, out.Value = pct1(st.Figures.Top2), pct1(st.Figures.Mean), pct1(st.Figures.Value)
			out.Headline, out.Interval = pct1(h), pct1(st.Low)+"–"+pct1(st.High)
			out.Low = res.Threshold > 0 && h < res.Threshold
		}
		return out
	}
	p.Overall = row(res.Overall)
	p.Passed = res.Overall.Figures.OK && !p.Overall.Low
	sec := func(title, id string, quota bool, ss []survey.Stat) {
		out := statSection{Title: title, ID: id, Quota: quota}
		for _, st := range ss {
			out.Rows = append(out.Rows, row(st))
		}
		p.Sections = append(p.Sections, out)
	}
	sec("按调查对象", "result-groups", true, res.Groups)
	sec("按题目（最弱在前，从这里着手改进）", "result-questions", false, res.Questions)
	sec("按学校（最弱在前）", "result-schools", true, res.Schools)
	sec("按城乡", "result-areas", true, res.Areas)
	for _, st := range res.Groups {
		p.Charts.Groups = append(p.Charts.Groups, st.Name)
		p.Charts.GroupFig = append(p.Charts.GroupFig, round1(st.Headline(m)))
	}
	for _, c := range cl.Progress.Groups {
		p.Charts.Counts, p.Charts.Quotas = append(p.Charts.Counts, c.Count), append(p.Charts.Quotas, c.Quota)
	}
	for _, st := range res.Questions {
		p.Charts.Questions = append(p.Charts.Questions, shortText(st.Name, 14))
		p.Charts.QFig = append(p.Charts.QFig, round1(st.Headline(m)))
	}
	p.Charts.Threshold, p.Charts.Method = res.Threshold, survey.MethodNames[m]
	if p.Crumbs, err = s.crumbs(r.Context(), a, cl.Unit); err != nil {
		return err
	}
	p.Crumbs = append(p.Crumbs, crumb{Name: "社会认可度调查", URL: unitURL(cl.Unit.Code) + "/surveys"},
		crumb{Name: strconv.Itoa(cl.Round.Period) + "年度", URL: fmt.Sprintf("/surveys/%d", cl.Round.ID)}, crumb{Name: "调查结果"})
	return s.render(w, r, http.StatusOK, "surveyresult", p)
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

func shortText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
