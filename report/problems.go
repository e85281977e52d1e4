package report

import (
	"strconv"
	"strings"

	"ziping/docx"
	"ziping/engine"
)

// problemSection is 存在问题, written from the deductions: a lead with the counts,
// then by topic — the area, then the point — one paragraph per point that lost
// marks, merging its rules' findings with their figures, and the points the data
// cannot compute; then the triggered vetoes, then what the narrative adds. Points
// waiting for a person are counted in the lead, not listed: they are not findings.
func (w *writer) problemSection(n *narrative) Section {
	sec := Section{Title: SecProblems, Generated: true}
	sec.Blocks = append(sec.Blocks, para(w.problemLead()))
	for ai := range w.res.Areas {
		sec.Blocks = append(sec.Blocks, w.areaProblems(ai)...)
	}
	var vetoes []string
	for _, v := range w.res.Vetoes {
		if v.Triggered {
			vetoes = append(vetoes, engine.TidyReason(v.Reason)+"。")
		}
	}
	if len(vetoes) > 0 {
		title := "存在否决或降等情形"
		if w.fw.IsVerdict() {
			title = "存在一票否决情形"
		}
		sec.Blocks = append(sec.Blocks, heading(2, title))
		for _, v := range vetoes {
			sec.Blocks = append(sec.Blocks, para(v))
		}
	}
	if b := n.sections[SecProblems]; len(b) > 0 {
		if holdsAny(b, sec.Blocks) {
			// The narrative holds what ziping wrote (an imported ziping report, or
			// text copied from an earlier draft): it is the section, not an addition.
			return Section{Title: SecProblems, Blocks: b}
		}
		sec.Blocks = append(sec.Blocks, b...)
		sec.Generated = false
	}
	return sec
}

// holdsAny reports whether the narrative's blocks hold any of the generated
// paragraphs word for word.
func holdsAny(narrative, generated []docx.Block) bool {
	have := map[string]bool{}
	for _, b := range narrative {
		if b.Kind == docx.Paragraph {
			have[strings.TrimSpace(b.Text)] = true
		}
	}
	for _, g := range generated {
		if g.Kind == docx.Paragraph && have[strings.TrimSpace(g.Text)] {
			return true
		}
	}
	return false
}

// problemLead counts what follows: 「经自评，共有13个测评点扣分，合计扣24分。主要问题如下：」.
func (w *writer) problemLead() string {
	c := w.all
	var s string
	switch {
	case c.failed == 0 && w.doc.Vetoes == "":
		s = "经自评，已评分的" + w.leaf + "均未发现扣分或未达标情况。"
		if c.pending == 0 {
			s = "经自评，各" + w.leaf + "均未发现扣分或未达标情况。"
		}
	case w.fw.IsVerdict():
		s = "经自评，共有" + strconv.Itoa(c.failed) + "个" + w.leaf + "未达标"
	default:
		s = "经自评，共有" + strconv.Itoa(c.failed) + "个" + w.leaf + "扣分，合计扣" + w.fw.FormatScore(c.lost) + "分"
	}
	if c.failed == 0 && w.doc.Vetoes != "" {
		s = "经自评，存在否决或降等情形"
	}
	if !strings.HasSuffix(s, "。") {
		s += "。"
	}
	s += w.pendingNote(c)
	if c.failed > 0 || w.doc.Vetoes != "" {
		s += "主要问题如下："
	}
	return s
}

// areaProblems is the heading and paragraphs of one area's problems, none when it
// has none.
func (w *writer) areaProblems(ai int) []docx.Block {
	a := &w.res.Areas[ai]
	var paras []docx.Block
	lost := 0
	for pi := range a.Points {
		if pr := &a.Points[pi]; pr.Status == engine.StatusScored && pr.Lost > 0 {
			lost++
		}
	}
	k := 0
	for pi := range a.Points {
		pr := &a.Points[pi]
		switch {
		case pr.Status == engine.StatusScored && pr.Lost > 0:
			// 「一是」 only where a 「二是」 follows: a lone problem is stated plainly.
			ord := ""
			if lost > 1 {
				ord = ordinal(k)
			}
			paras = append(paras, para(w.pointProblem(ai, pi, ord)))
			k++
		case pr.Status == engine.StatusUncomputable:
			paras = append(paras, para(w.uncomputable(ai, pi)))
		}
	}
	if len(paras) == 0 {
		return nil
	}
	title := a.Name
	if at := w.txt.Area(a.Code); at != nil && at.Problem != "" {
		title = at.Problem
	}
	return append([]docx.Block{heading(2, title)}, paras...)
}

// pointProblem is the paragraph of a point that lost marks: 「一是学前教育公办资源
// 不足（第6测评点扣1分）。公办园在园幼儿占比为47.7%，低于50%的标准2.3个百分点。」
func (w *writer) pointProblem(ai, pi int, ord string) string {
	pt, pr := w.point(ai, pi), &w.res.Areas[ai].Points[pi]
	d := w.data()
	d.SetPoint(w.fw, pt, pr, ord)
	issue, _ := w.txt.Render("point."+pt.Code+".issue", d)
	if issue == "" {
		issue, _ = w.txt.Render("issue", d)
	}
	ref := w.fw.PointPath(pt.Code) + "扣" + w.fw.FormatScore(pr.Lost) + "分"
	if w.fw.IsVerdict() {
		ref = w.pointRef(pt.Code)
	}
	var findings []string
	for _, det := range pr.Details {
		if det.Status != engine.StatusScored {
			continue
		}
		d.SetRule(w.fw, pt, det.Rule, &det)
		if s := w.ruleSentence("problem", &pt.Rules[det.Rule], d); s != "" {
			findings = append(findings, s)
		}
	}
	if len(findings) == 0 {
		// A reviewer's adjustment replaces the data's details with one reason.
		for _, r := range pr.Reasons {
			findings = append(findings, strings.TrimPrefix(engine.TidyReason(r), "第"+pt.Code+"测评点"))
		}
	}
	text := ord + strings.TrimSuffix(issue, "。") + "（" + ref + "）。"
	if len(findings) > 0 {
		text += engine.TidyReason(strings.Join(findings, "；")) + "。"
	}
	return text
}

// uncomputable is the paragraph of a point the data cannot compute.
func (w *writer) uncomputable(ai, pi int) string {
	pt, pr := w.point(ai, pi), &w.res.Areas[ai].Points[pi]
	var why []string
	for _, det := range pr.Details {
		if det.Status == engine.StatusUncomputable && det.Why != "" {
			why = append(why, det.Why)
		}
	}
	s := pt.Title + "（" + w.pointRef(pt.Code) + "）因数据缺失暂无法计算"
	if len(why) > 0 {
		s += "（" + strings.Join(why, "；") + "）"
	}
	return s + "，待补齐数据后评分。"
}

// pointRef names a point in brackets: 测评点12 (加分项1 for the bonus item J1), or in a framework of three levels or
// more its path, 关键指标B4第(2)项.
func (w *writer) pointRef(code string) string {
	if w.fw.Depth() > 2 {
		return w.fw.PointPath(code)
	}
	return engine.PointLabel(code)
}
