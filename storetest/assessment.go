package storetest

import (
	"math"
	"testing"
	"time"

	"ziping"
)

const fwCounty, fwCity = "lxzz-county", "lxzz-city"

// newAssessment is a draft of unit for framework and period, with the times a store
// must give back changed (zone, nanoseconds).
func newAssessment(unitID int64, framework string, period int) ziping.Assessment {
	return ziping.Assessment{Framework: framework, FrameworkVersion: "2024.1", UnitID: unitID, Period: period,
		Status: ziping.StatusDraft, CreatedBy: 7, CreatedAt: at(time.Minute), UpdatedAt: at(2 * time.Minute)}
}

// createAssessment creates a and fails the test on error.
func createAssessment(t *testing.T, st ziping.Store, a *ziping.Assessment) {
	t.Helper()
	must(t, st.CreateAssessment(t.Context(), a), label("CreateAssessment %s %d/%d", a.Framework, a.UnitID, a.Period))
}

// ptr is a pointer to v.
func ptr[T any](v T) *T { return &v }

func testAssessments(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	last := newAssessment(tr.countyA1.ID, fwCounty, 2023)
	createAssessment(t, st, &last)

	a := ziping.Assessment{Framework: fwCounty, FrameworkVersion: "2024.2", UnitID: tr.countyA1.ID, Period: 2024,
		Status: ziping.StatusReviewed, Round: 2, FromID: last.ID, ReturnNote: "请补充第 3 项的佐证材料",
		Summary: []byte(`{"self": {"total": 87.5}, "review": {"total": 85}}`), CreatedBy: 7, CreatedAt: at(0),
		UpdatedAt: at(time.Hour), SubmittedBy: 7, SubmittedAt: at(2 * time.Hour), ReviewedBy: 9,
		ReviewedAt: at(3 * time.Hour)}
	given := a
	createAssessment(t, st, &a)
	if a.ID <= 0 || a.ID == last.ID || a.Version != 1 {
		t.Fatalf("CreateAssessment: ID %d (last year's %d), Version %d; want a new ID and Version 1", a.ID, last.ID, a.Version)
	}
	want := given
	want.ID, want.Version = a.ID, 1
	want.CreatedAt, want.UpdatedAt = stored(given.CreatedAt), stored(given.UpdatedAt)
	want.SubmittedAt, want.ReviewedAt = stored(given.SubmittedAt), stored(given.ReviewedAt)
	diff(t, "CreateAssessment sets in a", a, want)

	got, err := st.Assessment(ctx, a.ID)
	must(t, err, "Assessment")
	diff(t, "Assessment", *got, want)
	sameTime(t, "Assessment.CreatedAt", got.CreatedAt, want.CreatedAt)
	sameTime(t, "Assessment.UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	sameTime(t, "Assessment.ReviewedAt", got.ReviewedAt, want.ReviewedAt)
	if !got.PublishedAt.IsZero() {
		t.Errorf("PublishedAt of an unpublished assessment = %v, want zero", got.PublishedAt)
	}
	got, err = st.AssessmentFor(ctx, fwCounty, tr.countyA1.ID, 2024)
	must(t, err, "AssessmentFor")
	diff(t, "AssessmentFor", *got, want)

	// Zero references, times and summary come back zero; zero CreatedAt and
	// UpdatedAt are now.
	before := time.Now().Add(-time.Second)
	bare := ziping.Assessment{Framework: fwCity, FrameworkVersion: "1", UnitID: tr.cityA.ID, Period: 2024,
		Status: ziping.StatusDraft}
	createAssessment(t, st, &bare)
	got, err = st.Assessment(ctx, bare.ID)
	must(t, err, "Assessment bare")
	diff(t, "Assessment created with zero fields", *got, bare)
	for _, tm := range []time.Time{got.CreatedAt, got.UpdatedAt} {
		if tm.Before(before) || tm.After(time.Now().Add(time.Second)) {
			t.Errorf("CreatedAt/UpdatedAt of an assessment created with none = %v, want about now", tm)
		}
	}
	if got.Summary != nil || got.FromID != 0 || got.SnapshotID != 0 || !got.SubmittedAt.IsZero() {
		t.Errorf("bare assessment: Summary %q, FromID %d, SnapshotID %d, SubmittedAt %v; want all zero",
			got.Summary, got.FromID, got.SnapshotID, got.SubmittedAt)
	}
}

func testAssessmentErrors(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)

	dup := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	wantKind(t, st.CreateAssessment(ctx, &dup), ziping.Conflict, "CreateAssessment of a taken framework, unit and period")
	for _, ok := range []ziping.Assessment{
		newAssessment(tr.countyA2.ID, fwCounty, 2024), // another unit
		newAssessment(tr.countyA1.ID, fwCity, 2024),   // another framework
		newAssessment(tr.countyA1.ID, fwCounty, 2025), // another period
	} {
		createAssessment(t, st, &ok)
	}
	lost := newAssessment(tr.school.ID+1000, fwCounty, 2024)
	wantKind(t, st.CreateAssessment(ctx, &lost), ziping.NotFound, "CreateAssessment for a missing unit")
	odd := newAssessment(tr.countyB1.ID, fwCounty, 2024)
	odd.Status = "approved"
	wantKind(t, st.CreateAssessment(ctx, &odd), ziping.Invalid, "CreateAssessment with an unknown status")
	from := newAssessment(tr.countyB1.ID, fwCounty, 2024)
	from.FromID = a.ID + 1000
	wantKind(t, st.CreateAssessment(ctx, &from), ziping.NotFound, "CreateAssessment from a missing assessment")

	_, err := st.Assessment(ctx, a.ID+1000)
	wantKind(t, err, ziping.NotFound, "Assessment of an unknown id")
	_, err = st.AssessmentFor(ctx, fwCounty, tr.countyB1.ID, 2024)
	wantKind(t, err, ziping.NotFound, "AssessmentFor a unit without one")
	_, err = st.AssessmentFor(ctx, fwCounty, tr.countyA1.ID, 2022)
	wantKind(t, err, ziping.NotFound, "AssessmentFor a period without one")

	ghost := a
	ghost.ID = a.ID + 1000
	wantKind(t, st.UpdateAssessment(ctx, &ghost), ziping.NotFound, "UpdateAssessment of an unknown id")
	bad := a
	bad.Status = "approved"
	wantKind(t, st.UpdateAssessment(ctx, &bad), ziping.Invalid, "UpdateAssessment with an unknown status")
	got, err := st.Assessment(ctx, a.ID)
	must(t, err, "Assessment after refused updates")
	diff(t, "Assessment after refused updates", *got, a)
}

