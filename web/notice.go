package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ziping"
	"ziping/assess"
)

// The results notice (评价结果通报) as a document: the particulars whoever publishes
// sets (发文机关, 主送机关, 文号, 成文日期), shown on the public notice page and in
// its Word download in the house format.

// fillNotice adds the stored particulars of the notice to its page.
func (s *Server) fillNotice(ctx context.Context, p *noticePage, u *ziping.OrgUnit, sel *selection) error {
	n, err := s.svc.Assess.ResultNotice(ctx, u, sel.FW, sel.Period)
	if err != nil {
		return err
	}
	p.notice = n
	p.Issuer, p.Recipient, p.Number, p.Date = n.Issuer, n.Recipient, n.Number, chineseDate(n.IssuedOn)
	p.DocxURL = sel.link("/notice/" + url.PathEscape(u.Code) + "/notice.docx")
	return nil
}

// chineseDate writes a 成文日期 as documents do: 2025年3月28日; "" for none.
func chineseDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// noticeLetter is the notice as an official letter: the 文号 above the title, the
// 主送机关, what it reports, the table of published results, the issuer and date.
func noticeLetter(p *noticePage) *ziping.Letter {
	l := &ziping.Letter{Number: p.Number, Title: p.Heading, Recipient: p.Recipient, Issuer: p.Issuer}
	if p.notice != nil {
		l.Date = p.notice.IssuedOn
	}
	what := strconv.Itoa(p.Period) + "年度" + p.FW.Name
	if len(p.Rows) == 0 {
		l.Paragraphs = []string{"截至目前，" + p.Unit.Name + what + "尚无已公布的评价结果。"}
		return l
	}
	l.Paragraphs = []string{"根据" + what + "工作安排，经区县自评、" + p.Unit.Name + "复核，现将已公布评价结果的" +
		strconv.Itoa(len(p.Rows)) + "个区县的结果通报如下："}
	cols := []string{"排名", "区县", "总分", "等次"}
	if p.FW.Verdict {
		cols = []string{"排名", "区县", "未达标", "评估结论"}
	}
	l.Table = &ziping.Sheet{Columns: cols, Widths: []float64{1, 3, 1.6, 1.6}}
	for _, r := range p.Rows {
		score, _, _ := strings.Cut(r.Score, " / ") // the page's 「43.2 / 100」: the column says what it is
		l.Table.Rows = append(l.Table.Rows, []any{r.Rank, r.Unit.Name, score, r.Outcome})
	}
	l.Closing = []string{"请各地对照评价结果，认真分析存在的问题，制定整改措施，按期整改到位，并将整改情况报送" + p.Issuer + "。"}
	return l
}

