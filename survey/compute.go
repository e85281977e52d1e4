package survey

import (
	"math"
)

// Tally counts the answers to satisfaction items: Counts[i] answered the i-th label
// (0 the best), Unknown answered 不了解.
type Tally struct {
	Counts  [5]int `json:"counts"`
	Unknown int    `json:"unknown"`
}

// Add counts one scale answer (an index of the scale, 5 for 不了解).
func (t *Tally) Add(choice int) {
	if choice >= 0 && choice < 5 {
		t.Counts[choice]++
	} else if choice == 5 {
		t.Unknown++
	}
}

// Merge adds o's counts to t.
func (t *Tally) Merge(o Tally) {
	for i := range t.Counts {
		t.Counts[i] += o.Counts[i]
	}
	t.Unknown += o.Unknown
}

// Answered is the number of answers on the scale (不了解 not included).
func (t *Tally) Answered() int {
	n := 0
	for _, c := range t.Counts {
		n += c
	}
	return n
}

// Figures are one set of answers under every convention, each 0–100; OK is false
// when there is nothing to divide by.
type Figures struct {
	Top2  float64 `json:"top2_share"`
	Mean  float64 `json:"likert_mean_100"`
	Value float64 `json:"value_map"`
	OK    bool    `json:"ok"`
}

// Get returns the figure of a method.
func (fg Figures) Get(method string) float64 {
	switch method {
	case MethodMean:
		return fg.Mean
	case MethodValue:
		return fg.Value
	}
	return fg.Top2
}

// Figures computes t under every convention:
//   - top2_share: the two best answers over the answers, × 100;
//   - likert_mean_100: the mean of 5 (best) … 1 (worst), × 20, so 3.56 is 71.2;
//   - value_map: the mean of the file's value per answer.
//
// 不了解 is left out, or, with unknown_in_denominator, counts as an answer worth
// nothing under every convention.
func (f *File) Figures(t Tally) Figures {
	d := t.Answered()
	if f.Computation.UnknownInDenominator {
		d += t.Unknown
	}
	if d == 0 {
		return Figures{}
	}
	values := f.Computation.Values
	if len(values) != 5 {
		values = []float64{100, 80, 60, 30, 0}
	}
	var top2, likert, value float64
	for i, c := range t.Counts {
		if i < 2 {
			top2 += float64(c)
		}
		likert += float64(c * (5 - i))
		value += float64(c) * values[i]
	}
	n := float64(d)
	return Figures{Top2: 100 * top2 / n, Mean: 20 * likert / n, Value: value / n, OK: true}
}

// Z95 is the normal quantile of a two-sided 95% interval.
const Z95 = 1.959963984540054

// Wilson is the Wilson score interval of a proportion p (0–1) observed on n (which
// may be an effective size, n/deff), at 95%.
func Wilson(p, n float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	p = math.Min(1, math.Max(0, p))
	z2 := Z95 * Z95
	den := 1 + z2/n
	center := (p + z2/(2*n)) / den
	half := Z95 / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return math.Max(0, center-half), math.Min(1, center+half)
}

// Clustering is the design effect of sampling respondents by school.
type Clustering struct {
	Clusters    int     `json:"clusters"`    // schools with respondents
	Respondents int     `json:"respondents"` // respondents at schools
	MeanSize    float64 `json:"mean_size"`   // m̄
	ICC         float64 `json:"icc"`         // ρ, by one-way ANOVA, 0 when negative
	Deff        float64 `json:"deff"`        // 1 + (m̄ − 1)·ρ
}

// Cluster estimates the intra-class correlation of scores grouped by cluster with
// the one-way ANOVA estimator
//
//	ρ = (MSB − MSW) / (MSB + (n₀ − 1)·MSW),  n₀ = (N − Σnᵢ²/N) / (k − 1)
//
// (truncated at 0), and Kish's design effect deff = 1 + (m̄ − 1)·ρ with m̄ = N/k.
// Fewer than two clusters, or no two respondents in one, give ρ = 0 and deff = 1.
func Cluster(groups [][]float64) Clustering {
	var c Clustering
	var sum, sumSq float64
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		c.Clusters++
		c.Respondents += len(g)
		for _, y := range g {
			sum += y
		}
		sumSq += float64(len(g) * len(g))
	}
	c.Deff = 1
	if c.Clusters == 0 {
		return c
	}
	k, n := float64(c.Clusters), float64(c.Respondents)
	c.MeanSize = n / k
	if c.Clusters < 2 || c.Respondents <= c.Clusters {
		return c
	}
	grand := sum / n
	var ssb, ssw float64
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		m := mean(g)
		ssb += float64(len(g)) * (m - grand) * (m - grand)
		for _, y := range g {
			ssw += (y - m) * (y - m)
		}
	}
	msb, msw := ssb/(k-1), ssw/(n-k)
	n0 := (n - sumSq/n) / (k - 1)
	if d := msb + (n0-1)*msw; d > 0 {
		c.ICC = math.Max(0, math.Min(1, (msb-msw)/d))
	}
	c.Deff = 1 + (c.MeanSize-1)*c.ICC
	return c
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
