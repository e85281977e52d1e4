package synth

import (
	"math"
	"math/rand/v2"

	"ziping/engine"
)

// countyGen generates the schools of one county from the county's own random stream.
type countyGen struct {
	r        *rand.Rand
	x        *rand.Rand // the second stream (extra.go)
	c        *county
	cp       countyParams
	rows     []row // the county's rows, a split school's two rows side by side
	towns    []string
	townUsed [][3]int // per town: primary, junior and nine-year schools named so far
	villages perm
	next     struct{ village, primary, middle, lab, brand, special, vocational, seq int }
}

// newCountyGen starts the generator of county c; rows is scratch space to reuse.
func newCountyGen(r *rand.Rand, c *county, rows []row) *countyGen {
	g := &countyGen{r: r, c: c, cp: drawParams(r, c.kind), rows: rows[:0]}
	n := int(clamp(math.Round(float64(c.schools)/9), 2, 40))
	tp := newPerm(r, stemCount())
	g.towns = make([]string, n)
	for i := range g.towns {
		suffix := "镇"
		if chance(r, 0.25) && c.kind != kindDistrict {
			suffix = "乡"
		}
		g.towns[i] = stem(tp.at(i)) + suffix
	}
	g.townUsed = make([][3]int, n)
	g.villages = newPerm(r, villageCount())
	return g
}

// drawKind picks a school kind by the mix of the county's kind.
func (g *countyGen) drawKind() schoolKind {
	mix := &kindMix[0]
	if g.c.kind == kindDistrict {
		mix = &kindMix[1]
	}
	u := g.r.Float64() * 100
	for k, w := range mix {
		if u < w {
			return schoolKind(k)
		}
		u -= w
	}
	return skPrimary
}

func (g *countyGen) drawLocale(k schoolKind) locale {
	d := 0
	if g.c.kind == kindDistrict {
		d = 1
	}
	p := localeMix[k][d]
	switch u := g.r.Float64(); {
	case u < p[0]:
		return urban
	case u < p[0]+p[1]:
		return town
	}
	return rural
}

// school generates the next school of the county and appends its rows.
func (g *countyGen) school() {
	r := g.r
	k := g.drawKind()
	loc := g.drawLocale(k)
	private := loc != rural && chance(r, privateShare[k])
	g.next.seq++
	head := row{code: schoolCode(g.c.code, g.next.seq), name: g.name(k, loc, private), typ: typeCell(k), owner: "公办", kind: k}
	if private {
		head.owner = "民办"
	}
	x := ratios(r, &g.cp)
	st, stu, n := parts(r, k, loc)
	if k == skNineSplit {
		for i := range 2 {
			w := head
			w.stage, w.np = stageCell(st[i]), 1
			w.parts[0] = newPart(r, &g.cp, k, loc, st[i], stu[i], &x)
			w.equipRow(r, &x)
			g.rows = append(g.rows, w)
		}
		return
	}
	w := head
	w.np, w.combined = n, n > 1
	w.stage = stageCell(st[0])
	if w.combined {
		w.stage = combinedStageCell(k)
	}
	for i := range n {
		w.parts[i] = newPart(r, &g.cp, k, loc, st[i], stu[i], &x)
	}
	w.equipRow(r, &x)
	g.rows = append(g.rows, w)
}

// schoolCode is the county code followed by a four-digit sequence number.
func schoolCode(county string, seq int) string {
	b := make([]byte, 0, 10)
	b = append(b, county...)
	for d := 1000; d > 0; d /= 10 {
		b = append(b, byte('0'+seq/d%10))
	}
	return string(b)
}

func stageCell(st stage) any {
	switch st {
	case stJunior:
		return "初中"
	case stSenior, stVocational:
		return "高中"
	}
	return "小学"
}

func combinedStageCell(k schoolKind) any {
	switch k {
	case skTwelve:
		return "十二年一贯制"
	case skComplete:
		return "完全中学"
	}
	return "九年一贯制"
}

