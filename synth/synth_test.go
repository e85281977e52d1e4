package synth

import (
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"ziping/engine"
)

// demo is the 30-county, 3,000-school province most tests look at.
var demo = sync.OnceValues(func() (Table, Table) {
	return Generate(Config{Counties: 30, Schools: 3000, Seed: 7})
})

// cols finds the columns of a table by header.
type cols map[string]int

func colsOf(t *testing.T, tab Table) cols {
	t.Helper()
	c := make(cols, len(tab.Header))
	for i, h := range tab.Header {
		if _, dup := c[h]; dup {
			t.Fatalf("duplicate header %q", h)
		}
		c[h] = i
	}
	return c
}

func (c cols) get(t *testing.T, name string) int {
	t.Helper()
	i, ok := c[name]
	if !ok {
		t.Fatalf("no column %q", name)
	}
	return i
}

// num reads a numeric cell; ok is false for an empty one.
func num(t *testing.T, v any) (float64, bool) {
	t.Helper()
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	case string:
		if x == "" {
			return 0, false
		}
	}
	t.Fatalf("cell %#v (%T) is neither a number nor empty", v, v)
	return 0, false
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	cfg := Config{Counties: 12, Schools: 900, Seed: 42}
	s1, c1 := Generate(cfg)
	s2, c2 := Generate(cfg)
	if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(c1, c2) {
		t.Fatal("the same seed gave different tables")
	}
	cfg.Seed++
	s3, _ := Generate(cfg)
	if reflect.DeepEqual(s1.Rows, s3.Rows) {
		t.Fatal("a different seed gave the same schools")
	}
}

func TestGenerateHeaders(t *testing.T) {
	t.Parallel()
	s, c := demo()
	want := append([]string(nil), schoolTextHeader...)
	for _, el := range engine.SchoolElements {
		if !el.Derived && !el.Kindergarten {
			want = append(want, header(el))
		}
	}
	if !reflect.DeepEqual(s.Header, want) {
		t.Errorf("school header\n got %v\nwant %v", s.Header, want)
	}
	for _, h := range []string{"教学仪器设备值(元)", "教学及辅助用房面积(㎡)", "体育运动场馆面积(㎡)"} {
		colsOf(t, s).get(t, h)
	}
	for _, h := range []string{"一般公共预算教育支出(万元)", "教师年平均工资收入(元)", "公务员年平均工资收入(元)", "社会认可度"} {
		colsOf(t, c).get(t, h)
	}
	// A catalogue element the generator does not fill would be an empty column.
	for j, f := range schoolPlan().fields {
		if f == fNone {
			t.Errorf("school column %q is not generated", schoolPlan().header[j])
		}
	}
	for j, f := range countyPlan().fields {
		if f == xNone {
			t.Errorf("county column %q is not generated", countyPlan().header[j])
		}
	}
}

func TestGenerateRowShapes(t *testing.T) {
	t.Parallel()
	s, _ := demo()
	c := colsOf(t, s)
	stuCol, clsCol, tchCol := c.get(t, "在校生数"), c.get(t, "班级数"), c.get(t, "专任教师数")
	stageCols := []int{c.get(t, "小学在校生数"), c.get(t, "初中在校生数"), c.get(t, "高中在校生数")}
	bandCols := []int{c.get(t, "45人及以下班级数"), c.get(t, "46-50人班级数"), c.get(t, "51-55人班级数"), c.get(t, "56-65人班级数"), c.get(t, "66人及以上班级数")}
	subCols := []int{c.get(t, "高于规定学历教师数"), c.get(t, "县级以上骨干教师数"), c.get(t, "体育艺术专任教师数"), c.get(t, "持证专任教师数")}
	for i, r := range s.Rows {
		if len(r) != len(s.Header) {
			t.Fatalf("row %d has %d cells, header %d", i, len(r), len(s.Header))
		}
		classes, _ := num(t, r[clsCol])
		sum := 0.0
		for _, b := range bandCols {
			v, _ := num(t, r[b])
			sum += v
		}
		if sum != classes {
			t.Errorf("row %d: bands add up to %v, 班级数 %v", i, sum, classes)
		}
		teachers, _ := num(t, r[tchCol])
		for _, sc := range subCols {
			if v, _ := num(t, r[sc]); v > teachers || v < 0 {
				t.Errorf("row %d: %s = %v, 专任教师数 %v", i, s.Header[sc], v, teachers)
			}
		}
		checkStageStudents(t, i, r, c, stuCol, stageCols)
	}
}

