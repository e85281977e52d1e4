package engine

import (
	"fmt"
	"math"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// School-level expressions (filters and school metrics) are parsed by expr's parser
// and compiled here into vectorised column operations: running expr's VM once per
// school would cost ~100 ns × 500,000 rows × every school metric, far beyond the
// engine's budget, while a column operation costs about a nanosecond per row.

// chunk is how many rows a column operation handles at once; it keeps the scratch
// buffers in L1/L2 cache.
const chunk = 1024

// colFn evaluates an expression for rows [lo, lo+len(dst)) into dst.
type colFn func(c *colCtx, lo int, dst []float64)

// colCtx is what a column operation reads: the snapshot's columns and a stack of
// scratch buffers. One per goroutine.
type colCtx struct {
	s       *Schools
	base    int         // the first row of the unit being evaluated
	derived [][]float64 // filters and school metrics of that unit, by slot, from base
	stack   [][]float64
	top     int
}

func (c *colCtx) push() []float64 {
	if c.top == len(c.stack) {
		c.stack = append(c.stack, make([]float64, chunk))
	}
	b := c.stack[c.top]
	c.top++
	return b
}

func (c *colCtx) pop() { c.top-- }

// colEnv resolves names while compiling school-level expressions.
type colEnv struct {
	slots map[string]int // filters and school metrics defined earlier, by id → slot
}

// colCompile compiles a school-level expression.
func (e *colEnv) compile(src string) (colFn, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, exprError(src, err)
	}
	return e.node(tree.Node, src)
}

func (e *colEnv) node(n ast.Node, src string) (colFn, error) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return constCol(float64(n.Value)), nil
	case *ast.FloatNode:
		return constCol(n.Value), nil
	case *ast.BoolNode:
		return constCol(b2f(n.Value)), nil
	case *ast.IdentifierNode:
		return e.ident(n.Value)
	case *ast.UnaryNode:
		return e.unary(n, src)
	case *ast.BinaryNode:
		return e.binary(n, src)
	case *ast.ConditionalNode:
		return e.cond(n, src)
	case *ast.BuiltinNode:
		return e.builtin(n.Name, n.Arguments, src)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			return e.builtin(id.Value, n.Arguments, src)
		}
	case *ast.StringNode:
		return nil, fmt.Errorf("文字「%s」只能与 stage、school_type 比较", n.Value)
	}
	return nil, fmt.Errorf("学校级公式不支持「%s」", n.String())
}

// Category identifiers compare with Chinese names: stage == "小学",
// school_type in ["特殊教育学校", "职业学校"], public.
func (e *colEnv) ident(name string) (colFn, error) {
	switch name {
	case "public":
		return func(c *colCtx, lo int, dst []float64) {
			for i := range dst {
				dst[i] = b2f(c.s.Public[lo+i])
			}
		}, nil
	case "stage", "school_type":
		return nil, fmt.Errorf("「%s」只能与文字比较，如 stage == \"小学\"", name)
	}
	if slot, ok := e.slots[name]; ok {
		return func(c *colCtx, lo int, dst []float64) { copy(dst, c.derived[slot][lo-c.base:]) }, nil
	}
	el := SchoolElementIndex(name)
	if el < 0 {
		return nil, fmt.Errorf("未知的学校数据项或指标「%s」", name)
	}
	return func(c *colCtx, lo int, dst []float64) {
		col := c.s.Num[el]
		if col == nil {
			fillNaN(dst)
			return
		}
		copy(dst, col[lo:])
	}, nil
}

func (e *colEnv) unary(n *ast.UnaryNode, src string) (colFn, error) {
	x, err := e.node(n.Node, src)
	if err != nil {
		return nil, err
	}
	switch n.Operator {
	case "!", "not":
		return func(c *colCtx, lo int, dst []float64) {
			x(c, lo, dst)
			for i, v := range dst {
				dst[i] = b2f(v == 0)
			}
		}, nil
	case "-":
		return func(c *colCtx, lo int, dst []float64) {
			x(c, lo, dst)
			for i, v := range dst {
				dst[i] = -v
			}
		}, nil
	case "+":
		return x, nil
	}
	return nil, fmt.Errorf("学校级公式不支持运算符「%s」", n.Operator)
}

func (e *colEnv) binary(n *ast.BinaryNode, src string) (colFn, error) {
	if f, ok, err := e.category(n); ok || err != nil {
		return f, err
	}
	l, err := e.node(n.Left, src)
	if err != nil {
		return nil, err
	}
	r, err := e.node(n.Right, src)
	if err != nil {
		return nil, err
	}
	op := binOps[n.Operator]
	if op == nil {
		return nil, fmt.Errorf("学校级公式不支持运算符「%s」", n.Operator)
	}
	return func(c *colCtx, lo int, dst []float64) {
		l(c, lo, dst)
		tmp := c.push()[:len(dst)]
		r(c, lo, tmp)
		op(dst, tmp)
		c.pop()
	}, nil
}

