package report

import (
	"strings"
)

// titleChars is how many 2号 characters fit a line of the 156 mm text block
// (8845 twips / 440 twips).
const titleChars = 20

// breakTitle cuts a title too long for one line into lines of similar length, as
// GB/T 9704 wants a multi-line title (梯形或菱形): at 「关于」, around 《》 or after
// 「的」 near the middle, never inside 《》 nor between digits.
func breakTitle(title string) string {
	rs := []rune(title)
	n := len(rs)
	if n <= titleChars || strings.Contains(title, "\n") {
		return title
	}
	lines := (n + titleChars - 1) / titleChars
	var out []string
	start := 0
	for k := 1; k < lines; k++ {
		target := start + (n-start)/(lines-k+1)
		cut := bestBreak(rs, start, target)
		out = append(out, string(rs[start:cut]))
		start = cut
	}
	out = append(out, string(rs[start:]))
	return strings.Join(out, "\n")
}

// bestBreak picks where to end a line that should end near target: the best of the
// positions within four characters of it, by what precedes and follows.
func bestBreak(rs []rune, start, target int) int {
	best, bestScore := target, -1000
	for cut := max(start+1, target-4); cut <= min(len(rs)-1, target+4) && cut-start <= titleChars; cut++ {
		score := -abs(cut - target)
		prev, next := string(rs[cut-1]), string(rs[cut])
		switch {
		case insideBook(rs, cut) || isDigitRune(rs[cut-1]) && isDigitRune(rs[cut]):
			continue
		case cut >= 2 && string(rs[cut-2:cut]) == "关于", prev == "》", next == "《":
			score += 6
		case prev == "的":
			score += 2
		}
		if score > bestScore {
			best, bestScore = cut, score
		}
	}
	return best
}

// insideBook reports whether a cut before rs[cut] falls inside 《…》.
func insideBook(rs []rune, cut int) bool {
	open := 0
	for _, r := range rs[:cut] {
		switch r {
		case '《':
			open++
		case '》':
			open--
		}
	}
	return open > 0
}

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
