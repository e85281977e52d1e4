package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"ziping"
)

// newProblem is an open problem of a at point, its unit, framework and period copied.
func newProblem(a ziping.Assessment, point string) ziping.Problem {
	return ziping.Problem{AssessmentID: a.ID, UnitID: a.UnitID, Framework: a.Framework, Period: a.Period,
		Point: point, Source: ziping.SourceDeduction, Description: "指标 " + point + " 失分",
		Status: ziping.ProblemOpen, CreatedBy: 9, CreatedAt: at(time.Hour), UpdatedAt: at(time.Hour)}
}

// utcDay is midnight UTC of the given day, as a deadline is kept.
func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func testProblems(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	last := newAssessment(tr.countyA1.ID, fwCounty, 2023)
	createAssessment(t, st, &last)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)
	old := newProblem(last, "B2")
	must(t, st.CreateProblem(ctx, &old), "CreateProblem last year")

	p := ziping.Problem{AssessmentID: a.ID, UnitID: a.UnitID, Framework: a.Framework, Period: a.Period,
		Point: "B2", Source: ziping.SourceDeduction, Description: "生均公用经费未按标准拨付",
		Measures: "下一年度预算足额安排", Owner: "区教育局计财科", Deadline: utcDay(2024, 12, 31),
		Status: ziping.ProblemInProgress, Note: "已纳入预算草案", CarriedFrom: old.ID, CreatedBy: 9,
		CreatedAt: at(0), UpdatedAt: at(time.Hour), DataGap: true}
	given := p
	must(t, st.CreateProblem(ctx, &p), "CreateProblem")
	if p.ID <= 0 || p.ID == old.ID || p.Version != 1 {
		t.Fatalf("CreateProblem: ID %d (last year's %d), Version %d; want a new ID and Version 1", p.ID, old.ID, p.Version)
	}
	want := given
	want.ID, want.Version, want.CreatedAt, want.UpdatedAt = p.ID, 1, stored(given.CreatedAt), stored(given.UpdatedAt)
	diff(t, "CreateProblem sets in p", p, want)
	got, err := st.Problem(ctx, p.ID)
	must(t, err, "Problem")
	diff(t, "Problem", *got, want)
	sameTime(t, "Problem.Deadline", got.Deadline, want.Deadline)
	sameTime(t, "Problem.UpdatedAt", got.UpdatedAt, want.UpdatedAt)

	// A finding about nothing in particular, without a deadline, times now.
	before := time.Now().Add(-time.Second)
	finding := ziping.Problem{AssessmentID: a.ID, UnitID: a.UnitID, Framework: a.Framework, Period: a.Period,
		Source: ziping.SourceFinding, Description: "校舍安全隐患排查记录不全", Status: ziping.ProblemOpen}
	must(t, st.CreateProblem(ctx, &finding), "CreateProblem finding")
	got, err = st.Problem(ctx, finding.ID)
	must(t, err, "Problem finding")
	diff(t, "Problem finding", *got, finding)
	if !got.Deadline.IsZero() || got.CreatedAt.Before(before) || got.UpdatedAt.Before(before) {
		t.Errorf("finding: Deadline %v, CreatedAt %v, UpdatedAt %v; want zero, now, now", got.Deadline, got.CreatedAt, got.UpdatedAt)
	}

	// A deadline is a date: what is given becomes midnight UTC of its UTC day.
	dated := newProblem(a, "C1")
	dated.Deadline = time.Date(2025, 6, 30, 15, 4, 5, 6, time.FixedZone("CST", 8*3600)) // 07:04 UTC
	must(t, st.CreateProblem(ctx, &dated), "CreateProblem dated")
	got, err = st.Problem(ctx, dated.ID)
	must(t, err, "Problem dated")
	sameTime(t, "Deadline given with a time of day", got.Deadline, utcDay(2025, 6, 30))
	sameTime(t, "Deadline set in p", dated.Deadline, utcDay(2025, 6, 30))
}

func testProblemErrors(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)
	p := newProblem(a, "B2")
	must(t, st.CreateProblem(ctx, &p), "CreateProblem")

	for _, tc := range []struct {
		name   string
		change func(p *ziping.Problem)
		want   ziping.Kind
	}{
		{"a missing assessment", func(p *ziping.Problem) { p.AssessmentID += 1000 }, ziping.NotFound},
		{"a missing unit", func(p *ziping.Problem) { p.UnitID = tr.school.ID + 1000 }, ziping.NotFound},
		{"a missing problem carried from", func(p *ziping.Problem) { p.CarriedFrom = p.ID + 1000 }, ziping.NotFound},
		{"an unknown status", func(p *ziping.Problem) { p.Status = "closed" }, ziping.Invalid},
		{"an unknown source", func(p *ziping.Problem) { p.Source = "rumour" }, ziping.Invalid},
	} {
		bad := newProblem(a, "C1")
		bad.ID = p.ID
		tc.change(&bad)
		wantKind(t, st.CreateProblem(ctx, &bad), tc.want, "CreateProblem with "+tc.name)
	}
	_, err := st.Problem(ctx, p.ID+1000)
	wantKind(t, err, ziping.NotFound, "Problem of an unknown id")
	ghost := p
	ghost.ID = p.ID + 1000
	wantKind(t, st.UpdateProblem(ctx, &ghost), ziping.NotFound, "UpdateProblem of an unknown id")
	bad := p
	bad.Status = "closed"
	wantKind(t, st.UpdateProblem(ctx, &bad), ziping.Invalid, "UpdateProblem with an unknown status")
	got, err := st.Problem(ctx, p.ID)
	must(t, err, "Problem after refused writes")
	diff(t, "Problem after refused writes", *got, p)
}

