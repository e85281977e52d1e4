package servicetest

import (
	"math"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// SchoolFlow is a Flow whose province has kindergartens too, with the people of a
// school's self-evaluation: a filler of a primary school of the first county and
// one of another primary school there, and a reviewer whose scope is the school
// itself. The county's reviewer (Flow.CountyReviewer) reviews its schools.
type SchoolFlow struct {
	*Flow
	School, School2 *ziping.OrgUnit // primary schools of County
	Kindergarten    *ziping.OrgUnit // a kindergarten of County
	Senior          *ziping.OrgUnit // a senior high school of County, nil when it has none
	SchoolFiller    *ziping.Actor   // scope School
	SchoolFiller2   *ziping.Actor   // scope School2
	SchoolReviewer  *ziping.Actor   // a reviewer whose scope is School
}

// NewSchoolFlowOn is the school flow on the store st.
func NewSchoolFlowOn(t testing.TB, st ziping.Store) *SchoolFlow {
	t.Helper()
	f := &SchoolFlow{Flow: newFlow(t, NewOnData(t, st, KindergartenDataset(t)))}
	rows, _, err := f.Store.Schools(f.Ctx, ziping.SchoolQuery{UnitIDs: []int64{f.County.ID}, Period: 2024, Sort: "code", Limit: math.MaxInt32})
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string][]string{} // school code → stages
	types := map[string]string{}
	var codes []string
	for _, r := range rows {
		if stages[r.Code] == nil {
			codes = append(codes, r.Code)
		}
		stages[r.Code], types[r.Code] = append(stages[r.Code], r.Stage), r.Type
	}
	var primary []string
	var kg, senior string
	for _, c := range codes {
		one := len(stages[c]) == 1
		switch {
		case one && stages[c][0] == "小学" && types[c] == "小学":
			primary = append(primary, c)
		case one && stages[c][0] == "幼儿园" && kg == "":
			kg = c
		case one && stages[c][0] == "高中" && senior == "":
			senior = c
		}
	}
	if len(primary) < 2 || kg == "" {
		t.Fatalf("county %s: primary schools %v, kindergarten %q", f.County.Code, primary, kg)
	}
	unit := func(code string) *ziping.OrgUnit {
		u, err := f.Store.UnitByCode(f.Ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.School, f.School2, f.Kindergarten = unit(primary[0]), unit(primary[1]), unit(kg)
	if senior != "" {
		f.Senior = unit(senior)
	}
	f.User(t, "xiaoxue", ziping.RoleFiller, f.School.Code)
	f.User(t, "xiaoxue2", ziping.RoleFiller, f.School2.Code)
	f.User(t, "xiaodu", ziping.RoleReviewer, f.School.Code)
	f.SchoolFiller, f.SchoolFiller2, f.SchoolReviewer = f.Actor(t, "xiaoxue"), f.Actor(t, "xiaoxue2"), f.Actor(t, "xiaodu")
	return f
}

// StartSchool opens the school's xxbxzl-2021 self-evaluation of period as its filler.
func (f *SchoolFlow) StartSchool(t testing.TB, period int) *ziping.Assessment {
	t.Helper()
	as, err := f.Assess.StartAssessment(f.Ctx, f.SchoolFiller, "xxbxzl-2021", f.School, period, false)
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// ReviewedSchool is the school's xxbxzl-2021 self-evaluation of period scored in
// full by its filler, submitted, given 2 marks less on its first manual point by the
// county's reviewer and accepted: one problem of the school on that point.
func (f *SchoolFlow) ReviewedSchool(t testing.TB, period int) (*ziping.Assessment, string) {
	t.Helper()
	as := f.StartSchool(t, period)
	f.ScoreAllAs(t, f.SchoolFiller, as.ID)
	if err := f.Assess.Submit(f.Ctx, f.SchoolFiller, as.ID, ""); err != nil {
		t.Fatal(err)
	}
	code := ""
	for _, a := range f.View(t, f.CountyReviewer, as.ID).Program.FW.Areas {
		for _, pt := range a.Points {
			if code == "" && pt.Rules[0].Kind == engine.RuleManual && pt.Max >= 2 {
				code = pt.Code
				f.review(t, as.ID, code, pt.Max-2)
			}
		}
	}
	if err := f.Assess.Accept(f.Ctx, f.CountyReviewer, as.ID, "", "同意"); err != nil {
		t.Fatal(err)
	}
	as, err := f.Store.Assessment(f.Ctx, as.ID)
	if err != nil {
		t.Fatal(err)
	}
	return as, code
}

func (f *SchoolFlow) review(t testing.TB, id int64, code string, score float64) {
	t.Helper()
	if _, err := f.Assess.ScorePoint(f.Ctx, f.CountyReviewer, id, assess.ScoreInput{Side: ziping.SideReview, Code: code, Score: &score,
		Justification: "佐证材料不全"}); err != nil {
		t.Fatal(err)
	}
}
