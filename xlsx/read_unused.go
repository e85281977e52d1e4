package xlsx

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"ziping"
)

// unusedCol is a column of a table whose header names nothing ziping knows.
type unusedCol struct {
	col    int
	header string
}

// warnings lists what the read did not use, in reading order: the columns nothing
// matches, each with the nearest known header, and the sheets without a table.
func (r *reader) warnings() []ziping.ImportWarning {
	var out []ziping.ImportWarning
	for _, t := range r.tables {
		for _, u := range t.unused {
			w := ziping.ImportWarning{File: t.file, Sheet: t.sheet, Row: t.hdrRow, Column: colName(u.col) + " " + u.header, Header: u.header}
			w.Nearest = r.dicts[t.kind].nearest(u.header)
			w.Msg = "未识别的列「" + u.header + "」，未导入"
			if w.Nearest != "" {
				w.Msg = "未识别的列「" + u.header + "」，是否为「" + w.Nearest + "」？该列未导入"
			}
			out = append(out, w)
		}
	}
	out = append(out, r.skippedWarnings()...)
	return append(out, r.skipped...)
}

// skipSheet records a sheet of a workbook that holds no table.
func (r *reader) skipSheet(file, sheet string) {
	r.skipped = append(r.skipped, ziping.ImportWarning{File: file, Sheet: sheet,
		Msg: "没有学校表或区县数据表的表头（须含“学校代码”或“区县代码”列），未读取"})
}

// nearest is the official header of the known column nearest to header, or empty
// when none is near. A known header is near when the edit distance is within a
// third of the header's length, when the two share most of their characters in
// order (公务员平均工资 and 公务员年平均工资收入), or when one contains the other
// (图书藏书量 and 图书). The nearest of those by edit distance wins.
func (d *dictionary) nearest(header string) string {
	norm := normHeader(header)
	if base, _, ok := splitUnit(norm); ok {
		norm = base
	}
	n := utf8.RuneCountInString(norm)
	best, bestDist := "", math.MaxInt
	for _, cand := range d.sortedNames() {
		if !cjkLike(norm, cand) {
			continue
		}
		dist := editDistance(norm, cand)
		m := utf8.RuneCountInString(cand)
		near := dist <= max(1, n/3) || 4*commonInOrder(norm, cand) >= 3*(n+m)/2 ||
			m >= 2 && (contains(norm, cand) || contains(cand, norm))
		if near && dist < bestDist {
			best, bestDist = d.display[cand], dist
		}
	}
	return best
}

// commonInOrder is the length of the longest common subsequence of a and b, in
// characters.
func commonInOrder(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			if ra[i-1] == rb[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// sortedNames are the dictionary's normalised headers, sorted, for a deterministic
// choice between equally near ones.
func (d *dictionary) sortedNames() []string {
	if d.sorted == nil {
		for k := range d.display {
			d.sorted = append(d.sorted, k)
		}
		slices.Sort(d.sorted)
	}
	return d.sorted
}

// cjkLike reports whether two headers are written alike: both with Chinese or both
// without, so that 图书 is never matched against an English id.
func cjkLike(a, b string) bool { return hasCJK(a) == hasCJK(b) }

func hasCJK(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool { return sub != "" && strings.Contains(s, sub) }

// editDistance is the Levenshtein distance between a and b, counted in characters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
