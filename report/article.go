package report

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizePunct writes the half-width , ( ) : ; of template sites as the
// full-width marks of Chinese text where they stand in Chinese text: 「(一)」→「（一）」,
// 「情况,」→「情况，」. Numbers (「12,345」「1:9.8」), Latin words and formulas
// (「f(x)」「a, b」) keep theirs.
func NormalizePunct(s string) string {
	rs := []rune(s)
	out := make([]rune, len(rs))
	copy(out, rs)
	// Brackets pair up: both become full-width when the pair holds or touches Chinese.
	var open []int
	for i, r := range rs {
		switch r {
		case '(':
			open = append(open, i)
		case ')':
			if len(open) == 0 {
				continue
			}
			o := open[len(open)-1]
			open = open[:len(open)-1]
			if hasHan(rs[o+1:i]) || isHanAt(rs, o-1) || isHanAt(rs, i+1) && !isASCIIWordAt(rs, o-1) {
				out[o], out[i] = '（', '）'
			}
		}
	}
	for i, r := range rs {
		full, ok := map[rune]rune{',': '，', ':': '：', ';': '；'}[r]
		if !ok {
			continue
		}
		prev, next := neighbour(out, i, -1), neighbour(out, i, 1)
		if isDigit(prev) && isDigit(next) {
			continue // 12,345 and 1:9.8
		}
		if isHan(prev) || prev != 0 && isHan(next) && !isASCIILetter(prev) {
			out[i] = full
		}
	}
	return string(out)
}

// neighbour is the nearest character before (dir −1) or after (+1) i that is not a
// space, or 0.
func neighbour(rs []rune, i, dir int) rune {
	for j := i + dir; j >= 0 && j < len(rs); j += dir {
		if !unicode.IsSpace(rs[j]) {
			return rs[j]
		}
	}
	return 0
}

// isHan is a Chinese character or a Chinese mark.
func isHan(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF01 && r <= 0xFF5E)
}

func isHanAt(rs []rune, i int) bool { return i >= 0 && i < len(rs) && isHan(rs[i]) }

func hasHan(rs []rune) bool {
	for _, r := range rs {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func isASCIILetter(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }

func isASCIIWordAt(rs []rune, i int) bool {
	return i >= 0 && i < len(rs) && rs[i] < utf8.RuneSelf && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
}

// genericTitle is a label a template site puts where an article's title should be:
// 「范文一」「精选范文」「自评报告范文」「优秀范文3篇」.
var genericTitle = regexp.MustCompile(`^(?:精选|优秀|最新|通用|参考|经典)?(?:范文|模板|样本|示例|例文|样文|文章)|(?:范文|模板|样本|示例)(?:[0-9一二三四五六七八九十]+篇?)?$`)

// isGenericTitle reports whether a title says nothing of the report: empty, a
// template site's label, or one without a place, a year or what it reports on.
func isGenericTitle(t string) bool {
	t = strings.TrimSpace(t)
	return t == "" || genericTitle.MatchString(t) && !strings.ContainsAny(t, "县区市镇乡校局")
}

// ownTitle finds an article's real title among its first lines: a short line with no
// sentence punctuation that names a report. It returns the title and how many lines
// it takes (a title may be printed on up to three lines), or "" and 0.
func ownTitle(lines []string) (string, int) {
	start := 0 // a template site's label before the title is skipped
	for i := 0; i < len(lines) && i < start+3; i++ {
		t := lines[i]
		if t == "" || hasSentencePunct(t) || utf8.RuneCountInString(t) > maxTitleRunes {
			return "", 0
		}
		if _, ok := parseHeading(t); ok {
			return "", 0
		}
		if isGenericTitle(t) && start == i {
			start = i + 1
			continue
		}
		if strings.ContainsAny(t, "报告总结汇报") {
			return strings.Join(lines[start:i+1], ""), i + 1
		}
	}
	return "", 0
}

// reAttachment starts the 附件说明 that follows a report's body.
var reAttachment = regexp.MustCompile(`^附\s*件\s*[:：]`)

// cutTail removes what follows the body of a report: the 附件说明 and everything
// after it (the signature, the annexes), and a signature (issuer, date) at the end.
// It returns the body's lines.
func cutTail(lines []string) []string {
	for i, l := range lines {
		if reAttachment.MatchString(l) {
			lines = lines[:i]
			break
		}
	}
	for len(lines) > 0 {
		l := lines[len(lines)-1]
		if l == "" || reSignature.MatchString(l) && utf8.RuneCountInString(l) <= 30 && !hasSentencePunct(l) {
			lines = lines[:len(lines)-1]
			continue
		}
		break
	}
	return lines
}

// DraftMarkdown is an imported article as a report draft: its title as the level-1
// heading, its outline as headings one level down with their numbering, paragraphs
// and Markdown tables as they were. With areas (the framework's area names), each
// level-1 or level-2 section that resembles an area gets a note before its heading
// naming the area and the similarity, which the report reads to put it under that
// area; the sections that map to none are listed in a note at the top.
func DraftMarkdown(a Article, areas []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", a.Title)
	mapped := MapAreasScored(a.Root, areas)
	if len(areas) > 0 {
		var unmapped []string
		a.Root.Walk(func(s *OutlineSection) {
			if _, ok := mapped[s]; !ok && areaPlace(a.Root, s) {
				unmapped = append(unmapped, s.Number+s.Title)
			}
		})
		if len(unmapped) > 0 {
			sort.Strings(unmapped)
			fmt.Fprintf(&b, "\n<!-- ziping 未对应一级指标的节：%s -->\n", strings.Join(unmapped, "、"))
		}
	}
	a.Root.Walk(func(s *OutlineSection) {
		if s.Level > 0 {
			if m, ok := mapped[s]; ok && areaPlace(a.Root, s) {
				fmt.Fprintf(&b, "\n<!-- ziping 一级指标：%s（相似度%.2f） -->\n", m.Area, m.Score)
			}
			fmt.Fprintf(&b, "\n%s %s%s\n", strings.Repeat("#", s.Level+1), s.Number, s.Title)
		}
		table := false
		for _, p := range strings.Split(s.Text, "\n") {
			if p == "" {
				continue
			}
			row := strings.HasPrefix(p, "|")
			if !(row && table) {
				b.WriteByte('\n')
			}
			b.WriteString(p + "\n")
			table = row
		}
	})
	return b.String()
}

// areaPlace reports whether s stands where an area's text does: a level-1 section
// that is none of the report's sections (a report laid out by area), or a level-2
// section of 主要做法及成效.
func areaPlace(root, s *OutlineSection) bool {
	for _, top := range root.Children {
		sec, ok := sectionOf(normalizeHeading(top.Title))
		if top == s {
			return !ok
		}
		for _, c := range top.Children {
			if c == s {
				return ok && sec == SecPractice
			}
		}
	}
	return false
}
