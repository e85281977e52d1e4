package synth

import (
	"math"
	"math/rand/v2"
)

// agg sums a county's school rows of one period, for the facts that follow from them.
type agg struct {
	stu      [nStages]float64
	teachers float64 // primary and junior teachers
}

func (a *agg) add(w *row) {
	for _, p := range w.parts[:w.np] {
		a.stu[p.st] += p.stu
		if p.st == stPrimary || p.st == stJunior {
			a.teachers += p.teachers
		}
	}
}

// rateFacts are the percentage facts, drawn once per county and drifting after.
var rateFacts = [...]fact{xDisabledRate, xSatisfaction, xTrainingRate, xMigrantRate, xQuotaRate}

// rateDraws give, per rate fact, the chance of a failing county and the ranges for
// passing and failing ones (DOMAIN.md §1.4–1.6: 95, 85, 100, 85 and 50%).
var rateDraws = [len(rateFacts)]struct{ pFail, lo, hi, failLo, failHi float64 }{
	{0.15, 95, 99.5, 88, 95},
	{0.12, 85.5, 96, 80, 85},
	{0.35, 100, 100, 92, 99.9},
	{0.15, 85, 99, 75, 85},
	{0.15, 50, 70, 40, 50},
}

// factParams are a county's lasting traits behind its facts.
type factParams struct {
	perStudent   float64 // education budget per student, 元
	cut          int     // period in which the budget falls (0: never)
	civil        float64 // civil servants' average salary, 元
	teacherRatio float64 // teachers' salary ÷ civil servants'
	kgRatio      float64 // kindergarten children ÷ primary pupils
	publicShare  float64 // 公办园 share of kindergarten children
	coverage     float64 // 普惠 coverage
	retention    float64 // junior three-year retention
	eligible     float64 // share of teachers eligible for exchange
	exchange     float64 // share of eligible teachers exchanged
	backbone     float64 // share of backbone teachers among the exchanged
	rates        [len(rateFacts)]float64
}

// fail draws a value from [lo, hi] or, with chance pFail, from the failing range.
func fail(r *rand.Rand, pFail, lo, hi, failLo, failHi float64) float64 {
	if chance(r, pFail) {
		return uniform(r, failLo, failHi)
	}
	return uniform(r, lo, hi)
}

func drawFactParams(r *rand.Rand, kind countyKind, periods int) factParams {
	fp := factParams{
		perStudent:   uniform(r, 14000, 26000),
		civil:        uniform(r, 85000, 140000),
		teacherRatio: fail(r, 0.12, 1.0, 1.1, 0.92, 0.995),
		kgRatio:      uniform(r, 0.38, 0.55),
		publicShare:  uniform(r, 0.35, 0.7),
		coverage:     fail(r, 0.1, 0.8, 0.95, 0.7, 0.8),
		retention:    fail(r, 0.15, 0.955, 1.0, 0.9, 0.95),
		eligible:     uniform(r, 0.3, 0.5),
		exchange:     fail(r, 0.15, 0.1, 0.18, 0.05, 0.099),
		backbone:     fail(r, 0.12, 0.2, 0.35, 0.1, 0.19),
	}
	if kind == kindDistrict {
		fp.perStudent *= 1.15
		fp.civil *= 1.1
	}
	if periods > 1 && chance(r, 0.15) {
		fp.cut = 1 + r.IntN(periods-1)
	}
	for i, d := range rateDraws {
		fp.rates[i] = fail(r, d.pFail, d.lo, d.hi, d.failLo, d.failHi)
	}
	return fp
}

// countyFacts computes the facts of every period from the county's school sums.
// Missing facts (county.missing) are NaN in the last period.
func countyFacts(r *rand.Rand, c *county, aggs []agg) [][nFacts]float64 {
	fp := drawFactParams(r, c.kind, len(aggs))
	out := make([][nFacts]float64, len(aggs))
	for p := range aggs {
		v := &out[p]
		fp.counts(r, &aggs[p], v)
		if p == 0 {
			v[xBudget] = v[xAllStudents] * fp.perStudent / 1e4
		} else {
			g := 0.05 + 0.025*r.NormFloat64()
			if p == fp.cut {
				g = -uniform(r, 0.01, 0.06)
			}
			v[xBudget] = out[p-1][xBudget] * (1 + g)
			fp.drift(r)
		}
		v[xBudget] = math.Round(v[xBudget]*100) / 100
		v[xCivilSalary] = math.Round(fp.civil)
		v[xTeacherSalary] = math.Round(fp.civil * fp.teacherRatio)
		for i, x := range rateFacts {
			v[x] = math.Round(fp.rates[i]*10) / 10
		}
	}
	last := &out[len(out)-1]
	for x := range nFacts {
		if c.missing&(1<<x) != 0 {
			last[x] = math.NaN()
		}
	}
	return out
}

// counts fills the head-count facts of one period.
func (fp *factParams) counts(r *rand.Rand, a *agg, v *[nFacts]float64) {
	kg := math.Round(a.stu[stPrimary] * fp.kgRatio)
	v[xKG] = kg
	v[xKGPublic] = math.Round(kg * fp.publicShare)
	v[xKGInclusive] = max(0, math.Round(kg*fp.coverage)-v[xKGPublic])
	school := 0.0
	for _, n := range a.stu {
		school += n
	}
	v[xAllStudents] = school + kg
	intake := math.Round(a.stu[stJunior] / 3 * uniform(r, 0.97, 1.06))
	v[xIntake3y] = intake
	v[xTransferIn] = math.Round(intake * uniform(r, 0.005, 0.03))
	v[xTransferOut] = math.Round(intake * uniform(r, 0.005, 0.04))
	base := intake + v[xTransferIn] - v[xTransferOut]
	v[xGraduates] = math.Round(base * clamp(fp.retention+0.005*r.NormFloat64(), 0.85, 1))
	v[xExchangeEligible] = math.Round(a.teachers * fp.eligible)
	v[xExchanged] = math.Round(v[xExchangeEligible] * fp.exchange)
	v[xExchangedBackbone] = math.Round(v[xExchanged] * fp.backbone)
}

// drift moves the lasting traits on by one period.
func (fp *factParams) drift(r *rand.Rand) {
	fp.civil *= 1 + uniform(r, 0.01, 0.05)
	fp.teacherRatio = clamp(fp.teacherRatio+0.01*r.NormFloat64(), 0.85, 1.2)
	fp.publicShare = clamp(fp.publicShare+uniform(r, 0, 0.03), 0.2, 0.9)
	fp.coverage = clamp(fp.coverage+uniform(r, -0.005, 0.02), 0.5, 0.99)
	fp.exchange = clamp(fp.exchange*math.Exp(0.1*r.NormFloat64()), 0.02, 0.3)
	for i := range fp.rates {
		if fp.rates[i] >= 100 && chance(r, 0.9) {
			continue
		}
		fp.rates[i] = clamp(fp.rates[i]+0.8*r.NormFloat64(), 30, 100)
	}
}
