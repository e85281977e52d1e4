package survey

import (
	"slices"
	"testing"
)

func TestBandEdges(t *testing.T) {
	f, err := Builtin("xqpjph-2020")
	if err != nil {
		t.Fatal(err)
	}
	// Every edge of 学前's bands: the lower bound belongs to the band above it.
	for _, tc := range []struct {
		pop  int64
		want int
	}{
		{1, 200}, {199_999, 200}, {200_000, 300}, {399_999, 300}, {400_000, 500}, {599_999, 500},
		{600_000, 700}, {799_999, 700}, {800_000, 900}, {999_999, 900}, {1_000_000, 1000}, {5_000_000, 1000},
	} {
		if got, rule := f.Plan.SampleSize(tc.pop); got != tc.want {
			t.Errorf("population %d: sample %d (%s), want %d", tc.pop, got, rule, tc.want)
		}
	}
}

func TestPerMille(t *testing.T) {
	r := PlanRule{PerMille: 1.5}
	for _, tc := range []struct {
		pop  int64
		want int
	}{
		{400_000, 600},    // 400,000 × 1.5 / 1000 = 600 exactly
		{333_334, 501},    // 500.001, rounded up
		{333_333, 500},    // 499.9995, rounded up
		{1_000, 2},        // 1.5 → 2
		{1_000_000, 1500}, // 1500
	} {
		if got, _ := r.SampleSize(tc.pop); got != tc.want {
			t.Errorf("1.5‰ of %d = %d, want %d", tc.pop, got, tc.want)
		}
	}
	r.Minimum = 300
	if got, rule := r.SampleSize(100_000); got != 300 { // 150 is below the minimum
		t.Errorf("1.5‰ of 100,000 with minimum 300 = %d (%s), want 300", got, rule)
	}
}

func TestLargestRemainder(t *testing.T) {
	for _, tc := range []struct {
		n    int
		w    []float64
		want []int
	}{
		// 10 × (1/3, 1/3, 1/3) = 3.33 each: floors 3+3+3 = 9, the one left to the first.
		{10, []float64{1, 1, 1}, []int{4, 3, 3}},
		// 600 × (50, 25, 25)% = 300, 150, 150 exactly.
		{600, []float64{50, 25, 25}, []int{300, 150, 150}},
		// 7 × (0.45, 0.35, 0.2) = 3.15, 2.45, 1.4: floors 3, 2, 1 = 6; largest remainder 0.45 → second.
		{7, []float64{0.45, 0.35, 0.2}, []int{3, 3, 1}},
		// 300 × (70, 20, 5, 5)% = 210, 60, 15, 15.
		{300, []float64{70, 20, 5, 5}, []int{210, 60, 15, 15}},
		// yzjh-2017's shares of 500: 250, then 8.3333% → 41.6665 and 8.3334% → 41.667.
		// Floors 250 + 6·41 = 496; the four left go to the remainders 0.667 (4th, 7th),
		// then to the earliest of the 0.6665 ties (2nd, 3rd).
		{500, []float64{50, 8.3333, 8.3333, 8.3334, 8.3333, 8.3333, 8.3334}, []int{250, 42, 42, 42, 41, 41, 42}},
		{5, []float64{0, 0}, []int{5, 0}},
	} {
		got := LargestRemainder(tc.n, tc.w)
		if !slices.Equal(got, tc.want) {
			t.Errorf("LargestRemainder(%d, %v) = %v, want %v", tc.n, tc.w, got, tc.want)
		}
		sum := 0
		for _, g := range got {
			sum += g
		}
		if sum != tc.n {
			t.Errorf("LargestRemainder(%d, %v) sums to %d", tc.n, tc.w, sum)
		}
	}
}

func TestMakePlan(t *testing.T) {
	f, err := Builtin("yzjh-2017")
	if err != nil {
		t.Fatal(err)
	}
	// 400,000 people: 600 answers; 家长 50% = 300; the six others share 300.
	// Areas 200,000 / 120,000 / 80,000: 家长 300 × (0.5, 0.3, 0.2) = 150, 90, 60.
	// Schools by enrolment 600 / 300 / 100 of 1000: 家长 300 → 180, 90, 30.
	in := PlanInput{Population: 400_000, Urban: 200_000, Town: 120_000, Rural: 80_000, Schools: []PlanSchool{
		{Code: "A", Name: "一小", Students: 600}, {Code: "B", Name: "二小", Students: 300}, {Code: "C", Name: "三小", Students: 100},
		{Code: "K", Name: "幼儿园", Kindergarten: true, Students: 500},
	}}
	p, err := f.MakePlan(in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 600 {
		t.Fatalf("total %d, want 600", p.Total)
	}
	parent := p.Groups[0]
	if parent.Quota != 300 || parent.Areas["城区"] != 150 || parent.Areas["镇区"] != 90 || parent.Areas["乡村"] != 60 {
		t.Errorf("家长: %+v", parent)
	}
	var quotas []int
	for _, s := range parent.Schools {
		quotas = append(quotas, s.Quota)
	}
	if !slices.Equal(quotas, []int{180, 90, 30}) {
		t.Errorf("家长 by school %v, want [180 90 30] (the kindergarten left out)", quotas)
	}
	sum := 0
	for _, g := range p.Groups {
		sum += g.Quota
		if g.Group == "npc" && g.Schools != nil {
			t.Error("人大代表 are not sampled at schools")
		}
	}
	if sum != 600 {
		t.Errorf("group quotas sum to %d", sum)
	}
	if _, err := f.MakePlan(PlanInput{Population: 400_000, Urban: 1}); err == nil {
		t.Error("areas that do not add up to the population: no error")
	}
	if _, err := f.MakePlan(PlanInput{}); err == nil {
		t.Error("no population: no error")
	}
}
