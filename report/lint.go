// Package report holds the self-evaluation report (自评报告) pieces that need no
// store: the placeholder lint and the readers that turn a .txt, .md or .docx file
// into plain text. It is pure: it reads only the bytes it is given.
package report

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Finding is one unfilled number (or blank) in a text.
type Finding struct {
	Line, Col int    // 1-based; Col counts characters (runes), not bytes
	Text      string // the placeholder as found, e.g. "xx万人"
	Kind      string // normalised form: "x%", "x所", "XX", "××", "20xx年", "〇〇", "空括号", "下划线" …
	Context   string // about ten characters either side, "…" where the line goes on
}

// contextRunes is how many characters of context a Finding carries on each side.
const contextRunes = 10

// span is a match inside one line, in byte offsets.
type span struct {
	start, end int
	kind       string
}

// rule is one placeholder form: a regexp and a check that looks at the text around
// the match (RE2 has no look-around) and names the kind, or rejects the match.
type rule struct {
	re    *regexp.Regexp
	check func(l *lineInfo, m []int) (string, bool)
}

// approx are the words between a number and its unit that make it a round or
// approximate one: 「x余人」「x多份」「x万名」「x万余元」; units are the measure words
// and units that follow a number in reports. Longer alternatives come first because
// RE2 alternation prefers the leftmost.
const (
	approx = `万余|万多|千余|千多|百余|百多|十余|十多|余万|多万|余|多|万|亿|千|百`
	units  = `平方公里|平方米|公顷|千米|公里|米|㎡|m²|亩|吨|元|人次|场次|台次|课时|学时|小时|` +
		`人|所|个|间|名|项|次|台|套|册|张|户|篇|天|年|月|日|周|节|倍|分|岁|班|期|家|块|条|份|场|批|届|轮|本|` +
		`部|门|处|支|组|位|对|例|起|笔|件|栋|幢|座|辆|类|种|株|棵|架|级|%|％|‰`
	// quantity is what makes a slot a number: approx, a unit, or both, and a
	// bracketed 次 (「场（次）」).
	quantity = `(?:(?:` + approx + `)(?:` + units + `)?|(?:` + units + `))(?:（次）|\(次\))?`
)

// names that follow a name slot: 「XX县」「〇〇学校」「××同志」.
const nameSuffixes = `自治区|自治州|自治县|省|市|州|盟|县|区|旗|乡镇|乡|镇|街道|社区|村|学区|职业学校|学校|中学|小学|幼儿园|学院|大学|教育局|局|单位|同志|老师|校长|部门`

