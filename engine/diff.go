package engine

import (
	"fmt"
	"slices"
	"strings"
)

// Change is one difference between two versions of a framework, for people who must
// approve a new version before it applies: what was added, removed or changed, the
// old and new values, and the change said in Chinese.
type Change struct {
	Kind  string `json:"kind"`            // added, removed, changed
	What  string `json:"what"`            // framework, area, group, point, bonus, metric, veto
	Code  string `json:"code,omitempty"`  // the code or id of the thing changed
	Field string `json:"field,omitempty"` // what changed: max, title, rule, formula …
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
	Text  string `json:"text"`
}

// Change kinds.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Diff lists what changed from framework a to framework b: the header (name, level,
// grading, how lowerings combine), the areas and groups (added, removed, renamed,
// maxima), the points (added, removed; title, maximum, standard, evidence, and each
// rule as Describe says it, so that a changed threshold, partial step or deduction
// shows old and new), the bonus items and cap, the metrics (formula, name, unit) and
// the veto items. Things are matched by code or id; the order is b's, removed
// things after their neighbours.
func Diff(a, b *Program) []Change {
	d := &differ{a: a, b: b}
	d.header()
	d.tree()
	d.bonus()
	d.metrics()
	d.vetoes()
	return d.out
}

type differ struct {
	a, b *Program
	out  []Change
}

func (d *differ) add(c Change) { d.out = append(d.out, c) }

// field records a changed field when old and new differ.
func (d *differ) field(what, code, label, field, old, new string) {
	if old == new {
		return
	}
	d.add(Change{Kind: Changed, What: what, Code: code, Field: field, Old: old, New: new,
		Text: fmt.Sprintf("%s：%s「%s」→「%s」", label, fieldName(field), orNone(old), orNone(new))})
}

func orNone(s string) string {
	if s == "" {
		return "无"
	}
	return s
}

var fieldNames = map[string]string{"name": "名称", "title": "名称", "max": "满分", "standard": "标准", "evidence": "佐证材料",
	"rule": "计分", "formula": "公式", "unit": "单位", "level": "评价对象", "grading": "评价方式", "lowering": "降等合并方式",
	"effect": "效果", "when": "判定指标", "cap": "加分上限", "version": "版本", "basis": "依据"}

func fieldName(f string) string { return fieldNames[f] }

func (d *differ) header() {
	fa, fb := d.a.FW, d.b.FW
	d.field("framework", fb.ID, "评价体系", "name", fa.Name, fb.Name)
	d.field("framework", fb.ID, "评价体系", "version", fa.Version, fb.Version)
	d.field("framework", fb.ID, "评价体系", "level", fa.Level, fb.Level)
	d.field("framework", fb.ID, "评价体系", "basis", fa.Basis, fb.Basis)
	d.field("framework", fb.ID, "评价体系", "grading", gradingText(fa), gradingText(fb))
	d.field("framework", fb.ID, "评价体系", "lowering", loweringText(fa), loweringText(fb))
}

func gradingText(fw *Framework) string {
	if fw.IsVerdict() {
		return "达标判定（" + fw.Grading.Pass + "/" + fw.Grading.Fail + "）"
	}
	bands := make([]string, len(fw.Grading.Bands))
	for i, b := range fw.Grading.Bands {
		bands[i] = b.Name + "≥" + fmtNum(b.Min)
	}
	return strings.Join(bands, "、")
}

func loweringText(fw *Framework) string {
	if fw.Lowering == LoweringOnce {
		return "多项降等只降一次"
	}
	return "每项降等分别计算"
}

// node is an area or a group, flattened with its place in the tree.
type node struct {
	what, code, name string
	max              float64
}

// nodes lists the areas and groups of fw, depth first.
func nodes(fw *Framework) []node {
	var out []node
	var walk func(gs []Group)
	walk = func(gs []Group) {
		for i := range gs {
			out = append(out, node{"group", gs[i].Code, gs[i].Name, gs[i].Max})
			walk(gs[i].Groups)
		}
	}
	for i := range fw.Areas {
		a := &fw.Areas[i]
		out = append(out, node{"area", a.Code, a.Name, a.MaxScore()})
		walk(a.Groups)
	}
	return out
}

var whatNames = map[string]string{"area": "一级指标", "group": "指标", "point": "测评点", "bonus": "加分项", "metric": "数据指标", "veto": "否决项"}

// tree compares the areas and groups, then the points.
func (d *differ) tree() {
	old := nodes(d.a.FW)
	find := func(ns []node, code string) (node, bool) {
		i := slices.IndexFunc(ns, func(n node) bool { return n.code == code })
		if i < 0 {
			return node{}, false
		}
		return ns[i], true
	}
	now := nodes(d.b.FW)
	for _, n := range now {
		label := whatNames[n.what] + n.code
		o, ok := find(old, n.code)
		if !ok {
			d.add(Change{Kind: Added, What: n.what, Code: n.code, New: n.name,
				Text: fmt.Sprintf("新增%s「%s」（满分%s分）", label, n.name, fmtNum(n.max))})
			continue
		}
		d.field(n.what, n.code, label, "name", o.name, n.name)
		d.field(n.what, n.code, label, "max", fmtNum(o.max), fmtNum(n.max))
	}
	for _, o := range old {
		if _, ok := find(now, o.code); !ok {
			d.add(Change{Kind: Removed, What: o.what, Code: o.code, Old: o.name, Text: fmt.Sprintf("删除%s%s「%s」", whatNames[o.what], o.code, o.name)})
		}
	}
	d.points("point", allPoints(d.a.FW), allPoints(d.b.FW))
}

