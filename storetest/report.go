package storetest

import (
	"errors"
	"testing"
	"time"

	"ziping"
)

func testReportDrafts(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)
	other := newAssessment(tr.countyA2.ID, fwCounty, 2024)
	createAssessment(t, st, &other)

	_, err := st.ReportDraft(ctx, a.ID)
	wantKind(t, err, ziping.NotFound, "ReportDraft before the first save")

	r := ziping.ReportDraft{AssessmentID: a.ID, Narrative: []byte("# 自评报告\n\n生均经费 {{B2.value}} 元。\n"),
		Generated: "## 存在问题\n\n1. 指标 B2 失分\n", UpdatedBy: 7, UpdatedAt: at(time.Hour)}
	given := r
	must(t, st.SaveReportDraft(ctx, &r), "SaveReportDraft creating")
	want := given
	want.Version, want.UpdatedAt = 1, stored(given.UpdatedAt)
	diff(t, "SaveReportDraft creating sets in r", r, want)
	got, err := st.ReportDraft(ctx, a.ID)
	must(t, err, "ReportDraft")
	diff(t, "ReportDraft", *got, want)
	sameTime(t, "ReportDraft.UpdatedAt", got.UpdatedAt, want.UpdatedAt)

	// Another assessment's draft is its own; empty fields and a zero time.
	before := time.Now().Add(-time.Second)
	bare := ziping.ReportDraft{AssessmentID: other.ID, Narrative: []byte{}}
	must(t, st.SaveReportDraft(ctx, &bare), "SaveReportDraft bare")
	got, err = st.ReportDraft(ctx, other.ID)
	must(t, err, "ReportDraft bare")
	if got.Narrative != nil || got.Generated != "" || got.UpdatedBy != 0 || got.Version != 1 {
		t.Errorf("bare draft: Narrative %q, Generated %q, UpdatedBy %d, Version %d; want nil, \"\", 0, 1",
			got.Narrative, got.Generated, got.UpdatedBy, got.Version)
	}
	if got.UpdatedAt.Before(before) || got.UpdatedAt != bare.UpdatedAt {
		t.Errorf("UpdatedAt of a draft saved without one = %v (in r: %v), want now", got.UpdatedAt, bare.UpdatedAt)
	}
	got, err = st.ReportDraft(ctx, a.ID)
	must(t, err, "ReportDraft after saving another's")
	diff(t, "ReportDraft after saving another assessment's", *got, want)

	// Creating a draft that exists is a Conflict (someone else created it first).
	again := given
	again.Narrative = []byte("另一份")
	wantKind(t, st.SaveReportDraft(ctx, &again), ziping.Conflict, "SaveReportDraft creating a draft that exists")
	got, err = st.ReportDraft(ctx, a.ID)
	must(t, err, "ReportDraft after creating twice")
	diff(t, "ReportDraft after a refused second create", *got, want)

	// Two people edit from version 1: the first wins, the second is refused.
	mine, theirs := want, want
	mine.Narrative, mine.Generated, mine.UpdatedBy, mine.UpdatedAt = []byte("# 自评报告（修订）\n"), "", 8, at(2*time.Hour)
	must(t, st.SaveReportDraft(ctx, &mine), "SaveReportDraft updating")
	if mine.Version != 2 {
		t.Errorf("SaveReportDraft updating: Version %d, want 2", mine.Version)
	}
	want = mine
	want.UpdatedAt = stored(mine.UpdatedAt)
	got, err = st.ReportDraft(ctx, a.ID)
	must(t, err, "ReportDraft after an update")
	diff(t, "ReportDraft after an update", *got, want)
	theirs.Narrative = []byte("我的版本")
	wantKind(t, st.SaveReportDraft(ctx, &theirs), ziping.Conflict, "SaveReportDraft with a stale version")
	got, err = st.ReportDraft(ctx, a.ID)
	must(t, err, "ReportDraft after a stale update")
	diff(t, "ReportDraft after a stale update", *got, want)

	// An update may empty the narrative: it comes back nil.
	cleared := want
	cleared.Narrative, cleared.UpdatedAt = []byte{}, time.Time{}
	must(t, st.SaveReportDraft(ctx, &cleared), "SaveReportDraft clearing")
	got, err = st.ReportDraft(ctx, a.ID)
	must(t, err, "ReportDraft after clearing")
	if got.Narrative != nil || got.Version != 3 || cleared.Version != 3 || got.UpdatedAt != cleared.UpdatedAt {
		t.Errorf("after clearing: Narrative %q, Version %d (in r: %d), UpdatedAt %v (in r: %v); want nil, 3, 3, the same",
			got.Narrative, got.Version, cleared.Version, got.UpdatedAt, cleared.UpdatedAt)
	}

	lost := ziping.ReportDraft{AssessmentID: other.ID + 1000, Narrative: []byte("x")}
	wantKind(t, st.SaveReportDraft(ctx, &lost), ziping.NotFound, "SaveReportDraft for a missing assessment")
	_, err = st.ReportDraft(ctx, lost.AssessmentID)
	wantKind(t, err, ziping.NotFound, "ReportDraft of a missing assessment")
	third := newAssessment(tr.countyB1.ID, fwCounty, 2024)
	createAssessment(t, st, &third)
	ghost := ziping.ReportDraft{AssessmentID: third.ID, Version: 1}
	wantKind(t, st.SaveReportDraft(ctx, &ghost), ziping.NotFound, "SaveReportDraft updating a missing draft")
	_, err = st.ReportDraft(ctx, third.ID)
	wantKind(t, err, ziping.NotFound, "ReportDraft after a refused update of a missing draft")
}

func testReportDraftTx(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)

	errStop := errors.New("stop")
	err := st.Tx(ctx, func(tx ziping.Store) error {
		r := ziping.ReportDraft{AssessmentID: a.ID, Narrative: []byte("rolled back")}
		if err := tx.SaveReportDraft(ctx, &r); err != nil {
			return err
		}
		if _, err := tx.ReportDraft(ctx, a.ID); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Tx = %v, want the error fn returned", err)
	}
	_, err = st.ReportDraft(ctx, a.ID)
	wantKind(t, err, ziping.NotFound, "ReportDraft saved in a rolled-back Tx")

	// A refused save inside a Tx leaves it usable.
	err = st.Tx(ctx, func(tx ziping.Store) error {
		r := ziping.ReportDraft{AssessmentID: a.ID, Narrative: []byte("kept")}
		if err := tx.SaveReportDraft(ctx, &r); err != nil {
			return err
		}
		dup := ziping.ReportDraft{AssessmentID: a.ID}
		wantKind(t, tx.SaveReportDraft(ctx, &dup), ziping.Conflict, "SaveReportDraft creating twice in a Tx")
		r.Generated = "after the conflict"
		return tx.SaveReportDraft(ctx, &r)
	})
	must(t, err, "Tx")
	got, err := st.ReportDraft(ctx, a.ID)
	must(t, err, "ReportDraft after a committed Tx")
	if string(got.Narrative) != "kept" || got.Generated != "after the conflict" || got.Version != 2 {
		t.Errorf("after a committed Tx: Narrative %q, Generated %q, Version %d; want kept, after the conflict, 2",
			got.Narrative, got.Generated, got.Version)
	}
}
