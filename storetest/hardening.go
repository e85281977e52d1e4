package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"ziping"
)

// The store side of issue 9: writes that cannot move a school, batches invisible
// until done, sign-in counters kept atomically, jobs and uploads.

// testOwnerNeverChanges: a batch whose row names another unit for a school stored
// under one is Conflict, leaves nothing behind, and the row keeps its unit. (Before
// issue 9 the upsert moved the row: a county's filler could take another county's
// school.)
func testOwnerNeverChanges(t *testing.T, st ziping.Store) {
	tr := newTree(t, st)
	importBatch(t, st, []ziping.SchoolRecord{school(tr.countyA1.ID, "3301020001", "初中", "杭州第一中学", 1200)}, nil)
	version, err := st.DataVersion(t.Context())
	must(t, err, "DataVersion")
	stolen := school(tr.countyA2.ID, "3301020001", "初中", "杭州第一中学", 1)
	b := ziping.Batch{Period: 2023, File: "偷.xlsx"}
	wantKind(t, st.CreateBatch(t.Context(), &b, []ziping.SchoolRecord{stolen}, nil), ziping.Conflict, "a row moving a school to another unit")
	rows := allSchools(t, st, tr, 2023)
	if len(rows) != 1 || rows[0].UnitID != tr.countyA1.ID || rows[0].Values["students"] != 1200 {
		t.Errorf("after the refused move: %+v; want the school in 上城区 with 1200 students", rows)
	}
	if v, err := st.DataVersion(t.Context()); err != nil || v != version {
		t.Errorf("DataVersion after a refused batch = %d, %v; want %d", v, err, version)
	}
	owners, err := st.SchoolOwners(t.Context(), []string{"3301020001", "3301030009", "nosuch"})
	must(t, err, "SchoolOwners")
	diff(t, "SchoolOwners", owners, map[string]int64{"3301020001": tr.countyA1.ID})
}

// testChunkedBatch: a batch written in chunks is invisible until FinishBatch, then
// replaces the older versions; pruning deletes them for good.
func testChunkedBatch(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	importBatch(t, st, []ziping.SchoolRecord{
		school(tr.countyA1.ID, "3301020001", "初中", "旧一中", 100),
		school(tr.countyA1.ID, "3301020002", "小学", "旧二小", 200),
	}, []ziping.FactRecord{fact(tr.countyA1.ID, 10)})
	v0, err := st.DataVersion(ctx)
	must(t, err, "DataVersion")
	b := &ziping.Batch{Period: 2023, File: "新.xlsx", UploadID: "0123456789abcdef0123456789abcdef"}
	must(t, st.BeginBatch(ctx, b), "BeginBatch")
	must(t, st.WriteBatchRows(ctx, b, []ziping.SchoolRecord{school(tr.countyA1.ID, "3301020001", "初中", "新一中", 111)}), "chunk 1")
	must(t, st.WriteBatchRows(ctx, b, []ziping.SchoolRecord{school(tr.countyA1.ID, "3301020003", "小学", "新三小", 333)}), "chunk 2")
	names := func() []string {
		var out []string
		for _, r := range allSchools(t, st, tr, 2023) {
			out = append(out, r.Name)
		}
		return out
	}
	diff(t, "rows while the batch is pending", names(), []string{"旧一中", "旧二小"})
	if v, _ := st.DataVersion(ctx); v != v0 {
		t.Errorf("DataVersion moved to %d while pending; want %d", v, v0)
	}
	if got, err := st.BatchesOfUpload(ctx, b.UploadID); err != nil || len(got) != 0 {
		t.Errorf("BatchesOfUpload of a pending batch = %v, %v; want none", got, err)
	}
	must(t, st.Tx(ctx, func(tx ziping.Store) error {
		return tx.FinishBatch(ctx, b, []ziping.FactRecord{fact(tr.countyA1.ID, 20)})
	}), "FinishBatch")
	if b.State != ziping.BatchDone || b.Schools != 2 || b.Facts != 1 {
		t.Errorf("finished batch %+v; want done with 2 schools and 1 fact", b)
	}
	diff(t, "rows once done", names(), []string{"新一中", "旧二小", "新三小"})
	if v, _ := st.DataVersion(ctx); v <= v0 {
		t.Errorf("DataVersion after FinishBatch = %d; want > %d", v, v0)
	}
	if got, err := st.BatchesOfUpload(ctx, b.UploadID); err != nil || len(got) != 1 || got[0].ID != b.ID {
		t.Errorf("BatchesOfUpload = %+v, %v; want the batch", got, err)
	}
	wantKind(t, st.Tx(ctx, func(tx ziping.Store) error { return tx.FinishBatch(ctx, b, nil) }), ziping.Conflict, "FinishBatch twice")
	// Prune in steps of one row: the older version of 3301020001 goes.
	var key ziping.SchoolKey
	for range 10 {
		next, more, err := st.PruneBatch(ctx, b.ID, key, 1)
		must(t, err, "PruneBatch")
		if !more {
			break
		}
		key = next
	}
	diff(t, "rows after pruning", names(), []string{"新一中", "旧二小", "新三小"})
	_, n, err := st.Schools(ctx, ziping.SchoolQuery{UnitIDs: tr.counties()})
	must(t, err, "Schools")
	if n != 3 {
		t.Errorf("%d rows after pruning; want 3", n)
	}
	all, _, err := st.Schools(ctx, ziping.SchoolQuery{UnitIDs: tr.counties(), Search: "旧一中"})
	must(t, err, "Schools")
	if len(all) != 0 {
		t.Errorf("the superseded version is still found: %+v", all)
	}
}

