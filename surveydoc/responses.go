package surveydoc

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"ziping"
	"ziping/survey"
	"ziping/xlsx"
)

// Responses writes every response of the round, excluded ones included and marked,
// one sheet per questionnaire (a column per question, answers as text), and a sheet
// of the exclusion decisions: what was left out of the result and why.
func (w Writer) Responses(c *survey.Calc) ([]byte, error) {
	zone := w.Zone
	if zone == nil {
		zone = shanghai()
	}
	var sheets []*ziping.Sheet
	for i := range c.File.Questionnaires {
		sheets = append(sheets, responseSheet(c, &c.File.Questionnaires[i], zone))
	}
	sheets = append(sheets, exclusionSheet(c, zone))
	var b bytes.Buffer
	if err := xlsx.WriteSheet(&b, sheets...); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func shanghai() *time.Location { return ziping.Zone() }

// sourceNames are the responses' sources in Chinese.
var sourceNames = map[string]string{ziping.SourceWeb: "扫码作答", ziping.SourceImport: "外部导入"}

func responseSheet(c *survey.Calc, q *survey.Questionnaire, zone *time.Location) *ziping.Sheet {
	cols := []string{"编号", "提交时间", "来源", "调查对象", "学校", "区域", "用时（秒）"}
	for i, qu := range q.Questions {
		cols = append(cols, fmt.Sprintf("%d、%s", i+1, qu.Text))
	}
	cols = append(cols, "异常标记", "状态", "剔除理由")
	sh := &ziping.Sheet{Name: q.Name, Title: fmt.Sprintf("%s%d年度%s答卷", c.Unit.Name, c.Round.Period, q.Name), Columns: cols}
	source := map[int64]string{}
	for _, sr := range c.Stored {
		source[sr.ID] = sr.Source
	}
	reasons := exclusionReasons(c.Exclusions)
	for _, r := range c.Responses {
		if r.Questionnaire != q.ID {
			continue
		}
		row := []any{int(r.ID), r.Submitted.In(zone).Format("2006-01-02 15:04:05"), sourceNames[source[r.ID]], groupName(c.File, r.Group),
			r.SchoolName, r.Area, seconds(r)}
		for i := range q.Questions {
			qu := &q.Questions[i]
			row = append(row, c.File.AnswerText(qu, r.Answers[qu.ID]))
		}
		state, reason := "有效", ""
		if r.Excluded {
			state, reason = "已剔除", reasons[r.ID]
		}
		row = append(row, flagText(c.Flags[r.ID]), state, reason)
		sh.Rows = append(sh.Rows, row)
	}
	sh.Notes = []string{fmt.Sprintf("共%d份；已剔除的答卷不计入认可度，理由见“剔除记录”。", len(sh.Rows))}
	return sh
}

// seconds is how long the respondent took, nil when unknown (an import).
func seconds(r survey.Response) any {
	if r.Started.IsZero() || r.Submitted.Before(r.Started) {
		return nil
	}
	return math.Round(r.Submitted.Sub(r.Started).Seconds())
}

func groupName(f *survey.File, id string) string {
	if g := f.Group(id); g != nil {
		return g.Name
	}
	return id
}

func flagText(fl []survey.Flag) string {
	var parts []string
	for _, x := range fl {
		parts = append(parts, survey.FlagNames[x.Rule]+"："+x.Reason)
	}
	return strings.Join(parts, "；")
}

// exclusionReasons is the reason of each response's latest decision.
func exclusionReasons(ex []ziping.SurveyExclusion) map[int64]string {
	out := map[int64]string{}
	for _, e := range ex { // by id: the latest last
		out[e.ResponseID] = e.Reason
	}
	return out
}

func exclusionSheet(c *survey.Calc, zone *time.Location) *ziping.Sheet {
	sh := &ziping.Sheet{Name: "剔除记录", Title: "答卷剔除与恢复记录", Columns: []string{"时间", "答卷编号", "决定", "理由", "操作人编号"}}
	for _, e := range c.Exclusions {
		decision := "剔除"
		if !e.Excluded {
			decision = "恢复计入"
		}
		sh.Rows = append(sh.Rows, []any{e.At.In(zone).Format("2006-01-02 15:04:05"), int(e.ResponseID), decision, e.Reason, int(e.By)})
	}
	if len(sh.Rows) == 0 {
		sh.Notes = []string{"没有剔除任何答卷。"}
	}
	return sh
}
