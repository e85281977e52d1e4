package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"

	"ziping/engine"
)

// textTable lays out rows in columns, counting a Chinese character as two columns.
type textTable struct {
	rows  [][]string
	right []bool // right-align these columns (numbers)
}

func (t *textTable) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *textTable) write(w io.Writer, indent string) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-runewidth.StringWidth(c))
			last := i == len(r)-1
			switch {
			case i < len(t.right) && t.right[i]:
				b.WriteString(pad + c)
			case last:
				b.WriteString(c)
			default:
				b.WriteString(c + pad)
			}
			if !last {
				b.WriteString("  ")
			}
		}
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}

func num(v float64) string { return trimNum(v) }

// writeScoreSheet writes a unit's score sheet; ids adds the metrics' ids (--ids),
// which are otherwise never shown.
func writeScoreSheet(w io.Writer, fw *engine.Framework, r *engine.Result, ids bool) {
	fmt.Fprintf(w, "%s（%s）%d年度 %s\n", r.Unit.Name, r.Unit.Code, r.Period, fw.Name)
	fmt.Fprintf(w, "评价体系：%s 版本 %s\n", fw.ID, fw.Version)
	writeConclusion(w, fw, r)
	fmt.Fprintln(w, "\n评分表")
	t := &textTable{}
	label := "测评点"
	if fw.Depth() > 2 {
		label = "编号" // the codes of every level
	}
	if fw.IsVerdict() {
		t.add(label, "内容", "结论", "说明")
	} else {
		t.add(label, "内容", "满分", "得分", "扣分", "说明")
		t.right = []bool{false, false, true, true, true}
	}
	for _, a := range r.Areas {
		addLevelRow(t, fw, "", a.Code, a.Name, a.Max, a.Score)
		if len(a.Groups) == 0 {
			for _, p := range a.Points {
				addPointRows(t, fw, "  ", p)
			}
			continue
		}
		addGroupRows(t, fw, "  ", a.Groups, a.Points)
	}
	for _, p := range r.Bonus {
		addPointRows(t, fw, "  ", p)
	}
	t.write(w, "  ")
	if len(r.Vetoes) > 0 {
		writeVetoes(w, r)
	}
	writeMetrics(w, r, ids)
}

func writeConclusion(w io.Writer, fw *engine.Framework, r *engine.Result) {
	if fw.IsVerdict() {
		fmt.Fprintf(w, "结论：%s\n", r.Verdict)
		for i, s := range r.Failing {
			fmt.Fprintf(w, "  %d. %s\n", i+1, s)
		}
	} else {
		fmt.Fprintf(w, "总分：%s（测评点 %s / %s", num(r.Total), num(r.Score), num(r.Max))
		if r.BonusTotal > 0 {
			fmt.Fprintf(w, "，加分 %s", num(r.BonusTotal))
		}
		fmt.Fprintf(w, "）  等次：%s\n", r.Grade)
	}
	if r.Pending > 0 || r.Uncomputable > 0 {
		fmt.Fprintf(w, "注意：%d个测评点待人工评分，%d个测评点因缺少数据无法计算，均未计分。\n", r.Pending, r.Uncomputable)
	}
}

// addLevelRow adds the row of an area or group: its subtotal (grade frameworks).
func addLevelRow(t *textTable, fw *engine.Framework, indent, code, name string, max, score float64) {
	if fw.IsVerdict() {
		t.add(indent+code, name, "", "")
	} else {
		t.add(indent+code, name, num(max), num(score), num(max-score), "")
	}
}

// addGroupRows adds the rows of groups at an indent, each followed by its own groups
// or points, one level further in.
func addGroupRows(t *textTable, fw *engine.Framework, indent string, groups []engine.GroupResult, points []engine.PointResult) {
	for _, g := range groups {
		addLevelRow(t, fw, indent, g.Code, g.Name, g.Max, g.Score)
		addGroupRows(t, fw, indent+"  ", g.Groups, points)
		for _, code := range g.Points {
			for _, p := range points {
				if p.Code == code {
					addPointRows(t, fw, indent+"  ", p)
				}
			}
		}
	}
}

