// Package rectify is what follows the problems an assessment found (问题清单 →
// 整改台账): reviewers' own findings, the unit's measures and progress, the
// reviewer's verification, the rectification ledger of a subtree and the
// rectification notice (整改通知书). The problems themselves are made by package
// assess when a review is accepted, from the points that lost marks.
package rectify

import (
	"context"
	"time"

	"ziping"
	"ziping/assess"
)

// Store is the part of ziping.Store that rectification needs.
type Store interface {
	Tx(ctx context.Context, fn func(tx ziping.Store) error) error
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
	Subtree(ctx context.Context, root *ziping.OrgUnit, levels ...string) ([]ziping.OrgUnit, error)
	Assessment(ctx context.Context, id int64) (*ziping.Assessment, error)
	Assessments(ctx context.Context, q ziping.AssessmentQuery) ([]ziping.Assessment, error)
	CreateProblem(ctx context.Context, p *ziping.Problem) error
	Problem(ctx context.Context, id int64) (*ziping.Problem, error)
	Problems(ctx context.Context, q ziping.ProblemQuery) ([]ziping.Problem, error)
	UpdateProblem(ctx context.Context, p *ziping.Problem) error
	EvidenceOf(ctx context.Context, assessmentID int64) ([]ziping.Evidence, error)
	ziping.AuditAppender
}

// Service holds the rectification's use cases. A problem is seen by whoever may see
// its assessment (assess.Service.Find decides), so that ids cannot be probed.
type Service struct {
	Store  Store
	Assess *assess.Service
	Audit  *ziping.Auditor
	Now    func() time.Time
}

// New returns a Service on st that reads assessments through as.
func New(st Store, as *assess.Service, au *ziping.Auditor) *Service {
	return &Service{Store: st, Assess: as, Audit: au, Now: time.Now}
}

func (s *Service) now() time.Time { return ziping.AuditTime(s.Now()) }

// audit appends an entry for actor through st.
func (s *Service) audit(ctx context.Context, st ziping.AuditAppender, a *ziping.Actor, action, object string, unit int64, old, new any) error {
	return s.Audit.Append(ctx, st, ziping.NewAuditEntry(s.now(), a, action, object, unit, old, new))
}