func testAssessmentsFilter(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	// Created out of order, so that id order is not the order wanted.
	specs := []struct {
		unit      ziping.OrgUnit
		framework string
		period    int
		status    string
	}{
		{tr.countyB1, fwCounty, 2024, ziping.StatusSubmitted},
		{tr.countyA2, fwCounty, 2024, ziping.StatusReviewed},
		{tr.countyA1, fwCounty, 2024, ziping.StatusDraft},
		{tr.cityA, fwCity, 2024, ziping.StatusPublished},
		{tr.countyA1, fwCounty, 2023, ziping.StatusPublished},
		{tr.countyA1, fwCity, 2024, ziping.StatusReturned},
		{tr.cityB, fwCity, 2023, ziping.StatusDraft},
	}
	byKey := map[string]ziping.Assessment{}
	for _, s := range specs {
		a := newAssessment(s.unit.ID, s.framework, s.period)
		a.Status = s.status
		createAssessment(t, st, &a)
		byKey[label("%s %s %d", s.unit.Code, s.framework, s.period)] = a
	}
	pick := func(keys ...string) []ziping.Assessment {
		var out []ziping.Assessment
		for _, k := range keys {
			a, ok := byKey[k]
			if !ok {
				t.Fatalf("no assessment %q", k)
			}
			out = append(out, a)
		}
		return out
	}
	// By unit path (/p/a/ < /p/a/a1/ < /p/a/a2/ < /p/b/ ...), then framework, then period.
	all := pick("330100 lxzz-city 2024", "330102 lxzz-city 2024", "330102 lxzz-county 2023",
		"330102 lxzz-county 2024", "330103 lxzz-county 2024", "330200 lxzz-city 2023", "330203 lxzz-county 2024")
	for _, tc := range []struct {
		name string
		q    ziping.AssessmentQuery
		want []ziping.Assessment
	}{
		{"all", ziping.AssessmentQuery{}, all},
		{"whole tree", ziping.AssessmentQuery{UnitPath: tr.prov.Path}, all},
		{"subtree", ziping.AssessmentQuery{UnitPath: tr.cityA.Path}, all[:5]},
		{"county subtree", ziping.AssessmentQuery{UnitPath: tr.countyA1.Path}, all[1:4]},
		{"subtree without any", ziping.AssessmentQuery{UnitPath: tr.school.Path}, nil},
		{"framework", ziping.AssessmentQuery{Framework: fwCity}, pick("330100 lxzz-city 2024",
			"330102 lxzz-city 2024", "330200 lxzz-city 2023")},
		{"period", ziping.AssessmentQuery{Period: 2023}, pick("330102 lxzz-county 2023", "330200 lxzz-city 2023")},
		{"statuses", ziping.AssessmentQuery{Statuses: []string{ziping.StatusDraft, ziping.StatusPublished}},
			pick("330100 lxzz-city 2024", "330102 lxzz-county 2023", "330102 lxzz-county 2024", "330200 lxzz-city 2023")},
		{"unit ids", ziping.AssessmentQuery{UnitIDs: []int64{tr.countyB1.ID, tr.cityA.ID}},
			pick("330100 lxzz-city 2024", "330203 lxzz-county 2024")},
		{"everything at once", ziping.AssessmentQuery{UnitPath: tr.cityA.Path, Framework: fwCounty, Period: 2024,
			Statuses: []string{ziping.StatusDraft, ziping.StatusReviewed, ziping.StatusSubmitted},
			UnitIDs:  []int64{tr.countyA1.ID, tr.countyA2.ID, tr.countyB1.ID}},
			pick("330102 lxzz-county 2024", "330103 lxzz-county 2024")},
		{"nothing matches", ziping.AssessmentQuery{Framework: "none"}, nil},
	} {
		got, err := st.Assessments(ctx, tc.q)
		must(t, err, "Assessments "+tc.name)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		diff(t, "Assessments "+tc.name, got, tc.want)
	}
}

