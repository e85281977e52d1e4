package docx

import "strconv"

var cnDigits = []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// chineseNumber writes n (1…9999) in Chinese numerals as headings use them: 一, 十,
// 十一, 二十, 一百零五. Outside that range it falls back to Arabic digits.
func chineseNumber(n int) string {
	if n <= 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	units := []string{"", "十", "百", "千"}
	var digits []int
	for m := n; m > 0; m /= 10 {
		digits = append(digits, m%10)
	}
	s := ""
	zero := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := digits[i]
		if d == 0 {
			zero = true
			continue
		}
		if zero && s != "" {
			s += "零"
		}
		zero = false
		// 十一, not 一十一, when ten is the leading unit.
		if !(d == 1 && i == 1 && i == len(digits)-1) {
			s += cnDigits[d]
		}
		s += units[i]
	}
	return s
}

// numberer produces the literal heading numbers 一、/（一）/1./（1）, restarting every
// level below the one just numbered.
type numberer struct{ n [4]int }

func (c *numberer) next(level int) string {
	c.n[level]++
	for i := level + 1; i < len(c.n); i++ {
		c.n[i] = 0
	}
	v := c.n[level]
	switch level {
	case 0:
		return chineseNumber(v) + "、"
	case 1:
		return "（" + chineseNumber(v) + "）"
	case 2:
		return strconv.Itoa(v) + "."
	default:
		return "（" + strconv.Itoa(v) + "）"
	}
}
