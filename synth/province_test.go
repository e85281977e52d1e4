package synth

import (
	"math"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string // part of the error; empty for none
	}{
		{"defaults", Config{}, ""},
		{"nation", Config{Counties: 2844, Schools: 500000, ProvinceCode: "11"}, ""},
		{"negative counties", Config{Counties: -1}, "counties"},
		{"too many counties", Config{Counties: maxCounties + 1}, "counties"},
		{"too many schools", Config{Counties: 2, Schools: 20000}, "schools"},
		{"short province code", Config{ProvinceCode: "9"}, "province code"},
		{"letters", Config{ProvinceCode: "ab"}, "province code"},
		{"leading zero", Config{ProvinceCode: "05"}, "province code"},
		{"repeated year", Config{Periods: []int{2024, 2023, 2024}}, "repeated year"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error about %q", err, tt.want)
			}
		})
	}
}

func TestGeneratePanicsOnInvalid(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("Generate accepted a bad province code")
		}
	}()
	Generate(Config{ProvinceCode: "x"})
}

func TestGenerateSmall(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{Counties: 1, Schools: 3},
		{Counties: 10, Schools: 4},
		{Counties: 3, Periods: []int{2025}},
		{Counties: 1, Schools: 9999, Periods: []int{2024}},
	} {
		s, c := Generate(cfg)
		d := cfg.withDefaults()
		if len(c.Rows) != d.Counties*len(d.Periods) {
			t.Errorf("%+v: %d county rows", cfg, len(c.Rows))
		}
		if len(s.Rows) < d.Schools*len(d.Periods) {
			t.Errorf("%+v: %d school rows", cfg, len(s.Rows))
		}
	}
}

// TestGenerateMix checks the school mix of a larger province against the shares the
// generator aims at.
func TestGenerateMix(t *testing.T) {
	t.Parallel()
	s, _ := Generate(Config{Counties: 100, Schools: 20000, Seed: 3, Periods: []int{2024}})
	c := colsOf(t, s)
	code, stage, typ, owner := c.get(t, "学校代码"), c.get(t, "学段"), c.get(t, "学校类别"), c.get(t, "办学类型")
	byType := map[string]int{}
	private, combinedNine := 0, 0
	seen := map[string]bool{}
	for _, r := range s.Rows {
		if seen[r[code].(string)] {
			continue // the second row of a split nine-year school
		}
		seen[r[code].(string)] = true
		byType[r[typ].(string)]++
		if r[owner] == "民办" {
			private++
		}
		if r[stage] == "九年一贯制" {
			combinedNine++
		}
	}
	share := func(n int) float64 { return float64(n) / float64(len(seen)) }
	checks := []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"primary with teaching points", share(byType["小学"] + byType["教学点"]), 0.52, 0.58},
		{"teaching points among primary", float64(byType["教学点"]) / float64(byType["小学"]+byType["教学点"]), 0.03, 0.07},
		{"junior", share(byType["初中"]), 0.18, 0.22},
		{"nine-year", share(byType["九年一贯制学校"]), 0.09, 0.11},
		{"combined nine-year among nine-year", float64(combinedNine) / float64(byType["九年一贯制学校"]), 0.4, 0.6},
		{"twelve-year", share(byType["十二年一贯制学校"]), 0.015, 0.025},
		{"complete", share(byType["完全中学"]), 0.03, 0.05},
		{"senior", share(byType["高级中学"]), 0.04, 0.06},
		{"special", share(byType["特殊教育学校"]), 0.015, 0.025},
		{"vocational", share(byType["职业学校"]), 0.015, 0.025},
		{"private", share(private), 0.06, 0.10},
	}
	for _, ck := range checks {
		if ck.got < ck.lo || ck.got > ck.hi {
			t.Errorf("%s: %.3f, want %.3f..%.3f", ck.what, ck.got, ck.lo, ck.hi)
		}
	}
}

// TestGenerateFacts checks the county facts are consistent and that a few counties
// fail the checks the evaluation makes, or lack data.
func TestGenerateFacts(t *testing.T) {
	t.Parallel()
	_, cty := demo()
	c := colsOf(t, cty)
	year, code := c.get(t, "年度"), c.get(t, "区县代码")
	budget, teacher, civil := c.get(t, "一般公共预算教育支出(万元)"), c.get(t, "教师年平均工资收入(元)"), c.get(t, "公务员年平均工资收入(元)")
	budget2023 := map[string]float64{}
	falls, lowPay, missing := 0, 0, 0
	for _, r := range cty.Rows {
		for j := len(countyTextHeader); j < len(r); j++ {
			if _, ok := num(t, r[j]); !ok {
				if r[year].(int) != 2024 {
					t.Errorf("county %s lacks %s in %v", r[code], cty.Header[j], r[year])
				}
				missing++
			}
		}
		checkCountyRow(t, c, r)
		b, ok := num(t, r[budget])
		if r[year].(int) == 2023 {
			budget2023[r[code].(string)] = b
		} else if ok && b < budget2023[r[code].(string)] {
			falls++
		}
		tp, ok1 := num(t, r[teacher])
		cp, ok2 := num(t, r[civil])
		if ok1 && ok2 && tp < cp {
			lowPay++
		}
	}
	if falls == 0 || falls > 10 || lowPay == 0 || missing == 0 || missing > 4 {
		t.Errorf("budget falls in %d counties, teachers paid less in %d rows, %d facts missing; want a few of each",
			falls, lowPay, missing)
	}
}

func checkCountyRow(t *testing.T, c cols, r []any) {
	t.Helper()
	// A missing fact reads as NaN, which fails every comparison below.
	get := func(name string) float64 {
		if v, ok := num(t, r[c.get(t, name)]); ok {
			return v
		}
		return math.NaN()
	}
	if kg := get("在园幼儿数"); get("公办园在园幼儿数")+get("普惠性民办园在园幼儿数") > kg {
		t.Errorf("county %s: more 公办 and 普惠 children than %v", r[c.get(t, "区县代码")], kg)
	}
	if get("初中毕业生数") > get("三年前初一招生数")+get("初中转入学生数")-get("初中转出学生数") {
		t.Errorf("county %s: retention above 100%%", r[c.get(t, "区县代码")])
	}
	if get("交流轮岗骨干教师数") > get("交流轮岗教师数") || get("交流轮岗教师数") > get("符合交流条件教师数") {
		t.Errorf("county %s: exchanged teachers inconsistent", r[c.get(t, "区县代码")])
	}
	for _, name := range []string{"残疾儿童少年入学率", "社会认可度", "教师培训完成率", "随迁子女公办学校就读比例", "优质高中招生名额分配比例"} {
		if v := get(name); v < 0 || v > 100 {
			t.Errorf("county %s: %s = %v", r[c.get(t, "区县代码")], name, v)
		}
	}
}

// TestGenerateSkew checks some counties have far more schools than average, some
// far fewer.
func TestGenerateSkew(t *testing.T) {
	t.Parallel()
	counties := layout(Config{Counties: 200, Schools: 20000, ProvinceCode: "99"}, countyRNG(5, -1))
	lo, hi := 0, 0
	for _, c := range counties {
		switch {
		case c.schools >= 200:
			hi++
		case c.schools <= 50:
			lo++
		}
	}
	if lo == 0 || hi == 0 {
		t.Errorf("%d counties with at most half the average schools, %d with twice; want some of both", lo, hi)
	}
}