func testAssessmentUpdate(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	a.Summary = []byte(`{"total":1}`)
	createAssessment(t, st, &a)
	snap := ziping.Snapshot{AssessmentID: a.ID, Stage: ziping.StatusReviewed, Round: 1, Data: []byte(`{}`), CreatedAt: at(0)}
	must(t, st.CreateSnapshot(ctx, &snap), "CreateSnapshot")
	mine, theirs := a, a // two people read the same version

	mine.FrameworkVersion, mine.Status, mine.Round, mine.SnapshotID = "2024.3", ziping.StatusPublished, 1, snap.ID
	mine.ReturnNote, mine.Summary, mine.CreatedBy = "", []byte(`{"total": 92.25}`), 8
	mine.UpdatedAt, mine.SubmittedBy, mine.SubmittedAt = at(5*time.Hour), 7, at(3*time.Hour)
	mine.ReviewedBy, mine.ReviewedAt, mine.PublishedAt = 9, at(4*time.Hour), at(5*time.Hour)
	// Fields UpdateAssessment does not write.
	written := mine
	mine.UnitID, mine.Framework, mine.Period, mine.CreatedAt = tr.countyA2.ID, fwCity, 2030, at(99*time.Hour)
	must(t, st.UpdateAssessment(ctx, &mine), "UpdateAssessment")
	if mine.Version != 2 {
		t.Errorf("UpdateAssessment: Version %d, want 2", mine.Version)
	}
	want := written
	want.Version = 2
	want.UpdatedAt, want.SubmittedAt = stored(written.UpdatedAt), stored(written.SubmittedAt)
	want.ReviewedAt, want.PublishedAt = stored(written.ReviewedAt), stored(written.PublishedAt)
	got, err := st.Assessment(ctx, a.ID)
	must(t, err, "Assessment after UpdateAssessment")
	diff(t, "Assessment after UpdateAssessment (UnitID, Framework, Period, CreatedAt unchanged)", *got, want)
	sameTime(t, "PublishedAt", got.PublishedAt, want.PublishedAt)

	// The second writer read version 1: refused, and the first write stands.
	theirs.Status, theirs.ReturnNote = ziping.StatusReturned, "退回"
	wantKind(t, st.UpdateAssessment(ctx, &theirs), ziping.Conflict, "UpdateAssessment of a stale version")
	if theirs.Version != 1 {
		t.Errorf("a refused UpdateAssessment changed Version to %d", theirs.Version)
	}
	got, err = st.Assessment(ctx, a.ID)
	must(t, err, "Assessment after a stale update")
	diff(t, "Assessment after a stale update", *got, want)

	// Reading again gives the version to write with; a zero UpdatedAt is now.
	fresh := *got
	fresh.Status, fresh.UpdatedAt, fresh.Summary = ziping.StatusReturned, time.Time{}, nil
	before := time.Now().Add(-time.Second)
	must(t, st.UpdateAssessment(ctx, &fresh), "UpdateAssessment after reading again")
	got, err = st.Assessment(ctx, a.ID)
	must(t, err, "Assessment after the third write")
	if got.Version != 3 || fresh.Version != 3 || got.Status != ziping.StatusReturned || got.Summary != nil {
		t.Errorf("after the third write: Version %d (in a: %d), Status %q, Summary %q; want 3, 3, returned, nil",
			got.Version, fresh.Version, got.Status, got.Summary)
	}
	if got.UpdatedAt.Before(before) || got.UpdatedAt != fresh.UpdatedAt {
		t.Errorf("UpdatedAt after an update without one = %v (in a: %v), want now", got.UpdatedAt, fresh.UpdatedAt)
	}
}

