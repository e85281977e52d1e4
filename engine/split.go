package engine

import "math"

// SplitWeights are the student weights used to split the facility values of a
// combined school (一贯制学校, 完全中学) between its stages (DOMAIN.md §2.2): a junior
// student counts 1.1 primary students in a nine-year school, a senior student 1.2
// junior students in a complete middle school, and 1 : 1.1 : 1.32 in a twelve-year one.
type SplitWeights struct {
	NineJunior     float64 `yaml:"nine_junior" json:"nine_junior"`
	CompleteSenior float64 `yaml:"complete_senior" json:"complete_senior"`
	TwelveJunior   float64 `yaml:"twelve_junior" json:"twelve_junior"`
	TwelveSenior   float64 `yaml:"twelve_senior" json:"twelve_senior"`
}

// DefaultSplitWeights returns the weights of DOMAIN.md §2.2.
func DefaultSplitWeights() SplitWeights {
	return SplitWeights{NineJunior: 1.1, CompleteSenior: 1.2, TwelveJunior: 1.1, TwelveSenior: 1.32}
}

// Shares returns the facility share of each stage (primary, junior, senior) of a
// combined school of type t with a, b, c students in the three stages. Shares of the
// stages a school type does not have are zero; they add up to 1 unless all counts are 0.
//
// Nine-year: primary A/(A+1.1B), junior 1.1B/(A+1.1B). Complete: junior B/(B+1.2C),
// senior 1.2C/(B+1.2C). Twelve-year: A/(A+1.1B+1.32C), 1.1B/(…), 1.32C/(…).
func (w SplitWeights) Shares(t SchoolType, a, b, c float64) (p, j, s float64) {
	var wa, wb, wc float64
	switch t {
	case TypeNineYear:
		wa, wb = a, w.NineJunior*b
	case TypeComplete:
		wb, wc = b, w.CompleteSenior*c
	case TypeTwelveYear:
		wa, wb, wc = a, w.TwelveJunior*b, w.TwelveSenior*c
	default:
		return 0, 0, 0
	}
	tot := wa + wb + wc
	if tot == 0 {
		return 0, 0, 0
	}
	return wa / tot, wb / tot, wc / tot
}

// Apportion divides the whole count whole between the three stages (primary, junior,
// senior) in proportion to shares, in whole numbers that add up to whole: the
// largest-remainder (Hamilton) method. Each stage with a positive share first gets
// its quota whole×share rounded down; the units left over then go one each to the
// stages with the largest remainders. Equal remainders (within 1e-9) go to the
// earlier stage: primary before junior before senior. A stage whose share is not
// positive gets 0. The shares of the stages that have one should add up to 1, as
// those of SplitWeights.Shares and plain student shares do.
//
// A whole that is not a finite, non-negative whole number cannot be apportioned:
// parts are then the plain quotas whole×share and ok is false. (A file cannot give a
// count that is not whole: the import refuses it; a missing count is NaN and stays so.)
func Apportion(whole float64, shares [3]float64) (parts [3]float64, ok bool) {
	if whole == 0 {
		return parts, true
	}
	if !(whole > 0) || whole > 1<<52 || whole != math.Trunc(whole) {
		for s, sh := range shares {
			if sh > 0 {
				parts[s] = whole * sh
			}
		}
		return parts, false
	}
	r := [3]float64{-1, -1, -1} // remainders; -1: no share
	if shares[0] > 0 {
		parts[0], r[0] = quota(whole, shares[0])
	}
	if shares[1] > 0 {
		parts[1], r[1] = quota(whole, shares[1])
	}
	if shares[2] > 0 {
		parts[2], r[2] = quota(whole, shares[2])
	}
	left := whole - parts[0] - parts[1] - parts[2]
	for ; left > 0; left-- {
		best := largest(&r)
		if best < 0 {
			break // no stage has a share: nothing to give the units to
		}
		parts[best]++
		r[best] = -1
	}
	return parts, left == 0
}

// largest returns the stage with the largest remainder, the earlier of equal ones
// (within remainderTie), -1 when none is left (all -1).
func largest(r *[3]float64) int {
	best, rb := -1, 0.0
	if r[0] >= 0 {
		best, rb = 0, r[0]
	}
	if r[1] >= 0 && (best < 0 || r[1] > rb+remainderTie) {
		best, rb = 1, r[1]
	}
	if r[2] >= 0 && (best < 0 || r[2] > rb+remainderTie) {
		best = 2
	}
	return best
}

// remainderTie is how close two remainders are to count as equal: closer than
// rounding errors of the shares, far below any real difference of counts up to 2^52.
const remainderTie = 1e-9

// quota returns whole×share rounded down, and the remainder. A quota within
// rounding error of a whole number (remainderTie, relative above 1) is that number,
// with remainder 0: 3×(1/3) is 1, not 0.999….
func quota(whole, share float64) (floor, rem float64) {
	q := whole * share
	floor = math.Floor(q)
	rem = q - floor
	tol := remainderTie
	if q > 1 {
		tol *= q
	}
	switch {
	case rem <= tol:
		rem = 0
	case rem >= 1-tol:
		floor, rem = floor+1, 0
	}
	return floor, rem
}

