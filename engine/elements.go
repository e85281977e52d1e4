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
	// Kindergarten: only kindergarten rows (学段 幼儿园) have it; school tables need
	// not carry the column.
	Kindergarten bool
}

// Kind says what values an element may take.
type Kind uint8

// Element kinds.
const (
	KindCount   Kind = iota // a non-negative whole number (students, classes, rooms)
	KindAmount              // a non-negative number (areas, money)
	KindPercent             // 0..100
	KindNumber              // any number (growth may be negative)
	KindFlag                // yes or no: 是/否, 1/0; stored as 1 or 0
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
	{ID: "students", Name: "在校生数", Aliases: []string{"在校学生数", "学生数", "在园幼儿数"}, Unit: "人"},
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
	// 基本均衡 (教督〔2012〕3号): books and computers are split like the other facilities
	// (DOMAIN.md §2.2).
	{ID: "books", Name: "图书册数", Aliases: []string{"图书", "藏书册数", "图书藏量"}, Unit: "册", Facility: true},
	{ID: "computers", Name: "计算机台数（学生用）", Aliases: []string{"学生用计算机台数", "学生用计算机"}, Unit: "台", Facility: true},
	{ID: "senior_title_teachers", Name: "中级及以上职称教师数", Aliases: []string{"中级及以上专业技术职务教师数", "中级以上职称教师数"}, Unit: "人"},
	// Kindergartens (学段 幼儿园): 在园幼儿数 is students, 班级数 classes, 专任教师数
	// teachers, 持证专任教师数 certified_teachers; these are theirs alone.
	{ID: "inclusive", Name: "普惠性幼儿园", Aliases: []string{"是否普惠性幼儿园", "是否普惠", "普惠园"}, Kind: KindFlag, Kindergarten: true},
	{ID: "kg_small_children", Name: "小班幼儿数", Unit: "人", Kindergarten: true},
	{ID: "kg_medium_children", Name: "中班幼儿数", Unit: "人", Kindergarten: true},
	{ID: "kg_large_children", Name: "大班幼儿数", Unit: "人", Kindergarten: true},
	{ID: "kg_mixed_children", Name: "混龄班幼儿数", Unit: "人", Kindergarten: true},
	{ID: "kg_small_classes", Name: "小班班数", Aliases: []string{"小班班级数"}, Unit: "个", Kindergarten: true},
	{ID: "kg_medium_classes", Name: "中班班数", Aliases: []string{"中班班级数"}, Unit: "个", Kindergarten: true},
	{ID: "kg_large_classes", Name: "大班班数", Aliases: []string{"大班班级数"}, Unit: "个", Kindergarten: true},
	{ID: "kg_mixed_classes", Name: "混龄班班数", Aliases: []string{"混龄班班级数"}, Unit: "个", Kindergarten: true},
	{ID: "kg_oversize_classes", Name: "超标准班额班级数", Aliases: []string{"班额超标班级数"}, Unit: "个", Kindergarten: true},
	{ID: "caregivers", Name: "保育员数", Unit: "人", Kindergarten: true},
	{ID: "heads", Name: "园长数", Unit: "人", Kindergarten: true},
	{ID: "certified_heads", Name: "持证园长数", Aliases: []string{"持有园长任职资格证园长数"}, Unit: "人", Kindergarten: true},
	{ID: "building_area", Name: "园舍建筑面积", Aliases: []string{"园舍面积"}, Unit: "㎡", Units: areaUnits, Kind: KindAmount, Facility: true, Kindergarten: true},
	{ID: "activity_area", Name: "幼儿活动用房面积", Aliases: []string{"活动用房面积"}, Unit: "㎡", Units: areaUnits, Kind: KindAmount, Facility: true, Kindergarten: true},
	{ID: "outdoor_area", Name: "室外游戏场地面积", Aliases: []string{"户外活动场地面积", "室外活动场地面积"}, Unit: "㎡", Units: areaUnits, Kind: KindAmount, Facility: true, Kindergarten: true},
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
	// 学前普及普惠 (教督〔2020〕1号)
	{ID: "kg_age_population", Name: "3-5周岁适龄人口", Aliases: []string{"学前三年适龄人口", "3至5周岁适龄人口", "三至五周岁适龄人口"}, Unit: "人"},
	{ID: "kg_staff_salary", Name: "公办园在编教师年平均工资收入", Unit: "元", Units: moneyUnits, NeedUnit: true, Kind: KindAmount},
	{ID: "kg_nonstaff_salary", Name: "公办园非在编教师年平均工资收入", Unit: "元", Units: moneyUnits, NeedUnit: true, Kind: KindAmount},
	{ID: "kg_budget_share", Name: "学前教育经费占财政性教育经费比例", Aliases: []string{"学前教育财政投入占比"}, Unit: "%", Units: pctUnits, Kind: KindPercent},
	{ID: "kg_community_total", Name: "城镇小区配套幼儿园数", Aliases: []string{"小区配套园数"}, Unit: "所"},
	{ID: "kg_community_inclusive", Name: "办成公办园或普惠园的小区配套幼儿园数", Aliases: []string{"普惠性小区配套园数"}, Unit: "所"},
	{ID: "kg_satisfaction", Name: "学前教育社会认可度", Unit: "%", Units: pctUnits, Kind: KindPercent},
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