func testProblemUpdate(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)
	p := newProblem(a, "B2")
	must(t, st.CreateProblem(ctx, &p), "CreateProblem")
	mine, theirs := p, p

	mine.Point, mine.Source, mine.Description = "B3", ziping.SourceFinding, "改写的描述"
	mine.Measures, mine.Owner, mine.Deadline = "补发经费", "计财科", utcDay(2025, 3, 31)
	mine.Status, mine.Note, mine.CreatedBy, mine.UpdatedAt = ziping.ProblemDone, "已拨付", 8, at(48*time.Hour)
	mine.DataGap = true // marked as missing data (migration 0010)
	written := mine
	// Fields UpdateProblem does not write.
	mine.AssessmentID, mine.UnitID, mine.Framework, mine.Period = a.ID+1000, tr.countyA2.ID, fwCity, 2030
	mine.CreatedAt = at(99 * time.Hour)
	must(t, st.UpdateProblem(ctx, &mine), "UpdateProblem")
	if mine.Version != 2 {
		t.Errorf("UpdateProblem: Version %d, want 2", mine.Version)
	}
	want := written
	want.Version, want.UpdatedAt = 2, stored(written.UpdatedAt)
	got, err := st.Problem(ctx, p.ID)
	must(t, err, "Problem after UpdateProblem")
	diff(t, "Problem after UpdateProblem (assessment, unit, framework, period, CreatedAt unchanged)", *got, want)

	theirs.Status = ziping.ProblemVerified
	wantKind(t, st.UpdateProblem(ctx, &theirs), ziping.Conflict, "UpdateProblem of a stale version")
	if theirs.Version != 1 {
		t.Errorf("a refused UpdateProblem changed Version to %d", theirs.Version)
	}
	got, err = st.Problem(ctx, p.ID)
	must(t, err, "Problem after a stale update")
	diff(t, "Problem after a stale update", *got, want)

	// Clearing the deadline and carrying on from the version read.
	fresh := *got
	fresh.Deadline, fresh.Status = time.Time{}, ziping.ProblemVerified
	must(t, st.UpdateProblem(ctx, &fresh), "UpdateProblem from the version read again")
	got, err = st.Problem(ctx, p.ID)
	must(t, err, "Problem after the third write")
	if got.Version != 3 || !got.Deadline.IsZero() || got.Status != ziping.ProblemVerified {
		t.Errorf("after the third write: Version %d, Deadline %v, Status %q; want 3, zero, verified",
			got.Version, got.Deadline, got.Status)
	}
}