// typeCell is the 学校类别, named as the engine names school types.
func typeCell(k schoolKind) any {
	t := [nKinds]engine.SchoolType{
		engine.TypePrimary, engine.TypePoint, engine.TypeJunior, engine.TypeNineYear,
		engine.TypeNineYear, engine.TypeTwelveYear, engine.TypeComplete, engine.TypeSenior,
		engine.TypeSpecial, engine.TypeVocational,
	}[k]
	return t.String()
}

// name gives a school a name unique within its county: county-seat schools are
// numbered after the county (青山县第二小学), town schools after the town
// (石门镇中心小学), village schools after a village (王家村小学), and private or newer
// schools take a brand (青山县育才学校).
func (g *countyGen) name(k schoolKind, loc locale, private bool) string {
	cn := g.c.name
	switch {
	case private || (loc == urban && (k == skNineCombined || k == skNineSplit || k == skTwelve)):
		return cn + brand(g.bump(&g.next.brand)) + brandSuffix(k)
	case k == skSpecial:
		return cn + numbered(g.bump(&g.next.special), "", "特殊教育学校")
	case k == skVocational:
		return cn + numbered(g.bump(&g.next.vocational), "职业技术学校", "职业中学")
	case loc == town:
		return g.townName(k)
	case loc == rural:
		return g.villageName(k)
	case k == skPrimary:
		if i := g.bump(&g.next.primary); i > 0 {
			return cn + "第" + chineseNumber(i) + "小学"
		}
		return cn + "实验小学"
	case k == skJunior && g.next.lab == 0 && g.r.IntN(2) == 0:
		g.next.lab++
		return cn + "实验中学"
	}
	return cn + "第" + chineseNumber(g.bump(&g.next.middle)+1) + "中学"
}

func (g *countyGen) bump(n *int) int {
	*n++
	return *n - 1
}

// numbered names the i-th school of a kind: the first plainly, later ones 第N….
func numbered(i int, first, later string) string {
	if i == 0 {
		if first == "" {
			return later
		}
		return first
	}
	return "第" + chineseNumber(i+1) + later
}

func brandSuffix(k schoolKind) string {
	switch k {
	case skPrimary:
		return "小学"
	case skJunior, skComplete:
		return "中学"
	case skSenior:
		return "高级中学"
	case skVocational:
		return "职业学校"
	}
	return "学校"
}

func (g *countyGen) townName(k schoolKind) string {
	t := g.r.IntN(len(g.towns))
	town := g.towns[t]
	switch k {
	case skJunior:
		return town + numbered(g.bump(&g.townUsed[t][1]), "中学", "中学")
	case skNineCombined, skNineSplit:
		if g.bump(&g.townUsed[t][2]) == 0 {
			return town + "九年一贯制学校"
		}
		return town + g.villageStem() + "学校"
	}
	return town + numbered(g.bump(&g.townUsed[t][0]), "中心小学", "小学")
}

func (g *countyGen) villageName(k schoolKind) string {
	v := g.villageStem()
	switch k {
	case skPoint:
		return v + "村教学点"
	case skJunior:
		return v + "初级中学"
	case skNineCombined, skNineSplit:
		return v + "九年一贯制学校"
	}
	return v + "村小学"
}

// villageStem returns a village not used before in the county.
func (g *countyGen) villageStem() string {
	i := g.bump(&g.next.village)
	if i < int(g.villages.n) {
		return village(g.villages.at(i))
	}
	return village(i) // past the permutation: numbered stems, still distinct
}

// countyRNG derives the independent random stream of county i, so that a county's
// data depends only on the seed and its position.
func countyRNG(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(seed^0x6a09e667f3bcc909+uint64(i)), splitmix(uint64(i)^0xbb67ae8584caa73b)))
}

// splitmix is the SplitMix64 finaliser: it scatters nearby seeds.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