// rules in priority order: where two matches overlap, the earlier rule wins.
var rules = []rule{
	// Year slots: 「20xx年」「20XX年」「202x年」「20××年」, also 「20xx-20xx学年」.
	// Not 「2024年」 (no slot) nor 「A20xx」 (part of a model number).
	{regexp.MustCompile(`(?:20|２０)(?:[xXｘＸ×]{2}|[0-9０-９][xXｘＸ×])(年)?`), checkYear},
	// Date slots: 「x月x日」「X月XX日」.
	{regexp.MustCompile(`[xXｘＸ×]{1,2}月[xXｘＸ×]{1,2}日`), checkDate},
	// A number slot followed by a unit: 「x所」「xx万人」「x.x%」「××万元」「＊＊个」「**所」.
	// Not 「max%」「2x个」 (the slot must start a word), not 「3×4个」 (multiplication),
	// not the closing 「**」 of Markdown emphasis such as 「**重点**人群」.
	{regexp.MustCompile(`([xXｘＸ]+(?:[,，][xXｘＸ]{3})*(?:[.．][xXｘＸ]+)?|×+|＊+|\*{2,})(` + quantity + `)`), checkUnit},
	// An ellipsis standing for a number before a percent sign: 「增长……%」「...%」.
	{regexp.MustCompile(`(?:…+|\.{3,}|。{3,})[%％‰]`), func(*lineInfo, []int) (string, bool) { return "……%", true }},
	// Name slots: 「XX县」「X乡镇」「××学校」「〇〇县」「○○学校」「＊＊同志」.
	// Not 「二〇〇〇县志」-like numbers (〇 next to a numeral is the digit zero).
	{regexp.MustCompile(`([xXｘＸ]+|×+|＊{2,}|〇{2,}|○{2,})(?:` + nameSuffixes + `)`), checkName},
	// Bare slots with no unit: 「增长XX」「共××。」「**，」「〇〇」. A single x or × is never
	// a bare slot (too often a variable or a multiplication sign).
	{regexp.MustCompile(`[xXｘＸ]{2,}|×{2,}|＊{2,}|\*{2,}|〇{2,}|○{2,}`), checkBare},
	// Empty brackets used as blanks: 「【 】」「（  ）」「（）」「(   )」「［ ］」. An ASCII pair
	// must hold a space, so code such as 「f()」 and Markdown 「[a]()」 pass.
	{regexp.MustCompile(`【[ \t\x{3000}]*】|［[ \t\x{3000}]*］|[（(][ \t\x{3000}]*[）)]`), checkBrackets},
	// Underscore blanks: 「___」 (three or more) and 「＿＿」 (two or more). Not 「__init__」,
	// not 「a___b」, not a Markdown thematic break (a line of only underscores).
	{regexp.MustCompile(`_{3,}|＿{2,}`), checkUnderscores},
	// Markers asking for text: 「（请填写改进措施）」「（请补充具体数据）」.
	{regexp.MustCompile(`[（(]\s*请(?:填写|补充|填报|输入|完善|核实)[^（）()]{0,40}[）)]`), func(*lineInfo, []int) (string, bool) { return "请填写", true }},
}

// masks are spans where nothing is a placeholder: inline code 「`x%`」, URLs
// 「https://x.example/xx」 and e-mail addresses 「xx@163.com」.
var masks = []*regexp.Regexp{
	regexp.MustCompile("`[^`]*`"),
	regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s<>"'，。；）】]+|\bwww\.[^\s<>"'，。；）】]+`),
	regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`),
}

// Lint finds unfilled numbers and blanks in text, in reading order. Lines are split
// at "\n" (a trailing "\r" is dropped); fenced Markdown code blocks (``` or ~~~)
// and inline code are skipped, since code is not prose. Markdown tables are prose:
// a blank in a table cell is reported.
func Lint(text string) []Finding {
	var out []Finding
	inFence := false
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		for _, s := range lintLine(line) {
			out = append(out, Finding{
				Line:    i + 1,
				Col:     utf8.RuneCountInString(line[:s.start]) + 1,
				Text:    line[s.start:s.end],
				Kind:    s.kind,
				Context: contextOf(line, s.start, s.end),
			})
		}
	}
	return out
}

// lineInfo is one line being linted, with what several checks need computed once.
type lineInfo struct {
	s    string
	emph map[int]bool // nil until asked for
}

func (l *lineInfo) emphasis() map[int]bool {
	if l.emph == nil {
		l.emph = emphasis(l.s)
	}
	return l.emph
}

func lintLine(line string) []span {
	l := &lineInfo{s: line}
	var taken []span
	for _, re := range masks {
		for _, m := range re.FindAllStringIndex(line, -1) {
			taken = append(taken, span{start: m[0], end: m[1]})
		}
	}
	var found []span
	for _, r := range rules {
		for pos := 0; pos < len(line); {
			m := r.re.FindStringSubmatchIndex(line[pos:])
			if m == nil {
				break
			}
			for k := range m {
				if m[k] >= 0 {
					m[k] += pos
				}
			}
			kind, ok := r.check(l, m)
			if ok && !overlaps(taken, m[0], m[1]) {
				s := span{m[0], m[1], kind}
				taken = append(taken, s)
				found = append(found, s)
				pos = m[1]
				continue
			}
			// Retry after the run of characters the rejected match starts with: a
			// rejected match may hide a good one, but a match starting inside the
			// same run would be rejected too (its previous character is a slot
			// character), and skipping the run keeps long runs linear.
			pos = m[0] + runLen(line[m[0]:])
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].start < found[j].start })
	return found
}

