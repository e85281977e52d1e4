package engine

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Program is a framework checked and compiled: school-level expressions as column
// operations, unit metrics as expr programs, reason templates parsed. It is
// immutable and safe for concurrent use; evaluators hold the per-goroutine state.
type Program struct {
	FW *Framework

	slots    []slot // filters, school metrics and school checks, in evaluation order
	slotByID map[string]int
	checks   []checkSpec

	metrics   []*unitMetric // in framework order
	metricIdx map[string]int
	order     []int          // metric evaluation order (dependencies first)
	calls     []callSpec     // domain calls of all metrics, by index
	sets      [][]filterRef  // distinct filter combinations of the calls
	setIdx    map[string]int // key → index into sets
	usesPrev  bool           // some metric asks for a previous period's metric
	prevOrder []int          // the metrics prev() needs, with their dependencies, in order
	prevRows  bool           // some of them read school rows

	rules  map[*Rule]*ruleSpec
	vetoes []vetoSpec
	cases  map[int]int // metric → its one count()/sum() call (planCases)
}

// slot is one computed school column.
type slot struct {
	id, name string
	fn       colFn // nil for school checks, computed by checkSpec
	metric   *SchoolMetric
}

type checkSpec struct {
	slot    int         // pass column; slot+1 holds the count of standards met
	metrics []int       // slots of the school metrics checked
	std     [][]float64 // std[k][stage] minimum of metric k (NaN: not checked at that stage)
	meet    [][]float64 // std less the comparison tolerance: v ≥ meet[k][st] means met
	low     [][]float64 // floor × std less the tolerance: v < low[k][st] is too far below
	minMet  int
	floor   float64
}

type ruleSpec struct {
	metric int // index into metrics, -1 when none
	reason *reasonTmpl
}

type vetoSpec struct {
	metric int
	reason *reasonTmpl
}

// problems collects located problems while compiling.
type problems struct {
	file string
	list []Problem
}

