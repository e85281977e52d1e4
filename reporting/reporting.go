// Package reporting is an assessment's self-evaluation report (自评报告): the
// narrative people write and save as drafts, the findings that keep it from being
// submitted (which the readiness check of package assess asks for through
// assess.ReportCheck), what ziping writes itself (存在问题 from the deductions,
// 改进措施 from the rectification plan) and how that changed since the draft was
// saved, and rendering it from the store through a ziping.Reporter (package report).
package reporting

import (
	"context"
	"time"

	"ziping"
	"ziping/assess"
)

// Store is the part of ziping.Store that reports need.
type Store interface {
	Tx(ctx context.Context, fn func(tx ziping.Store) error) error
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
	ReportDraft(ctx context.Context, assessmentID int64) (*ziping.ReportDraft, error)
	SaveReportDraft(ctx context.Context, r *ziping.ReportDraft) error
	ziping.AuditAppender
}

// Service holds the reports' use cases.
type Service struct {
	Store  Store
	Assess *assess.Service
	Audit  *ziping.Auditor
	Now    func() time.Time
	// Reporter builds the reports; nil leaves reports out (and out of the readiness
	// check: ReportIssues finds nothing).
	Reporter ziping.Reporter

	issues *issueCache // report findings
}

// New returns a Service on st that reads assessments through as and builds reports
// with r (nil: none).
func New(st Store, as *assess.Service, au *ziping.Auditor, r ziping.Reporter) *Service {
	return &Service{Store: st, Assess: as, Audit: au, Now: time.Now, Reporter: r, issues: &issueCache{}}
}

// maxCached bounds the findings cache: a province's counties for a few years.
const maxCached = 512

func (s *Service) now() time.Time { return ziping.AuditTime(s.Now()) }

// audit appends an entry for actor through st.
func (s *Service) audit(ctx context.Context, st ziping.AuditAppender, a *ziping.Actor, action, object string, unit int64, old, new any) error {
	return s.Audit.Append(ctx, st, ziping.NewAuditEntry(s.now(), a, action, object, unit, old, new))
}