func addPointRows(t *textTable, fw *engine.Framework, indent string, p engine.PointResult) {
	reasons := p.Reasons
	if len(reasons) == 0 {
		reasons = []string{""}
	}
	for i, reason := range reasons {
		code, title := "", ""
		if i == 0 {
			code, title = indent+engine.PointRef(p.Code), p.Title
		}
		switch {
		case fw.IsVerdict() && i == 0:
			t.add(code, title, p.State(), reason)
		case fw.IsVerdict():
			t.add("", "", "", reason)
		case i == 0:
			t.add(code, title, num(p.Max), pointScore(p), num(p.Lost), reason)
		default:
			t.add("", "", "", "", "", reason)
		}
	}
}

func pointScore(p engine.PointResult) string {
	if p.Status != engine.StatusScored {
		return p.State()
	}
	return num(p.Score)
}

func writeVetoes(w io.Writer, r *engine.Result) {
	fmt.Fprintln(w, "\n否决及降等情形")
	for _, v := range r.Vetoes {
		state := "未触发"
		switch {
		case v.Triggered:
			state = "触发：" + v.Reason
		case v.Pending && v.Reason != "":
			state = v.Reason
		case v.Pending:
			state = "待认定"
		}
		fmt.Fprintf(w, "  %s %s：%s\n", vetoLabel(v.Code), v.Title, state)
	}
}

func writeMetrics(w io.Writer, r *engine.Result, ids bool) {
	fmt.Fprintln(w, "\n指标")
	if !ids {
		t := &textTable{right: []bool{false, true}}
		for _, m := range r.Metrics {
			t.add(m.Name, m.Text())
		}
		t.write(w, "  ")
		return
	}
	t := &textTable{right: []bool{false, false, true}}
	for _, m := range r.Metrics {
		t.add(m.ID, m.Name, m.Text())
	}
	t.write(w, "  ")
}

func writeRanking(w io.Writer, fw *engine.Framework, standings []engine.Standing) {
	writeRankingTable(w, fw, standings, nil, nil)
}

// writeRankingTable writes a ranking; statuses, when given, adds each unit's
// assessment status after its name, and outcomes, when given, stands for the
// grades or verdicts (a stored ranking says 待定 while points wait for a person).
func writeRankingTable(w io.Writer, fw *engine.Framework, standings []engine.Standing, statuses, outcomes []string) {
	if len(standings) == 0 {
		fmt.Fprintln(w, "没有可评价的"+unitWord(fw.Level))
		return
	}
	word := unitWord(fw.Level)
	fmt.Fprintf(w, "%s %d年度 排名（共%d%s%s）\n\n", fw.Name, standings[0].Period, len(standings), unitCounter(fw.Level), word)
	t := &textTable{}
	head := []string{"名次", word + "代码", word + "名称"}
	if statuses != nil {
		head = append(head, "状态")
	}
	first := len(head) // the first column after the unit's
	if fw.IsVerdict() {
		head = append(head, "结论", "未达标项", "待评")
	} else {
		head = append(head, "总分", "等次")
		for _, a := range fw.Areas {
			head = append(head, a.Code)
		}
		head = append(head, "待评")
	}
	t.right = make([]bool, len(head))
	t.right[0] = true
	words := first + 1 // the grade, after the total
	if fw.IsVerdict() {
		words = first // the verdict
	}
	for i := first; i < len(head); i++ {
		t.right[i] = i != words
	}
	t.add(head...)
	for i, s := range standings {
		rank := strconv.Itoa(s.Rank)
		if s.Tie {
			rank = "并列" + rank
		}
		row := []string{rank, s.Unit.Code, s.Unit.Name}
		if statuses != nil {
			row = append(row, statuses[i])
		}
		outcome := s.Grade
		if fw.IsVerdict() {
			outcome = s.Verdict
		}
		if outcomes != nil {
			outcome = outcomes[i]
		}
		if fw.IsVerdict() {
			row = append(row, outcome, strconv.Itoa(s.Failing), strconv.Itoa(s.Pending+s.Uncomputable))
		} else {
			row = append(row, num(s.Total), outcome)
			for _, a := range s.Areas {
				row = append(row, num(a))
			}
			row = append(row, strconv.Itoa(s.Pending+s.Uncomputable))
		}
		t.add(row...)
	}
	t.write(w, "")
}

