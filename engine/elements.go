package engine

// Element is one data element: a numeric column of the school table or a unit fact.
// Name is the official Chinese header; Aliases are other accepted headers (English ids
// included). Unit is the canonical unit the value is stored in; Units lists the units a
// header may state and the factor that converts them to the canonical one.
type Element struct {
	ID      string
	Name    string
	Aliases []string
	Unit    string
	Units   map[string]float64 // accepted header units → factor to Unit; nil: none stated
	// NeedUnit: a header without a stated unit is refused (money, where 元 and 万元
	// differ by 10,000 and a silent guess would be a disaster).
	NeedUnit bool
	Kind     Kind
	// Facility: split between stages of a combined school by the weighted student
	// shares of DOMAIN.md §2.2; other counts are split by plain student shares.
	Facility bool
	// Fold: a finer source column added into this element (official class-size bands).
	Fold []string
	// Derived: computed by Snapshot.Finish from other columns; not accepted in files.
	Derived bool
}

// Kind says what values an element may take.
type Kind uint8

// Element kinds.
const (
	KindCount   Kind = iota // a non-negative whole number (students, classes, rooms)
	KindAmount              // a non-negative number (areas, money)
	KindPercent             // 0..100
	KindNumber              // any number (growth may be negative)
)

var (
	areaUnits  = map[string]float64{"㎡": 1, "平方米": 1, "m2": 1, "m²": 1, "米2": 1}
	moneyUnits = map[string]float64{"元": 1, "万元": 10000, "亿元": 1e8}
	wanUnits   = map[string]float64{"万元": 1, "元": 1e-4, "亿元": 1e4}
	pctUnits   = map[string]float64{"%": 1, "％": 1}
)

// Indexes of the school elements the importer and engine treat specially.
const (
	SEStudents = iota
	SEStudentsPrimary
	SEStudentsJunior
	SEStudentsSenior
	SEClasses
	SEClassesLE45
	SEClasses4650
	SEClasses5155
	SEClasses5665
	SEClasses66
)

// Indexes of the derived school elements (see Snapshot.Finish).
var (
	SESchoolStudents = SchoolElementIndex("school_students")
	SESchoolFirst    = SchoolElementIndex("school_first")
)

// SchoolElements is the catalogue of numeric school columns. The order is fixed: the
// constants above index into it.
var SchoolElements = []Element{
	{ID: "students", Name: "在校生数", Aliases: []string{"在校学生数", "学生数"}, Unit: "人"},
	{ID: "students_primary", Name: "小学在校生数", Aliases: []string{"小学部在校生数"}, Unit: "人"},
	{ID: "students_junior", Name: "初中在校生数", Aliases: []string{"初中部在校生数"}, Unit: "人"},
	{ID: "students_senior", Name: "高中在校生数", Aliases: []string{"高中部在校生数"}, Unit: "人"},
	{ID: "classes", Name: "班级数", Aliases: []string{"教学班数", "班数"}, Unit: "个"},
	{ID: "classes_le45", Name: "45人及以下班级数", Aliases: []string{"45人及以下"}, Unit: "个",
		Fold: []string{"25人及以下", "26-30人", "31-35人", "36-40人", "41-45人"}},
	{ID: "classes_46_50", Name: "46-50人班级数", Aliases: []string{"46-50人"}, Unit: "个"},
	{ID: "classes_51_55", Name: "51-55人班级数", Aliases: []string{"51-55人"}, Unit: "个"},
	{ID: "classes_56_65", Name: "56-65人班级数", Aliases: []string{"56-65人"}, Unit: "个",
		Fold: []string{"56-60人", "61-65人"}},
	{ID: "classes_66_plus", Name: "66人及以上班级数", Aliases: []string{"66人及以上"}, Unit: "个"},
	{ID: "teachers", Name: "专任教师数", Unit: "人"},
	{ID: "teachers_above_required", Name: "高于规定学历教师数", Unit: "人"},
	{ID: "backbone_teachers", Name: "县级以上骨干教师数", Unit: "人"},
	{ID: "pe_art_teachers", Name: "体育艺术专任教师数", Aliases: []string{"体育、艺术专任教师数", "体育艺术(美术、音乐)专任教师数"}, Unit: "人"},
	{ID: "certified_teachers", Name: "持证专任教师数", Aliases: []string{"持有教师资格证专任教师数"}, Unit: "人"},
	{ID: "teaching_area", Name: "教学及辅助用房面积", Aliases: []string{"教学及辅助用房"}, Unit: "㎡", Units: areaUnits, Kind: KindAmount, Facility: true},
	{ID: "sports_area", Name: "体育运动场馆面积", Aliases: []string{"体育运动场馆"}, Unit: "㎡", Units: areaUnits, Kind: KindAmount, Facility: true},
	{ID: "equipment_value", Name: "教学仪器设备值", Aliases: []string{"教学仪器设备资产值"}, Unit: "元", Units: moneyUnits, NeedUnit: true, Kind: KindAmount, Facility: true},
	{ID: "multimedia_rooms", Name: "网络多媒体教室数", Aliases: []string{"网络多媒体教室"}, Unit: "间", Facility: true},
	{ID: "music_rooms", Name: "音乐专用教室数", Aliases: []string{"音乐教室数"}, Unit: "间", Facility: true},
	{ID: "art_rooms", Name: "美术专用教室数", Aliases: []string{"美术教室数"}, Unit: "间", Facility: true},
	// Derived by Snapshot.Finish, never read from a file.
	{ID: "school_students", Name: "全校义务教育在校生数", Unit: "人", Derived: true},
	{ID: "school_first", Name: "学校首行标记", Unit: "", Derived: true},
}

