package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ziping"
	"ziping/assess"
	"ziping/engine"
	"ziping/reporting"
)

// reportPage is the editor of an assessment's self-evaluation report (自评报告):
// the narrative, the text as it will read beside it with the findings at their
// paragraphs, what keeps it from being submitted and the values it may bind. To
// whoever may not edit it (a submitted, reviewed or published report, a reviewer)
// it is the formatted document only.
type reportPage struct {
	Page
	ID                      int64
	URL, AssessmentURL      string
	Unit                    unitView
	Period                  int
	StatusName, StatusClass string
	Text                    string // the narrative, or the starter template
	Version                 int64
	CanEdit                 bool
	Unsaved                 bool   // Text is not the saved narrative: the check is of the text shown
	Message                 string // why a save was refused
	Issues                  []reportIssueRow
	IssuesError             string
	// Blocks is Text as it will read, each block with its findings; General the
	// findings in what ziping writes itself (no place in the text).
	Blocks  []reportBlockView
	General []reportIssueRow
	// What ziping's own part (存在问题, 改进措施 from the plan) lost and gained since
	// the draft was last saved.
	Removed, Added              []string
	Values                      []reportValue
	PreviewURL, DocxURL, PDFURL string
	ScriptURL                   string
}

type reportIssueRow struct {
	Section, Where, Text, Kind, Context string
	Line, Col                           int // in the narrative; 0 for what ziping wrote
}

// reportBlockView is a block of the narrative as it reads, with the findings on
// its lines.
type reportBlockView struct {
	ziping.ReportBlock
	Heading bool
	Lines   string // 「第3–4行」
	Issues  []reportIssueRow
}

// reportValue is a value the narrative may bind: its Chinese name, its current
// value and the token that binds it.
type reportValue struct{ Name, Value, Token string }

// reportStarter is the narrative of a report nobody has written yet: the four
// sections, each for the unit to fill in.
const reportStarter = `## 基本情况

## 主要做法及成效

## 存在问题

## 下一步工作打算

（请填写改进措施）
`

func reportURL(id int64) string { return assessmentURL(id) + "/report" }

// reportShow shows the report editor (the formatted document to those who may not
// edit).
func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderReport(w, r, http.StatusOK, id, "", nil)
}

// renderReport renders the editor of assessment id; typed, when not nil, is the
// text a save refused for msg, shown and checked instead of the saved narrative.
func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, id int64, msg string, typed *string) error {
	a := info(r).actor
	v, d, err := s.svc.Reports.ReportOf(r.Context(), a, id)
	if err != nil {
		return err
	}
	as, u := v.Assessment, v.Unit
	_, assets, err := s.current()
	if err != nil {
		return err
	}
	base := reportURL(id)
	p := &reportPage{ID: id, URL: base, AssessmentURL: assessmentURL(id), Unit: newUnitView(u), Period: as.Period,
		StatusName: ziping.StatusNames[as.Status], StatusClass: statusClass(as.Status), Text: string(d.Narrative), Version: d.Version,
		CanEdit: permsOf(a, v).edit, PreviewURL: base + ".html", DocxURL: base + ".docx", PDFURL: base + ".pdf",
		ScriptURL: assets.url("report.js"), Message: msg}
	if p.CanEdit {
		if err := s.fillReportEditor(p, v, d, typed); err != nil {
			return err
		}
	}
	if err := s.fillUnitPage(r, &p.Page, u, strconv.Itoa(as.Period)+"年度自评报告"); err != nil {
		return err
	}
	last := p.Crumbs[len(p.Crumbs)-1]
	p.Crumbs = append(p.Crumbs[:len(p.Crumbs)-1], crumb{Name: "自评与复核", URL: unitURL(u.Code) + "/assessments"},
		crumb{Name: strconv.Itoa(as.Period) + "年度自评", URL: p.AssessmentURL}, last)
	return s.render(w, r, status, "report", p)
}

