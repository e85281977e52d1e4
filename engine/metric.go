package engine

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// Unit metrics are expr programs. Domain functions take names as string literals
// (cv("equipment_value_per_student", "primary_scope")); at compile time every call
// is resolved into a callSpec and rewritten to fn(__e, index), so the names are
// checked once, looked up never, and one compiled program serves every evaluator.

// domainFns are the functions unit metrics may call, with their argument shape.
var domainFns = map[string]string{
	"count":       "filters",     // count(filter...)
	"sum":         "col+filters", // sum(column, filter...)
	"per_student": "col+filters", // sum(column)/sum(students)
	"per100":      "col+filters", // 100 × per_student
	"cv":          "col+filters", // student-weighted coefficient of variation
	// composite_cv(["c1", "c2", …], filter...): the mean of the single CVs (综合差异系数)
	"composite_cv": "cols+filters",
	"wmean":        "col+filters", // student-weighted mean
	"prev":         "name",        // previous period's value of a unit fact or metric
	"growth":       "name",        // (this − previous) / previous × 100
	"metric":       "metricname",  // another metric of this period
}

// numericFns are plain functions of numbers that unit metrics may call.
var numericFns = map[string]bool{"min": true, "max": true}

func domainNames() []string {
	names := make([]string, 0, len(domainFns))
	for n := range domainFns {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// envKey is the environment variable that carries the evaluator into domain calls.
const envKey = "__e"

type unitMetric struct {
	m     *Metric
	prog  *vm.Program
	facts []int // unit elements the expression reads directly
	deps  []int // metrics it needs first (metric() calls)
	calls []int // its domain calls, indexes into Program.calls
}

type filterRef struct {
	slot, el int // one of them is -1
	neg      bool
}

// colRef is a school column: a derived slot or a school element (the other -1).
type colRef struct{ slot, el int }

// callSpec is one resolved domain call.
type callSpec struct {
	fn      string
	text    string   // as written, for explanations
	loc     int      // where it starts in the metric's source
	slot    int      // column: a derived slot, or -1
	el      int      // column: a school element, or -1
	cols    []colRef // composite_cv: its columns
	filters []filterRef
	set     int // index of its filter set in Program.sets
	metric  int // prev/growth/metric of a metric, or -1
	fact    int // prev/growth of a unit fact, or -1
}

func (p *Program) compileMetrics(ps *problems) {
	fw := p.FW
	for i, m := range fw.allMetrics() {
		if !validID(m.ID) {
			ps.add(m.Line, "指标标识「%s」不合法", m.ID)
		}
		if m.Name == "" {
			ps.add(m.Line, "指标「%s」缺少名称 name", m.ID)
		}
		if _, dup := p.metricIdx[m.ID]; dup {
			ps.add(m.Line, "指标「%s」重复定义", m.ID)
		}
		p.metricIdx[m.ID] = i
		p.metrics = append(p.metrics, &unitMetric{m: m})
	}
	for _, um := range p.metrics {
		if err := p.compileMetric(um); err != nil {
			ps.add(um.m.Line, "指标「%s」: %v", um.m.ID, err)
		}
	}
	p.orderMetrics(ps)
	p.planPrevious()
}

// planPrevious works out which metrics the previous period must compute: those that
// prev() or growth() name, and what they depend on. The rest of the previous period
// is never evaluated.
func (p *Program) planPrevious() {
	need := make([]bool, len(p.metrics))
	var mark func(i int)
	mark = func(i int) {
		if need[i] {
			return
		}
		need[i] = true
		for _, d := range p.metrics[i].deps {
			mark(d)
		}
	}
	for _, c := range p.calls {
		if (c.fn == "prev" || c.fn == "growth") && c.metric >= 0 {
			mark(c.metric)
		}
	}
	for _, i := range p.order {
		if !need[i] {
			continue
		}
		p.prevOrder = append(p.prevOrder, i)
		for _, ci := range p.metrics[i].calls {
			if f := p.calls[ci].fn; f != "prev" && f != "growth" && f != "metric" {
				p.prevRows = true
			}
		}
	}
}

func (p *Program) compileMetric(um *unitMetric) error {
	if strings.TrimSpace(um.m.Expr) == "" {
		return fmt.Errorf("缺少公式 expr")
	}
	tree, err := parser.ParseWithConfig(um.m.Expr, p.exprConfig(nil))
	if err != nil {
		return exprError(um.m.Expr, err)
	}
	byLoc := map[int]int{}
	callees := map[ast.Node]bool{}
	ast.Find(tree.Node, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallNode); ok {
			callees[c.Callee] = true
		}
		return false
	})
	var firstErr error
	ast.Find(tree.Node, func(n ast.Node) bool {
		if callees[n] {
			return false // checked with its call
		}
		if firstErr != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.CallNode:
			idx, err := p.resolveCall(um, n)
			if err != nil {
				firstErr = err
				return false
			}
			if idx >= 0 {
				byLoc[n.Location().From] = idx
			}
		case *ast.IdentifierNode:
			firstErr = p.resolveIdent(um, n)
		}
		return false
	})
	if firstErr != nil {
		return firstErr
	}
	prog, err := expr.Compile(um.m.Expr, p.exprOptions(byLoc)...)
	if err != nil {
		return exprError(um.m.Expr, err)
	}
	um.prog = prog
	return nil
}

