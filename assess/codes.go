package assess

import (
	"math"
	"sort"
	"strconv"

	"ziping"
	"ziping/engine"
)

// codeKind is what a code names in a framework.
type codeKind struct {
	kind       int
	point      *engine.Point
	manualVeto bool
	veto       *engine.Veto
	bonus      bool
}

const (
	codeUnknown = iota
	codeData    // a point scored from data only
	codeManual
	codeChecklist
	codeVeto
)

func kindOf(fw *engine.Framework, code string) codeKind {
	find := func(pt *engine.Point, bonus bool) codeKind {
		k := codeKind{kind: codeData, point: pt, bonus: bonus}
		for _, r := range pt.Rules {
			switch r.Kind {
			case engine.RuleManual:
				k.kind = codeManual
			case engine.RuleChecklist:
				k.kind = codeChecklist
			}
		}
		return k
	}
	for ai := range fw.Areas {
		for pi := range fw.Areas[ai].Points {
			if pt := &fw.Areas[ai].Points[pi]; pt.Code == code {
				return find(pt, false)
			}
		}
	}
	if fw.Bonus != nil {
		for i := range fw.Bonus.Items {
			if pt := &fw.Bonus.Items[i]; pt.Code == code {
				return find(pt, true)
			}
		}
	}
	for i := range fw.Vetoes {
		if v := &fw.Vetoes[i]; v.Code == code {
			return codeKind{kind: codeVeto, veto: v, manualVeto: v.Manual}
		}
	}
	return codeKind{}
}

// PointTitle names a point, bonus item or veto of a framework, for lists; "" when
// fw has no such code.
func PointTitle(fw *engine.Framework, code string) string {
	k := kindOf(fw, code)
	switch {
	case k.point != nil:
		return k.point.Title
	case k.veto != nil:
		return k.veto.Title
	}
	return ""
}

// num2 is a score as people write it: at most two decimals, no trailing zeros.
// HasCode reports whether code names a point, bonus item or veto of fw.
func HasCode(fw *engine.Framework, code string) bool { return kindOf(fw, code).kind != codeUnknown }

func num2(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// sortCodes orders point codes as people number them: "2" before "10", letters
// after digits, then by text.
func sortCodes(codes []string) {
	sort.Slice(codes, func(i, j int) bool {
		a, errA := strconv.Atoi(codes[i])
		b, errB := strconv.Atoi(codes[j])
		switch {
		case errA == nil && errB == nil:
			return a < b
		case errA == nil:
			return true
		case errB == nil:
			return false
		}
		return codes[i] < codes[j]
	})
}

func scoreCodes(m map[string]ziping.PointScore) []string {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sortCodes(codes)
	return codes
}

func allPoints(r *engine.Result) []engine.PointResult {
	var out []engine.PointResult
	for _, a := range r.Areas {
		out = append(out, a.Points...)
	}
	return out
}
