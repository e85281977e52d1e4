package ziping

import (
	"context"
	"time"
)

// FrameworkPeriod is the choice of which stored version of a framework applies from
// a period on: it applies to Period and to every later period until a later choice.
// An assessment started for a period takes the version that applies to it then, and
// keeps it (package assess resolves it; package catalog sets it).
type FrameworkPeriod struct {
	Framework string // the framework id
	Period    int
	Version   string
	SetBy     int64
	SetAt     time.Time
}

// FrameworkUse counts the assessments of one period that use one version.
type FrameworkUse struct {
	Version string
	Period  int
	Count   int
}

// FrameworkStore is the part of Store that keeps framework versions beyond saving
// and reading one: every version of a framework, the periods they apply to, and how
// many assessments use each version. Stored versions are never rewritten
// (SaveFramework of a stored id+version is Conflict).
type FrameworkStore interface {
	// FrameworkVersions lists every stored version of framework id, the one saved
	// last first (as Framework(id, "") picks it), without Source; none is empty.
	FrameworkVersions(ctx context.Context, id string) ([]StoredFramework, error)
	// FrameworkUsage counts the assessments of framework id by period and the
	// version they use, ordered by period then version.
	FrameworkUsage(ctx context.Context, id string) ([]FrameworkUse, error)
	// FrameworkPeriods lists the choices of framework id, by period ascending.
	FrameworkPeriods(ctx context.Context, id string) ([]FrameworkPeriod, error)
	// SetFrameworkPeriod records the version chosen from p.Period on, replacing the
	// choice of that period; NotFound when the version is not stored. A zero SetAt
	// is now (and set in p).
	SetFrameworkPeriod(ctx context.Context, p *FrameworkPeriod) error
	// DeleteFrameworkPeriod removes the choice of that period; NotFound when none.
	DeleteFrameworkPeriod(ctx context.Context, id string, period int) error
}
