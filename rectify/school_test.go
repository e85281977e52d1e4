package rectify_test

import (
	"testing"

	"ziping"
	"ziping/rectify"
	"ziping/servicetest"
)

// TestSchoolRectification: a school's problems are the school's to rectify and its
// county's reviewer's to verify; another school's filler cannot touch them; the
// county's ledger lists them under the school; the notice is addressed to the school.
func TestSchoolRectification(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testSchoolRectification(t, servicetest.NewSchoolFlowOn(t, st.Open(t))) })
	}
}

func testSchoolRectification(t *testing.T, f *servicetest.SchoolFlow) {
	as, code := f.ReviewedSchool(t, 2024)
	list, err := f.Store.Problems(f.Ctx, ziping.ProblemQuery{AssessmentID: as.ID})
	if err != nil || len(list) == 0 {
		t.Fatalf("problems: %v %v", list, err)
	}
	var p ziping.Problem
	for _, q := range list {
		if q.Point == code {
			p = q
		}
	}
	if p.ID == 0 || p.UnitID != f.School.ID {
		t.Fatalf("no problem of the school on %s: %+v", code, list)
	}
	up := rectify.ProblemUpdate{Measures: "补齐教师培训台账", Owner: "教务处", Status: ziping.ProblemDone, Version: p.Version}
	// Another school's filler does not even see it; the county's reviewer does not
	// rectify for the school.
	if _, err := f.Rectify.UpdateProblem(f.Ctx, f.SchoolFiller2, p.ID, up); servicetest.KindOf(err) != ziping.NotFound {
		t.Errorf("another school's filler updates: %v", err)
	}
	if _, err := f.Rectify.UpdateProblem(f.Ctx, f.CountyReviewer, p.ID, up); servicetest.KindOf(err) != ziping.Forbidden {
		t.Errorf("the county's reviewer rectifies: %v", err)
	}
	done, err := f.Rectify.UpdateProblem(f.Ctx, f.SchoolFiller, p.ID, up)
	if err != nil {
		t.Fatal(err)
	}
	// The school cannot verify its own rectification; the county's reviewer can.
	if _, err := f.Rectify.UpdateProblem(f.Ctx, f.SchoolFiller, p.ID, rectify.ProblemUpdate{Measures: up.Measures, Owner: up.Owner,
		Status: ziping.ProblemVerified, Version: done.Version}); servicetest.KindOf(err) != ziping.Forbidden {
		t.Errorf("the school verifies: %v", err)
	}
	if _, err := f.Rectify.UpdateProblem(f.Ctx, f.CountyReviewer, p.ID, rectify.ProblemUpdate{Status: ziping.ProblemVerified,
		Note: "已核实", Version: done.Version}); err != nil {
		t.Fatal(err)
	}
	rows, err := f.Rectify.Ledger(f.Ctx, f.CountyReviewer, f.County, "xxbxzl-2021", 2024)
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, r := range rows {
		listed = listed || (r.ID == p.ID && r.Unit.ID == f.School.ID)
	}
	if !listed {
		t.Errorf("the county's ledger does not list the school's problem: %+v", rows)
	}
	if own, err := f.Rectify.Ledger(f.Ctx, f.SchoolFiller2, f.School2, "xxbxzl-2021", 2024); err != nil || len(own) != 0 {
		t.Errorf("another school's ledger: %v %+v", err, own)
	}
	// A second problem still open, for the notice.
	if _, err := f.Rectify.AddFinding(f.Ctx, f.CountyReviewer, as.ID, rectify.FindingInput{Description: "校园安全台账不全"}); err != nil {
		t.Fatal(err)
	}
	l, err := f.Rectify.Notice(f.Ctx, f.CountyReviewer, as.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.Recipient != f.School.Name || l.Issuer != f.County.Name+"人民政府教育督导委员会办公室" {
		t.Errorf("notice to %q from %q", l.Recipient, l.Issuer)
	}
}
