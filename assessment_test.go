package ziping_test

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ziping"
	"ziping/engine"
	"ziping/report"
)

// pdf is the smallest file that passes as a PDF.
var pdf = []byte("%PDF-1.4\n%%EOF\n")

// aflow is a service fixture with the people of an assessment: two fillers of the
// first county, a reviewer of the province, a viewer of the county and a filler of
// another county.
type aflow struct {
	*fixture
	county, other                   *ziping.OrgUnit
	filler, filler2, reviewer       *ziping.Actor
	viewer, stranger, countyReviewr *ziping.Actor
}

func newFlow(t *testing.T) *aflow { return newFlowOn(t, openSQLite(t)) }

func newFlowOn(t *testing.T, st ziping.Store) *aflow {
	f := &aflow{fixture: newFixtureOn(t, st)}
	counties, err := f.svc.Store.Subtree(f.ctx, nil, ziping.LevelCounty)
	if err != nil || len(counties) < 2 {
		t.Fatalf("counties: %v %v", counties, err)
	}
	f.county, f.other = &counties[0], &counties[1]
	f.user(t, "tian", ziping.RoleFiller, f.county.Code)
	f.user(t, "diren", ziping.RoleFiller, f.county.Code)
	f.user(t, "duban", ziping.RoleReviewer, "990000")
	f.user(t, "kan", ziping.RoleViewer, f.county.Code)
	f.user(t, "wai", ziping.RoleFiller, f.other.Code)
	f.user(t, "ziping", ziping.RoleReviewer, f.county.Code)
	f.filler, f.filler2, f.reviewer = f.actor(t, "tian"), f.actor(t, "diren"), f.actor(t, "duban")
	f.viewer, f.stranger, f.countyReviewr = f.actor(t, "kan"), f.actor(t, "wai"), f.actor(t, "ziping")
	return f
}

func (f *aflow) start(t *testing.T, period int, fromLast bool) *ziping.Assessment {
	t.Helper()
	return f.startFW(t, "lxzz-county", period, fromLast)
}

func (f *aflow) startFW(t *testing.T, fw string, period int, fromLast bool) *ziping.Assessment {
	t.Helper()
	as, err := f.svc.StartAssessment(f.ctx, f.filler, fw, f.county, period, fromLast)
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func (f *aflow) view(t *testing.T, a *ziping.Actor, id int64) *ziping.AssessmentView {
	t.Helper()
	v, err := f.svc.Assessment(f.ctx, a, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

// scoreAll gives every people-scored point full marks with evidence (bonus items
// nothing) and decides every manual veto as not triggered.
func (f *aflow) scoreAll(t *testing.T, id int64) {
	t.Helper()
	v := f.view(t, f.filler, id)
	fw := v.Program.FW
	var pts []engine.Point
	for _, a := range fw.Areas {
		pts = append(pts, a.Points...)
	}
	for _, pt := range pts {
		for _, r := range pt.Rules {
			in := ziping.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Justification: "已落实"}
			switch r.Kind {
			case engine.RuleManual:
				in.Score = ptr(pt.Max)
			case engine.RuleChecklist:
				for _, it := range r.Items {
					in.Checked = append(in.Checked, it.ID)
				}
			default:
				continue
			}
			if ps, ok := v.Score(ziping.SideSelf, pt.Code); ok {
				in.Version = ps.Version
			}
			f.score(t, id, in)
			f.evidence(t, id, pt.Code, "", 0)
		}
	}
	var bonus []engine.Point
	if fw.Bonus != nil {
		bonus = fw.Bonus.Items
	}
	for _, b := range bonus {
		in := ziping.ScoreInput{Side: ziping.SideSelf, Code: b.Code, Justification: "无"}
		if b.Rules[0].Kind == engine.RuleManual {
			in.Score = ptr(0.0)
		} else {
			in.Checked = []string{}
		}
		f.score(t, id, in)
	}
	for _, vt := range fw.Vetoes {
		if vt.Manual {
			f.score(t, id, ziping.ScoreInput{Side: ziping.SideSelf, Code: vt.Code, Triggered: ptr(false)})
		}
	}
}

func (f *aflow) score(t *testing.T, id int64, in ziping.ScoreInput) *ziping.PointScore {
	t.Helper()
	ps, err := f.svc.ScorePoint(f.ctx, f.filler, id, in)
	if err != nil {
		t.Fatalf("score %s: %v", in.Code, err)
	}
	return ps
}

func (f *aflow) evidence(t *testing.T, id int64, point, docNumber string, period int) *ziping.Evidence {
	t.Helper()
	e, err := f.svc.AddEvidence(f.ctx, f.filler, id, ziping.EvidenceInput{Point: point, Title: "材料" + point, DocNumber: docNumber,
		Period: period, FileName: "材料" + point + ".pdf", Data: pdf})
	if err != nil {
		t.Fatalf("evidence %s: %v", point, err)
	}
	return e
}

func kindOf(err error) ziping.Kind {
	var ze *ziping.Error
	if errors.As(err, &ze) {
		return ze.Kind
	}
	return 255 // no domain error
}

func TestAssessmentWorkflow(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testAssessmentWorkflow(t, newFlowOn(t, st.open(t))) })
	}
}

