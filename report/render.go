package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"ziping"

	"ziping/docx"
	"ziping/engine"
)

// UnfilledImprovement is the line an unwritten 改进措施 section holds; Report.Lint
// reports it, so a report cannot be submitted until a person writes the section.
const UnfilledImprovement = "（请填写改进措施）"

// BuildOptions are what a report needs beyond the evaluation.
type BuildOptions struct {
	Issuer string // 发文机关署名, e.g. 「银昌县人民政府」; empty leaves it out
	// Recipient is the 主送机关; empty takes the narrative's line, else the
	// framework's recipient template (the parent's 教育督导委员会办公室).
	Recipient string
	Date      time.Time      // 成文日期; zero leaves it out
	Zone      *time.Location // the zone the date is written in; nil: the configured zone (ziping.Zone)
	// Layout is engine.LayoutDefault or engine.LayoutSelfFirst; empty takes the
	// framework's (or self_first when the narrative has a 自查自评情况 section).
	Layout string
	// Parent names the unit's parent (顺沙市) when the result does not.
	Parent string
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

// Report is a self-evaluation report (自评报告) as a county sends it: title, 主送机关,
// the opening paragraph, the sections, 附件说明, signature and date, and 附件1 the
// score sheet. Blocks inside a section start at docx.Heading2 (the section title is
// the level-1 heading); headings carry no numbers, the outputs number them.
type Report struct {
	Title     string
	Recipient string
	Opening   []docx.Block
	Unit      engine.Unit
	Period    int
	Issuer    string
	Date      time.Time // in the zone it is written in
	Sections  []Section
	// Annexes are the attachments (附件1 评分表), each on pages of its own.
	Annexes []Annex
	// Unbound lists the bound values of the narrative that could not be filled.
	Unbound BindErrors
	// bound and metricURL link the narrative's metric values in the HTML output.
	bound     map[string][]boundSpan
	metricURL func(string) string
}

// Section is one top-level section.
type Section struct {
	Title  string
	Blocks []docx.Block
	// Generated is true when ziping wrote the whole section (no narrative for it).
	Generated bool
}

// Annex is an attachment: its label (附件1), title and table.
type Annex struct {
	Label, Title string
	Table        *docx.Table
	Notes        []string // lines under the table
}

// Build assembles the report of one evaluated unit: the narrative (Markdown, may be
// nil) supplies what people write, the result and the framework's report wording
// (engine.ReportText) the rest. When bound values in the narrative cannot be
// filled, Build returns the report (the values shown as 〔未绑定…〕 markers)
// together with a BindErrors error listing each one.
func Build(res *engine.Result, fw *engine.Framework, narrative []byte, opt BuildOptions) (*Report, error) {
	if res == nil || fw == nil {
		return nil, fmt.Errorf("report: build needs a result and its framework")
	}
	n, err := parseNarrative(narrative, newBinder(res, fw), res.Areas)
	if err != nil {
		return nil, err
	}
	w := newWriter(res, fw, opt)
	r := &Report{Unit: res.Unit, Period: res.Period, Issuer: opt.Issuer, Date: localDate(opt.Date, opt.Zone)}
	r.Title = firstOf(n.title, w.render("title"))
	r.Recipient = firstOf(opt.Recipient, n.recipient, w.render("recipient"))
	r.Opening = n.opening
	if len(r.Opening) == 0 {
		if s := w.render("opening"); s != "" {
			r.Opening = []docx.Block{para(s)}
		}
	}
	r.Unbound = n.unbound
	r.bound, r.metricURL = n.bound, opt.MetricURL
	layout := firstOf(opt.Layout, fw.Text().Layout, engine.LayoutDefault)
	if len(n.sections[SecSelf]) > 0 {
		layout = engine.LayoutSelfFirst
	}
	if layout == engine.LayoutSelfFirst {
		r.Sections = append(r.Sections, w.selfSection(n))
	}
	r.Sections = append(r.Sections, w.basicSection(n, layout == engine.LayoutDefault), w.practiceSection(n),
		w.problemSection(n), improvementSection(n, opt.Plan))
	r.Annexes = []Annex{w.scoreAnnex()}
	if len(r.Unbound) > 0 {
		return r, r.Unbound
	}
	return r, nil
}

// localDate is t as a date in zone (ziping.Zone when nil): a date written at
// 23:30 UTC is the next day in China.
func localDate(t time.Time, zone *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	if zone == nil {
		zone = ziping.Zone()
	}
	return t.In(zone)
}

// firstOf is the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func para(text string) docx.Block { return docx.Block{Kind: docx.Paragraph, Text: text} }

func heading(level int, text string) docx.Block {
	return docx.Block{Kind: docx.Heading1 + docx.BlockKind(level-1), Text: text}
}

// num writes a number without trailing zeros: 20.5, 41. Scores use the
// framework's precision (engine.Framework.FormatScore) instead.
func num(v float64) string { return engine.GroupDigits(strconv.FormatFloat(v, 'f', -1, 64)) }

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
		text := "针对" + strings.TrimSuffix(it.Problem, "。") + "的问题，"
		if it.Title != "" {
			text = "针对" + it.Title + "方面存在的问题，"
		}
		text += engine.TidyJustification(it.Measures)
		var who []string
		if it.Owner != "" {
			who = append(who, "责任单位："+it.Owner)
		}
		if !it.Deadline.IsZero() {
			who = append(who, fmt.Sprintf("完成时限：%d年%d月%d日", it.Deadline.Year(), int(it.Deadline.Month()), it.Deadline.Day()))
		}
		if len(who) > 0 {
			text += "（" + strings.Join(who, "；") + "）"
		}
		blocks = append(blocks, para(text+"。"))
	}
	if len(blocks) == 0 {
		blocks = []docx.Block{para(UnfilledImprovement)}
	}
	return Section{Title: SecImprovement, Blocks: blocks, Generated: true}
}
