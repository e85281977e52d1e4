package assess_test

import (
	"testing"

	"ziping"
	"ziping/engine"
	"ziping/servicetest"
)

// TestDataGaps: the year with no year before it leaves the year-over-year points
// 无法计算 in the county's open assessment, and a county added without data has no
// school rows: both are reported, counted whole and listed up to the limit, with
// the readiness check's own words; nothing of the year with data.
func TestDataGaps(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testDataGaps(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testDataGaps(t *testing.T, f *servicetest.Flow) {
	prov, err := f.Store.UnitByCode(f.Ctx, "990000")
	if err != nil {
		t.Fatal(err)
	}
	city, err := f.Store.Unit(f.Ctx, f.County.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Data.AddUnit(f.Ctx, ziping.System, "990199", "空白县", ziping.LevelCounty, city.Code); err != nil {
		t.Fatal(err)
	}
	as := f.Start(t, 2023, false)
	v := f.View(t, ziping.System, as.ID)
	var want []string
	for _, pr := range v.Self.Bonus {
		if pr.Status == engine.StatusUncomputable {
			want = append(want, pr.Code)
		}
	}
	for _, ar := range v.Self.Areas {
		for _, pr := range ar.Points {
			if pr.Status == engine.StatusUncomputable {
				want = append(want, pr.Code)
			}
		}
	}
	if len(want) == 0 {
		t.Fatalf("the 2023 assessment has %d uncomputable points, want some", len(want))
	}
	// Listed up to the limit, counted whole.
	r, err := f.Assess.DataGaps(f.Ctx, ziping.System, prov, 2023, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.PointsN != len(want) || len(r.Points) != 0 || r.NoDataN < 1 || len(r.NoData) != 0 {
		t.Fatalf("with limit 0: %+v, want %d points and the county without data counted, none listed", r, len(want))
	}
	r, err = f.Assess.DataGaps(f.Ctx, ziping.System, prov, 2023, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.PointsN != len(want) || r.Assessed != 1 || r.Checked != 1 || len(r.Points) != 1 || r.Points[0].Point != want[0] && len(want) == 1 {
		t.Fatalf("report %+v, want %d points of one assessment, one listed", r, len(want))
	}
	p := r.Points[0]
	if p.AssessmentID != as.ID || p.Unit.ID != f.County.ID || p.Why == "" || p.Why != v.Gaps[p.Point] {
		t.Errorf("listed %+v", p)
	}
	if r.NoDataN < 1 || len(r.NoData) != 1 || r.Counties < 2 {
		t.Errorf("counties without data %d %+v of %d", r.NoDataN, r.NoData, r.Counties)
	}
	found := false
	for _, u := range r.NoData {
		found = found || u.Code == "990199"
	}
	if r.NoDataN == 1 && !found {
		t.Errorf("the county without data is not the one listed: %+v", r.NoData)
	}
	// 2024 has the year before it: nothing missing but the new county's rows.
	r, err = f.Assess.DataGaps(f.Ctx, ziping.System, prov, 2024, 10)
	if err != nil {
		t.Fatal(err)
	}
	if r.PointsN != 0 || r.NoDataN != 1 || r.NoData[0].Code != "990199" {
		t.Errorf("2024: %+v", r)
	}
	// Someone who cannot see the province gets nothing of it.
	if _, err := f.Assess.DataGaps(f.Ctx, f.Stranger, prov, 2023, 10); err == nil {
		t.Error("a filler elsewhere read the province's gaps")
	}
}
