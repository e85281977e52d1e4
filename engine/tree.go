package engine

import (
	"math"
	"strings"
)

// The indicator tree. An area (一级指标) holds points (测评点) or groups (二级指标 …),
// a group holds groups or points, to any depth; rules sit at the points. Compile
// moves every group's points into its area's Points, depth first, so that scoring,
// people's inputs and every listing of points work on the leaves without a tree,
// and the groups only add subtotals: a level's score is the sum of its children's,
// at most its maximum.

// treeInfo is what Compile learns about the tree.
type treeInfo struct {
	depth  int               // levels, the areas' included: 2 without groups
	groups int               // groups in all, for one allocation of a result's subtotals
	levels []string          // the name of each level, the areas' first
	paths  map[string]string // point code → how a sentence names it
}

// chineseDigits names the levels of the default level names.
var chineseDigits = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九"}

// defaultLevels names the levels of a tree of depth d: 一级指标 and 测评点 for two
// levels, 一级指标, 二级指标, 三级指标 … for more.
func defaultLevels(d int) []string {
	if d <= 2 {
		return []string{"一级指标", "测评点"}
	}
	out := make([]string, d)
	for i := range out {
		n := strings.Repeat("十", i/9) + chineseDigits[i%9] // never past nine in practice
		out[i] = n + "级指标"
	}
	return out
}

// Depth is the number of levels of the framework's indicator tree, the areas' and the
// points' included: 2 for areas of points, 3 for areas of groups of points.
func (f *Framework) Depth() int {
	if f.tree.depth == 0 {
		return 2
	}
	return f.tree.depth
}

// LevelNames names the levels of the tree, the areas' first and the points' last:
// the framework's levels, or 一级指标 and 测评点 for two levels, or 一级指标, 二级指标,
// 三级指标 … for more.
func (f *Framework) LevelNames() []string {
	if len(f.tree.levels) > 0 {
		return f.tree.levels
	}
	if len(f.Levels) > 0 {
		return f.Levels
	}
	return defaultLevels(f.Depth())
}

// PointPath is how sentences name a point: 第12测评点 in a framework of two levels,
// and in deeper ones the level and code of its parent and its number there:
// 二级指标3.2第(4)项 for point 3.2.4 of group 3.2.
func (f *Framework) PointPath(code string) string {
	if p, ok := f.tree.paths[code]; ok {
		return p
	}
	return "第" + code + "测评点"
}

// MaxScore is the most the area can score: its max, or the sum of its children's.
func (a *Area) MaxScore() float64 {
	if a.Max > 0 {
		return a.Max
	}
	var t float64
	if len(a.Groups) > 0 {
		for i := range a.Groups {
			t += a.Groups[i].Max
		}
		return t
	}
	for i := range a.Points {
		t += a.Points[i].Max
	}
	return t
}

// flattenTree moves the points of every area's groups into the area's Points and
// records where each group's points are. It runs before the points are compiled.
func (p *Program) flattenTree(ps *problems) {
	fw := p.FW
	depth := 2
	for ai := range fw.Areas {
		a := &fw.Areas[ai]
		if a.flat || len(a.Groups) == 0 {
			a.flat = true
			continue
		}
		if len(a.Points) > 0 {
			ps.add(a.Line, "一级指标「%s」不能同时列出测评点 points 和下级指标 groups", a.Code)
		}
		var leaves []Point
		for gi := range a.Groups {
			depth = max(depth, flattenGroup(&a.Groups[gi], &leaves, 2, ps))
		}
		a.Points, a.flat = leaves, true
	}
	fw.tree.depth = depth
}

