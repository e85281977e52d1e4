package report

import (
	"unicode"
)

// MinAreaSimilarity is the similarity from which MapAreas maps a section title
// to a framework area name.
const MinAreaSimilarity = 0.4

// MapAreas maps the level-1 and level-2 sections under root to the framework
// areas (一级指标 names) their titles resemble. Similarity is measured on
// character bigrams of the two strings, punctuation and spaces removed: the
// overlap coefficient |A∩B| / min(|A|,|B|), so that a long heading
// 「（二）加强教师队伍建设，提升育人水平」 still matches the area
// 「加强教师队伍建设」 in full. A section maps to the most similar area when
// the similarity is at least MinAreaSimilarity and at least two bigrams are
// shared; ties go to the earlier area. Sections with no match are left out.
func MapAreas(root *OutlineSection, areas []string) map[*OutlineSection]string {
	out := map[*OutlineSection]string{}
	for s, m := range MapAreasScored(root, areas) {
		out[s] = m.Area
	}
	return out
}

// AreaMatch is the area a section maps to and how similar their names are (0–1).
type AreaMatch struct {
	Area  string
	Score float64
}

// MapAreasScored is MapAreas with each match's similarity.
func MapAreasScored(root *OutlineSection, areas []string) map[*OutlineSection]AreaMatch {
	out := map[*OutlineSection]AreaMatch{}
	if root == nil || len(areas) == 0 {
		return out
	}
	grams := make([]map[string]bool, len(areas))
	for i, a := range areas {
		grams[i] = bigrams(a)
	}
	root.Walk(func(s *OutlineSection) {
		if s.Level < 1 || s.Level > 2 {
			return
		}
		t := bigrams(s.Title)
		best, bestScore := -1, 0.0
		for i, g := range grams {
			shared := 0
			for b := range t {
				if g[b] {
					shared++
				}
			}
			if shared < 2 {
				continue
			}
			score := float64(shared) / float64(min(len(t), len(g)))
			if score >= MinAreaSimilarity && score > bestScore {
				best, bestScore = i, score
			}
		}
		if best >= 0 {
			out[s] = AreaMatch{Area: areas[best], Score: bestScore}
		}
	})
	return out
}

// bigrams is the set of adjacent character pairs of s's letters and digits.
func bigrams(s string) map[string]bool {
	var rs []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	g := make(map[string]bool, len(rs))
	for i := 1; i < len(rs); i++ {
		g[string(rs[i-1:i+1])] = true
	}
	return g
}
