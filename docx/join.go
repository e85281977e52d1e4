package docx

import (
	"strings"
	"unicode/utf8"
)

// wordJoiner (U+2060 WORD JOINER) forbids a line break where it stands and prints
// nothing.
const wordJoiner = "\u2060"

// unitStart are the characters that start a unit after a number: 「所」「人」「万元」
// 「亿元」「%」「年」 …; unitMore those that continue one (「万元」「平方米」「人次」);
// closing the marks that may follow a unit and may not start a line.
const (
	unitStart = "所个人名元万亿千百分年月日时间项次岁班户台套册平公倍件篇条份场期家块座辆张本吨米里㎡%％‰"
	unitMore  = "元人次方米里册所个项"
	closing   = "。，、；：！？）”’》」』】"
)

// joinNumbers keeps a number with its sign and its unit on one line: a word joiner
// after a minus sign before a digit (「-1.14%」), between a number and the unit
// after it (「1286所」「5.16亿元」「52.3%」) and between the unit and a closing mark
// after it: LibreOffice otherwise moves 「所，」 to the next line without the number,
// the mark being one that may not start a line. Text without digits is returned as
// is.
func joinNumbers(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	prev := rune(0)
	inUnit := false
	for i, r := range s {
		next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		switch {
		case isASCIIDigit(prev) && strings.ContainsRune(unitStart, r):
			b.WriteString(wordJoiner)
			inUnit = true
		case inUnit && strings.ContainsRune(unitMore, r):
			b.WriteString(wordJoiner)
		case inUnit && strings.ContainsRune(closing, r):
			b.WriteString(wordJoiner)
			inUnit = false
		default:
			inUnit = false
		}
		b.WriteRune(r)
		if (r == '-' || r == '−') && isASCIIDigit(next) && !isASCIIDigit(prev) {
			b.WriteString(wordJoiner)
		}
		prev = r
	}
	return b.String()
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }
