package report

import (
	"strconv"
	"strings"

	"ziping/docx"
	"ziping/engine"
)

// scoreAnnex is 附件1, the score sheet (评分表): every area and point with its
// maximum, score, marks lost and reason; the bonus items, the vetoes, the total and
// the grade (or the verdict), from the report's one set of counts.
func (w *writer) scoreAnnex() Annex {
	fw, res := w.fw, w.res
	an := Annex{Label: "附件1", Title: res.Unit.Name + strconv.Itoa(res.Period) + "年度" + strings.TrimPrefix(fw.Name, "对") + "自评评分表"}
	if fw.IsVerdict() {
		an.Table = w.verdictSheet()
	} else {
		an.Table = w.gradeSheet()
	}
	c := w.all
	note := "注：共" + strconv.Itoa(c.points) + "个" + w.leaf
	if fw.IsVerdict() {
		note += "，达标" + strconv.Itoa(c.passed) + "个，未达标" + strconv.Itoa(c.failed) + "个"
	} else {
		note += "，得满分" + strconv.Itoa(c.passed) + "个，扣分" + strconv.Itoa(c.failed) + "个（合计扣" + fw.FormatScore(c.lost) + "分）"
	}
	if c.pending > 0 {
		note += "，待评" + strconv.Itoa(c.pending) + "个"
	}
	an.Notes = []string{note + "。"}
	return an
}

// pointLabel is 「1. 党委统一领导教育工作」 or 「A1 小学资源配置……」.
func pointLabel(code, title string) string {
	if _, err := strconv.Atoi(code); err == nil {
		return code + ". " + title
	}
	return code + " " + title
}

// pointReason is what the sheet says of a point: its reasons without the
// 「第N测评点」 the row already names.
func pointReason(p *engine.PointResult) string {
	switch p.Status {
	case engine.StatusPending:
		var known []string
		for _, r := range p.Reasons {
			if !strings.HasSuffix(r, "待人工评分") {
				known = append(known, strings.TrimPrefix(engine.TidyReason(r), "第"+p.Code+"测评点"))
			}
		}
		if len(known) > 0 {
			return strings.Join(known, "；") + "；其余待人工评分"
		}
		return "待人工评分"
	case engine.StatusUncomputable:
		var why []string
		for _, d := range p.Details {
			if d.Why != "" {
				why = append(why, d.Why)
			}
		}
		return "无法计算：" + strings.Join(why, "；")
	}
	var out []string
	for _, r := range p.Reasons {
		out = append(out, strings.TrimPrefix(engine.TidyReason(r), "第"+p.Code+"测评点"))
	}
	return strings.Join(out, "；")
}

func (w *writer) gradeSheet() *docx.Table {
	fw, res := w.fw, w.res
	t := &docx.Table{Header: []string{"评价内容与" + w.leaf, "满分", "得分", "扣分", "扣分原因"}, Widths: []float64{4.2, 1.05, 1.05, 1.05, 5.6}}
	for ai := range res.Areas {
		a := &res.Areas[ai]
		c := countArea(a, fw)
		t.Rows = append(t.Rows, []string{chineseNumeral(ai+1) + "、" + a.Name, fw.FormatScore(a.Max), fw.FormatScore(a.Score), fw.FormatScore(c.lost), ""})
		w.walkArea(a, func(g *engine.GroupResult, c counts, depth int) {
			t.Rows = append(t.Rows, []string{groupLabel(g, depth), fw.FormatScore(g.Max), fw.FormatScore(g.Score), fw.FormatScore(c.lost), ""})
		}, func(p *engine.PointResult, depth int) {
			score, lost := fw.FormatScore(p.Score), fw.FormatScore(p.Lost)
			if p.Status != engine.StatusScored {
				score, lost = "待评", "—"
			}
			t.Rows = append(t.Rows, []string{indent(depth) + pointLabel(p.Code, p.Title), fw.FormatScore(p.Max), score, lost, pointReason(p)})
		})
	}
	if fw.Bonus != nil {
		t.Rows = append(t.Rows, []string{"加分项（上限" + fw.FormatScore(fw.Bonus.Cap) + "分）", "", fw.FormatScore(res.BonusTotal), "", ""})
		for i := range res.Bonus {
			b := &res.Bonus[i]
			why := strings.Join(b.Reasons, "；")
			if b.Score == 0 {
				why = "未申报或未获加分"
			}
			t.Rows = append(t.Rows, []string{engine.PointRef(b.Code) + " " + b.Title, fw.FormatScore(b.Max), fw.FormatScore(b.Score), "", why})
		}
	}
	t.Rows = append(t.Rows, w.vetoRows(5)...)
	t.Rows = append(t.Rows, []string{"合计", fw.FormatScore(res.Max), fw.FormatScore(res.Total), fw.FormatScore(w.all.lost), w.pendingNote(w.all)})
	grade := "待定（尚有" + w.leaf + "待评）"
	if w.all.decided() {
		grade = res.Grade
	}
	t.Rows = append(t.Rows, []string{"等次", "", "", "", grade})
	return t
}

func (w *writer) verdictSheet() *docx.Table {
	res := w.res
	t := &docx.Table{Header: []string{"评估内容与" + w.leaf, "结果", "说明"}, Widths: []float64{5.4, 1.4, 6.2}}
	for ai := range res.Areas {
		a := &res.Areas[ai]
		c := countArea(a, w.fw)
		t.Rows = append(t.Rows, []string{chineseNumeral(ai+1) + "、" + a.Name, "", "达标" + strconv.Itoa(c.passed) + "个，未达标" + strconv.Itoa(c.failed) + "个"})
		w.walkArea(a, func(g *engine.GroupResult, c counts, depth int) {
			t.Rows = append(t.Rows, []string{groupLabel(g, depth), "", "达标" + strconv.Itoa(c.passed) + "个，未达标" + strconv.Itoa(c.failed) + "个"})
		}, func(p *engine.PointResult, depth int) {
			t.Rows = append(t.Rows, []string{indent(depth) + pointLabel(p.Code, p.Title), p.State(), pointReason(p)})
		})
	}
	t.Rows = append(t.Rows, w.vetoRows(3)...)
	verdict := "待定（尚有" + w.leaf + "待评）"
	if w.all.decided() {
		verdict = res.Verdict
	}
	t.Rows = append(t.Rows, []string{"结论", verdict, w.pendingNote(w.all)})
	return t
}

// vetoRows are the veto items: their state and reason, in a table of cols columns.
func (w *writer) vetoRows(cols int) [][]string {
	if len(w.res.Vetoes) == 0 {
		return nil
	}
	row := func(first, state, why string) []string {
		r := make([]string, cols)
		r[0], r[cols-1] = first, why
		if cols > 2 {
			r[1] = state
		}
		return r
	}
	title := "否决及降等情形"
	if w.fw.IsVerdict() {
		title = "一票否决情形"
	}
	out := [][]string{row(title, "", "")}
	for _, v := range w.res.Vetoes {
		state, why := "未发生", ""
		switch {
		case v.Triggered:
			state, why = "已认定", engine.TidyReason(v.Reason)
		case v.Pending:
			state, why = "待认定", engine.TidyReason(v.Reason)
		}
		if cols > 3 {
			why = strings.TrimSpace(state + "。" + why)
			why = strings.TrimSuffix(why, "。")
			state = ""
		}
		out = append(out, row(pointLabel(v.Code, v.Title), state, why))
	}
	return out
}
