// Package surveydoc writes a survey round's documents: the 社会认可度调查报告 as a
// Word document in the house format (GB/T 9704, through package docx) and every
// response as a workbook (through package xlsx). cmd/ziping gives a Writer to the
// survey service, which attaches both to the county's assessment as evidence.
package surveydoc

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"ziping/docx"
	"ziping/survey"
)

// Writer writes a round's documents; it satisfies survey.Documents.
type Writer struct {
	// Zone is the time zone submission times are written in (Asia/Shanghai when nil).
	Zone *time.Location
}

var _ survey.Documents = Writer{}

// Report writes the round's report, dated date (a day in the configured zone).
func (Writer) Report(c *survey.Calc, date time.Time) ([]byte, error) {
	return docx.Bytes(reportDocument(c, date), docx.Options{})
}

// reportDocument lays out the report: how the survey was run, the figure and its
// interval, the figures by group, area, question and school (weakest first), how
// the figure is computed, the quality checks, and where to act.
func reportDocument(c *survey.Calc, date time.Time) *docx.Document {
	f, res := c.File, c.Result
	d := &docx.Document{Title: fmt.Sprintf("%s%d年度社会认可度调查报告", c.Unit.Name, c.Round.Period), Issuer: c.Unit.Name, Date: date}
	d.Blocks = append(d.Blocks, block(docx.Heading1, "调查概况"))
	d.Blocks = append(d.Blocks, block(docx.Paragraph, overview(c)))
	if t := groupPlanTable(c); t != nil {
		d.Blocks = append(d.Blocks, docx.Block{Kind: docx.TableBlock, Table: t})
	}
	d.Blocks = append(d.Blocks, block(docx.Heading1, "调查结果"), block(docx.Paragraph, headline(c)),
		docx.Block{Kind: docx.TableBlock, Table: conventionsTable(f, res)})
	for _, part := range []struct {
		title string
		stats []survey.Stat
		key   string
	}{
		{"分调查对象", res.Groups, "调查对象"},
		{"分区域", res.Areas, "区域"},
		{"分题目（认可度由低到高）", res.Questions, "题目"},
		{"分学校（认可度由低到高）", res.Schools, "学校"},
	} {
		if len(part.stats) == 0 {
			continue
		}
		d.Blocks = append(d.Blocks, block(docx.Heading2, part.title),
			docx.Block{Kind: docx.TableBlock, Table: statTable(part.key, part.stats)})
	}
	d.Blocks = append(d.Blocks, block(docx.Heading1, "计算方法说明"))
	for _, p := range method(c) {
		d.Blocks = append(d.Blocks, block(docx.Paragraph, p))
	}
	d.Blocks = append(d.Blocks, block(docx.Heading1, "数据质量"), block(docx.Paragraph, quality(c)))
	if p := weakest(c); p != "" {
		d.Blocks = append(d.Blocks, block(docx.Heading1, "需要改进的方面"), block(docx.Paragraph, p))
	}
	return d
}

func block(kind docx.BlockKind, text string) docx.Block { return docx.Block{Kind: kind, Text: text} }

// pct is a figure as the report writes it: one decimal.
func pct(v float64) string { return fmt.Sprintf("%.1f", v) }

func overview(c *survey.Calc) string {
	var b strings.Builder
	var names []string
	for _, q := range c.File.Questionnaires {
		names = append(names, q.Name)
	}
	fmt.Fprintf(&b, "本次调查依据《%s》（问卷文件%s，版本%s），设%s共%d套问卷，匿名作答。", c.File.Name, c.File.ID, c.File.Version,
		strings.Join(names, "、"), len(names))
	if p := c.Setup.Plan; p != nil && p.Total > 0 {
		fmt.Fprintf(&b, "按%s，计划样本%d份，", p.Rule, p.Total)
	}
	fmt.Fprintf(&b, "共收回答卷%d份，其中有效答卷%d份，经人工审核剔除%d份（均记录理由）", len(c.Responses), c.Result.Responses, c.Result.Excluded)
	if c.Progress != nil && c.Progress.Quota > 0 {
		fmt.Fprintf(&b, "，样本完成率%s%%", pct(c.Progress.Completion))
	}
	b.WriteString("。")
	return b.String()
}