// resultNoticeDocx is the notice as a Word document; public, like the page.
func (s *Server) resultNoticeDocx(w http.ResponseWriter, r *http.Request) error {
	p, err := s.noticeModel(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.opts.Letter(&buf, noticeLetter(p)); err != nil {
		return err
	}
	return sendDownload(w, &buf, ctypeDOCX, contentDisposition(p.Heading+".docx", "notice-"+p.Unit.Code+"-"+strconv.Itoa(p.Period)+".docx"))
}

// noticeEditPage is the form on which whoever publishes sets the notice's
// particulars.
type noticeEditPage struct {
	Page
	Heading                         string
	Unit                            unitView
	Period                          int
	FWName                          string
	Action, NoticeURL, DocxURL      string
	Issuer, Recipient, Number, Date string // as in the form
	Version                         int64
	Message                         string // why a save was refused
	Picker                          picker
}

// noticeArea reads the area, its selection and checks that the actor may set its
// notice: an admin or a reviewer whose scope holds the area (assess.MayIssueNotice).
func (s *Server) noticeArea(r *http.Request) (*ziping.OrgUnit, *selection, error) {
	u, err := s.visibleUnit(r)
	if err != nil {
		return nil, nil, err
	}
	if err := rankedArea(u); err != nil {
		return nil, nil, err
	}
	a := info(r).actor
	if !assess.MayIssueNotice(a, u) {
		return nil, nil, ziping.Errorf(ziping.Forbidden, "只有可以公布「%s」评价结果的督导人员可以设置结果通报的文号和日期", u.Name)
	}
	sel, err := s.selectionOf(r)
	if err != nil {
		return nil, nil, err
	}
	return u, sel, nil
}

// noticeEdit shows the form.
func (s *Server) noticeEdit(w http.ResponseWriter, r *http.Request) error {
	u, sel, err := s.noticeArea(r)
	if err != nil {
		return err
	}
	n, err := s.svc.Assess.ResultNotice(r.Context(), u, sel.FW, sel.Period)
	if err != nil {
		return err
	}
	date := ""
	if !n.IssuedOn.IsZero() {
		date = n.IssuedOn.Format(time.DateOnly)
	}
	return s.renderNoticeEdit(w, r, http.StatusOK, u, sel, &noticeEditPage{Issuer: n.Issuer, Recipient: n.Recipient, Number: n.Number,
		Date: date, Version: n.Version})
}

func (s *Server) renderNoticeEdit(w http.ResponseWriter, r *http.Request, status int, u *ziping.OrgUnit, sel *selection, p *noticeEditPage) error {
	p.Heading, p.Unit, p.Period, p.FWName = noticeHeading(u, sel.Period, sel.prog.FW), newUnitView(u), sel.Period, sel.prog.FW.Name
	base := unitURL(u.Code) + "/notice"
	p.Action = sel.link(base)
	p.NoticeURL = sel.link("/notice/" + url.PathEscape(u.Code))
	p.DocxURL = sel.link("/notice/" + url.PathEscape(u.Code) + "/notice.docx")
	p.Picker = s.picker(base, sel, true)
	if err := s.fillUnitPage(r, &p.Page, u, "结果通报的文号和日期"); err != nil {
		return err
	}
	return s.render(w, r, status, "noticeedit", p)
}

// noticeSave saves the particulars; a refusal comes back on the form as typed.
func (s *Server) noticeSave(w http.ResponseWriter, r *http.Request) error {
	u, sel, err := s.noticeArea(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	p := &noticeEditPage{Issuer: strings.TrimSpace(f.Get("issuer")), Recipient: strings.TrimSpace(f.Get("recipient")),
		Number: strings.TrimSpace(f.Get("number")), Date: strings.TrimSpace(f.Get("date"))}
	in := assess.NoticeInput{Issuer: p.Issuer, Recipient: p.Recipient, Number: p.Number}
	p.Version, in.IssuedOn, err = versionAndDate(f, p.Date, "成文日期", "2025-03-28")
	in.Version = p.Version
	if err == nil {
		_, err = s.svc.Assess.SaveResultNotice(r.Context(), info(r).actor, u, sel.FW, sel.Period, in)
	}
	if err == nil {
		return s.done(w, r, "结果通报的发文机关、文号和成文日期已保存。", sel.link(unitURL(u.Code)+"/notice"))
	}
	msg, ok := userMessage(err)
	if !ok {
		return err
	}
	p.Message = msg
	return s.renderNoticeEdit(w, r, statusOf(err), u, sel, p)
}

// versionAndDate reads a form's record version and its date field (date, as typed and
// trimmed; empty is the zero time), with the errors a user can act on; label names
// the field and example shows the format.
func versionAndDate(f url.Values, date, label, example string) (version int64, day time.Time, err error) {
	version, err = strconv.ParseInt(strings.TrimSpace(f.Get("version")), 10, 64)
	if err != nil || version < 0 {
		return version, day, ziping.Errorf(ziping.Invalid, "页面已过期，请刷新后重试")
	}
	if date != "" {
		if day, err = time.Parse(time.DateOnly, date); err != nil {
			return version, day, ziping.Errorf(ziping.Invalid, "%s「%s」不是有效日期（如%s）", label, date, example)
		}
	}
	return version, day, nil
}
