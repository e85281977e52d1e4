package engine

import "math"

// elementMax is the largest value a single row may hold for an element, in the
// element's canonical unit: far above any real school or county (the largest
// Chinese schools have some 20,000 students; a province's education budget is a
// few 10^7 万元), and low enough that a typing slip of a few extra digits, or a
// hostile file, is refused cell by cell instead of skewing every indicator.
// Elements not listed are bounded by maxAny.
var elementMax = map[string]float64{
	// school rows
	"students": 50000, "students_primary": 50000, "students_junior": 50000, "students_senior": 50000,
	"classes": 2000, "classes_le45": 2000, "classes_46_50": 2000, "classes_51_55": 2000,
	"classes_56_65": 2000, "classes_66_plus": 2000,
	"teachers": 10000, "teachers_above_required": 10000, "backbone_teachers": 10000,
	"pe_art_teachers": 10000, "certified_teachers": 10000,
	"teaching_area": 5e6, "sports_area": 5e6, // ㎡
	"equipment_value":  1e10, // 元
	"multimedia_rooms": 5000, "music_rooms": 5000, "art_rooms": 5000,
	"books": 1e7, "computers": 50000, "senior_title_teachers": 10000,
	// kindergarten rows
	"kg_small_children": 5000, "kg_medium_children": 5000, "kg_large_children": 5000, "kg_mixed_children": 5000,
	"kg_small_classes": 200, "kg_medium_classes": 200, "kg_large_classes": 200, "kg_mixed_classes": 200,
	"kg_oversize_classes": 200, "caregivers": 2000, "heads": 100, "certified_heads": 100,
	"building_area": 5e6, "activity_area": 5e6, "outdoor_area": 5e6, // ㎡
	// unit facts
	"edu_budget":     1e9, // 万元
	"all_students":   1e8,
	"teacher_salary": 1e7, "civil_servant_salary": 1e7, // 元 a year
	"kg_children": 1e7, "kg_public_children": 1e7, "kg_inclusive_private_children": 1e7,
	"junior_graduates": 1e7, "junior_intake_3y": 1e7, "junior_transfer_in": 1e7, "junior_transfer_out": 1e7,
	"kg_age_population": 1e8, "kg_staff_salary": 1e7, "kg_nonstaff_salary": 1e7, // 元 a year
	"kg_community_total": 1e5, "kg_community_inclusive": 1e5,
	"exchange_eligible_teachers": 1e7, "exchanged_teachers": 1e7, "exchanged_backbone_teachers": 1e7,
}

// maxAny bounds the magnitude of any element without a bound of its own.
const maxAny = 1e12

// Range returns the values a row may hold for the element: finite, from 0 (or
// -maxAny for KindNumber) up to its bound (100 for percentages).
func (e *Element) Range() (lo, hi float64) {
	switch e.Kind {
	case KindPercent:
		return 0, 100
	case KindNumber:
		lo = -maxAny
	}
	hi = maxAny
	if m, ok := elementMax[e.ID]; ok {
		hi = m
	}
	return lo, hi
}

// InRange reports whether v is a value the element may hold.
func (e *Element) InRange(v float64) bool {
	lo, hi := e.Range()
	return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= lo && v <= hi
}
