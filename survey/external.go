package survey

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// External is an export of answers collected elsewhere (问卷星, 腾讯问卷: one row a
// response, one column a question, answers as text) read against a questionnaire.
type External struct {
	Responses   []Response      // ID is the row number
	Extra       map[int64]Tally // scale answers of columns that match no question, by row
	Matched     map[string]string
	ExtraScales []string // columns of scale answers that match no question: counted as satisfaction items
	Unmatched   []string // other columns that match nothing
	Notes       []string
}

// CellError is one bad cell of an export.
type CellError struct {
	File, Sheet string
	Row         int
	Column      string // the letter
	Title       string
	Value       string
	Reason      string
}

func (e CellError) String() string {
	where := e.File
	if e.Sheet != "" {
		where += "「" + e.Sheet + "」"
	}
	return fmt.Sprintf("%s 第%d行 %s列「%s」：「%s」%s", where, e.Row, e.Column, e.Title, e.Value, e.Reason)
}

// ExportError lists every bad cell: an export is read whole or not at all.
type ExportError struct{ Cells []CellError }

func (e *ExportError) Error() string {
	lines := make([]string, 0, len(e.Cells))
	for i, c := range e.Cells {
		if i == 20 {
			lines = append(lines, fmt.Sprintf("……另有%d处", len(e.Cells)-20))
			break
		}
		lines = append(lines, c.String())
	}
	return "答卷文件有误:\n  " + strings.Join(lines, "\n  ")
}

// Sheet is the text of an export: its header and rows, the first row's number.
type Sheet struct {
	File, Sheet string
	Header      []string
	Rows        [][]string
	FirstRow    int
}

// metaColumns are the columns the exporters add around the questions.
var metaColumns = []string{"序号", "编号", "答卷编号", "提交答卷时间", "开始答题时间", "结束答题时间", "所用时间", "答题时长",
	"来源", "来源详情", "来自IP", "IP", "总分", "答题时间", "提交时间", "用户ID", "微信昵称"}

// FromSheet reads an export against questionnaire q: every column matched to a
// question by its title (numbering and type marks aside), or read as meta (time
// taken, submission time), the respondent's group (身份), school or area; scale
// columns that match no question are kept as satisfaction items.
func (f *File) FromSheet(q *Questionnaire, sh *Sheet) (*External, error) {
	ext := &External{Extra: map[int64]Tally{}, Matched: map[string]string{}}
	cols := f.classify(q, sh, ext)
	var errs []CellError
	for i, row := range sh.Rows {
		rowNo := sh.FirstRow + i
		r := Response{ID: int64(rowNo), Questionnaire: q.ID, Answers: Answers{}}
		if gs := f.GroupsOf(q.ID); len(gs) > 0 {
			r.Group = gs[0].ID
		}
		var took time.Duration
		for c, col := range cols {
			v := ""
			if c < len(row) {
				v = strings.TrimSpace(row[c])
			}
			if col.kind == "took" {
				if d, ok := parseSeconds(v); ok {
					took = d
				}
				continue
			}
			if reason := col.read(f, &r, ext, v); reason != "" {
				errs = append(errs, CellError{sh.File, sh.Sheet, rowNo, columnLetter(c), sh.Header[c], v, reason})
			}
		}
		if took > 0 && !r.Submitted.IsZero() {
			r.Started = r.Submitted.Add(-took)
		}
		ext.Responses = append(ext.Responses, r)
	}
	if len(errs) > 0 {
		return nil, &ExportError{errs}
	}
	return ext, nil
}

// column says what one column of an export holds.
type column struct {
	kind  string // question, extra, group, school, area, took, submitted, skip
	q     *Question
	title string
}

func (f *File) classify(q *Questionnaire, sh *Sheet, ext *External) []column {
	cols := make([]column, len(sh.Header))
	hasGroup := false
	for c, title := range sh.Header {
		norm := normTitle(title)
		switch {
		case contains(metaColumns, strings.TrimSpace(title)) && (strings.Contains(title, "所用时间") || strings.Contains(title, "答题时长")):
			cols[c] = column{kind: "took"}
		case strings.Contains(title, "提交答卷时间") || strings.Contains(title, "结束答题时间"):
			cols[c] = column{kind: "submitted"}
		case contains(metaColumns, strings.TrimSpace(title)):
			cols[c] = column{kind: "skip"}
		case strings.Contains(norm, "身份") || strings.Contains(norm, "您是"):
			cols[c], hasGroup = column{kind: "group"}, true
		case norm == "学校" || norm == "所在学校" || norm == "幼儿园" || norm == "孩子就读的学校":
			cols[c] = column{kind: "school"}
		case strings.Contains(norm, "居住地") || norm == "城乡":
			cols[c] = column{kind: "area"}
		default:
			if qu := matchQuestion(q, norm); qu != nil {
				cols[c] = column{kind: "question", q: qu}
				ext.Matched[qu.ID] = title
			} else if f.scaleColumn(sh, c) {
				cols[c] = column{kind: "extra", title: title}
				ext.ExtraScales = append(ext.ExtraScales, title)
			} else {
				cols[c] = column{kind: "skip"}
				ext.Unmatched = append(ext.Unmatched, title)
			}
		}
		cols[c].title = title
	}
	if !hasGroup {
		if gs := f.GroupsOf(q.ID); len(gs) > 1 {
			ext.Notes = append(ext.Notes, fmt.Sprintf("没有“身份”列，全部答卷计为「%s」", gs[0].Name))
		}
	}
	return cols
}