func testAssessmentWorkflow(t *testing.T, f *aflow) {
	as := f.start(t, 2024, false)
	if as.Status != ziping.StatusDraft || as.FrameworkVersion == "" {
		t.Fatalf("started: %+v", as)
	}
	// Nothing scored yet: the readiness check blocks the submission.
	items, err := f.svc.Readiness(f.ctx, f.filler, as.ID)
	if err != nil {
		t.Fatal(err)
	}
	if blocking(items) == 0 {
		t.Fatalf("readiness of an empty assessment blocks nothing: %+v", items)
	}
	if err := f.svc.Submit(f.ctx, f.filler, as.ID, ziping.StatusDraft); kindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), "尚未评分") {
		t.Fatalf("submit unscored: %v", err)
	}
	f.scoreAll(t, as.ID)
	items, _ = f.svc.Readiness(f.ctx, f.filler, as.ID)
	if n := blocking(items); n != 0 {
		t.Fatalf("still %d blocking: %+v", n, items)
	}
	self := f.view(t, f.filler, as.ID).Self

	// Others may not act: another county's filler does not even see it, the viewer
	// sees nothing unpublished, the filler cannot review.
	if _, err := f.svc.Assessment(f.ctx, f.stranger, as.ID); kindOf(err) != ziping.NotFound {
		t.Fatalf("stranger sees the draft: %v", err)
	}
	if _, err := f.svc.Assessment(f.ctx, f.viewer, as.ID); kindOf(err) != ziping.NotFound {
		t.Fatalf("viewer sees the draft: %v", err)
	}
	if err := f.svc.Submit(f.ctx, f.stranger, as.ID, ""); kindOf(err) != ziping.NotFound {
		t.Fatalf("stranger submits: %v", err)
	}

	if err := f.svc.Submit(f.ctx, f.filler, as.ID, ziping.StatusDraft); err != nil {
		t.Fatal(err)
	}
	v := f.view(t, f.filler, as.ID)
	if v.Assessment.Status != ziping.StatusSubmitted || v.Assessment.Round != 1 || v.Assessment.SnapshotID == 0 {
		t.Fatalf("after submit: %+v", v.Assessment)
	}
	// A submitted assessment is frozen for the unit.
	_, err = f.svc.ScorePoint(f.ctx, f.filler, as.ID, ziping.ScoreInput{Side: ziping.SideSelf, Code: "J1", Score: ptr(1.0), Justification: "x", Version: 1})
	if kindOf(err) != ziping.Conflict {
		t.Fatalf("filler edits a submitted assessment: %v", err)
	}
	if _, err := f.svc.AddEvidence(f.ctx, f.filler, as.ID, ziping.EvidenceInput{FileName: "a.pdf", Data: pdf}); kindOf(err) != ziping.Conflict {
		t.Fatalf("evidence after submit: %v", err)
	}
	// The filler cannot review; a reviewer of the county itself cannot either.
	for _, a := range []*ziping.Actor{f.filler, f.countyReviewr} {
		_, err := f.svc.ScorePoint(f.ctx, a, as.ID, ziping.ScoreInput{Side: ziping.SideReview, Code: "1", Score: ptr(1.0), Justification: "x"})
		if kindOf(err) != ziping.Forbidden {
			t.Fatalf("%s reviews: %v", a.User.Username, err)
		}
	}
	// Returning needs a reason.
	if err := f.svc.Return(f.ctx, f.reviewer, as.ID, ziping.StatusSubmitted, " "); kindOf(err) != ziping.Invalid {
		t.Fatalf("return without reason: %v", err)
	}
	manual := firstManual(v.Program.FW)
	review := manual.Max - 2
	if _, err := f.svc.ScorePoint(f.ctx, f.reviewer, as.ID, ziping.ScoreInput{Side: ziping.SideReview, Code: manual.Code, Score: &review,
		Justification: "佐证材料不全"}); err != nil {
		t.Fatal(err)
	}
	v = f.view(t, f.reviewer, as.ID)
	if v.Review == nil || math.Abs(v.Self.Total-v.Review.Total-2) > 1e-9 {
		t.Fatalf("review total %v, self %v", v.Review, v.Self.Total)
	}
	// 自评可信度: 2 points off out of 100.
	if c := v.Credibility; c == nil || c.Points != 1 || c.Diff != 2 || math.Abs(c.Percent-(100-200/c.Max)) > 1e-9 {
		t.Fatalf("credibility %+v", v.Credibility)
	}
	if err := f.svc.Return(f.ctx, f.reviewer, as.ID, ziping.StatusSubmitted, "请补充材料"); err != nil {
		t.Fatal(err)
	}
	// Returned: the unit edits again and resubmits; both scores are kept.
	ps, _ := f.view(t, f.filler, as.ID).Score(ziping.SideSelf, manual.Code)
	f.score(t, as.ID, ziping.ScoreInput{Side: ziping.SideSelf, Code: manual.Code, Score: ptr(manual.Max - 1), Justification: "已补充", Version: ps.Version})
	if err := f.svc.Submit(f.ctx, f.filler, as.ID, ziping.StatusReturned); err != nil {
		t.Fatal(err)
	}
	v = f.view(t, f.reviewer, as.ID)
	if v.Assessment.Status != ziping.StatusResubmitted || v.Assessment.Round != 2 {
		t.Fatalf("after resubmit: %+v", v.Assessment)
	}
	if math.Abs(self.Total-v.Self.Total-1) > 1e-9 {
		t.Fatalf("resubmitted self total %v, first %v", v.Self.Total, self.Total)
	}
	// Accepting twice from the same page: the second sees the status moved on.
	if err := f.svc.Accept(f.ctx, f.reviewer, as.ID, ziping.StatusResubmitted, "同意"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Accept(f.ctx, f.reviewer, as.ID, ziping.StatusResubmitted, "同意"); kindOf(err) != ziping.Conflict {
		t.Fatalf("second accept: %v", err)
	}
	v = f.view(t, f.reviewer, as.ID)
	if v.Assessment.Status != ziping.StatusReviewed || len(v.Problems) == 0 {
		t.Fatalf("after accept: status %s, %d problems", v.Assessment.Status, len(v.Problems))
	}
	if !slices.ContainsFunc(v.Problems, func(p ziping.Problem) bool {
		return p.Point == manual.Code && strings.Contains(p.Description, "佐证材料不全")
	}) {
		t.Fatalf("no problem for the reviewed point: %+v", v.Problems)
	}
	if _, err := f.svc.Assessment(f.ctx, f.viewer, as.ID); kindOf(err) != ziping.NotFound {
		t.Fatalf("viewer sees a reviewed assessment: %v", err)
	}
	if err := f.svc.Publish(f.ctx, f.reviewer, as.ID, ziping.StatusReviewed); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Assessment(f.ctx, f.viewer, as.ID); err != nil {
		t.Fatalf("viewer cannot see the published assessment: %v", err)
	}
	// Every step is in the audit trail.
	es, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 1000})
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
	if _, err := f.svc.VerifyAudit(f.ctx); err != nil {
		t.Fatal(err)
	}
}

