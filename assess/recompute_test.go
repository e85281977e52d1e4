package assess_test

import (
	"context"
	"testing"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/servicetest"
)

// TestRecomputeGivesWay: the open assessments are recomputed a few at a time, with a
// pause offered between two groups (so that the jobs after an import do not take
// the cores from the pages), and every one of them is brought up to date.
func TestRecomputeGivesWay(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testRecomputeGivesWay(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testRecomputeGivesWay(t *testing.T, f *servicetest.Flow) {
	counties, err := f.Store.Subtree(f.Ctx, nil, ziping.LevelCounty)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range counties {
		for _, fw := range []string{"lxzz-county", "yzjh-2017"} {
			as, err := f.Assess.StartAssessment(f.Ctx, ziping.System, fw, &c, 2024, false)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, as.ID)
		}
	}
	defer assess.SetRecomputeChunk(4)()
	if len(ids) < 5 {
		t.Fatalf("only %d assessments: the test needs more than one group", len(ids))
	}
	// Forget the summaries, so that the recompute has to write every one.
	for _, id := range ids {
		as, err := f.Store.Assessment(f.Ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		as.Summary = nil
		if err := f.Store.UpdateAssessment(f.Ctx, as); err != nil {
			t.Fatal(err)
		}
	}
	pauses := 0
	ctx := ziping.WithPace(f.Ctx, func(_ context.Context, took time.Duration) {
		if took < 0 {
			t.Errorf("a step took %v", took)
		}
		pauses++
	})
	n, err := f.Assess.RecomputeAssessments(ctx, nil, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(ids) {
		t.Errorf("recomputed %d of %d open assessments", n, len(ids))
	}
	if want := (len(ids) + 3) / 4; pauses != want {
		t.Errorf("%d pauses offered for %d assessments, want %d (one after each group of 4)", pauses, len(ids), want)
	}
	for _, id := range ids {
		as, err := f.Store.Assessment(f.Ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if sm, err := assess.SummaryOf(as); err != nil || sm == nil || sm.Self == nil {
			t.Errorf("assessment %d: no summary after the recompute (%v)", id, err)
		}
	}
}

// TestResultsAreTheViewsResults: the results unit pages read (Results) are those of
// the assessment's own page, self and review, without what only that page shows.
func TestResultsAreTheViewsResults(t *testing.T) {
	f := servicetest.NewFlow(t)
	as := f.Start(t, 2024, false)
	f.ScoreAll(t, as.ID)
	if err := f.Assess.Submit(f.Ctx, f.Filler, as.ID, ""); err != nil {
		t.Fatal(err)
	}
	full := f.View(t, f.Reviewer, as.ID)
	res, err := f.Assess.Results(f.Ctx, f.Reviewer, as.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Final() == nil || res.Final().Total != full.Final().Total || res.Final().Grade != full.Final().Grade ||
		!sameMetrics(res.Self, full.Self) || res.Program != full.Program {
		t.Errorf("Results: %+v; the view: %+v", res.Final(), full.Final())
	}
	if _, err := f.Assess.Results(f.Ctx, f.Stranger, as.ID); ziping.ErrorKind(err) != ziping.Forbidden && !ziping.IsNotFound(err) {
		t.Errorf("a stranger read the results: %v", err)
	}
}