func (p *Program) resolveIdent(um *unitMetric, n *ast.IdentifierNode) error {
	if _, ok := domainFns[n.Value]; ok || numericFns[n.Value] {
		return nil // the callee of a call
	}
	el := UnitElementIndex(n.Value)
	if el < 0 {
		if _, isSlot := p.slotByID[n.Value]; isSlot || SchoolElementIndex(n.Value) >= 0 {
			return fmt.Errorf("「%s」是学校级数据，请用 sum、cv 等函数汇总，如 sum(\"%s\")", n.Value, n.Value)
		}
		return fmt.Errorf("未知的数据项「%s」", n.Value)
	}
	um.facts = append(um.facts, el)
	return nil
}

// resolveCall checks a domain call and records it; -1 for calls to expr's builtins.
func (p *Program) resolveCall(um *unitMetric, n *ast.CallNode) (int, error) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return -1, fmt.Errorf("不支持的调用「%s」", n.String())
	}
	if numericFns[id.Value] {
		return -1, nil
	}
	shape, ok := domainFns[id.Value]
	if !ok {
		return -1, fmt.Errorf("未知的函数「%s」（可用 %s、min、max）", id.Value, strings.Join(domainNames(), "、"))
	}
	var args, list []string
	for i, a := range n.Arguments {
		if arr, ok := a.(*ast.ArrayNode); ok && i == 0 && shape == "cols+filters" {
			if list, ok = stringList(arr); ok {
				continue
			}
		}
		s, ok := a.(*ast.StringNode)
		if !ok {
			if shape == "cols+filters" {
				return -1, fmt.Errorf("函数 %s 的第一个参数须为带引号的名称列表，如 %s([\"a\", \"b\"], \"filter\")", id.Value, id.Value)
			}
			return -1, fmt.Errorf("函数 %s 的参数须为带引号的名称，如 %s(\"students\")", id.Value, id.Value)
		}
		args = append(args, s.Value)
	}
	if shape == "cols+filters" {
		args = append([]string{strings.Join(list, ",")}, args...)
	}
	loc := n.Location()
	// The call as written, printed from the parsed node: expr's node location ends
	// at the callee's name, so slicing the source would give only "cv".
	spec := callSpec{fn: id.Value, text: n.String(), loc: loc.From, slot: -1, el: -1, metric: -1, fact: -1}
	if err := p.resolveArgs(um, &spec, shape, args); err != nil {
		return -1, err
	}
	spec.set = p.filterSet(spec.filters)
	p.calls = append(p.calls, spec)
	um.calls = append(um.calls, len(p.calls)-1)
	return len(p.calls) - 1, nil
}

func (p *Program) resolveArgs(um *unitMetric, spec *callSpec, shape string, args []string) error {
	switch shape {
	case "filters":
		return p.resolveFilters(spec, args)
	case "col+filters":
		if len(args) == 0 {
			return fmt.Errorf("函数 %s 至少需要一个参数（汇总的数据项）", spec.fn)
		}
		ref, err := p.resolveColumn(spec.fn, args[0])
		if err != nil {
			return err
		}
		spec.slot, spec.el = ref.slot, ref.el
		return p.resolveFilters(spec, args[1:])
	case "cols+filters":
		if args[0] == "" {
			return fmt.Errorf("函数 %s 的第一个参数须为至少一个名称的列表，如 %s([\"a\", \"b\"], \"filter\")", spec.fn, spec.fn)
		}
		for _, name := range strings.Split(args[0], ",") {
			ref, err := p.resolveColumn(spec.fn, name)
			if err != nil {
				return err
			}
			spec.cols = append(spec.cols, ref)
		}
		return p.resolveFilters(spec, args[1:])
	case "name", "metricname":
		if len(args) != 1 {
			return fmt.Errorf("函数 %s 只接受一个名称", spec.fn)
		}
		if i, ok := p.metricIdx[args[0]]; ok {
			spec.metric = i
			if spec.fn != "prev" {
				um.deps = append(um.deps, i) // metric() and growth() read this period's value
			}
			if spec.fn != "metric" {
				p.usesPrev = true
			}
			return nil
		}
		if el := UnitElementIndex(args[0]); el >= 0 && shape == "name" {
			spec.fact = el
			return nil
		}
		return fmt.Errorf("函数 %s 引用了未定义的指标或数据项「%s」", spec.fn, args[0])
	}
	return nil
}

