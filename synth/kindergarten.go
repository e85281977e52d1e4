package synth

import (
	"math"
	"math/rand/v2"
	"slices"

	"ziping/engine"
)

// Kindergartens are school rows with 学段 幼儿园 (docs/data.md), in a table of their
// own. A county's kindergartens share out its 在园幼儿数 facts: the public ones the
// 公办园 children, the inclusive private ones the 普惠性民办园 children, the others
// the rest, so that the rates computed from the rows agree with the facts.

// kgKind is the kind of a kindergarten.
type kgKind uint8

const (
	kgPublic    kgKind = iota // 公办园
	kgInclusive               // 普惠性民办园
	kgPrivate                 // 民办园, not 普惠
	nKGKinds
)

// kgField is a value of a kindergarten row; kgFieldIDs names its element.
type kgField uint8

const (
	kStudents kgField = iota
	kClasses
	kTeachers
	kCertified
	kInclusive
	kSmall
	kMedium
	kLarge
	kMixed
	kSmallClasses
	kMediumClasses
	kLargeClasses
	kMixedClasses
	kOversize
	kCaregivers
	kHeads
	kCertifiedHeads
	kBuilding
	kActivity
	kOutdoor
	nKGFields
	kNone = nKGFields
)

var kgFieldIDs = [nKGFields]string{
	"students", "classes", "teachers", "certified_teachers", "inclusive",
	"kg_small_children", "kg_medium_children", "kg_large_children", "kg_mixed_children",
	"kg_small_classes", "kg_medium_classes", "kg_large_classes", "kg_mixed_classes",
	"kg_oversize_classes", "caregivers", "heads", "certified_heads",
	"building_area", "activity_area", "outdoor_area",
}

// kgStd are the standard class sizes of 小班, 中班, 大班 and 混龄班 (DOMAIN.md §3).
var kgStd = [4]float64{25, 30, 35, 30}

// kgPlan is the kindergarten table: the elements kindergartens share with schools
// (在园幼儿数 headed so) and their own.
func kgPlan() plan[kgField] {
	p := newPlan(engine.SchoolElements, kgFieldIDs[:], kNone, func(el engine.Element) bool {
		return el.Kindergarten || slices.Contains(kgFieldIDs[:4], el.ID)
	})
	p.header[0] = "在园幼儿数"
	return p
}

// kindergarten is one generated kindergarten, the same in every period.
type kindergarten struct {
	code, name, owner   string
	kind                kgKind
	weight              float64 // its share of its kind's children
	ratio               float64 // children per full-time teacher
	fill                float64 // children per class as a multiple of the standard
	mixed               bool    // mixed-age classes only (a small rural kindergarten)
	certified           float64 // share of certified teachers
	headCertified       bool
	build, act, outdoor float64 // ㎡ per child
	care                float64 // caregivers per class
}

// kindergartens draws n kindergartens of the county from the second stream.
func (g *countyGen) kindergartens(x *rand.Rand, n int) []kindergarten {
	counts := kgCounts(n)
	out := make([]kindergarten, 0, n)
	// Counties differ: in most every teacher and head is certified and few classes
	// are crowded; in some, not.
	uncertified, crowded := 0.0, 0.03
	if chance(x, 0.3) {
		uncertified = uniform(x, 0.05, 0.25)
	}
	if chance(x, 0.3) {
		crowded = uniform(x, 0.1, 0.3)
	}
	var next struct{ public, brand int }
	for k, m := range counts {
		for range m {
			kg := kindergarten{kind: kgKind(k), weight: math.Exp(0.35 * clamp(x.NormFloat64(), -2, 2)),
				ratio: uniform(x, 9, 16.5), fill: uniform(x, 0.72, 0.93), mixed: chance(x, 0.2),
				certified: 1, headCertified: true, build: uniform(x, 8.5, 14), act: uniform(x, 6.5, 10.5),
				outdoor: uniform(x, 3, 7), care: uniform(x, 0.7, 1)}
			if chance(x, crowded) {
				kg.fill = uniform(x, 1, 1.1) // most classes above the standard
			}
			kg.code = schoolCode(g.c.code+"5", len(out)+1)
			if kg.kind == kgPublic {
				kg.owner, kg.name = "公办", g.publicKGName(x, g.bump(&next.public))
				if chance(x, uncertified/3) {
					kg.certified = uniform(x, 0.9, 0.99)
				}
			} else {
				kg.owner, kg.name = "民办", g.c.name+brand(g.bump(&next.brand))+"幼儿园"
				kg.headCertified = !chance(x, uncertified/2)
				if chance(x, uncertified) {
					kg.certified = uniform(x, 0.8, 0.97)
				}
			}
			out = append(out, kg)
		}
	}
	return out
}