// fillReportEditor fills what the editor shows beside the text: the check of the
// text shown (the saved narrative, the starter, or what a refused save typed), the
// text as it will read with each finding at its paragraph, the values to insert.
func (s *Server) fillReportEditor(p *reportPage, v *assess.AssessmentView, d *ziping.ReportDraft, typed *string) error {
	id := v.Assessment.ID
	if typed != nil {
		p.Text, p.Unsaved = *typed, *typed != string(d.Narrative)
	} else if p.Text == "" {
		p.Text, p.Unsaved = reportStarter, true
	}
	var issues []ziping.ReportIssue
	var err error
	if p.Unsaved {
		issues, err = s.svc.Reports.TextIssues(v, []byte(p.Text))
	} else {
		issues, err = s.svc.Reports.ReportIssues(v)
	}
	if err != nil {
		s.log.Error("report_issues", "assessment", id, "err", err)
		p.IssuesError = "自评报告暂时无法生成，请稍后重试或联系管理员。"
	}
	if p.Removed, p.Added, err = s.svc.Reports.ReportChanges(v); err != nil {
		s.log.Error("report_changes", "assessment", id, "err", err)
	}
	for _, is := range issues {
		row := reportIssueRow{Section: is.Section, Text: is.Text, Kind: reportKindName(is.Kind), Context: is.Context, Line: is.Line, Col: is.Col}
		if strings.Trim(row.Context, "… ") == row.Text {
			row.Context = "" // the line holds nothing else
		}
		row.Where = "第" + strconv.Itoa(is.Line) + "行第" + strconv.Itoa(is.Col) + "字"
		if is.Line == 0 {
			row.Where = "系统生成部分"
		}
		p.Issues = append(p.Issues, row)
	}
	blocks, err := s.svc.Reports.ReportBlocks(v, []byte(p.Text))
	if err != nil {
		s.log.Error("report_blocks", "assessment", id, "err", err)
	}
	p.Blocks, p.General = placeReportIssues(blocks, p.Issues)
	p.Values = reportValues(v)
	return nil
}

// reportKindName says what a finding's kind is in words: the check names
// placeholders by their normalised form (「x%」「20xx年」「XX」).
func reportKindName(kind string) string {
	switch {
	case kind == "20xx年":
		return "未填写的年份（" + kind + "）"
	case kind == "x月x日":
		return "未填写的日期（" + kind + "）"
	case kind == "空括号" || kind == "下划线":
		return "空白待填（" + kind + "）"
	case kind == "请填写":
		return "待填写的提示"
	case kind == "XX" || kind == "××" || kind == "＊＊" || kind == "**" || kind == "〇〇":
		return "未填写的内容（" + kind + "）"
	case strings.HasPrefix(kind, "x") || strings.HasPrefix(kind, "……"):
		return "未填写的数字（" + kind + "）"
	}
	return kind // 未填写章节, 未绑定的值, 缺少成文日期: words already
}

// placeReportIssues puts each finding with the block whose lines hold it, or the
// last block before its line (a blank line, a comment); the rest are general.
func placeReportIssues(blocks []ziping.ReportBlock, issues []reportIssueRow) ([]reportBlockView, []reportIssueRow) {
	out := make([]reportBlockView, len(blocks))
	for i, b := range blocks {
		out[i] = reportBlockView{ReportBlock: b, Heading: b.Level > 0 && len(b.Rows) == 0}
		switch {
		case b.Line == 0:
		case b.EndLine > b.Line:
			out[i].Lines = "第" + strconv.Itoa(b.Line) + "–" + strconv.Itoa(b.EndLine) + "行"
		default:
			out[i].Lines = "第" + strconv.Itoa(b.Line) + "行"
		}
	}
	var general []reportIssueRow
	for _, is := range issues {
		at := -1
		for i, b := range blocks {
			if is.Line > 0 && b.Line > 0 && b.Line <= is.Line {
				at = i
			}
		}
		if at < 0 {
			general = append(general, is)
			continue
		}
		out[at].Issues = append(out[at].Issues, is)
	}
	return out, general
}

// reportValues are the values a narrative may bind, each with the token that binds
// it: a metric by its Chinese name where the name is its own (the narrative then
// reads in Chinese), else by its id; then the totals and names.
func reportValues(v *assess.AssessmentView) []reportValue {
	if v.Self == nil {
		return nil
	}
	names := map[string]int{}
	for _, m := range v.Self.Metrics {
		names[m.Name]++
	}
	var out []reportValue
	for _, m := range v.Self.Metrics {
		tok := `{{metric "` + m.ID + `"}}`
		if m.Name != "" && names[m.Name] == 1 && !strings.ContainsAny(m.Name, "{}\" \t") {
			tok = "{{" + m.Name + "}}"
		}
		val := engine.ReportValue(m) // as the report writes it: money of 1亿 and more in 亿元
		if !m.OK {
			val = "无法计算"
		}
		out = append(out, reportValue{Name: m.Name, Value: val, Token: tok})
	}
	fw := v.Program.FW
	res := v.Self
	out = append(out, reportValue{Name: "总分", Value: fw.FormatScore(res.Total) + "分", Token: "{{total}}"},
		reportValue{Name: "单位名称", Value: v.Unit.Name, Token: "{{unit}}"},
		reportValue{Name: "年度", Value: strconv.Itoa(v.Assessment.Period), Token: "{{period}}"})
	return out
}

