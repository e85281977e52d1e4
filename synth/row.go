package synth

import (
	"math"
	"math/rand/v2"
)

// part is the students of one stage of a row, with their classes and teachers.
type part struct {
	st       stage
	stu      float64
	size, sd float64 // average class size and its spread within the school
	teachers float64
	above    float64 // 高于规定学历教师数
	backbone float64 // 县级以上骨干教师数
	peArt    float64 // 体育艺术专任教师数
	cert     float64 // 持证专任教师数
	senior   float64 // 中级及以上职称教师数 (second stream)
}

// row is the state of one school row across periods. Counts are kept as whole
// numbers in float64 so that drifting them is plain arithmetic.
type row struct {
	code, name        any // 学校代码, 学校名称 cells, shared by a split school's rows
	stage, typ, owner any // 学段, 学校类别, 办学类型 cells
	combined          bool
	kind              schoolKind
	np                int
	parts             [3]part
	area, sports      float64 // ㎡
	equip             float64 // 元
	media             float64
	music, art        float64
	books, computers  float64 // 图书册数, 学生用计算机台数 (second stream)
}

// newPart fills the classes-independent state of a stage part from the school's
// resource ratios x.
func newPart(r *rand.Rand, cp *countyParams, k schoolKind, loc locale, st stage, stu float64, x *[7]float64) part {
	nm := &norms[st]
	p := part{st: st, stu: max(stu, 1)}
	p.size, p.sd = classSize(r, cp, k, st, loc)
	classes := max(1, math.Round(p.stu/p.size))
	ptr := nm.ptr * cp.ptr * math.Exp(0.12*r.NormFloat64())
	p.teachers = max(1, pround(r, max(p.stu/ptr, classes*nm.perClass)))
	per100 := p.stu / 100
	p.above = min(p.teachers, pround(r, x[rAbove]*nm.std[rAbove]*per100))
	p.backbone = min(p.teachers, pround(r, x[rBackbone]*nm.std[rBackbone]*per100))
	p.peArt = min(p.teachers, pround(r, x[rPEArt]*nm.std[rPEArt]*per100))
	p.cert = p.teachers
	if chance(r, 0.1) {
		p.cert -= pround(r, uniform(r, 0, 0.06)*p.teachers)
	}
	return p
}

// equip fills the facilities of a row from its parts: each stage's standard times
// its students times the school's ratio, with more room per student in small schools
// and less sports ground in crowded big ones.
func (w *row) equipRow(r *rand.Rand, x *[7]float64) {
	total, classes := 0.0, 0.0
	for _, p := range w.parts[:w.np] {
		total += p.stu
		classes += max(1, math.Round(p.stu/p.size))
	}
	small := clamp(math.Pow(300/total, 0.3), 1, 1.6)
	crowd := math.Min(1, math.Pow(1500/total, 0.35))
	media := 0.0
	for _, p := range w.parts[:w.np] {
		std := &norms[p.st].std
		w.area += x[rTeachArea] * std[rTeachArea] * p.stu * small
		w.sports += x[rSports] * std[rSports] * p.stu * small * crowd
		w.equip += x[rEquip] * std[rEquip] * p.stu
		media += x[rMedia] * std[rMedia] * p.stu / 100
	}
	w.media = pround(r, media)
	if w.kind == skPoint {
		return
	}
	// DOMAIN.md §1.4 item 3: one music and one art room per 12 classes; a few
	// schools have one fewer.
	base := math.Ceil(classes / 12)
	w.music, w.art = roomCount(r, base), roomCount(r, base)
}

func roomCount(r *rand.Rand, base float64) float64 {
	switch u := r.Float64(); {
	case u < 0.1:
		return max(0, base-1)
	case u < 0.25:
		return base + 1
	}
	return base
}

// trend is the yearly drift of students by stage: fewer primary pupils (births are
// falling), slightly more junior ones.
var trend = [nStages]float64{-0.02, 0.01, 0, 0, 0.01}

