package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// plainShares are the plain student shares of a combined school with a, b, c
// students in its stages, as the importer computes them.
func plainShares(a, b, c float64) [3]float64 {
	t := a + b + c
	return [3]float64{a / t, b / t, c / t}
}

// TestApportion works the largest-remainder split by hand.
func TestApportion(t *testing.T) {
	t.Parallel()
	w := DefaultSplitWeights()
	p, j, s := w.Shares(TypeTwelveYear, 600, 300, 100)
	facility12 := [3]float64{p, j, s}
	for _, tt := range []struct {
		name   string
		whole  float64
		shares [3]float64
		want   [3]float64
	}{
		// 16.67 / 8.33: floors 16 + 8 = 24, the one left goes to the larger remainder.
		{"nine-year 25 classes 600/300", 25, plainShares(600, 300, 0), [3]float64{17, 8, 0}},
		// 3.3 / 3.3 / 4.4: floors 3 + 3 + 4 = 10; the largest remainder (0.4) wins
		// over the earlier stages.
		{"twelve-year 11 classes 300/300/400", 11, plainShares(300, 300, 400), [3]float64{3, 3, 5}},
		// weights 600 : 330 : 132 of 1062; 20 rooms → 11.30 / 6.21 / 2.49 → 11 / 6 / 3.
		{"twelve-year 20 rooms by facility weights", 20, facility12, [3]float64{11, 6, 3}},
		// exact quotas stay as they are
		{"twelve-year exact 10 = 5/3/2", 10, plainShares(500, 300, 200), [3]float64{5, 3, 2}},
		// ties go to the earlier stage
		{"tie: 1 class, equal stages", 1, plainShares(300, 300, 0), [3]float64{1, 0, 0}},
		{"tie: 5 classes, complete school 100/100", 5, plainShares(0, 100, 100), [3]float64{0, 3, 2}},
		{"tie: 2 classes over three equal stages", 2, plainShares(1, 1, 1), [3]float64{1, 1, 0}},
		{"three equal thirds of 3", 3, plainShares(1, 1, 1), [3]float64{1, 1, 1}},
		// a stage without students gets nothing, even when it would win a tie
		{"zero junior students, 3 classes", 3, plainShares(500, 0, 500), [3]float64{2, 0, 1}},
		{"zero junior students, nine-year", 7, plainShares(120, 0, 0), [3]float64{7, 0, 0}},
		{"whole of 0", 0, plainShares(600, 300, 100), [3]float64{0, 0, 0}},
		{"1 class over 2 stages, primary larger", 1, plainShares(600, 300, 0), [3]float64{1, 0, 0}},
		{"1 class over 2 stages, junior larger", 1, plainShares(300, 600, 0), [3]float64{0, 1, 0}},
	} {
		got, ok := Apportion(tt.whole, tt.shares)
		if !ok || got != tt.want {
			t.Errorf("%s: Apportion(%v, %.4f) = %v, %v; want %v", tt.name, tt.whole, tt.shares, got, ok, tt.want)
		}
	}
}

// TestApportionNotWhole: a fractional or missing whole is not rounded: the plain
// quotas come back, and ok says so.
func TestApportionNotWhole(t *testing.T) {
	t.Parallel()
	got, ok := Apportion(12.5, plainShares(600, 400, 0))
	if ok || got != [3]float64{7.5, 5, 0} {
		t.Errorf("Apportion(12.5) = %v, %v; want the quotas [7.5 5 0], false", got, ok)
	}
	got, ok = Apportion(math.NaN(), plainShares(600, 400, 0))
	if ok || !math.IsNaN(got[0]) || !math.IsNaN(got[1]) || got[2] != 0 {
		t.Errorf("Apportion(NaN) = %v, %v; want NaN NaN 0, false", got, ok)
	}
	if got, ok = Apportion(-3, plainShares(1, 1, 0)); ok {
		t.Errorf("Apportion(-3) = %v, ok", got)
	}
}