// runLen is the length in bytes of the run of identical characters s starts with.
func runLen(s string) int {
	first, size := utf8.DecodeRuneInString(s)
	n := size
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if r != first {
			break
		}
		n += size
	}
	return n
}

func overlaps(spans []span, start, end int) bool {
	for _, s := range spans {
		if start < s.end && s.start < end {
			return true
		}
	}
	return false
}

func contextOf(line string, start, end int) string {
	before := []rune(line[:start])
	after := []rune(line[end:])
	var b strings.Builder
	if len(before) > contextRunes {
		b.WriteString("…")
		before = before[len(before)-contextRunes:]
	}
	b.WriteString(string(before))
	b.WriteString(line[start:end])
	if len(after) > contextRunes {
		b.WriteString(string(after[:contextRunes]))
		b.WriteString("…")
	} else {
		b.WriteString(string(after))
	}
	return strings.ReplaceAll(strings.TrimSpace(b.String()), "\t", " ")
}

// prevRune and nextRune return the character before start and at end, or 0.
func prevRune(line string, start int) rune {
	if start <= 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(line[:start])
	return r
}

func nextRune(line string, end int) rune {
	if end >= len(line) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(line[end:])
	return r
}

// prevNonSpace is the last character before start that is not a space.
func prevNonSpace(line string, start int) rune {
	s := strings.TrimRight(line[:start], " \t\u3000")
	return prevRune(s, len(s))
}

func nextNonSpace(line string, end int) rune {
	return nextRune(strings.TrimLeft(line[end:], " \t\u3000"), 0)
}

