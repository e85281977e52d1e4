package ziping

import (
	"context"
	"time"
)

// Assessment statuses, in workflow order. A returned assessment goes back to the
// unit, which resubmits it; a reviewed one is accepted by the level above and can be
// published.
const (
	StatusDraft       = "draft"
	StatusSubmitted   = "submitted"
	StatusReturned    = "returned"
	StatusResubmitted = "resubmitted"
	StatusReviewed    = "reviewed"
	StatusPublished   = "published"
)

// StatusNames are the statuses as the pages show them.
var StatusNames = map[string]string{
	StatusDraft:       "填报中",
	StatusSubmitted:   "已提交",
	StatusReturned:    "已退回",
	StatusResubmitted: "已重新提交",
	StatusReviewed:    "已复核",
	StatusPublished:   "已公布",
}

// Assessment is one unit's evaluation against one framework for one period: the
// self-evaluation, its review by the level above, and what was published.
//
// Version is the optimistic-concurrency counter: UpdateAssessment writes only when
// the stored version is the one read, and increments it.
type Assessment struct {
	ID               int64
	Framework        string // framework id
	FrameworkVersion string
	UnitID           int64
	Period           int
	Status           string
	Round            int   // submissions so far: 1 after the first, 2 after a resubmission, ...
	FromID           int64 // the assessment it was started from ("start from last year"), 0 none
	SnapshotID       int64 // the latest frozen snapshot, 0 while a first draft
	ReturnNote       string
	// Summary is the service's JSON summary of the current result (totals, area
	// scores, metric values of the self and review sides), kept so that rankings
	// never re-evaluate. The store keeps it as it is given.
	Summary     []byte
	Version     int64
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedBy int64
	SubmittedAt time.Time // zero until submitted
	ReviewedBy  int64
	ReviewedAt  time.Time
	PublishedAt time.Time
}

// SelfEditable reports whether the unit may still change its scores and evidence.
func (as *Assessment) SelfEditable() bool {
	return as.Status == StatusDraft || as.Status == StatusReturned
}

// UnderReview reports whether the reviewer may change review scores.
func (as *Assessment) UnderReview() bool {
	return as.Status == StatusSubmitted || as.Status == StatusResubmitted
}

// Frozen reports whether what the unit submitted is fixed: its results come from the
// latest snapshot, not from live data.
func (as *Assessment) Frozen() bool { return !as.SelfEditable() }

// AssessmentQuery selects assessments. Zero fields do not filter.
type AssessmentQuery struct {
	UnitPath  string // assessments of units in this subtree
	Framework string
	Period    int
	Statuses  []string
	UnitIDs   []int64
}

// Score sides.
const (
	SideSelf   = "self"
	SideReview = "review"
)

// PointScore is a person's score of one point (or bonus item, or manual veto) of an
// assessment, on one side: the unit's self score or the reviewer's. Score is a manual
// score or, on the review side, the reviewed score of any point; Checked lists ticked
// checklist items; Triggered decides a manual veto. Justification is the self
// justification or the review reason. ToConfirm marks a score copied from last
// year that nobody has confirmed yet.
//
// Version is the optimistic-concurrency counter: SavePointScore with Version 0
// creates the row (Conflict when it exists), otherwise updates it only when the
// stored version is the one given (Conflict when not), and increments it.
type PointScore struct {
	AssessmentID  int64
	Side          string
	Code          string
	Score         *float64
	Checked       []string
	Triggered     *bool
	Justification string
	ToConfirm     bool
	Version       int64
	UpdatedBy     int64
	UpdatedAt     time.Time
}

// Evidence is a file attached to an assessment, linked to a point (or to nothing in
// particular when Point is empty) or to a problem as evidence of its completion. The
// file itself is kept once by its SHA-256, so copying evidence to next year's
// assessment copies the link, not the bytes.
type Evidence struct {
	ID           int64
	AssessmentID int64
	Point        string
	ProblemID    int64 // evidence of completion of a problem; 0 none
	Title        string
	DocNumber    string // 文号, such as 南政办发〔2018〕97号
	Period       int    // the year the document belongs to
	FileName     string
	ContentType  string
	Size         int64
	SHA256       string // hex
	ToConfirm    bool
	CreatedBy    int64
	CreatedAt    time.Time
}

// Snapshot is what a workflow step froze: the data, the framework version and the
// scores, as JSON the service writes and reads (the store does not look inside).
type Snapshot struct {
	ID           int64
	AssessmentID int64
	Stage        string // the status the step moved to: submitted, resubmitted, reviewed, published
	Round        int
	Data         []byte
	CreatedBy    int64
	CreatedAt    time.Time
}

// Problem statuses.
const (
	ProblemOpen       = "open"
	ProblemInProgress = "in_progress"
	ProblemDone       = "done"
	ProblemVerified   = "verified"
)

// ProblemStatusNames are the problem statuses as the pages show them.
var ProblemStatusNames = map[string]string{
	ProblemOpen:       "未整改",
	ProblemInProgress: "整改中",
	ProblemDone:       "已完成",
	ProblemVerified:   "已验收",
}