// ClassBands are the class-size band elements, in order; they must add up to 班级数.
var ClassBands = []int{SEClassesLE45, SEClasses4650, SEClasses5155, SEClasses5665, SEClasses66}

// UnitElements is the catalogue of unit-level facts (county facts).
var UnitElements = []Element{
	{ID: "edu_budget", Name: "一般公共预算教育支出", Unit: "万元", Units: wanUnits, NeedUnit: true, Kind: KindAmount},
	{ID: "all_students", Name: "各级各类在校生数", Aliases: []string{"在校学生总数"}, Unit: "人"},
	{ID: "teacher_salary", Name: "教师年平均工资收入", Aliases: []string{"义务教育教师年平均工资"}, Unit: "元", Units: moneyUnits, NeedUnit: true, Kind: KindAmount},
	{ID: "civil_servant_salary", Name: "公务员年平均工资收入", Aliases: []string{"当地公务员年平均工资"}, Unit: "元", Units: moneyUnits, NeedUnit: true, Kind: KindAmount},
	{ID: "kg_children", Name: "在园幼儿数", Unit: "人"},
	{ID: "kg_public_children", Name: "公办园在园幼儿数", Unit: "人"},
	{ID: "kg_inclusive_private_children", Name: "普惠性民办园在园幼儿数", Unit: "人"},
	{ID: "junior_graduates", Name: "初中毕业生数", Unit: "人"},
	{ID: "junior_intake_3y", Name: "三年前初一招生数", Aliases: []string{"三年前初中招生数"}, Unit: "人"},
	{ID: "junior_transfer_in", Name: "初中转入学生数", Unit: "人"},
	{ID: "junior_transfer_out", Name: "初中转出学生数", Unit: "人"},
	{ID: "disabled_enrollment_rate", Name: "残疾儿童少年入学率", Unit: "%", Units: pctUnits, Kind: KindPercent},
	{ID: "satisfaction", Name: "社会认可度", Aliases: []string{"满意度"}, Unit: "%", Units: pctUnits, Kind: KindPercent},
	{ID: "exchange_eligible_teachers", Name: "符合交流条件教师数", Unit: "人"},
	{ID: "exchanged_teachers", Name: "交流轮岗教师数", Unit: "人"},
	{ID: "exchanged_backbone_teachers", Name: "交流轮岗骨干教师数", Unit: "人"},
	{ID: "training_completion_rate", Name: "教师培训完成率", Unit: "%", Units: pctUnits, Kind: KindPercent},
	{ID: "migrant_public_rate", Name: "随迁子女公办学校就读比例", Unit: "%", Units: pctUnits, Kind: KindPercent},
	{ID: "quota_allocation_rate", Name: "优质高中招生名额分配比例", Unit: "%", Units: pctUnits, Kind: KindPercent},
}

// SchoolElementIndex returns the index of the school element with the given id, or -1.
func SchoolElementIndex(id string) int { return elementIndex(SchoolElements, id) }

// UnitElementIndex returns the index of the unit element with the given id, or -1.
func UnitElementIndex(id string) int { return elementIndex(UnitElements, id) }

func elementIndex(els []Element, id string) int {
	for i := range els {
		if els[i].ID == id {
			return i
		}
	}
	return -1
}