// resolveColumn finds a school column by name: a filter, school metric or check, or
// a school element.
func (p *Program) resolveColumn(fn, name string) (colRef, error) {
	if s, ok := p.slotByID[name]; ok {
		return colRef{slot: s, el: -1}, nil
	}
	if el := SchoolElementIndex(name); el >= 0 {
		return colRef{slot: -1, el: el}, nil
	}
	return colRef{}, fmt.Errorf("函数 %s 引用了未知的学校数据项或学校指标「%s」", fn, name)
}

// stringList reads a list of quoted names, ["a", "b"].
func stringList(arr *ast.ArrayNode) ([]string, bool) {
	var out []string
	for _, n := range arr.Nodes {
		s, ok := n.(*ast.StringNode)
		if !ok || s.Value == "" || strings.Contains(s.Value, ",") {
			return nil, false
		}
		out = append(out, s.Value)
	}
	return out, true
}

func (p *Program) resolveFilters(spec *callSpec, names []string) error {
	for _, name := range names {
		ref := filterRef{slot: -1, el: -1}
		if strings.HasPrefix(name, "!") {
			ref.neg, name = true, name[1:]
		}
		if s, ok := p.slotByID[name]; ok {
			ref.slot = s
		} else if el := SchoolElementIndex(name); el >= 0 {
			ref.el = el
		} else {
			return fmt.Errorf("函数 %s 引用了未定义的筛选条件「%s」", spec.fn, name)
		}
		spec.filters = append(spec.filters, ref)
	}
	return nil
}

// filterSet returns the index of a distinct combination of filters: calls with the
// same filters share the unit's list of rows that pass them.
func (p *Program) filterSet(fs []filterRef) int {
	key := fmt.Sprint(fs)
	if i, ok := p.setIdx[key]; ok {
		return i
	}
	p.sets = append(p.sets, fs)
	p.setIdx[key] = len(p.sets) - 1
	return len(p.sets) - 1
}

// exprOptions configures expr: the environment's unit facts, the domain functions,
// and the patch that rewrites each domain call to fn(__e, index).
func (p *Program) exprOptions(byLoc map[int]int) []expr.Option {
	env := map[string]any{envKey: (*evaluator)(nil)}
	for _, el := range UnitElements {
		env[el.ID] = float64(0)
	}
	// expr's own count and sum take a predicate; ours take names.
	// expr's min and max drop NaN (min(100, NaN) is 100), which would turn missing
	// data into a full score; ours propagate it.
	opts := []expr.Option{expr.Env(env), expr.Patch(callPatcher{byLoc}),
		expr.DisableBuiltin("count"), expr.DisableBuiltin("sum"), expr.DisableBuiltin("min"), expr.DisableBuiltin("max"),
		expr.Function("min", nanPick(math.Min), new(func(float64, ...float64) float64)),
		expr.Function("max", nanPick(math.Max), new(func(float64, ...float64) float64))}
	for name := range domainFns {
		opts = append(opts, expr.Function(name, domainFunc(name), new(func(...any) float64)))
	}
	return opts
}

// exprConfig is the configuration expr.Compile builds from exprOptions, for parsing
// with the same functions and builtins before compiling.
func (p *Program) exprConfig(byLoc map[int]int) *conf.Config {
	c := conf.CreateNew()
	for _, op := range p.exprOptions(byLoc) {
		op(c)
	}
	return c
}

// nanPick folds numbers with pick (math.Min or math.Max, which return NaN when any
// argument is NaN).
func nanPick(pick func(a, b float64) float64) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		out := math.NaN()
		for i, p := range params {
			var v float64
			switch x := p.(type) {
			case float64:
				v = x
			case int:
				v = float64(x)
			default:
				return nil, cannot("min、max 的参数须为数值")
			}
			if i == 0 {
				out = v
			} else {
				out = pick(out, v)
			}
		}
		return out, nil
	}
}

type callPatcher struct{ byLoc map[int]int }

func (c callPatcher) Visit(node *ast.Node) {
	n, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	idx, ok := c.byLoc[n.Location().From]
	if !ok {
		return
	}
	n.Arguments = []ast.Node{&ast.IdentifierNode{Value: envKey}, &ast.IntegerNode{Value: idx}}
}

func domainFunc(name string) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		e := params[0].(*evaluator)
		return e.call(params[1].(int))
	}
}

// orderMetrics sorts metrics so that every metric() dependency comes first and
// rejects cycles.
func (p *Program) orderMetrics(ps *problems) {
	state := make([]uint8, len(p.metrics)) // 0 new, 1 visiting, 2 done
	var visit func(i int, path []string) bool
	visit = func(i int, path []string) bool {
		switch state[i] {
		case 1:
			ps.add(p.metrics[i].m.Line, "指标之间循环引用: %s", strings.Join(append(path, p.metrics[i].m.ID), " → "))
			return false
		case 2:
			return true
		}
		state[i] = 1
		for _, d := range p.metrics[i].deps {
			if !visit(d, append(path, p.metrics[i].m.ID)) {
				return false
			}
		}
		state[i] = 2
		p.order = append(p.order, i)
		return true
	}
	for i := range p.metrics {
		if !visit(i, nil) {
			return
		}
	}
}
