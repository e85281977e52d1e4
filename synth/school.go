package synth

import (
	"math"
	"math/rand/v2"
)

// schoolKind is the kind of a generated school. A split nine-year school is one
// school reported as two rows, one per stage.
type schoolKind uint8

const (
	skPrimary schoolKind = iota
	skPoint
	skJunior
	skNineCombined
	skNineSplit
	skTwelve
	skComplete
	skSenior
	skSpecial
	skVocational
	nKinds
)

// kindMix is the share in % of each kind among the schools of a county or county-level
// city (first) and of a district (second): districts have few teaching points.
// Overall: about 55% primary (5% of them teaching points), 20% junior, 10% nine-year
// (half combined, half split), 2% twelve-year, 4% complete, 5% senior high, 2% special
// and 2% vocational.
var kindMix = [2][nKinds]float64{
	{51.4, 3.6, 20, 5, 5, 2, 4, 5, 2, 2},
	{54.2, 0.8, 20, 5, 5, 2, 4, 5, 2, 2},
}

// privateShare is the chance that an urban or town school of a kind is 民办 (about 8%
// of all schools).
var privateShare = [nKinds]float64{0.05, 0, 0.10, 0.15, 0.15, 0.5, 0.10, 0.10, 0, 0.2}

// locale is where a school is: the county seat, a town or a village.
type locale uint8

const (
	urban locale = iota
	town
	rural
)

// localeMix gives, per kind, the chances of urban and town (the rest is rural) in a
// county (first pair) and in a district (second pair).
var localeMix = [nKinds][2][2]float64{
	skPrimary:      {{0.2, 0.35}, {0.75, 0.2}},
	skJunior:       {{0.35, 0.6}, {0.8, 0.2}},
	skNineCombined: {{0.2, 0.5}, {0.5, 0.5}},
	skNineSplit:    {{0.2, 0.5}, {0.5, 0.5}},
	skTwelve:       {{1, 0}, {1, 0}},
	skComplete:     {{1, 0}, {1, 0}},
	skSenior:       {{1, 0}, {1, 0}},
	skSpecial:      {{1, 0}, {1, 0}},
	skVocational:   {{1, 0}, {1, 0}},
}

// stage is the stage of one part of a school's students; special and vocational
// schools have their own norms.
type stage uint8

const (
	stPrimary stage = iota
	stJunior
	stSenior
	stSpecial
	stVocational
	nStages
)

// norm holds what drives the values of a stage: students per full-time teacher, the
// fewest teachers per class, and the seven resource standards (DOMAIN.md §1.2: above-
// required teachers, backbone teachers and PE/art teachers per 100 students; teaching
// area, sports area and equipment value per student; multimedia rooms per 100
// students). Values for senior, special and vocational stages only make plausible data.
type norm struct {
	ptr, perClass float64
	std           [7]float64
}

var norms = [nStages]norm{
	stPrimary:    {17, 1.3, [7]float64{4.2, 1, 0.9, 4.5, 7.5, 2000, 2.3}},
	stJunior:     {13, 2.0, [7]float64{5.3, 1, 0.9, 5.8, 10.2, 2500, 2.4}},
	stSenior:     {12.5, 2.4, [7]float64{6.5, 1.2, 1.0, 6.5, 11, 3200, 2.6}},
	stSpecial:    {3.5, 2.5, [7]float64{20, 4, 4, 15, 15, 6000, 6}},
	stVocational: {19, 2.2, [7]float64{5, 1, 0.6, 8, 8, 5000, 2.6}},
}

// Resource indicator positions in norm.std and in a school's ratios.
const (
	rAbove = iota
	rBackbone
	rPEArt
	rTeachArea
	rSports
	rEquip
	rMedia
)

// spreadFactor scales a county's dispersion per indicator: teachers are spread more
// evenly than buildings and equipment. levelFactor scales its level: most but not all
// teachers have more than the required education, which puts a school at about 1.2
// times that standard.
var (
	spreadFactor = [7]float64{0.5, 0.6, 0.6, 0.9, 1, 1, 0.8}
	levelFactor  = [7]float64{0.45, 1, 1, 1, 1, 1, 1}
)

// sizeDist is a log-normal distribution of students, clamped to [lo, hi].
type sizeDist struct{ median, sigma, lo, hi float64 }

func (d sizeDist) draw(r *rand.Rand) float64 {
	return math.Round(clamp(d.median*math.Exp(d.sigma*r.NormFloat64()), d.lo, d.hi))
}

// Student distributions by locale (urban, town, rural).
var (
	primarySize = [3]sizeDist{{1300, 0.45, 300, 3500}, {600, 0.45, 100, 2400}, {220, 0.5, 50, 900}}
	juniorSize  = [3]sizeDist{{1400, 0.4, 300, 3400}, {700, 0.45, 150, 2200}, {350, 0.4, 100, 900}}
	nineSize    = [3]sizeDist{{1100, 0.4, 300, 2400}, {600, 0.45, 150, 1800}, {260, 0.45, 80, 900}}
	pointSize   = sizeDist{35, 0.5, 10, 80}
	twelveSize  = sizeDist{900, 0.35, 300, 2000}
	seniorSize  = sizeDist{2000, 0.4, 500, 4500}
	specialSize = sizeDist{120, 0.5, 30, 400}
	vocSize     = sizeDist{1500, 0.5, 300, 5000}
)

