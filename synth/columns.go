package synth

import "ziping/engine"

// field is a value the generator computes for a school row; schoolFieldIDs names the
// engine element each one fills.
type field uint8

// School fields, in the order of engine.SchoolElements at the time of writing; the
// column plan maps by element ID, so a reordered catalogue still lines up.
const (
	fStudents field = iota
	fStuPrimary
	fStuJunior
	fStuSenior
	fClasses
	fBandLE45
	fBand4650
	fBand5155
	fBand5665
	fBand66
	fTeachers
	fAbove
	fBackbone
	fPEArt
	fCertified
	fTeachArea
	fSportsArea
	fEquip
	fMedia
	fMusic
	fArt
	fBooks
	fComputers
	fSeniorTitle
	nFields
	fNone = nFields // an element this generator does not know: left empty
)

var schoolFieldIDs = [nFields]string{
	"students", "students_primary", "students_junior", "students_senior",
	"classes", "classes_le45", "classes_46_50", "classes_51_55", "classes_56_65", "classes_66_plus",
	"teachers", "teachers_above_required", "backbone_teachers", "pe_art_teachers", "certified_teachers",
	"teaching_area", "sports_area", "equipment_value", "multimedia_rooms", "music_rooms", "art_rooms",
	"books", "computers", "senior_title_teachers",
}

// fact is a county fact the generator computes; factIDs names the engine element.
type fact uint8

// County facts.
const (
	xBudget fact = iota
	xAllStudents
	xTeacherSalary
	xCivilSalary
	xKG
	xKGPublic
	xKGInclusive
	xGraduates
	xIntake3y
	xTransferIn
	xTransferOut
	xDisabledRate
	xSatisfaction
	xExchangeEligible
	xExchanged
	xExchangedBackbone
	xTrainingRate
	xMigrantRate
	xQuotaRate
	// Kindergarten facts (学前普及普惠), drawn from the county's second stream.
	xKGAge
	xKGStaffSalary
	xKGNonstaffSalary
	xKGBudgetShare
	xKGCommunity
	xKGCommunityInclusive
	xKGSatisfaction
	nFacts
	xNone = nFacts
)

// nDrawnFacts is how many facts existed when the province's layout first drew the
// facts left missing: the draw must not change with the catalogue, or every
// province of a seed would change.
const nDrawnFacts = int(xQuotaRate) + 1

var factIDs = [nFacts]string{
	"edu_budget", "all_students", "teacher_salary", "civil_servant_salary",
	"kg_children", "kg_public_children", "kg_inclusive_private_children",
	"junior_graduates", "junior_intake_3y", "junior_transfer_in", "junior_transfer_out",
	"disabled_enrollment_rate", "satisfaction",
	"exchange_eligible_teachers", "exchanged_teachers", "exchanged_backbone_teachers",
	"training_completion_rate", "migrant_public_rate", "quota_allocation_rate",
	"kg_age_population", "kg_staff_salary", "kg_nonstaff_salary", "kg_budget_share",
	"kg_community_total", "kg_community_inclusive", "kg_satisfaction",
}

// Text columns in front of the numeric ones.
var (
	schoolTextHeader = []string{"年度", "学校代码", "学校名称", "区县代码", "区县名称", "学段", "学校类别", "办学类型"}
	countyTextHeader = []string{"年度", "地市代码", "地市名称", "区县代码", "区县名称"}
)

// plan is the numeric part of a table: the header and the field of each column, and
// whether the column holds amounts (float64 cells) rather than counts (int cells).
type plan[F ~uint8] struct {
	header []string
	fields []F
	float  []bool
}

// newPlan lists every element that is not derived and that keep accepts, with its
// header, and the field that fills it (none when the generator does not know the
// element).
func newPlan[F ~uint8](els []engine.Element, ids []string, none F, keep func(engine.Element) bool) plan[F] {
	var p plan[F]
	for _, el := range els {
		if el.Derived || !keep(el) {
			continue
		}
		f := none
		for i, id := range ids {
			if id == el.ID {
				f = F(i)
				break
			}
		}
		p.header = append(p.header, header(el))
		p.fields = append(p.fields, f)
		p.float = append(p.float, el.Kind != engine.KindCount)
	}
	return p
}

// header is the official name, with the unit for amounts (money and areas), so that a
// reader never has to guess between 元 and 万元.
func header(el engine.Element) string {
	if el.Kind == engine.KindAmount && el.Unit != "" {
		return el.Name + "(" + el.Unit + ")"
	}
	return el.Name
}

// schoolPlan is the school table: every school element but the kindergartens'.
func schoolPlan() plan[field] {
	return newPlan(engine.SchoolElements, schoolFieldIDs[:], fNone, func(el engine.Element) bool { return !el.Kindergarten })
}

func countyPlan() plan[fact] {
	return newPlan(engine.UnitElements, factIDs[:], xNone, func(engine.Element) bool { return true })
}