func blocking(items []ziping.ReadinessItem) int {
	n := 0
	for _, it := range items {
		if it.Blocking {
			n++
		}
	}
	return n
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
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testAssessmentSnapshot(t, newFlowOn(t, st.open(t))) })
	}
}

func testAssessmentSnapshot(t *testing.T, f *aflow) {
	sub := f.start(t, 2024, false)
	f.scoreAll(t, sub.ID)
	if err := f.svc.Submit(f.ctx, f.filler, sub.ID, ""); err != nil {
		t.Fatal(err)
	}
	before := f.view(t, f.filler, sub.ID).Self
	draft, err := f.svc.StartAssessment(f.ctx, f.filler, "yzjh-2017", f.county, 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	draftBefore := f.view(t, f.filler, draft.ID).Self
	// Halve every school's teaching area in 2024.
	ds := demoDataset(t)
	snap := ds.Periods[2024]
	col := snap.Schools.Num[engine.SchoolElementIndex("teaching_area")]
	for i := range col {
		col[i] /= 2
	}
	if _, err := f.svc.ImportDataset(f.ctx, ziping.System, ds, ziping.ImportSource{File: "改.xlsx"}); err != nil {
		t.Fatal(err)
	}
	after := f.view(t, f.filler, sub.ID).Self
	if !sameMetrics(before, after) || before.Total != after.Total {
		t.Fatalf("the submitted result moved with the data: %v → %v", before.Total, after.Total)
	}
	draftAfter := f.view(t, f.filler, draft.ID).Self
	if sameMetrics(draftBefore, draftAfter) {
		t.Fatal("the draft did not follow the data")
	}
	// The stored summary of the draft followed too (the import recomputed it).
	as, _ := f.svc.Store.Assessment(f.ctx, draft.ID)
	sm, err := ziping.SummaryOf(as)
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
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testScoreConflict(t, newFlowOn(t, st.open(t))) })
	}
}

