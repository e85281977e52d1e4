// Package dataset is the data a county is assessed on: the org tree's units and the
// moving of a school between them, imports (who may import what, the limits, the
// chunked all-or-nothing write), uploads waiting for confirmation, loading the
// engine's dataset of a subtree with its cache, and the runner of the durable jobs
// that follow a committed write.
package dataset

import (
	"context"
	"io"
	"sync"
	"time"

	"ziping"
)

// Store is the part of ziping.Store that data needs.
type Store interface {
	Tx(ctx context.Context, fn func(tx ziping.Store) error) error
	CreateUnit(ctx context.Context, u *ziping.OrgUnit) error
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
	UnitByCode(ctx context.Context, code string) (*ziping.OrgUnit, error)
	Subtree(ctx context.Context, root *ziping.OrgUnit, levels ...string) ([]ziping.OrgUnit, error)
	CreateBatch(ctx context.Context, b *ziping.Batch, schools []ziping.SchoolRecord, facts []ziping.FactRecord) error
	Schools(ctx context.Context, q ziping.SchoolQuery) ([]ziping.SchoolRecord, int, error)
	Facts(ctx context.Context, unitIDs []int64, period int) ([]ziping.FactRecord, error)
	Periods(ctx context.Context) ([]int, error)
	DataVersion(ctx context.Context) (int64, error)
	ziping.BatchStore
	ziping.JobStore
	ziping.UploadStore
	ziping.AuditAppender
}

// JobHandler runs one job of a kind with its JSON payload. It must be idempotent: a
// job that ran but was not deleted before a crash runs again.
type JobHandler func(ctx context.Context, payload string) error

// Service owns the data and the jobs. Time and randomness are injected so that
// tests are deterministic.
type Service struct {
	Store  Store
	Audit  *ziping.Auditor
	Now    func() time.Time
	Random io.Reader // crypto/rand.Reader when nil
	// Uploads bounds the uploads waiting for confirmation; Limits the imports.
	Uploads UploadLimits
	Limits  ImportLimits

	cache    *datasetCache // nil: no caching (a Service built as a literal)
	mu       sync.Mutex
	handlers map[string]JobHandler
}

// New returns a Service with a dataset cache; it runs prune jobs itself, and the
// jobs of other kinds with the handlers given to HandleJob.
func New(st Store, au *ziping.Auditor) *Service {
	return &Service{Store: st, Audit: au, Now: time.Now, cache: &datasetCache{}}
}

// HandleJob makes h the handler of the jobs of kind: cmd/ziping gives package
// assess's recompute to ziping.JobRecompute, so that an import brings the open
// assessments up to date without this package knowing about assessments. A job
// whose kind has no handler fails, and is retried, until one is given.
func (s *Service) HandleJob(kind string, h JobHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handlers == nil {
		s.handlers = map[string]JobHandler{}
	}
	s.handlers[kind] = h
}

func (s *Service) handler(kind string) JobHandler {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handlers[kind]
}

func (s *Service) now() time.Time { return ziping.AuditTime(s.Now()) }

func (s *Service) random(n int) string { return ziping.RandomHex(s.Random, n) }

// audit appends an entry for actor through st.
func (s *Service) audit(ctx context.Context, st ziping.AuditAppender, a *ziping.Actor, action, object string, unit int64, old, new any) error {
	return s.Audit.Append(ctx, st, ziping.NewAuditEntry(s.now(), a, action, object, unit, old, new))
}
