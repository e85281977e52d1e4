package report

import (
	"strconv"
	"strings"

	"ziping/docx"
	"ziping/engine"
)

// practiceSection is 主要做法及成效: the narrative's introduction, then one part per
// area: the narrative's text for the area first, then what the data shows the area
// achieved (unless the area's text says {{nodata}} or the framework switches it off).
func (w *writer) practiceSection(n *narrative) Section {
	sec := Section{Title: SecPractice, Generated: true, Blocks: n.sections[SecPractice]}
	if len(sec.Blocks) > 0 {
		sec.Generated = false
	}
	for ai := range w.res.Areas {
		a := &w.res.Areas[ai]
		sec.Blocks = append(sec.Blocks, heading(2, a.Name))
		if b := n.areas[ai]; len(b) > 0 {
			sec.Blocks = append(sec.Blocks, b...)
			sec.Generated = false
		}
		at := w.txt.Area(a.Code)
		if n.noData[ai] || (at != nil && at.Generate != nil && !*at.Generate) {
			continue
		}
		if s := w.achieved(ai); s != "" {
			sec.Blocks = append(sec.Blocks, para(s))
		} else if len(n.areas[ai]) == 0 {
			sec.Blocks = append(sec.Blocks, para("本方面的问题见“存在问题”部分。"))
		}
	}
	return sec
}

// achieved is what area ai achieved, point by point: a point that lost nothing by
// its point sentence when the framework words one, otherwise a sentence per rule
// that lost nothing; then how many points wait for a score.
func (w *writer) achieved(ai int) string {
	a := &w.res.Areas[ai]
	var sentences []string
	pending := 0
	for pi := range a.Points {
		if a.Points[pi].Status != engine.StatusScored {
			pending++
		}
		if s := w.pointAchieved(ai, pi); s != "" {
			sentences = append(sentences, s)
		}
	}
	switch {
	case len(sentences) == 0 && pending > 0:
		return "本方面" + strconv.Itoa(pending) + "个测评点待评。"
	case len(sentences) == 0:
		return ""
	case pending > 0:
		return strings.Join(sentences, "。") + "。本方面另有" + strconv.Itoa(pending) + "个测评点待评。"
	}
	return strings.Join(sentences, "。") + "。"
}

// pointAchieved is one point's achievements, "" when it has none: the rules that
// lost nothing, also of a point whose other rules wait for a person.
func (w *writer) pointAchieved(ai, pi int) string {
	pt, pr := w.point(ai, pi), &w.res.Areas[ai].Points[pi]
	d := w.data()
	d.SetPoint(w.fw, pt, pr, "")
	if pr.Passed {
		if s, _ := w.txt.Render("point."+pt.Code+".achieved", d); s != "" {
			return strings.TrimSuffix(s, "。")
		}
	}
	var parts []string
	if d.Count != "0" {
		if s, _ := w.txt.Render("point."+pt.Code+".met", d); s != "" {
			// The point's own wording of its rules on metrics that lost nothing; its
			// other rules (people's) are worded one by one.
			parts = append(parts, strings.TrimSuffix(s, "。"))
			for ri := range pt.Rules {
				if pt.Rules[ri].Metric != "" {
					continue
				}
				if s := w.ruleAchieved(pt, pr, ri, d); s != "" {
					parts = append(parts, s)
				}
			}
			return strings.Join(parts, "；")
		}
	}
	for ri := range pt.Rules {
		if s := w.ruleAchieved(pt, pr, ri, d); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "；")
}

// ruleAchieved is what rule ri achieved, "" when it lost points (存在问题 says it;
// a checklist's items met are still stated) or waits for a person or for data.
func (w *writer) ruleAchieved(pt *engine.Point, pr *engine.PointResult, ri int, d *engine.TextData) string {
	det := detailOf(pr, ri)
	if det != nil && det.Status != engine.StatusScored {
		return ""
	}
	if det != nil && (pt.Rules[ri].Kind != engine.RuleChecklist || len(det.Missing) == len(pt.Rules[ri].Items)) {
		return ""
	}
	d.SetRule(w.fw, pt, ri, det)
	return w.ruleSentence("achieved", &pt.Rules[ri], d)
}

