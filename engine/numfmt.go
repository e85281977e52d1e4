package engine

import "strings"

// groupFrom is the number of integer digits from which a number gets thousands
// separators. GB/T 15835-2011 (出版物上数字用法) lets integers of four digits or fewer
// go without them; official statistics group larger numbers in threes with a comma:
// 5,528,223元, 172,153.66万元, but 2024年, 1234人.
const groupFrom = 5

// GroupDigits puts thousands separators into the integer part of a formatted decimal
// number ("172153.66" → "172,153.66", "-5528223" → "-5,528,223") when it has
// groupFrom digits or more; anything after the number (a unit, "%") is kept. Text
// that does not start with a number is returned as it is. It is the one place that
// groups digits: values (FormatValue), report values (ReportValue), and the pages'
// numbers (web) all go through it.
func GroupDigits(s string) string {
	start := 0
	if strings.HasPrefix(s, "-") {
		start = 1
	}
	end := start
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	digits := end - start
	if digits < groupFrom {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + digits/3)
	b.WriteString(s[:start])
	for i := start; i < end; i++ {
		if i > start && (end-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	b.WriteString(s[end:])
	return b.String()
}
