package report

import (
	"strconv"
	"strings"

	"ziping/docx"
	"ziping/engine"
)

// writer writes the parts of one report ziping words itself, with the framework's
// report templates and one set of counts.
type writer struct {
	res *engine.Result
	fw  *engine.Framework
	txt *engine.ReportText
	all counts
	doc engine.TextData // the document fields, copied for each template
	// leaf names the leaves of the tree: 测评点, or the last level of a framework of
	// three levels or more (考查要点).
	leaf string
}

func newWriter(res *engine.Result, fw *engine.Framework, opt BuildOptions) *writer {
	w := &writer{res: res, fw: fw, txt: fw.Text(), all: countResult(res, fw), leaf: "测评点"}
	if names := fw.LevelNames(); fw.Depth() > 2 {
		w.leaf = names[len(names)-1]
	}
	d := engine.NewTextData(res)
	d.Unit, d.Parent, d.Period = res.Unit.Name, firstOf(res.Unit.ParentName, opt.Parent), res.Period
	d.Issuer = firstOf(opt.Issuer, DefaultIssuer(fw, res.Unit.Name))
	if doc := w.txt.Document; doc != "" {
		d.Document = "《" + strings.Trim(doc, "《》") + "》"
	}
	d.Name, d.Verdict = fw.Name, fw.IsVerdict()
	c := w.all
	d.Total, d.Max, d.Score, d.Bonus = fw.FormatScore(res.Total), fw.FormatScore(res.Max), fw.FormatScore(res.Score), fw.FormatScore(res.BonusTotal)
	d.Points, d.Passed, d.Failed, d.Pending, d.Uncomputable = c.points, c.passed, c.failed, c.pending, c.uncomputable
	d.Lost = fw.FormatScore(c.lost)
	if c.decided() {
		d.Grade, d.Conclusion = res.Grade, res.Verdict
	}
	var vetoes []string
	for _, v := range res.Vetoes {
		if v.Triggered {
			vetoes = append(vetoes, v.Reason)
		}
	}
	d.Vetoes = strings.Join(vetoes, "；")
	w.doc = *d
	return w
}

// DefaultIssuer is who signs the report of unit when nobody says: the county's or
// city's 人民政府 (银昌县人民政府), a school or kindergarten itself.
func DefaultIssuer(fw *engine.Framework, unit string) string {
	if fw.Level == engine.LevelSchool || fw.Level == engine.LevelKindergarten {
		return unit
	}
	return unit + "人民政府"
}

// data is a fresh copy of the document's template data.
func (w *writer) data() *engine.TextData {
	d := w.doc
	return &d
}

// render renders a document template; "" when it renders nothing.
func (w *writer) render(name string) string {
	s, _ := w.txt.Render(name, w.data())
	return s
}

// point returns the framework's point of a result's point.
func (w *writer) point(ai, pi int) *engine.Point { return &w.fw.Areas[ai].Points[pi] }

// basicSection is the narrative's 基本情况, or paragraphs written from the data; in
// the default layout the evaluation's result and the area table follow them.
func (w *writer) basicSection(n *narrative, withResult bool) Section {
	if b := n.sections[SecBasic]; len(b) > 0 {
		return Section{Title: SecBasic, Blocks: b}
	}
	sec := Section{Title: SecBasic, Generated: true}
	for i := range w.txt.Paragraphs() {
		if s := w.render(sentenceName("basic", i)); s != "" {
			sec.Blocks = append(sec.Blocks, para(s))
		}
	}
	if withResult {
		sec.Blocks = append(sec.Blocks, w.resultBlocks()...)
	}
	return sec
}

func sentenceName(prefix string, i int) string {
	return prefix + "." + strconv.Itoa(i)
}

// resultBlocks are the result sentence and the area table.
func (w *writer) resultBlocks() []docx.Block {
	out := []docx.Block{para(w.render("result"))}
	return append(out, docx.Block{Kind: docx.TableBlock, Table: w.areaTable()})
}

// selfSection is 自查自评情况 of the self_first layout: the result, the area table
// and the deduction sentences of the score sheet, one paragraph per point.
func (w *writer) selfSection(n *narrative) Section {
	sec := Section{Title: SecSelf, Generated: true, Blocks: n.sections[SecSelf]}
	if len(sec.Blocks) > 0 {
		sec.Generated = false
		if holdsAny(sec.Blocks, []docx.Block{para(w.render("result"))}) {
			return sec // the narrative holds ziping's own text (an import)
		}
	}
	sec.Blocks = append(sec.Blocks, w.resultBlocks()...)
	var lines []string
	for _, a := range w.res.Areas {
		for _, p := range a.Points {
			if p.Status != engine.StatusScored || p.Lost <= 0 {
				continue
			}
			// One sentence a point: 「第3测评点…，扣3分；按在校学生…，扣3分。」
			reasons := make([]string, 0, len(p.Reasons))
			for i, r := range p.Reasons {
				r = engine.TidyReason(r)
				if i > 0 {
					r = strings.TrimPrefix(r, "第"+p.Code+"测评点")
				}
				reasons = append(reasons, r)
			}
			lines = append(lines, strings.Join(reasons, "；")+"。")
		}
	}
	if len(lines) > 0 {
		what := "扣分情况如下："
		if w.fw.IsVerdict() {
			what = "未达标情况如下："
		}
		sec.Blocks = append(sec.Blocks, para(what))
		for _, l := range lines {
			sec.Blocks = append(sec.Blocks, para(l))
		}
	}
	return sec
}

// ordinal opens the i-th paragraph of a list as Chinese reports do: 一是, 二是 …
func ordinal(i int) string { return chineseNumeral(i+1) + "是" }
