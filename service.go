package ziping

import (
	"context"
	"time"

	"ziping/engine"
)

// PasswordHasher hashes and verifies passwords (argon2id in production).
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(password, encoded string) (bool, error)
}

// Service holds the use cases: who may do what, and what is written with its audit
// entry. Time and randomness are injected so that tests are deterministic.
type Service struct {
	Store Store
	Now   func() time.Time

	// MaxEvidence bounds one evidence file; DefaultMaxEvidence when zero.
	MaxEvidence int64
	// Reports builds self-evaluation reports; nil leaves reports out (and out of the
	// readiness check).
	Reports Reporter
	// Audit appends the audit entries (shared by every service of a process).
	Audit *Auditor
	// Data loads the engine's data of counties (package dataset).
	Data Datasets

	progs   *programCache  // compiled framework versions
	snaps   *snapshotCache // decoded snapshots
	sums    *summaryCache  // decoded assessment summaries
	issues  *issueCache    // report findings
	results *resultCache   // assessments' results by version and dataset
}

// Datasets loads the engine's data of counties: package dataset provides it.
type Datasets interface {
	// LoadDataset loads, for an actor who may see root, its counties' data of period
	// and the period before (cached by data version).
	LoadDataset(ctx context.Context, a *Actor, root *OrgUnit, period int) (*engine.Dataset, []OrgUnit, error)
	// LoadCounties reads the given counties' data of period and the period before.
	LoadCounties(ctx context.Context, counties []OrgUnit, period int) (*engine.Dataset, []OrgUnit, error)
}

// maxCached bounds each cache: a province's counties for a few years.
const maxCached = 512

// NewService returns a Service writing its audit entries through au and loading
// data through data.
func NewService(st Store, au *Auditor, data Datasets) *Service {
	return &Service{Store: st, Audit: au, Data: data, Now: time.Now,
		progs: &programCache{}, snaps: &snapshotCache{}, sums: &summaryCache{}, issues: &issueCache{}, results: &resultCache{}}
}

func (s *Service) now() time.Time { return AuditTime(s.Now()) }

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
