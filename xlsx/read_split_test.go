package xlsx

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"ziping/engine"
)

// TestReadCombinedWholeProperty reads random combined schools (nine-year, complete,
// twelve-year; a stage sometimes without students) and checks every school: each
// count's stage parts are whole and add up to the row's value, each stage's bands
// add up to its classes, and no stage has more of a kind of teacher than teachers.
func TestReadCombinedWholeProperty(t *testing.T) {
	t.Parallel()
	counts := []string{"classes", "classes_le45", "classes_46_50", "classes_51_55", "classes_56_65", "classes_66_plus",
		"teachers", "teachers_above_required", "backbone_teachers", "pe_art_teachers", "certified_teachers",
		"senior_title_teachers", "multimedia_rooms", "music_rooms", "art_rooms", "books", "computers"}
	header := "学校代码,学校名称,区县代码,学段,办学类型,年度,在校生数,小学在校生数,初中在校生数,高中在校生数"
	for _, id := range counts {
		header += "," + engine.SchoolElements[engine.SchoolElementIndex(id)].Name
	}
	rng := rand.New(rand.NewPCG(11, 6))
	const n = 3000
	src := make([][]float64, n) // by school: the counts as written
	lines := []string{header}
	kinds := []string{"九年一贯制", "完全中学", "十二年一贯制"}
	for i := range n {
		k := rng.IntN(3)
		var stu [3]int
		for s := range stu {
			if (k == 0 && s == 2) || (k == 1 && s == 0) || rng.IntN(10) == 0 {
				continue
			}
			stu[s] = rng.IntN(1500)
		}
		v := make([]float64, len(counts))
		classes := rng.IntN(60)
		if rng.IntN(10) == 0 {
			classes = rng.IntN(3)
		}
		v[0] = float64(classes)
		for range classes { // bands adding up to the classes
			v[1+min(rng.IntN(8), 4)]++
		}
		teachers := rng.IntN(150)
		v[6] = float64(teachers)
		for j := 7; j <= 11; j++ {
			v[j] = float64(rng.IntN(teachers + 1))
		}
		for j := 12; j < len(v); j++ { // rooms (up to 5000), books, computers (up to 50000)
			v[j] = float64(rng.IntN([]int{5, 50, 5000}[rng.IntN(3)]))
			if counts[j] == "books" {
				v[j] *= 97
			}
		}
		src[i] = v
		line := fmt.Sprintf("%d,学校%d,330102,%s,公办,2024,%d,%d,%d,%d", 3301000000+i, i, kinds[k], stu[0]+stu[1]+stu[2], stu[0], stu[1], stu[2])
		for _, x := range v {
			line += fmt.Sprintf(",%g", x)
		}
		lines = append(lines, line)
	}
	ds := mustRead(t, ReadOptions{}, csvInput("s.csv", lines...))
	s := &ds.Periods[2024].Schools
	idx := make([]int, len(counts))
	for j, id := range counts {
		idx[j] = engine.SchoolElementIndex(id)
	}
	sums := make([][]float64, n)
	for i := range sums {
		sums[i] = make([]float64, len(counts))
	}
	for r := range s.Code {
		code, _ := strconv.Atoi(s.Code[r])
		school := code - 3301000000
		at := func(j int) float64 { return s.Num[idx[j]][r] }
		bands := 0.0
		for j := range counts {
			x := at(j)
			if x != math.Trunc(x) || x < 0 {
				t.Fatalf("school %s stage %v: %s = %v, not a whole number", s.Code[r], s.Stage[r], counts[j], x)
			}
			sums[school][j] += x
			if j >= 1 && j <= 5 {
				bands += x
			}
			if j >= 7 && j <= 11 && x > at(6) {
				t.Errorf("school %s stage %v: %s = %v, more than its %v teachers", s.Code[r], s.Stage[r], counts[j], x, at(6))
			}
		}
		if bands != at(0) {
			t.Errorf("school %s stage %v: bands add up to %v, classes %v", s.Code[r], s.Stage[r], bands, at(0))
		}
	}
	for i := range src {
		for j := range counts {
			if sums[i][j] != src[i][j] {
				t.Fatalf("school %d: %s parts add up to %v, not %v", i, counts[j], sums[i][j], src[i][j])
			}
		}
	}
}
