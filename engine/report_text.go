package engine

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	yaml "go.yaml.in/yaml/v3"
)

// ReportText is a framework's `report:` section: the wording of what ziping writes
// itself in the self-evaluation report (自评报告), so that a province can reword it
// without a release. Every sentence is a text/template over TextData; a key left
// out takes the default of the same name (defaultText). The report package puts the
// sentences together; docs/frameworks.md describes every key.
type ReportText struct {
	// Document is the name of the document the framework implements, printed in 《》:
	// 「县域义务教育优质均衡发展督导评估办法」.
	Document string `yaml:"document,omitempty" json:"document,omitempty"`
	// Title, Recipient (主送机关) and Opening (the untitled paragraph that ends
	// 「现将有关情况报告如下：」) are templates of the document's head.
	Title     string `yaml:"title,omitempty" json:"title,omitempty"`
	Recipient string `yaml:"recipient,omitempty" json:"recipient,omitempty"`
	Opening   string `yaml:"opening,omitempty" json:"opening,omitempty"`
	// Layout is "default" (基本情况, 主要做法及成效, 存在问题, 改进措施) or
	// "self_first" (一、自查自评情况 with the score and the deductions first).
	Layout string `yaml:"layout,omitempty" json:"layout,omitempty"`
	// Basic are the paragraphs of 基本情况 written from the data; a paragraph that
	// renders empty is left out. Result is the evaluation's result.
	Basic  []string `yaml:"basic,omitempty" json:"basic,omitempty"`
	Result string   `yaml:"result,omitempty" json:"result,omitempty"`
	// Facts are metrics the report states (schools, students, teachers …) that no
	// point scores; they are computed like the framework's metrics, after them.
	// Filters are school filters only the facts use (school types …).
	Filters []Filter `yaml:"filters,omitempty" json:"filters,omitempty"`
	Facts   []Metric `yaml:"facts,omitempty" json:"facts,omitempty"`
	// Achieved and Problem are the sentence of one rule, by rule kind: what a rule
	// that lost nothing shows (主要做法及成效) and what a rule that lost points shows
	// (存在问题). Issue opens a point's paragraph in 存在问题.
	Achieved RuleSentences `yaml:"achieved,omitempty" json:"achieved,omitempty"`
	Problem  RuleSentences `yaml:"problem,omitempty" json:"problem,omitempty"`
	Issue    string        `yaml:"issue,omitempty" json:"issue,omitempty"`
	// Metrics, Points and Areas override the sentences of one metric's rules, one
	// point and one area.
	Metrics []MetricText `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	Points  []PointText  `yaml:"points,omitempty" json:"points,omitempty"`
	Areas   []AreaText   `yaml:"areas,omitempty" json:"areas,omitempty"`

	Line int `yaml:"-" json:"-"`

	tmpl  map[string]*template.Template // by name (templates), set by Compile
	lines map[string]int                // line of each template in the file, by name
}

// RuleSentences are sentence templates by rule kind.
type RuleSentences struct {
	Threshold string `yaml:"threshold,omitempty" json:"threshold,omitempty"`
	Linear    string `yaml:"linear,omitempty" json:"linear,omitempty"`
	Deduct    string `yaml:"deduct,omitempty" json:"deduct,omitempty"`
	Checklist string `yaml:"checklist,omitempty" json:"checklist,omitempty"`
	Manual    string `yaml:"manual,omitempty" json:"manual,omitempty"`
}

func (s *RuleSentences) byKind() map[string]string {
	return map[string]string{RuleThreshold: s.Threshold, RuleLinear: s.Linear, RuleDeduct: s.Deduct,
		RuleChecklist: s.Checklist, RuleManual: s.Manual}
}

// MetricText words the rules that use one metric.
type MetricText struct {
	Metric   string `yaml:"metric" json:"metric"`
	Achieved string `yaml:"achieved,omitempty" json:"achieved,omitempty"`
	Problem  string `yaml:"problem,omitempty" json:"problem,omitempty"`
	Line     int    `yaml:"-" json:"-"`
}

// PointText words one point: Issue opens its paragraph in 存在问题; Achieved, when
// given, states the whole point in 主要做法及成效 (instead of a sentence per rule)
// when it lost nothing, and Met the rules on metrics that lost nothing when others
// did (.Value, .Label and .Count are then those rules' values, labels and number).
type PointText struct {
	Code     string `yaml:"code" json:"code"`
	Issue    string `yaml:"issue,omitempty" json:"issue,omitempty"`
	Achieved string `yaml:"achieved,omitempty" json:"achieved,omitempty"`
	Met      string `yaml:"met,omitempty" json:"met,omitempty"`
	Line     int    `yaml:"-" json:"-"`
}

// AreaText words one area: Problem is the heading of its problems in 存在问题 (the
// area's name when absent); Generate false leaves the sentences written from the
// data out of its part of 主要做法及成效.
type AreaText struct {
	Code     string `yaml:"code" json:"code"`
	Problem  string `yaml:"problem,omitempty" json:"problem,omitempty"`
	Generate *bool  `yaml:"generate,omitempty" json:"generate,omitempty"`
	Line     int    `yaml:"-" json:"-"`
}

// Report layouts.
const (
	LayoutDefault   = "default"
	LayoutSelfFirst = "self_first"
)

// defaultText is the wording of a framework without a report section, and of every
// key a section leaves out. The built-in frameworks write theirs out in full.
var defaultText = map[string]string{
	"title":     `{{.Issuer}}关于{{.Period}}年度{{with .Document}}对照{{.}}{{else}}{{.Name}}{{end}}自评情况的报告`,
	"recipient": `{{with .Parent}}{{.}}人民政府教育督导委员会办公室{{end}}`,
	"opening":   `根据{{with .Document}}{{.}}{{else}}{{.Name}}{{end}}的要求，{{.Unit}}对照评价指标，对{{.Period}}年度工作进行了全面自查自评。现将有关情况报告如下：`,
	"basic.0":   `{{.Unit}}{{with .Parent}}隶属{{.}}{{end}}。`,
	"result": `经自评，{{.Unit}}{{.Period}}年度{{if .Verdict}}{{.Points}}个测评点中{{.Passed}}个达标` +
		`{{if .Failed}}、{{.Failed}}个未达标{{end}}{{else}}总分{{.Total}}分（满分{{.Max}}分）{{end}}` +
		`{{if .Pending}}，尚有{{.Pending}}个测评点未评分{{end}}{{if .Uncomputable}}，{{.Uncomputable}}个测评点因数据缺失无法计算{{end}}` +
		`{{if .Verdict}}{{with .Conclusion}}，结论为{{.}}{{else}}，结论待定{{end}}{{else}}{{with .Grade}}，等次为{{.}}{{else}}，等次待定{{end}}{{end}}。`,
	"achieved.threshold": `{{.Label}}{{.Verb}}{{.Value}}，{{.Meets}}`,
	"achieved.linear":    `{{.Label}}{{.Verb}}{{.Value}}，{{.Meets}}`,
	"achieved.deduct":    `无{{.Label}}`,
	"achieved.checklist": `{{.Items}}{{if .Many}}均{{end}}已落实`,
	"achieved.manual":    `{{.Title}}达到评价要求`,
	"problem.threshold":  `{{.Label}}为{{.Value}}，{{.Shortfall}}`,
	"problem.linear":     `{{.Label}}为{{.Value}}，{{.Shortfall}}`,
	"problem.deduct":     `{{.Label}}{{.Count}}{{with .Cases}}，分别是{{.}}{{end}}`,
	"problem.checklist":  `{{.Missing}}尚未落实到位`,
	"problem.manual":     `{{.Justification}}`,
	"issue":              `{{.Title}}{{if .Verdict}}未达到要求{{else}}未完全达到要求{{end}}`,
}

// templateNames lists the names a report section's templates are known by, with the
// text each has in ReportText (or "" when the section leaves it out).
func (t *ReportText) templates() map[string]string {
	out := map[string]string{"title": t.Title, "recipient": t.Recipient, "opening": t.Opening, "result": t.Result, "issue": t.Issue}
	for i, b := range t.Basic {
		out[fmt.Sprintf("basic.%d", i)] = b
	}
	if len(t.Basic) == 0 {
		out["basic.0"] = ""
	}
	for k, v := range t.Achieved.byKind() {
		out["achieved."+k] = v
	}
	for k, v := range t.Problem.byKind() {
		out["problem."+k] = v
	}
	for _, m := range t.Metrics {
		out["metric."+m.Metric+".achieved"], out["metric."+m.Metric+".problem"] = m.Achieved, m.Problem
	}
	for _, p := range t.Points {
		out["point."+p.Code+".issue"], out["point."+p.Code+".achieved"] = p.Issue, p.Achieved
		out["point."+p.Code+".met"] = p.Met
	}
	for _, a := range t.Areas {
		out["area."+a.Code+".problem"] = a.Problem
	}
	return out
}

// Render executes template name ("title", "basic.0", "achieved.threshold",
// "metric.ID.problem", "point.CODE.issue", "area.CODE.problem" …) on d. ok is false
// when neither the section nor the defaults have that template.
func (t *ReportText) Render(name string, d *TextData) (s string, ok bool) {
	tm := t.tmpl[name]
	if tm == nil {
		return "", false
	}
	var b strings.Builder
	if err := tm.Execute(&b, d); err != nil {
		// Checked at load against TextData; only a bug gets here.
		return "", false
	}
	return strings.TrimSpace(b.String()), true
}

// Paragraphs is how many basic paragraphs there are.
func (t *ReportText) Paragraphs() int {
	n := 0
	for ; t.tmpl[fmt.Sprintf("basic.%d", n)] != nil; n++ {
	}
	return n
}

// Area returns the wording of area code, or nil.
func (t *ReportText) Area(code string) *AreaText {
	for i := range t.Areas {
		if t.Areas[i].Code == code {
			return &t.Areas[i]
		}
	}
	return nil
}

// Text is the framework's report section ready to render: its own, or the defaults.
// It is set by Compile; a framework that was never compiled gets the defaults.
func (f *Framework) Text() *ReportText {
	if f.Report != nil && f.Report.tmpl != nil {
		return f.Report
	}
	t := &ReportText{}
	t.compile(nil, nil, func(int, string, ...any) {})
	return t
}

// allFilters is the framework's filters followed by its report filters.
func (f *Framework) allFilters() []*Filter {
	out := make([]*Filter, 0, len(f.Filters))
	for i := range f.Filters {
		out = append(out, &f.Filters[i])
	}
	if f.Report != nil {
		for i := range f.Report.Filters {
			out = append(out, &f.Report.Filters[i])
		}
	}
	return out
}

// allMetrics is the framework's metrics followed by its report facts.
func (f *Framework) allMetrics() []*Metric {
	out := make([]*Metric, 0, len(f.Metrics))
	for i := range f.Metrics {
		out = append(out, &f.Metrics[i])
	}
	if f.Report != nil {
		for i := range f.Report.Facts {
			out = append(out, &f.Report.Facts[i])
		}
	}
	return out
}

// compileReport sets the framework's precision and checks and parses its report
// section; every problem is reported with its line.
func (p *Program) compileReport(ps *problems) {
	fw := p.FW
	fw.derivedPrecision = fw.derivePrecision() + 1
	if v := fw.ScorePrecision; v != nil && (*v < 0 || *v > maxPrecision) {
		ps.add(1, "precision 应为 0 到 %d 之间的整数（分数的小数位数）", maxPrecision)
	}
	p.planCases()
	if fw.Report == nil {
		return
	}
	t := fw.Report
	line := t.Line
	if line == 0 {
		line = 1
	}
	switch t.Layout {
	case "", LayoutDefault, LayoutSelfFirst:
	default:
		ps.add(line, "report.layout 应为 default 或 self_first，而不是「%s」", t.Layout)
	}
	t.checkRefs(p, ps, line)
	t.compile(p, fw, ps.add)
}

// checkRefs checks that the overrides name metrics, points and areas the framework has.
func (t *ReportText) checkRefs(p *Program, ps *problems, line int) {
	at := func(l int) int {
		if l == 0 {
			return line
		}
		return l
	}
	for _, m := range t.Metrics {
		if _, ok := p.metricIdx[m.Metric]; !ok {
			ps.add(at(m.Line), "report.metrics 引用了未定义的指标「%s」", m.Metric)
		}
	}
	for _, pt := range t.Points {
		if !slices.ContainsFunc(p.FW.Areas, func(a Area) bool {
			return slices.ContainsFunc(a.Points, func(x Point) bool { return x.Code == pt.Code })
		}) {
			ps.add(at(pt.Line), "report.points 引用了不存在的测评点「%s」", pt.Code)
		}
	}
	for _, a := range t.Areas {
		if !slices.ContainsFunc(p.FW.Areas, func(x Area) bool { return x.Code == a.Code }) {
			ps.add(at(a.Line), "report.areas 引用了不存在的一级指标「%s」", a.Code)
		}
	}
}

// compile parses every template (the section's, else the default), runs it once on
// sample data so that a misspelt field is caught at load, and checks that the metric
// ids its methods name exist. p is nil for the defaults of an uncompiled framework.
func (t *ReportText) compile(p *Program, fw *Framework, add func(int, string, ...any)) {
	t.tmpl = map[string]*template.Template{}
	srcs := t.templates()
	for _, name := range slices.Sorted(maps.Keys(srcs)) {
		src := srcs[name]
		if src == "" {
			src = defaultText[name]
		}
		if src == "" {
			continue
		}
		line := max(t.lines[name], t.Line, 1)
		tm, err := parseText(name, src)
		if err != nil {
			add(line, "report 的模板「%s」有误: %v", name, err)
			continue
		}
		if p != nil {
			for _, id := range metricRefs(tm) {
				if _, ok := p.metricIdx[id]; !ok {
					add(line, "report 的模板「%s」引用了未定义的指标「%s」", name, id)
				}
			}
		}
		t.tmpl[name] = tm
	}
	for name, src := range defaultText {
		if t.tmpl[name] == nil && !strings.HasPrefix(name, "basic.") {
			if tm, err := parseText(name, src); err == nil {
				t.tmpl[name] = tm
			}
		}
	}
}

func parseText(name, src string) (*template.Template, error) {
	tm, err := template.New(name).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, err
	}
	if err := tm.Execute(io.Discard, &TextData{}); err != nil {
		if m := fieldRE.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("没有字段 .%s", m[1])
		}
		return nil, err
	}
	return tm, nil
}

// metricRefs lists the metric ids a template passes to .Fact, .Has, .Num and .Change.
func metricRefs(tm *template.Template) []string {
	var ids []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for i, a := range n.Args {
				f, ok := a.(*parse.FieldNode)
				if !ok || i+1 >= len(n.Args) || !slices.Contains([]string{"Fact", "Has", "Num", "Change"}, f.Ident[len(f.Ident)-1]) {
					if pn, ok := a.(*parse.PipeNode); ok {
						walk(pn)
					}
					continue
				}
				if s, ok := n.Args[i+1].(*parse.StringNode); ok {
					ids = append(ids, s.Text)
				}
			}
		}
	}
	walk(tm.Tree.Root)
	return ids
}

// planCases finds the metrics that are one count() or sum() over schools: for a rule
// on such a metric that loses points, the schools behind the number are recorded
// (RuleDetail.Cases), so that a report can name them.
func (p *Program) planCases() {
	p.cases = map[int]int{}
	for i, um := range p.metrics {
		if len(um.calls) != 1 {
			continue
		}
		c := p.calls[um.calls[0]]
		if c.fn != "count" && c.fn != "sum" {
			continue
		}
		tree, err := parser.ParseWithConfig(um.m.Expr, p.exprConfig(nil))
		if err != nil {
			continue
		}
		if _, ok := tree.Node.(*ast.CallNode); ok {
			p.cases[i] = um.calls[0]
		}
	}
}

// reportLines records the lines of the report section's items.
func reportLines(fw *Framework, doc *yaml.Node) {
	rn := child(doc, "report")
	if rn == nil || fw.Report == nil {
		return
	}
	t := fw.Report
	t.Line = rn.Line
	t.lines = map[string]int{}
	for _, k := range []string{"title", "recipient", "opening", "result", "issue"} {
		if n := child(rn, k); n != nil {
			t.lines[k] = n.Line
		}
	}
	for i, n := range seq(rn, "basic") {
		t.lines[fmt.Sprintf("basic.%d", i)] = n.Line
	}
	for _, group := range []string{"achieved", "problem"} {
		for _, k := range []string{RuleThreshold, RuleLinear, RuleDeduct, RuleChecklist, RuleManual} {
			if n := child(child(rn, group), k); n != nil {
				t.lines[group+"."+k] = n.Line
			}
		}
	}
	for i, n := range seq(rn, "filters") {
		if i < len(t.Filters) {
			t.Filters[i].Line = n.Line
		}
	}
	for i, n := range seq(rn, "facts") {
		if i < len(t.Facts) {
			t.Facts[i].Line = n.Line
		}
	}
	for i, n := range seq(rn, "metrics") {
		if i < len(t.Metrics) {
			t.Metrics[i].Line = n.Line
			t.lines["metric."+t.Metrics[i].Metric+".achieved"] = n.Line
			t.lines["metric."+t.Metrics[i].Metric+".problem"] = n.Line
		}
	}
	for i, n := range seq(rn, "points") {
		if i < len(t.Points) {
			t.Points[i].Line = n.Line
			t.lines["point."+t.Points[i].Code+".issue"] = n.Line
			t.lines["point."+t.Points[i].Code+".achieved"] = n.Line
			t.lines["point."+t.Points[i].Code+".met"] = n.Line
		}
	}
	for i, n := range seq(rn, "areas") {
		if i < len(t.Areas) {
			t.Areas[i].Line = n.Line
			t.lines["area."+t.Areas[i].Code+".problem"] = n.Line
		}
	}
}
