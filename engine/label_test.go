package engine

import "testing"

func TestPointLabel(t *testing.T) {
	if PointRef("V2") != "否决项2" || PointRef("B3") != "B3" {
		t.Errorf("PointRef: %s %s", PointRef("V2"), PointRef("B3"))
	}
	for code, want := range map[string]string{"V1": "否决项1", "V12": "否决项12", "B3": "测评点B3", "3": "测评点3", "V": "测评点V", "VA": "测评点VA", "J1": "测评点J1"} {
		if got := PointLabel(code); got != want {
			t.Errorf("PointLabel(%q) = %q, want %q", code, got, want)
		}
	}
}