// ruleSentence renders a rule's sentence of kind ("achieved" or "problem"): the
// framework's wording of its metric, else of its rule kind. A rule on a metric the
// data cannot give says nothing.
func (w *writer) ruleSentence(kind string, r *engine.Rule, d *engine.TextData) string {
	if r.Metric != "" && d.Value == "" && d.Count == "" {
		return ""
	}
	if r.Metric != "" {
		if s, ok := w.txt.Render("metric."+r.Metric+"."+kind, d); ok && s != "" {
			return strings.TrimSuffix(s, "。")
		}
	}
	s, _ := w.txt.Render(kind+"."+r.Kind, d)
	return strings.TrimSuffix(s, "。")
}

// detailOf is the detail of rule ri of a point, or nil when the rule lost nothing.
func detailOf(pr *engine.PointResult, ri int) *engine.RuleDetail {
	for i := range pr.Details {
		if pr.Details[i].Rule == ri {
			return &pr.Details[i]
		}
	}
	return nil
}

// pendingNote says how many points wait for a score, "" when none.
func pendingNote(c counts) string {
	if c.pending == 0 {
		return ""
	}
	s := "另有" + strconv.Itoa(c.pending) + "个测评点待评"
	if c.uncomputable > 0 {
		s += "（其中" + strconv.Itoa(c.uncomputable) + "个因数据缺失无法计算）"
	}
	return s + "。"
}

// areaTable is the areas with their marks (grade frameworks) or point counts
// (verdict frameworks), and a total row, from the report's one set of counts.
func (w *writer) areaTable() *docx.Table {
	fw := w.fw
	open := w.all.pending > 0
	if fw.IsVerdict() {
		t := &docx.Table{Header: []string{"评估内容", "测评点", "达标", "未达标"}, Widths: []float64{4, 1.2, 1.2, 1.2}}
		if open {
			t.Header, t.Widths = append(t.Header, "待评"), append(t.Widths, 1.2)
		}
		row := func(name string, c counts) []string {
			r := []string{name, strconv.Itoa(c.points), strconv.Itoa(c.passed), strconv.Itoa(c.failed)}
			if open {
				r = append(r, strconv.Itoa(c.pending))
			}
			return r
		}
		for i := range w.res.Areas {
			t.Rows = append(t.Rows, row(w.res.Areas[i].Name, countArea(&w.res.Areas[i], fw)))
		}
		t.Rows = append(t.Rows, row("合计", w.all))
		return t
	}
	t := &docx.Table{Header: []string{"评价内容", "满分", "自评得分", "扣分"}, Widths: []float64{4.4, 1.1, 1.3, 1.1}}
	if open {
		t.Header, t.Widths = append(t.Header, "待评分值"), append(t.Widths, 1.3)
	}
	row := func(name string, max, score float64, c counts) []string {
		r := []string{name, fw.FormatScore(max), fw.FormatScore(score), fw.FormatScore(c.lost)}
		if open {
			r = append(r, fw.FormatScore(c.open))
		}
		return r
	}
	for i := range w.res.Areas {
		a := &w.res.Areas[i]
		t.Rows = append(t.Rows, row(a.Name, a.Max, a.Score, countArea(a, fw)))
	}
	if w.res.BonusTotal != 0 {
		t.Rows = append(t.Rows, []string{"加分", "", fw.FormatScore(w.res.BonusTotal), ""})
		if open {
			t.Rows[len(t.Rows)-1] = append(t.Rows[len(t.Rows)-1], "")
		}
	}
	t.Rows = append(t.Rows, row("合计", w.res.Max, w.res.Total, w.all))
	return t
}