func (p *problems) add(line int, format string, args ...any) {
	p.list = append(p.list, Problem{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// Compile checks a framework's meaning and compiles it. Every problem found is
// reported with its line, not only the first.
func Compile(fw *Framework) (*Program, error) {
	p := &Program{FW: fw, slotByID: map[string]int{}, metricIdx: map[string]int{}, setIdx: map[string]int{}, rules: map[*Rule]*ruleSpec{}}
	ps := &problems{file: fw.File}
	checkHeader(fw, ps)
	p.compileSchool(ps)
	if s, ok := p.slotByID[fw.Scope]; fw.Scope != "" && (!ok || p.slots[s].metric != nil) {
		ps.add(1, "scope 应为一个筛选条件 filters 的标识，而不是「%s」", fw.Scope)
	}
	p.compileMetrics(ps)
	p.compileAreas(ps)
	p.compileVetoes(ps)
	p.compileReport(ps)
	if len(ps.list) > 0 {
		return nil, &FrameworkError{Problems: ps.list}
	}
	return p, nil
}

// Load parses and compiles a framework file's bytes.
func Load(file string, data []byte) (*Program, error) {
	fw, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	return Compile(fw)
}

func checkHeader(fw *Framework, ps *problems) {
	if fw.ID == "" {
		ps.add(1, "缺少 id")
	}
	if fw.Name == "" {
		ps.add(1, "缺少 name")
	}
	if fw.Version == "" {
		ps.add(1, "缺少 version")
	}
	switch fw.Level {
	case LevelCounty, LevelCity, LevelSchool, LevelKindergarten:
	default:
		ps.add(1, "level 应为 county、city、school 或 kindergarten，而不是「%s」", fw.Level)
	}
	switch fw.Lowering {
	case "", LoweringEach, LoweringOnce:
	default:
		ps.add(1, "lowering 应为 each 或 once，而不是「%s」", fw.Lowering)
	}
	if w := fw.Split; w != nil && !(w.NineJunior > 0 && w.CompleteSenior > 0 && w.TwelveJunior > 0 && w.TwelveSenior > 0) {
		ps.add(1, "split_weights 须给出 nine_junior、complete_senior、twelve_junior、twelve_senior 四个大于0的权重")
	}
	switch fw.Grading.Kind {
	case "grade":
		if len(fw.Grading.Bands) == 0 {
			ps.add(1, "grading 为 grade 时须列出等次 bands")
		}
		for i := 1; i < len(fw.Grading.Bands); i++ {
			if fw.Grading.Bands[i].Min >= fw.Grading.Bands[i-1].Min {
				ps.add(1, "等次「%s」的分数线应低于「%s」（bands 按从高到低排列）", fw.Grading.Bands[i].Name, fw.Grading.Bands[i-1].Name)
			}
		}
	case "verdict":
		if fw.Grading.Pass == "" {
			fw.Grading.Pass = "达标"
		}
		if fw.Grading.Fail == "" {
			fw.Grading.Fail = "未达标"
		}
	default:
		ps.add(1, "grading.kind 应为 grade 或 verdict，而不是「%s」", fw.Grading.Kind)
	}
}

func (p *Program) addSlot(id string, line int, ps *problems) (int, bool) {
	if !validID(id) {
		ps.add(line, "标识「%s」不合法（只能用字母、数字、下划线和点）", id)
		return 0, false
	}
	if _, dup := p.slotByID[id]; dup || SchoolElementIndex(id) >= 0 {
		ps.add(line, "标识「%s」重复", id)
		return 0, false
	}
	p.slots = append(p.slots, slot{id: id})
	p.slotByID[id] = len(p.slots) - 1
	return len(p.slots) - 1, true
}

func (p *Program) compileSchool(ps *problems) {
	env := &colEnv{slots: p.slotByID}
	// A slot is added even when its expression is wrong, so that what uses it is
	// not reported again as undefined.
	for _, f := range p.FW.allFilters() {
		fn, err := env.compile(f.Expr)
		if err != nil {
			ps.add(f.Line, "筛选条件「%s」: %v", f.ID, err)
		}
		if s, ok := p.addSlot(f.ID, f.Line, ps); ok {
			p.slots[s].fn, p.slots[s].name = fn, f.Name
		}
	}
	for i := range p.FW.SchoolMetrics {
		m := &p.FW.SchoolMetrics[i]
		fn, err := env.compile(m.Expr)
		if err != nil {
			ps.add(m.Line, "学校指标「%s」: %v", m.ID, err)
		}
		for st := range m.Standard {
			if _, ok := ParseStage(st); !ok {
				ps.add(m.Line, "学校指标「%s」的标准值学段「%s」应为 小学、初中、高中 或 幼儿园", m.ID, st)
			}
		}
		if s, ok := p.addSlot(m.ID, m.Line, ps); ok {
			p.slots[s].fn, p.slots[s].name, p.slots[s].metric = fn, m.Name, m
		}
	}
	for i := range p.FW.SchoolChecks {
		p.compileCheck(&p.FW.SchoolChecks[i], ps)
	}
}

func (p *Program) compileCheck(c *SchoolCheck, ps *problems) {
	spec := checkSpec{minMet: c.MinMet, floor: c.Floor}
	for _, id := range c.Metrics {
		s, ok := p.slotByID[id]
		if !ok || p.slots[s].metric == nil {
			ps.add(c.Line, "学校达标检查「%s」引用了未定义的学校指标「%s」", c.ID, id)
			continue
		}
		m := p.slots[s].metric
		if len(m.Standard) == 0 {
			ps.add(c.Line, "学校达标检查「%s」引用的学校指标「%s」没有标准值 standard", c.ID, id)
			continue
		}
		std := make([]float64, numStages)
		for st := range std {
			std[st] = math.NaN()
		}
		for name, v := range m.Standard {
			if st, ok := ParseStage(name); ok {
				std[st] = v
			}
		}
		meet, low := make([]float64, len(std)), make([]float64, len(std))
		for st, v := range std {
			meet[st] = v - tolerance*math.Max(1, math.Abs(v))
			low[st] = c.Floor*v - tolerance*math.Max(1, math.Abs(c.Floor*v))
		}
		spec.metrics = append(spec.metrics, s)
		spec.std = append(spec.std, std)
		spec.meet = append(spec.meet, meet)
		spec.low = append(spec.low, low)
	}
	if c.MinMet < 1 || c.MinMet > len(c.Metrics) {
		ps.add(c.Line, "学校达标检查「%s」的 min_met 应在 1 到 %d 之间", c.ID, len(c.Metrics))
	}
	if c.Floor < 0 || c.Floor > 1 {
		ps.add(c.Line, "学校达标检查「%s」的 floor 应在 0 到 1 之间（如 0.85）", c.ID)
	}
	s, ok := p.addSlot(c.ID, c.Line, ps)
	if !ok {
		return
	}
	p.slots[s].name = c.Name
	if _, ok := p.addSlot(c.ID+".met", c.Line, ps); !ok {
		return
	}
	spec.slot = s
	p.checks = append(p.checks, spec)
}

func (p *Program) compileAreas(ps *problems) {
	fw := p.FW
	if len(fw.Areas) == 0 {
		ps.add(1, "没有任何一级指标 areas")
	}
	p.flattenTree(ps)
	codes := map[string]bool{}
	areaCodes := map[string]bool{}
	for ai := range fw.Areas {
		a := &fw.Areas[ai]
		if a.Code == "" || a.Name == "" {
			ps.add(a.Line, "一级指标缺少 code 或 name")
		}
		if areaCodes[a.Code] {
			ps.add(a.Line, "一级指标编号「%s」重复", a.Code)
		}
		areaCodes[a.Code] = true
		if len(a.Points) == 0 {
			ps.add(a.Line, "一级指标「%s」没有测评点", a.Name)
		}
		for pi := range a.Points {
			pt := &a.Points[pi]
			if _, ok := BonusNumber(pt.Code); ok {
				ps.add(pt.Line, "测评点编号「%s」是加分项的编号（J加数字，页面上写作加分项%s），测评点请换一个编号", pt.Code, pt.Code[1:])
			}
			p.compilePoint(pt, codes, ps)
		}
	}
	if b := fw.Bonus; b != nil {
		if b.Cap <= 0 {
			ps.add(b.Line, "加分项须有大于0的上限 cap")
		}
		for i := range b.Items {
			it := &b.Items[i]
			if _, ok := BonusNumber(it.Code); !ok && it.Code != "" {
				ps.add(it.Line, "加分项编号「%s」应为J加数字（如J1，页面上写作加分项1）", it.Code)
			}
			if it.Max > b.Cap {
				ps.add(it.Line, "加分项「%s」的分值 %s 超过加分上限 %s", it.Code, fmtNum(it.Max), fmtNum(b.Cap))
			}
			p.compilePoint(it, codes, ps)
		}
	}
	p.checkTree(ps, codes)
}

func (p *Program) compilePoint(pt *Point, codes map[string]bool, ps *problems) {
	if pt.Code == "" || pt.Title == "" {
		ps.add(pt.Line, "测评点缺少 code 或 title")
	}
	if codes[pt.Code] {
		ps.add(pt.Line, "测评点编号「%s」重复", pt.Code)
	}
	codes[pt.Code] = true
	if p.FW.IsVerdict() {
		// A requirement of a verdict framework passes or fails rule by rule: each
		// rule counts one, and the point passes when no rule loses.
		if pt.Max == 0 {
			for i := range pt.Rules {
				if pt.Rules[i].Points == 0 {
					pt.Rules[i].Points = 1
				}
				pt.Max += pt.Rules[i].Points
			}
		}
	}
	if pt.Max <= 0 {
		ps.add(pt.Line, "测评点「%s」的满分 max 须大于0", pt.Code)
		return
	}
	if len(pt.Rules) == 0 {
		ps.add(pt.Line, "测评点「%s」没有计分规则 rules", pt.Code)
		return
	}
	if len(pt.Rules) == 1 && pt.Rules[0].Points == 0 {
		pt.Rules[0].Points = pt.Max
	}
	var sum float64
	people := 0
	for i := range pt.Rules {
		r := &pt.Rules[i]
		if r.Line == 0 {
			r.Line = pt.Line
		}
		if r.Points <= 0 {
			ps.add(r.Line, "测评点「%s」有多条规则时，每条规则须写明分值 points", pt.Code)
		}
		sum += r.Points
		if r.Kind == RuleManual || r.Kind == RuleChecklist {
			people++
		}
		p.compileRule(pt, r, ps)
	}
	if people > 1 {
		ps.add(pt.Line, "测评点「%s」最多只能有一条人工评分（manual 或 checklist）规则", pt.Code)
	}
	if sum > pt.Max+1e-9 {
		ps.add(pt.Line, "测评点「%s」的规则分值合计 %s 超过满分 %s", pt.Code, fmtNum(sum), fmtNum(pt.Max))
	} else if sum < pt.Max-1e-9 {
		ps.add(pt.Line, "测评点「%s」的规则分值合计 %s 少于满分 %s，差额无从扣分", pt.Code, fmtNum(sum), fmtNum(pt.Max))
	}
}

var validOps = []string{">=", ">", "<=", "<", "=="}

func (p *Program) compileRule(pt *Point, r *Rule, ps *problems) {
	spec := &ruleSpec{metric: -1}
	p.rules[r] = spec
	if !slices.Contains([]string{RuleThreshold, RuleLinear, RuleDeduct, RuleChecklist, RuleManual}, r.Kind) {
		ps.add(r.Line, "测评点「%s」的规则类型「%s」未知（可用 threshold、linear、deduct、checklist、manual）", pt.Code, r.Kind)
		return
	}
	needMetric := r.Kind == RuleThreshold || r.Kind == RuleLinear || r.Kind == RuleDeduct
	if needMetric {
		i, ok := p.metricIdx[r.Metric]
		if !ok {
			ps.add(r.Line, "测评点「%s」的规则引用了未定义的指标「%s」", pt.Code, r.Metric)
		}
		spec.metric = i
		if r.Label == "" && ok {
			r.Label = p.metrics[i].m.Name
		}
	} else if r.Metric != "" {
		ps.add(r.Line, "测评点「%s」的 %s 规则不使用指标 metric", pt.Code, r.Kind)
	}
	switch r.Kind {
	case RuleThreshold:
		checkThreshold(pt, r, ps)
	case RuleLinear:
		if r.Zero == nil || r.Full == nil || *r.Zero == *r.Full {
			ps.add(r.Line, "测评点「%s」的 linear 规则须给出不相等的 zero 和 full", pt.Code)
		}
	case RuleDeduct:
		if r.Per <= 0 {
			ps.add(r.Line, "测评点「%s」的 deduct 规则须给出每例扣分 per（大于0）", pt.Code)
		}
	case RuleChecklist:
		checkChecklist(pt, r, ps)
	}
	if r.Round < 0 {
		ps.add(r.Line, "测评点「%s」的 round 不能为负", pt.Code)
	}
	t, err := compileReason(r.Reason, defaultReason(r.Kind, p.FW.IsVerdict()))
	if err != nil {
		ps.add(r.Line, "测评点「%s」的扣分理由模板有误: %v", pt.Code, err)
	}
	spec.reason = t
}

func checkThreshold(pt *Point, r *Rule, ps *problems) {
	if !slices.Contains(validOps, r.Op) {
		ps.add(r.Line, "测评点「%s」的 threshold 规则的比较符 op 应为 >=、>、<=、< 或 ==，而不是「%s」", pt.Code, r.Op)
	}
	for i := range r.Partial {
		s := &r.Partial[i]
		if s.Op == "" {
			s.Op = r.Op
		}
		if !slices.Contains(validOps, s.Op) {
			ps.add(r.Line, "测评点「%s」的部分得分比较符「%s」无效", pt.Code, s.Op)
		}
		if s.Score < 0 || s.Score > r.Points {
			ps.add(r.Line, "测评点「%s」的部分得分 %s 超出本规则分值 %s", pt.Code, fmtNum(s.Score), fmtNum(r.Points))
		}
	}
}

func checkChecklist(pt *Point, r *Rule, ps *problems) {
	if len(r.Items) == 0 {
		ps.add(r.Line, "测评点「%s」的 checklist 规则没有条目 items", pt.Code)
		return
	}
	var w float64
	ids := map[string]bool{}
	for _, it := range r.Items {
		if it.ID == "" || ids[it.ID] {
			ps.add(r.Line, "测评点「%s」的检查条目 id「%s」为空或重复", pt.Code, it.ID)
		}
		ids[it.ID] = true
		if it.Weight <= 0 {
			ps.add(r.Line, "测评点「%s」的检查条目「%s」权重须大于0", pt.Code, it.ID)
		}
		w += it.Weight
	}
	if math.Abs(w-r.Points) > 1e-9 {
		ps.add(r.Line, "测评点「%s」的检查条目权重合计 %s 不等于规则分值 %s", pt.Code, fmtNum(w), fmtNum(r.Points))
	}
}

func (p *Program) compileVetoes(ps *problems) {
	fw := p.FW
	codes := map[string]bool{}
	for i := range fw.Vetoes {
		v := &fw.Vetoes[i]
		spec := vetoSpec{metric: -1}
		if v.Code == "" || codes[v.Code] {
			ps.add(v.Line, "否决项编号「%s」为空或重复", v.Code)
		}
		codes[v.Code] = true
		switch v.Effect {
		case VetoFail:
		case VetoLower:
			if v.Steps <= 0 {
				v.Steps = 1
			}
		case VetoCap:
			if !slices.ContainsFunc(fw.Grading.Bands, func(b Band) bool { return b.Name == v.Grade }) {
				ps.add(v.Line, "否决项「%s」的封顶等次「%s」不在等次 bands 中", v.Code, v.Grade)
			}
		default:
			ps.add(v.Line, "否决项「%s」的 effect 应为 fail、lower 或 cap", v.Code)
		}
		if fw.IsVerdict() && v.Effect != VetoFail {
			ps.add(v.Line, "达标判定类评价体系的否决项「%s」只能是 fail", v.Code)
		}
		switch {
		case v.Manual && v.When != "":
			ps.add(v.Line, "否决项「%s」不能同时是 manual 又有 when", v.Code)
		case v.When != "":
			idx, ok := p.metricIdx[v.When]
			if !ok {
				ps.add(v.Line, "否决项「%s」的 when 引用了未定义的指标「%s」", v.Code, v.When)
			}
			spec.metric = idx
		case !v.Manual:
			ps.add(v.Line, "否决项「%s」须有 when（指标）或 manual: true", v.Code)
		}
		t, err := compileReason(v.Reason, "{{.Title}}")
		if err != nil {
			ps.add(v.Line, "否决项「%s」的理由模板有误: %v", v.Code, err)
		}
		spec.reason = t
		p.vetoes = append(p.vetoes, spec)
	}
}

func validID(id string) bool {
	if id == "" {
		return false
	}
	for i, r := range id {
		ok := r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return !strings.HasPrefix(id, ".") && !strings.HasSuffix(id, ".")
}
