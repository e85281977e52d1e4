package engine_test

import (
	"slices"
	"testing"

	"ziping/engine"
)

// metricsFramework compiles a one-point framework around the given metrics; the
// point reads the last of them.
func metricsFramework(t *testing.T, metrics, last string) *engine.Program {
	t.Helper()
	return compile(t, `
id: t
name: 测试
version: "1"
level: county
grading: {kind: verdict, pass: 达标, fail: 未达标}
metrics:
`+metrics+`
areas:
  - code: A
    name: 甲
    points:
      - code: A1
        title: 增长
        rules: [{kind: threshold, metric: `+last+`, op: ">=", value: 0}]
`)
}

// TestSchoolPeriods: a framework without year-over-year metrics needs its own year's
// schools only, and so does one whose prev() and growth() read facts only
// (lxzz-county's 两个只增不减); growth() of a sum over schools needs the year
// before's schools, and prev() of such a growth every earlier year's.
func TestSchoolPeriods(t *testing.T) {
	progs := map[string]*engine.Program{
		"yzjh-2017":   builtin(t, "yzjh-2017"),
		"lxzz-county": builtin(t, "lxzz-county"),
		"facts growth": metricsFramework(t, `
  - {id: budget, name: 教育支出, expr: edu_budget}
  - {id: budget_growth, name: 增长, expr: 'growth("budget")'}`, "budget_growth"),
		"school growth": metricsFramework(t, `
  - {id: students, name: 学生, expr: 'sum("students")'}
  - {id: growth, name: 增长, expr: 'growth("students")'}`, "growth"),
		"nested": metricsFramework(t, `
  - {id: students, name: 学生, expr: 'sum("students")'}
  - {id: growth, name: 增长, expr: 'growth("students")'}
  - {id: growth2, name: 增长的变化, expr: 'metric("growth") - prev("growth")'}`, "growth2"),
	}
	for _, tc := range []struct {
		name    string
		periods []int
		period  int
		want    []int
	}{
		{"yzjh-2017", []int{2023, 2024}, 0, []int{2024}},
		{"yzjh-2017", []int{2022, 2023, 2024}, 2023, []int{2023}},
		{"yzjh-2017", nil, 0, nil},
		{"lxzz-county", []int{2022, 2023, 2024}, 0, []int{2024}},
		{"facts growth", []int{2023, 2024}, 0, []int{2024}},
		{"school growth", []int{2022, 2023, 2024}, 0, []int{2023, 2024}},
		{"school growth", []int{2024}, 0, []int{2024}},
		{"nested", []int{2021, 2022, 2023, 2024, 2025}, 2024, []int{2021, 2022, 2023, 2024}},
	} {
		if got := progs[tc.name].SchoolPeriods(tc.period, tc.periods); !slices.Equal(got, tc.want) {
			t.Errorf("%s %v %d: %v, want %v", tc.name, tc.periods, tc.period, got, tc.want)
		}
	}
}
