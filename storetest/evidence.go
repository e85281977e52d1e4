package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"ziping"
)

// hash is the hex SHA-256 of data, as evidence names its file.
func hash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

func testEvidence(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)
	next := newAssessment(tr.countyA1.ID, fwCounty, 2025)
	createAssessment(t, st, &next)
	prob := newProblem(a, "B2")
	must(t, st.CreateProblem(ctx, &prob), "CreateProblem")

	pdf := []byte("%PDF-1.7 南政办发〔2018〕97号 \x00\xff binary")
	sum := hash(pdf)
	first := ziping.Evidence{AssessmentID: a.ID, Point: "B2", Title: "关于进一步加强教育工作的通知",
		DocNumber: "南政办发〔2018〕97号", Period: 2018, FileName: "通知.pdf", ContentType: "application/pdf",
		Size: 1, SHA256: sum, CreatedBy: 7, CreatedAt: at(time.Hour)}
	given := first
	must(t, st.CreateEvidence(ctx, &first, pdf), "CreateEvidence")
	if first.ID <= 0 {
		t.Fatalf("CreateEvidence: ID %d", first.ID)
	}
	want := given
	want.ID, want.Size, want.CreatedAt = first.ID, int64(len(pdf)), stored(given.CreatedAt)
	diff(t, "CreateEvidence sets in e (Size is the file's)", first, want)
	got, err := st.Evidence(ctx, first.ID)
	must(t, err, "Evidence")
	diff(t, "Evidence", *got, want)
	sameTime(t, "Evidence.CreatedAt", got.CreatedAt, want.CreatedAt)

	// The same bytes again, for a problem: a second link, the file kept once.
	second := ziping.Evidence{AssessmentID: a.ID, ProblemID: prob.ID, Title: "整改报告", FileName: "报告.pdf",
		ContentType: "application/pdf", SHA256: sum, CreatedAt: at(2 * time.Hour)}
	must(t, st.CreateEvidence(ctx, &second, bytes.Clone(pdf)), "CreateEvidence of the same file")
	// Next year's copy links to the kept file without sending it.
	copied := first
	copied.ID, copied.AssessmentID, copied.ToConfirm, copied.Size = 0, next.ID, true, 0
	must(t, st.CreateEvidence(ctx, &copied, nil), "CreateEvidence linking to a kept file")
	if copied.Size != int64(len(pdf)) || copied.ID == first.ID {
		t.Errorf("CreateEvidence linking: ID %d, Size %d; want a new ID and %d", copied.ID, copied.Size, len(pdf))
	}
	list, err := st.EvidenceOf(ctx, a.ID)
	must(t, err, "EvidenceOf")
	second.CreatedAt = stored(second.CreatedAt)
	diff(t, "EvidenceOf (by id)", list, []ziping.Evidence{want, second})
	list, err = st.EvidenceOf(ctx, next.ID)
	must(t, err, "EvidenceOf next year")
	diff(t, "EvidenceOf next year", list, []ziping.Evidence{copied})
	data, err := st.EvidenceFile(ctx, sum)
	must(t, err, "EvidenceFile")
	if !bytes.Equal(data, pdf) {
		t.Errorf("EvidenceFile = %q, want %q", data, pdf)
	}

	// Deleting a link keeps the file for the others and for a later link.
	must(t, st.DeleteEvidence(ctx, first.ID), "DeleteEvidence")
	_, err = st.Evidence(ctx, first.ID)
	wantKind(t, err, ziping.NotFound, "Evidence after DeleteEvidence")
	wantKind(t, st.DeleteEvidence(ctx, first.ID), ziping.NotFound, "DeleteEvidence twice")
	must(t, st.DeleteEvidence(ctx, second.ID), "DeleteEvidence of the second link")
	must(t, st.DeleteEvidence(ctx, copied.ID), "DeleteEvidence of the copy")
	if data, err := st.EvidenceFile(ctx, sum); err != nil || !bytes.Equal(data, pdf) {
		t.Errorf("EvidenceFile after deleting every link = %q, %v; want the file", data, err)
	}
	relink := ziping.Evidence{AssessmentID: a.ID, FileName: "again.pdf", SHA256: sum}
	must(t, st.CreateEvidence(ctx, &relink, nil), "CreateEvidence linking after the links were deleted")
	list, err = st.EvidenceOf(ctx, a.ID)
	must(t, err, "EvidenceOf after deleting")
	if len(list) != 1 || list[0].ID != relink.ID || list[0].Size != int64(len(pdf)) {
		t.Errorf("EvidenceOf after deleting = %+v, want only the new link", list)
	}
	if none, err := st.EvidenceOf(ctx, next.ID+1000); err != nil || len(none) != 0 {
		t.Errorf("EvidenceOf an unknown assessment = %v, %v; want none", none, err)
	}

	// An empty file is a file.
	empty := ziping.Evidence{AssessmentID: a.ID, FileName: "empty.txt", SHA256: hash(nil)}
	must(t, st.CreateEvidence(ctx, &empty, []byte{}), "CreateEvidence of an empty file")
	if data, err := st.EvidenceFile(ctx, hash(nil)); err != nil || len(data) != 0 || empty.Size != 0 {
		t.Errorf("EvidenceFile of an empty file = %q, %v (Size %d); want empty", data, err, empty.Size)
	}
}

