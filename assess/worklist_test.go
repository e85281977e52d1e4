package assess_test

import (
	"testing"
	"time"

	"ziping"
	"ziping/servicetest"
)

func TestReviewQueueAndWork(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testReviewQueueAndWork(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testReviewQueueAndWork(t *testing.T, f *servicetest.Flow) {
	old := f.StartFW(t, "xqpjph-2020", 2024, false)
	f.ScoreAll(t, old.ID)
	if err := f.Assess.Submit(f.Ctx, f.Filler, old.ID, ziping.StatusDraft); err != nil {
		t.Fatal(err)
	}
	f.Clock.Add(50 * time.Hour)
	as := f.Start(t, 2024, false)
	f.ScoreAll(t, as.ID)
	if err := f.Assess.Submit(f.Ctx, f.Filler, as.ID, ziping.StatusDraft); err != nil {
		t.Fatal(err)
	}
	f.Clock.Add(time.Hour)
	f.Start(t, 2023, false) // a draft: not waiting for anyone

	q, err := f.Assess.ReviewQueue(f.Ctx, f.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 2 || q[0].Assessment.ID != old.ID || q[1].Assessment.ID != as.ID || q[0].Days != 2 || q[1].Days != 0 || q[0].Unit.ID != f.County.ID {
		t.Fatalf("queue %+v, want the older first, waiting 2 and 0 days", q)
	}
	// Nobody else has it to review: the county's own reviewer, its fillers, a viewer.
	for name, a := range map[string]*ziping.Actor{"county reviewer": f.CountyReviewer, "filler": f.Filler, "viewer": f.Viewer, "stranger": f.Stranger} {
		if q, err := f.Assess.ReviewQueue(f.Ctx, a); err != nil || len(q) != 0 {
			t.Errorf("%s's queue: %d, %v", name, len(q), err)
		}
	}

	work, err := f.Assess.Work(f.Ctx, f.County, 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	if w := work["lxzz-county"]; w.Period != 1 || w.All != 2 {
		t.Errorf("lxzz work %+v, want 1 this year of 2", w)
	}
	if w := work["xqpjph-2020"]; w.Period != 1 || w.All != 1 {
		t.Errorf("xqpjph work %+v", w)
	}
	if work, _ := f.Assess.Work(f.Ctx, f.County, 2024, true); len(work) != 0 {
		t.Errorf("published work %+v, want none", work)
	}
	counts, err := f.Assess.StatusCounts(f.Ctx, f.County, "lxzz-county", 2024)
	if err != nil || counts[ziping.StatusSubmitted] != 1 || len(counts) != 1 {
		t.Errorf("status counts %v, %v", counts, err)
	}
}
