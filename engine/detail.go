package engine

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// RuleDetail is what one rule of a point found when it lost points or could not be
// scored. The score sheet shows the rule's reason sentence; the report words its own
// sentences from these facts (schools with their enrolment, the items not met …).
type RuleDetail struct {
	Rule          int      // index into the point's rules
	Status        string   // StatusScored, StatusPending or StatusUncomputable
	Lost          float64  // points the rule lost
	Value         float64  // the metric's value, for rules on a metric
	Missing       []string // checklist: the items not met
	Justification string   // manual: the person's words (TidyJustification)
	Why           string   // uncomputable: why
	Cases         []Case   // the schools behind a count or sum, largest first
	More          int      // schools beyond the listed Cases
}

// Case is one school behind a counted or summed number: for count(), the school and
// its compulsory-education enrolment; for sum(), the school and its part of the sum.
type Case struct {
	Name  string
	Value float64
	Unit  string
}

// maxCases is how many schools a detail lists; the rest are counted in More.
const maxCases = 10

// metricDetail is the detail of a rule on a metric that lost points.
func (e *evaluator) metricDetail(metric int, v, lost float64) *RuleDetail {
	d := &RuleDetail{Status: StatusScored, Lost: lost, Value: v}
	ci, ok := e.p.cases[metric]
	if !ok {
		return d
	}
	spec := &e.p.calls[ci]
	rows := e.rows(spec.set)
	s := &e.snap.Schools
	base := int(e.rng.Lo)
	var col []float64
	unit := "人"
	if spec.fn == "sum" {
		c, err := e.column(spec)
		if err != nil {
			return d
		}
		col, unit = c, e.p.metrics[metric].m.Unit
	} else if col = e.unitCol(SESchoolStudents); col == nil {
		col = e.unitCol(SEStudents)
	}
	if e.caseIdx == nil {
		e.caseIdx = map[string]int{}
	}
	byCode := e.caseIdx
	clear(byCode)
	cases := e.caseBuf[:0]
	for _, k := range rows {
		x := 0.0
		if col != nil && col[k] == col[k] {
			x = col[k]
		}
		if spec.fn == "sum" && x <= 0 {
			continue
		}
		code := s.Code[base+int(k)]
		if i, seen := byCode[code]; seen {
			if spec.fn == "sum" { // a combined school's stage rows add up
				cases[i].Value += x
			}
			continue
		}
		byCode[code] = len(cases)
		cases = append(cases, Case{Name: s.Name[base+int(k)], Value: x, Unit: unit})
	}
	e.caseBuf = cases
	if spec.fn == "sum" {
		// A combined school's classes are split between its stages by students: show
		// the sums as the metric does, and drop those that round to nothing.
		dec := decimalsOr(e.p.metrics[metric].m.Decimals, 2)
		kept := cases[:0]
		for _, c := range cases {
			if c.Value = roundTo(c.Value, dec); c.Value > 0 {
				kept = append(kept, c)
			}
		}
		cases = kept
	}
	d.Cases = largestCases(cases, maxCases)
	d.More = len(cases) - len(d.Cases)
	return d
}

// largestCases returns, in a new slice, the n cases of largest value, largest first;
// of equal values the earlier case comes first (what a stable sort of all the cases
// by value, cut to n, gives, without sorting a county's hundreds of schools).
func largestCases(cases []Case, n int) []Case {
	top := make([]Case, 0, min(n, len(cases)))
	for _, c := range cases {
		if len(top) == n && c.Value <= top[n-1].Value {
			continue
		}
		// After every case of a larger or equal value: stable.
		i := len(top)
		for i > 0 && top[i-1].Value < c.Value {
			i--
		}
		if len(top) < n {
			top = append(top, Case{})
		}
		copy(top[i+1:], top[i:len(top)-1])
		top[i] = c
	}
	if len(top) == 0 {
		return nil
	}
	return top
}

// CaseText lists cases as a report names them: 「秋湖县实验中学（2350人）、…等12所」.
func CaseText(cases []Case, more int, unit string) string {
	parts := make([]string, len(cases))
	for i, c := range cases {
		parts[i] = c.Name
		if c.Value > 0 {
			parts[i] += "（" + FormatValue(c.Value, c.Unit, nil) + "）"
		}
	}
	s := joinCN(parts)
	if more > 0 {
		s += "等" + fmtNum(float64(len(cases)+more)) + unit
	}
	return s
}

