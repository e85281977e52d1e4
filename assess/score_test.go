package assess_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/engine"
	"ziping/servicetest"
)

func ptr[T any](v T) *T { return &v }

// TestScoreConflict: two people edit the same point from the same page; the second
// gets a conflict naming the first's value and nothing of theirs is written.
func TestScoreConflict(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testScoreConflict(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testScoreConflict(t *testing.T, f *servicetest.Flow) {
	as := f.Start(t, 2024, false)
	pt := firstManual(f.View(t, f.Filler, as.ID).Program.FW)
	if _, err := f.Assess.ScorePoint(f.Ctx, f.Filler, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Score: ptr(1.0), Justification: "甲的理由"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.Assess.ScorePoint(f.Ctx, f.Filler2, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Score: ptr(2.0), Justification: "乙的理由"})
	var ze *ziping.Error
	var sc *assess.ScoreConflict
	if !errors.As(err, &ze) || ze.Kind != ziping.Conflict || !errors.As(err, &sc) {
		t.Fatalf("second write: %v", err)
	}
	if *sc.Current.Score != 1 || sc.By != "tian" || !strings.Contains(ze.Msg, "甲的理由") || !strings.Contains(ze.Msg, "1分") {
		t.Fatalf("conflict %+v %q", sc, ze.Msg)
	}
	ps, _ := f.View(t, f.Filler, as.ID).Score(ziping.SideSelf, pt.Code)
	if *ps.Score != 1 || ps.Justification != "甲的理由" {
		t.Fatalf("stored %+v", ps)
	}
	// With the version they now see, the second person's change goes through.
	if _, err := f.Assess.ScorePoint(f.Ctx, f.Filler2, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Score: ptr(2.0), Justification: "乙的理由", Version: ps.Version}); err != nil {
		t.Fatal(err)
	}
}

func TestScoreValidation(t *testing.T) {
	f := servicetest.NewFlow(t)
	as := f.Start(t, 2024, false)
	fw := f.View(t, f.Filler, as.ID).Program.FW
	manual := firstManual(fw)
	cases := []struct {
		name string
		in   assess.ScoreInput
		want string
	}{
		{"unknown point", assess.ScoreInput{Code: "99", Score: ptr(1.0), Justification: "x"}, "没有「99」"},
		{"data point", assess.ScoreInput{Code: dataPoint(fw), Score: ptr(1.0), Justification: "x"}, "由数据计算"},
		{"over max", assess.ScoreInput{Code: manual.Code, Score: ptr(manual.Max + 1), Justification: "x"}, "之间"},
		{"negative", assess.ScoreInput{Code: manual.Code, Score: ptr(-1.0), Justification: "x"}, "之间"},
		{"NaN", assess.ScoreInput{Code: manual.Code, Score: ptr(math.NaN()), Justification: "x"}, "请填写分数"},
		{"three decimals", assess.ScoreInput{Code: manual.Code, Score: ptr(0.125), Justification: "x"}, "两位小数"},
		{"no justification", assess.ScoreInput{Code: manual.Code, Score: ptr(1.0)}, "评分说明"},
		{"unknown item", assess.ScoreInput{Code: "J3", Checked: []string{"nope"}}, "没有「nope」"},
		{"item twice", assess.ScoreInput{Code: "J3", Checked: []string{"pilot", "pilot"}}, "重复"},
		{"veto without reason", assess.ScoreInput{Code: "V1", Triggered: ptr(true)}, "理由"},
		{"bad side", assess.ScoreInput{Side: "other", Code: manual.Code, Score: ptr(1.0), Justification: "x"}, "评分方"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.in.Side == "" {
				c.in.Side = ziping.SideSelf
			}
			_, err := f.Assess.ScorePoint(f.Ctx, f.Filler, as.ID, c.in)
			if servicetest.KindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want Invalid with %q", err, c.want)
			}
		})
	}
	if scores, _ := f.Store.PointScores(f.Ctx, as.ID); len(scores) != 0 {
		t.Fatalf("refused scores were written: %+v", scores)
	}
}

func dataPoint(fw *engine.Framework) string {
	for _, a := range fw.Areas {
		for _, pt := range a.Points {
			if k := pt.Rules[0].Kind; k != engine.RuleManual && k != engine.RuleChecklist {
				return pt.Code
			}
		}
	}
	panic("no data point")
}

// TestChecklistNothingTicked: a checklist point saved with nothing ticked scores 0;
// it is not waiting for a person any more (the stores give the empty list back as
// nil, which the engine would take for "not scored").
func TestChecklistNothingTicked(t *testing.T) {
	f := servicetest.NewFlow(t)
	as := f.Start(t, 2024, false)
	code := ""
	for _, a := range f.View(t, f.Filler, as.ID).Program.FW.Areas {
		for _, pt := range a.Points {
			if code == "" && pt.Rules[0].Kind == engine.RuleChecklist && len(pt.Rules) == 1 {
				code = pt.Code
			}
		}
	}
	f.Score(t, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: code, Justification: "均未落实"})
	for _, pr := range allPoints(f.View(t, f.Filler, as.ID).Self) {
		if pr.Code == code && (pr.Status != engine.StatusScored || pr.Score != 0) {
			t.Fatalf("point %s: %+v", code, pr)
		}
	}
	items, _ := f.Assess.Readiness(f.Ctx, f.Filler, as.ID)
	if slices.ContainsFunc(items, func(it assess.ReadinessItem) bool { return it.Point == code }) {
		t.Fatalf("point %s still listed: %+v", code, items)
	}
}
