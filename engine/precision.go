package engine

import (
	"math"
	"strconv"
	"strings"
)

// maxPrecision is the most decimals a score may have: scores are given in hundredths
// at the finest (checklist weights of 0.25).
const maxPrecision = 2

// Precision is the number of decimals the framework's scores are kept and printed
// with: the file's `precision` when it gives one, otherwise the most decimals any of
// its maxima, rule points, per-case deductions, checklist weights, partial scores,
// linear rounding steps or bonus cap has, and at least 1 (a framework in halves has
// 1, one with weights of 0.25 has 2). Sums of points are rounded to it where they are summed,
// so that an area of 1.8 points is 1.8 and not 1.8000000000000007.
func (f *Framework) Precision() int {
	if f.ScorePrecision != nil {
		return min(max(*f.ScorePrecision, 0), maxPrecision)
	}
	if f.derivedPrecision > 0 {
		return f.derivedPrecision - 1
	}
	return f.derivePrecision()
}

// derivePrecision finds the most decimals among the framework's score numbers, and
// at least one: people score in tenths and halves (「按0.1分逐级递减」) even where every
// maximum is whole, and a reviewer may rescore any point so.
func (f *Framework) derivePrecision() int {
	d := 1
	see := func(v float64) { d = max(d, decimalsOf(v)) }
	points := func(ps []Point) {
		for _, p := range ps {
			see(p.Max)
			for _, r := range p.Rules {
				see(r.Points)
				see(r.Per)
				for _, s := range r.Partial {
					see(s.Score)
				}
				for _, it := range r.Items {
					see(it.Weight)
				}
				if r.Kind == RuleLinear {
					step := r.Round
					if step == 0 {
						step = 0.01
					}
					see(step)
				}
			}
		}
	}
	for _, a := range f.Areas {
		points(a.Points)
	}
	if f.Bonus != nil {
		see(f.Bonus.Cap)
		points(f.Bonus.Items)
	}
	return d
}

// decimalsOf is how many decimals v needs, at most maxPrecision.
func decimalsOf(v float64) int {
	for d := 0; d < maxPrecision; d++ {
		p := math.Pow(10, float64(d))
		if math.Abs(v*p-math.Round(v*p)) < 1e-9*math.Max(1, math.Abs(v*p)) {
			return d
		}
	}
	return maxPrecision
}

// Round rounds a score to the framework's precision.
func (f *Framework) Round(v float64) float64 { return roundTo(v, f.Precision()) }

// FormatScore writes a score with the framework's precision and no trailing zeros:
// 76, 9.5, 0.25 — never a binary float's digits.
func (f *Framework) FormatScore(v float64) string { return FormatScore(v, f.Precision()) }

// FormatScore writes v rounded to prec decimals without trailing zeros.
func FormatScore(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := strconv.FormatFloat(roundTo(v, prec), 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func roundTo(v float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no -0
	}
	return r
}