// groupPlanTable is the planned and collected responses of each group.
func groupPlanTable(c *survey.Calc) *docx.Table {
	if c.Progress == nil || len(c.Progress.Groups) == 0 {
		return nil
	}
	t := &docx.Table{Header: []string{"调查对象", "计划份数", "有效份数", "完成率（%）"}, Widths: []float64{3, 2, 2, 2}, KeepTogether: true}
	for _, g := range c.Progress.Groups {
		done := "—"
		if g.Quota > 0 {
			done = pct(100 * float64(g.Count) / float64(g.Quota))
		}
		t.Rows = append(t.Rows, []string{g.Name, fmt.Sprint(g.Quota), fmt.Sprint(g.Count), done})
	}
	return t
}

func headline(c *survey.Calc) string {
	res, f := c.Result, c.File
	o := res.Overall
	if !o.Figures.OK {
		return "尚无可计入认可度的有效答卷。"
	}
	v := o.Headline(res.Method)
	s := fmt.Sprintf("按“%s”口径计算，%s社会认可度为%s%%（95%%置信区间%s%%—%s%%，有效样本%d份）", survey.MethodNames[res.Method],
		c.Unit.Name, pct(v), pct(o.Low), pct(o.High), o.N)
	if res.Threshold > 0 {
		verdict := "达到"
		if v < res.Threshold {
			verdict = "未达到"
		}
		s += fmt.Sprintf("，%s%s%%的要求", verdict, pct(res.Threshold))
		if o.Low < res.Threshold && o.High >= res.Threshold {
			s += "；置信区间跨越该标准，结论尚不稳定，宜扩大样本"
		}
	}
	s += "。" + f.Name + "的计分口径官方未公布，三种常用口径的结果并列如下。"
	return s
}

// conventionsTable is the overall figure under every convention, with and without
// 不了解 in the denominator as the file chooses.
func conventionsTable(f *survey.File, res *survey.Result) *docx.Table {
	t := &docx.Table{Header: []string{"计分口径", "认可度（%）", "说明"}, Widths: []float64{3, 2, 5}, KeepTogether: true}
	notes := map[string]string{
		survey.MethodTop2:  "每份答卷中“" + strings.Join(f.Scale.Labels[:min(2, len(f.Scale.Labels))], "”“") + "”所占比例的平均",
		survey.MethodMean:  "每份答卷五级量表均值（最满意5分至最不满意1分）乘以20的平均",
		survey.MethodValue: "每份答卷按赋值" + valuesText(f) + "计算的平均分的平均",
	}
	for _, m := range survey.Methods {
		name := survey.MethodNames[m]
		if m == res.Method {
			name += "（采用）"
		}
		v := "—"
		if res.Overall.Figures.OK {
			v = pct(res.Overall.Figures.Get(m))
		}
		t.Rows = append(t.Rows, []string{name, v, notes[m]})
	}
	return t
}

func valuesText(f *survey.File) string {
	vals := f.Computation.Values
	if len(vals) != len(f.Scale.Labels) {
		vals = []float64{100, 80, 60, 30, 0}
	}
	var parts []string
	for i, l := range f.Scale.Labels {
		if i < len(vals) {
			parts = append(parts, fmt.Sprintf("%s%g", l, vals[i]))
		}
	}
	return "（" + strings.Join(parts, "、") + "）"
}