func allPoints(fw *Framework) []*Point {
	var out []*Point
	for ai := range fw.Areas {
		for pi := range fw.Areas[ai].Points {
			out = append(out, &fw.Areas[ai].Points[pi])
		}
	}
	return out
}

func (d *differ) points(what string, old, now []*Point) {
	find := func(ps []*Point, code string) *Point {
		if i := slices.IndexFunc(ps, func(p *Point) bool { return p.Code == code }); i >= 0 {
			return ps[i]
		}
		return nil
	}
	for _, p := range now {
		o := find(old, p.Code)
		if o == nil {
			d.add(Change{Kind: Added, What: what, Code: p.Code, New: p.Title,
				Text: fmt.Sprintf("新增%s%s「%s」（满分%s分）", whatNames[what], p.Code, p.Title, fmtNum(p.Max))})
			continue
		}
		d.point(what, o, p)
	}
	for _, o := range old {
		if find(now, o.Code) == nil {
			d.add(Change{Kind: Removed, What: what, Code: o.Code, Old: o.Title, Text: fmt.Sprintf("删除%s%s「%s」", whatNames[what], o.Code, o.Title)})
		}
	}
}

// point compares one point's fields and rules.
func (d *differ) point(what string, o, p *Point) {
	label := whatNames[what] + p.Code
	d.field(what, p.Code, label, "title", o.Title, p.Title)
	d.field(what, p.Code, label, "max", fmtNum(o.Max), fmtNum(p.Max))
	d.field(what, p.Code, label, "standard", o.Standard, p.Standard)
	d.field(what, p.Code, label, "evidence", strings.Join(o.Evidence, "；"), strings.Join(p.Evidence, "；"))
	for i := range max(len(o.Rules), len(p.Rules)) {
		var was, is string
		if i < len(o.Rules) {
			was = d.a.Describe(&o.Rules[i])
		}
		if i < len(p.Rules) {
			is = d.b.Describe(&p.Rules[i])
		}
		d.field(what, p.Code, label, "rule", was, is)
	}
}

func (d *differ) bonus() {
	var old, now []*Point
	var oldCap, newCap float64
	if b := d.a.FW.Bonus; b != nil {
		oldCap = b.Cap
		for i := range b.Items {
			old = append(old, &b.Items[i])
		}
	}
	if b := d.b.FW.Bonus; b != nil {
		newCap = b.Cap
		for i := range b.Items {
			now = append(now, &b.Items[i])
		}
	}
	d.field("bonus", "", "加分项", "cap", fmtNum(oldCap), fmtNum(newCap))
	d.points("bonus", old, now)
}

func (d *differ) metrics() {
	old := d.a.FW.Metrics
	for _, m := range d.b.FW.Metrics {
		label := whatNames["metric"] + m.ID
		i := slices.IndexFunc(old, func(o Metric) bool { return o.ID == m.ID })
		if i < 0 {
			d.add(Change{Kind: Added, What: "metric", Code: m.ID, New: m.Expr, Text: fmt.Sprintf("新增%s「%s」：%s", label, m.Name, m.Expr)})
			continue
		}
		d.field("metric", m.ID, label, "name", old[i].Name, m.Name)
		d.field("metric", m.ID, label, "unit", old[i].Unit, m.Unit)
		d.field("metric", m.ID, label, "formula", old[i].Expr, m.Expr)
	}
	for _, o := range old {
		if !slices.ContainsFunc(d.b.FW.Metrics, func(m Metric) bool { return m.ID == o.ID }) {
			d.add(Change{Kind: Removed, What: "metric", Code: o.ID, Old: o.Expr, Text: fmt.Sprintf("删除%s%s「%s」", whatNames["metric"], o.ID, o.Name)})
		}
	}
}

func (d *differ) vetoes() {
	old := d.a.FW.Vetoes
	for _, v := range d.b.FW.Vetoes {
		label := whatNames["veto"] + v.Code
		i := slices.IndexFunc(old, func(o Veto) bool { return o.Code == v.Code })
		if i < 0 {
			d.add(Change{Kind: Added, What: "veto", Code: v.Code, New: v.Title, Text: fmt.Sprintf("新增%s「%s」（%s）", label, v.Title, VetoText(v))})
			continue
		}
		d.field("veto", v.Code, label, "title", old[i].Title, v.Title)
		d.field("veto", v.Code, label, "effect", VetoText(old[i]), VetoText(v))
		d.field("veto", v.Code, label, "when", old[i].When, v.When)
	}
	for _, o := range old {
		if !slices.ContainsFunc(d.b.FW.Vetoes, func(v Veto) bool { return v.Code == o.Code }) {
			d.add(Change{Kind: Removed, What: "veto", Code: o.Code, Old: o.Title, Text: fmt.Sprintf("删除%s%s「%s」", whatNames["veto"], o.Code, o.Title)})
		}
	}
}

// VetoText says a veto's effect: 一票否决, 降1等, 最高评为良好.
func VetoText(v Veto) string {
	switch v.Effect {
	case VetoFail:
		return "一票否决"
	case VetoLower:
		return fmt.Sprintf("降%d等", max(v.Steps, 1))
	case VetoCap:
		return "最高评为" + v.Grade
	}
	return v.Effect
}
