// Package storetest is the one contract suite every ziping.Store passes. A store
// package runs it from its own tests:
//
//	func TestStore(t *testing.T) { storetest.Run(t, openTestStore, tamper) }
//
// Each subtest gets a fresh, migrated store from open, so the subtests are
// independent and run in parallel.
package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ziping"
)

// Open returns a fresh, empty, migrated store for one test (a new SQLite file, a new
// PostgreSQL schema) and closes it with t.Cleanup. Subtests call it in parallel.
type Open func(t *testing.T) ziping.Store

// Tamper changes audit entry seq behind the store's back, with raw SQL, the way an
// intruder with access to the database would: it must alter a hashed field of the
// entry (its New text, say) and leave the chain fields alone. The suite then expects
// ziping.VerifyAudit to name that entry.
type Tamper func(t *testing.T, st ziping.Store, seq int64)

// Run runs the contract suite on the stores open makes. tamper is required: a store
// whose audit trail cannot be shown to detect tampering fails.
//
// Besides what ziping.Store's comments say, the suite holds stores to these answers:
//   - A write refused inside a Tx leaves the transaction usable.
//   - Errors are *ziping.Error with a message: a missing row is NotFound; a unique
//     key taken is Conflict; a reference to a missing row (parent unit, scope unit,
//     user, the unit of a school row) is NotFound; a value a CHECK refuses (level,
//     role) is Invalid; DeleteSession of no session is NotFound.
//   - Times come back == to ziping.AuditTime of what was given (UTC, microseconds);
//     a zero CreatedAt (users, sessions, frameworks, batches) or At (audit) is now.
//   - Subtree(nil) is the whole tree; order is by path, byte by byte.
//   - Users() is ordered by id; UserByName is exact (case counts).
//   - A session has expired when ExpiresAt <= now.
//   - Framework(id, "") is the version saved last (greatest CreatedAt), not the
//     greatest version string; Frameworks() gives that one of each id, by id;
//     FrameworkVersions the same order, every version, Source nil. Framework
//     periods: by period; setting a period again replaces its choice; a version
//     not stored is NotFound, a period outside 1900–2200 Invalid.
//   - CreateBatch sets b.ID, b.Schools, b.Facts, b.CreatedAt and each row's BatchID
//     and Period; a row of another period, a school (code+stage) or unit twice in one
//     batch, NaN or ±Inf are Invalid; outside Tx it is atomic.
//   - Schools and Facts: no unit ids select nothing; Period 0 is every period.
//     Schools: Limit 0 is no limit; Search is a plain substring of code or name (%,
//     _ and \ are characters); Sort is code, name, stage or students with "-" for
//     descending, text compared by code point (PostgreSQL: COLLATE "C"), rows
//     without students last in both directions, ties by code then stage; any other
//     Sort is Invalid.
//   - Periods() is every period with school rows or facts, ascending.
//   - Audit: UnitPath takes entries whose unit is in that subtree (never those
//     without a unit); From is inclusive, To exclusive; Limit 0 is 100.
//   - Assessments, point scores, evidence, snapshots, problems: a zero CreatedAt or
//     UpdatedAt is now, and the Create and Update methods set the stored times (and
//     Version) in what they were given. A status, side, stage or source a CHECK
//     refuses is Invalid; a missing unit, assessment, problem (carried from, or the
//     one evidence is of) or kept file is NotFound.
//   - Optimistic writes (UpdateAssessment, SavePointScore, DeletePointScore,
//     UpdateProblem): a stale Version is Conflict and changes nothing, a missing row
//     is NotFound; SavePointScore with Version 0 of an existing score is Conflict. A
//     deleted score can be created again from Version 0.
//   - Nil and empty come back nil: Assessment.Summary, PointScore.Checked.
//     PointScore.Score and Triggered nil are kept apart from 0 and false; a NaN or
//     infinite Score is Invalid.
//   - Assessments: zero query fields do not filter (no UnitIDs or Statuses is all);
//     ordered by unit path byte by byte, then framework, then period. Problems,
//     EvidenceOf, Snapshots: by id. PointScores, EvidenceOf, Snapshots of an unknown
//     assessment are empty, not NotFound.
//   - Evidence: Size is the kept file's, whatever was given; data that does not hash
//     to SHA256 is Invalid; the file and the link are written together (a refused
//     link keeps no file); deleting every link keeps the file; an empty file is a
//     file.
//   - Problem.Deadline comes back as midnight UTC of its UTC day. The store keeps
//     a problem's UnitID, Framework and Period as given (it does not copy them from
//     the assessment).
//   - Report drafts: ReportDraft before the first save, or of a missing assessment,
//     is NotFound. SaveReportDraft is optimistic as SavePointScore: Version 0
//     creates (Conflict when a draft exists, NotFound when the assessment does not),
//     otherwise a stale Version is Conflict and changes nothing, and no draft is
//     NotFound; it sets Version and UpdatedAt (now when zero). An empty Narrative
//     comes back nil.
func Run(t *testing.T, open Open, tamper Tamper) {
	if open == nil || tamper == nil {
		t.Fatal("storetest.Run needs both an open function and a tamper hook")
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, st ziping.Store)
	}{
		{"SchemaVersion", testSchemaVersion},
		{"Units", testUnits},
		{"DataVersion", testDataVersion},
		{"UnitErrors", testUnitErrors},
		{"Subtree", testSubtree},
		{"SubtreeSiblingPrefixes", testSubtreeSiblingPrefixes},
		{"UnitsByCode", testUnitsByCode},
		{"Users", testUsers},
		{"UserErrors", testUserErrors},
		{"UserUpdate", testUserUpdate},
		{"Sessions", testSessions},
		{"SessionsExpire", testSessionsExpire},
		{"Frameworks", testFrameworks},
		{"FrameworkVersions", testFrameworkVersions},
		{"FrameworkPeriods", testFrameworkPeriods},
		{"CreateBatch", testCreateBatch},
		{"CreateBatchReplaces", testCreateBatchReplaces},
		{"CreateBatchErrors", testCreateBatchErrors},
		{"SchoolsFilter", testSchoolsFilter},
		{"SchoolsSearch", testSchoolsSearch},
		{"SchoolsSort", testSchoolsSort},
		{"SchoolsPaging", testSchoolsPaging},
		{"SchoolsByCodeNoTotal", testSchoolsByCodeNoTotal},
		{"TxCommit", testTxCommit},
		{"TxRollback", testTxRollback},
		{"TxPanic", testTxPanic},
		{"TxContinuesAfterError", testTxContinuesAfterError},
		{"Audit", testAudit},
		{"AuditFilters", testAuditFilters},
		{"AuditLimit", testAuditLimit},
		{"AuditConcurrent", testAuditConcurrent},
		{"AuditTamper", func(t *testing.T, st ziping.Store) { testAuditTamper(t, st, tamper) }},
		{"Assessments", testAssessments},
		{"AssessmentErrors", testAssessmentErrors},
		{"AssessmentsFilter", testAssessmentsFilter},
		{"AssessmentUpdate", testAssessmentUpdate},
		{"PointScores", testPointScores},
		{"Evidence", testEvidence},
		{"EvidenceErrors", testEvidenceErrors},
		{"Snapshots", testSnapshots},
		{"Problems", testProblems},
		{"ProblemErrors", testProblemErrors},
		{"ProblemUpdate", testProblemUpdate},
		{"ProblemsFilter", testProblemsFilter},
		{"AssessmentTx", testAssessmentTx},
		{"ReportDrafts", testReportDrafts},
		{"ReportDraftTx", testReportDraftTx},
		{"ResultNotices", testResultNotices},
		{"DueDates", testDueDates},
		{"OwnerNeverChanges", testOwnerNeverChanges},
		{"ChunkedBatch", testChunkedBatch},
		{"AbandonedBatch", testAbandonedBatch},
		{"MoveSchool", testMoveSchool},
		{"LoginCounters", testLoginCounters},
		{"UserSessions", testUserSessions},
		{"Jobs", testJobs},
		{"Uploads", testUploads},
	}
	for _, tc := range append(tests, surveyTests...) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

