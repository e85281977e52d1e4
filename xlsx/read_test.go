package xlsx

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"ziping/engine"
)

// sheet is one worksheet for xlsxInput; pct cells get a percent number format.
type sheet struct {
	name string
	rows [][]any
	pct  []string
}

// xlsxInput builds a workbook in memory.
func xlsxInput(t *testing.T, name string, sheets ...sheet) Input {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 9})
	if err != nil {
		t.Fatal(err)
	}
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(sh.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range sh.pct {
			if err := f.SetCellStyle(sh.name, c, c, pct); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return Input{Name: name, R: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())}
}

// mustRead reads inputs that must be good.
func mustRead(t *testing.T, opt ReadOptions, inputs ...Input) *engine.Dataset {
	t.Helper()
	ds, err := ReadFrom(inputs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// num returns the school column of element id, indexed by element.
func num(s *engine.Schools, id string) []float64 { return s.Num[engine.SchoolElementIndex(id)] }

// fact returns the facts column of element id.
func fact(f *engine.Facts, id string) []float64 { return f.Num[engine.UnitElementIndex(id)] }

var approx = cmp.Options{cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateNaNs()}

// TestReadCombinedSplit splits a nine-year school given as one row, worked by hand:
//
//	students A = 600 primary, B = 400 junior, 1000 in all
//	plain shares:    primary 600/1000 = 0.6, junior 0.4
//	    teachers 60 → 36 / 24, classes 25 → 15 / 10
//	facility shares: primary A/(A+1.1B) = 600/1040 = 0.576923…, junior 440/1040
//	    teaching area 5000 ㎡ → 2884.615… / 2115.384…
//	    equipment 104 万元 = 1,040,000 元 → 600,000 / 440,000
//
// The plain primary school after it keeps its values; its empty per-stage student
// cells become its own students (小学) and 0 (初中).
func TestReadCombinedSplit(t *testing.T) {
	t.Parallel()
	ds := mustRead(t, ReadOptions{}, csvInput("s.csv",
		"学校代码,学校名称,区县代码,区县名称,学段,办学类型,年度,在校生数,小学在校生数,初中在校生数,班级数,专任教师数,教学及辅助用房面积(㎡),教学仪器设备值(万元)",
		"3301000001,甲学校,330102,西湖区,九年一贯制,公办,2024,1000,600,400,25,60,5000,104",
		"3301000002,乙小学,330102,西湖区,小学,民办,2024,300,,,7,20,1500,30"))
	if diff := cmp.Diff([]engine.Unit{{Code: "330102", Name: "西湖区"}}, ds.Units); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
	s := &ds.Periods[2024].Schools
	got := map[string]any{
		"code": s.Code, "name": s.Name, "stage": s.Stage, "type": s.Type, "public": s.Public, "row": s.Row,
		"students": num(s, "students"), "primary": num(s, "students_primary"), "junior": num(s, "students_junior"),
		"classes": num(s, "classes"), "teachers": num(s, "teachers"), "area": num(s, "teaching_area"),
		"equipment": num(s, "equipment_value"), "school_students": num(s, "school_students"),
		"first": num(s, "school_first"), "sports": num(s, "sports_area"),
	}
	want := map[string]any{
		"code":   []string{"3301000001", "3301000001", "3301000002"},
		"name":   []string{"甲学校", "甲学校", "乙小学"},
		"stage":  []engine.Stage{engine.StagePrimary, engine.StageJunior, engine.StagePrimary},
		"type":   []engine.SchoolType{engine.TypeNineYear, engine.TypeNineYear, engine.TypePrimary},
		"public": []bool{true, true, false}, "row": []int32{2, 2, 3},
		"students": []float64{600, 400, 300}, "primary": []float64{600, 0, 300}, "junior": []float64{0, 400, 0},
		"classes": []float64{15, 10, 7}, "teachers": []float64{36, 24, 20},
		"area":            []float64{5000 * 600 / 1040.0, 5000 * 440 / 1040.0, 1500},
		"equipment":       []float64{600000, 440000, 300000},
		"school_students": []float64{1000, 1000, 300}, "first": []float64{1, 0, 1},
		"sports": []float64(nil),
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("schools (-want +got):\n%s", diff)
	}
}

// TestReadCombinedWhole: a combined row's counts are split in whole numbers by the
// largest-remainder method (engine.Apportion), worked by hand; the class-size bands
// within each stage's classes and the kinds of teacher within its teachers.
//
//	甲 nine-year 600/300: classes 25 → 16.67/8.33 → 17/8; teachers 50 → 33.33/16.67 →
//	    33/17; bands 20,2,1,1,1 → 13/7, 1/1 and 1/0 three times (adding up to 17 and 8);
//	    持证 49 → 33/16, 骨干 5 → 3/2; rooms by the weights 600 : 330 → 6.45/3.55 → 6/4;
//	    the area stays fractional.
//	乙 nine-year 100/100: classes 2 → 1/1; the bands 46-50 and 51-55 (one each) tie
//	    at 0.5/0.5: split alone both would go to the primary stage (2 classes there
//	    against 1), within the classes the first takes the primary stage and the
//	    second the junior; rooms 2 by 100 : 110 → 0.95/1.05 → 1/1.
//	丙 twelve-year 100/300/300: teachers 4 → 0.57/1.71/1.71 → 0/2/2; 持证 3 →
//	    0.43/1.29/1.29, which alone would be 1/1/1 (a 持证 teacher in a stage without
//	    teachers); within the teachers 0/1/2. Rooms 20 by 100 : 330 : 396 → 2.42/7.99/9.59 → 2/8/10.
func TestReadCombinedWhole(t *testing.T) {
	t.Parallel()
	ds := mustRead(t, ReadOptions{}, csvInput("s.csv",
		"学校代码,学校名称,区县代码,学段,办学类型,年度,在校生数,小学在校生数,初中在校生数,高中在校生数,班级数,"+
			"45人及以下班级数,46-50人班级数,51-55人班级数,56-65人班级数,66人及以上班级数,专任教师数,持证专任教师数,县级以上骨干教师数,网络多媒体教室数,教学及辅助用房面积(㎡)",
		"3301000001,甲学校,330102,九年一贯制,公办,2024,900,600,300,0,25,20,2,1,1,1,50,49,5,10,9000",
		"3301000002,乙学校,330102,九年一贯制,公办,2024,200,100,100,0,2,0,1,1,0,0,4,4,0,2,1000",
		"3301000003,丙学校,330102,十二年一贯制,公办,2024,700,100,300,300,14,14,0,0,0,0,4,3,0,20,7000"))
	s := &ds.Periods[2024].Schools
	got := map[string][]float64{}
	for _, id := range []string{"classes", "classes_le45", "classes_46_50", "classes_51_55", "classes_56_65", "classes_66_plus",
		"teachers", "certified_teachers", "backbone_teachers", "multimedia_rooms", "teaching_area"} {
		got[id] = num(s, id)
	}
	want := map[string][]float64{
		"classes":            {17, 8, 1, 1, 2, 6, 6},
		"classes_le45":       {13, 7, 0, 0, 2, 6, 6},
		"classes_46_50":      {1, 1, 1, 0, 0, 0, 0},
		"classes_51_55":      {1, 0, 0, 1, 0, 0, 0},
		"classes_56_65":      {1, 0, 0, 0, 0, 0, 0},
		"classes_66_plus":    {1, 0, 0, 0, 0, 0, 0},
		"teachers":           {33, 17, 2, 2, 0, 2, 2},
		"certified_teachers": {33, 16, 2, 2, 0, 1, 2},
		"backbone_teachers":  {3, 2, 0, 0, 0, 0, 0},
		"multimedia_rooms":   {6, 4, 1, 1, 2, 8, 10},
		"teaching_area":      {9000 * 600 / 930.0, 9000 * 330 / 930.0, 1000 * 100 / 210.0, 1000 * 110 / 210.0, 7000 * 100 / 826.0, 7000 * 330 / 826.0, 7000 * 396 / 826.0},
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("schools (-want +got):\n%s", diff)
	}
}

func TestReadSplitWeightsOption(t *testing.T) {
	t.Parallel()
	w := engine.SplitWeights{CompleteSenior: 2}
	ds := mustRead(t, ReadOptions{Split: w}, csvInput("s.csv",
		"学校代码,学校名称,区县代码,学段,办学类型,年度,在校生数,初中在校生数,高中在校生数,班级数,网络多媒体教室数",
		"3301000001,丙中学,330102,完全中学,公办,2024,300,100,200,6,50"))
	s := &ds.Periods[2024].Schools
	// Junior 100 against senior 2×200: the junior part gets 100/500 of the rooms.
	want := []float64{10, 40}
	if diff := cmp.Diff(want, num(s, "multimedia_rooms"), approx); diff != "" {
		t.Errorf("rooms (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]engine.Stage{engine.StageJunior, engine.StageSenior}, s.Stage); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
}

// TestReadXLSXTitleRowsAndUnits reads a workbook whose header sits under a title,
// with money in 万元, areas in 平方米, numbers as numbers, no 年度 column (the period
// comes from the options) and a sheet that is not a table.
func TestReadXLSXTitleRowsAndUnits(t *testing.T) {
	t.Parallel()
	in := xlsxInput(t, "book.xlsx",
		sheet{name: "说明", rows: [][]any{{"本表由系统导出"}}},
		sheet{name: "学校", rows: [][]any{
			{"杭州市2024年中小学基础数据表"},
			{},
			{"学校代码", "学校名称", "区县代码", "学段", "学校类别", "办学类型", "在校生数", "班级数", "教学仪器设备值（万元）", "体育运动场馆面积(平方米)", "备注"},
			{"3301000001", "甲小学", "330102", "小学", "", "公办", 600, 14, 12.5, 3000, "无"},
			{3301000003, "丙中学", 330103, "初中", "初级中学", "民办", 900, 20, 100, 8000.5},
		}})
	ds := mustRead(t, ReadOptions{Period: 2024}, in)
	if diff := cmp.Diff([]engine.Unit{{Code: "330102"}, {Code: "330103"}}, ds.Units); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
	s := &ds.Periods[2024].Schools
	got := map[string]any{"code": s.Code, "row": s.Row, "type": s.Type, "public": s.Public,
		"equipment": num(s, "equipment_value"), "sports": num(s, "sports_area"), "ranges": s.Ranges}
	want := map[string]any{"code": []string{"3301000001", "3301000003"}, "row": []int32{4, 5},
		"type":   []engine.SchoolType{engine.TypePrimary, engine.TypeJunior},
		"public": []bool{true, false}, "equipment": []float64{125000, 1000000}, "sports": []float64{3000, 8000.5},
		"ranges": []engine.Range{{Lo: 0, Hi: 1}, {Lo: 1, Hi: 2}}}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("schools (-want +got):\n%s", diff)
	}
}

// TestReadFacts reads county facts: a percent-formatted cell holding 0.85, "97.5%"
// as text, empty cells as NaN, absent elements as nil columns, cities as parents.
func TestReadFacts(t *testing.T) {
	t.Parallel()
	in := xlsxInput(t, "facts.xlsx", sheet{name: "区县", rows: [][]any{
		{"区县代码", "区县名称", "地市代码", "地市名称", "年度", "社会认可度", "残疾儿童少年入学率(%)", "教师培训完成率", "一般公共预算教育支出(亿元)"},
		{"330102", "西湖区", "330100", "杭州市", 2024, 0.85, "97.5%", 100, 12.5},
		{"330108", "滨江区", "330100", "杭州市", 2024, "88%", 99, nil, nil},
	}, pct: []string{"F2"}})
	ds := mustRead(t, ReadOptions{}, in)
	wantUnits := []engine.Unit{
		{Code: "330102", Name: "西湖区", ParentCode: "330100", ParentName: "杭州市"},
		{Code: "330108", Name: "滨江区", ParentCode: "330100", ParentName: "杭州市"},
	}
	if diff := cmp.Diff(wantUnits, ds.Units); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
	f := &ds.Periods[2024].Facts
	got := map[string][]float64{"satisfaction": fact(f, "satisfaction"), "disabled": fact(f, "disabled_enrollment_rate"),
		"training": fact(f, "training_completion_rate"), "budget": fact(f, "edu_budget"), "kg": fact(f, "kg_children")}
	want := map[string][]float64{"satisfaction": {85, 88}, "disabled": {97.5, 99},
		"training": {100, math.NaN()}, "budget": {125000, math.NaN()}, "kg": nil}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
}

// TestReadFactsAndSchools: units come from the facts in their order, including a
// county without schools; schools are grouped by unit; each period is a snapshot.
func TestReadFactsAndSchools(t *testing.T) {
	t.Parallel()
	facts := csvInput("facts.csv", "区县代码,区县名称,年度,在园幼儿数",
		"330108,滨江区,2023,5000", "330102,西湖区,2023,", "330110,余杭区,2024,9000", "330102,西湖区,2024,7000")
	schools := csvInput("schools.csv", hdr,
		"3301000001,甲小学,330102,小学,公办,2024,600,14,40",
		"3301000002,乙小学,330108,小学,公办,2024,300,7,20",
		"3301000003,丙小学,330102,小学,公办,2024,200,5,15",
		"3301000001,甲小学,330102,小学,公办,2023,580,14,39")
	ds := mustRead(t, ReadOptions{}, facts, schools)
	codes := []string{}
	for _, u := range ds.Units {
		codes = append(codes, u.Code)
	}
	if diff := cmp.Diff([]string{"330108", "330102", "330110"}, codes); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2023, 2024}, ds.PeriodList()); diff != "" {
		t.Errorf("periods (-want +got):\n%s", diff)
	}
	s24 := &ds.Periods[2024].Schools
	got := map[string]any{"code24": s24.Code, "unit24": s24.Unit, "ranges24": s24.Ranges,
		"code23": ds.Periods[2023].Schools.Code, "kg23": fact(&ds.Periods[2023].Facts, "kg_children"),
		"kg24": fact(&ds.Periods[2024].Facts, "kg_children")}
	want := map[string]any{"code24": []string{"3301000002", "3301000001", "3301000003"}, "unit24": []int32{0, 1, 1},
		"ranges24": []engine.Range{{Lo: 0, Hi: 1}, {Lo: 1, Hi: 3}, {}},
		"code23":   []string{"3301000001"}, "kg23": []float64{5000, math.NaN(), math.NaN()},
		"kg24": []float64{math.NaN(), 7000, 9000}}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("dataset (-want +got):\n%s", diff)
	}
}

