package assess_test

import (
	"math"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/dataset"
	"ziping/engine"
	"ziping/servicetest"
)

// TestSchoolAssessment: a school's 学校办学质量 self-evaluation from start to
// publication. The school's filler fills and submits; the county's reviewer (scope
// the county: strictly above the school) reviews, returns, accepts and publishes;
// nobody else may do either; the data-driven points come from the school's own
// rows; accepting makes the school's problems; the county's ranking of its schools
// shows it.
func TestSchoolAssessment(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testSchoolAssessment(t, servicetest.NewSchoolFlowOn(t, st.Open(t))) })
	}
}

func testSchoolAssessment(t *testing.T, f *servicetest.SchoolFlow) {
	as := f.StartSchool(t, 2024)
	if as.UnitID != f.School.ID || as.FrameworkVersion != "2021.1" {
		t.Fatalf("started %+v", as)
	}
	// Another school's filler neither starts, sees nor fills this school's.
	if _, err := f.Assess.StartAssessment(f.Ctx, f.SchoolFiller2, "xxbxzl-2021", f.School, 2023, false); servicetest.KindOf(err) != ziping.Forbidden {
		t.Errorf("another school's filler starts: %v", err)
	}
	if _, err := f.Assess.Assessment(f.Ctx, f.SchoolFiller2, as.ID); servicetest.KindOf(err) != ziping.NotFound {
		t.Errorf("another school's filler sees it: %v", err)
	}
	if _, err := f.Assess.ScorePoint(f.Ctx, f.SchoolFiller2, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: "B2.2", Score: ptr(3.0), Justification: "x"}); servicetest.KindOf(err) != ziping.NotFound {
		t.Errorf("another school's filler scores: %v", err)
	}
	if _, err := f.Assess.AddEvidence(f.Ctx, f.SchoolFiller2, as.ID, assess.EvidenceInput{FileName: "a.pdf", Data: servicetest.PDF}); servicetest.KindOf(err) != ziping.NotFound {
		t.Errorf("another school's filler attaches evidence: %v", err)
	}

	// The data-driven points read the school's rows only: its students, not its
	// county's.
	v := f.View(t, f.SchoolFiller, as.ID)
	if m, ok := v.Self.Metric("students"); !ok || !m.OK || m.Value != schoolStudents(t, f, f.School, 2024) || v.UnitIndex < 0 {
		t.Fatalf("students %+v, want the school's %v", m, schoolStudents(t, f, f.School, 2024))
	}
	f.ScoreAllAs(t, f.SchoolFiller, as.ID)
	items, err := f.Assess.Readiness(f.Ctx, f.SchoolFiller, as.ID)
	if err != nil || servicetest.Blocking(items) != 0 {
		t.Fatalf("readiness: %v %+v", err, items)
	}
	if err := f.Assess.Submit(f.Ctx, f.SchoolFiller, as.ID, ziping.StatusDraft); err != nil {
		t.Fatal(err)
	}
	submitted := f.View(t, f.SchoolFiller, as.ID)
	if submitted.Assessment.SnapshotID == 0 || submitted.Self.Total != f.View(t, f.CountyReviewer, as.ID).Self.Total {
		t.Fatalf("submitted: %+v", submitted.Assessment)
	}

	// Reviewing: the school's filler, the county's filler (a filler reviews nothing)
	// and a reviewer of the school itself may not; the county's reviewer may.
	for _, a := range []*ziping.Actor{f.SchoolFiller, f.Filler, f.SchoolReviewer} {
		_, err := f.Assess.ScorePoint(f.Ctx, a, as.ID, assess.ScoreInput{Side: ziping.SideReview, Code: "B2.2", Score: ptr(1.0), Justification: "x"})
		if servicetest.KindOf(err) != ziping.Forbidden {
			t.Errorf("%s reviews: %v", a.User.Username, err)
		}
		if err := f.Assess.Accept(f.Ctx, a, as.ID, "", ""); servicetest.KindOf(err) != ziping.Forbidden {
			t.Errorf("%s accepts: %v", a.User.Username, err)
		}
	}
	manual := firstManual(submitted.Program.FW)
	if _, err := f.Assess.ScorePoint(f.Ctx, f.CountyReviewer, as.ID, assess.ScoreInput{Side: ziping.SideReview, Code: manual.Code,
		Score: ptr(manual.Max - 2), Justification: "佐证材料不全"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Return(f.Ctx, f.CountyReviewer, as.ID, ziping.StatusSubmitted, "请补充材料"); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Submit(f.Ctx, f.SchoolFiller, as.ID, ziping.StatusReturned); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Accept(f.Ctx, f.CountyReviewer, as.ID, ziping.StatusResubmitted, "同意"); err != nil {
		t.Fatal(err)
	}
	v = f.View(t, f.CountyReviewer, as.ID)
	// 2 marks off one manual point: the review total is the self total less 2.
	if v.Review == nil || math.Abs(v.Self.Total-v.Review.Total-2) > 1e-9 {
		t.Fatalf("review %v of self %v", v.Review, v.Self.Total)
	}
	found := false
	for _, p := range v.Problems {
		if p.Point == manual.Code {
			found = p.UnitID == f.School.ID && p.Framework == "xxbxzl-2021"
		}
	}
	if !found {
		t.Fatalf("no problem of the school on %s: %+v", manual.Code, v.Problems)
	}
	if err := f.Assess.Publish(f.Ctx, f.CountyReviewer, as.ID, ziping.StatusReviewed); err != nil {
		t.Fatal(err)
	}
	testSchoolRanking(t, f, v)
}

// testSchoolRanking: the county's ranking of its schools lists the school first
// with its review total, then the schools that have not started; no kindergarten,
// no senior high school (outside the framework's scope), no county.
func testSchoolRanking(t *testing.T, f *servicetest.SchoolFlow, v *assess.AssessmentView) {
	rk, err := f.Assess.Ranking(f.Ctx, f.CountyReviewer, f.County, "xxbxzl-2021", 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	if rk.Ranked != 1 || len(rk.Rows) < 2 || rk.Rows[0].Unit.ID != f.School.ID || rk.Rows[0].Rank != 1 || rk.Rows[0].Final.Total != v.Review.Total {
		t.Fatalf("ranking: %d ranked, first %+v", rk.Ranked, rk.Rows[0])
	}
	for _, r := range rk.Rows {
		if r.Unit.Level != ziping.LevelSchool || r.Unit.ID == f.Kindergarten.ID || (f.Senior != nil && r.Unit.ID == f.Senior.ID) {
			t.Errorf("ranking lists %s (%s)", r.Unit.Name, r.Unit.Level)
		}
	}
	// The public notice lists the published school; a school's filler does not see
	// its county's ranking.
	pub, err := f.Assess.Ranking(f.Ctx, nil, f.County, "xxbxzl-2021", 2024, true)
	if err != nil || len(pub.Rows) != 1 || pub.Rows[0].Unit.ID != f.School.ID {
		t.Fatalf("public ranking: %v %+v", err, pub)
	}
	if _, err := f.Assess.Ranking(f.Ctx, f.SchoolFiller, f.County, "xxbxzl-2021", 2024, false); servicetest.KindOf(err) != ziping.Forbidden {
		t.Errorf("a school's filler ranks the county: %v", err)
	}
}

// schoolStudents is Σ 在校生数 of the compulsory rows of school u in period, read
// from the store.
func schoolStudents(t *testing.T, f *servicetest.SchoolFlow, u *ziping.OrgUnit, period int) float64 {
	t.Helper()
	rows, _, err := f.Store.Schools(f.Ctx, ziping.SchoolQuery{UnitIDs: []int64{u.ParentID}, Period: period, Search: u.Code, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, r := range rows {
		if r.Code == u.Code && (r.Stage == "小学" || r.Stage == "初中") {
			sum += r.Values["students"]
		}
	}
	if sum == 0 {
		t.Fatalf("school %s has no students in %d", u.Code, period)
	}
	return sum
}

// TestStartLevels: an assessment is started for a unit of the level its framework
// evaluates, by someone who may edit the unit.
func TestStartLevels(t *testing.T) {
	f := servicetest.NewSchoolFlowOn(t, servicetest.OpenSQLite(t))
	cases := []struct {
		name string
		a    *ziping.Actor
		fw   string
		u    *ziping.OrgUnit
		kind ziping.Kind // 0: started
		msg  string
	}{
		{"school framework for a county", f.Filler, "xxbxzl-2021", f.County, ziping.Invalid, "评价的是学校，「" + f.County.Name + "」是区县"},
		{"county framework for a school", f.SchoolFiller, "yzjh-2017", f.School, ziping.Invalid, "评价的是区县，「" + f.School.Name + "」是学校"},
		{"school framework for a kindergarten", f.Filler, "xxbxzl-2021", f.Kindergarten, ziping.Invalid, "评价的是学校，「" + f.Kindergarten.Name + "」是幼儿园"},
		{"county framework for the city", f.Reviewer, "lxzz-county", mustUnit(t, f, "990100"), ziping.Forbidden, "无权"},
		{"another school's filler", f.SchoolFiller2, "xxbxzl-2021", f.School, ziping.Forbidden, "无权"},
		{"the school's reviewer", f.SchoolReviewer, "xxbxzl-2021", f.School, ziping.Forbidden, "无权"},
		{"the county's filler for one of its schools", f.Filler, "xxbxzl-2021", f.School2, 0, ""},
		{"the school's filler", f.SchoolFiller, "xxbxzl-2021", f.School, 0, ""},
	}
	if f.Senior != nil {
		cases = append(cases, struct {
			name string
			a    *ziping.Actor
			fw   string
			u    *ziping.OrgUnit
			kind ziping.Kind
			msg  string
		}{"a senior high school", f.Filler, "xxbxzl-2021", f.Senior, ziping.Invalid, "不在义务教育学校办学质量评价的评价范围内"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			as, err := f.Assess.StartAssessment(f.Ctx, c.a, c.fw, c.u, 2024, false)
			if c.kind == 0 {
				if err != nil || as.UnitID != c.u.ID {
					t.Fatalf("start: %v", err)
				}
				return
			}
			if servicetest.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want kind %d with %q", err, c.kind, c.msg)
			}
		})
	}
}

func mustUnit(t *testing.T, f *servicetest.SchoolFlow, code string) *ziping.OrgUnit {
	t.Helper()
	u, err := f.Store.UnitByCode(f.Ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSchoolDraftFollowsData: an import of the county's data recomputes the open
// school assessments of the county (their stored summaries), not the submitted ones.
func TestSchoolDraftFollowsData(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testSchoolDraftFollowsData(t, servicetest.NewSchoolFlowOn(t, st.Open(t))) })
	}
}

func testSchoolDraftFollowsData(t *testing.T, f *servicetest.SchoolFlow) {
	draft, err := f.Assess.StartAssessment(f.Ctx, f.SchoolFiller2, "xxbxzl-2021", f.School2, 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	before := schoolStudents(t, f, f.School2, 2024)
	// Halve School2's students in 2024 (classes and the rest stay).
	ds := servicetest.KindergartenDataset(t)
	snap := ds.Periods[2024]
	col := snap.Schools.Num[engine.SchoolElementIndex("students")]
	for i := range col {
		if snap.Schools.Code[i] == f.School2.Code {
			col[i] = math.Round(col[i] / 2)
		}
	}
	if _, err := f.Data.ImportDataset(f.Ctx, ziping.System, ds, dataset.ImportSource{File: "改.xlsx"}); err != nil {
		t.Fatal(err)
	}
	after := schoolStudents(t, f, f.School2, 2024)
	if after == before {
		t.Fatal("the import changed nothing")
	}
	as, err := f.Store.Assessment(f.Ctx, draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := assess.SummaryOf(as)
	if err != nil {
		t.Fatal(err)
	}
	if got := sm.Self.Metrics["students"]; got != after {
		t.Fatalf("summary students %v, want %v (was %v)", got, after, before)
	}
}

// cityFramework is a framework of cities: the students of every school of the
// city's counties, and one point people score.
const cityFramework = `id: city-test
name: 市级测试评价
version: "1"
level: city
grading: {kind: grade, bands: [{name: 合格, min: 60}, {name: 不合格, min: 0}]}
metrics:
  - {id: students, name: 在校生数, unit: 人, expr: 'sum("students")'}
areas:
  - code: A
    name: 统筹
    points:
      - {code: "1", title: 在校生规模, max: 50, rules: [{kind: threshold, metric: students, op: ">=", value: 1}]}
      - {code: "2", title: 市级统筹, max: 50, rules: [{kind: manual}]}
`

// TestCityAssessment: a framework that says level: city assesses a city on its
// counties' rows; the province's reviewer reviews it, a county's cannot; the
// snapshot keeps what was submitted.
func TestCityAssessment(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testCityAssessment(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testCityAssessment(t *testing.T, f *servicetest.Flow) {
	if err := f.Assess.SeedFrameworks(f.Ctx, []ziping.StoredFramework{{ID: "city-test", Version: "1", Name: "市级测试评价",
		Source: []byte(cityFramework), Builtin: true}}); err != nil {
		t.Fatal(err)
	}
	city := mustUnitOf(t, f, "990100")
	if _, err := f.Assess.StartAssessment(f.Ctx, ziping.System, "city-test", f.County, 2024, false); servicetest.KindOf(err) != ziping.Invalid {
		t.Fatalf("city framework for a county: %v", err)
	}
	as, err := f.Assess.StartAssessment(f.Ctx, ziping.System, "city-test", city, 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	// Σ 在校生数 of every row of the city's counties in 2024, read from the store.
	counties, err := f.Store.Subtree(f.Ctx, city, ziping.LevelCounty)
	if err != nil || len(counties) == 0 {
		t.Fatalf("counties: %v", err)
	}
	var ids []int64
	for _, c := range counties {
		ids = append(ids, c.ID)
	}
	rows, _, err := f.Store.Schools(f.Ctx, ziping.SchoolQuery{UnitIDs: ids, Period: 2024, Limit: math.MaxInt32})
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for _, r := range rows {
		want += r.Values["students"]
	}
	v := f.View(t, f.Reviewer, as.ID)
	if m, ok := v.Self.Metric("students"); !ok || !m.OK || m.Value != want {
		t.Fatalf("city students %+v, want %v", m, want)
	}
	if _, err := f.Assess.ScorePoint(f.Ctx, ziping.System, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: "2", Score: ptr(40.0), Justification: "统筹到位"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Assess.Submit(f.Ctx, ziping.System, as.ID, ""); err != nil {
		t.Fatal(err)
	}
	// 50 (the data point) + 40 (people's) = 90, from the snapshot.
	if v := f.View(t, f.Reviewer, as.ID); v.Self.Total != 90 {
		t.Fatalf("submitted total %v, want 90", v.Self.Total)
	}
	if _, err := f.Assess.ScorePoint(f.Ctx, f.CountyReviewer, as.ID, assess.ScoreInput{Side: ziping.SideReview, Code: "2", Score: ptr(30.0), Justification: "x"}); servicetest.KindOf(err) != ziping.NotFound {
		t.Errorf("a county's reviewer reviews its city: %v", err)
	}
	if err := f.Assess.Accept(f.Ctx, f.Reviewer, as.ID, ziping.StatusSubmitted, "同意"); err != nil {
		t.Fatal(err)
	}
}

func mustUnitOf(t *testing.T, f *servicetest.Flow, code string) *ziping.OrgUnit {
	t.Helper()
	u, err := f.Store.UnitByCode(f.Ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