func testProblemsFilter(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	type key struct {
		unit      int64
		framework string
		period    int
	}
	as := map[key]ziping.Assessment{}
	for _, k := range []key{{tr.countyA1.ID, fwCounty, 2024}, {tr.countyA1.ID, fwCounty, 2023},
		{tr.countyB1.ID, fwCounty, 2024}, {tr.cityA.ID, fwCity, 2024}, {tr.countyA2.ID, fwCounty, 2024}} {
		a := newAssessment(k.unit, k.framework, k.period)
		createAssessment(t, st, &a)
		as[k] = a
	}
	var ps []ziping.Problem
	add := func(k key, point, status string) {
		p := newProblem(as[k], point)
		p.Status = status
		must(t, st.CreateProblem(ctx, &p), "CreateProblem")
		ps = append(ps, p)
	}
	add(key{tr.countyB1.ID, fwCounty, 2024}, "A1", ziping.ProblemOpen)       // 0
	add(key{tr.countyA1.ID, fwCounty, 2024}, "B2", ziping.ProblemInProgress) // 1
	add(key{tr.cityA.ID, fwCity, 2024}, "C1", ziping.ProblemDone)            // 2
	add(key{tr.countyA1.ID, fwCounty, 2023}, "B2", ziping.ProblemVerified)   // 3
	add(key{tr.countyA1.ID, fwCounty, 2024}, "A1", ziping.ProblemOpen)       // 4
	add(key{tr.countyA2.ID, fwCounty, 2024}, "A1", ziping.ProblemDone)       // 5
	pick := func(is ...int) []ziping.Problem {
		var out []ziping.Problem
		for _, i := range is {
			out = append(out, ps[i])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    ziping.ProblemQuery
		want []ziping.Problem
	}{
		{"all, by id", ziping.ProblemQuery{}, ps},
		{"subtree", ziping.ProblemQuery{UnitPath: tr.cityA.Path}, pick(1, 2, 3, 4, 5)},
		{"county subtree", ziping.ProblemQuery{UnitPath: tr.countyA1.Path}, pick(1, 3, 4)},
		{"subtree without any", ziping.ProblemQuery{UnitPath: tr.school.Path}, nil},
		{"assessment", ziping.ProblemQuery{AssessmentID: as[key{tr.countyA1.ID, fwCounty, 2024}].ID}, pick(1, 4)},
		{"framework", ziping.ProblemQuery{Framework: fwCity}, pick(2)},
		{"period", ziping.ProblemQuery{Period: 2024}, pick(0, 1, 2, 4, 5)},
		{"statuses", ziping.ProblemQuery{Statuses: []string{ziping.ProblemOpen, ziping.ProblemDone}}, pick(0, 2, 4, 5)},
		{"everything at once", ziping.ProblemQuery{UnitPath: tr.cityA.Path, Framework: fwCounty, Period: 2024,
			Statuses: []string{ziping.ProblemOpen, ziping.ProblemDone}}, pick(4, 5)},
		{"nothing matches", ziping.ProblemQuery{Period: 1999}, nil},
	} {
		got, err := st.Problems(ctx, tc.q)
		must(t, err, "Problems "+tc.name)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		diff(t, "Problems "+tc.name, got, tc.want)
	}
}

// writeAssessment writes through st an assessment with one of everything that
// hangs from it, as the workflow does inside Tx.
func writeAssessment(ctx context.Context, st ziping.Store, unitID int64, file []byte) error {
	a := newAssessment(unitID, fwCounty, 2024)
	if err := st.CreateAssessment(ctx, &a); err != nil {
		return err
	}
	// Reads inside the transaction see its writes.
	if _, err := st.AssessmentFor(ctx, fwCounty, unitID, 2024); err != nil {
		return err
	}
	if err := st.SavePointScore(ctx, &ziping.PointScore{AssessmentID: a.ID, Side: ziping.SideSelf, Code: "A1"}); err != nil {
		return err
	}
	if err := st.CreateEvidence(ctx, &ziping.Evidence{AssessmentID: a.ID, SHA256: hash(file)}, file); err != nil {
		return err
	}
	s := ziping.Snapshot{AssessmentID: a.ID, Stage: ziping.StatusSubmitted, Data: []byte(`{}`)}
	if err := st.CreateSnapshot(ctx, &s); err != nil {
		return err
	}
	a.SnapshotID, a.Status = s.ID, ziping.StatusSubmitted
	if err := st.UpdateAssessment(ctx, &a); err != nil {
		return err
	}
	p := newProblem(a, "A1")
	return st.CreateProblem(ctx, &p)
}

func testAssessmentTx(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	file := []byte("rolled back")
	errStop := errors.New("stop")
	err := st.Tx(ctx, func(tx ziping.Store) error {
		if err := writeAssessment(ctx, tx, tr.countyA1.ID, file); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Tx = %v, want the error fn returned", err)
	}
	if as, err := st.Assessments(ctx, ziping.AssessmentQuery{}); err != nil || len(as) != 0 {
		t.Errorf("Assessments after a rolled-back Tx = %v, %v; want none", as, err)
	}
	if ps, err := st.Problems(ctx, ziping.ProblemQuery{}); err != nil || len(ps) != 0 {
		t.Errorf("Problems after a rolled-back Tx = %v, %v; want none", ps, err)
	}
	_, err = st.EvidenceFile(ctx, hash(file))
	wantKind(t, err, ziping.NotFound, "EvidenceFile kept in a rolled-back Tx")

	must(t, st.Tx(ctx, func(tx ziping.Store) error { return writeAssessment(ctx, tx, tr.countyA1.ID, file) }), "Tx")
	as, err := st.Assessments(ctx, ziping.AssessmentQuery{})
	must(t, err, "Assessments after a committed Tx")
	if len(as) != 1 || as[0].Version != 2 || as[0].SnapshotID == 0 {
		t.Fatalf("Assessments after a committed Tx = %+v, want one at version 2 with a snapshot", as)
	}
	scores, err := st.PointScores(ctx, as[0].ID)
	must(t, err, "PointScores")
	evidence, err := st.EvidenceOf(ctx, as[0].ID)
	must(t, err, "EvidenceOf")
	snaps, err := st.Snapshots(ctx, as[0].ID)
	must(t, err, "Snapshots")
	problems, err := st.Problems(ctx, ziping.ProblemQuery{AssessmentID: as[0].ID})
	must(t, err, "Problems")
	if len(scores) != 1 || len(evidence) != 1 || len(snaps) != 1 || len(problems) != 1 || snaps[0].ID != as[0].SnapshotID {
		t.Errorf("after a committed Tx: %d scores, %d evidence, %d snapshots (%v, assessment names %d), %d problems; want 1 each",
			len(scores), len(evidence), len(snaps), snaps, as[0].SnapshotID, len(problems))
	}
}
