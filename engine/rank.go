package engine

import (
	"sort"
)

// Rank orders results best first and sets Rank and Tie. Graded frameworks rank by
// total; verdict frameworks put passing units first, then by fewer failing items.
// Units with equal keys share a rank (并列) and the next rank skips, as in 1, 2, 2, 4.
// Within a tie the order is by unit code, so the listing is stable.
func Rank(results []*Result) {
	key := func(r *Result) (float64, float64) {
		if r.Verdict != "" {
			return b2f(r.Passed), -float64(len(r.Failing))
		}
		return r.Total, 0
	}
	sort.SliceStable(results, func(i, j int) bool {
		ai, bi := key(results[i])
		aj, bj := key(results[j])
		if ai != aj {
			return ai > aj
		}
		if bi != bj {
			return bi > bj
		}
		return results[i].Unit.Code < results[j].Unit.Code
	})
	for i, r := range results {
		r.Rank, r.Tie = i+1, false
		if i > 0 {
			a1, b1 := key(results[i-1])
			a2, b2 := key(r)
			if a1 == a2 && b1 == b2 {
				r.Rank = results[i-1].Rank
				r.Tie, results[i-1].Tie = true, true
			}
		}
	}
}
