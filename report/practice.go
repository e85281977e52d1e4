package report

import (
	"slices"
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
			if !holdsAny(n.areas[ai], []docx.Block{para(s)}) {
				sec.Blocks = append(sec.Blocks, para(s))
			}
		} else if len(n.areas[ai]) == 0 {
			sec.Blocks = append(sec.Blocks, para("本方面的问题见“存在问题”部分。"))
		}
	}
	return sec
}

// achieved is what area ai achieved, point by point: a point that lost nothing by
// its point sentence when the framework words one, otherwise a sentence per rule
// that lost nothing; the checklist items met in the area in one sentence after
// them; then how many points wait for a score.
func (w *writer) achieved(ai int) string {
	a := &w.res.Areas[ai]
	var sentences, items []string
	pending := 0
	for pi := range a.Points {
		if a.Points[pi].Status != engine.StatusScored {
			pending++
		}
		s, its := w.pointAchieved(ai, pi)
		if s != "" {
			sentences = append(sentences, s)
		}
		items = append(items, its...)
	}
	if len(items) > 0 {
		d := w.data()
		d.Items, d.Many = engine.QuoteJoin(items), len(items) > 1
		if s, _ := w.txt.Render("achieved."+engine.RuleChecklist, d); s != "" {
			sentences = append(sentences, strings.TrimSuffix(s, "。"))
		}
	}
	switch {
	case len(sentences) == 0 && pending > 0:
		return "本方面" + strconv.Itoa(pending) + "个" + w.leaf + "待评。"
	case len(sentences) == 0:
		return ""
	case pending > 0:
		return strings.Join(sentences, "。") + "。本方面另有" + strconv.Itoa(pending) + "个" + w.leaf + "待评。"
	}
	return strings.Join(sentences, "。") + "。"
}

// pointAchieved is one point's achievements: a sentence ("" when none) and the
// checklist items it met, which the area states together. A point whose other rules
// wait for a person still states the rules that lost nothing.
func (w *writer) pointAchieved(ai, pi int) (string, []string) {
	pt, pr := w.point(ai, pi), &w.res.Areas[ai].Points[pi]
	d := w.data()
	d.SetPoint(w.fw, pt, pr, "")
	if pr.Passed {
		if s, _ := w.txt.Render("point."+pt.Code+".achieved", d); s != "" {
			return strings.TrimSuffix(s, "。"), nil
		}
	}
	met := ""
	if d.Count != "0" {
		met, _ = w.txt.Render("point."+pt.Code+".met", d)
	}
	var parts, items []string
	if met != "" {
		// The point's own wording of its rules on metrics that lost nothing.
		parts = append(parts, strings.TrimSuffix(met, "。"))
	}
	for ri := range pt.Rules {
		if met != "" && pt.Rules[ri].Metric != "" {
			continue
		}
		s, its := w.ruleAchieved(pt, pr, ri, d)
		if s != "" {
			parts = append(parts, s)
		}
		items = append(items, its...)
	}
	return strings.Join(parts, "；"), items
}

// ruleAchieved is what rule ri achieved: its sentence, or for a checklist the items
// met. Nothing when it lost points (存在问题 says it; a checklist's items met are
// still given) or waits for a person or for data.
func (w *writer) ruleAchieved(pt *engine.Point, pr *engine.PointResult, ri int, d *engine.TextData) (string, []string) {
	r := &pt.Rules[ri]
	det := detailOf(pr, ri)
	if det != nil && det.Status != engine.StatusScored {
		return "", nil
	}
	if r.Kind == engine.RuleChecklist {
		var met []string
		for _, it := range r.Items {
			if det == nil || !slices.Contains(det.Missing, it.Text) {
				met = append(met, it.Text)
			}
		}
		return "", met
	}
	if det != nil {
		return "", nil
	}
	d.SetRule(w.fw, pt, ri, nil)
	return w.ruleSentence("achieved", r, d), nil
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
func (w *writer) pendingNote(c counts) string {
	if c.pending == 0 {
		return ""
	}
	s := "另有" + strconv.Itoa(c.pending) + "个" + w.leaf + "待评"
	if c.uncomputable > 0 {
		s += "（其中" + strconv.Itoa(c.uncomputable) + "个因数据缺失无法计算）"
	}
	return s + "。"
}

// areaTable is the areas with their marks (grade frameworks) or point counts
// (verdict frameworks), and a total row, from the report's one set of counts; in a
// framework of three levels or more, each area's groups follow it with their
// subtotals (its points are in 附件1).
func (w *writer) areaTable() *docx.Table {
	fw := w.fw
	open := w.all.pending > 0
	if fw.IsVerdict() {
		t := &docx.Table{Header: []string{"评估内容", w.leaf, "达标", "未达标"}, Widths: []float64{4, 1.2, 1.2, 1.2}, KeepTogether: true}
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
			a := &w.res.Areas[i]
			t.Rows = append(t.Rows, row(a.Name, countArea(a, fw)))
			w.walkArea(a, func(g *engine.GroupResult, c counts, depth int) {
				t.Rows = append(t.Rows, row(groupLabel(g, depth+1), c))
			}, func(*engine.PointResult, int) {})
		}
		t.Rows = append(t.Rows, row("合计", w.all))
		return t
	}
	t := &docx.Table{Header: []string{"评价内容", "满分", "自评得分", "扣分"}, Widths: []float64{4.4, 1.1, 1.3, 1.1}, KeepTogether: true}
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
		w.walkArea(a, func(g *engine.GroupResult, c counts, depth int) {
			t.Rows = append(t.Rows, row(groupLabel(g, depth+1), g.Max, g.Score, c))
		}, func(*engine.PointResult, int) {})
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