// flattenGroup appends the points of g (at level d) to leaves and returns the depth
// of its deepest point.
func flattenGroup(g *Group, leaves *[]Point, d int, ps *problems) int {
	if g.Code == "" || g.Name == "" {
		ps.add(g.Line, "下级指标缺少 code 或 name")
	}
	switch {
	case len(g.Groups) > 0 && len(g.Points) > 0:
		ps.add(g.Line, "指标「%s」不能同时列出测评点 points 和下级指标 groups", g.Code)
	case len(g.Groups) == 0 && len(g.Points) == 0:
		ps.add(g.Line, "指标「%s」没有下级指标或测评点", g.Code)
	}
	g.Lo = len(*leaves)
	deepest := d + 1
	for i := range g.Groups {
		deepest = max(deepest, flattenGroup(&g.Groups[i], leaves, d+1, ps))
	}
	*leaves = append(*leaves, g.Points...)
	g.Points = nil
	g.Hi = len(*leaves)
	return deepest
}

// checkTree runs after the points are compiled (a verdict framework's points know
// their maxima then): it fills the groups' maxima, checks every level's maximum
// against its children's, checks codes and level names, and works out how sentences
// name each point.
func (p *Program) checkTree(ps *problems, pointCodes map[string]bool) {
	fw := p.FW
	codes := map[string]bool{}
	for ai := range fw.Areas {
		a := &fw.Areas[ai]
		sum := 0.0
		for gi := range a.Groups {
			sum += checkGroup(&a.Groups[gi], a.Points, codes, pointCodes, ps)
		}
		if len(a.Groups) == 0 {
			for i := range a.Points {
				sum += a.Points[i].Max
			}
		}
		checkMax(a.Line, a.Code, a.Max, sum, ps)
	}
	fw.tree.groups = len(codes) // every group has its code (a repeated one is an error)
	names := fw.Levels
	if len(names) > 0 && len(names) != fw.tree.depth {
		ps.add(1, "levels 列出了%d级名称，而指标体系有%d级", len(names), fw.tree.depth)
		names = nil
	}
	if len(names) == 0 {
		names = defaultLevels(fw.tree.depth)
	}
	fw.tree.levels = names
	fw.tree.paths = map[string]string{}
	for ai := range fw.Areas {
		a := &fw.Areas[ai]
		for i := range a.Points {
			if fw.tree.depth > 2 {
				fw.tree.paths[a.Points[i].Code] = leafPath(names[0], a.Code, a.Points[i].Code)
			}
		}
		for gi := range a.Groups {
			groupPaths(&a.Groups[gi], a.Points, 1, names, fw.tree.paths)
		}
		for i := range a.Points {
			a.Points[i].path = fw.PointPath(a.Points[i].Code)
		}
	}
	if fw.Bonus != nil {
		for i := range fw.Bonus.Items {
			fw.Bonus.Items[i].path = fw.PointPath(fw.Bonus.Items[i].Code)
		}
	}
}

// checkGroup fills g's maximum when it has none, checks it, and returns it.
func checkGroup(g *Group, points []Point, codes, pointCodes map[string]bool, ps *problems) float64 {
	if codes[g.Code] || pointCodes[g.Code] {
		ps.add(g.Line, "指标编号「%s」重复", g.Code)
	}
	codes[g.Code] = true
	sum := 0.0
	if len(g.Groups) > 0 {
		for i := range g.Groups {
			sum += checkGroup(&g.Groups[i], points, codes, pointCodes, ps)
		}
	} else {
		for i := g.Lo; i < g.Hi; i++ {
			sum += points[i].Max
		}
	}
	checkMax(g.Line, g.Code, g.Max, sum, ps)
	if g.Max == 0 {
		g.Max = sum
	}
	g.codes = nil
	for i := g.Lo; i < g.Hi && len(g.Groups) == 0; i++ {
		g.codes = append(g.codes, points[i].Code)
	}
	return g.Max
}

// checkMax refuses a maximum above what the children can reach; one below is a cap.
func checkMax(line int, code string, max, sum float64, ps *problems) {
	switch {
	case max < 0:
		ps.add(line, "指标「%s」的满分 max 不能为负", code)
	case max > sum+1e-9:
		ps.add(line, "指标「%s」的满分 %s 超过下级满分合计 %s，差额无从得分", code, fmtNum(max), fmtNum(sum))
	}
}

