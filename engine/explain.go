package engine

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Explanation traces one metric of one unit back to its data: the formula as
// written and with values put in, the unit facts it read, and for every domain call
// the school rows behind it (for a CV: each school's value and weight).
type Explanation struct {
	Metric       string       `json:"metric"`
	Name         string       `json:"name"`
	Formula      string       `json:"formula"`
	Reading      string       `json:"reading"` // the formula in words: its calls and facts named in Chinese
	Instantiated string       `json:"instantiated"`
	Value        MetricValue  `json:"value"`
	Facts        []FactValue  `json:"facts,omitempty"`
	Calls        []CallDetail `json:"calls,omitempty"`
}

// FactValue is a unit fact a formula read.
type FactValue struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// CallDetail is one domain call with its result and the rows behind it.
type CallDetail struct {
	Call     string      `json:"call"`
	Name     string      `json:"name"` // the call in words: 「纳入计算的小学·生均教学仪器设备值的差异系数」
	Result   string      `json:"result"`
	Detail   string      `json:"detail,omitempty"` // prev/growth: the two periods' values
	Schools  int         `json:"schools"`
	Students float64     `json:"students,omitempty"`
	Mean     string      `json:"mean,omitempty"` // weighted mean, for cv and wmean
	SD       string      `json:"sd,omitempty"`   // weighted population standard deviation, for cv
	Rows     []SchoolRow `json:"rows,omitempty"`
	// Unit and Decimals are those of the column the rows' values come from (元, ㎡,
	// 人; a school metric's decimals when its framework sets them), for pages that
	// print the values with FormatValue.
	Unit     string `json:"unit,omitempty"`
	Decimals *int   `json:"decimals,omitempty"`
	// MeanValue and SDValue are Mean and SD as numbers (NaN without weights).
	MeanValue float64 `json:"-"`
	SDValue   float64 `json:"-"`
}

// SchoolRow is a school behind a number.
type SchoolRow struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	Stage    string  `json:"stage"`
	Row      int     `json:"row,omitempty"` // in the source file
	Students float64 `json:"students"`
	Value    float64 `json:"value"`
	Weight   float64 `json:"weight,omitempty"` // P_i / P
}

// MarshalJSON writes Value as null when the row has none (a count has no column; a
// school whose value cannot be computed), since JSON has no NaN.
func (r SchoolRow) MarshalJSON() ([]byte, error) {
	var v *float64
	if !math.IsNaN(r.Value) && !math.IsInf(r.Value, 0) {
		v = &r.Value
	}
	return json.Marshal(struct {
		Code     string   `json:"code"`
		Name     string   `json:"name"`
		Stage    string   `json:"stage"`
		Row      int      `json:"row,omitempty"`
		Students float64  `json:"students"`
		Value    *float64 `json:"value"`
		Weight   float64  `json:"weight,omitempty"`
	}{r.Code, r.Name, r.Stage, r.Row, r.Students, v, r.Weight})
}

type trace struct {
	calls  []CallDetail
	result map[int]string // call location → result text, for the instantiated formula
}

// Explain evaluates unit u in period and explains the metrics listed (all when ids
// is empty).
func (p *Program) Explain(ds *Dataset, period, u int, ids ...string) ([]Explanation, error) {
	if period == 0 {
		period = ds.Latest()
	}
	snap := ds.Periods[period]
	if snap == nil {
		return nil, fmt.Errorf("数据中没有%d年度", period)
	}
	var prev *periodValues
	if p.usesPrev {
		prev = p.previousValues(ds, period, []int{u}, 1)
	}
	e := p.newEvaluator()
	e.reset(ds, snap, prev)
	e.evalUnit(u)
	var out []Explanation
	for i, um := range p.metrics {
		if len(ids) > 0 && !slices.Contains(ids, um.m.ID) {
			continue
		}
		out = append(out, e.explainMetric(i))
	}
	if len(ids) > 0 && len(out) == 0 {
		return nil, fmt.Errorf("评价体系中没有指标「%s」", ids[0])
	}
	return out, nil
}

func (e *evaluator) explainMetric(i int) Explanation {
	um := e.p.metrics[i]
	e.trace = &trace{result: map[int]string{}}
	v, err := e.runMetric(i)
	tr := e.trace
	e.trace = nil
	x := Explanation{Metric: um.m.ID, Name: um.m.Name, Formula: um.m.Expr, Value: metricValue(um.m, v, err), Calls: tr.calls}
	seen := map[int]bool{}
	for _, el := range um.facts {
		if !seen[el] {
			seen[el] = true
			x.Facts = append(x.Facts, FactValue{ID: UnitElements[el].ID, Name: UnitElements[el].Name,
				Value: FormatValue(e.snap.Facts.Value(el, e.unit), UnitElements[el].Unit, nil)})
		}
	}
	x.Instantiated = e.instantiate(um, tr)
	x.Reading = e.p.readFormula(um, um.calls)
	return x
}

// instantiate prints the formula with each unit fact and domain call replaced by
// its value.
func (e *evaluator) instantiate(um *unitMetric, tr *trace) string {
	tree, err := parser.ParseWithConfig(um.m.Expr, e.p.exprConfig(nil))
	if err != nil {
		return um.m.Expr
	}
	ast.Walk(&tree.Node, instantiator{e: e, tr: tr})
	return tree.Node.String()
}

type instantiator struct {
	e  *evaluator
	tr *trace
}

