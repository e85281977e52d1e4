package assess

import (
	"context"

	"ziping"
	"ziping/engine"
)

// ApplyingVersion is the version of a framework that applies to period, given its
// choices (ziping.FrameworkPeriod, by period ascending) and its stored versions
// (the one saved last first): the version chosen for the latest period at or
// before it; without such a choice, the built-in version saved last, so that a
// version an administrator uploads applies only once chosen. ok is false when
// neither exists (an uploaded framework nobody has chosen a period for).
func ApplyingVersion(choices []ziping.FrameworkPeriod, versions []ziping.StoredFramework, period int) (version string, ok bool) {
	for i := len(choices) - 1; i >= 0; i-- {
		if choices[i].Period <= period {
			return choices[i].Version, true
		}
	}
	for _, v := range versions {
		if v.Builtin {
			return v.Version, true
		}
	}
	return "", false
}

// VersionFor is the version of framework fw that applies to period (see
// ApplyingVersion): what an assessment started for the period uses, and what its
// ranking is laid out by.
func (s *Service) VersionFor(ctx context.Context, fw string, period int) (string, error) {
	return versionIn(ctx, s.Store, fw, period)
}

// versionReader reads a framework's versions and choices: a Store, or a
// transaction's.
type versionReader interface {
	FrameworkVersions(ctx context.Context, id string) ([]ziping.StoredFramework, error)
	FrameworkPeriods(ctx context.Context, id string) ([]ziping.FrameworkPeriod, error)
}

// versionIn is VersionFor read through st.
func versionIn(ctx context.Context, st versionReader, fw string, period int) (string, error) {
	versions, err := st.FrameworkVersions(ctx, fw)
	if err != nil {
		return "", err
	}
	if len(versions) == 0 {
		return "", ziping.Errorf(ziping.NotFound, "没有评价体系「%s」", fw)
	}
	choices, err := st.FrameworkPeriods(ctx, fw)
	if err != nil {
		return "", err
	}
	v, ok := ApplyingVersion(choices, versions, period)
	if !ok {
		return "", ziping.Errorf(ziping.NotFound, "评价体系「%s」尚未选定适用于%d年度的版本，请管理员在「评价体系管理」中选定", versions[0].Name, period)
	}
	return v, nil
}

// ProgramFor is the compiled version of framework fw that applies to period.
func (s *Service) ProgramFor(ctx context.Context, fw string, period int) (*engine.Program, error) {
	v, err := s.VersionFor(ctx, fw, period)
	if err != nil {
		return nil, err
	}
	return s.Program(ctx, fw, v)
}