// kgCounts splits n kindergartens between the kinds: about 40% public, 35% inclusive
// private, the rest private, with one of each kind once there are three.
func kgCounts(n int) [nKGKinds]int {
	pub := max(min(n, 1), int(math.Round(float64(n)*0.4)))
	inc := min(n-pub, max(min(n-1, 1), int(math.Round(float64(n)*0.35))))
	return [nKGKinds]int{pub, inc, n - pub - inc}
}

// publicKGName names the i-th public kindergarten: the county's 实验幼儿园, a town's
// 中心幼儿园, then 第N幼儿园.
func (g *countyGen) publicKGName(x *rand.Rand, i int) string {
	switch {
	case i == 0:
		return g.c.name + "实验幼儿园"
	case i <= len(g.towns):
		return g.towns[i-1] + "中心幼儿园"
	}
	return g.c.name + "第" + chineseNumber(i-len(g.towns)+1) + "幼儿园"
}

// kgRows makes the kindergarten rows of one period from the county's children by
// kind (公办, 普惠性民办, the rest).
func kgRows(kgs []kindergarten, totals [nKGKinds]float64, v [][nKGFields]float64) {
	for k := range nKGKinds {
		var idx []int
		var w []float64
		for i, kg := range kgs {
			if kg.kind == kgKind(k) {
				idx, w = append(idx, i), append(w, kg.weight)
			}
		}
		if len(idx) == 0 {
			continue
		}
		for j, c := range apportion(int(totals[k]), w, 0, math.MaxInt32) {
			kgs[idx[j]].values(float64(c), &v[idx[j]])
		}
	}
}

// values fills a kindergarten's row for c children.
func (kg *kindergarten) values(c float64, v *[nKGFields]float64) {
	*v = [nKGFields]float64{}
	v[kStudents] = c
	if kg.kind != kgPrivate {
		v[kInclusive] = 1
	}
	groups := [4]float64{0, 0, 0, c}
	if !kg.mixed {
		groups[0], groups[1] = math.Round(c*0.31), math.Round(c*0.33)
		groups[2], groups[3] = c-groups[0]-groups[1], 0
	}
	for gi, n := range groups {
		v[kSmall+kgField(gi)] = n
		if n == 0 {
			continue
		}
		classes := max(1, math.Round(n/(kgStd[gi]*kg.fill)))
		v[kSmallClasses+kgField(gi)] = classes
		v[kClasses] += classes
		switch avg := n / classes; {
		case avg > kgStd[gi]:
			v[kOversize] += classes
		case avg > kgStd[gi]-2:
			v[kOversize] += math.Floor(classes / 3)
		}
	}
	v[kTeachers] = max(1, math.Round(c/kg.ratio))
	v[kCertified] = math.Round(v[kTeachers] * kg.certified)
	v[kCaregivers] = max(1, math.Round(v[kClasses]*kg.care))
	v[kHeads] = 1
	if kg.headCertified {
		v[kCertifiedHeads] = 1
	}
	v[kBuilding] = math.Round(c*kg.build*10) / 10
	v[kActivity] = math.Round(c*kg.act*10) / 10
	v[kOutdoor] = math.Round(c*kg.outdoor*10) / 10
}

// kgFacts fills the kindergarten facts of every period from the second stream: the
// 3–5-year-old population behind a gross enrolment rate, the pay of the public
// kindergartens' teachers in and out of the establishment, the share of the budget,
// the community kindergartens and the survey.
func kgFacts(x *rand.Rand, facts [][nFacts]float64) {
	gross := fail(x, 0.12, 0.86, 0.98, 0.75, 0.85)
	payRatio := fail(x, 0.15, 0.76, 0.95, 0.6, 0.75)
	staff := uniform(x, 0.85, 1)
	share := uniform(x, 4, 9)
	community := float64(2 + x.IntN(10))
	inclusive := community
	if chance(x, 0.2) {
		inclusive--
	}
	sat := fail(x, 0.1, 85.5, 96, 78, 85)
	for p := range facts {
		v := &facts[p]
		if p > 0 {
			gross = clamp(gross+uniform(x, -0.005, 0.02), 0.6, 1.05)
			share = clamp(share+0.3*x.NormFloat64(), 2, 15)
			sat = clamp(sat+0.8*x.NormFloat64(), 60, 100)
		}
		v[xKGAge] = math.Round(v[xKG] / gross)
		v[xKGStaffSalary] = math.Round(v[xCivilSalary] * staff)
		v[xKGNonstaffSalary] = math.Round(v[xKGStaffSalary] * payRatio)
		v[xKGBudgetShare] = math.Round(share*10) / 10
		v[xKGCommunity], v[xKGCommunityInclusive] = community, inclusive
		v[xKGSatisfaction] = math.Round(sat*10) / 10
	}
}