// testAbandonedBatch: an abandoned batch is never seen, cannot be finished, and its
// rows are pruned; a stale pending batch is abandoned by AbandonStaleBatches.
func testAbandonedBatch(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	b := &ziping.Batch{Period: 2023, File: "半.xlsx"}
	must(t, st.BeginBatch(ctx, b), "BeginBatch")
	must(t, st.WriteBatchRows(ctx, b, []ziping.SchoolRecord{school(tr.countyA1.ID, "3301020001", "初中", "半截", 1)}), "WriteBatchRows")
	ids, err := st.AbandonStaleBatches(ctx, time.Now().Add(-time.Hour))
	must(t, err, "AbandonStaleBatches")
	if len(ids) != 0 {
		t.Errorf("a batch written just now was taken for dead: %v", ids)
	}
	ids, err = st.AbandonStaleBatches(ctx, time.Now().Add(time.Hour))
	must(t, err, "AbandonStaleBatches")
	diff(t, "abandoned", ids, []int64{b.ID})
	wantKind(t, st.WriteBatchRows(ctx, b, []ziping.SchoolRecord{school(tr.countyA1.ID, "3301020002", "小学", "晚", 1)}), ziping.Conflict, "writing to an abandoned batch")
	wantKind(t, st.Tx(ctx, func(tx ziping.Store) error { return tx.FinishBatch(ctx, b, nil) }), ziping.Conflict, "finishing an abandoned batch")
	if rows := allSchools(t, st, tr, 2023); len(rows) != 0 {
		t.Errorf("rows of an abandoned batch are seen: %+v", rows)
	}
	for {
		_, more, err := st.PruneBatch(ctx, b.ID, ziping.SchoolKey{}, 1)
		must(t, err, "PruneBatch")
		if !more {
			break
		}
	}
	// Nothing is left: the same school can be imported under another unit now.
	importBatch(t, st, []ziping.SchoolRecord{school(tr.countyA2.ID, "3301020001", "初中", "西湖一中", 5)}, nil)
}

// testMoveSchool: MoveSchool moves the school unit and every row of the code.
func testMoveSchool(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	importBatch(t, st, []ziping.SchoolRecord{school(tr.countyA1.ID, "3301020001", "初中", "杭州第一中学", 1200)}, nil)
	n, err := st.MoveSchool(ctx, "3301020001", &tr.countyA2)
	must(t, err, "MoveSchool")
	if n != 1 {
		t.Errorf("MoveSchool moved %d rows; want 1", n)
	}
	u, err := st.UnitByCode(ctx, "3301020001")
	must(t, err, "UnitByCode")
	if u.ParentID != tr.countyA2.ID || u.Path != fmt.Sprintf("%s%d/", tr.countyA2.Path, u.ID) {
		t.Errorf("moved school unit %+v; want under 西湖区 (%s)", u, tr.countyA2.Path)
	}
	rows := allSchools(t, st, tr, 2023)
	if len(rows) != 1 || rows[0].UnitID != tr.countyA2.ID {
		t.Errorf("rows after the move: %+v", rows)
	}
	_, err = st.MoveSchool(ctx, "9999999999", &tr.countyA2)
	wantKind(t, err, ziping.NotFound, "moving no school")
}