var (
	// trailingDeduct is a deduction a person wrote at the end of a justification:
	// 「…不完整，扣0.5分。」. The sentence around it states the deduction itself.
	trailingDeduct = regexp.MustCompile(`[，,；;、]?\s*(?:共|合计|应)?扣(?:除)?\s*[0-9０-９]+(?:[.．][0-9０-９]+)?\s*分$`)
	// punctRun is two or more marks in a row, of which one is enough.
	punctRun = regexp.MustCompile(`[。，；、,;．.！!？?：:]{2,}`)
	// punctBeforeClose is a mark before a closing bracket: 「（…。）」.
	punctBeforeClose = regexp.MustCompile(`[。，；、,;．！!：:]+([）)])`)
	// punctAfterOpen is a mark after an opening bracket: 「（，…」.
	punctAfterOpen = regexp.MustCompile(`([（(])[。，；、,;．！!：:]+`)
)

// TidyJustification cleans what a person wrote so that a sentence can be built
// around it: spaces and the closing punctuation trimmed, and a deduction at its end
// (「扣0.5分」) dropped, since the sentence states the deduction.
func TidyJustification(s string) string {
	s = trimMarks(s)
	for {
		t := trimMarks(trailingDeduct.ReplaceAllString(s, ""))
		if t == s {
			return s
		}
		s = t
	}
}

func trimMarks(s string) string {
	return strings.TrimRightFunc(strings.TrimSpace(s), func(r rune) bool {
		return strings.ContainsRune("。，；、,;．.！!： \t\u3000", r)
	})
}

// TidyReason keeps one mark where a template and a person's words meet with two
// (「…不完整。，扣1分」 → 「…不完整，扣1分」), drops marks inside brackets' edges and
// a doubled deduction (「扣0.5分，扣0.5分」).
func TidyReason(s string) string {
	if !untidy(s) {
		return s // most reasons: the regular expressions cost a fifth of scoring
	}
	return tidy(s)
}

func tidy(s string) string {
	s = punctRun.ReplaceAllStringFunc(s, lastMark)
	s = punctBeforeClose.ReplaceAllString(s, "$1")
	s = punctAfterOpen.ReplaceAllString(s, "$1")
	return dropRepeatedDeduct(s)
}

// untidy reports whether TidyReason could change s: two marks in a row, a mark
// before a closing or after an opening bracket, or two deductions (扣). It may say
// yes when nothing changes, never no when something would.
func untidy(s string) bool {
	var prev rune
	deducts := 0
	for _, r := range s {
		switch {
		case isTidyMark(r):
			if isTidyMark(prev) || prev == '（' || prev == '(' {
				return true
			}
		case r == '）' || r == ')':
			if isTidyMark(prev) {
				return true
			}
		case r == '扣':
			if deducts++; deducts > 1 {
				return true
			}
		}
		prev = r
	}
	return false
}

// isTidyMark reports whether r is one of the marks of punctRun, punctBeforeClose and
// punctAfterOpen.
func isTidyMark(r rune) bool {
	switch r {
	case '。', '，', '；', '、', ',', ';', '．', '.', '！', '!', '？', '?', '：', ':':
		return true
	}
	return false
}

// lastMark keeps the mark that matters of a run: the last one, except that an
// ellipsis-like run of full stops stays one full stop.
func lastMark(run string) string {
	r, _ := utf8.DecodeLastRuneInString(run)
	return string(r)
}

var deductRE = regexp.MustCompile(`扣[0-9]+(?:\.[0-9]+)?分`)

// dropRepeatedDeduct removes the second of two equal deductions joined by a mark.
func dropRepeatedDeduct(s string) string {
	locs := deductRE.FindAllStringIndex(s, -1)
	for i := len(locs) - 1; i > 0; i-- {
		a, b := locs[i-1], locs[i]
		between := s[a[1]:b[0]]
		if s[a[0]:a[1]] == s[b[0]:b[1]] && utf8.RuneCountInString(between) <= 1 && strings.Trim(between, "，,；;、") == "" {
			s = s[:a[1]] + s[b[1]:]
		}
	}
	return s
}

// missingItems are the texts of a checklist's items not checked.
func missingItems(r *Rule, checked []string) []string {
	var out []string
	for _, it := range r.Items {
		if !slices.Contains(checked, it.ID) {
			out = append(out, it.Text)
		}
	}
	return out
}
