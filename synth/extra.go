package synth

import (
	"math"
	"math/rand/v2"
)

// The second stream. Values the generator learned to make after the first stream
// was fixed (books, computers and senior-title teachers of schools, the kindergarten
// facts of counties, the kindergartens) are drawn from a second random stream per
// county, so that adding them changed no value the first stream made: a seed gives
// the same schools and county facts as before, now with more columns.

// extraRNG is county i's second stream.
func extraRNG(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(seed^0x3c6ef372fe94f82b+uint64(i)), splitmix(uint64(i)^0xa54ff53a5f1d36f1)))
}

// bookStd and computerStd are plausible books per student and student computers per
// 100 students by stage (provincial 基本均衡 standards of the 2012 era; they only
// shape the data).
var (
	bookStd     = [nStages]float64{stPrimary: 25, stJunior: 35, stSenior: 40, stSpecial: 30, stVocational: 30}
	computerStd = [nStages]float64{stPrimary: 12, stJunior: 15, stSenior: 18, stSpecial: 15, stVocational: 25}
)

// extras draws the second-stream values of rows[from:]: a school's books and
// computers follow its students, with the county's spread, and a share of its
// teachers hold a senior title.
func (g *countyGen) extras(x *rand.Rand, from int) {
	for i := from; i < len(g.rows); i++ {
		w := &g.rows[i]
		ratio := func() float64 {
			return ratioFloor + g.cp.level*math.Exp(g.cp.spread*0.9*clamp(x.NormFloat64(), -2.5, 2.5))
		}
		rb, rc := ratio(), ratio()
		books, computers := 0.0, 0.0
		for k := range w.parts[:w.np] {
			p := &w.parts[k]
			books += bookStd[p.st] * p.stu * rb
			computers += computerStd[p.st] * p.stu / 100 * rc
			p.senior = min(p.teachers, pround(x, p.teachers*uniform(x, 0.3, 0.7)))
		}
		w.books, w.computers = books, pround(x, computers)
	}
}

// driftExtra moves the second-stream values on by one period, after drift.
func (w *row) driftExtra(x *rand.Rand) {
	w.books *= math.Exp(0.03 + 0.02*x.NormFloat64())
	if chance(x, 0.15) {
		w.computers += float64(1 + x.IntN(10))
	}
	for k := range w.parts[:w.np] {
		p := &w.parts[k]
		p.senior = min(p.teachers, math.Round(p.senior*math.Exp(0.02+0.03*x.NormFloat64())))
	}
}