// testLoginCounters: 40 concurrent wrong passwords are every one counted: the
// account locks (before issue 9 they all read 0 and wrote 1). A device counter is
// apart from the account's; AdmitLogin refuses a locked counter and a disabled user.
func testLoginCounters(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	u := &ziping.User{Username: "admin", Name: "管理员", PasswordHash: "x", Role: ziping.RoleAdmin}
	must(t, st.CreateUser(ctx, u), "CreateUser")
	now := time.Now()
	lock := now.Add(15 * time.Minute)
	var wg sync.WaitGroup
	locks := make(chan ziping.LoginCount, 40)
	for range 40 {
		wg.Go(func() {
			c, err := st.FailLogin(ctx, u.ID, "", 5, lock)
			if err != nil {
				t.Error(err)
			}
			locks <- c
		})
	}
	wg.Wait()
	close(locks)
	locked := 0
	for c := range locks {
		if !c.LockedUntil.IsZero() && c.Failed == 0 {
			locked++
		}
	}
	// 40 failures with a lock at every 5th: the 5th, 10th, …, 40th return a fresh lock.
	if locked != 8 {
		t.Errorf("%d of 40 concurrent failures returned a fresh lock; want 8 (every 5th)", locked)
	}
	got, err := st.User(ctx, u.ID)
	must(t, err, "User")
	if !got.LockedUntil.After(now) {
		t.Errorf("after 40 wrong passwords the account is not locked: %+v", got)
	}
	if ok, err := st.AdmitLogin(ctx, u.ID, "", now); err != nil || ok {
		t.Errorf("AdmitLogin of a locked account = %v, %v; want false", ok, err)
	}
	// A device of its own: not held by the account's lock until it fails 5 times.
	const dev = "00112233445566778899aabbccddeeff"
	if l, err := st.DeviceLock(ctx, dev); err != nil || !l.IsZero() {
		t.Errorf("DeviceLock of a new device = %v, %v", l, err)
	}
	if ok, err := st.AdmitLogin(ctx, u.ID, dev, now); err != nil || !ok {
		t.Errorf("AdmitLogin of a trusted device while the account is locked = %v, %v; want true", ok, err)
	}
	for range 5 {
		_, err := st.FailLogin(ctx, u.ID, dev, 5, lock)
		must(t, err, "FailLogin device")
	}
	if l, err := st.DeviceLock(ctx, dev); err != nil || !l.After(now) {
		t.Errorf("DeviceLock after 5 failures = %v, %v; want locked", l, err)
	}
	if ok, err := st.AdmitLogin(ctx, u.ID, dev, now); err != nil || ok {
		t.Errorf("AdmitLogin of a locked device = %v, %v; want false", ok, err)
	}
	if ok, err := st.AdmitLogin(ctx, u.ID, "", lock.Add(time.Second)); err != nil || !ok {
		t.Errorf("AdmitLogin once the lock has passed = %v, %v; want true", ok, err)
	}
	got.Disabled = true
	must(t, st.UpdateUser(ctx, got), "UpdateUser")
	if ok, err := st.AdmitLogin(ctx, u.ID, "", lock.Add(time.Second)); err != nil || ok {
		t.Errorf("AdmitLogin of a disabled user = %v, %v; want false", ok, err)
	}
}

// testUserSessions: DeleteUserSessions ends every session of a user but one.
func testUserSessions(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	u := &ziping.User{Username: "li", Name: "李", PasswordHash: "x", Role: ziping.RoleAdmin}
	other := &ziping.User{Username: "wang", Name: "王", PasswordHash: "x", Role: ziping.RoleAdmin}
	must(t, st.CreateUser(ctx, u), "CreateUser")
	must(t, st.CreateUser(ctx, other), "CreateUser")
	exp := time.Now().Add(time.Hour)
	for i, uid := range []int64{u.ID, u.ID, u.ID, other.ID} {
		must(t, st.CreateSession(ctx, &ziping.Session{TokenHash: fmt.Sprintf("h%d", i), UserID: uid, CSRF: "c", ExpiresAt: exp}), "CreateSession")
	}
	n, err := st.DeleteUserSessions(ctx, u.ID, "h1")
	if err != nil || n != 2 {
		t.Errorf("DeleteUserSessions = %d, %v; want 2", n, err)
	}
	for h, want := range map[string]bool{"h0": false, "h1": true, "h2": false, "h3": true} {
		_, err := st.Session(ctx, h)
		if (err == nil) != want {
			t.Errorf("session %s exists: %v; want %v", h, err == nil, want)
		}
	}
}