func testScoreConflict(t *testing.T, f *aflow) {
	as := f.start(t, 2024, false)
	pt := firstManual(f.view(t, f.filler, as.ID).Program.FW)
	if _, err := f.svc.ScorePoint(f.ctx, f.filler, as.ID, ziping.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Score: ptr(1.0), Justification: "甲的理由"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.ScorePoint(f.ctx, f.filler2, as.ID, ziping.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Score: ptr(2.0), Justification: "乙的理由"})
	var ze *ziping.Error
	var sc *ziping.ScoreConflict
	if !errors.As(err, &ze) || ze.Kind != ziping.Conflict || !errors.As(err, &sc) {
		t.Fatalf("second write: %v", err)
	}
	if *sc.Current.Score != 1 || sc.By != "tian" || !strings.Contains(ze.Msg, "甲的理由") || !strings.Contains(ze.Msg, "1分") {
		t.Fatalf("conflict %+v %q", sc, ze.Msg)
	}
	ps, _ := f.view(t, f.filler, as.ID).Score(ziping.SideSelf, pt.Code)
	if *ps.Score != 1 || ps.Justification != "甲的理由" {
		t.Fatalf("stored %+v", ps)
	}
	// With the version they now see, the second person's change goes through.
	if _, err := f.svc.ScorePoint(f.ctx, f.filler2, as.ID, ziping.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Score: ptr(2.0), Justification: "乙的理由", Version: ps.Version}); err != nil {
		t.Fatal(err)
	}
}

func TestScoreValidation(t *testing.T) {
	f := newFlow(t)
	as := f.start(t, 2024, false)
	fw := f.view(t, f.filler, as.ID).Program.FW
	manual := firstManual(fw)
	cases := []struct {
		name string
		in   ziping.ScoreInput
		want string
	}{
		{"unknown point", ziping.ScoreInput{Code: "99", Score: ptr(1.0), Justification: "x"}, "没有「99」"},
		{"data point", ziping.ScoreInput{Code: dataPoint(fw), Score: ptr(1.0), Justification: "x"}, "由数据计算"},
		{"over max", ziping.ScoreInput{Code: manual.Code, Score: ptr(manual.Max + 1), Justification: "x"}, "之间"},
		{"negative", ziping.ScoreInput{Code: manual.Code, Score: ptr(-1.0), Justification: "x"}, "之间"},
		{"NaN", ziping.ScoreInput{Code: manual.Code, Score: ptr(math.NaN()), Justification: "x"}, "请填写分数"},
		{"three decimals", ziping.ScoreInput{Code: manual.Code, Score: ptr(0.125), Justification: "x"}, "两位小数"},
		{"no justification", ziping.ScoreInput{Code: manual.Code, Score: ptr(1.0)}, "评分说明"},
		{"unknown item", ziping.ScoreInput{Code: "J3", Checked: []string{"nope"}}, "没有「nope」"},
		{"item twice", ziping.ScoreInput{Code: "J3", Checked: []string{"pilot", "pilot"}}, "重复"},
		{"veto without reason", ziping.ScoreInput{Code: "V1", Triggered: ptr(true)}, "理由"},
		{"bad side", ziping.ScoreInput{Side: "other", Code: manual.Code, Score: ptr(1.0), Justification: "x"}, "评分方"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.in.Side == "" {
				c.in.Side = ziping.SideSelf
			}
			_, err := f.svc.ScorePoint(f.ctx, f.filler, as.ID, c.in)
			if kindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want Invalid with %q", err, c.want)
			}
		})
	}
	if scores, _ := f.svc.Store.PointScores(f.ctx, as.ID); len(scores) != 0 {
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
	f := newFlow(t)
	as := f.start(t, 2024, false)
	f.svc.MaxEvidence = 64
	cases := []struct {
		name string
		in   ziping.EvidenceInput
		want string
	}{
		{"text renamed pdf", ziping.EvidenceInput{FileName: "a.pdf", Data: []byte("hello")}, "不符"},
		{"exe", ziping.EvidenceInput{FileName: "a.exe", Data: []byte("MZ")}, "不支持"},
		{"empty", ziping.EvidenceInput{FileName: "a.pdf"}, "空文件"},
		{"too big", ziping.EvidenceInput{FileName: "a.pdf", Data: append(slices.Clone(pdf), make([]byte, 100)...)}, "上限"},
		{"bad doc number", ziping.EvidenceInput{FileName: "a.pdf", Data: pdf, DocNumber: "97号"}, "文号"},
		{"unknown point", ziping.EvidenceInput{FileName: "a.pdf", Data: pdf, Point: "99"}, "没有测评点"},
	}
	for _, c := range cases {
		if _, err := f.svc.AddEvidence(f.ctx, f.filler, as.ID, c.in); kindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want Invalid with %q", c.name, err, c.want)
		}
	}
	if _, err := f.svc.AddEvidence(f.ctx, f.stranger, as.ID, ziping.EvidenceInput{FileName: "a.pdf", Data: pdf}); kindOf(err) != ziping.NotFound {
		t.Errorf("stranger uploads: %v", err)
	}
	e := f.evidence(t, as.ID, "", "南政办发[2018] 97号", 0)
	if e.DocNumber != "南政办发〔2018〕97号" || e.Period != 2018 || len(e.SHA256) != 64 || e.ContentType != "application/pdf" {
		t.Fatalf("evidence %+v", e)
	}
	got, data, err := f.svc.EvidenceFile(f.ctx, f.filler, e.ID)
	if err != nil || string(data) != string(pdf) || got.Title != "材料" {
		t.Fatalf("download %v %q %v", got, data, err)
	}
	if _, _, err := f.svc.EvidenceFile(f.ctx, f.stranger, e.ID); kindOf(err) != ziping.NotFound {
		t.Fatalf("stranger downloads: %v", err)
	}
	// A 2018 document in a 2024 assessment is flagged, not blocking.
	items, _ := f.svc.Readiness(f.ctx, f.filler, as.ID)
	if !slices.ContainsFunc(items, func(it ziping.ReadinessItem) bool { return it.Kind == "other_period" && !it.Blocking }) {
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
		got, _, err := ziping.NormalizeDocNumber(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "97号", "南政办发2018年97号", "南政办发〔18〕97号"} {
		if _, _, err := ziping.NormalizeDocNumber(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestStartFromLastYear: scores and evidence links are copied, each to confirm, and
// the readiness check holds the submission until they are.
func TestStartFromLastYear(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testStartFromLastYear(t, newFlowOn(t, st.open(t))) })
	}
}