var binOps = map[string]func(a, b []float64){
	"+":  func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return x + y }) },
	"-":  func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return x - y }) },
	"*":  func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return x * y }) },
	"/":  func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return x / y }) },
	"<":  func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x < y) }) },
	"<=": func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x <= y) }) },
	">":  func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x > y) }) },
	">=": func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x >= y) }) },
	"==": func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x == y) }) },
	"!=": func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x != y) }) },
	"&&": func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x != 0 && y != 0) }) },
	"and": func(a, b []float64) {
		loop(a, b, func(x, y float64) float64 { return b2f(x != 0 && y != 0) })
	},
	"||": func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x != 0 || y != 0) }) },
	"or": func(a, b []float64) { loop(a, b, func(x, y float64) float64 { return b2f(x != 0 || y != 0) }) },
}

// loop applies f element-wise into a. The closure is inlined by the compiler into each
// operator's instantiation, so this stays a tight loop.
func loop(a, b []float64, f func(x, y float64) float64) {
	b = b[:len(a)]
	for i := range a {
		a[i] = f(a[i], b[i])
	}
}

// category compiles comparisons of stage or school_type with Chinese names.
func (e *colEnv) category(n *ast.BinaryNode) (colFn, bool, error) {
	id, ok := n.Left.(*ast.IdentifierNode)
	if !ok || (id.Value != "stage" && id.Value != "school_type") {
		return nil, false, nil
	}
	var names []string
	switch r := n.Right.(type) {
	case *ast.StringNode:
		names = []string{r.Value}
	case *ast.ArrayNode:
		for _, x := range r.Nodes {
			s, ok := x.(*ast.StringNode)
			if !ok {
				return nil, true, fmt.Errorf("「%s」只能与文字比较", id.Value)
			}
			names = append(names, s.Value)
		}
	default:
		return nil, true, fmt.Errorf("「%s」只能与文字比较", id.Value)
	}
	var set [16]bool
	for _, name := range names {
		code, ok := categoryCode(id.Value, name)
		if !ok {
			return nil, true, fmt.Errorf("「%s」没有取值「%s」", id.Value, name)
		}
		set[code] = true
	}
	want := true
	switch n.Operator {
	case "==", "in":
	case "!=", "not in":
		want = false
	default:
		return nil, true, fmt.Errorf("「%s」只能用 ==、!=、in 比较", id.Value)
	}
	if id.Value == "stage" {
		return func(c *colCtx, lo int, dst []float64) {
			for i := range dst {
				dst[i] = b2f(set[c.s.Stage[lo+i]] == want)
			}
		}, true, nil
	}
	return func(c *colCtx, lo int, dst []float64) {
		for i := range dst {
			dst[i] = b2f(set[c.s.Type[lo+i]] == want)
		}
	}, true, nil
}

func categoryCode(kind, name string) (int, bool) {
	if kind == "stage" {
		s, ok := ParseStage(name)
		return int(s), ok
	}
	t, ok := ParseSchoolType(name)
	return int(t), ok
}

func (e *colEnv) cond(n *ast.ConditionalNode, src string) (colFn, error) {
	cf, err := e.node(n.Cond, src)
	if err != nil {
		return nil, err
	}
	a, err := e.node(n.Exp1, src)
	if err != nil {
		return nil, err
	}
	b, err := e.node(n.Exp2, src)
	if err != nil {
		return nil, err
	}
	return func(c *colCtx, lo int, dst []float64) {
		cf(c, lo, dst)
		ta := c.push()[:len(dst)]
		tb := c.push()[:len(dst)]
		a(c, lo, ta)
		b(c, lo, tb)
		for i, v := range dst {
			if v != 0 {
				dst[i] = ta[i]
			} else {
				dst[i] = tb[i]
			}
		}
		c.pop()
		c.pop()
	}, nil
}

// builtin compiles min, max and abs over columns.
func (e *colEnv) builtin(name string, args []ast.Node, src string) (colFn, error) {
	var fs []colFn
	for _, a := range args {
		f, err := e.node(a, src)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	switch {
	case name == "abs" && len(fs) == 1:
		return func(c *colCtx, lo int, dst []float64) {
			fs[0](c, lo, dst)
			for i, v := range dst {
				dst[i] = math.Abs(v)
			}
		}, nil
	case (name == "min" || name == "max") && len(fs) >= 2:
		pick := math.Min
		if name == "max" {
			pick = math.Max
		}
		return func(c *colCtx, lo int, dst []float64) {
			fs[0](c, lo, dst)
			tmp := c.push()[:len(dst)]
			for _, f := range fs[1:] {
				f(c, lo, tmp)
				for i := range dst {
					dst[i] = pick(dst[i], tmp[i])
				}
			}
			c.pop()
		}, nil
	}
	return nil, fmt.Errorf("学校级公式不支持函数「%s」（可用 min、max、abs）", name)
}

func constCol(v float64) colFn {
	return func(_ *colCtx, _ int, dst []float64) {
		for i := range dst {
			dst[i] = v
		}
	}
}

func fillNaN(dst []float64) {
	nan := math.NaN()
	for i := range dst {
		dst[i] = nan
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// exprError shortens expr's parse errors to their first line, which names the
// position; the snippet lines expr adds are noise in a one-line message.
func exprError(src string, err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return fmt.Errorf("公式「%s」无法解析: %s", src, msg)
}
