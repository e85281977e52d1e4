package engine

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// TextData is what the report's templates see. The document's fields (Unit … Vetoes)
// are set everywhere; the point's and rule's fields where a point or rule is worded
// (docs/frameworks.md lists which). Numbers come formatted. The methods read any
// metric of the evaluation: {{.Fact "kg.public_share"}}, {{if .Has "x"}},
// {{.Num "x"}}, {{.Change "funding.edu_budget_growth"}}.
type TextData struct {
	Unit, Parent, Issuer string
	Period               int
	Document             string // 《…》, or "" when the framework names none
	Name                 string // the framework's name
	Verdict              bool   // a 达标/未达标 framework
	Total, Max, Score    string
	Bonus                string
	Grade                string // "" while points are pending
	Conclusion           string // 达标 or 未达标; "" while points are pending
	Points, Passed       int    // points, and points that lost nothing
	Failed, Pending      int    // points that lost marks; points waiting for a person
	Uncomputable         int
	Lost                 string // the marks lost by scored points
	Vetoes               string // the triggered vetoes' sentences, joined

	// A point: Value and Label of a point are its metric rules' values and labels,
	// joined with 「、」.
	Code, Title, Ordinal string
	PointMax, PointScore string
	PointLost            string
	// A rule.
	Label, Verb, Value, Threshold string // 「公办园在园幼儿占比」「达」「52.3%」「50%」
	Meets, Shortfall, Gap         string // 「高于50%的标准」「低于50%的标准2.3个百分点」「2.3个百分点」
	RuleLost, Count               string
	Cases, Items, Missing         string // schools with their numbers; checklist items met, not met
	Justification, Why            string
	Many                          bool // more than one item (or school) is listed: 「均」

	res *Result
}

// NewTextData is the document part of TextData for a result.
func NewTextData(res *Result) *TextData { return &TextData{res: res} }

// Fact is a metric's value as a report states it (money of 1亿 and more in 亿元);
// 「无法计算」 when the data cannot give it.
func (d *TextData) Fact(id string) string {
	m, ok := d.metric(id)
	if !ok || !m.OK {
		return "无法计算"
	}
	return ReportValue(m)
}

// Whole is how the report names the whole of its unit: 「全县」 for a 县 or 自治县,
// 「全区」 for a 区, 「全市」 for a county-level 市, 「全旗」 for a 旗, 「全校」 for a school
// and 「全园」 for a kindergarten; 「全县」 when the name says none of these.
func (d *TextData) Whole() string { return WholeOf(d.Unit) }

// WholeOf is TextData.Whole for a unit's name.
func WholeOf(unit string) string {
	for _, w := range [...]struct{ suffix, whole string }{
		{"幼儿园", "全园"}, {"学校", "全校"}, {"小学", "全校"}, {"中学", "全校"}, {"学部", "全校"},
		{"区", "全区"}, {"市", "全市"}, {"旗", "全旗"}, {"县", "全县"},
	} {
		if strings.HasSuffix(unit, w.suffix) {
			return w.whole
		}
	}
	return "全县"
}

// Has reports whether the metric could be computed.
func (d *TextData) Has(id string) bool {
	m, ok := d.metric(id)
	return ok && m.OK
}

// Num is a metric's value without its unit.
func (d *TextData) Num(id string) string {
	m, ok := d.metric(id)
	if !ok || !m.OK {
		return "无法计算"
	}
	return strings.TrimSuffix(FormatValue(m.Value, m.Unit, m.decimals), m.Unit)
}

// Change words a growth rate in percent: 「增长3.6%」「下降1.14%」「与上年持平」.
func (d *TextData) Change(id string) string {
	m, ok := d.metric(id)
	if !ok || !m.OK {
		return "变化无法计算"
	}
	return ChangeText(m.Value, m.decimals)
}

func (d *TextData) metric(id string) (MetricValue, bool) {
	if d == nil || d.res == nil {
		return MetricValue{}, false
	}
	return d.res.Metric(id)
}

// ReportValue is a metric's value as a report states it: like Text, but money of
// 1亿元 and more in 亿元 with two decimals (「9.86亿元」), as Chinese reports write it.
func ReportValue(m MetricValue) string {
	if !m.OK {
		return m.Text()
	}
	switch {
	case m.Unit == "万元" && m.Value >= 1e4:
		return GroupDigits(FormatScore(m.Value/1e4, 2)) + "亿元"
	case m.Unit == "元" && m.Value >= 1e8:
		return GroupDigits(FormatScore(m.Value/1e8, 2)) + "亿元"
	case m.Unit == "万元":
		return GroupDigits(FormatScore(m.Value, decimalsOr(m.decimals, 2))) + "万元"
	}
	return m.Text()
}

// ChangeText words a change in percent with decimals places (nil: 2).
func ChangeText(v float64, decimals *int) string {
	d := 2
	if decimals != nil {
		d = *decimals
	}
	s := FormatValue(v, "%", &d)
	switch {
	case strings.Trim(s, "-0.%") == "":
		return "与上年持平"
	case v < 0:
		return "下降" + strings.TrimPrefix(s, "-")
	}
	return "增长" + s
}

