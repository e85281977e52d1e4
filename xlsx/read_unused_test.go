package xlsx

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ziping"
	"ziping/engine"
)

// TestUnknownColumnsWarn: a column no element matches is not imported silently; the
// warning names it, with the nearest known header when one is near.
func TestUnknownColumnsWarn(t *testing.T) {
	t.Parallel()
	type w = ziping.ImportWarning
	in := csvInput("s.csv",
		hdr+",图书藏书量,计算机台数(学生),校长姓名,在校学生人数,图书册数",
		good+",12000,80,王明,600,12000")
	ds, warns, err := ReadFromWithWarnings([]Input{in}, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []w{
		{File: "s.csv", Row: 1, Column: "J 图书藏书量", Header: "图书藏书量", Nearest: "图书册数", Msg: "未识别的列「图书藏书量」，是否为「图书册数」？该列未导入"},
		{File: "s.csv", Row: 1, Column: "K 计算机台数(学生)", Header: "计算机台数(学生)", Nearest: "计算机台数（学生用）", Msg: "未识别的列「计算机台数(学生)」，是否为「计算机台数（学生用）」？该列未导入"},
		{File: "s.csv", Row: 1, Column: "L 校长姓名", Header: "校长姓名", Msg: "未识别的列「校长姓名」，未导入"},
		{File: "s.csv", Row: 1, Column: "M 在校学生人数", Header: "在校学生人数", Nearest: "在校生数", Msg: "未识别的列「在校学生人数」，是否为「在校生数」？该列未导入"},
	}
	if diff := cmp.Diff(want, warns); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// The known column 图书册数 (N) is read.
	if got := num(&ds.Periods[2024].Schools, "books"); len(got) != 1 || got[0] != 12000 {
		t.Errorf("books %v", got)
	}
	if s := warns[0].String(); s != "s.csv 列「J 图书藏书量」: 未识别的列「图书藏书量」，是否为「图书册数」？该列未导入" {
		t.Errorf("String() = %s", s)
	}
}

// TestWarningsExplainAMissingColumn: with an error, the warnings still come, and they
// say why 在校生数 is missing.
func TestWarningsExplainAMissingColumn(t *testing.T) {
	t.Parallel()
	in := csvInput("s.csv", "学校代码,学校名称,区县代码,学段,办学类型,年度,在校学生人数,班级数", "3301000001,甲小学,330102,小学,公办,2024,600,14")
	_, warns, err := ReadFromWithWarnings([]Input{in}, ReadOptions{})
	if cells := cellErrors(t, err); len(cells) != 1 || cells[0].Column != "在校生数" {
		t.Errorf("errors %v", cells)
	}
	if len(warns) != 1 || warns[0].Nearest != "在校生数" {
		t.Errorf("warnings %v", warns)
	}
}

// TestSheetWithoutTableWarns: a notes sheet beside the tables is named, not read.
func TestSheetWithoutTableWarns(t *testing.T) {
	t.Parallel()
	in := xlsxInput(t, "d.xlsx",
		sheet{name: "学校", rows: [][]any{{"学校代码", "学校名称", "区县代码", "学段", "办学类型", "年度", "在校生数", "班级数"},
			{"3301000001", "甲小学", "330102", "小学", "公办", 2024, 600, 14}}},
		sheet{name: "填表说明", rows: [][]any{{"本表由教育局填报"}}})
	_, warns, err := ReadFromWithWarnings([]Input{in}, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []ziping.ImportWarning{{File: "d.xlsx", Sheet: "填表说明", Msg: "没有学校表或区县数据表的表头（须含“学校代码”或“区县代码”列），未读取"}}
	if diff := cmp.Diff(want, warns); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestKindergartenRows: kindergartens are school rows with 学段 幼儿园, in their own
// table or beside schools; the cells of the other kind may stay empty (missing, not
// 0); 普惠性幼儿园 reads 是/否.
func TestKindergartenRows(t *testing.T) {
	t.Parallel()
	in := csvInput("s.csv",
		"学校代码,学校名称,区县代码,学段,办学类型,年度,在校生数,班级数,45人及以下班级数,46-50人班级数,51-55人班级数,56-65人班级数,66人及以上班级数,普惠性幼儿园,小班班数,超标准班额班级数",
		"3301000001,甲小学,330102,小学,公办,2024,600,14,14,0,0,0,0,,,",
		"3301020001,乙幼儿园,330102,幼儿园,民办,2024,180,6,,,,,,是,2,1",
		"3301020002,丙幼儿园,330102,学前,民办,2024,90,3,0,0,0,0,0,否,1,0")
	ds := mustRead(t, ReadOptions{}, in)
	s := &ds.Periods[2024].Schools
	if got := []engine.Stage{s.Stage[0], s.Stage[1], s.Stage[2]}; got[1] != engine.StageKindergarten || got[2] != engine.StageKindergarten || got[0] != engine.StagePrimary {
		t.Errorf("stages %v", got)
	}
	if s.Type[1] != engine.TypeKindergarten {
		t.Errorf("type %v", s.Type[1])
	}
	nan := math.NaN()
	if diff := cmp.Diff([]float64{nan, 1, 0}, num(s, "inclusive"), approx); diff != "" {
		t.Errorf("inclusive (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{14, nan, 0}, num(s, "classes_le45"), approx); diff != "" {
		t.Errorf("class bands (-want +got):\n%s", diff)
	}
	bad := csvInput("s.csv", "学校代码,学校名称,区县代码,学段,办学类型,年度,在校生数,班级数,普惠性幼儿园,小班班数",
		"3301020001,乙幼儿园,330102,幼儿园,民办,2024,180,6,普惠,",
		"3301000001,甲小学,330102,小学,公办,2024,600,14,,3")
	_, err := ReadFrom([]Input{bad}, ReadOptions{})
	want := []ziping.CellError{
		{File: "s.csv", Row: 2, Column: "I 普惠性幼儿园", Value: "普惠", Reason: "应为“是”或“否”（或1、0）"},
		{File: "s.csv", Row: 2, Column: "J 小班班数", Reason: "缺少数值（没有请填0）"},
	}
	if diff := cmp.Diff(want, cellErrors(t, err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestNearestHeader(t *testing.T) {
	t.Parallel()
	d := newDictionary(kindFacts)
	for header, want := range map[string]string{
		"3~5岁适龄人口":   "3-5周岁适龄人口",
		"社会认可度(%)":   "社会认可度",
		"学前社会认可度":    "学前教育社会认可度",
		"公务员平均工资(元)": "公务员年平均工资收入",
		"备注":         "",
		"remark":     "",
	} {
		if got := d.nearest(header); got != want {
			t.Errorf("nearest(%s) = %q, want %q", header, got, want)
		}
	}
}
