package sqlite

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ziping"
)

func TestValsRoundTrip(t *testing.T) {
	cases := []map[string]float64{
		nil,
		{},
		{"students": 1200, "classes": 27, "equipment_value": 0.1 + 0.2, "neg": -3.5, "zero": 0},
		{"big": 1e21, "tiny": 1e-7, "max": math.MaxFloat64, "smallest": math.SmallestNonzeroFloat64, "int": 1 << 53},
		{`quo"te`: 1, `back\slash`: 2, "在校生数": 3, "tab\t": 4, "": 5, "a,b:c": 6, `":`: 7},
	}
	for _, vals := range cases {
		text, err := encodeVals(vals, "x")
		if err != nil {
			t.Fatal(err)
		}
		var viaJSON map[string]float64
		if err := json.Unmarshal([]byte(text), &viaJSON); err != nil {
			t.Errorf("encodeVals(%v) = %s, not JSON: %v", vals, text, err)
		}
		got, err := decodeVals(text)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || len(got) != len(vals) || (len(vals) > 0 && !cmp.Equal(got, vals)) {
			t.Errorf("decodeVals(encodeVals(%v)) = %v (from %s)", vals, got, text)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := encodeVals(map[string]float64{"students": bad}, "x"); ziping.ErrorKind(err) != ziping.Invalid {
			t.Errorf("encodeVals of %v: %v, want Invalid", bad, err)
		}
	}
}

// FuzzDecodeVals: whatever the hand parser accepts, encoding/json reads the same.
func FuzzDecodeVals(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":1,"b":-2.5e3}`, `{"a":1,}`, `{"a":NaN}`, `{"a\"":1}`,
		`{"a":1,"a":2}`, `{"":0}`, `{"a":0x10}`, `{"a":1e400}`, `{"a"  :  1}`, `{"a":01}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, ok := parseVals(text)
		if !ok {
			return
		}
		var want map[string]float64
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			// The hand parser is laxer than JSON only where encodeVals never writes
			// (a trailing comma, a leading zero, non-UTF-8 keys, …); it must not invent numbers.
			for _, v := range got {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("parseVals(%q) gave %v", text, got)
				}
			}
			return
		}
		if !cmp.Equal(got, want) {
			t.Errorf("parseVals(%q) = %v, encoding/json: %v", text, got, want)
		}
	})
}