// randomShares returns the shares of a random combined school: plain or by the
// facility weights, with two or three stages, a stage sometimes empty.
func randomShares(rng *rand.Rand) [3]float64 {
	var stu [3]float64
	types := []SchoolType{TypeNineYear, TypeComplete, TypeTwelveYear}
	typ := types[rng.IntN(3)]
	for s := range stu {
		if (typ == TypeNineYear && s == 2) || (typ == TypeComplete && s == 0) {
			continue
		}
		if rng.IntN(8) > 0 {
			stu[s] = float64(rng.IntN(3000))
		}
	}
	if stu == [3]float64{} {
		stu[1] = 1
	}
	if rng.IntN(2) == 0 {
		p, j, s := DefaultSplitWeights().Shares(typ, stu[0], stu[1], stu[2])
		return [3]float64{p, j, s}
	}
	return plainShares(stu[0], stu[1], stu[2])
}

// TestApportionProperty: for random wholes and shares the parts are whole, add up
// to the whole, and each is its quota rounded down or up.
func TestApportionProperty(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 4))
	for range 200000 {
		sh := randomShares(rng)
		whole := float64(rng.IntN(50))
		if rng.IntN(4) == 0 {
			whole = float64(rng.IntN(10000000))
		}
		parts, ok := Apportion(whole, sh)
		sum := 0.0
		for s, v := range parts {
			q := whole * sh[s]
			if v != math.Trunc(v) || math.Abs(v-q) >= 1 || (sh[s] == 0 && v != 0) {
				t.Fatalf("Apportion(%v, %v) = %v: part %d not its quota %v rounded", whole, sh, parts, s, q)
			}
			sum += v
		}
		if !ok || sum != whole {
			t.Fatalf("Apportion(%v, %v) = %v, %v: sum %v", whole, sh, parts, ok, sum)
		}
	}
}

// TestApportionWithin works the class-size bands of the 25-class school by hand.
func TestApportionWithin(t *testing.T) {
	t.Parallel()
	sh := plainShares(600, 300, 0)
	cols, _ := Apportion(25, sh) // 17 / 8
	bands := []float64{20, 2, 1, 1, 1}
	out := make([][3]float64, len(bands))
	// Quotas 13.33/6.67, 1.33/0.67, then 0.67/0.33 three times: floors 14 and 6,
	// so the primary stage needs 3 more and the junior 2. The remainders 0.67 go
	// first to the earlier bands: band 1 and 2 junior (junior then full), bands 3-5
	// primary.
	want := [][3]float64{{13, 7, 0}, {1, 1, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}}
	if !ApportionWithin(bands, sh, cols, out) {
		t.Fatal("ApportionWithin failed")
	}
	for b := range want {
		if out[b] != want[b] {
			t.Errorf("band %d: %v; want %v", b, out[b], want[b])
		}
	}
	// Counts that do not add up to the stage totals are refused.
	if ApportionWithin([]float64{20, 2}, sh, cols, out[:2]) {
		t.Error("ApportionWithin accepted counts of 22 for stage totals of 25")
	}
	if ApportionWithin([]float64{20.5, 4.5}, sh, cols, out[:2]) {
		t.Error("ApportionWithin accepted fractional counts")
	}
}

// TestApportionWithinProperty: for random bands and teacher subsets, every count's
// parts add up to it, every stage's to its total, and each part is its quota
// rounded down or up (never off by more).
func TestApportionWithinProperty(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 5))
	out := make([][3]float64, 5)
	for i := range 200000 {
		sh := randomShares(rng)
		n := 2 + rng.IntN(4)
		counts := make([]float64, n)
		total := 0.0
		for b := range counts {
			if rng.IntN(3) > 0 {
				counts[b] = float64(rng.IntN(1 + rng.IntN(60)))
			}
			total += counts[b]
		}
		cols, _ := Apportion(total, sh)
		if !ApportionWithin(counts, sh, cols, out[:n]) {
			t.Fatalf("case %d: ApportionWithin(%v, %v, %v) failed", i, counts, sh, cols)
		}
		var colSum [3]float64
		for b, c := range counts {
			rowSum := 0.0
			for s, v := range out[b] {
				if q := c * sh[s]; v != math.Trunc(v) || math.Abs(v-q) >= 1 || v < 0 {
					t.Fatalf("case %d: ApportionWithin(%v, %v, %v): count %d stage %d = %v, quota %v", i, counts, sh, cols, b, s, v, q)
				}
				rowSum += v
				colSum[s] += v
			}
			if rowSum != c {
				t.Fatalf("case %d: count %d parts %v add up to %v, not %v", i, b, out[b], rowSum, c)
			}
		}
		if colSum != cols {
			t.Fatalf("case %d: ApportionWithin(%v, %v, %v): stage sums %v", i, counts, sh, cols, colSum)
		}
	}
}
