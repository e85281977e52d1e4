package surveydoc

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ziping"
	"ziping/survey"
)

// sampleCalc is a round of the built-in 优质均衡 survey with four 社会卷 responses by
// parents, the last excluded:
//
//	r1 (甲校): s1–s10 all 满意 (label 0)
//	r2 (甲校): s1–s10 all 基本满意 (label 2)
//	r3 (乙校): s1–s5 比较满意 (1), s6–s10 不满意 (4)
//	r4 (乙校): all 不满意, excluded with a reason
//
// Counted: 30 answers. top2 = (10 + 0 + 5)/30 = 50.0%; Likert = (10×5 + 10×3 +
// 5×4 + 5×1)/30 × 20 = 105/30 × 20 = 70.0; value map = (10×100 + 10×60 + 5×80 +
// 5×0)/30 = 2000/30 = 66.7.
func sampleCalc(t *testing.T) *survey.Calc {
	t.Helper()
	f, err := survey.Builtin("yzjh-2017")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := f.MakePlan(survey.PlanInput{Population: 200000})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 5, 6, 1, 0, 0, 0, time.UTC)
	answers := func(first, firstN, rest int) survey.Answers {
		a := survey.Answers{"s12": {Text: "操场太小"}}
		for i := 1; i <= 10; i++ {
			c := rest
			if i <= firstN {
				c = first
			}
			a[fmt.Sprintf("s%d", i)] = survey.Pick(c)
		}
		return a
	}
	resp := func(id int64, school, name string, a survey.Answers, excluded bool) survey.Response {
		return survey.Response{ID: id, Questionnaire: "social", Group: "parent", School: school, SchoolName: name, Area: "城区",
			Link: 1, Started: t0.Add(time.Duration(id) * time.Minute), Submitted: t0.Add(time.Duration(id)*time.Minute + 95*time.Second),
			Answers: a, Excluded: excluded}
	}
	rs := []survey.Response{
		resp(1, "A", "甲校", answers(0, 10, 0), false),
		resp(2, "A", "甲校", answers(2, 10, 2), false),
		resp(3, "B", "乙校", answers(1, 5, 4), false),
		resp(4, "B", "乙校", answers(4, 10, 4), true),
	}
	stored := make([]ziping.SurveyResponse, len(rs))
	for i, r := range rs {
		stored[i] = ziping.SurveyResponse{ID: r.ID, Source: ziping.SourceWeb}
	}
	return &survey.Calc{
		Round:      &ziping.SurveyRound{ID: 1, Period: 2024},
		Unit:       &ziping.OrgUnit{Name: "示范县", Code: "990102"},
		File:       f,
		Setup:      &survey.Setup{Plan: plan},
		Responses:  rs,
		Stored:     stored,
		Exclusions: []ziping.SurveyExclusion{{ID: 1, RoundID: 1, ResponseID: 4, Excluded: true, Reason: "同一网络一分钟内40份", By: 3, At: t0.Add(time.Hour)}},
		Flags:      map[int64][]survey.Flag{4: {{Rule: survey.FlagStraight, Reason: "10题全部选“不满意”"}}},
		Result:     f.Compute(rs, nil, nil),
		Progress:   &survey.Progress{Quota: plan.Total, Completion: 100 * 3 / float64(plan.Total)},
	}
}

// documentText is the text of a .docx's body, paragraphs on lines.
func documentText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		xml, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		s := regexp.MustCompile(`</w:p>`).ReplaceAllString(string(xml), "\n")
		// The writer joins numbers to their units with word joiners (docx/join.go).
		return strings.ReplaceAll(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(s, ""), "\u2060", "")
	}
	t.Fatal("no word/document.xml")
	return ""
}

func TestReport(t *testing.T) {
	c := sampleCalc(t)
	if got := c.Result.Overall.Figures; !got.OK || pct(got.Top2) != "50.0" || pct(got.Mean) != "70.0" || pct(got.Value) != "66.7" {
		t.Fatalf("the sample's figures %+v, want 50.0, 70.0 and 66.7 (worked in sampleCalc)", got)
	}
	data, err := Writer{}.Report(c, time.Date(2024, 5, 8, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	text := documentText(t, data)
	for _, want := range []string{
		"示范县2024年度社会认可度调查报告",
		"共收回答卷4份，其中有效答卷3份，经人工审核剔除1份",
		"按“满意与比较满意占比”口径计算，示范县社会认可度为50.0%",
		"未达到85.0%的要求",
		"满意与比较满意占比（采用）", "70.0", "66.7",
		"甲校", "乙校",
		"设计效应deff=",
		"全部选同一项1份",
		"认可度最低的题目是",
		"2024年5月8日",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
}

func TestResponses(t *testing.T) {
	c := sampleCalc(t)
	data, err := Writer{Zone: time.FixedZone("CST", 8*3600)}.Responses(c)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "社会卷,校长教师卷,学生卷,剔除记录" {
		t.Errorf("sheets %s", got)
	}
	rows, err := f.GetRows("社会卷")
	if err != nil {
		t.Fatal(err)
	}
	// Row 1 the title, row 2 the header, four responses, the note.
	if len(rows) < 6 {
		t.Fatalf("社会卷 has %d rows: %q", len(rows), rows)
	}
	header, last := rows[1], rows[5]
	col := func(name string) int {
		for i, h := range header {
			if strings.Contains(h, name) {
				return i
			}
		}
		t.Fatalf("no column %q in %q", name, header)
		return -1
	}
	if rows[2][col("提交时间")] != "2024-05-06 09:02:35" || rows[2][col("用时")] != "95" {
		t.Errorf("first response's time and duration: %q", rows[2])
	}
	if rows[2][col("1、")] != "满意" || rows[4][col("6、")] != "不满意" || rows[2][col("12、")] != "操场太小" {
		t.Errorf("answers as text: %q / %q", rows[2], rows[4])
	}
	if last[col("状态")] != "已剔除" || last[col("剔除理由")] != "同一网络一分钟内40份" || !strings.Contains(last[col("异常标记")], "全部选同一项") {
		t.Errorf("the excluded response: %q", last)
	}
	ex, err := f.GetRows("剔除记录")
	if err != nil || len(ex) < 3 || ex[2][2] != "剔除" || ex[2][0] != "2024-05-06 10:00:00" {
		t.Errorf("剔除记录: %q %v", ex, err)
	}
}