// Problem sources.
const (
	SourceDeduction = "deduction" // a point that lost marks
	SourceFinding   = "finding"   // a reviewer's own finding
)

// Problem is one entry of the problem list and rectification ledger (问题清单 →
// 整改台账): what is wrong, what the unit will do about it, who, by when, and how far
// it has got. Deadline is a date (midnight UTC), zero when not set.
type Problem struct {
	ID           int64
	AssessmentID int64
	UnitID       int64
	Framework    string
	Period       int
	Point        string // the point it belongs to; "" for a finding about nothing in particular
	Source       string
	Description  string
	Measures     string // 整改措施
	Owner        string // 责任人 / 责任单位
	Deadline     time.Time
	Status       string
	Note         string // the latest progress or verification note
	CarriedFrom  int64  // the problem of last period it continues, 0 none
	// DataGap marks a problem made from a point the data could not compute (made
	// before missing data blocked acceptance): 数据缺失, not a duty, never overdue.
	DataGap   bool
	Version   int64
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// StatusName is the problem's status as pages show it: 数据缺失 for a data gap.
func (p *Problem) StatusName() string {
	if p.DataGap {
		return "数据缺失"
	}
	return ProblemStatusNames[p.Status]
}

// Overdue reports whether the problem is past its deadline and not done.
func (p *Problem) Overdue(today time.Time) bool {
	return !p.DataGap && !p.Deadline.IsZero() && (p.Status == ProblemOpen || p.Status == ProblemInProgress) && p.Deadline.Before(DateOnly(today))
}

// DateOnly is t's calendar day as the store keeps a deadline: midnight UTC of the
// date t shows; the zero time stays zero.
func DateOnly(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ProblemQuery selects problems. Zero fields do not filter.
type ProblemQuery struct {
	UnitPath     string
	AssessmentID int64
	Framework    string
	Period       int
	Statuses     []string
}

// AssessmentStore is the part of Store that keeps assessments. Conventions both
// stores keep (storetest holds them to it): a zero CreatedAt or UpdatedAt is stored
// as now; times come back in UTC at microsecond precision; lists are ordered by id
// (Assessments by unit path, then framework, then period); a missing row is NotFound.
type AssessmentStore interface {
	// CreateAssessment sets ID and Version 1. Conflict when the unit already has an
	// assessment of that framework and period; NotFound when the unit does not exist.
	CreateAssessment(ctx context.Context, a *Assessment) error
	Assessment(ctx context.Context, id int64) (*Assessment, error)
	AssessmentFor(ctx context.Context, framework string, unitID int64, period int) (*Assessment, error)
	Assessments(ctx context.Context, q AssessmentQuery) ([]Assessment, error)
	// UpdateAssessment writes every field but ID, UnitID, Framework, Period and
	// CreatedAt when the stored Version equals a.Version, then sets a.Version to the
	// new version; Conflict when another write came first.
	UpdateAssessment(ctx context.Context, a *Assessment) error

	PointScores(ctx context.Context, assessmentID int64) ([]PointScore, error) // by side, then code
	SavePointScore(ctx context.Context, ps *PointScore) error
	DeletePointScore(ctx context.Context, assessmentID int64, side, code string, version int64) error

	// CreateEvidence records the evidence row and keeps data under e.SHA256 unless a
	// file with that hash is already kept; data nil links to a kept file (NotFound
	// when there is none). It sets ID.
	CreateEvidence(ctx context.Context, e *Evidence, data []byte) error
	Evidence(ctx context.Context, id int64) (*Evidence, error)
	EvidenceOf(ctx context.Context, assessmentID int64) ([]Evidence, error)
	EvidenceFile(ctx context.Context, sha256 string) ([]byte, error)
	DeleteEvidence(ctx context.Context, id int64) error // the link; the file stays

	CreateSnapshot(ctx context.Context, s *Snapshot) error // sets ID
	Snapshot(ctx context.Context, id int64) (*Snapshot, error)
	Snapshots(ctx context.Context, assessmentID int64) ([]Snapshot, error) // without Data, oldest first

	CreateProblem(ctx context.Context, p *Problem) error // sets ID and Version 1
	Problem(ctx context.Context, id int64) (*Problem, error)
	Problems(ctx context.Context, q ProblemQuery) ([]Problem, error)
	UpdateProblem(ctx context.Context, p *Problem) error // optimistic, as UpdateAssessment
}

// ReportDraft is the narrative of an assessment's self-evaluation report (自评报告):
// the Markdown people write, with bound values. Generated keeps the text of the
// generated sections (存在问题, 改进措施) as last accepted, so that a regeneration
// can show what changed. Version works as PointScore's: 0 creates the draft
// (Conflict when it exists), otherwise the stored version must match.
type ReportDraft struct {
	AssessmentID int64
	Narrative    []byte
	Generated    string
	Version      int64
	UpdatedBy    int64
	UpdatedAt    time.Time
}

// ReportStore keeps report drafts, one per assessment.
type ReportStore interface {
	ReportDraft(ctx context.Context, assessmentID int64) (*ReportDraft, error) // NotFound when none
	SaveReportDraft(ctx context.Context, r *ReportDraft) error                 // sets Version
}
