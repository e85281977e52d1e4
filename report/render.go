package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"ziping/docx"
	"ziping/engine"
)

// The four sections every self-evaluation report shares, in order.
const (
	SecBasic       = "基本情况"
	SecPractice    = "主要做法及成效"
	SecProblems    = "存在问题"
	SecImprovement = "改进措施（下一步工作）"
)

// UnfilledImprovement is the line an unwritten 改进措施 section holds; Report.Lint
// reports it, so a report cannot be submitted until a person writes the section.
const UnfilledImprovement = "（请填写改进措施）"

// BuildOptions are what a report needs beyond the evaluation.
type BuildOptions struct {
	Issuer string    // 发文机关署名, e.g. 「银昌县人民政府」; empty leaves it out
	Date   time.Time // 成文日期; zero leaves it out
	// Plan is the rectification plan: 改进措施 is written from its measures when the
	// narrative does not write the section.
	Plan []PlanItem
	// MetricURL is the drill-down page of a metric; the HTML output links every
	// metric value bound in the narrative to it. Nil (or "") leaves values plain.
	MetricURL func(metricID string) string
}

// PlanItem is one problem of the rectification plan with its measures.
type PlanItem struct {
	Title    string // the point's title, the subsection heading
	Problem  string
	Measures string
	Owner    string
	Deadline time.Time
}

// Report is a self-evaluation report (自评报告): a title and the four sections.
// Blocks inside a section start at docx.Heading2 (the section title is the level-1
// heading); headings carry no numbers, the outputs number them.
type Report struct {
	Title    string
	Unit     engine.Unit
	Period   int
	Issuer   string
	Date     time.Time
	Sections []Section
	// Unbound lists the bound values of the narrative that could not be filled.
	Unbound BindErrors
	// bound and metricURL link the narrative's metric values in the HTML output.
	bound     map[string][]boundSpan
	metricURL func(string) string
}

// Section is one of the four top-level sections.
type Section struct {
	Title  string
	Blocks []docx.Block
	// Generated is true when ziping wrote the whole section (no narrative for it).
	Generated bool
}

// Build assembles the report of one evaluated unit: the narrative (Markdown, may be
// nil) supplies what people write, the result supplies the rest. When bound values
// in the narrative cannot be filled, Build returns the report (the values shown as
// 〔未绑定…〕 markers) together with a BindErrors error listing each one.
func Build(res *engine.Result, fw *engine.Framework, narrative []byte, opt BuildOptions) (*Report, error) {
	if res == nil || fw == nil {
		return nil, fmt.Errorf("report: build needs a result and its framework")
	}
	r := &Report{Title: title(res, fw), Unit: res.Unit, Period: res.Period, Issuer: opt.Issuer, Date: opt.Date}
	n, err := parseNarrative(narrative, newBinder(res), res.Areas)
	if err != nil {
		return nil, err
	}
	r.Unbound = n.unbound
	r.bound, r.metricURL = n.bound, opt.MetricURL
	r.Sections = []Section{
		basicSection(res, fw, n),
		practiceSection(res, fw, n),
		problemSection(res, fw, n),
		improvementSection(n, opt.Plan),
	}
	if len(r.Unbound) > 0 {
		return r, r.Unbound
	}
	return r, nil
}

// title is 「银昌县人民政府关于2024年度县域义务教育优质均衡发展督导评估的自评报告」.
func title(res *engine.Result, fw *engine.Framework) string {
	name := strings.TrimPrefix(fw.Name, "对")
	return fmt.Sprintf("%s人民政府关于%d年度%s的自评报告", res.Unit.Name, res.Period, name)
}

func para(text string) docx.Block { return docx.Block{Kind: docx.Paragraph, Text: text} }

func heading(level int, text string) docx.Block {
	return docx.Block{Kind: docx.Heading1 + docx.BlockKind(level-1), Text: text}
}

// num writes a score without trailing zeros: 20.5, 41.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func isVerdict(fw *engine.Framework) bool { return fw.Grading.Kind == "verdict" }