// testJobs: a job is claimed once until its lease ends (extended by the runner's
// heartbeat), released for a retry, deleted when done.
func testJobs(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	now := time.Now()
	_, err := st.ClaimJob(ctx, now, now.Add(time.Minute))
	wantKind(t, err, ziping.NotFound, "ClaimJob with no job")
	a, b := &ziping.Job{Kind: "recompute", Payload: `{"a":1}`}, &ziping.Job{Kind: "prune", Payload: `{"b":2}`}
	must(t, st.Tx(ctx, func(tx ziping.Store) error { return tx.EnqueueJob(ctx, a) }), "EnqueueJob")
	must(t, st.EnqueueJob(ctx, b), "EnqueueJob")
	j, err := st.ClaimJob(ctx, now, now.Add(time.Minute))
	must(t, err, "ClaimJob")
	if j.ID != a.ID || j.Attempts != 1 || j.Payload != `{"a":1}` {
		t.Errorf("first claim %+v; want job a, attempt 1", j)
	}
	j2, err := st.ClaimJob(ctx, now, now.Add(time.Minute))
	must(t, err, "ClaimJob")
	if j2.ID != b.ID {
		t.Errorf("second claim %+v; want job b (a is held)", j2)
	}
	_, err = st.ClaimJob(ctx, now, now.Add(time.Minute))
	wantKind(t, err, ziping.NotFound, "ClaimJob while both are held")
	must(t, st.ReleaseJob(ctx, a.ID, now, "失败"), "ReleaseJob")
	j, err = st.ClaimJob(ctx, now.Add(time.Second), now.Add(time.Minute))
	must(t, err, "ClaimJob after release")
	if j.ID != a.ID || j.Attempts != 2 || j.LastError != "失败" {
		t.Errorf("claim after release %+v", j)
	}
	// A runner's heartbeat keeps the job past its first lease …
	must(t, st.ExtendJob(ctx, a.ID, now.Add(2*time.Minute)), "ExtendJob")
	j, err = st.ClaimJob(ctx, now.Add(90*time.Second), now.Add(3*time.Minute))
	must(t, err, "ClaimJob after b's lease")
	if j.ID != b.ID {
		t.Errorf("claim at 90 s: %+v; want b (a's lease was extended)", j)
	}
	// … and a runner that died: its lease runs out and another takes the job.
	j, err = st.ClaimJob(ctx, now.Add(2*time.Minute+time.Second), now.Add(3*time.Minute))
	must(t, err, "ClaimJob after the lease")
	if j.ID != a.ID {
		t.Errorf("claim after the lease ran out: %+v", j)
	}
	must(t, st.DeleteJob(ctx, a.ID), "DeleteJob")
	wantKind(t, st.DeleteJob(ctx, a.ID), ziping.NotFound, "DeleteJob twice")
	jobs, err := st.Jobs(ctx)
	must(t, err, "Jobs")
	if len(jobs) != 1 || jobs[0].ID != b.ID {
		t.Errorf("Jobs = %+v; want b", jobs)
	}
}

// testUploads: an upload is kept whole, consumed once, counted against its user.
func testUploads(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	now := time.Now()
	u := &ziping.Upload{ID: "0123456789abcdef0123456789abcdef", SessionHash: "s", UserID: 7, Unit: "330102", Name: "学校.xlsx",
		Period: 2024, SHA256: "x", Data: []byte("PK\x03\x04 data"), CreatedAt: now}
	must(t, st.SaveUpload(ctx, u), "SaveUpload")
	wantKind(t, st.SaveUpload(ctx, u), ziping.Conflict, "SaveUpload twice")
	got, err := st.Upload(ctx, u.ID)
	must(t, err, "Upload")
	if string(got.Data) != string(u.Data) || got.Size != int64(len(u.Data)) || got.Period != 2024 || !got.ConsumedAt.IsZero() {
		t.Errorf("Upload = %+v", got)
	}
	n, bytes, err := st.UploadUsage(ctx, 7, now.Add(-time.Minute))
	if err != nil || n != 1 || bytes != int64(len(u.Data)) {
		t.Errorf("UploadUsage = %d, %d, %v", n, bytes, err)
	}
	var first, second bool
	must(t, st.Tx(ctx, func(tx ziping.Store) error { first, err = tx.ConsumeUpload(ctx, u.ID, now); return err }), "ConsumeUpload")
	second, err = st.ConsumeUpload(ctx, u.ID, now)
	if !first || second || err != nil {
		t.Errorf("ConsumeUpload twice = %v, %v, %v; want true then false", first, second, err)
	}
	got, err = st.Upload(ctx, u.ID)
	must(t, err, "Upload after consume")
	if got.Data != nil || got.ConsumedAt.IsZero() {
		t.Errorf("consumed upload still has its data or no time: %+v", got)
	}
	if n, _, _ := st.UploadUsage(ctx, 7, now.Add(-time.Minute)); n != 0 {
		t.Errorf("a consumed upload still counts: %d", n)
	}
	if n, err := st.DeleteUploads(ctx, now.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("DeleteUploads = %d, %v", n, err)
	}
	_, err = st.Upload(ctx, u.ID)
	wantKind(t, err, ziping.NotFound, "Upload after DeleteUploads")
}
