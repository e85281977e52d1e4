package engine_test

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"ziping/engine"
	"ziping/frameworks"
)

// encodeJSON is what the hand-written encoder must equal: encoding/json as
// `ziping evaluate --format json` used it, without its final newline.
func encodeJSON(t *testing.T, v any, prefix, indent string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, indent)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// checkAppendJSON compares AppendJSON with encoding/json in the three layouts
// evaluate writes: indented at the top, indented two levels deep (a result inside
// the "results" array), and compact (--format ndjson).
func checkAppendJSON(t *testing.T, r *engine.Result) {
	t.Helper()
	for _, st := range []engine.JSONStyle{{Indent: "  "}, {Indent: "  ", Depth: 2}, {}} {
		got, err := r.AppendJSON([]byte("x"), st)
		if err != nil {
			t.Fatalf("%s: %v", r.Unit.Code, err)
		}
		want := "x" + encodeJSON(t, r, st.Prefix+strings.Repeat(st.Indent, st.Depth), st.Indent)
		if string(got) != want {
			t.Fatalf("%s in style %+v:\n%s", r.Unit.Code, st, firstDifference(string(got), want))
		}
	}
}

// checkAppendRanked: a result encoded without its rank, then given it by
// AppendRanked, is the ranked result as AppendJSON writes it.
func checkAppendRanked(t *testing.T, r *engine.Result) {
	t.Helper()
	for _, st := range []engine.JSONStyle{{Indent: "  ", Depth: 2}, {}} {
		want, err := r.AppendJSON(nil, st)
		if err != nil {
			t.Fatal(err)
		}
		plain := *r
		plain.Rank, plain.Tie = 0, false
		enc, err := plain.AppendJSON(nil, st)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := engine.AppendRanked([]byte("x"), enc, r.Rank, r.Tie, st)
		if !ok || string(got) != "x"+string(want) {
			t.Fatalf("%s ranked %d in style %+v (ok %v):\n%s", r.Unit.Code, r.Rank, st, ok, firstDifference(string(got), "x"+string(want)))
		}
		head, ok := engine.RankedHead(enc, st)
		if got := string(head) + string(engine.AppendRankTail([]byte{}, r.Rank, r.Tie, st)); !ok || got != string(want) {
			t.Fatalf("%s: head and tail in style %+v (ok %v):\n%s", r.Unit.Code, st, ok, firstDifference(got, string(want)))
		}
	}
	if _, ok := engine.AppendRanked(nil, []byte(`{"a": 1}`), 1, false, engine.JSONStyle{Indent: "  "}); ok {
		t.Fatal("AppendRanked took a document that does not end as a result")
	}
}

// firstDifference shows where two strings part.
func firstDifference(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-200)
	return "got:  …" + got[lo:min(len(got), i+100)] + "\nwant: …" + want[lo:min(len(want), i+100)]
}

// TestAppendJSONMatchesEncodingJSON: every built-in framework over a generated
// province with people's scores for half of the units (pending points, checklists,
// manual scores, triggered vetoes), ranked with ties, written by hand and by
// encoding/json.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	ds := benchData(t, 12, 1200, 600)
	for _, id := range frameworks.IDs() {
		t.Run(id, func(t *testing.T) {
			p := builtin(t, id)
			d := ds.ForLevel(p.FW.Level)
			res, err := p.Evaluate(d, engine.Options{Inputs: someInputs(p.FW, d)})
			if err != nil {
				t.Fatal(err)
			}
			engine.Rank(res)
			for _, r := range res {
				checkAppendJSON(t, r)
				checkAppendRanked(t, r)
			}
		})
	}
}

// someInputs scores the even units: every checklist item ticked but the first of
// each rule, manual points at half with a justification, manual vetoes triggered on
// every fourth unit. The odd units are left pending.
func someInputs(fw *engine.Framework, ds *engine.Dataset) map[string]*engine.Inputs {
	out := map[string]*engine.Inputs{}
	for ui, u := range ds.Units {
		if ui%2 == 1 {
			continue
		}
		in := &engine.Inputs{Points: map[string]engine.PointInput{}, Vetoes: map[string]engine.VetoInput{}}
		score := func(pt *engine.Point) {
			for _, r := range pt.Rules {
				switch r.Kind {
				case engine.RuleChecklist:
					var checked []string
					for _, it := range r.Items[1:] {
						checked = append(checked, it.ID)
					}
					in.Points[pt.Code] = engine.PointInput{Checked: checked}
				case engine.RuleManual:
					s := r.Points / 2
					in.Points[pt.Code] = engine.PointInput{Score: &s, Justification: "部分工作记录不完整 <待补> & “引号”"}
				}
			}
		}
		for ai := range fw.Areas {
			for pi := range fw.Areas[ai].Points {
				score(&fw.Areas[ai].Points[pi])
			}
		}
		if fw.Bonus != nil {
			for i := range fw.Bonus.Items {
				score(&fw.Bonus.Items[i])
			}
		}
		for _, v := range fw.Vetoes {
			if v.Manual {
				in.Vetoes[v.Code] = engine.VetoInput{Triggered: ui%4 == 0, Justification: "经核实 <确有> 此事"}
			}
		}
		out[u.Code] = in
	}
	return out
}