// groupPaths names the points of g, which sits at level d (0 for the areas).
func groupPaths(g *Group, points []Point, d int, names []string, paths map[string]string) {
	if len(g.Groups) > 0 {
		for i := range g.Groups {
			groupPaths(&g.Groups[i], points, d+1, names, paths)
		}
		return
	}
	for i := g.Lo; i < g.Hi; i++ {
		paths[points[i].Code] = leafPath(names[d], g.Code, points[i].Code)
	}
}

// leafPath is 二级指标3.2第(4)项: the parent's level and code, and the point's code
// less the parent's when it starts with it.
func leafPath(level, parent, code string) string {
	local := code
	if rest, ok := strings.CutPrefix(code, parent+"."); ok && rest != "" {
		local = rest
	}
	return level + parent + "第(" + local + ")项"
}

// GroupResult is the subtotal of a group of indicators: the sum of its children's
// scores, at most its maximum.
type GroupResult struct {
	Code   string        `json:"code"`
	Name   string        `json:"name"`
	Max    float64       `json:"max"`
	Score  float64       `json:"score"`
	Groups []GroupResult `json:"groups,omitempty"`
	Points []string      `json:"points,omitempty"` // the codes of its points, in order
}

// groupSlab hands out the group results of one result from one allocation.
type groupSlab []GroupResult

// take returns n group results, from the slab while it lasts.
func (s *groupSlab) take(n int) []GroupResult {
	if s == nil || n > len(*s) {
		return make([]GroupResult, n)
	}
	out := (*s)[:n:n]
	*s = (*s)[n:]
	return out
}

// subtotal sets the area's maximum and score, and those of its groups, from the
// scores of its points; new group results come from slab.
func (ar *AreaResult) subtotal(fw *Framework, a *Area, slab *groupSlab) {
	ar.Max, ar.Score = 0, 0
	if len(a.Groups) == 0 {
		for i := range ar.Points {
			ar.Max += ar.Points[i].Max
			ar.Score += ar.Points[i].Score
		}
	} else {
		if len(ar.Groups) != len(a.Groups) {
			ar.Groups = slab.take(len(a.Groups))
		}
		for i := range a.Groups {
			groupResult(fw, &a.Groups[i], ar.Points, &ar.Groups[i], slab)
			ar.Max += ar.Groups[i].Max
			ar.Score += ar.Groups[i].Score
		}
	}
	ar.Max, ar.Score = fw.Round(ar.Max), fw.Round(ar.Score)
	if a.Max > 0 {
		ar.Max, ar.Score = a.Max, math.Min(ar.Score, a.Max)
	}
}

// groupResult fills gr with g's subtotal over the area's point results.
func groupResult(fw *Framework, g *Group, points []PointResult, gr *GroupResult, slab *groupSlab) {
	gr.Code, gr.Name, gr.Max = g.Code, g.Name, g.Max
	sum := 0.0
	if len(g.Groups) > 0 {
		if len(gr.Groups) != len(g.Groups) {
			gr.Groups = slab.take(len(g.Groups))
		}
		for i := range g.Groups {
			groupResult(fw, &g.Groups[i], points, &gr.Groups[i], slab)
			sum += gr.Groups[i].Score
		}
	} else {
		gr.Points = g.codes // read-only, shared by every result of the framework
		for i := g.Lo; i < g.Hi; i++ {
			sum += points[i].Score
		}
	}
	gr.Score = fw.Round(math.Min(sum, g.Max))
}

// cloneGroups copies group results deeply, for Adjust.
func cloneGroups(gs []GroupResult) []GroupResult {
	if gs == nil {
		return nil
	}
	out := make([]GroupResult, len(gs))
	for i, g := range gs {
		out[i] = g
		out[i].Groups = cloneGroups(g.Groups)
		out[i].Points = append([]string(nil), g.Points...)
	}
	return out
}
