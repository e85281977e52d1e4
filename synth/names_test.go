package synth

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

func TestCharTables(t *testing.T) {
	t.Parallel()
	seen := map[rune]string{}
	for name, s := range map[string]string{"stemFirst": stemFirst, "stemSecond": stemSecond} {
		for _, r := range s {
			if utf8.RuneLen(r) != 3 {
				t.Errorf("%s: %q is not a three-byte character", name, r)
			}
			if prev, ok := seen[r]; ok {
				t.Errorf("%q in %s and %s", r, prev, name)
			}
			seen[r] = name
		}
	}
	for _, s := range []string{surnames, brands, digits} {
		if utf8.RuneCountInString(s)*3 != len(s) {
			t.Errorf("table %q has characters that are not three bytes", s[:12])
		}
	}
	if nchars(brands)%2 != 0 {
		t.Error("brands must be two characters each")
	}
}

func TestNamesDistinct(t *testing.T) {
	t.Parallel()
	n := stemCount() + 500
	seen := make(map[string]int, n)
	for i := range n {
		s := stem(i)
		if j, ok := seen[s]; ok {
			t.Fatalf("stem(%d) = stem(%d) = %s", i, j, s)
		}
		seen[s] = i
	}
	vs := map[string]bool{}
	for i := range villageCount() + 100 {
		v := village(i)
		if vs[v] {
			t.Fatalf("village %d (%s) repeats", i, v)
		}
		vs[v] = true
	}
	bs := map[string]bool{}
	for i := range 200 {
		if b := brand(i); bs[b] {
			t.Fatalf("brand %d (%s) repeats", i, b)
		} else {
			bs[b] = true
		}
	}
}

func TestPerm(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 12, 97, 5776} {
		p := newPerm(r, n)
		hit := make([]bool, n)
		for k := range n {
			i := p.at(k)
			if hit[i] {
				t.Fatalf("n=%d: %d hit twice", n, i)
			}
			hit[i] = true
		}
	}
}

func TestChineseNumber(t *testing.T) {
	t.Parallel()
	tests := map[int]string{
		1: "一", 2: "二", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 100: "一百",
		101: "一百零一", 110: "一百一十", 999: "九百九十九", 1000: "一千", 1001: "一千零一",
		1010: "一千零一十", 2300: "二千三百", 0: "", 10000: "",
	}
	for n, want := range tests {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSchoolCode(t *testing.T) {
	t.Parallel()
	if got := schoolCode("990102", 37); got != "9901020037" {
		t.Errorf("schoolCode = %q", got)
	}
}
