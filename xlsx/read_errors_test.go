package xlsx

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ziping"
)

// csvInput wraps CSV text (lines joined with "\n") as an Input.
func csvInput(name string, lines ...string) Input {
	data := []byte(strings.Join(lines, "\n") + "\n")
	return Input{Name: name, R: bytes.NewReader(data), Size: int64(len(data))}
}

// cellErrors returns the cells of an *ImportError, failing the test on anything else.
func cellErrors(t *testing.T, err error) []ziping.CellError {
	t.Helper()
	var ie *ziping.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("want *ziping.ImportError, got %T %v", err, err)
	}
	return ie.Cells
}

const (
	hdr  = "学校代码,学校名称,区县代码,学段,办学类型,年度,在校生数,班级数,专任教师数" // A..I
	good = "3301000001,甲小学,330102,小学,公办,2024,600,14,40"
)

func TestReadRejects(t *testing.T) {
	t.Parallel()
	type ce = ziping.CellError
	facts := csvInput("f.csv", "区县代码,区县名称,年度", "330102,西湖区,2024")
	tests := []struct {
		name   string
		inputs []Input
		opt    ReadOptions
		want   []ce
	}{
		{"not a number", []Input{csvInput("s.csv", hdr, "3301000001,甲小学,330102,小学,公办,2024,六百,14,40")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "G 在校生数", Value: "六百", Reason: "不是数字"}}},
		{"title rows above the header", []Input{csvInput("s.csv", "2024年学校基础数据表,,", "填报单位：西湖区教育局", hdr,
			"3301000001,甲小学,330102,小学,公办,2024,600,14,x")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 4, Column: "I 专任教师数", Value: "x", Reason: "不是数字"}}},
		{"negative", []Input{csvInput("s.csv", hdr, "3301000001,甲小学,330102,小学,公办,2024,600,-1,40")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "H 班级数", Value: "-1", Reason: "不能为负数"}}},
		{"count not whole", []Input{csvInput("s.csv", hdr, "3301000001,甲小学,330102,小学,公办,2024,600,14,3.5")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "I 专任教师数", Value: "3.5", Reason: "应为整数"}}},
		{"stage row of a combined school split by hand", []Input{csvInput("s.csv", hdr+",学校类别",
			"3301000001,甲学校,330102,小学,公办,2024,600,15.02,40.4,九年一贯制学校",
			"3301000001,甲学校,330102,初中,公办,2024,300,8.98,20,九年一贯制学校",
			"3301000002,乙小学,330102,小学,公办,2024,600,14.5,40,小学")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "H 班级数", Value: "15.02", Reason: reasonNotWholeStage},
				{File: "s.csv", Row: 2, Column: "I 专任教师数", Value: "40.4", Reason: reasonNotWholeStage},
				{File: "s.csv", Row: 3, Column: "H 班级数", Value: "8.98", Reason: reasonNotWholeStage},
				{File: "s.csv", Row: 4, Column: "H 班级数", Value: "14.5", Reason: "应为整数"}}},
		{"empty number", []Input{csvInput("s.csv", hdr, "3301000001,甲小学,330102,小学,公办,2024,,14,40")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "G 在校生数", Reason: "缺少数值（没有请填0）"}}},
		{"empty text", []Input{csvInput("s.csv", hdr, "3301000001,,330102,小学,公办,2024,600,14,40")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "B 学校名称", Reason: "不能为空"}}},
		{"missing columns", []Input{csvInput("s.csv", "学校代码,学校名称,区县代码,办学类型,年度,在校生数,专任教师数")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 1, Column: "学段", Reason: "缺少必需的列"},
				{File: "s.csv", Row: 1, Column: "班级数", Reason: "缺少必需的列"}}},
		{"money without unit", []Input{csvInput("s.csv", hdr+",教学仪器设备值", good+",100")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 1, Column: "J 教学仪器设备值", Reason: "请在列名中注明单位：元或万元"}}},
		{"unknown unit", []Input{csvInput("s.csv", hdr+",教学仪器设备值（美元）", good+",100")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 1, Column: "J 教学仪器设备值（美元）", Reason: "无法识别的单位「美元」（可用：元、万元、亿元）"}}},
		{"derived column", []Input{csvInput("s.csv", hdr+",school_students", good+",600")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 1, Column: "J school_students", Reason: "此列由系统计算，不能导入，请删除"}}},
		{"duplicate column", []Input{csvInput("s.csv", hdr+",在校学生数", good+",600")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 1, Column: "J 在校学生数", Reason: "与G列重复"}}},
		{"unknown stage", []Input{csvInput("s.csv", hdr, "3301000001,甲小学,330102,大学,公办,2024,600,14,40")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "D 学段", Value: "大学", Reason: "无法识别的学段（应为小学、初中、高中、九年一贯制、十二年一贯制、完全中学或幼儿园）"}}},
		{"unknown school type", []Input{csvInput("s.csv", hdr+",学校类别", good+",大学")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "J 学校类别", Value: "大学", Reason: "无法识别的学校类别"}}},
		{"type contradicts combined stage", []Input{csvInput("s.csv", hdr+",学校类别,小学在校生数,初中在校生数",
			"3301000001,甲学校,330102,九年一贯制,公办,2024,600,14,40,完全中学,300,300")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "J 学校类别", Value: "完全中学", Reason: "学校类别与学段不一致"}}},
		{"unknown ownership", []Input{csvInput("s.csv", hdr, "3301000001,甲小学,330102,小学,合办,2024,600,14,40")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "E 办学类型", Value: "合办", Reason: "无法识别的办学类型（应为公办或民办）"}}},
		{"county code", []Input{csvInput("s.csv", hdr, "3301000001,甲小学,33010,小学,公办,2024,600,14,40")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "C 区县代码", Value: "33010", Reason: "区县代码应为6位数字"}}},
		{"bad period", []Input{csvInput("s.csv", hdr, "3301000001,甲小学,330102,小学,公办,二〇二四,600,14,40")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "F 年度", Value: "二〇二四", Reason: "年度应为四位年份，如2024"}}},
		{"missing period", []Input{csvInput("s.csv", "学校代码,学校名称,区县代码,学段,办学类型,在校生数,班级数",
			"3301000001,甲小学,330102,小学,公办,600,14")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 1, Column: "年度", Reason: "缺少年度：请增加“年度”列，或在导入时指定年度"}}},
		{"duplicate school", []Input{csvInput("s.csv", hdr, good, "3301000002,乙小学,330102,小学,公办,2024,300,7,20", good)}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 4, Column: "A 学校代码", Value: "3301000001", Reason: "与第2行重复（同一年度同一学段（小学）的学校代码不能重复）"}}},
		{"duplicate school across files", []Input{csvInput("a.csv", hdr, good), csvInput("b.csv", hdr, good)}, ReadOptions{},
			[]ce{{File: "b.csv", Row: 2, Column: "A 学校代码", Value: "3301000001", Reason: "与「a.csv」第2行重复（同一年度同一学段（小学）的学校代码不能重复）"}}},
		{"bands do not add up", []Input{csvInput("s.csv", hdr+",45人及以下,46-50人,51-55人,56-65人,66人及以上", good+",10,2,1,0,0")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "H 班级数", Value: "14", Reason: "各班额段班级数之和（13）与班级数（14）不符"}}},
		{"partial fold", []Input{csvInput("s.csv", hdr+",56-60人", good+",0")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 1, Column: "61-65人", Reason: "缺少列：分段列须齐全才能合计为「56-65人班级数」"}}},
		{"unknown county", []Input{facts, csvInput("s.csv", hdr, good, "3301000002,乙小学,330103,小学,公办,2024,300,7,20")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 3, Column: "C 区县代码", Value: "330103", Reason: "区县代码不在区县数据表中"}}},
		{"combined students do not add up", []Input{csvInput("s.csv", hdr+",小学在校生数,初中在校生数",
			"3301000001,甲学校,330102,九年一贯制,公办,2024,1000,24,60,600,300")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "G 在校生数", Value: "1000", Reason: "在校生数应等于各学段在校生数之和（900）"}}},
		{"combined without stage columns", []Input{csvInput("s.csv", hdr, "3301000001,甲学校,330102,九年一贯制,公办,2024,1000,24,60")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "小学在校生数", Reason: "九年一贯制学校须填写各学段在校生数（缺少列）"},
				{File: "s.csv", Row: 2, Column: "初中在校生数", Reason: "九年一贯制学校须填写各学段在校生数（缺少列）"}}},
		{"combined with empty stage cell", []Input{csvInput("s.csv", hdr+",小学在校生数,初中在校生数",
			"3301000001,甲学校,330102,九年一贯制,公办,2024,1000,24,60,600,")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "K 初中在校生数", Reason: "缺少数值（没有请填0）"}}},
		{"percent out of range", []Input{csvInput("f.csv", "区县代码,区县名称,年度,社会认可度", "330102,西湖区,2024,120")}, ReadOptions{},
			[]ce{{File: "f.csv", Row: 2, Column: "D 社会认可度", Value: "120", Reason: "百分比应在0到100之间"}}},
		{"duplicate county in facts", []Input{csvInput("f.csv", "区县代码,区县名称,年度", "330102,西湖区,2024", "330102,西湖区,2024")}, ReadOptions{},
			[]ce{{File: "f.csv", Row: 3, Column: "A 区县代码", Value: "330102", Reason: "与第2行重复（同一年度的区县代码不能重复）"}}},
		{"no table", []Input{csvInput("x.csv", "hello,world")}, ReadOptions{},
			[]ce{{File: "x.csv", Reason: "没有找到学校表或区县数据表（表头须含“学校代码”或“区县代码”列）"}}},
		{"every bad cell, in order", []Input{csvInput("s.csv", hdr,
			"3301000009,甲小学,330102,小学,公办,2024,abc,-2,40",
			good,
			"3301000003,,330102,初中,民办,2024,300,7,x")}, ReadOptions{},
			[]ce{{File: "s.csv", Row: 2, Column: "G 在校生数", Value: "abc", Reason: "不是数字"},
				{File: "s.csv", Row: 2, Column: "H 班级数", Value: "-2", Reason: "不能为负数"},
				{File: "s.csv", Row: 4, Column: "B 学校名称", Reason: "不能为空"},
				{File: "s.csv", Row: 4, Column: "I 专任教师数", Value: "x", Reason: "不是数字"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ds, err := ReadFrom(tt.inputs, tt.opt)
			if ds != nil {
				t.Errorf("got a Dataset along with errors")
			}
			if diff := cmp.Diff(tt.want, cellErrors(t, err)); diff != "" {
				t.Errorf("cell errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadXLSXRejectsWithSheetAndRow(t *testing.T) {
	t.Parallel()
	in := xlsxInput(t, "book.xlsx", sheet{name: "学校", rows: [][]any{
		{"2024年学校基础数据"},
		{"学校代码", "学校名称", "区县代码", "学段", "办学类型", "年度", "在校生数", "班级数"},
		{"3301000001", "甲小学", "330102", "小学", "公办", 2024, 600, 14},
		{},
		{"3301000002", "乙小学", "330102", "小学", "公办", 2024, 300, "七"},
	}})
	_, err := ReadFrom([]Input{in}, ReadOptions{})
	want := []ziping.CellError{{File: "book.xlsx", Sheet: "学校", Row: 5, Column: "H 班级数", Value: "七", Reason: "不是数字"}}
	if diff := cmp.Diff(want, cellErrors(t, err)); diff != "" {
		t.Errorf("cell errors (-want +got):\n%s", diff)
	}
}

// TestReadXLSXPreSplitCounts: a workbook whose nine-year school comes as two stage
// rows with the classes and teachers worked out as fractions is refused whole,
// each fraction named by sheet, row and column with what to give instead; its
// other school is not read either.
func TestReadXLSXPreSplitCounts(t *testing.T) {
	t.Parallel()
	in := xlsxInput(t, "学校.xlsx", sheet{name: "学校", rows: [][]any{
		{"学校代码", "学校名称", "区县代码", "学段", "学校类别", "办学类型", "年度", "在校生数", "班级数", "专任教师数"},
		{"3301000001", "甲小学", "330102", "小学", "小学", "公办", 2024, 600, 14, 40},
		{"3301000002", "乙学校", "330102", "小学", "九年一贯制学校", "公办", 2024, 571, 15.02, 31},
		{"3301000002", "乙学校", "330102", "初中", "九年一贯制学校", "公办", 2024, 264, 5.98, 16},
	}})
	ds, err := ReadFrom([]Input{in}, ReadOptions{})
	if ds != nil {
		t.Errorf("got a Dataset along with errors")
	}
	want := []ziping.CellError{
		{File: "学校.xlsx", Sheet: "学校", Row: 3, Column: "I 班级数", Value: "15.02", Reason: reasonNotWholeStage},
		{File: "学校.xlsx", Sheet: "学校", Row: 4, Column: "I 班级数", Value: "5.98", Reason: reasonNotWholeStage},
	}
	if diff := cmp.Diff(want, cellErrors(t, err)); diff != "" {
		t.Errorf("cell errors (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(reasonNotWholeStage, "应为整数") {
		t.Errorf("the reason does not start by saying what is wrong: %s", reasonNotWholeStage)
	}
}

func TestReadFileErrors(t *testing.T) {
	t.Parallel()
	junk := []byte("not a zip")
	tests := []struct {
		name string
		in   Input
	}{
		{"unsupported extension", Input{Name: "data.xls", R: bytes.NewReader(junk), Size: int64(len(junk))}},
		{"not an xlsx", Input{Name: "data.xlsx", R: bytes.NewReader(junk), Size: int64(len(junk))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ds, err := ReadFrom([]Input{tt.in}, ReadOptions{})
			var e *ziping.Error
			if ds != nil || !errors.As(err, &e) || e.Kind != ziping.Invalid || !strings.Contains(e.Msg, tt.in.Name) {
				t.Errorf("got %v, %#v; want an Invalid error naming %s", ds, err, tt.in.Name)
			}
		})
	}
	if _, err := Read([]string{"/nonexistent/x.csv"}, ReadOptions{}); ziping.ErrorKind(err) != ziping.Invalid {
		t.Errorf("missing file: got %v, want Invalid", err)
	}
}