// reportSave saves the narrative. A conflict (someone saved since the page was
// opened) or bad input comes back on the editor with the typed text kept.
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	text := strings.ReplaceAll(r.PostForm.Get("text"), "\r\n", "\n")
	version, verr := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("version")), 10, 64)
	if verr != nil || version < 0 {
		err = ziping.Errorf(ziping.Invalid, "页面已过期，请刷新后重试")
	} else {
		_, err = s.svc.Reports.SaveReport(r.Context(), info(r).actor, id, []byte(text), version)
	}
	if err == nil {
		return s.done(w, r, "自评报告已保存。", reportURL(id))
	}
	msg, ok := userMessage(err)
	if !ok {
		return err
	}
	return s.renderReport(w, r, statusOf(err), id, msg, &text)
}

// reportRead is the text as it will read, with its findings: the editor's right
// panel, rendered anew from the posted text while it is typed.
type reportRead struct {
	Blocks  []reportBlockView
	General []reportIssueRow
}

// reportReadNow renders the posted narrative as it will read, with the findings
// saving it would give, without saving it; for those who may edit the report.
func (s *Server) reportReadNow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := info(r).actor
	v, d, err := s.svc.Reports.ReportOf(r.Context(), a, id)
	if err != nil {
		return err
	}
	if !permsOf(a, v).edit {
		return ziping.Errorf(ziping.Forbidden, "当前不能修改自评报告")
	}
	text := strings.ReplaceAll(r.PostForm.Get("text"), "\r\n", "\n")
	if len(text) > reporting.MaxNarrative {
		return ziping.Errorf(ziping.Invalid, "自评报告正文超过%d KB", reporting.MaxNarrative>>10)
	}
	p := &reportPage{}
	if err := s.fillReportEditor(p, v, d, &text); err != nil {
		return err
	}
	return s.renderFragment(w, "report", "report-read", &reportRead{Blocks: p.Blocks, General: p.General})
}

// reportFormat is the format a report download route writes.
func (s *Server) reportDownload(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		a := info(r).actor
		var buf bytes.Buffer
		var link func(*assess.AssessmentView, string) string
		if format == "html" {
			link = s.reportMetricURL
		}
		if err := s.svc.Reports.WriteReportWith(r.Context(), a, id, format, &buf, link); err != nil {
			return err
		}
		name := "report-" + strconv.FormatInt(id, 10) + "." + format
		title := name
		if v, err := s.svc.Assess.Assessment(r.Context(), a, id); err == nil {
			title = v.Unit.Name + strconv.Itoa(v.Assessment.Period) + "年度自评报告." + format
		}
		switch format {
		case "docx":
			return sendDownload(w, &buf, ctypeDOCX, contentDisposition(title, name))
		case "pdf":
			return sendDownload(w, &buf, "application/pdf", contentDisposition(title, name))
		}
		return sendReportHTML(w, &buf)
	}
}

// reportPreview renders the posted narrative as the report would be, without saving
// it, for the editor's preview.
func (s *Server) reportPreview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Assess.Assessment(r.Context(), info(r).actor, id)
	if err != nil {
		return err
	}
	if s.svc.Reports.Reporter == nil {
		return ziping.Errorf(ziping.NotFound, "本系统未启用自评报告")
	}
	text := strings.ReplaceAll(r.PostForm.Get("text"), "\r\n", "\n")
	var buf bytes.Buffer
	meta := s.svc.Reports.ReportMetaOf(v)
	meta.MetricURL = func(id string) string { return s.reportMetricURL(v, id) }
	if err := s.svc.Reports.Reporter.Write(r.Context(), &buf, "html", v.Program.FW, v.Self, []byte(text), meta); err != nil {
		return err
	}
	return sendReportHTML(w, &buf)
}

// reportMetricURL is the explain page of a metric of the assessment's unit, in its
// framework and period: where a value bound in the report links to. "" when the
// explain page does not know the framework (it knows the built-in ones only) or the
// unit (it explains counties only).
func (s *Server) reportMetricURL(v *assess.AssessmentView, metric string) string {
	fw := v.Program.FW
	if s.programs[fw.ID] == nil || !countyFramework(fw) {
		return ""
	}
	sel := &selection{FW: fw.ID, Period: v.Assessment.Period}
	return sel.link(unitURL(v.Unit.Code) + "/explain/" + url.PathEscape(metric))
}

// sendReportHTML sends a rendered report page: its own inline styles, no scripts,
// sandboxed, and framed only by this site's editor. The sandbox lets a click on a
// bound value (target="_top") open its explain page in the editor's window.
func sendReportHTML(w http.ResponseWriter, buf *bytes.Buffer) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'self'; sandbox allow-top-navigation-by-user-activation")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err := w.Write(buf.Bytes())
	return err
}
