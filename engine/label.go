package engine

import "strings"

// PointLabel names a point or a veto by its code as pages, messages and documents
// say it: 测评点B3 for a point, 否决项1 for the veto V1 (never 测评点V1, nor
// 否决项V1). A veto's code is V and its number, as every framework numbers them.
func PointLabel(code string) string {
	if n, ok := VetoNumber(code); ok {
		return "否决项" + n
	}
	return "测评点" + code
}

// VetoNumber is the number of a veto's code (V1 → 1), and whether code is one.
func VetoNumber(code string) (string, bool) {
	n, ok := strings.CutPrefix(code, "V")
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return "", false
	}
	return n, true
}

// PointRef names a point or a veto in a column or field headed 测评点: the
// point's code (B3), or 否决项1 for the veto V1.
func PointRef(code string) string {
	if n, ok := VetoNumber(code); ok {
		return "否决项" + n
	}
	return code
}
