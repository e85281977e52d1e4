package survey

import (
	"testing"
)

func TestComputeByHand(t *testing.T) {
	f := ruleFile()
	f.Threshold = 85
	f.Groups = []Group{{ID: "p", Name: "家长", Questionnaire: "q"}, {ID: "t", Name: "教师", Questionnaire: "q"}}
	// Three respondents: two parents at school 1, all 满意 (100 each under top2) and
	// half 满意 half 不满意 (50); a teacher at school 2, all 不太满意 (0). One more
	// parent excluded.
	rs := []Response{
		{ID: 1, Questionnaire: "q", Group: "p", School: "1", SchoolName: "一小", Area: "城区", Answers: answers(0)},
		{ID: 2, Questionnaire: "q", Group: "p", School: "1", SchoolName: "一小", Area: "乡村", Answers: answers(0, 4)},
		{ID: 3, Questionnaire: "q", Group: "t", School: "2", SchoolName: "二小", Area: "城区", Answers: answers(3)},
		{ID: 4, Questionnaire: "q", Group: "p", Answers: answers(4), Excluded: true},
	}
	res := f.Compute(rs, map[string]int{"p": 10}, nil)
	if res.Responses != 3 || res.Excluded != 1 {
		t.Fatalf("responses %d, excluded %d; want 3, 1", res.Responses, res.Excluded)
	}
	// Overall top2: (100 + 50 + 0)/3 = 50. Likert: (5, 3, 2)·20 = 100, 60, 40 → 66.67.
	near(t, "overall top2", res.Overall.Figures.Top2, 50)
	near(t, "overall likert", res.Overall.Figures.Mean, 200.0/3)
	// Groups: parents (100+50)/2 = 75 with their quota; teachers 0.
	if g := res.Groups[0]; g.Key != "p" || g.N != 2 || g.Quota != 10 {
		t.Errorf("parents %+v", g)
	}
	near(t, "parents", res.Groups[0].Figures.Top2, 75)
	// Schools weakest first: 二小 (0) before 一小 (75).
	if res.Schools[0].Name != "二小" || res.Schools[1].Name != "一小" {
		t.Errorf("schools not weakest first: %s, %s", res.Schools[0].Name, res.Schools[1].Name)
	}
	// Areas in 城区, 乡村 order: urban (100 + 0)/2 = 50, rural 50.
	if len(res.Areas) != 2 || res.Areas[0].Key != "城区" || res.Areas[1].Key != "乡村" {
		t.Errorf("areas %+v", res.Areas)
	}
	// Question a: 满意, 满意, 不太满意 → top2 2/3.
	for _, q := range res.Questions {
		if q.Key == "q/a" {
			near(t, "question a", q.Figures.Top2, 200.0/3)
		}
	}
	// Clusters {100, 50} and {0}: m̄ = 1.5; the interval is on 3/deff respondents.
	if res.Clustering.Clusters != 2 || res.EffectiveN <= 0 || res.EffectiveN > 3 {
		t.Errorf("clustering %+v, effective n %g", res.Clustering, res.EffectiveN)
	}
	if !(res.Overall.Low < 50 && res.Overall.High > 50) {
		t.Errorf("interval [%g, %g] does not hold 50", res.Overall.Low, res.Overall.High)
	}
	// Weights 3:1 for parents: (3·75 + 1·0)/4 = 56.25.
	f.Computation.Weights = map[string]float64{"p": 3, "t": 1}
	near(t, "weighted overall", f.Compute(rs, nil, nil).Overall.Figures.Top2, 56.25)
}
