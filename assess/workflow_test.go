package assess_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/dataset"
	"ziping/engine"
	"ziping/servicetest"
)

func TestAssessmentWorkflow(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testAssessmentWorkflow(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testAssessmentWorkflow(t *testing.T, f *servicetest.Flow) {
	as := f.Start(t, 2024, false)
	if as.Status != ziping.StatusDraft || as.FrameworkVersion == "" {
		t.Fatalf("started: %+v", as)
	}
	// Nothing scored yet: the readiness check blocks the submission.
	items, err := f.Assess.Readiness(f.Ctx, f.Filler, as.ID)
	if err != nil {
		t.Fatal(err)
	}
	if servicetest.Blocking(items) == 0 {
		t.Fatalf("readiness of an empty assessment blocks nothing: %+v", items)
	}
	if err := f.Assess.Submit(f.Ctx, f.Filler, as.ID, ziping.StatusDraft); servicetest.KindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), "尚未评分") {
		t.Fatalf("submit unscored: %v", err)
	}
	f.ScoreAll(t, as.ID)
	items, _ = f.Assess.Readiness(f.Ctx, f.Filler, as.ID)
	if n := servicetest.Blocking(items); n != 0 {
		t.Fatalf("still %d blocking: %+v", n, items)
	}
	self := f.View(t, f.Filler, as.ID).Self

	// Others may not act: another county's filler does not even see it, the viewer
	// sees nothing unpublished, the filler cannot review.
	if _, err := f.Assess.Assessment(f.Ctx, f.Stranger, as.ID); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("stranger sees the draft: %v", err)
	}
	if _, err := f.Assess.Assessment(f.Ctx, f.Viewer, as.ID); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("viewer sees the draft: %v", err)
	}
	if err := f.Assess.Submit(f.Ctx, f.Stranger, as.ID, ""); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("stranger submits: %v", err)
	}

	if err := f.Assess.Submit(f.Ctx, f.Filler, as.ID, ziping.StatusDraft); err != nil {
		t.Fatal(err)
	}
	v := f.View(t, f.Filler, as.ID)
	if v.Assessment.Status != ziping.StatusSubmitted || v.Assessment.Round != 1 || v.Assessment.SnapshotID == 0 {
		t.Fatalf("after submit: %+v", v.Assessment)
	}
	// A submitted assessment is frozen for the unit.
	_, err = f.Assess.ScorePoint(f.Ctx, f.Filler, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: "J1", Score: ptr(1.0), Justification: "x", Version: 1})
	if servicetest.KindOf(err) != ziping.Conflict {
		t.Fatalf("filler edits a submitted assessment: %v", err)
	}
	if _, err := f.Assess.AddEvidence(f.Ctx, f.Filler, as.ID, assess.EvidenceInput{FileName: "a.pdf", Data: servicetest.PDF}); servicetest.KindOf(err) != ziping.Conflict {
		t.Fatalf("evidence after submit: %v", err)
	}
	// The filler cannot review; a reviewer of the county itself cannot either.
	for _, a := range []*ziping.Actor{f.Filler, f.CountyReviewer} {
		_, err := f.Assess.ScorePoint(f.Ctx, a, as.ID, assess.ScoreInput{Side: ziping.SideReview, Code: "1", Score: ptr(1.0), Justification: "x"})
		if servicetest.KindOf(err) != ziping.Forbidden {
			t.Fatalf("%s reviews: %v", a.User.Username, err)
		}
	}
	// Returning needs a reason.
	if err := f.Assess.Return(f.Ctx, f.Reviewer, as.ID, ziping.StatusSubmitted, " "); servicetest.KindOf(err) != ziping.Invalid {
		t.Fatalf("return without reason: %v", err)
	}
	manual := firstManual(v.Program.FW)
	review := manual.Max - 2
	if _, err := f.Assess.ScorePoint(f.Ctx, f.Reviewer, as.ID, assess.ScoreInput{Side: ziping.SideReview, Code: manual.Code, Score: &review,
		Justification: "佐证材料不全"}); err != nil {
		t.Fatal(err)
	}
	v = f.View(t, f.Reviewer, as.ID)
	if v.Review == nil || math.Abs(v.Self.Total-v.Review.Total-2) > 1e-9 {
		t.Fatalf("review total %v, self %v", v.Review, v.Self.Total)
	}
	// 自评可信度: 2 points off out of 100.
	if c := v.Credibility; c == nil || c.Points != 1 || c.Diff != 2 || math.Abs(c.Percent-(100-200/c.Max)) > 1e-9 {
		t.Fatalf("credibility %+v", v.Credibility)
	}
	if err := f.Assess.Return(f.Ctx, f.Reviewer, as.ID, ziping.StatusSubmitted, "请补充材料"); err != nil {
		t.Fatal(err)
	}
	// Returned: the unit edits again and resubmits; both scores are kept.
	ps, _ := f.View(t, f.Filler, as.ID).Score(ziping.SideSelf, manual.Code)
	f.Score(t, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: manual.Code, Score: ptr(manual.Max - 1), Justification: "已补充", Version: ps.Version})
	if err := f.Assess.Submit(f.Ctx, f.Filler, as.ID, ziping.StatusReturned); err != nil {
		t.Fatal(err)
	}
	v = f.View(t, f.Reviewer, as.ID)
	if v.Assessment.Status != ziping.StatusResubmitted || v.Assessment.Round != 2 {
		t.Fatalf("after resubmit: %+v", v.Assessment)
	}
	if math.Abs(self.Total-v.Self.Total-1) > 1e-9 {
		t.Fatalf("resubmitted self total %v, first %v", v.Self.Total, self.Total)
	}
	// Accepting twice from the same page: the second sees the status moved on.
	if err := f.Assess.Accept(f.Ctx, f.Reviewer, as.ID, ziping.StatusResubmitted, "同意"); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Accept(f.Ctx, f.Reviewer, as.ID, ziping.StatusResubmitted, "同意"); servicetest.KindOf(err) != ziping.Conflict {
		t.Fatalf("second accept: %v", err)
	}
	v = f.View(t, f.Reviewer, as.ID)
	if v.Assessment.Status != ziping.StatusReviewed || len(v.Problems) == 0 {
		t.Fatalf("after accept: status %s, %d problems", v.Assessment.Status, len(v.Problems))
	}
	if !slices.ContainsFunc(v.Problems, func(p ziping.Problem) bool {
		return p.Point == manual.Code && strings.Contains(p.Description, "佐证材料不全")
	}) {
		t.Fatalf("no problem for the reviewed point: %+v", v.Problems)
	}
	if _, err := f.Assess.Assessment(f.Ctx, f.Viewer, as.ID); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("viewer sees a reviewed assessment: %v", err)
	}
	if err := f.Assess.Publish(f.Ctx, f.Reviewer, as.ID, ziping.StatusReviewed); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Assess.Assessment(f.Ctx, f.Viewer, as.ID); err != nil {
		t.Fatalf("viewer cannot see the published assessment: %v", err)
	}
	// Every step is in the audit trail.
	es, err := f.Store.Audit(f.Ctx, ziping.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		if strings.HasPrefix(e.Object, "assessment:") {
			actions = append(actions, e.Action)
		}
	}
	for _, want := range []string{"assessment_start", "score_self", "evidence_add", "assessment_submitted", "score_review",
		"assessment_return", "assessment_resubmitted", "assessment_accept", "assessment_publish"} {
		if !slices.Contains(actions, want) {
			t.Errorf("no %s in the audit trail", want)
		}
	}
	if _, err := f.Assess.Audit.Verify(f.Ctx); err != nil {
		t.Fatal(err)
	}
}