// ApportionWithin divides counts that together make up a whole already apportioned
// to the stages (the class-size bands of 班级数, whose stage parts are cols), so
// that each count's parts add up to the count, each stage's parts add up to its col,
// and every part is the count's quota count×share rounded down or up. The rounding
// is controlled: every part first gets its quota rounded down, then the units left
// over go to the largest remainders (ties to the earlier count, then the earlier
// stage) as far as the stage totals allow, and the rest is placed by moving units
// between counts along alternating paths (a small bipartite matching), again on parts
// with a remainder only. Only if that cannot reach the totals is a part rounded up
// from a whole quota (off by one), and if even that cannot, ApportionWithin returns
// false and out is not to be used.
//
// counts and out have the same length (at most 8); the counts must be whole and
// non-negative and add up to the sum of cols.
func ApportionWithin(counts []float64, shares [3]float64, cols [3]float64, out [][3]float64) bool {
	const maxCounts = 8
	n := len(counts)
	if n > maxCounts || len(out) != n {
		return false
	}
	var rem [maxCounts][3]float64 // remainder of each cell; -1: cannot take a unit
	var up [maxCounts][3]bool     // the cell was rounded up
	var rowNeed [maxCounts]float64
	colNeed := cols
	total, colTotal := 0.0, cols[0]+cols[1]+cols[2]
	for b, c := range counts {
		if !(c >= 0) || c != math.Trunc(c) {
			return false
		}
		total += c
		rowNeed[b] = c
		for s, sh := range shares {
			out[b][s], rem[b][s] = 0, -1
			if sh > 0 {
				out[b][s], rem[b][s] = quota(c, sh)
				rowNeed[b] -= out[b][s]
				colNeed[s] -= out[b][s]
			}
		}
	}
	if total != colTotal {
		return false
	}
	for s := range colNeed {
		if colNeed[s] < 0 || colNeed[s] != math.Trunc(colNeed[s]) {
			return false
		}
	}
	need := total - (colTotal - colNeed[0] - colNeed[1] - colNeed[2])
	// Largest remainders first, as far as the stage totals allow.
	for ; need > 0; need-- {
		bb, bs := -1, -1
		for b := range n {
			if rowNeed[b] <= 0 {
				continue
			}
			for s := range 3 {
				if colNeed[s] > 0 && !up[b][s] && rem[b][s] > remainderTie &&
					(bb < 0 || rem[b][s] > rem[bb][bs]+remainderTie) {
					bb, bs = b, s
				}
			}
		}
		if bb < 0 {
			break
		}
		up[bb][bs] = true
		rowNeed[bb]--
		colNeed[bs]--
	}
	// The rest along alternating paths: first on cells with a remainder, then on any.
	for _, anyCell := range [2]bool{false, true} {
		for b := 0; b < n && need > 0; b++ {
			for rowNeed[b] > 0 && augment(b, n, &rem, &up, &colNeed, anyCell) {
				rowNeed[b]--
				need--
			}
		}
	}
	if need != 0 {
		return false
	}
	for b := range n {
		for s := range 3 {
			if up[b][s] {
				out[b][s]++
			}
		}
	}
	return true
}

// augment finds an alternating path from count b0 to a stage that still needs a
// unit: count → stage over a cell not rounded up (that may take a unit: it has a
// remainder, or anyCell), stage → count over a cell rounded up; it flips the path so
// that b0 gains a unit, the last stage gains one, and everything between keeps its
// totals. It reports whether a path was found.
func augment(b0, n int, rem *[8][3]float64, up *[8][3]bool, colNeed *[3]float64, anyCell bool) bool {
	// Breadth first over at most 8 counts and 3 stages.
	var fromRow [3]int // the count a stage was reached from
	var fromCol [8]int // the stage a count was reached from (-1: the start)
	var seenRow [8]bool
	var seenCol [3]bool
	queue := [8]int{b0}
	head, tail := 0, 1
	seenRow[b0], fromCol[b0] = true, -1
	for head < tail {
		b := queue[head]
		head++
		for s := range 3 {
			if seenCol[s] || up[b][s] || rem[b][s] < 0 || (!anyCell && rem[b][s] <= remainderTie) {
				continue
			}
			seenCol[s], fromRow[s] = true, b
			if colNeed[s] > 0 {
				colNeed[s]--
				for { // flip back to the start
					r := fromRow[s]
					up[r][s] = true
					if fromCol[r] < 0 {
						return true
					}
					s = fromCol[r]
					up[r][s] = false
				}
			}
			for r := range n {
				if up[r][s] && !seenRow[r] {
					seenRow[r], fromCol[r] = true, s
					queue[tail] = r
					tail++
				}
			}
		}
	}
	return false
}