func (v instantiator) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.CallNode:
		if s, ok := v.tr.result[n.Location().From]; ok {
			ast.Patch(node, &ast.IdentifierNode{Value: s})
		}
	case *ast.IdentifierNode:
		if el := UnitElementIndex(n.Value); el >= 0 {
			ast.Patch(node, &ast.IdentifierNode{Value: numText(v.e.snap.Facts.Value(el, v.e.unit))})
		}
	}
}

// numText prints a number for an instantiated formula: up to six decimals, trailing
// zeros dropped.
func numText(v float64) string {
	if math.IsNaN(v) {
		return "缺失"
	}
	s := strconv.FormatFloat(v, 'f', 6, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// periodDetail states both periods' values behind prev() and growth().
func (e *evaluator) periodDetail(spec *callSpec) string {
	cur, pp := e.snap.Period, e.snap.Period-1
	if spec.fact >= 0 {
		el := UnitElements[spec.fact]
		prev := math.NaN()
		if ps := e.ds.Periods[pp]; ps != nil {
			prev = ps.Facts.Value(spec.fact, e.unit)
		}
		return fmt.Sprintf("%s：%d年度 %s，%d年度 %s", el.Name, cur, FormatValue(e.snap.Facts.Value(spec.fact, e.unit), el.Unit, nil),
			pp, FormatValue(prev, el.Unit, nil))
	}
	m := e.p.metrics[spec.metric].m
	prev := math.NaN()
	if e.prev != nil && e.prev.vals[e.unit] != nil && e.prev.errs[e.unit][spec.metric] == nil {
		prev = e.prev.vals[e.unit][spec.metric]
	}
	return fmt.Sprintf("%s：%d年度 %s，%d年度 %s", m.Name, cur, FormatValue(e.vals[spec.metric], m.Unit, m.Decimals), pp, FormatValue(prev, m.Unit, m.Decimals))
}

// record is called by every domain call while explaining.
func (t *trace) record(e *evaluator, idx int, v float64, err error) {
	spec := &e.p.calls[idx]
	d := CallDetail{Call: spec.text, Name: e.p.callName(spec), MeanValue: math.NaN(), SDValue: math.NaN()}
	if err != nil {
		d.Result = "无法计算（" + err.Error() + "）"
	} else {
		d.Result = numText(v)
	}
	t.result[spec.loc] = d.Result
	switch spec.fn {
	case "prev", "growth":
		d.Detail = e.periodDetail(spec)
	case "metric":
	case "composite_cv":
		d.Detail = e.compositeDetail(spec)
		e.traceRows(spec, &d)
	default:
		e.traceRows(spec, &d)
	}
	t.calls = append(t.calls, d)
}

func (e *evaluator) traceRows(spec *callSpec, d *CallDetail) {
	s := &e.snap.Schools
	var col []float64
	if spec.fn != "count" && spec.fn != "composite_cv" {
		col, _ = e.column(spec)
		d.Unit, d.Decimals = e.p.colUnit(spec.ref())
	}
	stu, err := e.students()
	if err != nil {
		return
	}
	base := int(e.rng.Lo)
	for _, k := range e.rows(spec.set) {
		i := base + int(k)
		v := math.NaN()
		if col != nil {
			v = col[k]
		}
		d.Schools++
		d.Students += stu[k]
		d.Rows = append(d.Rows, SchoolRow{Code: s.Code[i], Name: s.Name[i], Stage: s.Stage[i].String(),
			Row: int(s.Row[i]), Students: stu[k], Value: v})
	}
	if spec.fn == "cv" || spec.fn == "wmean" {
		weightRows(d)
	}
}

// compositeDetail lists the single CVs behind a composite one.
func (e *evaluator) compositeDetail(spec *callSpec) string {
	parts := make([]string, len(spec.cols))
	for i, ref := range spec.cols {
		v, err := e.cv(ref, spec.set)
		text := numText(v)
		if err != nil {
			text = "无法计算"
		}
		parts[i] = e.colName(ref) + " " + text
	}
	return "单项差异系数：" + joinCN(parts)
}

// weightRows fills each school's weight P_i/P and the weighted mean and standard
// deviation, the intermediate numbers an inspector checks a CV by.
func weightRows(d *CallDetail) {
	var p, mean float64
	for _, r := range d.Rows {
		if r.Students > 0 && !math.IsNaN(r.Value) {
			p += r.Students
		}
	}
	if p == 0 {
		return
	}
	for i := range d.Rows {
		r := &d.Rows[i]
		if r.Students > 0 && !math.IsNaN(r.Value) {
			r.Weight = r.Students / p
			mean += r.Weight * r.Value
		}
	}
	var ss float64
	for _, r := range d.Rows {
		ss += r.Weight * (r.Value - mean) * (r.Value - mean)
	}
	d.MeanValue, d.SDValue = mean, math.Sqrt(ss)
	d.Mean = strconv.FormatFloat(mean, 'f', 4, 64)
	d.SD = strconv.FormatFloat(d.SDValue, 'f', 4, 64)
}

// colUnit is the unit and decimals of a school column: a school metric's as its
// framework states them, a school element's unit; none for filters and checks.
func (p *Program) colUnit(ref colRef) (string, *int) {
	if ref.slot >= 0 {
		if m := p.slots[ref.slot].metric; m != nil {
			return m.Unit, m.Decimals
		}
		return "", nil
	}
	if ref.el >= 0 {
		return SchoolElements[ref.el].Unit, nil
	}
	return "", nil
}
