package engine

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
)

// TestLargestCases: the selection equals a stable sort of all cases by value, largest
// first, cut to n — on hand-picked ties and on random inputs with many equal values.
func TestLargestCases(t *testing.T) {
	stableTop := func(cases []Case, n int) []Case {
		all := append([]Case(nil), cases...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].Value > all[j].Value })
		if len(all) > n {
			all = all[:n]
		}
		if len(all) == 0 {
			return nil
		}
		return all
	}
	named := func(vals ...float64) []Case {
		out := make([]Case, len(vals))
		for i, v := range vals {
			out[i] = Case{Name: string(rune('A' + i)), Value: v}
		}
		return out
	}
	for _, tc := range []struct {
		vals []float64
		n    int
		want string
	}{
		{nil, 3, ""},
		{[]float64{5}, 3, "A"},
		{[]float64{1, 2, 3}, 3, "CBA"},
		{[]float64{2, 2, 2, 2}, 3, "ABC"},
		{[]float64{1, 3, 3, 2, 3}, 2, "BC"},
		{[]float64{1, 3, 3, 2, 3}, 4, "BCED"},
		{[]float64{0, 0, 9}, 2, "CA"},
	} {
		got := ""
		for _, c := range largestCases(named(tc.vals...), tc.n) {
			got += c.Name
		}
		if got != tc.want {
			t.Errorf("largestCases(%v, %d) = %s, want %s", tc.vals, tc.n, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		vals := make([]float64, r.IntN(40))
		for i := range vals {
			vals[i] = float64(r.IntN(6))
		}
		n := 1 + r.IntN(12)
		cases := named(vals...)
		if got, want := largestCases(cases, n), stableTop(cases, n); !reflect.DeepEqual(got, want) {
			t.Fatalf("largestCases(%v, %d) = %v, want %v", vals, n, got, want)
		}
	}
}
