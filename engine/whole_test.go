package engine

import "testing"

// TestWholeOf: a report says 「全区」 of a 区, not 「全县」.
func TestWholeOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ unit, want string }{
		{"秋湖县", "全县"}, {"铜水区", "全区"}, {"宜营市", "全市"}, {"达尔罕茂明安联合旗", "全旗"},
		{"峨边彝族自治县", "全县"}, {"铜水区第一小学", "全校"}, {"铜水区实验中学", "全校"},
		{"铜水区机关幼儿园", "全园"}, {"示范", "全县"},
	} {
		if got := WholeOf(tt.unit); got != tt.want {
			t.Errorf("WholeOf(%q) = %q; want %q", tt.unit, got, tt.want)
		}
	}
}
