package engine

import (
	"regexp"
	"slices"
	"strings"
)

// A formula in words: each domain call named in Chinese from the names the
// framework gives its filters, school metrics and elements —
// cv("equipment_value_per_student", "primary_scope") reads 「纳入计算的小学·生均教学
// 仪器设备值的差异系数」 — so that a page shows what is computed and keeps the
// expression behind a toggle.

// slotName is a filter's or school metric's name (its id when it has none).
func (p *Program) slotName(s int) string {
	if n := p.slots[s].name; n != "" {
		return n
	}
	return p.slots[s].id
}

func (p *Program) colName(c colRef) string {
	if c.slot >= 0 {
		return p.slotName(c.slot)
	}
	if c.el >= 0 {
		return SchoolElements[c.el].Name
	}
	return ""
}

func (p *Program) filtersName(fs []filterRef) string {
	var parts []string
	for _, f := range fs {
		n := ""
		switch {
		case f.slot >= 0:
			n = p.slotName(f.slot)
		case f.el >= 0:
			n = SchoolElements[f.el].Name
		}
		if n == "" {
			continue
		}
		if f.neg {
			n = "非" + n
		}
		parts = append(parts, n)
	}
	if len(parts) == 0 {
		return "全部学校"
	}
	return strings.Join(parts, "·")
}

// callName is a domain call in words.
func (p *Program) callName(spec *callSpec) string {
	col := p.colName(colRef{slot: spec.slot, el: spec.el})
	scope := p.filtersName(spec.filters)
	named := func() string {
		switch {
		case spec.metric >= 0:
			return p.metrics[spec.metric].m.Name
		case spec.fact >= 0:
			return UnitElements[spec.fact].Name
		}
		return ""
	}
	switch spec.fn {
	case "count":
		return scope + "的学校数"
	case "sum":
		return scope + "·" + col + "合计"
	case "per_student":
		return scope + "·" + col + "（生均）"
	case "per100":
		return scope + "·" + col + "（每百名学生）"
	case "cv":
		return scope + "·" + col + "的差异系数"
	case "wmean":
		return scope + "·" + col + "（按在校生加权平均）"
	case "composite_cv":
		var cols []string
		for _, c := range spec.cols {
			cols = append(cols, p.colName(c))
		}
		return scope + "·" + strings.Join(cols, "、") + "的综合差异系数"
	case "prev":
		return named() + "（上一年度）"
	case "growth":
		return named() + "的增长率"
	case "metric":
		return named()
	}
	return spec.text
}

var identRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_.]*`)

// readFormula is a metric's expression with its domain calls and unit facts in
// words: 「一般公共预算教育支出」 / 「在校生数」 × 10000.
func (p *Program) readFormula(um *unitMetric, calls []int) string {
	s := um.m.Expr
	// Longest first, so that a call inside another's text is not cut in two.
	sorted := slices.Clone(calls)
	slices.SortFunc(sorted, func(a, b int) int { return len(p.calls[b].text) - len(p.calls[a].text) })
	for _, idx := range sorted {
		spec := &p.calls[idx]
		s = strings.ReplaceAll(s, spec.text, "「"+p.callName(spec)+"」")
	}
	s = identRE.ReplaceAllStringFunc(s, func(id string) string {
		if i := UnitElementIndex(id); i >= 0 {
			return "「" + UnitElements[i].Name + "」"
		}
		if w, ok := exprWords[id]; ok {
			return w
		}
		return id
	})
	s = strings.NewReplacer("*", "×", "/", "÷", "==", "=", ">=", "≥", "<=", "≤", "!=", "≠").Replace(s)
	s = operatorRE.ReplaceAllString(s, " $1 ")
	return strings.Join(strings.Fields(s), " ")
}

var operatorRE = regexp.MustCompile(`\s*([×÷+\-=≥≤≠<>?:])\s*`)

// MetricReading is the formula of the unit metric id in words ("" when there is no
// such metric).
func (p *Program) MetricReading(id string) string {
	for _, um := range p.metrics {
		if um.m.ID == id {
			return p.readFormula(um, um.calls)
		}
	}
	return ""
}

// exprWords are the words of the expression language a formula may use.
var exprWords = map[string]string{"min": "取较小值", "max": "取较大值", "and": "且", "or": "或", "not": "非", "true": "是", "false": "否"}