// checkStageStudents checks the per-stage students are filled exactly on combined
// rows, and add up to 在校生数 there.
func checkStageStudents(t *testing.T, i int, r []any, c cols, stuCol int, stageCols []int) {
	t.Helper()
	stage := r[c.get(t, "学段")].(string)
	combined := stage == "九年一贯制" || stage == "十二年一贯制" || stage == "完全中学"
	total, _ := num(t, r[stuCol])
	sum := 0.0
	for _, sc := range stageCols {
		v, ok := num(t, r[sc])
		if ok != combined {
			t.Fatalf("row %d (学段 %s): %v filled = %v", i, stage, r[sc], ok)
		}
		sum += v
	}
	if combined && sum != total {
		t.Errorf("row %d: stages add up to %v, 在校生数 %v", i, sum, total)
	}
}

func TestGenerateCodes(t *testing.T) {
	t.Parallel()
	s, cty := demo()
	c := colsOf(t, s)
	year, code, name, county, stage := c.get(t, "年度"), c.get(t, "学校代码"), c.get(t, "学校名称"), c.get(t, "区县代码"), c.get(t, "学段")
	type key struct {
		year        int
		code, stage string
	}
	seen := map[key]bool{}
	nameOf := map[string]string{} // code → name, across periods
	codeOf := map[[3]string]string{}
	perYear := map[int]int{}
	for _, r := range s.Rows {
		k := key{r[year].(int), r[code].(string), r[stage].(string)}
		if seen[k] {
			t.Errorf("school row %v repeated", k)
		}
		seen[k] = true
		perYear[k.year]++
		cc := r[county].(string)
		if len(k.code) != 10 || !strings.HasPrefix(k.code, cc) || strings.Trim(k.code, "0123456789") != "" {
			t.Errorf("school code %q of county %q", k.code, cc)
		}
		n := r[name].(string)
		if prev, ok := nameOf[k.code]; ok && prev != n {
			t.Errorf("school %s is %s and %s", k.code, prev, n)
		}
		nameOf[k.code] = n
		// Names are unique within a county; a split school's rows share theirs.
		nk := [3]string{cc, n, ""}
		if prev, ok := codeOf[nk]; ok && prev != k.code {
			t.Errorf("county %s has two schools named %s", cc, n)
		}
		codeOf[nk] = k.code
	}
	if len(nameOf) != 3000 || perYear[2023] != perYear[2024] || len(perYear) != 2 {
		t.Errorf("%d school codes, rows per year %v; want 3000 codes, the same rows each year", len(nameOf), perYear)
	}
	checkCountyCodes(t, cty)
}

func checkCountyCodes(t *testing.T, cty Table) {
	t.Helper()
	c := colsOf(t, cty)
	code, name, city, cityName := c.get(t, "区县代码"), c.get(t, "区县名称"), c.get(t, "地市代码"), c.get(t, "地市名称")
	names := map[string]string{}
	for _, r := range cty.Rows {
		cc, cn := r[code].(string), r[name].(string)
		if len(cc) != 6 || !strings.HasPrefix(cc, "99") || strings.Trim(cc, "0123456789") != "" {
			t.Errorf("county code %q", cc)
		}
		if pc := r[city].(string); len(pc) != 6 || pc[:4] != cc[:4] || pc[4:] != "00" {
			t.Errorf("county %s in city %q", cc, pc)
		}
		if !strings.HasSuffix(r[cityName].(string), "市") {
			t.Errorf("city name %q", r[cityName])
		}
		if prev, ok := names[cn]; ok && prev != cc {
			t.Errorf("two counties named %s", cn)
		}
		names[cn] = cc
	}
	if len(names) != 30 || len(cty.Rows) != 60 {
		t.Errorf("%d counties in %d rows, want 30 in 60", len(names), len(cty.Rows))
	}
}

