// Package catalog is the administration of frameworks (评价体系管理): an
// administrator uploads a framework file or a new version of one, sees every
// problem of a bad file at its line, previews a stored version as the framework
// browser shows it, compares two versions (engine.Diff), and chooses which version
// applies from which period on. Every change is audited.
//
// Stored versions are never changed: a version, once saved, is kept byte for byte
// (SaveFramework of a stored id and version is refused), so that every assessment
// that uses it is evaluated, now and later, by the file it was started with. A
// corrected file is a new version. An uploaded version applies to no period until an
// administrator chooses it (assess.ApplyingVersion); a choice that would move a
// period whose assessments use another version is refused, so that the
// assessments of one period, which a ranking compares, share one version.
//
// It is a package of its own rather than part of assess: managing the catalog is
// an administrator's capability with its own pages, store methods and audit
// actions, while assess only needs to know which version applies to a period
// (assess.VersionFor), which this package builds on.
package catalog

import (
	"context"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// Store is the part of ziping.Store the catalog needs.
type Store interface {
	Tx(ctx context.Context, fn func(tx ziping.Store) error) error
	Framework(ctx context.Context, id, version string) (*ziping.StoredFramework, error)
	Frameworks(ctx context.Context) ([]ziping.StoredFramework, error)
	SaveFramework(ctx context.Context, f *ziping.StoredFramework) error
	ziping.FrameworkStore
}

// Service holds the catalog's use cases. Time is injected so that tests are
// deterministic.
type Service struct {
	Store  Store
	Assess *assess.Service // compiled versions (cached; a stored version never changes)
	Audit  *ziping.Auditor
	Now    func() time.Time
}

// New returns a Service on st, compiling through as and auditing through au.
func New(st Store, as *assess.Service, au *ziping.Auditor) *Service {
	return &Service{Store: st, Assess: as, Audit: au, Now: time.Now}
}

// Year is the current period: this calendar year in China.
func (s *Service) Year() int { return s.Now().In(ziping.Zone()).Year() }

func (s *Service) now() time.Time { return ziping.AuditTime(s.Now()) }

// admin refuses everyone but administrators.
func admin(a *ziping.Actor) error {
	if !a.IsAdmin() {
		return ziping.Errorf(ziping.Forbidden, "只有管理员可以管理评价体系")
	}
	return nil
}

// audit appends an entry for actor through st.
func (s *Service) audit(ctx context.Context, st ziping.AuditAppender, a *ziping.Actor, action, object string, old, new any) error {
	return s.Audit.Append(ctx, st, ziping.NewAuditEntry(s.now(), a, action, object, 0, old, new))
}

// object names a framework version in the audit trail: framework:ID@VERSION.
func object(id, version string) string { return "framework:" + id + "@" + version }

// Program is the compiled version of framework id, for an administrator.
func (s *Service) Program(ctx context.Context, a *ziping.Actor, id, version string) (*engine.Program, *ziping.StoredFramework, error) {
	if err := admin(a); err != nil {
		return nil, nil, err
	}
	sf, err := s.Store.Framework(ctx, id, version)
	if err != nil {
		if ziping.IsNotFound(err) {
			return nil, nil, ziping.Errorf(ziping.NotFound, "该评价体系没有版本「%s」", version)
		}
		return nil, nil, err
	}
	p, err := s.Assess.Program(ctx, id, sf.Version)
	if err != nil {
		return nil, nil, err
	}
	return p, sf, nil
}

// Diff lists what changed from version from to version to of framework id.
func (s *Service) Diff(ctx context.Context, a *ziping.Actor, id, from, to string) ([]engine.Change, error) {
	old, _, err := s.Program(ctx, a, id, from)
	if err != nil {
		return nil, err
	}
	cur, _, err := s.Program(ctx, a, id, to)
	if err != nil {
		return nil, err
	}
	return engine.Diff(old, cur), nil
}
