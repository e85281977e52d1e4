package ziping

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"ziping/engine"
)

// ReportIssue is one thing that keeps a self-evaluation report from being
// submitted: a placeholder, a bound value the data cannot give, an unwritten
// section. Line and Col point into the report's Markdown.
type ReportIssue struct {
	Section   string
	Line, Col int
	Kind      string
	Text      string
	Context   string
}

// ReportMeta is what a rendered report carries besides the evaluation.
type ReportMeta struct {
	Issuer string
	// Date is the 成文日期: the submission's date once submitted, else today; the
	// report writes it in Beijing time.
	Date time.Time
	// Parent names the unit's parent (the 主送机关 is its education supervision
	// office unless the narrative names another); Recipient, when set, is the
	// 主送机关; Layout picks the report's layout ("" for the framework's).
	Parent, Recipient, Layout string
	// Plan is the rectification plan: 改进措施 is written from its measures when the
	// narrative does not write that section.
	Plan []ReportPlanItem
	// MetricURL is the drill-down page of a metric: the html format links the metric
	// values bound in the narrative to it. Nil leaves them plain.
	MetricURL func(metricID string) string
}

// ReportPlanItem is a problem with the measures planned for it.
type ReportPlanItem struct {
	Title    string // the point's title
	Problem  string
	Measures string
	Owner    string
	Deadline time.Time
}

// Reporter builds self-evaluation reports (自评报告) of an evaluated unit with the
// narrative people wrote. Package report provides it and cmd/ziping wires it in, so
// that the domain does not depend on Word.
type Reporter interface {
	Issues(fw *engine.Framework, res *engine.Result, narrative []byte, meta ReportMeta) ([]ReportIssue, error)
	// Generated is the Markdown of what ziping writes itself: 存在问题 from the
	// deductions and 改进措施 from the plan (or its unfilled marker).
	Generated(fw *engine.Framework, res *engine.Result, meta ReportMeta) (string, error)
	// Write renders the report as format: docx, pdf, html (a printable page) or md.
	Write(ctx context.Context, w io.Writer, format string, fw *engine.Framework, res *engine.Result, narrative []byte, meta ReportMeta) error
}

// MaxNarrative bounds a report's narrative.
const MaxNarrative = 512 << 10

