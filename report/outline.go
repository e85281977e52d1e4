package report

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OutlineSection is one node of a report's outline, as written with the official
// numbering of Chinese government documents (GB/T 9704-2012 §7.3.3):
// 一、 (level 1), （一） (level 2), 1. (level 3) and （1） (level 4). The root,
// level 0, holds the text before the first heading.
type OutlineSection struct {
	Level    int    // 0 root, 1 一、, 2 （一）, 3 1., 4 （1）
	Number   string // the numbering as written, e.g. "（一）", "(2)", "１．"
	Title    string // the heading text, up to the first 。 or ： when the line goes on
	Text     string // the paragraphs directly under the heading, one per line
	Line     int    // 1-based line of the heading in the parsed text; 1 for the root
	Children []*OutlineSection
}

// Depth is the deepest heading level below s (0 when s has no headings).
func (s *OutlineSection) Depth() int {
	d := 0
	s.Walk(func(x *OutlineSection) {
		d = max(d, x.Level)
	})
	return d
}

// Walk calls f for s and every section below it, in document order.
func (s *OutlineSection) Walk(f func(*OutlineSection)) {
	f(s)
	for _, c := range s.Children {
		c.Walk(f)
	}
}

// Counts returns how many headings of each level (index 1 to 4) are below s.
func (s *OutlineSection) Counts() [5]int {
	var n [5]int
	s.Walk(func(x *OutlineSection) {
		if x != s {
			n[x.Level]++
		}
	})
	return n
}

// Chinese numerals up to 九十九 as heading numbers are written: 一 … 十 … 二十三.
const cnDigits = "一二三四五六七八九十"

var (
	reLevel1 = regexp.MustCompile(`^([` + cnDigits + `]{1,3})[、.．]`)
	reLevel2 = regexp.MustCompile(`^[（(]([` + cnDigits + `]{1,3})[）)][、 \t　]*`)
	reLevel3 = regexp.MustCompile(`^([0-9０-９]{1,2})[.．、]`)
	reLevel4 = regexp.MustCompile(`^[（(]([0-9０-９]{1,2})[）)][、 \t　]*`)
	// reMarkdown is the decoration a Markdown file puts around a heading.
	reMarkdown = regexp.MustCompile(`^(#{1,6}\s+|\*\*|__)`)
)

// headingLine is a recognised heading line.
type headingLine struct {
	level         int
	number, title string
	rest          string // text after the title on the same line
}

// parseHeading recognises an outline heading at the start of line (after
// optional spaces, full-width spaces and Markdown heading marks). A number
// followed by a digit (「1.5万元」) or by another numeral (「一、二年级」) is
// not a heading, nor is a number with nothing after it.
func parseHeading(line string) (headingLine, bool) {
	s := trimOutline(line)
	if m := reMarkdown.FindString(s); m != "" {
		s = trimOutline(s[len(m):])
		s = strings.TrimSuffix(strings.TrimSuffix(s, "**"), "__")
	}
	for level, re := range []*regexp.Regexp{reLevel1, reLevel2, reLevel3, reLevel4} {
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		if level == 0 && !validNumeral(s[m[2]:m[3]]) {
			return headingLine{}, false
		}
		rest := s[m[1]:]
		r, _ := utf8.DecodeRuneInString(rest)
		if isDigit(r) || (level == 0 && strings.ContainsRune(cnDigits, r)) {
			return headingLine{}, false
		}
		rest = trimOutline(rest)
		if rest == "" {
			return headingLine{}, false
		}
		title, after := splitTitle(rest)
		return headingLine{level: level + 1, number: trimOutline(s[:m[1]]), title: title, rest: after}, true
	}
	return headingLine{}, false
}

// validNumeral accepts 一 … 九, 十, 十一 … 十九, 二十 … 九十九.
func validNumeral(s string) bool {
	r := []rune(s)
	ten := func(c rune) bool { return c == '十' }
	switch len(r) {
	case 1:
		return true
	case 2:
		return ten(r[0]) && !ten(r[1]) || !ten(r[0]) && ten(r[1])
	case 3:
		return !ten(r[0]) && ten(r[1]) && !ten(r[2])
	}
	return false
}

// splitTitle cuts a heading line after its title: at the first 。 or ： (or
// half-width colon) the heading ends and the paragraph that follows on the same
// line begins.
func splitTitle(s string) (title, rest string) {
	i := strings.IndexAny(s, "。：:")
	if i < 0 {
		return s, ""
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return trimOutline(s[:i]), trimOutline(s[i+n:])
}

// trimOutline trims white space including the full-width space U+3000.
func trimOutline(s string) string {
	return strings.TrimFunc(s, unicode.IsSpace)
}

// ParseOutline splits text into its outline by the official numbering. Every
// heading becomes an OutlineSection under the nearest open section of a lower level, so
// a （1） directly under 一、 is a level-4 child of the level-1 section: missing
// levels are not invented. Non-heading lines go to the Text of the current
// section; blank lines are dropped.
func ParseOutline(text string) *OutlineSection {
	root := &OutlineSection{Line: 1}
	stack := []*OutlineSection{root}
	texts := map[*OutlineSection][]string{}
	for i, line := range strings.Split(text, "\n") {
		h, ok := parseHeading(line)
		if !ok {
			if t := trimOutline(line); t != "" {
				top := stack[len(stack)-1]
				texts[top] = append(texts[top], t)
			}
			continue
		}
		for stack[len(stack)-1].Level >= h.level {
			stack = stack[:len(stack)-1]
		}
		s := &OutlineSection{Level: h.level, Number: h.number, Title: h.title, Line: i + 1}
		parent := stack[len(stack)-1]
		parent.Children = append(parent.Children, s)
		stack = append(stack, s)
		if h.rest != "" {
			texts[s] = append(texts[s], h.rest)
		}
	}
	root.Walk(func(s *OutlineSection) {
		s.Text = strings.Join(texts[s], "\n")
	})
	return root
}
