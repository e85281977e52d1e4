package report

import (
	"strings"

	"github.com/mattn/go-runewidth"
)

// titleChars is how many 2号 characters fit a line of the 156 mm text block
// (8845 twips / 440 twips).
const titleChars = 20

// breakTitle cuts a title too long for one line into as few lines as it needs, of
// similar length (GB/T 9704: 梯形或菱形), preferring to break after 「关于」, before
// 《 and after 》, never inside 《》 when it can help it, nor between digits.
func breakTitle(title string) string {
	rs := []rune(title)
	n := len(rs)
	if width(rs) <= 2*titleChars || strings.Contains(title, "\n") {
		return title
	}
	// best[i] is the cheapest way to break rs[:i] into lines; from[i] its last break.
	const inf = 1 << 30
	best := make([]int, n+1)
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = inf
		for j := max(0, i-2*titleChars); j < i; j++ {
			if best[j] == inf || (j > 0 && !breakable(rs, j)) || width(rs[j:i]) > 2*titleChars {
				continue
			}
			c := best[j] + lineCost(rs, j, i)
			if c < best[i] {
				best[i], from[i] = c, j
			}
		}
	}
	var cuts []int
	for i := n; i > 0; i = from[i] {
		cuts = append([]int{i}, cuts...)
	}
	var lines []string
	start := 0
	for _, c := range cuts {
		lines = append(lines, string(rs[start:c]))
		start = c
	}
	return strings.Join(lines, "\n")
}

// breakable reports whether a line may end before rs[j]: not between digits.
func breakable(rs []rune, j int) bool {
	return !(isDigitRune(rs[j-1]) && isDigitRune(rs[j]))
}

// lineCost scores the line rs[i:j] ending before rs[j]: every line costs much (few
// lines), a short line costs its shortfall squared (even lines), and where it ends
// costs or saves (inside 《》 dear; after 关于, before 《, after 》 cheap).
func lineCost(rs []rune, i, j int) int {
	short := (2*titleChars - width(rs[i:j])) / 2
	c := 1000 + short*short
	if j == len(rs) {
		return c
	}
	switch {
	case insideBook(rs, j):
		c += 400
	case j >= 2 && string(rs[j-2:j]) == "关于", rs[j] == '《', rs[j-1] == '》':
		c -= 60
	case rs[j-1] == '的':
		c -= 20
	}
	return c
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

// width is the printed width of rs in half characters: 2 for a Chinese character,
// 1 for a digit or Latin letter.
func width(rs []rune) int {
	w := 0
	for _, r := range rs {
		w += runewidth.RuneWidth(r)
	}
	return w
}