// drift moves a row on by one period: students change by a few percent, teachers
// follow, buildings now and then grow and equipment value rises.
func (w *row) drift(r *rand.Rand) {
	for i := range w.parts[:w.np] {
		p := &w.parts[i]
		p.stu = max(1, math.Round(p.stu*math.Exp(trend[p.st]+0.04*r.NormFloat64())))
		if w.kind == skPoint {
			p.stu = clamp(p.stu, 10, 80)
		}
		p.size = clamp(p.size+0.6*r.NormFloat64(), 6, 70)
		f := math.Exp(0.025 * r.NormFloat64())
		p.teachers = max(1, math.Round(p.teachers*f))
		p.above = min(p.teachers, math.Round(p.above*f*math.Exp(0.01+0.02*r.NormFloat64())))
		p.backbone = min(p.teachers, math.Round(p.backbone*f*math.Exp(0.01+0.03*r.NormFloat64())))
		p.peArt = min(p.teachers, math.Round(p.peArt*f*math.Exp(0.02*r.NormFloat64())))
		p.cert = min(p.teachers, math.Round(p.cert*f))
	}
	if chance(r, 0.04) {
		w.area *= 1 + uniform(r, 0.05, 0.3)
	}
	if chance(r, 0.03) {
		w.sports *= 1 + uniform(r, 0.05, 0.3)
	}
	w.equip *= math.Exp(0.05 + 0.04*r.NormFloat64())
	if chance(r, 0.2) {
		w.media += float64(1 + r.IntN(3))
	}
	if w.kind != skPoint && chance(r, 0.05) {
		w.music++
	}
	if w.kind != skPoint && chance(r, 0.05) {
		w.art++
	}
}

// values computes the numeric cells of the row for the current period into v.
func (w *row) values(capped bool, v *[nFields]float64) {
	*v = [nFields]float64{}
	for _, p := range w.parts[:w.np] {
		v[fStudents] += p.stu
		switch p.st {
		case stPrimary:
			v[fStuPrimary] += p.stu
		case stJunior:
			v[fStuJunior] += p.stu
		case stSenior:
			v[fStuSenior] += p.stu
		}
		n := max(1, math.Round(p.stu/p.size))
		v[fClasses] += n
		b := bands(int(n), p.stu/n, p.sd)
		if capped {
			b = foldBands(b, p.st)
		}
		for i, c := range b {
			v[fBandLE45+field(i)] += float64(c)
		}
		v[fTeachers] += p.teachers
		v[fAbove] += p.above
		v[fBackbone] += p.backbone
		v[fPEArt] += p.peArt
		v[fCertified] += p.cert
		v[fSeniorTitle] += p.senior
	}
	v[fBooks], v[fComputers] = math.Round(w.books), w.computers
	v[fTeachArea] = math.Round(w.area*10) / 10
	v[fSportsArea] = math.Round(w.sports*10) / 10
	v[fEquip] = math.Round(w.equip)
	v[fMedia], v[fMusic], v[fArt] = w.media, w.music, w.art
}

// bandCuts are the upper bounds of the class-size bands (DOMAIN.md §3) but the last.
var bandCuts = [4]float64{45.5, 50.5, 55.5, 65.5}

// bands spreads n classes over the five size bands, taking class sizes as normal
// around mean with the given spread; the counts add up to n exactly (largest
// remainder).
func bands(n int, mean, sd float64) [5]int {
	var out [5]int
	var frac [5]float64
	prev, used := 0.0, 0
	for i := range out {
		c := 1.0
		if i < len(bandCuts) {
			c = 0.5 * math.Erfc(-(bandCuts[i]-mean)/(sd*math.Sqrt2))
		}
		x := (c - prev) * float64(n)
		prev = c
		out[i] = int(x)
		frac[i] = x - float64(out[i])
		used += out[i]
	}
	for ; used < n; used++ {
		j := 0
		for i := range frac {
			if frac[i] > frac[j] {
				j = i
			}
		}
		out[j]++
		frac[j] = -1
	}
	return out
}

// foldBands moves the classes above the standard size (45 primary, 50 otherwise) into
// the highest allowed band: a county that keeps its class sizes.
func foldBands(b [5]int, st stage) [5]int {
	top := 1
	if st == stPrimary {
		top = 0
	}
	for i := top + 1; i < len(b); i++ {
		b[top] += b[i]
		b[i] = 0
	}
	return b
}