func TestReadFoldedBands(t *testing.T) {
	t.Parallel()
	ds := mustRead(t, ReadOptions{}, csvInput("s.csv",
		hdr+",25人及以下,26-30人,31-35人,36-40人,41-45人班级数,46-50人,51-55人,56-60人,61～65人班级数,66人及以上",
		good+",1,1,2,3,3,1,1,1,1,0"))
	s := &ds.Periods[2024].Schools
	got := [][]float64{num(s, "classes_le45"), num(s, "classes_46_50"), num(s, "classes_56_65"), num(s, "classes_66_plus")}
	if diff := cmp.Diff([][]float64{{10}, {1}, {2}, {0}}, got); diff != "" {
		t.Errorf("bands (-want +got):\n%s", diff)
	}
}

// TestReadCellSpellings: full-width digits, thousands separators, spaces, a BOM,
// CRLF line ends, English headers and ownership, a quoted field with a newline
// (one spreadsheet row), and doubled quotes.
func TestReadCellSpellings(t *testing.T) {
	t.Parallel()
	data := "\xEF\xBB\xBFschool_code,school_name,county_code,stage,ownership,period,students,classes\r\n" +
		"3301000001,\"甲\n小学\",330102,primary,Public,2024,６００, 14 \r\n" +
		"3301000002,\"乙\"\"小学\"\"\",330102,初中,private,2024,\"1,234\",28\r\n"
	ds := mustRead(t, ReadOptions{}, Input{Name: "s.CSV", R: strings.NewReader(data), Size: int64(len(data))})
	s := &ds.Periods[2024].Schools
	got := map[string]any{"name": s.Name, "row": s.Row, "students": num(s, "students"), "classes": num(s, "classes"), "public": s.Public}
	want := map[string]any{"name": []string{"甲\n小学", `乙"小学"`}, "row": []int32{2, 3},
		"students": []float64{600, 1234}, "classes": []float64{14, 28}, "public": []bool{true, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schools (-want +got):\n%s", diff)
	}
}

// TestReadCountFormulaNoise: a count a spreadsheet formula left a binary hair off a
// whole number, which Excel shows as that number, reads as it; a count or a fact
// that is really fractional is still refused.
func TestReadCountFormulaNoise(t *testing.T) {
	t.Parallel()
	data := "学校代码,学校名称,区县代码,学段,办学类型,年度,在校生数,班级数,专任教师数\n" +
		"3301000001,甲小学,330102,小学,公办,2024,600,15.000000000000002,39.99999999999999\n"
	ds := mustRead(t, ReadOptions{}, Input{Name: "s.csv", R: strings.NewReader(data), Size: int64(len(data))})
	s := &ds.Periods[2024].Schools
	if got := []float64{num(s, "classes")[0], num(s, "teachers")[0]}; !reflect.DeepEqual(got, []float64{15, 40}) {
		t.Errorf("classes and teachers read %v, want [15 40]", got)
	}
	for _, v := range []string{"15.000001", "15.02"} {
		bad := strings.Replace(data, "15.000000000000002", v, 1)
		if _, err := ReadFrom([]Input{{Name: "s.csv", R: strings.NewReader(bad), Size: int64(len(bad))}}, ReadOptions{}); err == nil ||
			!strings.Contains(err.Error(), "应为整数") {
			t.Errorf("classes %s: got %v, want 应为整数", v, err)
		}
	}
}

func TestReadGBK(t *testing.T) {
	t.Parallel()
	text := strings.Join([]string{"学校代码,学校名称,区县代码,区县名称,学段,办学类型,年度,在校生数,班级数",
		"3301000001,西湖小学,330102,西湖区,小学,公办,2024,600,14"}, "\r\n")
	data, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	ds := mustRead(t, ReadOptions{}, Input{Name: "gbk.csv", R: bytes.NewReader(data), Size: int64(len(data))})
	s := &ds.Periods[2024].Schools
	if s.Name[0] != "西湖小学" || ds.Units[0].Name != "西湖区" || s.Stage[0] != engine.StagePrimary {
		t.Errorf("got name %q, county %q, stage %v", s.Name[0], ds.Units[0].Name, s.Stage[0])
	}
}

// TestReadChunks parses a file large enough to be cut into chunks, and the same
// file with one quoted field, which is parsed in one piece: the datasets must be
// equal, and an error deep in the file must carry its true row number.
func TestReadChunks(t *testing.T) {
	t.Parallel()
	rows := genSchools(7, 40_000, 200)
	plain := csvBytes(rows)
	if len(plain) < 2*minChunk {
		t.Fatalf("test file of %d bytes is too small to be chunked", len(plain))
	}
	quoted := bytes.Replace(plain, []byte(",第0号实验学校,"), []byte(",\"第0号实验学校\","), 1)
	read := func(data []byte) (*engine.Dataset, error) {
		return ReadFrom([]Input{{Name: "s.csv", R: bytes.NewReader(data), Size: int64(len(data))}}, ReadOptions{})
	}
	a, err := read(plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := read(quoted)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) { // cmp.Diff is slow on a million values; it explains a failure
		t.Errorf("chunked and single-piece datasets differ:\n%s", cmp.Diff(a, b))
	}
	if n := a.Periods[2024].Schools.Len(); n < 40_000 {
		t.Errorf("got %d rows, want at least 40000", n)
	}
	for _, data := range [][]byte{plain, quoted} {
		bad := bytes.Replace(data, []byte("\n2100035000,"), []byte("\n2100035000,,"), 1)
		_, err := read(bad)
		cells := cellErrors(t, err)
		if len(cells) == 0 || cells[0].Row != 35002 {
			t.Errorf("got %v, want the first error on row 35002", cells)
		}
	}
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		exp     int
		want    float64
		pct, ok bool
	}{
		{"600", 0, 600, false, true},
		{"12.5", 4, 125000, false, true}, // 万元 → 元, exactly
		{"0.07", 2, 7, false, true},      // a percent-formatted cell, exactly (0.07*100 is not)
		{"-3", 0, -3, false, true},
		{"1,234", 0, 1234, false, true},
		{"1,234,567.5", 0, 1234567.5, false, true},
		{"１２３．５", 0, 123.5, false, true},
		{" 85% ", 0, 85, true, true},
		{"85％", 0, 85, true, true},
		{"1e3", 0, 1000, false, true},
		{"12345678901234567", 0, 12345678901234567, false, true},
		{"1,23", 0, 0, false, false},
		{"12,", 0, 0, false, false},
		{"0x10", 0, 0, false, false},
		{"NaN", 0, 0, false, false},
		{"Inf", 0, 0, false, false},
		{"1_000", 0, 0, false, false},
		{"-", 0, 0, false, false},
		{".", 0, 0, false, false},
		{"", 0, 0, false, false},
		{"六百", 0, 0, false, false},
	}
	for _, tt := range tests {
		v, pct, ok := parseNumber(tt.in, tt.exp)
		if ok != tt.ok || (ok && (v != tt.want || pct != tt.pct)) {
			t.Errorf("parseNumber(%q, %d) = %v, %v, %v; want %v, %v, %v", tt.in, tt.exp, v, pct, ok, tt.want, tt.pct, tt.ok)
		}
	}
}
