package reporting_test

import (
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/dataset"
	"ziping/engine"
	"ziping/rectify"
	"ziping/report"
	"ziping/servicetest"
)

// TestReportInReadiness: with the report renderer wired in, a placeholder in the
// narrative blocks the submission; the plan's measures write 改进措施; and what
// ziping writes itself is compared with what the draft was saved with.
func TestReportInReadiness(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testReportInReadiness(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testReportInReadiness(t *testing.T, f *servicetest.Flow) {
	f.Reports.Reporter = report.Renderer{}
	last := f.Start(t, 2023, false)
	f.ScoreAll(t, last.ID)
	if _, err := f.Reports.SaveReport(f.Ctx, f.Filler, last.ID, []byte("## 改进措施\n\n经费增长x%。\n"), 0); err != nil {
		t.Fatal(err)
	}
	err := f.Assess.Submit(f.Ctx, f.Filler, last.ID, "")
	if servicetest.KindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), "x%") {
		t.Fatalf("submit with a placeholder: %v", err)
	}
	v, d, err := f.Reports.ReportOf(f.Ctx, f.Filler, last.ID)
	if err != nil || d.Version != 1 || !strings.Contains(d.Generated, "存在问题") {
		t.Fatalf("draft %+v %v", d, err)
	}
	if _, err := f.Reports.SaveReport(f.Ctx, f.Filler2, last.ID, []byte("## 改进措施\n\n落实经费保障。\n"), 0); servicetest.KindOf(err) != ziping.Conflict {
		t.Fatalf("stale save: %v", err)
	}
	if _, err := f.Reports.SaveReport(f.Ctx, f.Filler, last.ID, []byte("## 改进措施\n\n落实经费保障。\n"), d.Version); err != nil {
		t.Fatal(err)
	}
	if removed, added, err := f.Reports.ReportChanges(v); err != nil || len(removed)+len(added) != 0 {
		t.Fatalf("changes right after saving: -%v +%v %v", removed, added, err)
	}
	if err := f.Assess.Submit(f.Ctx, f.Filler, last.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Accept(f.Ctx, f.Reviewer, last.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	// Next year, the plan of last year's problems writes 改进措施 when the narrative
	// does not, and the unfilled marker is gone.
	probs := f.View(t, f.Filler, last.ID).Problems
	if len(probs) == 0 {
		t.Fatal("no problems to plan")
	}
	if _, err := f.Rectify.UpdateProblem(f.Ctx, f.Filler, probs[0].ID, rectify.ProblemUpdate{Measures: "新建两所学校", Owner: "县教育局",
		Status: ziping.ProblemInProgress, Version: probs[0].Version}); err != nil {
		t.Fatal(err)
	}
	cur := f.Start(t, 2024, false)
	cv := f.View(t, f.Filler, cur.ID)
	issues, err := f.Reports.ReportIssues(cv)
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range issues {
		if strings.Contains(is.Text, "请填写改进措施") {
			t.Fatalf("改进措施 still unfilled with a plan: %+v", issues)
		}
	}
	var md strings.Builder
	if err := f.Reports.WriteReport(f.Ctx, f.Filler, cur.ID, "md", &md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "新建两所学校（责任单位：县教育局") {
		t.Fatalf("改进措施 not from the plan:\n%s", md.String())
	}
	// The draft is saved with the generated text; then the data changes and the
	// comparison shows what the deductions now say.
	if _, err := f.Reports.SaveReport(f.Ctx, f.Filler, cur.ID, []byte("## 基本情况\n\n总分{{total}}。\n"), 0); err != nil {
		t.Fatal(err)
	}
	ds := servicetest.DemoDataset(t)
	col := ds.Periods[2024].Schools.Num[engine.SchoolElementIndex("students")]
	for i := range col {
		col[i] *= 3 // every school oversize
	}
	if _, err := f.Data.ImportDataset(f.Ctx, ziping.System, ds, dataset.ImportSource{File: "改.xlsx"}); err != nil {
		t.Fatal(err)
	}
	removed, added, err := f.Reports.ReportChanges(f.View(t, f.Filler, cur.ID))
	if err != nil || len(removed)+len(added) == 0 {
		t.Fatalf("no change after the data changed: -%v +%v %v", removed, added, err)
	}
	// The summary the import recomputed counts what the page's check finds.
	as, _ := f.Store.Assessment(f.Ctx, cur.ID)
	sm, err := assess.SummaryOf(as)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := f.Assess.Readiness(f.Ctx, f.Filler, cur.ID)
	if sm.Blocking != servicetest.Blocking(items) {
		t.Fatalf("summary counts %d blocking, the check %d: %+v", sm.Blocking, servicetest.Blocking(items), items)
	}
}
