package reporting

import (
	"context"
	"strings"
	"unicode/utf8"

	"ziping"
	"ziping/assess"
)

// MaxNarrative bounds a report's narrative.
const MaxNarrative = 512 << 10

// ReportOf returns an assessment with its report draft (Version 0 and no narrative
// when nobody has written one yet).
func (s *Service) ReportOf(ctx context.Context, a *ziping.Actor, id int64) (*assess.AssessmentView, *ziping.ReportDraft, error) {
	v, err := s.Assess.Assessment(ctx, a, id)
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
		as, u, err := s.Assess.Find(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := assess.MayScore(a, as, u, ziping.SideSelf); err != nil {
			return err
		}
		v, err := s.Assess.ViewIn(ctx, tx, as, u)
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
		if err := s.Assess.Refresh(ctx, tx, as, u); err != nil { // readiness reads the report
			return err
		}
		return s.audit(ctx, tx, a, "report_save", assess.AuditObject(as)+"/report", u.ID, map[string]any{"version": version},
			map[string]any{"version": d.Version, "bytes": len(narrative)})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// ReportChanges says what ziping's own part of the report (存在问题, 改进措施 from the
// plan) has gained and lost since the draft was last saved: data, scores or the
// plan may have changed since. Lines are compared as a set: the generated text is
// one sentence a line.
func (s *Service) ReportChanges(v *assess.AssessmentView) (removed, added []string, err error) {
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
