package assess

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"ziping"
)

// MaxNarrative bounds a report's narrative.
const MaxNarrative = 512 << 10

// ReportOf returns an assessment with its report draft (Version 0 and no narrative
// when nobody has written one yet).
func (s *Service) ReportOf(ctx context.Context, a *ziping.Actor, id int64) (*AssessmentView, *ziping.ReportDraft, error) {
	v, err := s.Assessment(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	d := v.Report
	if d == nil {
		d = &ziping.ReportDraft{AssessmentID: id}
	}
	return v, d, nil
}

// SaveReport saves the narrative of the assessment's report while the unit may
// edit. version is the draft's version the person was editing (0 for none): a
// draft saved by someone else since is a conflict.
func (s *Service) SaveReport(ctx context.Context, a *ziping.Actor, id int64, narrative []byte, version int64) (*ziping.ReportDraft, error) {
	if len(narrative) > MaxNarrative {
		return nil, ziping.Errorf(ziping.Invalid, "自评报告正文超过%d KB", MaxNarrative>>10)
	}
	if !utf8.Valid(narrative) {
		return nil, ziping.Errorf(ziping.Invalid, "自评报告正文不是有效的UTF-8文本")
	}
	d := &ziping.ReportDraft{AssessmentID: id, Narrative: narrative, Version: version, UpdatedBy: a.UserID(), UpdatedAt: s.now()}
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Find(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := MayScore(a, as, u, ziping.SideSelf); err != nil {
			return err
		}
		v, err := s.ViewIn(ctx, tx, as, u)
		if err != nil {
			return err
		}
		if d.Generated, err = s.generatedText(v); err != nil {
			return err
		}
		if err := tx.SaveReportDraft(ctx, d); err != nil {
			if ziping.ErrorKind(err) == ziping.Conflict {
				return ziping.Errorf(ziping.Conflict, "自评报告已被他人修改，你的修改未保存。请复制你的文字，刷新后再合并")
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
// when no ziping.Reporter is wired in.
func (s *Service) ReportIssues(v *AssessmentView) ([]ziping.ReportIssue, error) {
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
		s.issues.m = map[string][]ziping.ReportIssue{}
	}
	s.issues.m[key] = is
	s.issues.mu.Unlock()
	return is, nil
}

// issueCache keeps report findings by what they depend on (ReportIssues): linting a
// report was a third of the assessment page's time.
type issueCache struct {
	mu sync.Mutex
	m  map[string][]ziping.ReportIssue
}

// reportMeta is the issuer, date and rectification plan of v's report: the measures
// of this assessment's problems and of last year's not yet verified.
func (s *Service) reportMeta(v *AssessmentView) ziping.ReportMeta {
	m := ziping.ReportMeta{Issuer: v.Unit.Name + "人民政府", Date: s.Now()}
	for _, list := range [][]ziping.Problem{v.LastProblems, v.Problems} {
		for _, p := range list {
			if p.Measures == "" || p.Status == ziping.ProblemVerified {
				continue
			}
			m.Plan = append(m.Plan, ziping.ReportPlanItem{Title: PointTitle(v.Program.FW, p.Point), Problem: p.Description,
				Measures: p.Measures, Owner: p.Owner, Deadline: p.Deadline})
		}
	}
	return m
}

// generatedText is what ziping writes itself in v's report now; "" without a
// ziping.Reporter.
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
func (s *Service) WriteReport(ctx context.Context, a *ziping.Actor, id int64, format string, w io.Writer) error {
	return s.WriteReportWith(ctx, a, id, format, w, nil)
}

// WriteReportWith is WriteReport with the metric values bound in the narrative
// linked, in the html format, to metricURL(v, metric id): v is the assessment, so
// the link can name its unit, framework and period. A nil metricURL, or "", leaves
// them plain.
func (s *Service) WriteReportWith(ctx context.Context, a *ziping.Actor, id int64, format string, w io.Writer, metricURL func(v *AssessmentView, metricID string) string) error {
	if s.Reports == nil {
		return ziping.Errorf(ziping.NotFound, "本系统未启用自评报告")
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
