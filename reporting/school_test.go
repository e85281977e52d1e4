package reporting_test

import (
	"bytes"
	"strings"
	"testing"

	"ziping/report"
	"ziping/servicetest"
)

// TestSchoolReport: a school's report from the store is the school's own: titled and
// signed with its name (not 「…人民政府」), sent to its county's supervision office,
// with the deductions named by their code paths in the three-level tree.
func TestSchoolReport(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testSchoolReport(t, servicetest.NewSchoolFlowOn(t, st.Open(t))) })
	}
}

func testSchoolReport(t *testing.T, f *servicetest.SchoolFlow) {
	as, _ := f.ReviewedSchool(t, 2024)
	f.Reports.Reporter = report.Renderer{} // after the review: its check wants 改进措施 written

	v := f.View(t, f.SchoolFiller, as.ID)
	if m := f.Reports.ReportMetaOf(v); m.Issuer != f.School.Name || m.Parent != f.County.Name {
		t.Fatalf("meta: issuer %q, parent %q", m.Issuer, m.Parent)
	}
	var b bytes.Buffer
	if err := f.Reports.WriteReport(f.Ctx, f.SchoolFiller, as.ID, "md", &b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# " + f.School.Name + "关于2024年度办学质量自评情况的报告",
		f.County.Name + "人民政府教育督导委员会办公室：",
		"全校现有教学班",
		"评价内容与考查要点",
		"\n" + f.School.Name + "  \n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, f.School.Name+"人民政府") {
		t.Errorf("the school signs as a government:\n%s", md)
	}
	// Another school's filler cannot read it.
	if err := f.Reports.WriteReport(f.Ctx, f.SchoolFiller2, as.ID, "md", &b); err == nil {
		t.Error("another school's filler wrote the report")
	}
}
