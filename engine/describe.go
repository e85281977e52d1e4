package engine

import (
	"fmt"
	"strings"
)

var opWords = map[string]string{">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}

// Describe says in Chinese how a rule scores, for framework browsers and listings:
// "小学生均教学仪器设备值差异系数 ≤ 0.500，否则扣1分".
func (p *Program) Describe(r *Rule) string {
	var m *Metric
	if spec := p.rules[r]; spec != nil && spec.metric >= 0 {
		m = p.metrics[spec.metric].m
	}
	label := r.Label
	val := func(v float64) string {
		if m != nil {
			return FormatValue(v, m.Unit, m.Decimals)
		}
		return fmtNum(v)
	}
	pts := fmtNum(r.Points)
	switch r.Kind {
	case RuleThreshold:
		s := fmt.Sprintf("%s %s %s 得%s分", label, opWords[r.Op], val(r.Value), pts)
		for _, st := range r.Partial {
			s += fmt.Sprintf("；%s %s 得%s分", opWords[st.Op], val(st.Value), fmtNum(st.Score))
		}
		return s + "；否则不得分"
	case RuleLinear:
		return fmt.Sprintf("%s 为 %s 时得0分、%s 时得满分%s分，之间按比例计分", label, val(*r.Zero), val(*r.Full), pts)
	case RuleDeduct:
		unit := "个"
		if m != nil && m.Unit != "" {
			unit = m.Unit
		}
		return fmt.Sprintf("%s 每1%s扣%s分，最多扣%s分", label, unit, fmtNum(r.Per), pts)
	case RuleChecklist:
		items := make([]string, len(r.Items))
		for i, it := range r.Items {
			items[i] = fmt.Sprintf("%s（%s分）", it.Text, fmtNum(it.Weight))
		}
		return "逐项核查：" + strings.Join(items, "；")
	case RuleManual:
		return fmt.Sprintf("人工评分，0至%s分，须写明理由", pts)
	}
	return r.Kind
}

// MetricByID returns the framework's metric with the given id, or nil.
func (p *Program) MetricByID(id string) *Metric {
	if i, ok := p.metricIdx[id]; ok {
		return p.metrics[i].m
	}
	return nil
}