// hostile is a result with every field set, and strings and numbers that test the
// escaping and number formats: HTML characters, quotes, control characters, U+2028,
// invalid UTF-8, tiny, huge and negative numbers.
func hostile() *engine.Result {
	odd := "甲<b>&\"\\\n\t\x01\x7f\u2028\u2029\xff，\xed\xa0\x80\xe0\x80\x80\xe4\xb8乙\xe4"
	pt := engine.PointResult{Code: "1" + odd, Title: odd, Max: 1e21, Score: 1e-7, Lost: -0.000001, Status: engine.StatusScored,
		Passed: true, Reasons: []string{odd, "第二条"}, Metrics: []string{"m" + odd},
		// Not in the JSON (json:"-"): set, so that writing it would show.
		Details: []engine.RuleDetail{{Rule: 1, Status: odd, Lost: 1, Value: 2, Missing: []string{odd}, Justification: odd,
			Why: odd, Cases: []engine.Case{{Name: odd, Value: 3, Unit: odd}}, More: 4}}}
	return &engine.Result{
		Unit:      engine.Unit{Code: "990102", Name: odd, ParentCode: "990100", ParentName: odd},
		Period:    2024,
		Framework: odd, Version: odd,
		Metrics: []engine.MetricValue{
			{ID: "a" + odd, Name: odd, Unit: odd, Value: 0.1 + 0.2, OK: true, Why: odd},
			{ID: "nan", Name: "n", Value: math.NaN(), OK: true},
			{ID: "inf", Name: "n", Value: math.Inf(-1), OK: true},
			{ID: "no", Name: "n", Value: 3, OK: false, Why: "缺少数据：<x>"},
		},
		Areas: []engine.AreaResult{{Code: "A", Name: odd, Max: 123456789.125, Score: -5, Points: []engine.PointResult{pt, {}},
			Groups: []engine.GroupResult{{Code: "A1", Name: odd, Max: 1, Score: 2, Groups: []engine.GroupResult{{Code: "A1.1", Points: []string{"1"}}}, Points: []string{odd}}}},
			{Points: []engine.PointResult{}, Groups: []engine.GroupResult{}}},
		Bonus:      []engine.PointResult{pt},
		Vetoes:     []engine.VetoResult{{Code: "V1", Title: odd, Effect: "cap", Triggered: true, Pending: true, Reason: odd}, {}},
		Score:      1e-6,
		BonusTotal: 5e-324,
		Total:      math.MaxFloat64,
		Max:        100,
		Grade:      odd, Verdict: odd, Passed: true, Failing: []string{odd},
		Pending: 1, Uncomputable: 2, Rank: 3, Tie: true,
	}
}

func TestAppendJSONHostileStrings(t *testing.T) {
	checkAppendJSON(t, hostile())
	checkAppendRanked(t, hostile())
	checkAppendJSON(t, &engine.Result{}) // nil slices are null, empty strings omitted
	checkAppendJSON(t, &engine.Result{Metrics: []engine.MetricValue{}, Areas: []engine.AreaResult{{}}, Bonus: []engine.PointResult{}})
}

// TestAppendJSONRefusesNaN: a NaN where JSON needs a number is an error, as in
// encoding/json, not a silently wrong file.
func TestAppendJSONRefusesNaN(t *testing.T) {
	r := &engine.Result{Score: math.NaN()}
	if _, err := json.Marshal(r); err == nil {
		t.Fatal("encoding/json accepted NaN")
	}
	if _, err := r.AppendJSON(nil, engine.JSONStyle{}); err == nil {
		t.Fatal("AppendJSON accepted NaN")
	}
}

// TestHostileSetsEveryField: every exported field of a result, down to its points,
// groups, vetoes and metrics, is set somewhere in hostile(). A field added to these
// types fails here until hostile() sets it, and then TestAppendJSONHostileStrings
// fails until AppendJSON writes it.
func TestHostileSetsEveryField(t *testing.T) {
	set := map[string]bool{}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), path)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				p := path + "." + f.Name
				set[p] = set[p] || !v.Field(i).IsZero()
				walk(v.Field(i), v.Type().Field(i).Type.String())
			}
		}
	}
	walk(reflect.ValueOf(hostile()), "Result")
	for p, ok := range set {
		if !ok {
			t.Errorf("hostile() leaves %s unset", p)
		}
	}
	if len(set) < 50 {
		t.Fatalf("only %d fields walked", len(set))
	}
}

// BenchmarkResultJSON: one county's result of yzjh-2017, by hand and by
// encoding/json (indented as in evaluate's output).
func BenchmarkResultJSON(b *testing.B) {
	ds := benchData(b, 60, 12000, 0)
	p := builtin(b, "yzjh-2017")
	res, err := p.Evaluate(ds, engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("append", func(b *testing.B) {
		var buf []byte
		for i := 0; b.Loop(); i++ {
			buf, _ = res[i%len(res)].AppendJSON(buf[:0], engine.JSONStyle{Indent: "  ", Depth: 2})
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("    ", "  ")
		for i := 0; b.Loop(); i++ {
			buf.Reset()
			if err := enc.Encode(res[i%len(res)]); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
}

// FuzzResultJSON: any text in a result's strings, and any number, is written as
// encoding/json writes it (metric strings with HTML escapes, others without).
func FuzzResultJSON(f *testing.F) {
	for _, s := range []string{"", "乌乐区", "<&>", "\u2028\xff\xed\xa0\x80", "，\x00\x1f\x7f\"\\"} {
		f.Add(s, 0.1)
	}
	f.Add("x", 1e-7)
	f.Add("x", 1e21)
	f.Fuzz(func(t *testing.T, s string, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = 0
		}
		r := &engine.Result{Unit: engine.Unit{Code: s, Name: s}, Framework: s, Score: v,
			Metrics: []engine.MetricValue{{ID: s, Name: s, Unit: s, Value: v, OK: true}, {ID: s, Why: s}},
			Failing: []string{s}}
		checkAppendJSON(t, r)
	})
}
