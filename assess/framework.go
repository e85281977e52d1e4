package assess

import (
	"context"
	"fmt"
	"sync"

	"ziping"
	"ziping/engine"
)

// programCache keeps compiled framework versions: a stored version never changes.
type programCache struct {
	mu sync.Mutex
	m  map[string]*engine.Program
}

// Program returns the compiled framework id at version ("" for the latest stored).
func (s *Service) Program(ctx context.Context, id, version string) (*engine.Program, error) {
	key := id + "@" + version
	if version != "" && s.progs != nil {
		s.progs.mu.Lock()
		p := s.progs.m[key]
		s.progs.mu.Unlock()
		if p != nil {
			return p, nil
		}
	}
	sf, err := s.Store.Framework(ctx, id, version)
	if err != nil {
		if ziping.IsNotFound(err) {
			return nil, ziping.Errorf(ziping.NotFound, "没有评价体系「%s」", id)
		}
		return nil, err
	}
	if version == "" && s.progs != nil { // the latest: compiled already unless it is new
		s.progs.mu.Lock()
		p := s.progs.m[sf.ID+"@"+sf.Version]
		s.progs.mu.Unlock()
		if p != nil {
			return p, nil
		}
	}
	p, err := engine.Load(sf.ID+"@"+sf.Version+".yaml", sf.Source)
	if err != nil {
		return nil, fmt.Errorf("compile stored framework %s@%s: %w", sf.ID, sf.Version, err)
	}
	if s.progs != nil {
		s.progs.mu.Lock()
		if s.progs.m == nil {
			s.progs.m = map[string]*engine.Program{}
		}
		s.progs.m[sf.ID+"@"+sf.Version] = p
		s.progs.mu.Unlock()
	}
	return p, nil
}

// SeedFrameworks saves each given framework version that the store does not hold
// yet, so that every database starts with the built-in frameworks and keeps each
// version a score was made with.
func (s *Service) SeedFrameworks(ctx context.Context, fws []ziping.StoredFramework) error {
	for _, f := range fws {
		_, err := s.Store.Framework(ctx, f.ID, f.Version)
		if err == nil {
			continue
		}
		if ziping.ErrorKind(err) != ziping.NotFound {
			return err
		}
		f.CreatedAt = s.now()
		err = s.Store.Tx(ctx, func(tx ziping.Store) error {
			if err := tx.SaveFramework(ctx, &f); err != nil {
				return err
			}
			return s.audit(ctx, tx, ziping.System, "framework_save", "framework:"+f.ID+"@"+f.Version, 0, nil,
				map[string]any{"id": f.ID, "version": f.Version, "builtin": f.Builtin})
		})
		if err != nil && ziping.ErrorKind(err) != ziping.Conflict { // another instance seeded it first
			return err
		}
	}
	return nil
}
