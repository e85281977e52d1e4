package engine_test

import (
	"math"
	"strings"
	"testing"

	"ziping/engine"
)

const county = "990101"

var oneCounty = []engine.Unit{{Code: county, Name: "青山县"}}

// metricFW is a small framework whose metrics exercise every domain function.
const metricFW = `
id: t
name: 测试
version: "1"
level: county
grading: {kind: grade, bands: [{name: 合格, min: 60}, {name: 不合格, min: 0}]}
filters:
  - {id: primary, expr: 'stage == "小学"'}
  - {id: big, expr: 'students > 1000'}
school_metrics:
  - {id: eq, name: 生均设备值, unit: 元, expr: equipment_value / students}
metrics:
  - {id: n, name: 学校数, expr: 'count("primary")'}
  - {id: n_big, name: 大学校数, expr: 'count("primary", "big")'}
  - {id: n_small, name: 小学校数, expr: 'count("primary", "!big")'}
  - {id: stu, name: 学生数, expr: 'sum("students", "primary")'}
  - {id: eq_ps, name: 生均设备值, expr: 'per_student("equipment_value", "primary")'}
  - {id: teachers100, name: 每百生教师, expr: 'per100("teachers", "primary")'}
  - {id: eq_mean, name: 加权平均, expr: 'wmean("eq", "primary")'}
  - {id: eq_cv, name: 差异系数, expr: 'cv("eq", "primary")'}
  - {id: budget_prev, name: 上年支出, expr: 'prev("edu_budget")'}
  - {id: budget_growth, name: 支出增长, expr: 'growth("edu_budget")'}
  - {id: ratio, name: 引用指标, expr: 'metric("eq_ps") / 1000'}
  - {id: cv_prev, name: 上年差异系数, expr: 'prev("eq_cv")'}
areas:
  - code: A
    name: 甲
    points:
      - {code: "1", title: 点, max: 1, rules: [{kind: threshold, metric: eq_cv, op: "<=", value: 0.5}]}
`

// cvSchools: three primary schools with P = 100, 300, 600 students and equipment
// value per student X = 1000, 2000, 3000 元.
func cvSchools() []school {
	mk := func(code string, p, x float64) school {
		return school{unit: county, code: code, name: code, stage: engine.StagePrimary, typ: engine.TypePrimary, public: true,
			vals: map[string]float64{"students": p, "equipment_value": p * x, "teachers": p / 20}}
	}
	return []school{mk("S1", 100, 1000), mk("S2", 300, 2000), mk("S3", 600, 3000)}
}