func testSchemaVersion(t *testing.T, st ziping.Store) {
	v, err := st.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if v < 1 {
		t.Errorf("SchemaVersion of a migrated store = %d, want ≥ 1", v)
	}
}

var kindNames = map[ziping.Kind]string{
	ziping.Internal: "Internal", ziping.Invalid: "Invalid", ziping.NotFound: "NotFound",
	ziping.Conflict: "Conflict", ziping.Forbidden: "Forbidden", ziping.Unauthorized: "Unauthorized",
}

// wantKind fails unless err is a *ziping.Error of the given kind with a message.
func wantKind(t *testing.T, err error, want ziping.Kind, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %s", what, kindNames[want])
	}
	var de *ziping.Error
	if !errors.As(err, &de) {
		t.Fatalf("%s: error %T (%v) is not a *ziping.Error", what, err, err)
	}
	if got := ziping.ErrorKind(err); got != want {
		t.Fatalf("%s: error kind %s, want %s: %v", what, kindNames[got], kindNames[want], err)
	}
	if de.Msg == "" {
		t.Errorf("%s: %s error without a message for the user: %v", what, kindNames[want], err)
	}
}

// must fails the test on err.
func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// diff fails the test when got and want differ.
func diff(t *testing.T, what string, got, want any, opts ...cmp.Option) {
	t.Helper()
	if d := cmp.Diff(want, got, opts...); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// sameTime checks that a time came back identical (==, not just Equal): UTC, no
// monotonic reading, microseconds.
func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v (location %v), want exactly %v", what, got, got.Location(), want)
	}
}

// t0 is the suite's clock: nanoseconds included, in a zone other than UTC, so that a
// store that keeps either shows it.
var t0 = time.Date(2024, 3, 1, 8, 30, 15, 123456789, time.FixedZone("CST", 8*3600))

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// stored is a time as a store must give it back.
func stored(t time.Time) time.Time { return ziping.AuditTime(t) }

func label(format string, args ...any) string { return fmt.Sprintf(format, args...) }
