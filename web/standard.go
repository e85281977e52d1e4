package web

import (
	"fmt"
	"sort"
	"strings"

	"ziping/engine"
)

// standard is a limit a metric is compared with by a rule of a point or a veto.
type standard struct {
	Point string // measurement point or veto code
	Text  string // "≤ 0.500"
}

// Label names the standard's point or veto: 测评点12, 否决项4.
func (s standard) Label() string { return engine.PointLabel(s.Point) }

// Ref is the point's code, or the veto's name (否决项4), under a heading 测评点.
func (s standard) Ref() string { return engine.PointRef(s.Point) }

var opWords = map[string]string{">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}

// metricStandards lists, for every metric of a framework, the standards its rules and
// vetoes compare it with.
func metricStandards(p *engine.Program) map[string][]standard {
	out := map[string][]standard{}
	add := func(pt *engine.Point) {
		for i := range pt.Rules {
			r := &pt.Rules[i]
			if r.Metric != "" {
				out[r.Metric] = append(out[r.Metric], standard{Point: pt.Code, Text: ruleStandard(p, r)})
			}
		}
	}
	for ai := range p.FW.Areas {
		for pi := range p.FW.Areas[ai].Points {
			add(&p.FW.Areas[ai].Points[pi])
		}
	}
	if p.FW.Bonus != nil {
		for i := range p.FW.Bonus.Items {
			add(&p.FW.Bonus.Items[i])
		}
	}
	for _, v := range p.FW.Vetoes {
		if v.When != "" {
			out[v.When] = append(out[v.When], standard{Point: v.Code, Text: "不为0即触发「" + v.Title + "」"})
		}
	}
	return out
}

// ruleStandard says briefly what a metric rule requires: "≥ 95.0%", "60.0% 至
// 80.0% 之间按比例计分", "每1所扣1分".
func ruleStandard(p *engine.Program, r *engine.Rule) string {
	m := p.MetricByID(r.Metric)
	if m == nil {
		return p.Describe(r)
	}
	val := func(v float64) string { return engine.FormatValue(v, m.Unit, m.Decimals) }
	switch r.Kind {
	case engine.RuleThreshold:
		s := opWords[r.Op] + " " + val(r.Value)
		for _, st := range r.Partial {
			s += fmt.Sprintf("（%s %s 得%s分）", opWords[st.Op], val(st.Value), num(st.Score))
		}
		return s
	case engine.RuleLinear:
		return fmt.Sprintf("%s 得满分，%s 不得分，之间按比例", val(*r.Full), val(*r.Zero))
	case engine.RuleDeduct:
		unit := m.Unit
		if unit == "" {
			unit = "个"
		}
		return fmt.Sprintf("每1%s扣%s分，最多扣%s分", unit, num(r.Per), num(r.Points))
	}
	return p.Describe(r)
}

// failingMetrics are the metrics of a result that lost points or triggered a veto:
// the metrics of the rules that lost points, as the engine scored them (each
// point's Details say which of its rules lost), so that an indicator's state on the
// county page is the score sheet's own computation. A point the review rescored
// has no details (the reviewer scores the point, not its rules); its reasons name
// the rules that lost by their labels (a metric's name unless the framework gives
// another), and a point with a single rule needs no reasons.
func failingMetrics(p *engine.Program, res *engine.Result) map[string]bool {
	out := map[string]bool{}
	for ai := range p.FW.Areas {
		for pi := range p.FW.Areas[ai].Points {
			pt := &p.FW.Areas[ai].Points[pi]
			pr := res.Point(pt.Code)
			if pr == nil || pr.Lost == 0 {
				continue
			}
			if len(pr.Details) > 0 {
				markRules(pt, pr, out)
			} else {
				markLost(pt, pr, out)
			}
		}
	}
	for _, v := range res.Vetoes {
		if v.Triggered {
			for _, fv := range p.FW.Vetoes {
				if fv.Code == v.Code && fv.When != "" {
					out[fv.When] = true
				}
			}
		}
	}
	return out
}

// markRules marks the metrics of the rules of pt that lost points.
func markRules(pt *engine.Point, pr *engine.PointResult, out map[string]bool) {
	for _, d := range pr.Details {
		if d.Status == engine.StatusScored && d.Lost > 0 && d.Rule < len(pt.Rules) && pt.Rules[d.Rule].Metric != "" {
			out[pt.Rules[d.Rule].Metric] = true
		}
	}
}

func markLost(pt *engine.Point, pr *engine.PointResult, out map[string]bool) {
	if pr == nil || pr.Lost == 0 {
		return
	}
	if len(pt.Rules) == 1 && pt.Rules[0].Metric != "" && pr.Status == engine.StatusScored {
		out[pt.Rules[0].Metric] = true
		return
	}
	var rules []*engine.Rule
	for i := range pt.Rules {
		if pt.Rules[i].Metric != "" && pt.Rules[i].Label != "" {
			rules = append(rules, &pt.Rules[i])
		}
	}
	// Longest label first: one label may contain another ("增长率" in "生均…增长率").
	sort.SliceStable(rules, func(i, j int) bool { return len(rules[i].Label) > len(rules[j].Label) })
	for _, reason := range pr.Reasons {
		for _, r := range rules {
			if strings.Contains(reason, r.Label) {
				out[r.Metric] = true
				break
			}
		}
	}
}