func evalOne(t *testing.T, p *engine.Program, ds *engine.Dataset) *engine.Result {
	t.Helper()
	res, err := p.Evaluate(ds, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

func metricOf(t *testing.T, r *engine.Result, id string) engine.MetricValue {
	t.Helper()
	m, ok := r.Metric(id)
	if !ok {
		t.Fatalf("no metric %s", id)
	}
	return m
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }

func TestWeightedCV(t *testing.T) {
	// Weights P_i/P = 0.1, 0.3, 0.6 (P = 1000).
	// X̄ = 0.1·1000 + 0.3·2000 + 0.6·3000 = 100 + 600 + 1800 = 2500.
	// Σ w(X−X̄)² = 0.1·1500² + 0.3·500² + 0.6·500² = 225000 + 75000 + 150000 = 450000.
	// S = √450000 = 670.8203932…; CV = S / X̄ = 0.2683281573…
	// Not the unweighted population CV (mean 2000, S = 816.4966, CV 0.4082483),
	// nor the sample CV with n−1 (S = 1000, CV 0.5).
	p := compile(t, metricFW)
	r := evalOne(t, p, build(t, 2024, oneCounty, cvSchools(), nil))
	cv := metricOf(t, r, "eq_cv")
	want := math.Sqrt(450000) / 2500
	if !cv.OK || !near(cv.Value, want) {
		t.Fatalf("cv = %v (%s), want %v", cv.Value, cv.Why, want)
	}
	for name, wrong := range map[string]float64{"unweighted": math.Sqrt(2e6/3) / 2000, "sample n-1": 0.5} {
		if near(cv.Value, wrong) {
			t.Errorf("cv equals the %s CV %v", name, wrong)
		}
	}
	if m := metricOf(t, r, "eq_mean"); !near(m.Value, 2500) {
		t.Errorf("weighted mean = %v, want 2500", m.Value)
	}
	// per_student = Σ equipment / Σ students = (100000+600000+1800000)/1000 = 2500,
	// the same as the weighted mean, as DOMAIN §2.1 says it must be.
	if m := metricOf(t, r, "eq_ps"); !near(m.Value, 2500) {
		t.Errorf("per_student = %v, want 2500", m.Value)
	}
	// per100 teachers: Σ teachers = 5+15+30 = 50 over 1000 students → 5 per 100.
	if m := metricOf(t, r, "teachers100"); !near(m.Value, 5) {
		t.Errorf("per100 = %v, want 5", m.Value)
	}
	// metric(): 2500 / 1000.
	if m := metricOf(t, r, "ratio"); !near(m.Value, 2.5) {
		t.Errorf("metric() = %v, want 2.5", m.Value)
	}
}

func TestCountSumFilters(t *testing.T) {
	rows := cvSchools()
	rows[2].vals["students"] = 1200 // S3 becomes big
	rows = append(rows, school{unit: county, code: "J1", name: "J1", stage: engine.StageJunior, typ: engine.TypeJunior, public: true,
		vals: map[string]float64{"students": 5000, "equipment_value": 1, "teachers": 1}})
	p := compile(t, metricFW)
	r := evalOne(t, p, build(t, 2024, oneCounty, rows, nil))
	for id, want := range map[string]float64{"n": 3, "n_big": 1, "n_small": 2, "stu": 100 + 300 + 1200} {
		if m := metricOf(t, r, id); m.Value != want {
			t.Errorf("%s = %v, want %v", id, m.Value, want)
		}
	}
}

func TestEdgeCases(t *testing.T) {
	p := compile(t, metricFW)
	t.Run("one school has no variation", func(t *testing.T) {
		r := evalOne(t, p, build(t, 2024, oneCounty, cvSchools()[:1], nil))
		if m := metricOf(t, r, "eq_cv"); !m.OK || m.Value != 0 {
			t.Errorf("cv of one school = %v %q, want 0", m.Value, m.Why)
		}
	})
	t.Run("stage with no schools", func(t *testing.T) {
		junior := []school{{unit: county, code: "J", name: "J", stage: engine.StageJunior, typ: engine.TypeJunior, public: true,
			vals: map[string]float64{"students": 10, "equipment_value": 1, "teachers": 1}}}
		r := evalOne(t, p, build(t, 2024, oneCounty, junior, nil))
		for _, id := range []string{"eq_ps", "eq_cv", "eq_mean"} {
			m := metricOf(t, r, id)
			if m.OK || !strings.Contains(m.Why, "没有符合条件") {
				t.Errorf("%s = %v ok=%v why=%q, want 无法计算 for no schools", id, m.Value, m.OK, m.Why)
			}
		}
		if m := metricOf(t, r, "n"); !m.OK || m.Value != 0 {
			t.Errorf("count of no schools = %v, want 0", m.Value)
		}
		pt := r.Point("1")
		if pt.Status != engine.StatusUncomputable || !strings.Contains(pt.Reasons[0], "无法计算") {
			t.Errorf("point on an uncomputable metric: %+v", pt)
		}
	})
	t.Run("zero students", func(t *testing.T) {
		rows := cvSchools()
		for i := range rows {
			rows[i].vals["students"] = 0
		}
		r := evalOne(t, p, build(t, 2024, oneCounty, rows, nil))
		if m := metricOf(t, r, "eq_ps"); m.OK || m.Why != "符合条件的学校在校生数为0" {
			t.Errorf("per_student with zero students: %+v", m)
		}
		if m := metricOf(t, r, "eq_cv"); m.OK || !strings.Contains(m.Why, "有在校生") {
			t.Errorf("cv with zero students: %+v", m)
		}
	})
	t.Run("a school without students carries no weight", func(t *testing.T) {
		rows := append(cvSchools(), school{unit: county, code: "S0", name: "S0", stage: engine.StagePrimary,
			typ: engine.TypePrimary, public: true, vals: map[string]float64{"students": 0, "equipment_value": 0, "teachers": 0}})
		r := evalOne(t, p, build(t, 2024, oneCounty, rows, nil))
		if m := metricOf(t, r, "eq_cv"); !near(m.Value, math.Sqrt(450000)/2500) {
			t.Errorf("cv with an empty school = %v", m.Value)
		}
	})
	t.Run("missing previous period", func(t *testing.T) {
		ds := build(t, 2024, oneCounty, cvSchools(), map[string]map[string]float64{county: {"edu_budget": 100}})
		r := evalOne(t, p, ds)
		for _, id := range []string{"budget_prev", "budget_growth", "cv_prev"} {
			m := metricOf(t, r, id)
			if m.OK || !strings.Contains(m.Why, "缺少2023年度数据") || m.Text() == "0" {
				t.Errorf("%s without 2023: %+v", id, m)
			}
		}
	})
}

func TestPreviousPeriod(t *testing.T) {
	// 2023: X = 1000, 1000, 1000 → CV 0; budget 80. 2024: the cvSchools CV; budget 100.
	p := compile(t, metricFW)
	ds := build(t, 2024, oneCounty, cvSchools(), map[string]map[string]float64{county: {"edu_budget": 100}})
	flat := cvSchools()
	for i := range flat {
		flat[i].vals["equipment_value"] = flat[i].vals["students"] * 1000
	}
	addPeriod(t, ds, 2023, flat, map[string]map[string]float64{county: {"edu_budget": 80}})
	r := evalOne(t, p, ds)
	// growth = (100 − 80) / 80 × 100 = 25 (%).
	for id, want := range map[string]float64{"budget_prev": 80, "budget_growth": 25, "cv_prev": 0} {
		if m := metricOf(t, r, id); !m.OK || !near(m.Value, want) {
			t.Errorf("%s = %v (%s), want %v", id, m.Value, m.Why, want)
		}
	}
	if r.Period != 2024 {
		t.Errorf("evaluated %d, want the latest period 2024", r.Period)
	}
}

func TestMissingFact(t *testing.T) {
	fw := strings.Replace(metricFW, "  - {id: ratio,", "  - {id: salary, name: 工资比, expr: 'teacher_salary / civil_servant_salary * 100'}\n  - {id: ratio,", 1)
	p := compile(t, fw)
	ds := build(t, 2024, oneCounty, cvSchools(), map[string]map[string]float64{county: {"teacher_salary": 90000}})
	m := metricOf(t, evalOne(t, p, ds), "salary")
	if m.OK || m.Why != "缺少数据：公务员年平均工资收入" {
		t.Errorf("missing fact: %+v", m)
	}
}

func TestMinMaxPropagateMissingData(t *testing.T) {
	// expr's own min(100, NaN) is 100: a missing retention figure would score full.
	fw := strings.Replace(metricFW, "  - {id: ratio,", "  - {id: capped, name: 封顶, expr: 'min(100, junior_graduates / junior_intake_3y * 100)'}\n  - {id: ratio,", 1)
	p := compile(t, fw)
	r := evalOne(t, p, build(t, 2024, oneCounty, cvSchools(), facts(map[string]float64{"junior_graduates": 900})))
	if m := metricOf(t, r, "capped"); m.OK || m.Why != "缺少数据：三年前初一招生数" {
		t.Errorf("min over missing data: %+v", m)
	}
	r = evalOne(t, p, build(t, 2024, oneCounty, cvSchools(), facts(map[string]float64{"junior_graduates": 990, "junior_intake_3y": 900})))
	if m := metricOf(t, r, "capped"); !m.OK || m.Value != 100 {
		t.Errorf("min(100, 110) = %+v, want 100", m)
	}
}
