package synth

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

// TestKindergartensShareTheFacts: a county's kindergartens hold its 在园幼儿数 facts,
// its public ones the 公办园 children, its inclusive ones (public included) the
// covered children; the same seed gives the same tables, and asking for
// kindergartens changes no school and no county fact.
func TestKindergartensShareTheFacts(t *testing.T) {
	t.Parallel()
	cfg := Config{Counties: 6, Schools: 300, Kindergartens: 120, Seed: 9}
	p := GenerateProvince(cfg)
	if q := GenerateProvince(cfg); !reflect.DeepEqual(p, q) {
		t.Fatal("the same seed gave different tables")
	}
	s, c := Generate(Config{Counties: 6, Schools: 300, Seed: 9})
	if !reflect.DeepEqual(s, p.Schools) || !reflect.DeepEqual(c, p.Counties) {
		t.Fatal("kindergartens changed the school or county table")
	}
	if n := len(p.Kindergartens.Rows); n != 2*120 {
		t.Fatalf("%d kindergarten rows, want 240 (two years)", n)
	}
	kc, cc := colsOf(t, p.Kindergartens), colsOf(t, p.Counties)
	type key struct {
		year   any
		county any
	}
	type sums struct{ all, public, inclusive float64 }
	got := map[key]*sums{}
	for _, r := range p.Kindergartens.Rows {
		k := key{r[kc.get(t, "年度")], r[kc.get(t, "区县代码")]}
		if got[k] == nil {
			got[k] = &sums{}
		}
		n, _ := num(t, r[kc.get(t, "在园幼儿数")])
		got[k].all += n
		if r[kc.get(t, "办学类型")] == "公办" {
			got[k].public += n
		}
		if r[kc.get(t, "普惠性幼儿园")] == "是" {
			got[k].inclusive += n
		}
		if r[kc.get(t, "学段")] != "幼儿园" {
			t.Fatalf("学段 %v", r[kc.get(t, "学段")])
		}
	}
	for _, r := range p.Counties.Rows {
		k := key{r[cc.get(t, "年度")], r[cc.get(t, "区县代码")]}
		all, _ := num(t, r[cc.get(t, "在园幼儿数")])
		pub, _ := num(t, r[cc.get(t, "公办园在园幼儿数")])
		inc, _ := num(t, r[cc.get(t, "普惠性民办园在园幼儿数")])
		g := got[k]
		if g == nil || g.all != all || g.public != pub || g.inclusive != pub+inc {
			t.Errorf("county %v: kindergartens %+v, facts %v %v %v", k, g, all, pub, inc)
		}
		if age, ok := num(t, r[cc.get(t, "3-5周岁适龄人口")]); !ok || age < all*0.9 || age > all*1.4 {
			t.Errorf("county %v: 3-5周岁适龄人口 %v for %v children", k, age, all)
		}
	}
	for j, f := range kgPlan().fields {
		if f == kNone {
			t.Errorf("kindergarten column %q is not generated", kgPlan().header[j])
		}
	}
}

// TestKindergartenRowsAddUp: children and classes by class kind add up, and classes
// over the standard size are counted only where the average is close to or above it.
func TestKindergartenRowsAddUp(t *testing.T) {
	t.Parallel()
	p := GenerateProvince(Config{Counties: 3, Schools: 60, Kindergartens: 40, Seed: 3})
	kc := colsOf(t, p.Kindergartens)
	for _, r := range p.Kindergartens.Rows {
		v := func(h string) float64 { x, _ := num(t, r[kc.get(t, h)]); return x }
		children := v("小班幼儿数") + v("中班幼儿数") + v("大班幼儿数") + v("混龄班幼儿数")
		classes := v("小班班数") + v("中班班数") + v("大班班数") + v("混龄班班数")
		if children != v("在园幼儿数") || classes != v("班级数") || v("超标准班额班级数") > classes {
			t.Errorf("%v: children %v of %v, classes %v of %v, oversize %v", r[kc.get(t, "学校名称")],
				children, v("在园幼儿数"), classes, v("班级数"), v("超标准班额班级数"))
		}
		if v("持证专任教师数") > v("专任教师数") || v("持证园长数") > v("园长数") {
			t.Errorf("%v: more certified than staff", r[kc.get(t, "学校名称")])
		}
	}
}

// TestKindergartensKeepLastYearsChildren: a county that left its kindergarten facts
// empty this year keeps last year's children in its kindergartens (not NaN, which
// came out as negative counts).
func TestKindergartensKeepLastYearsChildren(t *testing.T) {
	t.Parallel()
	c := county{code: "990101", name: "甲县", schools: 20}
	g := newCountyGen(countyRNG(1, 0), &c, nil)
	g.x = extraRNG(1, 0)
	e := emitter{kg: kgPlan(), years: []int{2023, 2024}}
	facts := make([][nFacts]float64, 2)
	facts[0][xKG], facts[0][xKGPublic], facts[0][xKGInclusive] = 1000, 500, 300
	facts[1][xKG], facts[1][xKGPublic], facts[1][xKGInclusive] = math.NaN(), math.NaN(), math.NaN()
	rows := e.kindergartens(g, 5, facts)
	col := slices.Index(kgPlan().fields, kStudents) + len(schoolTextHeader)
	for p, want := range []int{1000, 1000} {
		sum := 0
		for _, r := range rows[p] {
			sum += r[col].(int)
		}
		if sum != want {
			t.Errorf("year %d: %d children, want %d", p, sum, want)
		}
	}
}
