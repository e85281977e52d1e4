package assess_test

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/dataset"
	"ziping/engine"
	"ziping/servicetest"
)

func ptr[T any](v T) *T { return &v }

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

func TestEvidenceChecks(t *testing.T) {
	f := servicetest.NewFlow(t)
	as := f.Start(t, 2024, false)
	f.Assess.MaxEvidence = 64
	cases := []struct {
		name string
		in   assess.EvidenceInput
		want string
	}{
		{"text renamed pdf", assess.EvidenceInput{FileName: "a.pdf", Data: []byte("hello")}, "不符"},
		{"exe", assess.EvidenceInput{FileName: "a.exe", Data: []byte("MZ")}, "不支持"},
		{"empty", assess.EvidenceInput{FileName: "a.pdf"}, "空文件"},
		{"too big", assess.EvidenceInput{FileName: "a.pdf", Data: append(slices.Clone(servicetest.PDF), make([]byte, 100)...)}, "上限"},
		{"bad doc number", assess.EvidenceInput{FileName: "a.pdf", Data: servicetest.PDF, DocNumber: "97号"}, "文号"},
		{"unknown point", assess.EvidenceInput{FileName: "a.pdf", Data: servicetest.PDF, Point: "99"}, "没有测评点"},
	}
	for _, c := range cases {
		if _, err := f.Assess.AddEvidence(f.Ctx, f.Filler, as.ID, c.in); servicetest.KindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want Invalid with %q", c.name, err, c.want)
		}
	}
	if _, err := f.Assess.AddEvidence(f.Ctx, f.Stranger, as.ID, assess.EvidenceInput{FileName: "a.pdf", Data: servicetest.PDF}); servicetest.KindOf(err) != ziping.NotFound {
		t.Errorf("stranger uploads: %v", err)
	}
	e := f.Evidence(t, as.ID, "", "南政办发[2018] 97号", 0)
	if e.DocNumber != "南政办发〔2018〕97号" || e.Period != 2018 || len(e.SHA256) != 64 || e.ContentType != "application/pdf" {
		t.Fatalf("evidence %+v", e)
	}
	got, data, err := f.Assess.EvidenceFile(f.Ctx, f.Filler, e.ID)
	if err != nil || string(data) != string(servicetest.PDF) || got.Title != "材料" {
		t.Fatalf("download %v %q %v", got, data, err)
	}
	if _, _, err := f.Assess.EvidenceFile(f.Ctx, f.Stranger, e.ID); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("stranger downloads: %v", err)
	}
	// A 2018 document in a 2024 assessment is flagged, not blocking.
	items, _ := f.Assess.Readiness(f.Ctx, f.Filler, as.ID)
	if !slices.ContainsFunc(items, func(it assess.ReadinessItem) bool { return it.Kind == "other_period" && !it.Blocking }) {
		t.Fatalf("no other_period warning: %+v", items)
	}
}

func TestDocNumber(t *testing.T) {
	for in, want := range map[string]string{
		"南政办发〔2018〕97号":  "南政办发〔2018〕97号",
		"南政办发[2018]97号":  "南政办发〔2018〕97号",
		"南政办发（2018）97号":  "南政办发〔2018〕97号",
		"教督办 〔2024〕 第5号": "教督办〔2024〕5号",
	} {
		got, _, err := assess.NormalizeDocNumber(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "97号", "南政办发2018年97号", "南政办发〔18〕97号"} {
		if _, _, err := assess.NormalizeDocNumber(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
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

func allPoints(r *engine.Result) []engine.PointResult {
	var out []engine.PointResult
	for _, a := range r.Areas {
		out = append(out, a.Points...)
	}
	return out
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

// FuzzDocNumber: a 文号 that is accepted is written in a form that is accepted again
// unchanged, with its year inside it.
func FuzzDocNumber(f *testing.F) {
	for _, s := range []string{"南政办发〔2018〕97号", "南政办发[2018]97号", "教督办 （2024） 第5号", "97号", "", "〔〕号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, year, err := assess.NormalizeDocNumber(s)
		if err != nil {
			return
		}
		again, year2, err := assess.NormalizeDocNumber(got)
		if err != nil || again != got || year2 != year {
			t.Fatalf("%q → %q (%d), then %q (%d) %v", s, got, year, again, year2, err)
		}
		if year < 1900 || year > 2099 || !strings.Contains(got, "〔"+strconv.Itoa(year)+"〕") {
			t.Fatalf("%q → %q: year %d", s, got, year)
		}
	})
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