func firstManual(fw *engine.Framework) engine.Point {
	for _, a := range fw.Areas {
		for _, pt := range a.Points {
			if pt.Rules[0].Kind == engine.RuleManual && pt.Max >= 2 {
				return pt
			}
		}
	}
	panic("no manual point")
}

// TestAssessmentSnapshot: what was submitted does not move when the data does,
// while a draft follows the data.
func TestAssessmentSnapshot(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testAssessmentSnapshot(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testAssessmentSnapshot(t *testing.T, f *servicetest.Flow) {
	sub := f.Start(t, 2024, false)
	f.ScoreAll(t, sub.ID)
	if err := f.Assess.Submit(f.Ctx, f.Filler, sub.ID, ""); err != nil {
		t.Fatal(err)
	}
	before := f.View(t, f.Filler, sub.ID).Self
	draft, err := f.Assess.StartAssessment(f.Ctx, f.Filler, "yzjh-2017", f.County, 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	draftBefore := f.View(t, f.Filler, draft.ID).Self
	// Halve every school's teaching area in 2024.
	ds := servicetest.DemoDataset(t)
	snap := ds.Periods[2024]
	col := snap.Schools.Num[engine.SchoolElementIndex("teaching_area")]
	for i := range col {
		col[i] /= 2
	}
	if _, err := f.Data.ImportDataset(f.Ctx, ziping.System, ds, dataset.ImportSource{File: "改.xlsx"}); err != nil {
		t.Fatal(err)
	}
	after := f.View(t, f.Filler, sub.ID).Self
	if !sameMetrics(before, after) || before.Total != after.Total {
		t.Fatalf("the submitted result moved with the data: %v → %v", before.Total, after.Total)
	}
	draftAfter := f.View(t, f.Filler, draft.ID).Self
	if sameMetrics(draftBefore, draftAfter) {
		t.Fatal("the draft did not follow the data")
	}
	// The stored summary of the draft followed too (the import recomputed it).
	as, _ := f.Store.Assessment(f.Ctx, draft.ID)
	sm, err := assess.SummaryOf(as)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := draftAfter.Metric("primary.teaching_area_per_student")
	if got := sm.Self.Metrics["primary.teaching_area_per_student"]; m.OK && math.Abs(got-m.Value) > 1e-9 {
		t.Fatalf("summary metric %v, result %v", got, m.Value)
	}
}

func sameMetrics(a, b *engine.Result) bool {
	for i := range a.Metrics {
		x, y := a.Metrics[i], b.Metrics[i]
		if x.OK != y.OK || (x.OK && x.Value != y.Value) {
			return false
		}
	}
	return true
}

// TestStartFromLastYear: scores and evidence links are copied, each to confirm, and
// the readiness check holds the submission until they are.
func TestStartFromLastYear(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testStartFromLastYear(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testStartFromLastYear(t *testing.T, f *servicetest.Flow) {
	last := f.Start(t, 2023, false)
	f.ScoreAll(t, last.ID)
	n := len(f.View(t, f.Filler, last.ID).Evidence)
	cur := f.Start(t, 2024, true)
	v := f.View(t, f.Filler, cur.ID)
	if v.Assessment.FromID != last.ID || len(v.Evidence) != n || n == 0 {
		t.Fatalf("from %d, %d evidence of %d", v.Assessment.FromID, len(v.Evidence), n)
	}
	for _, e := range v.Evidence {
		if !e.ToConfirm {
			t.Fatalf("evidence not marked to confirm: %+v", e)
		}
	}
	for _, ps := range v.Scores[ziping.SideSelf] {
		if !ps.ToConfirm {
			t.Fatalf("score not marked to confirm: %+v", ps)
		}
	}
	items, _ := f.Assess.Readiness(f.Ctx, f.Filler, cur.ID)
	if servicetest.Blocking(items) < n {
		t.Fatalf("readiness: %d blocking, want at least %d", servicetest.Blocking(items), n)
	}
	// Confirming: evidence one by one, scores by saving them again.
	for _, e := range v.Evidence {
		if _, err := f.Assess.ConfirmEvidence(f.Ctx, f.Filler, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	for code, ps := range v.Scores[ziping.SideSelf] {
		f.Score(t, cur.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: code, Score: ps.Score, Checked: ps.Checked, Triggered: ps.Triggered,
			Justification: ps.Justification, Version: ps.Version})
	}
	items, _ = f.Assess.Readiness(f.Ctx, f.Filler, cur.ID)
	if n := servicetest.Blocking(items); n != 0 {
		t.Fatalf("after confirming, %d blocking: %+v", n, items)
	}
	// Evidence files are kept once.
	if _, err := f.Assess.StartAssessment(f.Ctx, f.Filler, "lxzz-county", f.County, 2024, true); servicetest.KindOf(err) != ziping.Conflict {
		t.Fatalf("second start: %v", err)
	}
	if _, err := f.Assess.StartAssessment(f.Ctx, f.Filler, "lxzz-county", f.County, 2022, true); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("start from a missing year: %v", err)
	}
}

// TestReviewVerdict: on a verdict framework the reviewer's 未达标 (one rule short of
// the point's maximum) fails a passing point and the verdict; 达标 (the maximum)
// passes a failing point.
func TestReviewVerdict(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testReviewVerdict(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testReviewVerdict(t *testing.T, f *servicetest.Flow) {
	as := f.StartFW(t, "yzjh-2017", 2024, false)
	f.ScoreAll(t, as.ID)
	if err := f.Assess.Submit(f.Ctx, f.Filler, as.ID, ""); err != nil {
		t.Fatal(err)
	}
	self := f.View(t, f.Reviewer, as.ID).Self
	var pass, fail *engine.PointResult
	for _, p := range allPoints(self) {
		if p.Status != engine.StatusScored {
			continue
		}
		if p.Passed && pass == nil {
			pass = &p
		} else if !p.Passed && fail == nil {
			fail = &p
		}
	}
	if pass == nil || fail == nil {
		t.Fatalf("need a passing and a failing point: %+v", allPoints(self))
	}
	review := func(p *engine.PointResult, score float64) {
		t.Helper()
		if _, err := f.Assess.ScorePoint(f.Ctx, f.Reviewer, as.ID, assess.ScoreInput{Side: ziping.SideReview, Code: p.Code, Score: &score,
			Justification: "现场核查"}); err != nil {
			t.Fatal(err)
		}
	}
	review(pass, pass.Max-1)
	review(fail, fail.Max)
	v := f.View(t, f.Reviewer, as.ID)
	for _, p := range allPoints(v.Review) {
		switch p.Code {
		case pass.Code:
			if p.Passed {
				t.Errorf("point %s still passes after 未达标", p.Code)
			}
		case fail.Code:
			if !p.Passed {
				t.Errorf("point %s still fails after 达标", p.Code)
			}
		}
	}
	if v.Review.Verdict == "" || v.Review.Passed {
		t.Errorf("verdict %q passed %v with a failed point", v.Review.Verdict, v.Review.Passed)
	}
	if c := v.Credibility; c == nil || !c.Verdict || c.Points != 2 {
		t.Errorf("credibility %+v, want 2 points differing", v.Credibility)
	}
}

func allPoints(r *engine.Result) []engine.PointResult {
	var out []engine.PointResult
	for _, a := range r.Areas {
		out = append(out, a.Points...)
	}
	return out
}

// TestSchoolFrameworkNotForCounties: a framework that assesses schools cannot be
// started as a county's self-evaluation; the county frameworks can.
func TestSchoolFrameworkNotForCounties(t *testing.T) {
	f := servicetest.NewFlow(t)
	_, err := f.Assess.StartAssessment(f.Ctx, f.Filler, "xxbxzl-2021", f.County, 2024, false)
	if servicetest.KindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), "评价的是学校") {
		t.Errorf("school framework for a county: %v", err)
	}
	for _, fw := range []string{"xqpjph-2020", "jbjh-2012"} {
		if _, err := f.Assess.StartAssessment(f.Ctx, f.Filler, fw, f.County, 2024, false); err != nil {
			t.Errorf("%s: %v", fw, err)
		}
	}
}
