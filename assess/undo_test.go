package assess_test

import (
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/servicetest"
)

// TestUndoAndBulkConfirm holds withdraw, unpublish and the bulk confirmation to their
// rules on both stores: who may, when, all or nothing, audited.
func TestUndoAndBulkConfirm(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testUndoAndBulkConfirm(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testUndoAndBulkConfirm(t *testing.T, f *servicetest.Flow) {
	last := f.Start(t, 2023, false)
	f.ScoreAll(t, last.ID)
	if err := f.Assess.Submit(f.Ctx, f.Filler, last.ID, ""); err != nil {
		t.Fatal(err)
	}
	// Withdraw: not the reviewer, not a stranger; the unit, while the review has
	// not begun; the round is not counted.
	if err := f.Assess.Withdraw(f.Ctx, f.Reviewer, last.ID, ziping.StatusSubmitted); servicetest.KindOf(err) != ziping.Forbidden {
		t.Fatalf("the reviewer withdraws: %v", err)
	}
	if err := f.Assess.Withdraw(f.Ctx, f.Stranger, last.ID, ziping.StatusSubmitted); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("a stranger withdraws: %v", err)
	}
	if err := f.Assess.Withdraw(f.Ctx, f.Filler, last.ID, ziping.StatusSubmitted); err != nil {
		t.Fatal(err)
	}
	if as := f.View(t, f.Filler, last.ID).Assessment; as.Status != ziping.StatusDraft || as.Round != 0 || as.SubmittedBy != 0 {
		t.Fatalf("after withdrawing: %+v", as)
	}
	if err := f.Assess.Submit(f.Ctx, f.Filler, last.ID, ziping.StatusDraft); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Assess.ScorePoint(f.Ctx, f.Reviewer, last.ID, assess.ScoreInput{Side: ziping.SideReview, Code: "1", Score: ptr(1.0), Justification: "会议记录不全"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Withdraw(f.Ctx, f.Filler, last.ID, ""); servicetest.KindOf(err) != ziping.Conflict {
		t.Fatalf("withdraw after the review began: %v", err)
	}
	if err := f.Assess.Accept(f.Ctx, f.Reviewer, last.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Publish(f.Ctx, f.Reviewer, last.ID, ""); err != nil {
		t.Fatal(err)
	}
	// Unpublish: a reason; the filler may not; back to reviewed, audited.
	if err := f.Assess.Unpublish(f.Ctx, f.Filler, last.ID, "", "数据有误"); servicetest.KindOf(err) != ziping.Forbidden {
		t.Fatalf("the county unpublishes: %v", err)
	}
	if err := f.Assess.Unpublish(f.Ctx, f.Reviewer, last.ID, "", " "); servicetest.KindOf(err) != ziping.Invalid {
		t.Fatalf("unpublish without a reason: %v", err)
	}
	if err := f.Assess.Unpublish(f.Ctx, f.Reviewer, last.ID, ziping.StatusPublished, "数据有误"); err != nil {
		t.Fatal(err)
	}
	if as := f.View(t, f.Reviewer, last.ID).Assessment; as.Status != ziping.StatusReviewed || !as.PublishedAt.IsZero() {
		t.Fatalf("after unpublishing: %+v", as)
	}
	entries, err := f.Store.Audit(f.Ctx, ziping.AuditQuery{Action: "assessment_unpublish"})
	if err != nil || len(entries) != 1 {
		t.Fatalf("unpublish audited %d times (%v)", len(entries), err)
	}
	if err := f.Assess.Publish(f.Ctx, f.Reviewer, last.ID, ""); err != nil {
		t.Fatal(err)
	}

	// Next year from this one; another county's too.
	cur := f.Start(t, 2024, true)
	v := f.View(t, f.Filler, cur.ID)
	items := f.Assess.Carried(v)
	if len(items) == 0 {
		t.Fatal("nothing carried over")
	}
	var points []string
	var evidence []int64
	for _, it := range items {
		if it.Evidence != 0 {
			evidence = append(evidence, it.Evidence)
		} else {
			points = append(points, it.Point)
		}
	}
	if len(points) == 0 || len(evidence) == 0 {
		t.Fatalf("carried over: %d scores, %d evidence links", len(points), len(evidence))
	}
	otherAs, err := f.Assess.StartAssessment(f.Ctx, ziping.System, "lxzz-county", f.Other, 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := f.Assess.AddEvidence(f.Ctx, ziping.System, otherAs.ID, assess.EvidenceInput{Point: "1", FileName: "a.pdf", Data: servicetest.PDF})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		a        *ziping.Actor
		points   []string
		evidence []int64
		want     ziping.Kind
	}{
		{"another county's evidence", f.Filler, points, append(append([]int64{}, evidence...), foreign.ID), ziping.NotFound},
		{"a point twice", f.Filler, append(append([]string{}, points...), points[0]), evidence, ziping.Conflict},
		{"a point not carried", f.Filler, []string{"V99"}, nil, ziping.Conflict},
		{"the reviewer", f.Reviewer, points, evidence, ziping.Forbidden},
		{"a stranger", f.Stranger, points, evidence, ziping.NotFound},
		{"nothing", f.Filler, nil, nil, ziping.Invalid},
	} {
		if _, err := f.Assess.ConfirmCarried(f.Ctx, tc.a, cur.ID, tc.points, tc.evidence); servicetest.KindOf(err) != tc.want {
			t.Errorf("%s: %v, want kind %v", tc.name, err, tc.want)
		}
		if n := len(f.Assess.Carried(f.View(t, f.Filler, cur.ID))); n != len(items) {
			t.Fatalf("%s confirmed %d items", tc.name, len(items)-n)
		}
	}
	n, err := f.Assess.ConfirmCarried(f.Ctx, f.Filler, cur.ID, points, evidence)
	if err != nil || n != len(items) {
		t.Fatalf("confirm all: %d, %v", n, err)
	}
	if left := f.Assess.Carried(f.View(t, f.Filler, cur.ID)); len(left) != 0 {
		t.Fatalf("%d still wait", len(left))
	}
	sc, _ := f.Store.Audit(f.Ctx, ziping.AuditQuery{Action: "score_confirm"})
	ev, _ := f.Store.Audit(f.Ctx, ziping.AuditQuery{Action: "evidence_confirm"})
	if len(sc) != len(points) || len(ev) != len(evidence) {
		t.Errorf("audited %d score and %d evidence confirmations, want %d and %d", len(sc), len(ev), len(points), len(evidence))
	}
}
