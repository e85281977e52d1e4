// Package assess is a county's assessment against a framework: its scores and
// evidence, the readiness check, the workflow from self-evaluation through review to
// publication with the snapshots each step freezes, the summaries rankings read, the
// ranking itself, and the recompute that keeps open assessments up to date with the
// data. Accepting a review turns the points that lost marks into problems; what
// happens to them afterwards is package rectify's.
package assess

import (
	"context"
	"time"

	"ziping"
	"ziping/engine"
)

// Store is the part of ziping.Store that assessments need.
type Store interface {
	Tx(ctx context.Context, fn func(tx ziping.Store) error) error
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
	Subtree(ctx context.Context, root *ziping.OrgUnit, levels ...string) ([]ziping.OrgUnit, error)
	User(ctx context.Context, id int64) (*ziping.User, error)
	SaveFramework(ctx context.Context, f *ziping.StoredFramework) error
	Framework(ctx context.Context, id, version string) (*ziping.StoredFramework, error)
	FrameworkVersions(ctx context.Context, id string) ([]ziping.StoredFramework, error)
	FrameworkPeriods(ctx context.Context, id string) ([]ziping.FrameworkPeriod, error)
	Schools(ctx context.Context, q ziping.SchoolQuery) ([]ziping.SchoolRecord, int, error)
	Facts(ctx context.Context, unitIDs []int64, period int) ([]ziping.FactRecord, error)
	ziping.AssessmentStore
	ziping.ReportStore
	ziping.NoticeStore
	ziping.DueDateStore
	ziping.AuditAppender
}

// Datasets loads the engine's data of counties: package dataset provides it.
type Datasets interface {
	// LoadDataset loads, for an actor who may see root, its counties' data of period
	// and the period before (cached by data version).
	LoadDataset(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, period int) (*engine.Dataset, []ziping.OrgUnit, error)
	// LoadCounties reads the given counties' data of period and the period before.
	LoadCounties(ctx context.Context, counties []ziping.OrgUnit, period int) (*engine.Dataset, []ziping.OrgUnit, error)
}

// Service holds the assessments' use cases: who may do what, and what is written
// with its audit entry. Time is injected so that tests are deterministic.
type Service struct {
	Store Store
	Data  Datasets
	Audit *ziping.Auditor
	Now   func() time.Time
	// MaxEvidence bounds one evidence file; DefaultMaxEvidence when zero.
	MaxEvidence int64
	// Reports checks the self-evaluation report for the readiness check (package
	// reporting; cmd/ziping sets it); nil leaves the report out of the check.
	Reports ReportCheck
	// Surveys gives the satisfaction the county's own survey measured (package
	// survey; cmd/ziping sets it); nil leaves the typed-in facts alone.
	Surveys Surveys

	progs   *programCache  // compiled framework versions
	snaps   *snapshotCache // decoded snapshots
	sums    *summaryCache  // decoded assessment summaries
	results *resultCache   // assessments' results by version and dataset
	levels  *levelCache    // loaded datasets seen as schools, kindergartens or cities
}

// ReportCheck lists what keeps an assessment's report from being submitted: an
// unfilled number, a bound value the data cannot give, an unwritten section.
// Package reporting provides it; it is an interface so that reporting, which builds
// on assessments, can be asked by them without a cycle.
type ReportCheck interface {
	ReportIssues(v *AssessmentView) ([]ziping.ReportIssue, error)
}

// maxCached bounds each cache: a province's counties for a few years.
const maxCached = 512

// New returns a Service on st that loads data through data and audits through au.
func New(st Store, data Datasets, au *ziping.Auditor) *Service {
	return &Service{Store: st, Data: data, Audit: au, Now: time.Now,
		progs: &programCache{}, snaps: &snapshotCache{}, sums: &summaryCache{}, results: &resultCache{},
		levels: &levelCache{}}
}

func (s *Service) now() time.Time { return ziping.AuditTime(s.Now()) }

// audit appends an entry for actor through st.
func (s *Service) audit(ctx context.Context, st ziping.AuditAppender, a *ziping.Actor, action, object string, unit int64, old, new any) error {
	return s.Audit.Append(ctx, st, ziping.NewAuditEntry(s.now(), a, action, object, unit, old, new))
}
