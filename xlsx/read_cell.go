package xlsx

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"ziping/engine"
)

// Reasons shown to users for bad cells.
const (
	reasonNotNumber   = "不是数字"
	reasonNegative    = "不能为负数"
	reasonNotWhole    = "应为整数"
	reasonPercent     = "百分比应在0到100之间"
	reasonEmptyNumber = "缺少数值（没有请填0）"
	reasonNeedUnit    = "请在列名中注明单位：元或万元"
	reasonMissingCol  = "缺少必需的列"
	reasonStage       = "无法识别的学段（应为小学、初中、高中、九年一贯制、十二年一贯制、完全中学或幼儿园）"
	reasonSchoolType  = "无法识别的学校类别"
	reasonOwnership   = "无法识别的办学类型（应为公办或民办）"
	reasonCountyCode  = "区县代码应为6位数字"
	reasonCityCode    = "地市代码应为6位数字"
	reasonPeriod      = "年度应为四位年份，如2024"
	reasonNoPeriod    = "缺少年度：请增加“年度”列，或在导入时指定年度"
	reasonEmptyText   = "不能为空"
	reasonTypeStage   = "学校类别与学段不一致"
	reasonNoCounty    = "区县代码不在区县数据表中"
	reasonNoTable     = "没有找到学校表或区县数据表（表头须含“学校代码”或“区县代码”列）"
	reasonDerived     = "此列由系统计算，不能导入，请删除"
	reasonRange       = "超出合理范围（应在%s至%s%s之间），请检查是否多打了数字"
	reasonTooLong     = "过长：%s不能超过%d个字符"
)

// reasonNotWholeStage is reasonNotWhole for a stage row of a combined school, which
// a county split by hand with its share of the school's classes or teachers worked
// out as a fraction (15.02 classes): what to give instead.
const reasonNotWholeStage = "应为整数：一贯制学校、完全中学分学段填写时，各学段填实有的班级数、人数；分不清的，可整校填一行（学段填“九年一贯制”等），由系统按学生数拆分为整数"

// Per-cell limits of the text columns: an official school code is 10 to 12 digits,
// names a few dozen characters. The bounds leave room for unusual data and refuse a
// cell that would bloat every page showing it.
const (
	maxCodeLen = 32
	maxNameLen = 200
)

// stageKind is the 学段 of a source row: a single stage, or a combined school given
// as one row that the importer splits (DOMAIN.md §2.2).
type stageKind uint8

const (
	stageBad stageKind = iota
	stagePrimary
	stageJunior
	stageSenior
	stageKindergarten
	stageNine
	stageTwelve
	stageComplete
)

// parseStageKind recognises the 学段 cell, including the combined-school values.
func parseStageKind(s string) stageKind {
	switch s {
	case "九年一贯制", "九年一贯制学校":
		return stageNine
	case "十二年一贯制", "十二年一贯制学校":
		return stageTwelve
	case "完全中学", "完中":
		return stageComplete
	}
	switch st, _ := engine.ParseStage(s); st {
	case engine.StagePrimary:
		return stagePrimary
	case engine.StageJunior:
		return stageJunior
	case engine.StageSenior:
		return stageSenior
	case engine.StageKindergarten:
		return stageKindergarten
	}
	return stageBad
}

// combined reports whether the stage kind is a combined school split on import.
func (k stageKind) combined() bool { return k >= stageNine }

// combinedType reports whether t is a school type with several stages: its rows may
// come one per stage (学段 小学, 学校类别 九年一贯制学校).
func combinedType(t engine.SchoolType) bool {
	return t == engine.TypeNineYear || t == engine.TypeTwelveYear || t == engine.TypeComplete
}

// stage is the engine stage of a single-stage kind.
func (k stageKind) stage() engine.Stage {
	switch k {
	case stagePrimary:
		return engine.StagePrimary
	case stageJunior:
		return engine.StageJunior
	case stageSenior:
		return engine.StageSenior
	case stageKindergarten:
		return engine.StageKindergarten
	}
	return engine.StageNone
}

// schoolType is the school type a row gets when its 学校类别 cell is empty.
func (k stageKind) schoolType() engine.SchoolType {
	return [...]engine.SchoolType{engine.TypeNone, engine.TypePrimary, engine.TypeJunior,
		engine.TypeSenior, engine.TypeKindergarten, engine.TypeNineYear, engine.TypeTwelveYear, engine.TypeComplete}[k]
}

// stages lists the stages a combined kind is split into: primary, junior, senior.
func (k stageKind) stages() [3]bool {
	switch k {
	case stageNine:
		return [3]bool{true, true, false}
	case stageTwelve:
		return [3]bool{true, true, true}
	case stageComplete:
		return [3]bool{false, true, true}
	}
	return [3]bool{}
}

// parseOwnership reads 办学类型: public is true for 公办.
func parseOwnership(s string) (public, ok bool) {
	switch {
	case s == "公办" || strings.EqualFold(s, "public"):
		return true, true
	case s == "民办" || strings.EqualFold(s, "private"):
		return false, true
	}
	return false, false
}

