package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Inputs are a person's part of one unit's evaluation: scores of manual points,
// ticked checklist items, and decisions on manual veto items.
type Inputs struct {
	Points map[string]PointInput `yaml:"points,omitempty" json:"points,omitempty"`
	Vetoes map[string]VetoInput  `yaml:"vetoes,omitempty" json:"vetoes,omitempty"`
}

// PointInput scores the manual or checklist rule of a point. Score is for a manual
// rule (within [0, its points], with a justification); Checked lists the ids of the
// checklist items that are met.
type PointInput struct {
	Score         *float64 `yaml:"score,omitempty" json:"score,omitempty"`
	Checked       []string `yaml:"checked,omitempty" json:"checked,omitempty"`
	Justification string   `yaml:"justification,omitempty" json:"justification,omitempty"`
	Evidence      []string `yaml:"evidence,omitempty" json:"evidence,omitempty"`
}

// VetoInput decides a manual veto item.
type VetoInput struct {
	Triggered     bool   `yaml:"triggered" json:"triggered"`
	Justification string `yaml:"justification,omitempty" json:"justification,omitempty"`
}

// InputError lists every problem with people's inputs.
type InputError struct{ Problems []string }

func (e *InputError) Error() string {
	return "人工评分有误:\n  " + strings.Join(e.Problems, "\n  ")
}

// peopleRule returns the manual or checklist rule of a point, or nil.
func peopleRule(pt *Point) *Rule {
	for i := range pt.Rules {
		if k := pt.Rules[i].Kind; k == RuleManual || k == RuleChecklist {
			return &pt.Rules[i]
		}
	}
	return nil
}

// findPoint returns the point (or bonus item) with the given code.
func (f *Framework) findPoint(code string) *Point {
	for ai := range f.Areas {
		for pi := range f.Areas[ai].Points {
			if f.Areas[ai].Points[pi].Code == code {
				return &f.Areas[ai].Points[pi]
			}
		}
	}
	if f.Bonus != nil {
		for i := range f.Bonus.Items {
			if f.Bonus.Items[i].Code == code {
				return &f.Bonus.Items[i]
			}
		}
	}
	return nil
}

// checkInputs validates every unit's inputs against the framework.
func (p *Program) checkInputs(all map[string]*Inputs) error {
	var probs []string
	units := make([]string, 0, len(all))
	for u := range all {
		units = append(units, u)
	}
	sort.Strings(units)
	for _, u := range units {
		in := all[u]
		if in == nil {
			continue
		}
		codes := make([]string, 0, len(in.Points))
		for c := range in.Points {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, c := range codes {
			probs = append(probs, p.checkPointInput(u, c, in.Points[c])...)
		}
		for c, v := range in.Vetoes {
			probs = append(probs, p.checkVetoInput(u, c, v)...)
		}
	}
	if len(probs) > 0 {
		return &InputError{Problems: probs}
	}
	return nil
}

func (p *Program) checkPointInput(unit, code string, in PointInput) []string {
	where := "单位" + unit + " " + PointLabel(code)
	pt := p.FW.findPoint(code)
	if pt == nil {
		return []string{where + ": 评价体系中没有这个测评点"}
	}
	r := peopleRule(pt)
	if r == nil {
		return []string{where + ": 该测评点由数据计算，不能人工评分"}
	}
	var probs []string
	switch r.Kind {
	case RuleManual:
		switch {
		case in.Score == nil:
			probs = append(probs, where+": 缺少得分 score")
		case *in.Score < 0 || *in.Score > r.Points:
			probs = append(probs, fmt.Sprintf("%s: 得分 %s 超出范围 [0, %s]", where, fmtNum(*in.Score), fmtNum(r.Points)))
		}
		if strings.TrimSpace(in.Justification) == "" {
			probs = append(probs, where+": 人工评分须填写评分理由 justification")
		}
	case RuleChecklist:
		if in.Score != nil {
			probs = append(probs, where+": 检查类测评点按勾选条目计分，不能直接给分")
		}
		for _, id := range in.Checked {
			if !slices.ContainsFunc(r.Items, func(it Item) bool { return it.ID == id }) {
				probs = append(probs, fmt.Sprintf("%s: 没有检查条目「%s」", where, id))
			}
		}
	}
	return probs
}

func (p *Program) checkVetoInput(unit, code string, in VetoInput) []string {
	where := "单位" + unit + " " + PointLabel(code)
	for _, v := range p.FW.Vetoes {
		if v.Code != code {
			continue
		}
		if !v.Manual {
			return []string{where + ": 该否决项由数据判定，不能人工认定"}
		}
		if in.Triggered && strings.TrimSpace(in.Justification) == "" {
			return []string{where + ": 认定触发否决须填写理由 justification"}
		}
		return nil
	}
	return []string{where + ": 评价体系中没有这个否决项"}
}