func testEvidenceErrors(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)
	doc := []byte("文件内容")

	unknown := ziping.Evidence{AssessmentID: a.ID, FileName: "x.pdf", SHA256: hash([]byte("never kept"))}
	wantKind(t, st.CreateEvidence(ctx, &unknown, nil), ziping.NotFound, "CreateEvidence linking to no kept file")
	lost := ziping.Evidence{AssessmentID: a.ID + 1000, FileName: "x.pdf", SHA256: hash(doc)}
	wantKind(t, st.CreateEvidence(ctx, &lost, doc), ziping.NotFound, "CreateEvidence for a missing assessment")
	// Refused writes keep nothing, not even the file.
	_, err := st.EvidenceFile(ctx, hash(doc))
	wantKind(t, err, ziping.NotFound, "EvidenceFile of a file whose evidence was refused")
	noProblem := ziping.Evidence{AssessmentID: a.ID, ProblemID: 1000, FileName: "x.pdf", SHA256: hash(doc)}
	wantKind(t, st.CreateEvidence(ctx, &noProblem, doc), ziping.NotFound, "CreateEvidence for a missing problem")
	wrong := ziping.Evidence{AssessmentID: a.ID, FileName: "x.pdf", SHA256: hash([]byte("other"))}
	wantKind(t, st.CreateEvidence(ctx, &wrong, doc), ziping.Invalid, "CreateEvidence of data with another hash")

	_, err = st.Evidence(ctx, 1000)
	wantKind(t, err, ziping.NotFound, "Evidence of an unknown id")
	wantKind(t, st.DeleteEvidence(ctx, 1000), ziping.NotFound, "DeleteEvidence of an unknown id")
	_, err = st.EvidenceFile(ctx, hash([]byte("never kept")))
	wantKind(t, err, ziping.NotFound, "EvidenceFile of an unknown hash")
}

func testSnapshots(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	a := newAssessment(tr.countyA1.ID, fwCounty, 2024)
	createAssessment(t, st, &a)
	other := newAssessment(tr.countyA2.ID, fwCounty, 2024)
	createAssessment(t, st, &other)

	// Created with times out of order: oldest first means in the order written.
	snaps := []ziping.Snapshot{
		{AssessmentID: a.ID, Stage: ziping.StatusSubmitted, Round: 1, Data: []byte(`{"scores":{"A1":3}}`),
			CreatedBy: 7, CreatedAt: at(2 * time.Hour)},
		{AssessmentID: other.ID, Stage: ziping.StatusSubmitted, Round: 1, Data: []byte(`{}`), CreatedAt: at(0)},
		{AssessmentID: a.ID, Stage: ziping.StatusReviewed, Round: 1, Data: []byte(`{"scores":{"A1":2.5}}`),
			CreatedBy: 9, CreatedAt: at(3 * time.Hour)},
	}
	for i := range snaps {
		given := snaps[i].CreatedAt
		must(t, st.CreateSnapshot(ctx, &snaps[i]), "CreateSnapshot")
		if snaps[i].ID <= 0 || snaps[i].CreatedAt != stored(given) {
			t.Errorf("CreateSnapshot: ID %d, CreatedAt %v; want an ID and %v", snaps[i].ID, snaps[i].CreatedAt, stored(given))
		}
	}
	got, err := st.Snapshot(ctx, snaps[2].ID)
	must(t, err, "Snapshot")
	diff(t, "Snapshot (with Data)", *got, snaps[2])
	sameTime(t, "Snapshot.CreatedAt", got.CreatedAt, snaps[2].CreatedAt)

	noData := func(s ziping.Snapshot) ziping.Snapshot { s.Data = nil; return s }
	list, err := st.Snapshots(ctx, a.ID)
	must(t, err, "Snapshots")
	diff(t, "Snapshots (without Data, oldest first)", list, []ziping.Snapshot{noData(snaps[0]), noData(snaps[2])})
	if none, err := st.Snapshots(ctx, a.ID+1000); err != nil || len(none) != 0 {
		t.Errorf("Snapshots of an unknown assessment = %v, %v; want none", none, err)
	}

	_, err = st.Snapshot(ctx, snaps[2].ID+1000)
	wantKind(t, err, ziping.NotFound, "Snapshot of an unknown id")
	lost := ziping.Snapshot{AssessmentID: a.ID + 1000, Stage: ziping.StatusSubmitted, Data: []byte(`{}`)}
	wantKind(t, st.CreateSnapshot(ctx, &lost), ziping.NotFound, "CreateSnapshot for a missing assessment")
	odd := ziping.Snapshot{AssessmentID: a.ID, Stage: "archived", Data: []byte(`{}`)}
	wantKind(t, st.CreateSnapshot(ctx, &odd), ziping.Invalid, "CreateSnapshot of an unknown stage")

	before := time.Now().Add(-time.Second)
	now := ziping.Snapshot{AssessmentID: a.ID, Stage: ziping.StatusPublished, Round: 1, Data: []byte(`{}`)}
	must(t, st.CreateSnapshot(ctx, &now), "CreateSnapshot without CreatedAt")
	if now.CreatedAt.Before(before) || now.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedAt of a snapshot created without one = %v, want now", now.CreatedAt)
	}
}
