package survey

import (
	"slices"
	"testing"
	"time"
)

// ruleFile is a questionnaire of ten satisfaction questions of 15 characters each
// and one choice: reading them all takes 10·15 = 150 characters.
func ruleFile() *File {
	f := testFile(MethodTop2, false)
	q := Questionnaire{ID: "q"}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		q.Questions = append(q.Questions, Question{ID: id, Kind: KindScale, Text: "您对本县这一方面满意吗请您作答"})
	}
	q.Questions = append(q.Questions, Question{ID: "k", Kind: KindChoice, Options: []string{"甲", "乙"}})
	f.Questionnaires = []Questionnaire{q}
	return f
}

var t0 = time.Date(2024, 5, 1, 20, 0, 0, 0, time.UTC)

// answers gives satisfaction answers in turn from choices, and k = 0.
func answers(choices ...int) Answers {
	a := Answers{"k": Pick(0)}
	for i, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		a[id] = Pick(choices[i%len(choices)])
	}
	return a
}

func flagged(flags map[int64][]Flag, rule string) []int64 {
	var ids []int64
	for id, fs := range flags {
		for _, f := range fs {
			if f.Rule == rule {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

func resp(id int64, sec int, a Answers) Response {
	return Response{ID: id, Questionnaire: "q", Answers: a, Started: t0.Add(time.Duration(sec-300) * time.Second),
		Submitted: t0.Add(time.Duration(sec) * time.Second)}
}

func TestBurstByHand(t *testing.T) {
	// Link bursts: at most 3 a minute. Link 1 gets responses at 0, 10, 20, 30 s (4 in
	// 30 s: a burst) and 200 s (alone); link 2 at 0, 40, 80, 120 s (never more than 2
	// within 60 s).
	rules := Rules{BurstWindow: time.Minute, BurstLink: 3}
	var rs []Response
	for i, s := range []int{0, 10, 20, 30, 200} {
		r := resp(int64(1+i), s, answers(0, 1))
		r.Link = 1
		rs = append(rs, r)
	}
	for i, s := range []int{0, 40, 80, 120} {
		r := resp(int64(10+i), s, answers(0, 1))
		r.Link = 2
		rs = append(rs, r)
	}
	got := flagged(ruleFile().Flags(rs, rules, nil), FlagBurstLink)
	if !slices.Equal(got, []int64{1, 2, 3, 4}) {
		t.Errorf("link burst flags %v, want [1 2 3 4]", got)
	}
	// Network bursts the same way: at most 1 from a network in a minute.
	rules = Rules{BurstWindow: time.Minute, BurstNetwork: 1}
	rs = []Response{resp(1, 0, answers(0, 1)), resp(2, 59, answers(0, 1)), resp(3, 200, answers(0, 1))}
	for i := range rs {
		rs[i].Network = "n1"
	}
	got = flagged(ruleFile().Flags(rs, rules, nil), FlagBurstNetwork)
	if !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("network burst flags %v, want [1 2]", got)
	}
}

func TestTooFastByHand(t *testing.T) {
	// 150 characters at 15 a second: 10 s to read. 9 s is too fast, 10 s is not.
	f := ruleFile()
	fast, ok := resp(1, 0, answers(0, 1)), resp(2, 0, answers(0, 1))
	fast.Started = fast.Submitted.Add(-9 * time.Second)
	ok.Started = ok.Submitted.Add(-10 * time.Second)
	imported := resp(3, 0, answers(0, 1))
	imported.Started = time.Time{} // answers brought from an export have no start
	if floor := f.ReadingFloor(&fast, 15); floor != 10*time.Second {
		t.Errorf("reading floor %v, want 10s", floor)
	}
	got := flagged(f.Flags([]Response{fast, ok, imported}, Rules{ReadingRate: 15}, nil), FlagTooFast)
	if !slices.Equal(got, []int64{1}) {
		t.Errorf("too fast %v, want [1]", got)
	}
}

func TestStraightByHand(t *testing.T) {
	// Ten answers all 满意 (0): straight with a minimum of 10, not with 11; one
	// answer different breaks it.
	f := ruleFile()
	rs := []Response{resp(1, 0, answers(0)), resp(2, 0, answers(0, 0, 0, 0, 0, 0, 0, 0, 0, 1)), resp(3, 0, answers(4))}
	if got := flagged(f.Flags(rs, Rules{StraightItems: 10}, nil), FlagStraight); !slices.Equal(got, []int64{1, 3}) {
		t.Errorf("straight-lining %v, want [1 3]", got)
	}
	if got := flagged(f.Flags(rs, Rules{StraightItems: 11}, nil), FlagStraight); got != nil {
		t.Errorf("straight-lining with 11 needed: %v, want none", got)
	}
}

func TestSamePatternByHand(t *testing.T) {
	// Three responses with one pattern (open text aside) and one other: with a
	// minimum of 3 the three are flagged; with 4 none.
	f := ruleFile()
	a1, a2, a3 := answers(0, 1, 2), answers(0, 1, 2), answers(0, 1, 2)
	a2["z"] = Answer{Text: "很好"}
	rs := []Response{resp(1, 0, a1), resp(2, 0, a2), resp(3, 0, a3), resp(4, 0, answers(1, 0, 2))}
	if got := flagged(f.Flags(rs, Rules{SamePattern: 3}, nil), FlagSamePattern); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("identical patterns %v, want [1 2 3]", got)
	}
	if got := flagged(f.Flags(rs, Rules{SamePattern: 4}, nil), FlagSamePattern); got != nil {
		t.Errorf("identical patterns with 4 needed: %v, want none", got)
	}
}

func TestSchoolOverByHand(t *testing.T) {
	// Schools 1 and 2 enrol 900 and 100 (90% and 10%). 12 responses: 6 from each,
	// so school 2 has 50% of them, 5 times its 10%: flagged with factor 2 (and 6 ≥
	// the minimum of 5); school 1's 50% is below 2 × 90%.
	f := ruleFile()
	var rs []Response
	for i := range 12 {
		r := resp(int64(i+1), i*100, answers(i%5, (i+1)%5))
		r.School = []string{"1", "2"}[i%2]
		rs = append(rs, r)
	}
	enrol := map[string]int64{"1": 900, "2": 100}
	got := flagged(f.Flags(rs, Rules{SchoolFactor: 2, SchoolMin: 5}, enrol), FlagSchoolOver)
	if !slices.Equal(got, []int64{2, 4, 6, 8, 10, 12}) {
		t.Errorf("school over-represented %v, want school 2's six", got)
	}
	// With a minimum of 7 responses, school 2's six are too few to say.
	if got := flagged(f.Flags(rs, Rules{SchoolFactor: 2, SchoolMin: 7}, enrol), FlagSchoolOver); got != nil {
		t.Errorf("with 7 needed: %v, want none", got)
	}
}