// parts returns the students of each stage of a new school of kind k.
func parts(r *rand.Rand, k schoolKind, loc locale) (st [3]stage, stu [3]float64, n int) {
	switch k {
	case skPrimary:
		return [3]stage{stPrimary}, [3]float64{primarySize[loc].draw(r)}, 1
	case skPoint:
		return [3]stage{stPrimary}, [3]float64{pointSize.draw(r)}, 1
	case skJunior:
		return [3]stage{stJunior}, [3]float64{juniorSize[loc].draw(r)}, 1
	case skNineCombined, skNineSplit:
		a := nineSize[loc].draw(r)
		return [3]stage{stPrimary, stJunior}, [3]float64{a, math.Round(a * uniform(r, 0.35, 0.6))}, 2
	case skTwelve:
		a := twelveSize.draw(r)
		b := math.Round(a * uniform(r, 0.5, 0.7))
		return [3]stage{stPrimary, stJunior, stSenior}, [3]float64{a, b, math.Round(a * uniform(r, 0.4, 0.7))}, 3
	case skComplete:
		b := juniorSize[urban].draw(r) * 0.65
		return [3]stage{stJunior, stSenior}, [3]float64{math.Round(b), math.Round(b * uniform(r, 0.8, 1.3))}, 2
	case skSenior:
		return [3]stage{stSenior}, [3]float64{seniorSize.draw(r)}, 1
	case skSpecial:
		return [3]stage{stSpecial}, [3]float64{specialSize.draw(r)}, 1
	}
	return [3]stage{stVocational}, [3]float64{vocSize.draw(r)}, 1
}

// countyParams are the county-level draws that shape its schools.
type countyParams struct {
	spread   float64 // dispersion of the resource ratios: the county's (lack of) balance
	level    float64 // median excess of the resource ratios over ratioFloor
	weak     float64 // chance that a school is short on one indicator
	bigClass float64 // chance that an urban or town school has very large classes
	capped   bool    // classes kept within the standard sizes (45 primary, 50 junior)
	ptr      float64 // multiplier of the students-per-teacher norm
}

// ratioFloor is the lowest resource ratio (value ÷ standard) outside weak schools:
// most schools meet the standards, and a county's unevenness shows above it.
const ratioFloor = 0.9

func drawParams(r *rand.Rand, kind countyKind) countyParams {
	p := countyParams{
		level: uniform(r, 0.45, 0.85),
		weak:  uniform(r, 0.06, 0.2),
		ptr:   uniform(r, 0.9, 1.15),
	}
	// Balanced and unbalanced counties, so that coefficients of variation fall on
	// both sides of the 0.50/0.45 limits.
	if chance(r, 0.55) {
		p.spread = uniform(r, 0.3, 0.7)
	} else {
		p.spread = uniform(r, 0.8, 1.1)
	}
	if kind == kindDistrict {
		p.level += 0.15
	}
	switch u := r.Float64(); {
	case u < 0.35:
		p.capped = true
	case u < 0.65:
		p.bigClass = uniform(r, 0.05, 0.25)
	default:
		p.bigClass = 0.01
	}
	return p
}

// ratios draws a school's level on the seven indicators as multiples of the
// standards: above ratioFloor with a county-wide log-normal spread, and one or two
// indicators short of the standard in weak schools.
func ratios(r *rand.Rand, cp *countyParams) [7]float64 {
	var x [7]float64
	for k := range x {
		z := clamp(r.NormFloat64(), -2.5, 2.5)
		x[k] = ratioFloor + cp.level*levelFactor[k]*math.Exp(cp.spread*spreadFactor[k]*z)
	}
	if chance(r, cp.weak) {
		x[r.IntN(7)] = uniform(r, 0.8, 0.995)
		if chance(r, 0.45) {
			x[r.IntN(7)] = uniform(r, 0.7, 0.995)
		}
	}
	return x
}

// classSize draws the average class size and its spread within the school.
func classSize(r *rand.Rand, cp *countyParams, k schoolKind, st stage, loc locale) (mean, sd float64) {
	sd = uniform(r, 2, 4.5)
	big := loc != rural && chance(r, cp.bigClass)
	switch {
	case k == skPoint:
		return uniform(r, 8, 16), 2
	case st == stSpecial:
		return uniform(r, 8, 12), 2
	case st == stVocational:
		return uniform(r, 38, 48), sd
	case big && st == stPrimary:
		return uniform(r, 55, 62), sd
	case big:
		return uniform(r, 56, 64), sd
	case st == stPrimary:
		return uniform(r, [3]float64{38, 35, 25}[loc], [3]float64{47, 45, 38}[loc]), sd
	case st == stJunior:
		return uniform(r, [3]float64{42, 40, 33}[loc], [3]float64{51, 49, 45}[loc]), sd
	}
	return uniform(r, 44, 53), sd
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// pround rounds x up or down at random, in proportion to its fraction, so that small
// schools are not all rounded the same way.
func pround(r *rand.Rand, x float64) float64 {
	f := math.Floor(x)
	if r.Float64() < x-f {
		f++
	}
	return f
}