func isASCIIWord(r rune) bool {
	return r < utf8.RuneSelf && (r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isDigit(r rune) bool { return (r >= '0' && r <= '9') || (r >= '０' && r <= '９') }

// isWordLike is a character that makes an adjacent x part of a word, a number or a
// formula: ASCII letters and digits, full-width Latin letters, combining marks
// (「X̄」) and the slot characters themselves (so a run is only taken whole).
func isWordLike(r rune) bool {
	return isASCIIWord(r) || (r >= 'Ａ' && r <= 'Ｚ') || (r >= 'ａ' && r <= 'ｚ') || isDigit(r) ||
		unicode.Is(unicode.Mn, r) || strings.ContainsRune("xXｘＸ×＊*〇○", r)
}

// isNumeral is a character next to which 〇 or ○ is the digit zero: 「二〇二四」.
func isNumeral(r rune) bool {
	return isDigit(r) || strings.ContainsRune("一二三四五六七八九十百千万零〇○两", r)
}

func checkYear(l *lineInfo, m []int) (string, bool) {
	line := l.s
	if isWordLike(prevRune(line, m[0])) {
		return "", false
	}
	if m[2] < 0 && isWordLike(nextRune(line, m[1])) {
		return "", false
	}
	return "20xx年", true
}

func checkDate(l *lineInfo, m []int) (string, bool) {
	line := l.s
	if isWordLike(prevRune(line, m[0])) || isDigit(prevNonSpace(line, m[0])) {
		return "", false
	}
	return "x月x日", true
}

func checkUnit(l *lineInfo, m []int) (string, bool) {
	line := l.s
	slot, unit := line[m[2]:m[3]], line[m[4]:m[5]]
	if isWordLike(prevRune(line, m[0])) {
		return "", false
	}
	switch {
	case strings.HasPrefix(slot, "×") && isDigit(prevNonSpace(line, m[0])):
		return "", false
	case strings.HasPrefix(slot, "*") && l.emphasis()[m[0]]:
		return "", false
	case strings.HasPrefix(unit, "m²") && len(slot) == 1:
		// 「xm²」 is too easily algebra; the Chinese units are what reports use.
		return "", false
	}
	unit = strings.NewReplacer("％", "%", "(次)", "（次）").Replace(unit)
	if strings.ContainsAny(slot, ".．") {
		return "x.x" + unit, true
	}
	return "x" + unit, true
}

func checkName(l *lineInfo, m []int) (string, bool) {
	line := l.s
	slot := line[m[2]:m[3]]
	prev := prevRune(line, m[0])
	if isWordLike(prev) {
		return "", false
	}
	if strings.HasPrefix(slot, "×") && isDigit(prevNonSpace(line, m[0])) {
		return "", false
	}
	if (strings.HasPrefix(slot, "〇") || strings.HasPrefix(slot, "○")) && isNumeral(prev) {
		return "", false
	}
	return slotKind(slot), true
}

func checkBare(l *lineInfo, m []int) (string, bool) {
	line := l.s
	slot := line[m[0]:m[1]]
	prev, next := prevRune(line, m[0]), nextRune(line, m[1])
	if isWordLike(prev) || isWordLike(next) {
		return "", false
	}
	switch r, _ := utf8.DecodeRuneInString(slot); r {
	case 'x', 'X', 'ｘ', 'Ｘ':
		// 「XX.docx」「xx.example」 and 「Xi'an」-like words: the slot is part of a name.
		if next == '\'' || next == '’' || prev == '.' || (next == '.' && isASCIIWord(nextRune(line, m[1]+1))) {
			return "", false
		}
	case '×':
		if isDigit(prevNonSpace(line, m[0])) || isDigit(nextNonSpace(line, m[1])) {
			return "", false
		}
	case '*':
		// ASCII ** is a slot only after a word and before punctuation or the end
		// (「增长**，」), never Markdown emphasis or a thematic break 「***」.
		if l.emphasis()[m[0]] || !unicode.IsLetter(prev) || prev < utf8.RuneSelf || unicode.IsLetter(next) || isDigit(next) {
			return "", false
		}
	case '〇', '○':
		if isNumeral(prev) || isNumeral(next) {
			return "", false
		}
	}
	return slotKind(slot), true
}

func checkBrackets(l *lineInfo, m []int) (string, bool) {
	line := l.s
	if line[m[0]] == '(' && line[m[1]-1] == ')' {
		if m[1]-m[0] == 2 || isWordLike(prevRune(line, m[0])) {
			return "", false
		}
	}
	return "空括号", true
}

func checkUnderscores(l *lineInfo, m []int) (string, bool) {
	line := l.s
	if isASCIIWord(prevRune(line, m[0])) || isASCIIWord(nextRune(line, m[1])) {
		return "", false
	}
	if strings.Trim(line, "_ \t") == "" {
		return "", false
	}
	return "下划线", true
}

// slotKind names a bare or name slot by the characters it is made of.
func slotKind(slot string) string {
	switch r, _ := utf8.DecodeRuneInString(slot); r {
	case '×':
		return "××"
	case '＊':
		return "＊＊"
	case '*':
		return "**"
	case '〇', '○':
		return "〇〇"
	}
	return "XX"
}

var starRun = regexp.MustCompile(`\*{2,}`)

// unitStart matches a unit at the start of a string.
var unitStart = regexp.MustCompile(`^` + quantity)

// emphasis returns the byte offsets of the ASCII 「**」 runs in line that are
// Markdown emphasis delimiters. Runs pair up left to right; a pair is emphasis when
// its content neither starts nor ends with a space, unless both the content and
// the text after the pair start with a unit: 「共**所，学生**人」 holds two slots,
// 「**重点**人群」 is bold.
func emphasis(line string) map[int]bool {
	runs := starRun.FindAllStringIndex(line, -1)
	delims := map[int]bool{}
	for i := 0; i+1 < len(runs); i += 2 {
		open, closing := runs[i], runs[i+1]
		inner := line[open[1]:closing[0]]
		if inner == "" || strings.TrimSpace(inner) != inner {
			continue
		}
		if unitStart.MatchString(inner) && unitStart.MatchString(line[closing[1]:]) {
			continue
		}
		delims[open[0]], delims[closing[0]] = true, true
	}
	return delims
}