// SetPoint sets the point fields of d for point pt and its result pr: .Value,
// .Label and .Count are the values, labels and number of its rules on metrics that
// lost nothing.
func (d *TextData) SetPoint(fw *Framework, pt *Point, pr *PointResult, ordinal string) {
	d.Code, d.Title, d.Ordinal = pt.Code, pt.Title, ordinal
	d.PointMax, d.PointScore, d.PointLost = fw.FormatScore(pr.Max), fw.FormatScore(pr.Score), fw.FormatScore(pr.Lost)
	var values, labels []string
	for i := range pt.Rules {
		if pt.Rules[i].Metric == "" || slices.ContainsFunc(pr.Details, func(x RuleDetail) bool { return x.Rule == i }) {
			continue
		}
		if m, ok := d.metric(pt.Rules[i].Metric); ok && m.OK {
			values = append(values, ReportValue(m))
			labels = append(labels, pt.Rules[i].Label)
		}
	}
	d.Value, d.Label, d.Count, d.Many = joinCN(values), joinCN(labels), strconv.Itoa(len(values)), len(values) > 1
}

// SetRule sets the rule fields of d for rule ri of point pt; det is what the rule
// found when it lost points or could not be scored, nil when it lost nothing.
func (d *TextData) SetRule(fw *Framework, pt *Point, ri int, det *RuleDetail) {
	r := &pt.Rules[ri]
	d.Label, d.Verb, d.Value, d.Threshold, d.Meets, d.Shortfall, d.Gap = r.Label, "", "", "", "", "", ""
	d.RuleLost, d.Count, d.Cases, d.Items, d.Missing, d.Justification, d.Why = "0", "", "", "", "", "", ""
	d.Many = false
	var missing []string
	if det != nil {
		d.RuleLost, d.Why, d.Justification = fw.FormatScore(det.Lost), det.Why, det.Justification
		missing = det.Missing
		d.Missing = QuoteJoin(missing)
		d.Cases = CaseText(det.Cases, det.More, "所")
		d.Many = len(missing) > 1 || len(det.Cases)+det.More > 1
	}
	if r.Kind == RuleChecklist {
		var met []string
		for _, it := range r.Items {
			if !slices.Contains(missing, it.Text) {
				met = append(met, it.Text)
			}
		}
		d.Items = QuoteJoin(met)
		d.Many = len(met) > 1
		return
	}
	m, ok := d.metric(r.Metric)
	if !ok || !m.OK {
		return
	}
	d.Value = ReportValue(m)
	d.Count = FormatValue(m.Value, m.Unit, m.decimals)
	switch r.Kind {
	case RuleThreshold:
		d.setThreshold(m, r.Op, r.Value)
	case RuleLinear:
		// The standard of a linear rule is where it gives full points.
		op := ">="
		if *r.Full < *r.Zero {
			op = "<="
		}
		d.setThreshold(m, op, *r.Full)
	}
}

// setThreshold words a value against a standard: 「达52.3%，高于50%的标准」 or 「为
// 47.7%，低于50%的标准2.3个百分点」.
func (d *TextData) setThreshold(m MetricValue, op string, t float64) {
	d.Threshold = standardText(t, m)
	vs, _ := formatPair(m.Value, t, m.Unit, m.decimals)
	if m.Unit != "万元" && m.Unit != "元" {
		d.Value = vs
	}
	d.Verb = "为"
	if op == ">=" || op == ">" {
		d.Verb = "达"
	}
	// The gap has as many decimals as the value shows, so that it is never 0.
	gap, dec := math.Abs(m.Value-t), 0
	if i := strings.IndexAny(vs, "."); i >= 0 {
		dec = len(strings.TrimRight(strings.TrimSuffix(vs, m.Unit), "%")) - i - 1
	}
	switch m.Unit {
	case "%":
		d.Gap = FormatScore(gap, max(dec, 1)) + "个百分点"
	case "":
		d.Gap = FormatScore(gap, max(dec, 3))
	default:
		d.Gap = FormatScore(gap, max(dec, decimalsOr(m.decimals, 2))) + m.Unit
	}
	switch {
	case atLeast(m.Value, t) && atMost(m.Value, t):
		d.Value, d.Meets = d.Threshold, "达到标准要求"
	case m.Value > t:
		d.Meets, d.Shortfall = "高于"+d.Threshold+"的标准", "高于"+d.Threshold+"的标准"+d.Gap
	default:
		d.Meets, d.Shortfall = "低于"+d.Threshold+"的标准", "低于"+d.Threshold+"的标准"+d.Gap
	}
}

// standardText writes a rule's standard as a report does: 「50%」「0.50」「2000元」.
func standardText(t float64, m MetricValue) string {
	if m.Unit == "" {
		return strconv.FormatFloat(t, 'f', max(2, decimalsOf(t)), 64)
	}
	return FormatScore(t, 2) + m.Unit
}

func decimalsOr(d *int, def int) int {
	if d == nil {
		return def
	}
	return *d
}

// QuoteJoin quotes items and runs them together, as official texts list things that
// hold commas of their own: 「“甲、乙”“丙”」; quotes inside become single quotes.
func QuoteJoin(items []string) string {
	inner := strings.NewReplacer("“", "‘", "”", "’")
	var b strings.Builder
	for _, it := range items {
		b.WriteString("“" + inner.Replace(it) + "”")
	}
	return b.String()
}