// basicSection is the narrative's 基本情况, or a generated paragraph of facts.
func basicSection(res *engine.Result, fw *engine.Framework, n *narrative) Section {
	if b := n.sections[SecBasic]; len(b) > 0 {
		return Section{Title: SecBasic, Blocks: b}
	}
	var s strings.Builder
	fmt.Fprintf(&s, "%s", res.Unit.Name)
	if res.Unit.ParentName != "" {
		fmt.Fprintf(&s, "隶属%s", res.Unit.ParentName)
	}
	var counts []string
	for _, m := range res.Metrics {
		if m.OK && (m.Unit == "所" || m.Unit == "人") && (strings.HasSuffix(m.ID, ".schools") || strings.HasSuffix(m.ID, ".students")) {
			counts = append(counts, strings.TrimSuffix(strings.TrimPrefix(m.Name, "纳入计算的"), "数")+m.Text())
		}
	}
	if len(counts) > 0 {
		fmt.Fprintf(&s, "，纳入本次评估计算的%s", strings.Join(counts, "、"))
	}
	fmt.Fprintf(&s, "。按照%s，%d年度自评", fw.Name, res.Period)
	if isVerdict(fw) {
		fmt.Fprintf(&s, "结论为%s", res.Verdict)
		if !res.Passed {
			fmt.Fprintf(&s, "，共%d项未达标", len(res.Failing))
		}
	} else {
		fmt.Fprintf(&s, "总分%s分（满分%s分）", num(res.Total), num(res.Max))
		if res.Grade != "" {
			fmt.Fprintf(&s, "，等次为%s", res.Grade)
		}
	}
	s.WriteString("。")
	s.WriteString(openNote(res))
	return Section{Title: SecBasic, Blocks: []docx.Block{para(s.String())}, Generated: true}
}

// openNote says how many points are not yet scored, or nothing.
func openNote(res *engine.Result) string {
	switch {
	case res.Pending > 0 && res.Uncomputable > 0:
		return fmt.Sprintf("另有%d个测评点待人工评分，%d个测评点因数据缺失无法计算。", res.Pending, res.Uncomputable)
	case res.Pending > 0:
		return fmt.Sprintf("另有%d个测评点待人工评分。", res.Pending)
	case res.Uncomputable > 0:
		return fmt.Sprintf("另有%d个测评点因数据缺失无法计算。", res.Uncomputable)
	}
	return ""
}

// practiceSection is the score table and one subsection per area: the narrative's
// paragraphs for the area, or a generated sentence stating its score.
func practiceSection(res *engine.Result, fw *engine.Framework, n *narrative) Section {
	sec := Section{Title: SecPractice, Generated: true}
	if b := n.sections[SecPractice]; len(b) > 0 {
		sec.Blocks = append(sec.Blocks, b...)
		sec.Generated = false
	}
	sec.Blocks = append(sec.Blocks, docx.Block{Kind: docx.TableBlock, Table: scoreTable(res, fw)})
	for i, a := range res.Areas {
		sec.Blocks = append(sec.Blocks, heading(2, a.Name))
		if b := n.areas[i]; len(b) > 0 {
			sec.Blocks = append(sec.Blocks, b...)
			sec.Generated = false
			continue
		}
		sec.Blocks = append(sec.Blocks, para(areaSentence(&a, fw)))
	}
	return sec
}

// tally counts an area's points by state.
type tally struct{ passed, failed, pending, uncomputable int }

func countPoints(a *engine.AreaResult) tally {
	var t tally
	for _, p := range a.Points {
		switch {
		case p.Status == engine.StatusPending:
			t.pending++
		case p.Status == engine.StatusUncomputable:
			t.uncomputable++
		case p.Passed:
			t.passed++
		default:
			t.failed++
		}
	}
	return t
}

func areaSentence(a *engine.AreaResult, fw *engine.Framework) string {
	t := countPoints(a)
	var s string
	if isVerdict(fw) {
		s = fmt.Sprintf("本项共%d个测评点，达标%d个，未达标%d个", len(a.Points), t.passed, t.failed)
	} else {
		s = fmt.Sprintf("本项共%d个测评点，满分%s分，得%s分", len(a.Points), num(a.Max), num(a.Score))
	}
	if t.pending > 0 {
		s += fmt.Sprintf("，待人工评分%d个", t.pending)
	}
	if t.uncomputable > 0 {
		s += fmt.Sprintf("，数据缺失无法计算%d个", t.uncomputable)
	}
	return s + "。"
}