func testStartFromLastYear(t *testing.T, f *aflow) {
	last := f.start(t, 2023, false)
	f.scoreAll(t, last.ID)
	n := len(f.view(t, f.filler, last.ID).Evidence)
	cur := f.start(t, 2024, true)
	v := f.view(t, f.filler, cur.ID)
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
	items, _ := f.svc.Readiness(f.ctx, f.filler, cur.ID)
	if blocking(items) < n {
		t.Fatalf("readiness: %d blocking, want at least %d", blocking(items), n)
	}
	// Confirming: evidence one by one, scores by saving them again.
	for _, e := range v.Evidence {
		if _, err := f.svc.ConfirmEvidence(f.ctx, f.filler, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	for code, ps := range v.Scores[ziping.SideSelf] {
		f.score(t, cur.ID, ziping.ScoreInput{Side: ziping.SideSelf, Code: code, Score: ps.Score, Checked: ps.Checked, Triggered: ps.Triggered,
			Justification: ps.Justification, Version: ps.Version})
	}
	items, _ = f.svc.Readiness(f.ctx, f.filler, cur.ID)
	if n := blocking(items); n != 0 {
		t.Fatalf("after confirming, %d blocking: %+v", n, items)
	}
	// Evidence files are kept once.
	if _, err := f.svc.StartAssessment(f.ctx, f.filler, "lxzz-county", f.county, 2024, true); kindOf(err) != ziping.Conflict {
		t.Fatalf("second start: %v", err)
	}
	if _, err := f.svc.StartAssessment(f.ctx, f.filler, "lxzz-county", f.county, 2022, true); kindOf(err) != ziping.NotFound {
		t.Fatalf("start from a missing year: %v", err)
	}
}

// TestProblemsAndRanking: accepted assessments rank, their lost points become
// problems, problems are worked and verified, overdue ones are counted, and the
// public ranking shows published results only.
func TestProblemsAndRanking(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testProblemsAndRanking(t, newFlowOn(t, st.open(t))) })
	}
}

