package engine_test

import (
	"testing"

	"ziping/engine"
)

// Primary standards (教督〔2017〕6号): 4.2, 1, 0.9, 4.5 ㎡, 7.5 ㎡, 2000 元, 2.3.
var primaryStd = [7]float64{4.2, 1, 0.9, 4.5, 7.5, 2000, 2.3}

func TestSixOfSevenRule(t *testing.T) {
	at := primaryStd
	at85 := primaryStd
	at85[5] = 0.85 * 2000 // 1700 元: exactly 85% of the standard
	below85 := primaryStd
	below85[5] = 1699.9 // 6 met, the 7th just under 85%
	five := primaryStd
	five[3], five[4] = 4.0, 7.0 // 2 not met, both above 85% (88.9%, 93.3%): only 5 of 7
	rows := []school{
		pschool(county, "A", 600, at),      // every indicator exactly at its standard: passes
		pschool(county, "B", 600, at85),    // 6 met, 7th at 85%: passes
		pschool(county, "C", 600, below85), // 6 met, 7th at 84.995%: fails
		pschool(county, "D", 600, five),    // 5 met: fails
	}
	// A junior school at the primary standards fails the junior ones (5.3, 1, 0.9, 5.8,
	// 10.2, 2500, 2.4): 4.2 < 0.85×5.3 = 4.505.
	j := pschool(county, "E", 600, primaryStd)
	j.stage, j.typ, j.name = engine.StageJunior, engine.TypeJunior, "E中学"
	// A school without students is not checked.
	z := pschool(county, "F", 0, primaryStd)
	rows = append(rows, j, z)
	r := evalOne(t, builtin(t, "yzjh-2017"), build(t, 2024, oneCounty, rows, nil))
	if m := metricOf(t, r, "primary.resource_fail"); m.Value != 2 {
		t.Errorf("failing primary schools = %v, want 2 (C, D)", m.Value)
	}
	if m := metricOf(t, r, "junior.resource_fail"); m.Value != 1 {
		t.Errorf("failing junior schools = %v, want 1 (E)", m.Value)
	}
	want := "资源配置未达标的小学2所（C小学、D小学）"
	if p := r.Point("A1"); p.Passed || len(p.Reasons) != 1 || p.Reasons[0] != want {
		t.Errorf("A1: %+v, want reason %q", p, want)
	}
	if r.Verdict != "未达标" || r.Passed {
		t.Errorf("verdict %q passed=%v", r.Verdict, r.Passed)
	}
}

func TestSchoolSizeCaps(t *testing.T) {
	mk := func(code string, typ engine.SchoolType, st engine.Stage, students float64) school {
		s := pschool(county, code, students, primaryStd)
		s.typ, s.stage, s.name = typ, st, code
		return s
	}
	rows := []school{
		mk("P2000", engine.TypePrimary, engine.StagePrimary, 2000), // at the cap: fine
		mk("P2001", engine.TypePrimary, engine.StagePrimary, 2001), // over 2000
		// A nine-year school split into two rows: 1400 + 1000 = 2400 ≤ 2500, fine.
		mk("N1", engine.TypeNineYear, engine.StagePrimary, 1400),
		mk("N1", engine.TypeNineYear, engine.StageJunior, 1000),
		// Another: 1500 + 1100 = 2600 > 2500, one school over the cap, counted once.
		mk("N2", engine.TypeNineYear, engine.StagePrimary, 1500),
		mk("N2", engine.TypeNineYear, engine.StageJunior, 1100),
		// Special-education schools are outside the compulsory count.
		mk("SP", engine.TypeSpecial, engine.StagePrimary, 3000),
	}
	r := evalOne(t, builtin(t, "yzjh-2017"), build(t, 2024, oneCounty, rows, nil))
	if m := metricOf(t, r, "oversize_schools"); m.Value != 2 {
		t.Errorf("oversize schools = %v, want 2 (P2001, N2)", m.Value)
	}
	if got, want := r.Point("B4").Reasons, "超规模办学的学校2所（P2001、N2）"; len(got) != 1 || got[0] != want {
		t.Errorf("B4 reasons %q, want %q", got, want)
	}
}

func TestCVLimitsPerIndicator(t *testing.T) {
	// Two primary schools of 500 students; only equipment value differs: 1000 and
	// 3000 元. Weights ½, ½; X̄ = 2000; S = 1000; CV = 0.5 — exactly at the limit,
	// which passes (≤ 0.50). At 900/3100: S = 1100, CV = 0.55 > 0.50, fails, and
	// only that indicator is named (no averaging across the seven).
	for _, tc := range []struct {
		lo, hi float64
		pass   bool
	}{{1000, 3000, true}, {900, 3100, false}} {
		a, b := primaryStd, primaryStd
		a[5], b[5] = tc.lo, tc.hi
		rows := []school{pschool(county, "A", 500, a), pschool(county, "B", 500, b)}
		r := evalOne(t, builtin(t, "yzjh-2017"), build(t, 2024, oneCounty, rows, nil))
		p := r.Point("A3")
		if p.Passed != tc.pass {
			t.Errorf("%v/%v: A3 passed=%v reasons=%v", tc.lo, tc.hi, p.Passed, p.Reasons)
		}
		if !tc.pass {
			want := "小学生均教学仪器设备值差异系数为0.550，高于标准值0.500"
			if len(p.Reasons) != 1 || p.Reasons[0] != want {
				t.Errorf("A3 reasons %q, want %q", p.Reasons, want)
			}
		}
	}
}