func (col column) read(f *File, r *Response, ext *External, v string) string {
	switch col.kind {
	case "question":
		if v == "" || v == "(跳过)" || v == "(空)" {
			if col.q.Optional || !col.q.AskedOf(r.Group) {
				return ""
			}
			return "未作答"
		}
		a, ok := f.parseAnswer(col.q, v)
		if !ok {
			return "不是本题的选项（" + strings.Join(f.Options(col.q), "、") + "）"
		}
		r.Answers[col.q.ID] = a
	case "extra":
		if i := f.scaleIndex(v); i >= 0 {
			t := ext.Extra[r.ID]
			t.Add(i)
			ext.Extra[r.ID] = t
		}
	case "group":
		for _, g := range f.Groups {
			if g.Name == v || g.ID == v {
				r.Group = g.ID
				return ""
			}
		}
		return "不是问卷中的群体"
	case "school":
		r.School, r.SchoolName = v, v
	case "area":
		if v != "" && !contains(Areas, v) {
			return "应为城区、镇区或乡村"
		}
		r.Area = v
	case "submitted":
		if t, ok := parseTime(v); ok {
			r.Submitted = t
		}
	}
	return ""
}

func (f *File) parseAnswer(qu *Question, v string) (Answer, bool) {
	switch qu.Kind {
	case KindScale:
		if i := f.scaleIndex(v); i >= 0 {
			return Pick(i), true
		}
	case KindChoice:
		for i, o := range qu.Options {
			if o == v {
				return Pick(i), true
			}
		}
	case KindMulti:
		var a Answer
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune("┋|;；,，、", r) }) {
			found := false
			for i, o := range qu.Options {
				if o == strings.TrimSpace(part) {
					a.Choices, found = append(a.Choices, i), true
				}
			}
			if !found {
				return Answer{}, false
			}
		}
		return a, len(a.Choices) > 0
	case KindText:
		return Answer{Text: v}, true
	}
	return Answer{}, false
}

// scaleIndex is the index of a scale answer (len(labels) for 不了解), -1 when v is none.
func (f *File) scaleIndex(v string) int {
	for i, l := range f.ScaleOptions() {
		if l == v {
			return i
		}
	}
	return -1
}

// scaleColumn reports whether most answers of a column are scale labels.
func (f *File) scaleColumn(sh *Sheet, c int) bool {
	n, hit := 0, 0
	for _, row := range sh.Rows {
		if c >= len(row) || strings.TrimSpace(row[c]) == "" {
			continue
		}
		n++
		if f.scaleIndex(strings.TrimSpace(row[c])) >= 0 {
			hit++
		}
	}
	return n > 0 && hit*10 >= n*8
}

var numberingRE = regexp.MustCompile(`^(?:第?\d+[题.、:：)）]|Q\d+[.、:：]?|\(\d+\)|（\d+）)\s*`)
var markRE = regexp.MustCompile(`[（(](?:单选题|多选题|填空题|必答|选填|矩阵单选题)[)）]|\*`)

// normTitle is a column title or question text without numbering, type marks,
// spaces and punctuation.
func normTitle(s string) string {
	s = strings.TrimSpace(s)
	s = numberingRE.ReplaceAllString(s, "")
	s = markRE.ReplaceAllString(s, "")
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func matchQuestion(q *Questionnaire, norm string) *Question {
	if norm == "" {
		return nil
	}
	for i := range q.Questions {
		qu := &q.Questions[i]
		t := normTitle(qu.Text)
		if t == norm || qu.ID == norm || (len([]rune(norm)) >= 6 && strings.Contains(t, norm)) {
			return qu
		}
	}
	return nil
}

var secondsRE = regexp.MustCompile(`^(\d+)\s*秒$|^(\d+)$`)

func parseSeconds(v string) (time.Duration, bool) {
	m := secondsRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1] + m[2])
	return time.Duration(n) * time.Second, true
}

func parseTime(v string) (time.Time, bool) {
	for _, layout := range []string{"2006/1/2 15:04:05", "2006-01-02 15:04:05", "2006/1/2 15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, shanghai()); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// columnLetter is the spreadsheet letter of a 0-based column.
func columnLetter(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

// ComputeExternal is the result of an export, with the columns it could not use.
func (f *File) ComputeExternal(ext *External) *Result {
	res := f.Compute(ext.Responses, nil, ext.Extra)
	res.ExtraScales, res.Unmatched = ext.ExtraScales, ext.Unmatched
	return res
}
