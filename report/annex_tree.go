package report

import (
	"strings"

	"ziping/engine"
)

// Frameworks of three levels or more (一级指标 → 二级指标 → 考查要点 …) keep their tree
// in the report's tables: after an area's row come its groups, each with its subtotal
// (maximum, score, marks lost or points passed) before its own groups and points,
// indented one step a level, as the score sheets of such frameworks read.

// walkArea goes through area a depth first: group(g, c, depth) for each group, with
// the counts of the points under it, before its children; point(p, depth) for each
// point. The area's own children are at depth 1.
func (w *writer) walkArea(a *engine.AreaResult, group func(g *engine.GroupResult, c counts, depth int), point func(p *engine.PointResult, depth int)) {
	if len(a.Groups) == 0 {
		for i := range a.Points {
			point(&a.Points[i], 1)
		}
		return
	}
	byCode := make(map[string]*engine.PointResult, len(a.Points))
	for i := range a.Points {
		byCode[a.Points[i].Code] = &a.Points[i]
	}
	var walk func(gs []engine.GroupResult, depth int)
	walk = func(gs []engine.GroupResult, depth int) {
		for i := range gs {
			g := &gs[i]
			group(g, w.countGroup(g, byCode), depth)
			walk(g.Groups, depth+1)
			for _, code := range g.Points {
				if p := byCode[code]; p != nil {
					point(p, depth+1)
				}
			}
		}
	}
	walk(a.Groups, 1)
}

// countGroup counts the points under g, at every depth.
func (w *writer) countGroup(g *engine.GroupResult, byCode map[string]*engine.PointResult) counts {
	var c counts
	var add func(g *engine.GroupResult)
	add = func(g *engine.GroupResult) {
		for i := range g.Groups {
			add(&g.Groups[i])
		}
		for _, code := range g.Points {
			if p := byCode[code]; p != nil {
				c.add(p)
			}
		}
	}
	add(g)
	return c.round(w.fw)
}

// indent is the lead of a row depth levels below its area: an ideographic space a
// level past the first, so that a two-level framework's rows have none.
func indent(depth int) string { return strings.Repeat("\u3000", max(depth-1, 0)) }

// groupLabel is 「B1 加强党建工作」 at its depth.
func groupLabel(g *engine.GroupResult, depth int) string {
	return indent(depth) + g.Code + " " + g.Name
}