func testProblemsAndRanking(t *testing.T, f *aflow) {
	root, _ := f.svc.Store.UnitByCode(f.ctx, "990000")
	as := f.start(t, 2024, false)
	f.scoreAll(t, as.ID)
	if err := f.svc.Submit(f.ctx, f.filler, as.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Accept(f.ctx, f.reviewer, as.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	rk, err := f.svc.Ranking(f.ctx, f.reviewer, root, "lxzz-county", 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	if rk.Ranked != 1 || rk.Rows[0].Unit.Code != f.county.Code || rk.Rows[0].Rank != 1 || len(rk.Rows) != 3 {
		t.Fatalf("ranking %+v", rk.Rows)
	}
	if pub, _ := f.svc.Ranking(f.ctx, nil, root, "lxzz-county", 2024, false); len(pub.Rows) != 0 {
		t.Fatalf("the public sees unpublished rows: %+v", pub.Rows)
	}
	if n, err := f.svc.PublishAll(f.ctx, f.reviewer, root, "lxzz-county", 2024); err != nil || n != 1 {
		t.Fatalf("publish all: %d %v", n, err)
	}
	if pub, _ := f.svc.Ranking(f.ctx, nil, root, "lxzz-county", 2024, false); len(pub.Rows) != 1 {
		t.Fatalf("published ranking %+v", pub.Rows)
	}
	v := f.view(t, f.filler, as.ID)
	if len(v.Problems) == 0 {
		t.Skip("the demo county lost no points") // never with seed 5; kept honest
	}
	p := v.Problems[0]
	deadline := f.clock.t.AddDate(0, 1, 0)
	// A reviewer alone neither writes the measures nor marks a problem done: done is
	// the unit's step (before issue 9 a reviewer did both, then verified its own
	// "done"). Nor can it verify a problem the unit has not finished.
	for _, st := range []string{ziping.ProblemDone, ziping.ProblemInProgress} {
		if _, err := f.svc.UpdateProblem(f.ctx, f.reviewer, p.ID, ziping.ProblemUpdate{Measures: "督导代写", Owner: "督导", Deadline: deadline,
			Status: st, Version: p.Version}); kindOf(err) != ziping.Forbidden {
			t.Fatalf("a reviewer sets the unit's problem to %s: %v; want Forbidden", st, err)
		}
	}
	if _, err := f.svc.UpdateProblem(f.ctx, f.reviewer, p.ID, ziping.ProblemUpdate{Status: ziping.ProblemVerified, Version: p.Version}); kindOf(err) != ziping.Invalid {
		t.Fatalf("a reviewer verifies an open problem: %v; want Invalid", err)
	}
	// The filler cannot verify; marking done needs measures.
	if _, err := f.svc.UpdateProblem(f.ctx, f.filler, p.ID, ziping.ProblemUpdate{Status: ziping.ProblemDone, Version: p.Version}); kindOf(err) != ziping.Invalid {
		t.Fatalf("done without measures: %v", err)
	}
	up, err := f.svc.UpdateProblem(f.ctx, f.filler, p.ID, ziping.ProblemUpdate{Measures: "新建校舍", Owner: "县教育局", Deadline: deadline,
		Status: ziping.ProblemInProgress, Version: p.Version})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateProblem(f.ctx, f.filler2, p.ID, ziping.ProblemUpdate{Measures: "别的", Status: ziping.ProblemOpen, Version: p.Version}); kindOf(err) != ziping.Conflict {
		t.Fatalf("stale problem update: %v", err)
	}
	f.clock.add(45 * 24 * time.Hour)
	rk, _ = f.svc.Ranking(f.ctx, f.reviewer, root, "lxzz-county", 2024, false)
	if rk.Overdue == 0 || rk.Rows[0].Overdue == 0 {
		t.Fatalf("overdue not counted: %d", rk.Overdue)
	}
	if _, err := f.svc.UpdateProblem(f.ctx, f.filler, p.ID, ziping.ProblemUpdate{Measures: up.Measures, Owner: up.Owner, Deadline: deadline,
		Status: ziping.ProblemVerified, Version: up.Version}); kindOf(err) != ziping.Forbidden {
		t.Fatalf("filler verifies: %v", err)
	}
	done, err := f.svc.UpdateProblem(f.ctx, f.filler, p.ID, ziping.ProblemUpdate{Measures: up.Measures, Owner: up.Owner, Deadline: deadline,
		Status: ziping.ProblemDone, Note: "已完工", Version: up.Version})
	if err != nil {
		t.Fatal(err)
	}
	verified, err := f.svc.UpdateProblem(f.ctx, f.reviewer, p.ID, ziping.ProblemUpdate{Measures: "督导改写的措施", Owner: done.Owner,
		Deadline: deadline, Status: ziping.ProblemVerified, Note: "验收合格", Version: done.Version})
	if err != nil {
		t.Fatal(err)
	}
	if verified.Measures != done.Measures {
		t.Errorf("the reviewer's verification rewrote the unit's measures: %q", verified.Measures)
	}
	rows, err := f.svc.Ledger(f.ctx, f.reviewer, root, "lxzz-county", 2024)
	if err != nil || len(rows) != len(v.Problems) {
		t.Fatalf("ledger %d rows, %v", len(rows), err)
	}
	sh := ziping.LedgerSheet("台账", rows)
	if len(sh.Rows) != len(rows) || sh.Rows[0][9] != "已验收" {
		t.Fatalf("ledger sheet %+v", sh.Rows[0])
	}
	if rows, _ := f.svc.Ledger(f.ctx, f.stranger, f.other, "lxzz-county", 2024); len(rows) != 0 {
		t.Fatalf("another county's ledger shows %d rows", len(rows))
	}
	// The notice lists what is still to do; a verified problem is gone from it.
	l, err := f.svc.Notice(f.ctx, f.reviewer, as.ID)
	if len(v.Problems) == 1 {
		if kindOf(err) != ziping.NotFound {
			t.Fatalf("notice with nothing to do: %v", err)
		}
	} else if err != nil || len(l.Table.Rows) != len(v.Problems)-1 || !strings.Contains(l.Title, f.county.Name) {
		t.Fatalf("notice %+v %v", l, err)
	}
	// Next year's assessment shows this year's unverified problems.
	next, err := f.svc.StartAssessment(f.ctx, f.filler, "lxzz-county", f.county, 2025, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.view(t, f.filler, next.ID).LastProblems); got != len(v.Problems)-1 {
		t.Fatalf("next year shows %d open problems, want %d", got, len(v.Problems)-1)
	}
}

// TestChecklistNothingTicked: a checklist point saved with nothing ticked scores 0;
// it is not waiting for a person any more (the stores give the empty list back as
// nil, which the engine would take for "not scored").
func TestChecklistNothingTicked(t *testing.T) {
	f := newFlow(t)
	as := f.start(t, 2024, false)
	code := ""
	for _, a := range f.view(t, f.filler, as.ID).Program.FW.Areas {
		for _, pt := range a.Points {
			if code == "" && pt.Rules[0].Kind == engine.RuleChecklist && len(pt.Rules) == 1 {
				code = pt.Code
			}
		}
	}
	f.score(t, as.ID, ziping.ScoreInput{Side: ziping.SideSelf, Code: code, Justification: "均未落实"})
	for _, pr := range allPoints(f.view(t, f.filler, as.ID).Self) {
		if pr.Code == code && (pr.Status != engine.StatusScored || pr.Score != 0) {
			t.Fatalf("point %s: %+v", code, pr)
		}
	}
	items, _ := f.svc.Readiness(f.ctx, f.filler, as.ID)
	if slices.ContainsFunc(items, func(it ziping.ReadinessItem) bool { return it.Point == code }) {
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

// TestReportInReadiness: with the report renderer wired in, a placeholder in the
// narrative blocks the submission; the plan's measures write 改进措施; and what
// ziping writes itself is compared with what the draft was saved with.
func TestReportInReadiness(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testReportInReadiness(t, newFlowOn(t, st.open(t))) })
	}
}

func testReportInReadiness(t *testing.T, f *aflow) {
	f.svc.Reports = report.Renderer{}
	last := f.start(t, 2023, false)
	f.scoreAll(t, last.ID)
	if _, err := f.svc.SaveReport(f.ctx, f.filler, last.ID, []byte("## 改进措施\n\n经费增长x%。\n"), 0); err != nil {
		t.Fatal(err)
	}
	err := f.svc.Submit(f.ctx, f.filler, last.ID, "")
	if kindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), "x%") {
		t.Fatalf("submit with a placeholder: %v", err)
	}
	v, d, err := f.svc.ReportOf(f.ctx, f.filler, last.ID)
	if err != nil || d.Version != 1 || !strings.Contains(d.Generated, "存在问题") {
		t.Fatalf("draft %+v %v", d, err)
	}
	if _, err := f.svc.SaveReport(f.ctx, f.filler2, last.ID, []byte("## 改进措施\n\n落实经费保障。\n"), 0); kindOf(err) != ziping.Conflict {
		t.Fatalf("stale save: %v", err)
	}
	if _, err := f.svc.SaveReport(f.ctx, f.filler, last.ID, []byte("## 改进措施\n\n落实经费保障。\n"), d.Version); err != nil {
		t.Fatal(err)
	}
	if removed, added, err := f.svc.ReportChanges(v); err != nil || len(removed)+len(added) != 0 {
		t.Fatalf("changes right after saving: -%v +%v %v", removed, added, err)
	}
	if err := f.svc.Submit(f.ctx, f.filler, last.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Accept(f.ctx, f.reviewer, last.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	// Next year, the plan of last year's problems writes 改进措施 when the narrative
	// does not, and the unfilled marker is gone.
	probs := f.view(t, f.filler, last.ID).Problems
	if len(probs) == 0 {
		t.Fatal("no problems to plan")
	}
	if _, err := f.svc.UpdateProblem(f.ctx, f.filler, probs[0].ID, ziping.ProblemUpdate{Measures: "新建两所学校", Owner: "县教育局",
		Status: ziping.ProblemInProgress, Version: probs[0].Version}); err != nil {
		t.Fatal(err)
	}
	cur := f.start(t, 2024, false)
	cv := f.view(t, f.filler, cur.ID)
	issues, err := f.svc.ReportIssues(cv)
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range issues {
		if strings.Contains(is.Text, "请填写改进措施") {
			t.Fatalf("改进措施 still unfilled with a plan: %+v", issues)
		}
	}
	var md strings.Builder
	if err := f.svc.WriteReport(f.ctx, f.filler, cur.ID, "md", &md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "新建两所学校（责任单位：县教育局") {
		t.Fatalf("改进措施 not from the plan:\n%s", md.String())
	}
	// The draft is saved with the generated text; then the data changes and the
	// comparison shows what the deductions now say.
	if _, err := f.svc.SaveReport(f.ctx, f.filler, cur.ID, []byte("## 基本情况\n\n总分{{total}}。\n"), 0); err != nil {
		t.Fatal(err)
	}
	ds := demoDataset(t)
	col := ds.Periods[2024].Schools.Num[engine.SchoolElementIndex("students")]
	for i := range col {
		col[i] *= 3 // every school oversize
	}
	if _, err := f.svc.ImportDataset(f.ctx, ziping.System, ds, ziping.ImportSource{File: "改.xlsx"}); err != nil {
		t.Fatal(err)
	}
	removed, added, err := f.svc.ReportChanges(f.view(t, f.filler, cur.ID))
	if err != nil || len(removed)+len(added) == 0 {
		t.Fatalf("no change after the data changed: -%v +%v %v", removed, added, err)
	}
	// The summary the import recomputed counts what the page's check finds.
	as, _ := f.svc.Store.Assessment(f.ctx, cur.ID)
	sm, err := ziping.SummaryOf(as)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := f.svc.Readiness(f.ctx, f.filler, cur.ID)
	if sm.Blocking != blocking(items) {
		t.Fatalf("summary counts %d blocking, the check %d: %+v", sm.Blocking, blocking(items), items)
	}
}

// TestReviewVerdict: on a verdict framework the reviewer's 未达标 (one rule short of
// the point's maximum) fails a passing point and the verdict; 达标 (the maximum)
// passes a failing point.
func TestReviewVerdict(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testReviewVerdict(t, newFlowOn(t, st.open(t))) })
	}
}

