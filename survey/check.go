package survey

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// idRE is what ids may be: lower-case letters, digits, - and _, as framework ids.
var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Elements are the unit facts a survey may measure.
var Elements = map[string]string{"satisfaction": "社会认可度", "kg_satisfaction": "学前教育社会认可度"}

type checker struct {
	f  *File
	ps []Problem
}

func (c *checker) add(line int, format string, args ...any) {
	c.ps = append(c.ps, Problem{File: c.f.Source, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// check lists everything wrong with the meaning of a parsed file.
func check(f *File) []Problem {
	c := &checker{f: f}
	c.header()
	c.scale()
	c.computation()
	c.plan()
	c.groups()
	c.questionnaires()
	return c.ps
}

func (c *checker) header() {
	f := c.f
	if !idRE.MatchString(f.ID) {
		c.add(1, "id「%s」应由小写字母、数字、-、_ 组成", f.ID)
	}
	for key, v := range map[string]string{"version": f.Version, "name": f.Name, "framework": f.Framework} {
		if strings.TrimSpace(v) == "" {
			c.add(1, "缺少 %s", key)
		}
	}
	if _, ok := Elements[f.Element]; !ok {
		c.add(1, "element 应为 satisfaction 或 kg_satisfaction，而不是「%s」", f.Element)
	}
	if f.Threshold < 0 || f.Threshold > 100 {
		c.add(1, "threshold 应在 0 到 100 之间")
	}
}

func (c *checker) scale() {
	s := c.f.Scale
	if len(s.Labels) != 5 {
		c.add(1, "scale.labels 应有 5 个选项（从最满意到最不满意），现有 %d 个", len(s.Labels))
	}
	seen := map[string]bool{}
	for _, l := range append(slices.Clone(s.Labels), s.Unknown) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if seen[l] {
			c.add(1, "scale 的选项「%s」重复", l)
		}
		seen[l] = true
	}
	for _, l := range s.Labels {
		if strings.TrimSpace(l) == "" {
			c.add(1, "scale.labels 有空选项")
		}
	}
}

func (c *checker) computation() {
	cp := c.f.Computation
	if !slices.Contains(Methods, cp.Method) {
		c.add(1, "computation.method 应为 top2_share、likert_mean_100 或 value_map，而不是「%s」", cp.Method)
	}
	if cp.Method == MethodValue && len(cp.Values) == 0 {
		c.add(1, "computation.method 为 value_map 时须给出 values")
	}
	if len(cp.Values) > 0 {
		if len(cp.Values) != len(c.f.Scale.Labels) {
			c.add(1, "computation.values 应与 scale.labels 一一对应（%d 个），现有 %d 个", len(c.f.Scale.Labels), len(cp.Values))
		}
		for i, v := range cp.Values {
			if v < 0 || v > 100 || math.IsNaN(v) {
				c.add(1, "computation.values 第%d个值应在 0 到 100 之间", i+1)
			}
		}
	}
	if cp.UnknownInDenominator && c.f.Scale.Unknown == "" {
		c.add(1, "computation.unknown_in_denominator 需要 scale.unknown（如「不了解」）")
	}
	for g, w := range cp.Weights {
		if c.f.Group(g) == nil {
			c.add(1, "computation.weights 中的群体「%s」不在 groups 中", g)
		}
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			c.add(1, "computation.weights 中「%s」的权重应为非负数", g)
		}
	}
}

func (c *checker) plan() {
	p := c.f.Plan
	if (p.PerMille > 0) == (len(p.Bands) > 0) {
		c.add(1, "plan 应给出 per_mille（按常住人口千分比）或 bands（按人口分档）之一")
	}
	if p.PerMille < 0 || p.PerMille > 100 || p.Minimum < 0 {
		c.add(1, "plan.per_mille 应在 0 到 100 之间，minimum 不能为负")
	}
	var last int64
	for i, b := range p.Bands {
		if b.Size <= 0 {
			c.add(1, "plan.bands 第%d档的 size 应为正整数", i+1)
		}
		switch {
		case i == len(p.Bands)-1 && b.Below != 0:
			c.add(1, "plan.bands 的最后一档不应有 below（它包括以上所有人口）")
		case i < len(p.Bands)-1 && b.Below <= last:
			c.add(1, "plan.bands 第%d档的 below 应大于上一档", i+1)
		}
		last = b.Below
	}
}

func (c *checker) groups() {
	if len(c.f.Groups) == 0 {
		c.add(1, "没有调查对象 groups")
	}
	seen := map[string]bool{}
	total := 0.0
	for _, g := range c.f.Groups {
		if !idRE.MatchString(g.ID) {
			c.add(g.Line, "群体 id「%s」应由小写字母、数字、-、_ 组成", g.ID)
		}
		if seen[g.ID] {
			c.add(g.Line, "群体「%s」重复", g.ID)
		}
		seen[g.ID] = true
		if strings.TrimSpace(g.Name) == "" {
			c.add(g.Line, "群体「%s」缺少 name", g.ID)
		}
		if g.Share <= 0 || g.Share > 100 {
			c.add(g.Line, "群体「%s」的 share 应在 0 到 100 之间（样本中的百分比）", g.ID)
		}
		total += g.Share
		if g.Schools != "" && g.Schools != AtSchools && g.Schools != AtKindergartens {
			c.add(g.Line, "群体「%s」的 schools 应为 school 或 kindergarten", g.ID)
		}
		if c.f.Questionnaire(g.Questionnaire) == nil {
			c.add(g.Line, "群体「%s」的问卷「%s」不在 questionnaires 中", g.ID, g.Questionnaire)
		}
	}
	if len(c.f.Groups) > 0 && math.Abs(total-100) > 0.01 {
		c.add(c.f.Groups[0].Line, "各群体的 share 合计应为 100，现为 %g", total)
	}
}

func (c *checker) questionnaires() {
	if len(c.f.Questionnaires) == 0 {
		c.add(1, "没有问卷 questionnaires")
	}
	seen := map[string]bool{}
	for i := range c.f.Questionnaires {
		q := &c.f.Questionnaires[i]
		if !idRE.MatchString(q.ID) {
			c.add(q.Line, "问卷 id「%s」应由小写字母、数字、-、_ 组成", q.ID)
		}
		if seen[q.ID] {
			c.add(q.Line, "问卷「%s」重复", q.ID)
		}
		seen[q.ID] = true
		if strings.TrimSpace(q.Name) == "" || strings.TrimSpace(q.Title) == "" {
			c.add(q.Line, "问卷「%s」缺少 name 或 title", q.ID)
		}
		if len(c.f.GroupsOf(q.ID)) == 0 {
			c.add(q.Line, "问卷「%s」没有群体作答（groups 中没有指向它的）", q.ID)
		}
		c.questions(q)
	}
}

func (c *checker) questions(q *Questionnaire) {
	if len(q.Questions) == 0 {
		c.add(q.Line, "问卷「%s」没有题目", q.ID)
	}
	seen, counted := map[string]bool{}, 0
	for _, qu := range q.Questions {
		if !idRE.MatchString(qu.ID) {
			c.add(qu.Line, "题目 id「%s」应由小写字母、数字、-、_ 组成", qu.ID)
		}
		if seen[qu.ID] {
			c.add(qu.Line, "题目「%s」重复", qu.ID)
		}
		seen[qu.ID] = true
		if strings.TrimSpace(qu.Text) == "" {
			c.add(qu.Line, "题目「%s」缺少 text", qu.ID)
		}
		c.question(q, &qu)
		if qu.Counted() {
			counted++
		}
	}
	if len(q.Questions) > 0 && counted == 0 {
		c.add(q.Line, "问卷「%s」没有计入认可度的满意度题（kind: scale）", q.ID)
	}
}

func (c *checker) question(q *Questionnaire, qu *Question) {
	switch qu.Kind {
	case KindScale, KindText:
		if len(qu.Options) > 0 {
			c.add(qu.Line, "题目「%s」（%s）不应有 options", qu.ID, qu.Kind)
		}
	case KindChoice, KindMulti:
		if len(qu.Options) < 2 {
			c.add(qu.Line, "题目「%s」应至少有 2 个 options", qu.ID)
		}
		dup := map[string]bool{}
		for _, o := range qu.Options {
			if strings.TrimSpace(o) == "" || dup[o] {
				c.add(qu.Line, "题目「%s」的选项「%s」为空或重复", qu.ID, o)
			}
			dup[o] = true
		}
	default:
		c.add(qu.Line, "题目「%s」的 kind 应为 scale、choice、multi 或 text，而不是「%s」", qu.ID, qu.Kind)
	}
	if qu.Counts != nil && *qu.Counts && qu.Kind != KindScale {
		c.add(qu.Line, "只有满意度题（kind: scale）才能计入认可度")
	}
	for _, g := range qu.Groups {
		if gr := c.f.Group(g); gr == nil || gr.Questionnaire != q.ID {
			c.add(qu.Line, "题目「%s」的群体「%s」不答问卷「%s」", qu.ID, g, q.ID)
		}
	}
}
