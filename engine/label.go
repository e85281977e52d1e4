package engine

import "strings"

// PointLabel names a point, a bonus item or a veto by its code as pages, messages
// and documents say it: 测评点B3 for a point, 加分项1 for the bonus item J1 and
// 否决项1 for the veto V1 (never 测评点J1, 测评点V1 nor 否决项V1). A veto's code is V
// and its number, as every framework numbers them; a bonus item's is J and its
// number, which Compile requires of every bonus item and refuses of every point, so
// that the code alone tells a bonus item.
func PointLabel(code string) string {
	if n, ok := VetoNumber(code); ok {
		return "否决项" + n
	}
	if n, ok := BonusNumber(code); ok {
		return "加分项" + n
	}
	return "测评点" + code
}

// VetoNumber is the number of a veto's code (V1 → 1), and whether code is one.
func VetoNumber(code string) (string, bool) { return codeNumber(code, "V") }

// BonusNumber is the number of a bonus item's code (J1 → 1), and whether code is
// one.
func BonusNumber(code string) (string, bool) { return codeNumber(code, "J") }

// codeNumber is the number after prefix in code, when code is prefix and digits.
func codeNumber(code, prefix string) (string, bool) {
	n, ok := strings.CutPrefix(code, prefix)
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return "", false
	}
	return n, true
}

// PointRef names a point, a bonus item or a veto in a column or field headed 测评点:
// the point's code (B3), 加分项1 for the bonus item J1, 否决项1 for the veto V1.
func PointRef(code string) string {
	if label := PointLabel(code); !strings.HasPrefix(label, "测评点") {
		return label
	}
	return code
}