// writeExplanations writes each metric's explanation in words; ids adds the
// metric's id, the formula as written and each call's expression (--ids).
func writeExplanations(w io.Writer, xs []engine.Explanation, ids bool) {
	for _, x := range xs {
		if ids {
			fmt.Fprintf(w, "\n说明：%s（%s）= %s\n", x.Name, x.Metric, x.Value.Text())
			fmt.Fprintf(w, "  计算方法：%s\n  公式：%s\n  代入：%s\n", x.Reading, x.Formula, x.Instantiated)
		} else {
			fmt.Fprintf(w, "\n说明：%s = %s\n", x.Name, x.Value.Text())
			fmt.Fprintf(w, "  计算方法：%s\n  代入：%s\n", x.Reading, x.Instantiated)
		}
		for _, f := range x.Facts {
			fmt.Fprintf(w, "  %s = %s\n", f.Name, f.Value)
		}
		for _, c := range x.Calls {
			name := c.Name
			if ids {
				name += "（" + c.Call + "）"
			}
			writeCall(w, c, name)
		}
	}
}

func writeCall(w io.Writer, c engine.CallDetail, name string) {
	if c.Detail != "" || c.Schools == 0 && len(c.Rows) == 0 && c.Students == 0 {
		fmt.Fprintf(w, "  %s = %s\n", name, c.Result)
		if c.Detail != "" {
			fmt.Fprintf(w, "    %s\n", c.Detail)
		}
		return
	}
	noun, pupils := "学校", "在校生"
	if kindergartensOnly(c.Rows) {
		noun, pupils = "幼儿园", "在园幼儿"
	}
	fmt.Fprintf(w, "  %s = %s（%d所%s，%s%s人）\n", name, c.Result, c.Schools, noun, pupils, num(c.Students))
	if c.Mean != "" {
		fmt.Fprintf(w, "    加权平均值 %s，加权标准差 %s\n", engine.FormatValue(c.MeanValue, c.Unit, c.Decimals),
			engine.FormatValue(c.SDValue, c.Unit, c.Decimals))
	}
	if len(c.Rows) == 0 {
		return
	}
	t := &textTable{right: []bool{false, false, false, true, true, true, true}}
	header := "数值"
	if c.Unit != "" {
		header = "数值（" + c.Unit + "）"
	}
	t.add(noun+"代码", noun+"名称", "学段", "源行", pupils, header, "权重")
	for _, r := range c.Rows {
		weight := ""
		if r.Weight > 0 {
			weight = strconv.FormatFloat(r.Weight, 'f', 4, 64)
		}
		val := "—"
		if r.Value == r.Value { // as the explain page shows it: the column's unit and decimals
			val = engine.FormatNumber(r.Value, c.Unit, c.Decimals)
		}
		t.add(r.Code, r.Name, r.Stage, strconv.Itoa(r.Row), num(r.Students), val, weight)
	}
	t.write(w, "    ")
}

// kindergartensOnly reports whether every row behind a call is a kindergarten's.
func kindergartensOnly(rows []engine.SchoolRow) bool {
	for _, r := range rows {
		if r.Stage != engine.StageKindergarten.String() {
			return false
		}
	}
	return len(rows) > 0
}

// vetoLabel names a veto as the documents do: V1 is 否决项1; a code of another
// form stays as it is.
func vetoLabel(code string) string {
	if n, ok := strings.CutPrefix(code, "V"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		return "否决项" + n
	}
	return code
}
