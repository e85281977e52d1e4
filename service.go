package ziping

import (
	"context"
	"io"
	"time"
)

// PasswordHasher hashes and verifies passwords (argon2id in production).
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(password, encoded string) (bool, error)
}

// Service holds the use cases: who may do what, and what is written with its audit
// entry. Time and randomness are injected so that tests are deterministic.
type Service struct {
	Store  Store
	Now    func() time.Time
	Random io.Reader // crypto/rand.Reader when nil

	// MaxEvidence bounds one evidence file; DefaultMaxEvidence when zero.
	MaxEvidence int64
	// Reports builds self-evaluation reports; nil leaves reports out (and out of the
	// readiness check).
	Reports Reporter
	// Audit appends the audit entries (shared by every service of a process).
	Audit *Auditor
	// Uploads bounds the uploads waiting for confirmation; Limits the imports.
	Uploads UploadLimits
	Limits  ImportLimits

	cache   *datasetCache  // nil: no caching (a Service built as a literal)
	progs   *programCache  // compiled framework versions
	snaps   *snapshotCache // decoded snapshots
	sums    *summaryCache  // decoded assessment summaries
	issues  *issueCache    // report findings
	results *resultCache   // assessments' results by version and dataset
}

// NewService returns a Service writing its audit entries through au.
func NewService(st Store, au *Auditor) *Service {
	return &Service{Store: st, Audit: au, Now: time.Now,
		cache: &datasetCache{}, progs: &programCache{}, snaps: &snapshotCache{}, sums: &summaryCache{}, issues: &issueCache{}, results: &resultCache{}}
}

func (s *Service) now() time.Time { return AuditTime(s.Now()) }

func (s *Service) random(n int) string { return RandomHex(s.Random, n) }

// audit appends an entry for actor through st.
func (s *Service) audit(ctx context.Context, st AuditAppender, a *Actor, action, object string, unit int64, old, new any) error {
	return s.Audit.Append(ctx, st, NewAuditEntry(s.now(), a, action, object, unit, old, new))
}

// SeedFrameworks saves each given framework version that the store does not hold
// yet, so that every database starts with the built-in frameworks and keeps each
// version a score was made with.
func (s *Service) SeedFrameworks(ctx context.Context, fws []StoredFramework) error {
	for _, f := range fws {
		_, err := s.Store.Framework(ctx, f.ID, f.Version)
		if err == nil {
			continue
		}
		if ErrorKind(err) != NotFound {
			return err
		}
		f.CreatedAt = s.now()
		err = s.Store.Tx(ctx, func(tx Store) error {
			if err := tx.SaveFramework(ctx, &f); err != nil {
				return err
			}
			return s.audit(ctx, tx, System, "framework_save", "framework:"+f.ID+"@"+f.Version, 0, nil,
				map[string]any{"id": f.ID, "version": f.Version, "builtin": f.Builtin})
		})
		if err != nil && ErrorKind(err) != Conflict { // another instance seeded it first
			return err
		}
	}
	return nil
}
