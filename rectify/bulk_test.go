package rectify_test

import (
	"testing"
	"time"

	"ziping"
	"ziping/rectify"
	"ziping/servicetest"
)

// TestBulk: the ledger's bulk actions, on both stores. The county assigns owner and
// deadline to several of its problems at once; a reviewer verifies several done
// problems and sends others back with one reason; every refusal (a problem outside
// the actor's scope, a reviewer assigning, a filler verifying, a problem not done,
// a stale version) refuses the whole request and changes nothing; every problem
// changed has its own audit entry.
func TestBulk(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testBulk(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testBulk(t *testing.T, f *servicetest.Flow) {
	root, _ := f.Store.UnitByCode(f.Ctx, "990000")
	as := f.Start(t, 2024, false)
	f.ScoreAll(t, as.ID)
	if err := f.Assess.Submit(f.Ctx, f.Filler, as.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Accept(f.Ctx, f.Reviewer, as.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	probs := f.View(t, f.Filler, as.ID).Problems
	if len(probs) < 4 {
		t.Fatalf("the demo county has %d problems; the test needs 4", len(probs))
	}
	ids := func(ps []ziping.Problem) []rectify.ProblemRef {
		var out []rectify.ProblemRef
		for _, p := range ps {
			out = append(out, rectify.ProblemRef{ID: p.ID})
		}
		return out
	}
	three := ids(probs[:3])
	deadline := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	assign := rectify.BulkInput{Action: rectify.BulkAssign, Owner: " 县教育局基建股 ", Deadline: deadline, Problems: three}
	seq := f.LastAudit(t).Seq

	// Refusals change nothing.
	refused := []struct {
		name string
		a    *ziping.Actor
		root *ziping.OrgUnit
		in   rectify.BulkInput
		kind ziping.Kind
	}{
		{"a reviewer assigns", f.Reviewer, root, assign, ziping.Forbidden},
		{"another county's filler", f.Stranger, root, assign, ziping.NotFound},
		{"a viewer", f.Viewer, f.County, assign, ziping.NotFound}, // viewers see published assessments only
		{"nothing to assign", f.Filler, f.County, rectify.BulkInput{Action: rectify.BulkAssign, Problems: three}, ziping.Invalid},
		{"a deadline in the past", f.Filler, f.County, rectify.BulkInput{Action: rectify.BulkAssign, Owner: "x", Deadline: f.Clock.T.AddDate(0, 0, -1), Problems: three}, ziping.Invalid},
		{"nothing ticked", f.Filler, f.County, rectify.BulkInput{Action: rectify.BulkAssign, Owner: "x"}, ziping.Invalid},
		{"an unknown problem among them", f.Filler, f.County, rectify.BulkInput{Action: rectify.BulkAssign, Owner: "x",
			Problems: append(ids(probs[:2]), rectify.ProblemRef{ID: 999999})}, ziping.NotFound},
		{"outside the ledger's unit", f.Reviewer, f.Other, rectify.BulkInput{Action: rectify.BulkVerify, Problems: three}, ziping.NotFound},
		{"a filler verifies", f.Filler, f.County, rectify.BulkInput{Action: rectify.BulkVerify, Problems: three}, ziping.Forbidden},
		{"the county's own reviewer verifies", f.CountyReviewer, f.County, rectify.BulkInput{Action: rectify.BulkVerify, Problems: three}, ziping.Forbidden},
		{"verify problems not done", f.Reviewer, root, rectify.BulkInput{Action: rectify.BulkVerify, Problems: three}, ziping.Invalid},
		{"return without a reason", f.Reviewer, root, rectify.BulkInput{Action: rectify.BulkReturn, Problems: three}, ziping.Invalid},
		{"an unknown action", f.Filler, f.County, rectify.BulkInput{Action: "delete", Problems: three}, ziping.Invalid},
	}
	for _, c := range refused {
		if _, err := f.Rectify.CheckBulk(f.Ctx, c.a, c.root, c.in); servicetest.KindOf(err) != c.kind {
			t.Errorf("%s: check says %v; want %v", c.name, err, c.kind)
		}
		in := c.in
		in.Problems = nil
		for _, p := range c.in.Problems {
			in.Problems = append(in.Problems, rectify.ProblemRef{ID: p.ID, Version: 1})
		}
		if _, err := f.Rectify.ApplyBulk(f.Ctx, c.a, c.root, in); servicetest.KindOf(err) != c.kind {
			t.Errorf("%s: apply says %v; want %v", c.name, err, c.kind)
		}
	}
	if got := f.LastAudit(t).Seq; got != seq {
		t.Fatalf("refused bulk actions wrote %d audit entries", got-seq)
	}
	// Applying needs the versions the confirmation showed.
	if _, err := f.Rectify.ApplyBulk(f.Ctx, f.Filler, f.County, assign); servicetest.KindOf(err) != ziping.Invalid {
		t.Fatalf("apply without versions: %v", err)
	}

	// The county assigns three problems: the question, then the change.
	plan, err := f.Rectify.CheckBulk(f.Ctx, f.Filler, f.County, assign)
	if err != nil || len(plan) != 3 {
		t.Fatalf("check: %d %v", len(plan), err)
	}
	for _, c := range plan {
		if c.After.Owner != "县教育局基建股" || !c.After.Deadline.Equal(deadline) || c.Before.Owner != "" || c.Unit.ID != f.County.ID {
			t.Fatalf("planned %+v", c)
		}
	}
	if p, _ := f.Store.Problem(f.Ctx, probs[0].ID); p.Owner != "" {
		t.Fatal("the question changed the problem")
	}
	// Another change between the question and the answer refuses all three.
	stale := assign
	stale.Problems = rectify.Refs(plan)
	stale.Problems[1].Version++
	if _, err := f.Rectify.ApplyBulk(f.Ctx, f.Filler, f.County, stale); servicetest.KindOf(err) != ziping.Conflict {
		t.Fatalf("stale version: %v", err)
	}
	if p, _ := f.Store.Problem(f.Ctx, probs[0].ID); p.Owner != "" {
		t.Fatal("a refused bulk action changed the first problem")
	}
	assign.Problems = rectify.Refs(plan)
	done, err := f.Rectify.ApplyBulk(f.Ctx, f.Filler, f.County, assign)
	if err != nil || len(done) != 3 {
		t.Fatalf("assign: %d %v", len(done), err)
	}
	for _, want := range probs[:3] {
		p, err := f.Store.Problem(f.Ctx, want.ID)
		if err != nil || p.Owner != "县教育局基建股" || !p.Deadline.Equal(deadline) || p.Version != want.Version+1 || p.Status != want.Status {
			t.Fatalf("after assign %+v %v", p, err)
		}
	}
	if p, _ := f.Store.Problem(f.Ctx, probs[3].ID); p.Owner != "" {
		t.Fatal("an unticked problem was assigned")
	}
	es, err := f.Store.Audit(f.Ctx, ziping.AuditQuery{Limit: 3})
	if err != nil || len(es) != 3 {
		t.Fatalf("audit %v", err)
	}
	for _, e := range es {
		if e.Action != "problem_assign" || e.UnitID != f.County.ID || e.UserID != f.Filler.UserID() {
			t.Fatalf("audit entry %+v", e)
		}
	}

	// The county finishes four problems; the reviewer verifies two at once and sends
	// two back with one reason.
	for _, want := range probs[:4] {
		p, _ := f.Store.Problem(f.Ctx, want.ID)
		if _, err := f.Rectify.UpdateProblem(f.Ctx, f.Filler, p.ID, rectify.ProblemUpdate{Measures: "已新建校舍", Owner: p.Owner, Deadline: p.Deadline,
			Status: ziping.ProblemDone, Note: "已完工", Version: p.Version}); err != nil {
			t.Fatal(err)
		}
	}
	verify := rectify.BulkInput{Action: rectify.BulkVerify, Problems: ids(probs[:2])}
	plan, err = f.Rectify.CheckBulk(f.Ctx, f.Reviewer, root, verify)
	if err != nil {
		t.Fatal(err)
	}
	verify.Problems = rectify.Refs(plan)
	if _, err := f.Rectify.ApplyBulk(f.Ctx, f.Reviewer, root, verify); err != nil {
		t.Fatal(err)
	}
	back := rectify.BulkInput{Action: rectify.BulkReturn, Reason: "佐证材料不全", Problems: ids(probs[2:4])}
	if _, err := f.Rectify.CheckBulk(f.Ctx, f.Filler, f.County, back); servicetest.KindOf(err) != ziping.Forbidden {
		t.Fatalf("a filler sends back: %v", err)
	}
	plan, err = f.Rectify.CheckBulk(f.Ctx, f.Reviewer, root, back)
	if err != nil {
		t.Fatal(err)
	}
	back.Problems = rectify.Refs(plan)
	if _, err := f.Rectify.ApplyBulk(f.Ctx, f.Reviewer, root, back); err != nil {
		t.Fatal(err)
	}
	for i, want := range probs[:4] {
		p, _ := f.Store.Problem(f.Ctx, want.ID)
		status, note := ziping.ProblemVerified, "已完工"
		if i >= 2 {
			status, note = ziping.ProblemInProgress, "佐证材料不全"
		}
		if p.Status != status || p.Note != note || p.Measures != "已新建校舍" {
			t.Errorf("problem %d after review: %s %q %q; want %s %q", i, p.Status, p.Note, p.Measures, status, note)
		}
	}
	es, _ = f.Store.Audit(f.Ctx, ziping.AuditQuery{Limit: 4})
	for _, e := range es {
		if e.Action != "problem_update" || e.UserID != f.Reviewer.UserID() {
			t.Fatalf("review audit entry %+v", e)
		}
	}
	// Verified problems are no longer assigned; a mixed selection is refused whole.
	if _, err := f.Rectify.CheckBulk(f.Ctx, f.Filler, f.County, rectify.BulkInput{Action: rectify.BulkAssign, Owner: "y", Problems: ids(probs[1:3])}); servicetest.KindOf(err) != ziping.Invalid {
		t.Fatalf("assign a verified problem: %v", err)
	}
}
