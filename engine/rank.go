package engine

import (
	"sort"
)

// Rank orders results best first and sets Rank and Tie. Graded frameworks rank by
// total; verdict frameworks put passing units first, then by fewer failing items.
// Units with equal keys share a rank (并列) and the next rank skips, as in 1, 2, 2, 4.
// Within a tie the order is by unit code, so the listing is stable.
func Rank(results []*Result) {
	keys := make([]rankKey, len(results))
	for i, r := range results {
		keys[i] = keyOf(r)
	}
	ranks, ties := rankKeys(keys, func(i int) string { return results[i].Unit.Code }, func(i, j int) {
		results[i], results[j] = results[j], results[i]
	})
	for i, r := range results {
		r.Rank, r.Tie = ranks[i], ties[i]
	}
}

// rankKey is what a ranking compares, larger first: the total, or for a verdict
// framework whether the unit passed and then minus the number of failing items.
type rankKey struct{ a, b float64 }

func keyOf(r *Result) rankKey { return rankKeyOf(r.Verdict, r.Passed, len(r.Failing), r.Total) }

func rankKeyOf(verdict string, passed bool, failing int, total float64) rankKey {
	if verdict != "" {
		return rankKey{b2f(passed), -float64(failing)}
	}
	return rankKey{total, 0}
}

// rankKeys sorts keys best first, ties by code, moving the caller's rows with swap
// as it moves the keys, and returns each position's rank and whether it is shared.
func rankKeys(keys []rankKey, code func(i int) string, swap func(i, j int)) ([]int, []bool) {
	sort.Stable(&byKey{keys, code, swap})
	ranks, ties := make([]int, len(keys)), make([]bool, len(keys))
	for i := range keys {
		ranks[i] = i + 1
		if i > 0 && keys[i] == keys[i-1] {
			ranks[i] = ranks[i-1]
			ties[i], ties[i-1] = true, true
		}
	}
	return ranks, ties
}

type byKey struct {
	keys []rankKey
	code func(i int) string
	swap func(i, j int)
}

func (s *byKey) Len() int { return len(s.keys) }

func (s *byKey) Less(i, j int) bool {
	a, b := s.keys[i], s.keys[j]
	if a.a != b.a {
		return a.a > b.a
	}
	if a.b != b.b {
		return a.b > b.b
	}
	return s.code(i) < s.code(j)
}

func (s *byKey) Swap(i, j int) {
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	s.swap(i, j)
}
