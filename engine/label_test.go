package engine

import "testing"

func TestPointLabel(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ code, label, ref string }{
		{"V1", "否决项1", "否决项1"},
		{"V12", "否决项12", "否决项12"},
		{"J1", "加分项1", "加分项1"},
		{"J3", "加分项3", "加分项3"},
		{"J10", "加分项10", "加分项10"},
		{"B3", "测评点B3", "B3"},
		{"3", "测评点3", "3"},
		{"24", "测评点24", "24"},
		{"V", "测评点V", "V"},
		{"VA", "测评点VA", "VA"},
		{"J", "测评点J", "J"},
		{"JA", "测评点JA", "JA"},
		{"J1a", "测评点J1a", "J1a"},
		{"A1", "测评点A1", "A1"},
	} {
		t.Run(c.code, func(t *testing.T) {
			t.Parallel()
			if got := PointLabel(c.code); got != c.label {
				t.Errorf("PointLabel(%q) = %q, want %q", c.code, got, c.label)
			}
			if got := PointRef(c.code); got != c.ref {
				t.Errorf("PointRef(%q) = %q, want %q", c.code, got, c.ref)
			}
		})
	}
}