func testPointScores(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)
	other := newAssessment(tr.countyA2.ID, fwCounty, 2024)
	createAssessment(t, st, &other)

	scores := []ziping.PointScore{
		{AssessmentID: a.ID, Side: ziping.SideSelf, Code: "B2", Score: ptr(3.5), Checked: []string{"b", "a", "c"},
			Justification: "已按要求落实", ToConfirm: true, UpdatedBy: 7, UpdatedAt: at(time.Hour)},
		{AssessmentID: a.ID, Side: ziping.SideSelf, Code: "A1", Checked: []string{}, UpdatedBy: 7, UpdatedAt: at(0)},
		{AssessmentID: a.ID, Side: ziping.SideReview, Code: "V1", Triggered: ptr(true), UpdatedBy: 9, UpdatedAt: at(2 * time.Hour)},
		{AssessmentID: a.ID, Side: ziping.SideReview, Code: "B2", Score: ptr(0.0), Triggered: ptr(false),
			Justification: "佐证不足", UpdatedBy: 9, UpdatedAt: at(3 * time.Hour)},
		{AssessmentID: other.ID, Side: ziping.SideSelf, Code: "A1", Score: ptr(1.0), UpdatedAt: at(0)},
	}
	for i := range scores {
		must(t, st.SavePointScore(ctx, &scores[i]), "SavePointScore "+scores[i].Code)
		if scores[i].Version != 1 {
			t.Errorf("SavePointScore %s creating: Version %d, want 1", scores[i].Code, scores[i].Version)
		}
	}
	norm := func(ps ziping.PointScore) ziping.PointScore {
		ps.UpdatedAt = stored(ps.UpdatedAt)
		if len(ps.Checked) == 0 {
			ps.Checked = nil // nothing ticked comes back nil
		}
		return ps
	}
	// By side ("review" < "self"), then code; a zero score is not a missing one.
	want := []ziping.PointScore{norm(scores[3]), norm(scores[2]), norm(scores[1]), norm(scores[0])}
	got, err := st.PointScores(ctx, a.ID)
	must(t, err, "PointScores")
	diff(t, "PointScores", got, want)
	sameTime(t, "PointScore.UpdatedAt", got[0].UpdatedAt, stored(scores[3].UpdatedAt))
	if none, err := st.PointScores(ctx, a.ID+1000); err != nil || len(none) != 0 {
		t.Errorf("PointScores of an unknown assessment = %v, %v; want none", none, err)
	}

	// Creating a score that exists is a Conflict (someone else created it first).
	again := scores[0]
	again.Version, again.Score = 0, ptr(1.0)
	wantKind(t, st.SavePointScore(ctx, &again), ziping.Conflict, "SavePointScore creating a score that exists")

	// Two people edit B2 from version 1: the first wins, the second is refused.
	mine, theirs := norm(scores[0]), norm(scores[0])
	mine.Score, mine.Checked, mine.Triggered, mine.ToConfirm = nil, nil, ptr(true), false
	mine.Justification, mine.UpdatedBy, mine.UpdatedAt = "改为否决", 8, at(4*time.Hour)
	must(t, st.SavePointScore(ctx, &mine), "SavePointScore updating")
	if mine.Version != 2 {
		t.Errorf("SavePointScore updating: Version %d, want 2", mine.Version)
	}
	theirs.Score = ptr(4.0)
	wantKind(t, st.SavePointScore(ctx, &theirs), ziping.Conflict, "SavePointScore with a stale version")
	want[3] = norm(mine)
	got, err = st.PointScores(ctx, a.ID)
	must(t, err, "PointScores after updates")
	diff(t, "PointScores after an update and a stale one", got, want)

	ghost := ziping.PointScore{AssessmentID: a.ID, Side: ziping.SideSelf, Code: "Z9", Version: 1}
	wantKind(t, st.SavePointScore(ctx, &ghost), ziping.NotFound, "SavePointScore updating a missing score")
	lost := ziping.PointScore{AssessmentID: other.ID + 1000, Side: ziping.SideSelf, Code: "A1"}
	wantKind(t, st.SavePointScore(ctx, &lost), ziping.NotFound, "SavePointScore for a missing assessment")
	odd := ziping.PointScore{AssessmentID: a.ID, Side: "peer", Code: "A1"}
	wantKind(t, st.SavePointScore(ctx, &odd), ziping.Invalid, "SavePointScore of an unknown side")
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		nan := ziping.PointScore{AssessmentID: a.ID, Side: ziping.SideSelf, Code: "N1", Score: ptr(bad)}
		wantKind(t, st.SavePointScore(ctx, &nan), ziping.Invalid, label("SavePointScore of score %v", bad))
	}

	// Deleting is optimistic too.
	wantKind(t, st.DeletePointScore(ctx, a.ID, ziping.SideSelf, "B2", 1), ziping.Conflict,
		"DeletePointScore with a stale version")
	must(t, st.DeletePointScore(ctx, a.ID, ziping.SideSelf, "B2", 2), "DeletePointScore")
	wantKind(t, st.DeletePointScore(ctx, a.ID, ziping.SideSelf, "B2", 2), ziping.NotFound,
		"DeletePointScore of a deleted score")
	got, err = st.PointScores(ctx, a.ID)
	must(t, err, "PointScores after deleting")
	diff(t, "PointScores after deleting B2 (self)", got, want[:3])
	// The score of the same code on the other side and the other assessment stay.
	got, err = st.PointScores(ctx, other.ID)
	must(t, err, "PointScores of the other assessment")
	diff(t, "PointScores of the other assessment", got, []ziping.PointScore{norm(scores[4])})

	// A deleted score can be created again, from version 0.
	re := ziping.PointScore{AssessmentID: a.ID, Side: ziping.SideSelf, Code: "B2", Score: ptr(2.0)}
	must(t, st.SavePointScore(ctx, &re), "SavePointScore after deleting")
	if re.Version != 1 {
		t.Errorf("SavePointScore re-creating: Version %d, want 1", re.Version)
	}
}
