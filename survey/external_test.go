package survey

import (
	"strings"
	"testing"
)

func TestFromSheet(t *testing.T) {
	f, err := Builtin("lxzz-county")
	if err != nil {
		t.Fatal(err)
	}
	q := f.Questionnaire("teacher")
	// 问卷星's columns: numbering and type marks on the titles, meta columns, a scale
	// column that matches no question, and a column that matches nothing.
	sh := &Sheet{File: "导出.xlsx", Sheet: "Sheet1", FirstRow: 2,
		Header: []string{"序号", "提交答卷时间", "所用时间", "1、您对教师工资待遇和保障的落实情况是否满意？(单选题)",
			"2.您对教师减负（非教学任务）落实情况是否满意？", "3、您对教师培训和专业发展机会是否满意？",
			"Q4.总体而言，您对县政府履行教育职责的情况是否满意？", "您对学校食堂是否满意", "您的手机号"},
		Rows: [][]string{
			{"1", "2024/5/1 20:00:00", "100秒", "很满意", "满意", "很满意", "满意", "不满意", "138"},
			{"2", "2024/5/1 20:01:00", "30秒", "不满意", "不太满意", "不了解", "基本满意", "很满意", ""},
		}}
	ext, err := f.FromSheet(q, sh)
	if err != nil {
		t.Fatal(err)
	}
	if len(ext.Matched) != 4 {
		t.Errorf("matched %v, want the four questions", ext.Matched)
	}
	if len(ext.ExtraScales) != 1 || ext.ExtraScales[0] != "您对学校食堂是否满意" {
		t.Errorf("extra scales %v", ext.ExtraScales)
	}
	if len(ext.Unmatched) != 1 || ext.Unmatched[0] != "您的手机号" {
		t.Errorf("unmatched %v", ext.Unmatched)
	}
	r := ext.Responses[0]
	if r.ID != 2 || r.Group != "teacher" || r.Submitted.Sub(r.Started).Seconds() != 100 {
		t.Errorf("first response %+v", r)
	}
	// value_map, 不了解 left out. Row 2: 很满意 100, 满意 80, 很满意 100, 满意 80 and the
	// extra 不满意 0: 360/5 = 72. Row 3: 不满意 0, 不太满意 30, 基本满意 60, extra 很满意 100:
	// 190/4 = 47.5. Overall (72 + 47.5)/2 = 59.75.
	res := f.ComputeExternal(ext)
	near(t, "overall from an export", res.Overall.Figures.Value, 59.75)
	if len(res.ExtraScales) != 1 || len(res.Unmatched) != 1 {
		t.Errorf("result does not report the columns: %v %v", res.ExtraScales, res.Unmatched)
	}

	// A bad cell: refused whole, named by file, sheet, row, column and reason.
	sh.Rows[1][3] = "还行"
	_, err = f.FromSheet(q, sh)
	if err == nil || !strings.Contains(err.Error(), "导出.xlsx「Sheet1」 第3行 D列") || !strings.Contains(err.Error(), "「还行」不是本题的选项") {
		t.Errorf("bad cell error: %v", err)
	}
}

func TestColumnLetter(t *testing.T) {
	for c, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(c); got != want {
			t.Errorf("columnLetter(%d) = %s, want %s", c, got, want)
		}
	}
}

// FuzzFromSheet: any export, however odd its titles and cells, is read or refused
// with cell errors; it never panics, and what it reads computes.
func FuzzFromSheet(f *testing.F) {
	f.Add("序号,1、您对教师工资待遇和保障的落实情况是否满意？,所用时间\n1,很满意,100秒\n2,不满意,3")
	f.Add("身份,学校,居住地,Q4.总体而言，您对县政府履行教育职责的情况是否满意？\n教师,一小,城区,满意\n学生,,乡村,")
	sf, err := Builtin("lxzz-county")
	if err != nil {
		f.Fatal(err)
	}
	q := sf.Questionnaire("teacher")
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Split(text, "\n")
		if len(lines) > 200 {
			return
		}
		sh := &Sheet{File: "f.csv", Header: strings.Split(lines[0], ","), FirstRow: 2}
		for _, l := range lines[1:] {
			sh.Rows = append(sh.Rows, strings.Split(l, ","))
		}
		ext, err := sf.FromSheet(q, sh)
		if err != nil {
			if !strings.Contains(err.Error(), "答卷文件有误") {
				t.Fatalf("not an ExportError: %v", err)
			}
			return
		}
		sf.ComputeExternal(ext)
	})
}
