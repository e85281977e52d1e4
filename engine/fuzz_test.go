package engine_test

import (
	"strings"
	"testing"

	"ziping/engine"
)

// FuzzLoad feeds arbitrary bytes to the framework loader: it must answer with a
// program or a FrameworkError, never panic.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(goodFW))
	f.Add([]byte(rulesFW))
	f.Add([]byte(metricFW))
	f.Add([]byte(treeFW))
	f.Add([]byte(strings.ReplaceAll(strings.Replace(vetoFW, "%s", "once", 1), "%%", "%")))
	f.Add([]byte("id: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := engine.Load("f.yaml", data)
		if err == nil && p == nil {
			t.Fatal("nil program without error")
		}
		if err != nil {
			if _, ok := err.(*engine.FrameworkError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
	})
}

// fuzzDataset is a small county with two stages, for evaluating fuzzed expressions.
func fuzzDataset(t testing.TB) *engine.Dataset {
	rows := cvSchools()
	j := pschool(county, "J", 800, primaryStd)
	j.stage, j.typ = engine.StageJunior, engine.TypeNineYear
	rows = append(rows, j, pschool(county, "Z", 0, primaryStd))
	return build(t, 2024, oneCounty, rows, facts(baseFacts))
}

// FuzzSchoolExpr compiles arbitrary school-level expressions and evaluates those that
// compile: the column compiler must reject or evaluate, never panic.
func FuzzSchoolExpr(f *testing.F) {
	for _, s := range []string{`students > 2000`, `stage == "小学" ? a : b`, `school_type not in ["教学点"] and public`,
		`min(students, 3) / max(teachers, 1, 2)`, `-abs(students - 1) >= 0 or !public`, `"x"`, `stage`, `students(1)`} {
		f.Add(s)
	}
	ds := fuzzDataset(f)
	f.Fuzz(func(t *testing.T, expr string) {
		if strings.ContainsAny(expr, "\n'") {
			return
		}
		src := strings.Replace(metricFW, `expr: equipment_value / students}`, `expr: '`+expr+`'}`, 1)
		p, err := engine.Load("f.yaml", []byte(src))
		if err != nil {
			return
		}
		if _, err := p.Evaluate(ds, engine.Options{}); err != nil {
			t.Fatalf("evaluate %q: %v", expr, err)
		}
	})
}

// FuzzMetricExpr does the same for unit metrics on expr's VM with the domain
// functions.
func FuzzMetricExpr(f *testing.F) {
	for _, s := range []string{`cv("eq", "primary")`, `count("primary", "!big") / sum("students")`, `prev("edu_budget") + growth("eq_cv")`,
		`metric("n") > 2 ? 1 : 0`, `satisfaction ?? 1`, `let x = 1; x`, `[1,2][5]`, `1/0`, `cv()`, `sum(1)`, `"a" + 1`} {
		f.Add(s)
	}
	ds := fuzzDataset(f)
	f.Fuzz(func(t *testing.T, expr string) {
		if strings.ContainsAny(expr, "\n'") {
			return
		}
		src := strings.Replace(metricFW, `expr: 'metric("eq_ps") / 1000'}`, `expr: '`+expr+`'}`, 1)
		p, err := engine.Load("f.yaml", []byte(src))
		if err != nil {
			return
		}
		res, err := p.Evaluate(ds, engine.Options{})
		if err != nil {
			t.Fatalf("evaluate %q: %v", expr, err)
		}
		if m, _ := res[0].Metric("ratio"); !m.OK && m.Why == "" {
			t.Fatalf("%q: uncomputable without a reason", expr)
		}
	})
}