// scoreTable is the areas with their maximum and score (grade frameworks) or point
// counts (verdict frameworks), and a total row.
func scoreTable(res *engine.Result, fw *engine.Framework) *docx.Table {
	if isVerdict(fw) {
		t := &docx.Table{Header: []string{"评估内容", "测评点", "达标", "未达标", "待评", "无法计算"}, Widths: []float64{3, 1, 1, 1, 1, 1}}
		var sum tally
		total := 0
		for i := range res.Areas {
			c := countPoints(&res.Areas[i])
			sum = tally{sum.passed + c.passed, sum.failed + c.failed, sum.pending + c.pending, sum.uncomputable + c.uncomputable}
			total += len(res.Areas[i].Points)
			t.Rows = append(t.Rows, []string{res.Areas[i].Name, strconv.Itoa(len(res.Areas[i].Points)), strconv.Itoa(c.passed),
				strconv.Itoa(c.failed), strconv.Itoa(c.pending), strconv.Itoa(c.uncomputable)})
		}
		t.Rows = append(t.Rows, []string{"合计", strconv.Itoa(total), strconv.Itoa(sum.passed), strconv.Itoa(sum.failed),
			strconv.Itoa(sum.pending), strconv.Itoa(sum.uncomputable)})
		return t
	}
	t := &docx.Table{Header: []string{"评估内容", "满分", "得分", "扣分"}, Widths: []float64{4, 1, 1, 1}}
	for _, a := range res.Areas {
		t.Rows = append(t.Rows, []string{a.Name, num(a.Max), num(a.Score), num(a.Max - a.Score)})
	}
	if res.BonusTotal != 0 {
		t.Rows = append(t.Rows, []string{"加分", "", num(res.BonusTotal), ""})
	}
	t.Rows = append(t.Rows, []string{"合计", num(res.Max), num(res.Total), num(res.Max - res.Score)})
	return t
}

// problemSection is generated from the deductions: per area, the reason sentences of
// every scored point that lost points (failing items of a verdict framework) and the
// points the data cannot compute (数据缺失), with counts; then triggered vetoes and
// whatever the narrative adds. Points waiting for a person's score are counted, not
// listed: they are not findings yet.
func problemSection(res *engine.Result, fw *engine.Framework, n *narrative) Section {
	sec := Section{Title: SecProblems, Generated: true}
	var body []docx.Block
	points, lost := 0, 0.0
	for _, a := range res.Areas {
		var items []docx.Block
		np, nl := 0, 0.0
		for _, p := range a.Points {
			switch {
			case p.Status == engine.StatusUncomputable:
				items = append(items, para("数据缺失："+p.Title+"（"+strings.Join(p.Reasons, "；")+"）。"))
			case p.Status == engine.StatusScored && !p.Passed:
				np++
				nl += p.Lost
				for _, why := range p.Reasons {
					items = append(items, para(why+"。"))
				}
			}
		}
		if len(items) == 0 {
			continue
		}
		points, lost = points+np, lost+nl
		body = append(body, heading(2, a.Name))
		if np > 0 {
			body = append(body, para(countSentence(fw, np, nl)))
		}
		body = append(body, items...)
	}
	for _, v := range res.Vetoes {
		if v.Triggered {
			body = append(body, para("一票否决："+v.Title+reasonSuffix(v.Reason)+"。"))
		}
	}
	lead := "经自评，未发现扣分或未达标的测评点。"
	if points > 0 {
		lead = "经自评，" + strings.TrimPrefix(countSentence(fw, points, lost), "本项")
	}
	sec.Blocks = append([]docx.Block{para(lead + openNote(res))}, body...)
	if b := n.sections[SecProblems]; len(b) > 0 {
		sec.Blocks = append(sec.Blocks, b...)
		sec.Generated = false
	}
	return sec
}

func countSentence(fw *engine.Framework, points int, lost float64) string {
	if isVerdict(fw) {
		return fmt.Sprintf("本项共%d个测评点未达标。", points)
	}
	return fmt.Sprintf("本项共%d个测评点扣分，合计扣%s分。", points, num(lost))
}

func reasonSuffix(why string) string {
	if why == "" {
		return ""
	}
	return "（" + why + "）"
}

// improvementSection is the narrative's 改进措施; without one, the measures of the
// rectification plan, one subsection per problem that has measures; without those,
// the unfilled marker: ziping does not invent measures.
func improvementSection(n *narrative, plan []PlanItem) Section {
	if b := n.sections[SecImprovement]; len(b) > 0 {
		return Section{Title: SecImprovement, Blocks: b}
	}
	var blocks []docx.Block
	for _, it := range plan {
		if strings.TrimSpace(it.Measures) == "" {
			continue
		}
		title := it.Title
		if title == "" {
			title = it.Problem
		}
		blocks = append(blocks, heading(2, title))
		text := "针对" + strings.TrimSuffix(it.Problem, "。") + "的问题：" + strings.TrimSuffix(strings.TrimSpace(it.Measures), "。") + "。"
		if it.Owner != "" {
			text += "责任单位：" + it.Owner + "。"
		}
		if !it.Deadline.IsZero() {
			text += fmt.Sprintf("完成时限：%d年%d月%d日。", it.Deadline.Year(), int(it.Deadline.Month()), it.Deadline.Day())
		}
		blocks = append(blocks, para(text))
	}
	if len(blocks) == 0 {
		blocks = []docx.Block{para(UnfilledImprovement)}
	}
	return Section{Title: SecImprovement, Blocks: blocks, Generated: true}
}