func testReviewVerdict(t *testing.T, f *aflow) {
	as := f.startFW(t, "yzjh-2017", 2024, false)
	f.scoreAll(t, as.ID)
	if err := f.svc.Submit(f.ctx, f.filler, as.ID, ""); err != nil {
		t.Fatal(err)
	}
	self := f.view(t, f.reviewer, as.ID).Self
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
		if _, err := f.svc.ScorePoint(f.ctx, f.reviewer, as.ID, ziping.ScoreInput{Side: ziping.SideReview, Code: p.Code, Score: &score,
			Justification: "现场核查"}); err != nil {
			t.Fatal(err)
		}
	}
	review(pass, pass.Max-1)
	review(fail, fail.Max)
	v := f.view(t, f.reviewer, as.ID)
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
		got, year, err := ziping.NormalizeDocNumber(s)
		if err != nil {
			return
		}
		again, year2, err := ziping.NormalizeDocNumber(got)
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
	f := newFlow(t)
	_, err := f.svc.StartAssessment(f.ctx, f.filler, "xxbxzl-2021", f.county, 2024, false)
	if kindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), "评价的是学校") {
		t.Errorf("school framework for a county: %v", err)
	}
	for _, fw := range []string{"xqpjph-2020", "jbjh-2012"} {
		if _, err := f.svc.StartAssessment(f.ctx, f.filler, fw, f.county, 2024, false); err != nil {
			t.Errorf("%s: %v", fw, err)
		}
	}
}