// statTable lists stats under every convention with the interval.
func statTable(key string, stats []survey.Stat) *docx.Table {
	t := &docx.Table{Header: []string{key, "有效份数", "满意与比较满意占比（%）", "李克特均值折百分", "赋值平均", "95%置信区间（%）"},
		Widths: []float64{5, 1.6, 2.2, 2, 1.6, 2.6}}
	if key == "题目" {
		t.Header[1] = "作答人次"
	}
	for _, s := range stats {
		row := []string{s.Name, fmt.Sprint(s.N), "—", "—", "—", "—"}
		if s.Figures.OK {
			row[2], row[3], row[4] = pct(s.Figures.Top2), pct(s.Figures.Mean), pct(s.Figures.Value)
			row[5] = pct(s.Low) + "—" + pct(s.High)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// method explains the computation: the conventions, 不了解, the interval and the
// design effect of sampling by school.
func method(c *survey.Calc) []string {
	f, res := c.File, c.Result
	unknown := "“" + f.Scale.Unknown + "”不计入分母"
	if f.Scale.Unknown == "" {
		unknown = "问卷不设“不了解”选项"
	} else if f.Computation.UnknownInDenominator {
		unknown = "“" + f.Scale.Unknown + "”计入分母，按不满意（0分）计"
	}
	weights := "各调查对象的答卷同等计入"
	if len(f.Computation.Weights) > 0 {
		var parts []string
		for _, g := range f.Groups {
			if w, ok := f.Computation.Weights[g.ID]; ok {
				parts = append(parts, fmt.Sprintf("%s%g", g.Name, w))
			}
		}
		weights = "总体认可度按调查对象加权（" + strings.Join(parts, "、") + "）"
	}
	cl := res.Clustering
	return []string{
		fmt.Sprintf("计入认可度的是各问卷中的满意度题（五级量表：%s）。每份答卷先按其满意度题计算得分，总体、各调查对象、"+
			"各区域和各学校的认可度为所含答卷得分的平均，各题的认可度按该题的作答人次计算。%s；%s。", strings.Join(f.Scale.Labels, "、"), unknown, weights),
		fmt.Sprintf("置信区间采用Wilson法（95%%，z=1.96），样本量取有效样本量。答卷按学校发放，同校答卷彼此相关："+
			"以学校为群，用单因素方差分析估计组内相关系数ICC=%.3f，平均每校%.1f份，设计效应deff=1+(%.1f−1)×%.3f=%.2f，"+
			"有效样本量=%d÷%.2f≈%.0f份。", cl.ICC, cl.MeanSize, cl.MeanSize, cl.ICC, cl.Deff, res.Overall.N, cl.Deff, res.EffectiveN),
	}
}

// quality counts the flags by rule and the exclusions.
func quality(c *survey.Calc) string {
	counts := map[string]int{}
	for _, fl := range c.Flags {
		seen := map[string]bool{}
		for _, x := range fl {
			if !seen[x.Rule] {
				counts[x.Rule]++
				seen[x.Rule] = true
			}
		}
	}
	var parts []string
	for _, rule := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s%d份", survey.FlagNames[rule], counts[rule]))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("对全部%d份答卷按集中提交、作答过快、全部选同一项、答案雷同、学校占比过高等规则检查，未发现异常。", len(c.Responses))
	}
	return fmt.Sprintf("对全部%d份答卷按规则检查，标记异常：%s（一份答卷可有多项标记）。标记只提示人工核查，"+
		"剔除须由工作人员逐份说明理由并记入审计日志；本次剔除%d份，剔除后计算结果如上。", len(c.Responses), strings.Join(parts, "，"), c.Result.Excluded)
}

// weakest names the questions and schools with the lowest figures: where to act.
func weakest(c *survey.Calc) string {
	res := c.Result
	var parts []string
	if qs := lowest(res.Questions, res.Method, 3); qs != "" {
		parts = append(parts, "认可度最低的题目是"+qs)
	}
	if ss := lowest(res.Schools, res.Method, 3); ss != "" {
		parts = append(parts, "认可度最低的学校是"+ss)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "；") + "。建议针对上述方面查找原因、制定改进措施，并在下一轮调查中复核。"
}

func lowest(stats []survey.Stat, method string, n int) string {
	var parts []string
	for _, s := range stats {
		if len(parts) == n {
			break
		}
		if s.Figures.OK {
			parts = append(parts, fmt.Sprintf("“%s”（%s%%）", s.Name, pct(s.Headline(method))))
		}
	}
	return strings.Join(parts, "、")
}
