package engine_test

import (
	"encoding/json"
	"testing"

	"ziping/engine"
)

func TestSmoke(t *testing.T) {
	units := []engine.Unit{{Code: "990101", Name: "青山县"}}
	rows := []school{
		pschool("990101", "A", 500, [7]float64{5, 1.2, 1, 5, 8, 2500, 3}),
		pschool("990101", "B", 1500, [7]float64{4, 0.8, 1, 4, 7, 1800, 2}),
		pschool("990101", "C", 2100, [7]float64{3, 0.5, 0.5, 3, 5, 1000, 1}),
	}
	ds := build(t, 2024, units, rows, map[string]map[string]float64{"990101": {"satisfaction": 90, "teacher_salary": 100000, "civil_servant_salary": 98000}})
	p := builtin(t, "yzjh-2017")
	res, err := p.Evaluate(ds, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(res[0], "", " ")
	t.Log(string(b))
}