// TestGenerateBalanceVaries checks the counties straddle the primary limit of 0.50 on
// the student-weighted CV of equipment value per student (DOMAIN.md §2.1), over the
// public primary rows that count (no special schools, no teaching points under 50).
func TestGenerateBalanceVaries(t *testing.T) {
	t.Parallel()
	s, _ := demo()
	c := colsOf(t, s)
	year, stage, typ, owner, county := c.get(t, "年度"), c.get(t, "学段"), c.get(t, "学校类别"), c.get(t, "办学类型"), c.get(t, "区县代码")
	stuCol, equip := c.get(t, "在校生数"), c.get(t, "教学仪器设备值(元)")
	type sample struct{ p, x []float64 }
	by := map[string]*sample{}
	big := 0
	for _, r := range s.Rows {
		if r[year].(int) != 2024 {
			continue
		}
		stu, _ := num(t, r[stuCol])
		if stu > 2000 {
			big++
		}
		ty := r[typ].(string)
		if r[stage] != "小学" || r[owner] != "公办" || ty == "特殊教育学校" || (ty == "教学点" && stu < 50) {
			continue
		}
		e, _ := num(t, r[equip])
		cc := r[county].(string)
		if by[cc] == nil {
			by[cc] = &sample{}
		}
		by[cc].p = append(by[cc].p, stu)
		by[cc].x = append(by[cc].x, e/stu)
	}
	above, below := 0, 0
	for _, sm := range by {
		if weightedCV(sm.p, sm.x) > 0.5 {
			above++
		} else {
			below++
		}
	}
	if above < 3 || below < 3 {
		t.Errorf("equipment CV above 0.50 in %d counties, at or below in %d; want both several", above, below)
	}
	if big == 0 {
		t.Error("no school has more than 2000 students")
	}
}

// weightedCV is DOMAIN.md §2.1: X̄ = Σ(P_i/P)·X_i, S = sqrt(Σ(P_i/P)·(X_i−X̄)²), CV = S/X̄.
func weightedCV(p, x []float64) float64 {
	var tot, mean, ss float64
	for i := range p {
		tot += p[i]
		mean += p[i] * x[i]
	}
	mean /= tot
	for i := range p {
		ss += p[i] / tot * (x[i] - mean) * (x[i] - mean)
	}
	return math.Sqrt(ss) / mean
}

func TestWeightedCV(t *testing.T) {
	t.Parallel()
	// Two schools of 100 and 300 students at 1 and 3: mean 2.5, S = sqrt(0.75).
	got := weightedCV([]float64{100, 300}, []float64{1, 3})
	if want := math.Sqrt(0.75) / 2.5; math.Abs(got-want) > 1e-12 {
		t.Errorf("weightedCV = %v, want %v", got, want)
	}
}

// BenchmarkGenerateNation is the nation-scale run the CLI's benchmark uses: 2,844
// counties, 500,000 schools, one period.
func BenchmarkGenerateNation(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Generate(Config{Counties: 2844, Schools: 500000, Seed: 1, Periods: []int{2024}})
	}
}

// TestGenerateCountsWhole: every count the generator writes (students, classes and
// their bands, teachers, rooms, books, computers, a county's counts) is a whole
// number, as the importer demands: the demo data never holds a fractional class.
func TestGenerateCountsWhole(t *testing.T) {
	t.Parallel()
	p := GenerateProvince(Config{Counties: 4, Schools: 200, Kindergartens: 80, Seed: 11})
	for _, tc := range []struct {
		name string
		tab  Table
		els  []engine.Element
	}{{"学校", p.Schools, engine.SchoolElements}, {"幼儿园", p.Kindergartens, engine.SchoolElements}, {"区县", p.Counties, engine.UnitElements}} {
		counts := map[string]bool{}
		for _, el := range tc.els {
			if el.Kind == engine.KindCount && !el.Derived {
				counts[el.Name] = true
			}
		}
		seen := 0
		for j, h := range tc.tab.Header {
			if !counts[h] {
				continue
			}
			seen++
			for i, row := range tc.tab.Rows {
				switch v := row[j].(type) {
				case int:
				case string:
					if v != "" {
						t.Errorf("%s row %d %s: %q", tc.name, i+2, h, v)
					}
				default:
					t.Fatalf("%s row %d %s: %#v (%T) is not a whole number", tc.name, i+2, h, v, v)
				}
			}
		}
		if seen < 5 {
			t.Errorf("%s: only %d count columns found in %q", tc.name, seen, tc.tab.Header)
		}
	}
}
