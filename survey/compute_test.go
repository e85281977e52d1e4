package survey

import (
	"math"
	"testing"
)

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-7 {
		t.Errorf("%s = %.9f, want %.9f", what, got, want)
	}
}

func testFile(method string, unknownIn bool) *File {
	return &File{Scale: Scale{Labels: []string{"满意", "比较满意", "基本满意", "不太满意", "不满意"}, Unknown: "不了解"},
		Computation: Computation{Method: method, Values: []float64{100, 80, 60, 30, 0}, UnknownInDenominator: unknownIn}}
}

// 25 answers: 10 满意, 8 比较满意, 4 基本满意, 2 不太满意, 1 不满意, and 5 不了解.
var handTally = Tally{Counts: [5]int{10, 8, 4, 2, 1}, Unknown: 5}

func TestFiguresByHand(t *testing.T) {
	// 不了解 left out: 25 answers.
	// top2: (10 + 8) / 25 = 0.72 → 72
	// likert: (10·5 + 8·4 + 4·3 + 2·2 + 1·1) / 25 = (50+32+12+4+1)/25 = 99/25 = 3.96 → ×20 = 79.2
	// value map: (10·100 + 8·80 + 4·60 + 2·30 + 1·0) / 25 = (1000+640+240+60)/25 = 1940/25 = 77.6
	fg := testFile(MethodTop2, false).Figures(handTally)
	near(t, "top2", fg.Top2, 72)
	near(t, "likert", fg.Mean, 79.2)
	near(t, "value", fg.Value, 77.6)
	// 不了解 in the denominator: 30 answers, 不了解 worth nothing.
	// top2: 18/30 = 60; likert: 99/30 = 3.3 → 66; value: 1940/30 = 64.666…
	fg = testFile(MethodTop2, true).Figures(handTally)
	near(t, "top2 with 不了解", fg.Top2, 60)
	near(t, "likert with 不了解", fg.Mean, 66)
	near(t, "value with 不了解", fg.Value, 1940.0/30)
	if fg.Get(MethodValue) != fg.Value || fg.Get(MethodMean) != fg.Mean || fg.Get(MethodTop2) != fg.Top2 {
		t.Error("Get does not return the method's figure")
	}
	if (testFile(MethodTop2, false).Figures(Tally{Unknown: 3})).OK {
		t.Error("only 不了解, left out of the denominator: OK, want nothing to divide by")
	}
}

func TestLikertMean356(t *testing.T) {
	// DOMAIN.md §6: a mean of 3.56 is 71.2. 25 answers worth 89 points make 3.56:
	// 9·5 + 5·4 + 5·3 + 3·2 + 3·1 = 45+20+15+6+3 = 89 over 9+5+5+3+3 = 25 answers;
	// 89/25 = 3.56, × 20 = 71.2.
	tl := Tally{Counts: [5]int{9, 5, 5, 3, 3}}
	near(t, "likert of mean 3.56", testFile(MethodMean, false).Figures(tl).Mean, 71.2)
}

func TestValueMapByHand(t *testing.T) {
	// One answer of each: (100 + 80 + 60 + 30 + 0) / 5 = 270/5 = 54.
	f := testFile(MethodValue, false)
	near(t, "value map", f.Figures(Tally{Counts: [5]int{1, 1, 1, 1, 1}}).Value, 54)
	// Another map: 5, 4, 3, 2, 1 points as percent-like values, two 满意, one 不满意:
	// (2·5 + 1·1)/3 = 11/3.
	f.Computation.Values = []float64{5, 4, 3, 2, 1}
	near(t, "value map 5…1", f.Figures(Tally{Counts: [5]int{2, 0, 0, 0, 1}}).Value, 11.0/3)
}

func TestWilsonByHand(t *testing.T) {
	// p = 0.85, n = 100, z = 1.9599640, z² = 3.8414588:
	// den = 1 + 3.8414588/100 = 1.03841459
	// center = (0.85 + 3.8414588/200) / den = 0.86920729 / 1.03841459 = 0.83705228
	// half = z/den · √(0.85·0.15/100 + 3.8414588/40000)
	//      = 1.88745806 · √(0.001275 + 0.00009604) = 1.88745806 · 0.03702751 = 0.06988787
	// so [0.76716441, 0.90694015].
	lo, hi := Wilson(0.85, 100)
	near(t, "Wilson low", lo, 0.76716441)
	near(t, "Wilson high", hi, 0.90694015)
	// p = 1 is not an interval of width zero: n = 10 gives [10/(10+z²), 1]
	// = 10/13.841459 = 0.72246…
	lo, hi = Wilson(1, 10)
	near(t, "Wilson low at p=1", lo, 10/(10+Z95*Z95))
	near(t, "Wilson high at p=1", hi, 1)
}

func TestClusterByHand(t *testing.T) {
	// Two schools, everyone alike inside, opposite between: ρ = 1, m̄ = 2, deff = 2.
	c := Cluster([][]float64{{100, 100}, {0, 0}})
	near(t, "ICC of identical clusters", c.ICC, 1)
	near(t, "deff of identical clusters", c.Deff, 2)
	// A = {100, 50}, B = {50, 0}: means 75 and 25, grand 50.
	// SSB = 2·25² + 2·25² = 2500, MSB = 2500/1; SSW = 4·25² = 2500, MSW = 2500/2 = 1250;
	// n₀ = (4 − 8/4)/1 = 2; ρ = (2500 − 1250)/(2500 + 1·1250) = 1/3; deff = 1 + 1·1/3.
	c = Cluster([][]float64{{100, 50}, {50, 0}})
	near(t, "ICC", c.ICC, 1.0/3)
	near(t, "deff", c.Deff, 4.0/3)
	// Clusters that differ less than chance: ρ truncated at 0, deff 1.
	c = Cluster([][]float64{{100, 0}, {0, 100}})
	near(t, "ICC truncated", c.ICC, 0)
	near(t, "deff truncated", c.Deff, 1)
	if c := Cluster([][]float64{{1, 2, 3}}); c.Deff != 1 || c.MeanSize != 3 {
		t.Errorf("one cluster: %+v, want deff 1, m̄ 3", c)
	}
}