// ReportOf returns an assessment with its report draft (Version 0 and no narrative
// when nobody has written one yet).
func (s *Service) ReportOf(ctx context.Context, a *Actor, id int64) (*AssessmentView, *ReportDraft, error) {
	v, err := s.Assessment(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	d := v.Report
	if d == nil {
		d = &ReportDraft{AssessmentID: id}
	}
	return v, d, nil
}

// SaveReport saves the narrative of the assessment's report while the unit may
// edit. version is the draft's version the person was editing (0 for none): a
// draft saved by someone else since is a conflict.
func (s *Service) SaveReport(ctx context.Context, a *Actor, id int64, narrative []byte, version int64) (*ReportDraft, error) {
	if len(narrative) > MaxNarrative {
		return nil, Errorf(Invalid, "自评报告正文超过%d KB", MaxNarrative>>10)
	}
	if !utf8.Valid(narrative) {
		return nil, Errorf(Invalid, "自评报告正文不是有效的UTF-8文本")
	}
	d := &ReportDraft{AssessmentID: id, Narrative: narrative, Version: version, UpdatedBy: a.userID(), UpdatedAt: s.now()}
	err := s.Store.Tx(ctx, func(tx Store) error {
		as, u, err := s.assessmentFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.mayScore(a, as, u, SideSelf); err != nil {
			return err
		}
		v, err := s.assessmentView(ctx, tx, as, u)
		if err != nil {
			return err
		}
		if d.Generated, err = s.generatedText(v); err != nil {
			return err
		}
		if err := tx.SaveReportDraft(ctx, d); err != nil {
			if ErrorKind(err) == Conflict {
				return Errorf(Conflict, "自评报告已被他人修改，你的修改未保存。请复制你的文字，刷新后再合并")
			}
			return err
		}
		return s.refreshAndAudit(ctx, tx, a, as, u, "report_save", "/report", map[string]any{"version": version},
			map[string]any{"version": d.Version, "bytes": len(narrative)})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// ReportIssues lists what keeps the assessment's report from being submitted; none
// when no Reporter is wired in.
func (s *Service) ReportIssues(v *AssessmentView) ([]ReportIssue, error) {
	if s.Reports == nil {
		return nil, nil
	}
	var narrative []byte
	var version int64
	if v.Report != nil {
		narrative, version = v.Report.Narrative, v.Report.Version
	}
	meta := s.reportMeta(v)
	// The assessment's version moves with every score and every recompute after an
	// import; the draft's with every save; the plan is part of the key itself.
	key := fmt.Sprintf("%d/%d/%d/%v/%s/%d", v.Assessment.ID, v.Assessment.Version, version, v.Assessment.Frozen(),
		v.Assessment.FrameworkVersion, len(meta.Plan))
	for _, p := range meta.Plan {
		key += "/" + p.Title + p.Problem + p.Measures + p.Owner + p.Deadline.String()
	}
	if c := s.issues; c != nil {
		c.mu.Lock()
		is, ok := c.m[key]
		c.mu.Unlock()
		if ok {
			return is, nil
		}
	}
	is, err := s.Reports.Issues(v.Program.FW, v.Self, narrative, meta)
	if err != nil || s.issues == nil {
		return is, err
	}
	s.issues.mu.Lock()
	if s.issues.m == nil || len(s.issues.m) >= maxCached {
		s.issues.m = map[string][]ReportIssue{}
	}
	s.issues.m[key] = is
	s.issues.mu.Unlock()
	return is, nil
}

// issueCache keeps report findings by what they depend on (ReportIssues): linting a
// report was a third of the assessment page's time.
type issueCache struct {
	mu sync.Mutex
	m  map[string][]ReportIssue
}

// ReportMetaOf is what v's report carries besides the evaluation: the issuer, the
// date (the submission's, or today), the parent unit, and the rectification plan —
// the measures of this assessment's problems and of last year's not yet verified.
func (s *Service) ReportMetaOf(v *AssessmentView) ReportMeta { return s.reportMeta(v) }

func (s *Service) reportMeta(v *AssessmentView) ReportMeta {
	m := ReportMeta{Issuer: v.Unit.Name + "人民政府", Date: s.Now(), Parent: s.parentName(v.Unit)}
	if at := v.Assessment.SubmittedAt; !at.IsZero() {
		m.Date = at // a submitted report is dated the day it was submitted
	}
	for _, list := range [][]Problem{v.LastProblems, v.Problems} {
		for _, p := range list {
			if p.Measures == "" || p.Status == ProblemVerified {
				continue
			}
			m.Plan = append(m.Plan, ReportPlanItem{Title: pointTitle(v.Program.FW, p.Point), Problem: p.Description,
				Measures: p.Measures, Owner: p.Owner, Deadline: p.Deadline})
		}
	}
	return m
}

// parentName is the name of u's parent unit, "" for a root or when it cannot be
// read: the report then leaves the 主送机关 to the narrative.
func (s *Service) parentName(u *OrgUnit) string {
	if u == nil || u.ParentID == 0 {
		return ""
	}
	// A report is rendered outside any request's transaction; one indexed read.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, err := s.Store.Unit(ctx, u.ParentID)
	if err != nil {
		return ""
	}
	return p.Name
}

// generatedText is what ziping writes itself in v's report now; "" without a
// Reporter.
func (s *Service) generatedText(v *AssessmentView) (string, error) {
	if s.Reports == nil {
		return "", nil
	}
	return s.Reports.Generated(v.Program.FW, v.Self, s.reportMeta(v))
}

// ReportChanges says what ziping's own part of the report (存在问题, 改进措施 from the
// plan) has gained and lost since the draft was last saved: data, scores or the
// plan may have changed since. Lines are compared as a set: the generated text is
// one sentence a line.
func (s *Service) ReportChanges(v *AssessmentView) (removed, added []string, err error) {
	if v.Report == nil || v.Report.Generated == "" {
		return nil, nil, nil
	}
	now, err := s.generatedText(v)
	if err != nil {
		return nil, nil, err
	}
	removed, added = lineDiff(v.Report.Generated, now)
	return removed, added, nil
}

// lineDiff lists the lines of old missing from cur and the lines of cur new to it.
func lineDiff(old, cur string) (removed, added []string) {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				m[l]++
			}
		}
		return m
	}
	o, c := count(old), count(cur)
	for _, l := range strings.Split(old, "\n") {
		if l = strings.TrimSpace(l); l != "" && c[l] < o[l] {
			removed = append(removed, l)
			o[l]--
		}
	}
	o = count(old)
	for _, l := range strings.Split(cur, "\n") {
		if l = strings.TrimSpace(l); l != "" && o[l] < c[l] {
			added = append(added, l)
			c[l]--
		}
	}
	return removed, added
}

// WriteReport renders the assessment's report as format (docx, pdf, html, md).
func (s *Service) WriteReport(ctx context.Context, a *Actor, id int64, format string, w io.Writer) error {
	return s.WriteReportWith(ctx, a, id, format, w, nil)
}

// WriteReportWith is WriteReport with the metric values bound in the narrative
// linked, in the html format, to metricURL(v, metric id): v is the assessment, so
// the link can name its unit, framework and period. A nil metricURL, or "", leaves
// them plain.
func (s *Service) WriteReportWith(ctx context.Context, a *Actor, id int64, format string, w io.Writer, metricURL func(v *AssessmentView, metricID string) string) error {
	if s.Reports == nil {
		return Errorf(NotFound, "本系统未启用自评报告")
	}
	v, d, err := s.ReportOf(ctx, a, id)
	if err != nil {
		return err
	}
	meta := s.reportMeta(v)
	if metricURL != nil {
		meta.MetricURL = func(metricID string) string { return metricURL(v, metricID) }
	}
	return s.Reports.Write(ctx, w, format, v.Program.FW, v.Self, d.Narrative, meta)
}

// reportReadiness turns the report's issues into blocking readiness items.
func (s *Service) reportReadiness(v *AssessmentView) []ReadinessItem {
	issues, err := s.ReportIssues(v)
	if err != nil {
		return []ReadinessItem{{Kind: "report", Blocking: true, Text: "自评报告无法生成：" + err.Error()}}
	}
	var out []ReadinessItem
	for _, is := range issues {
		out = append(out, ReadinessItem{Kind: "report", Blocking: true,
			Text: fmt.Sprintf("自评报告「%s」第%s行第%d字：%s（%s）", is.Section, strconv.Itoa(is.Line), is.Col, is.Text, is.Kind)})
	}
	return out
}
