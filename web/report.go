package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ziping"
	"ziping/assess"
)

// reportPage is the editor of an assessment's self-evaluation report (自评报告):
// the narrative, the rendered report beside it, what keeps it from being submitted
// and the values it may bind.
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
	Message                 string // why a save was refused
	Issues                  []reportIssueRow
	IssuesError             string
	// What ziping's own part (存在问题, 改进措施 from the plan) lost and gained since
	// the draft was last saved.
	Removed, Added              []string
	Values                      []reportValue
	PreviewURL, DocxURL, PDFURL string
	ScriptURL                   string
}

type reportIssueRow struct{ Section, Where, Text, Kind, Context string }

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

// reportShow shows the report editor (read-only to those who may not edit).
func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderReport(w, r, http.StatusOK, id, nil)
}

// renderReport renders the editor of assessment id; edit, when given, changes the
// page first (a refusal shown with the text that was typed).
func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, id int64, edit func(*reportPage)) error {
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
		ScriptURL: assets.url("report.js")}
	if p.Text == "" && p.CanEdit {
		p.Text = reportStarter
	}
	issues, err := s.svc.Reports.ReportIssues(v)
	if err != nil {
		s.log.Error("report_issues", "assessment", id, "err", err)
		p.IssuesError = "自评报告暂时无法生成，请稍后重试或联系管理员。"
	}
	if p.Removed, p.Added, err = s.svc.Reports.ReportChanges(v); err != nil {
		s.log.Error("report_changes", "assessment", id, "err", err)
	}
	for _, is := range issues {
		p.Issues = append(p.Issues, reportIssueRow{Section: is.Section, Where: "第" + strconv.Itoa(is.Line) + "行第" + strconv.Itoa(is.Col) + "字",
			Text: is.Text, Kind: is.Kind, Context: is.Context})
	}
	if v.Self != nil {
		for _, m := range v.Self.Metrics {
			p.Values = append(p.Values, reportValue{Name: m.Name, Value: m.Text(), Token: `{{metric "` + m.ID + `"}}`})
		}
	}
	if edit != nil {
		edit(p)
	}
	if err := s.fillUnitPage(r, &p.Page, u, strconv.Itoa(as.Period)+"年度自评报告"); err != nil {
		return err
	}
	last := p.Crumbs[len(p.Crumbs)-1]
	p.Crumbs = append(p.Crumbs[:len(p.Crumbs)-1], crumb{Name: "自评与复核", URL: unitURL(u.Code) + "/assessments"},
		crumb{Name: strconv.Itoa(as.Period) + "年度自评", URL: p.AssessmentURL}, last)
	return s.render(w, r, status, "report", p)
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
	return s.renderReport(w, r, statusOf(err), id, func(p *reportPage) {
		p.Message, p.Text = msg, text
	})
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