// sixDigits reports whether s is a 6-digit administrative code.
func sixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parsePeriod reads a 年度 cell: "2024", "2024年" or a spreadsheet number 2024.0.
func parsePeriod(s string) (int32, bool) {
	s = strings.TrimSuffix(s, "年")
	v, _, ok := parseNumber(s, 0)
	if !ok || v != math.Trunc(v) || v < 1900 || v > 2999 {
		return 0, false
	}
	return int32(v), true
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber reads a numeric cell and scales it by 10^exp (unit conversion and
// percent cells). pct reports a trailing percent sign, which it strips. Plain
// decimals, the bulk of any file, take a fast path over the bytes; the rest
// (thousands separators, full-width digits, exponents, long mantissas) goes
// through strconv.
func parseNumber(s string, exp int) (v float64, pct, ok bool) {
	if v, ok := fastNumber(s, exp); ok {
		return v, false, true
	}
	return slowNumber(s, exp)
}

// fastCell reads the common numeric cell in one pass: a plain non-negative decimal
// that is valid for its kind (a count must be whole). Anything else returns false
// and goes through readCell, which also explains what is wrong.
func fastCell(s string, exp int, kind engine.Kind) (float64, bool) {
	if kind == engine.KindPercent || kind == engine.KindFlag {
		return 0, false
	}
	return decimal(s, exp, kind == engine.KindCount)
}

// fastNumber is parseNumber's fast path: decimal with an optional minus sign.
func fastNumber(s string, exp int) (float64, bool) {
	if len(s) > 1 && s[0] == '-' {
		v, ok := decimal(s[1:], exp, false)
		return -v, ok
	}
	return decimal(s, exp, false)
}

// decimal reads digits with an optional fraction ("12", "12.5") times 10^exp. At
// most 15 digits keep the mantissa below 2^53, so that with an exact power of ten
// one multiplication or division rounds correctly (Clinger's fast path). whole
// refuses a fraction. ok is false for anything else.
func decimal(s string, exp int, whole bool) (float64, bool) {
	if len(s) == 0 || len(s) > 16 || s[0] == '.' {
		return 0, false
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot && !whole:
			dot = true
		default:
			return 0, false
		}
	}
	if digits > 15 {
		return 0, false
	}
	switch e := exp - frac; {
	case e == 0:
		return float64(mant), true
	case e > 0 && e < len(pow10):
		return float64(mant) * pow10[e], true
	case e < 0 && -e < len(pow10):
		return float64(mant) / pow10[-e], true
	}
	return 0, false
}

// slowNumber handles what fastNumber refuses: full-width characters, "1,234",
// surrounding spaces, a percent sign and exponents.
func slowNumber(s string, exp int) (v float64, pct, ok bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII forms
			r -= 0xFF01 - '!'
		}
		if r >= utf8.RuneSelf {
			return 0, false, false
		}
		b = append(b, byte(r))
	}
	t := strings.TrimSpace(string(b))
	if strings.HasSuffix(t, "%") {
		t, pct = strings.TrimSpace(t[:len(t)-1]), true
	}
	if t, ok = stripThousands(t); !ok || !plainFloat(t) {
		return 0, false, false
	}
	if exp != 0 && !strings.ContainsAny(t, "eE") {
		t += "e" + strconv.Itoa(exp)
		exp = 0
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, false
	}
	if exp != 0 {
		v *= math.Pow10(exp)
	}
	return v, pct, true
}

// plainFloat reports whether s uses only the characters of a decimal float, so that
// strconv does not accept hex floats, underscores, "Inf" or "NaN".
func plainFloat(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return false
		}
	}
	return true
}

// stripThousands removes thousands separators from the integer part of s; a comma
// anywhere but between groups of three digits makes s invalid.
func stripThousands(s string) (string, bool) {
	if !strings.Contains(s, ",") {
		return s, true
	}
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	intPart, rest := s, ""
	if i := strings.IndexAny(s, ".eE"); i >= 0 {
		intPart, rest = s[:i], s[i:]
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	if strings.Contains(rest, ",") {
		return "", false
	}
	return sign + strings.Join(groups, "") + rest, true
}

// formatNumber prints a number the way users wrote it, without exponent noise.
func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// trimCell trims the spaces (including full-width ones) around a cell value. Most
// cells have none, which two byte tests settle: Chinese text starts with a lead
// byte of 0xE4..0xE9 and no space character begins that way.
func trimCell(s string) string {
	if len(s) == 0 {
		return s
	}
	c, d := s[0], s[len(s)-1]
	if (c > ' ' && c < utf8.RuneSelf || c >= 0xE4 && c <= 0xE9) && (d > ' ' && d < utf8.RuneSelf || endsCJK(s)) {
		return s
	}
	return strings.TrimSpace(s)
}

// endsCJK reports whether s ends with a CJK ideograph (U+4E00..U+9FFF), never a space.
func endsCJK(s string) bool {
	n := len(s)
	return n >= 3 && s[n-3] >= 0xE4 && s[n-3] <= 0xE9
}

// field returns the trimmed cell i of a row, "" when the row is shorter or i < 0.
func field(f []string, i int) string {
	if i < 0 || i >= len(f) {
		return ""
	}
	return trimCell(f[i])
}

// blankRow reports whether every cell of a row is empty.
func blankRow(f []string) bool {
	for _, c := range f {
		if trimCell(c) != "" {
			return false
		}
	}
	return true
}

// colName returns the spreadsheet letter of column i (0-based): A, B, … Z, AA, ….
func colName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
