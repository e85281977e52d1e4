package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"ziping"
)

func entry(i int, user int64, unit int64) ziping.AuditEntry {
	return ziping.AuditEntry{
		At: at(time.Duration(i) * time.Minute), UserID: user, Username: fmt.Sprintf("user%d", user), IP: "198.51.100.9",
		Action: "data_edit", Object: fmt.Sprintf("school:33010200%02d/小学", i), UnitID: unit,
		Old: `{"students":1}`, New: fmt.Sprintf(`{"students":%d,"name":"第%d中学"}`, i, i),
	}
}

// appendAll appends es in order and fails the test on error.
func appendAll(t *testing.T, st ziping.Store, es []ziping.AuditEntry) {
	t.Helper()
	for i := range es {
		must(t, st.AppendAudit(t.Context(), &es[i], nil), "AppendAudit")
	}
}

func testAudit(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	es := []ziping.AuditEntry{entry(1, 1, 0), entry(2, 0, 0), entry(3, 2, 5)}
	es[1].Old, es[1].New, es[1].IP = "", "", ""
	sent := slices.Clone(es)
	appendAll(t, st, es)
	prev := ""
	for i, e := range es {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != e.ComputeHash() || len(e.Hash) != 64 {
			t.Errorf("entry %d after AppendAudit: Seq %d, PrevHash %q, Hash %q; want %d, %q, its ComputeHash", i, e.Seq,
				e.PrevHash, e.Hash, i+1, prev)
		}
		sameTime(t, "AuditEntry.At", e.At, stored(sent[i].At))
		prev = e.Hash
	}
	got, err := st.Audit(ctx, ziping.AuditQuery{})
	must(t, err, "Audit")
	diff(t, "Audit, newest first", got, []ziping.AuditEntry{es[2], es[1], es[0]})
	for i := range got {
		sameTime(t, "Audit At", got[i].At, es[2-i].At)
	}
	var chain []ziping.AuditEntry
	must(t, st.AuditChain(ctx, func(e *ziping.AuditEntry) error { chain = append(chain, *e); return nil }), "AuditChain")
	diff(t, "AuditChain, oldest first", chain, es)
	rep, err := ziping.VerifyAudit(ctx, st, nil, nil)
	if rep.Entries != 3 || err != nil {
		t.Errorf("VerifyAudit = %d, %v; want 3, nil", rep.Entries, err)
	}
	stop := errors.New("stop")
	calls := 0
	err = st.AuditChain(ctx, func(*ziping.AuditEntry) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("AuditChain with fn failing: %v after %d calls; want fn's error after 1", err, calls)
	}
	// A zero At is now.
	e := ziping.AuditEntry{Action: "login"}
	before := time.Now().Add(-time.Second)
	must(t, st.AppendAudit(ctx, &e, nil), "AppendAudit without At")
	if e.At.Before(before) || e.At.After(time.Now().Add(time.Second)) || e.At != stored(e.At) {
		t.Errorf("At of an entry appended without one = %v, want about now, in UTC microseconds", e.At)
	}
}

func seqs(es []ziping.AuditEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func testAuditFilters(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	units := []int64{0, tr.countyA1.ID, tr.school.ID, tr.countyB1.ID, tr.cityA.ID, tr.prov.ID}
	var es []ziping.AuditEntry
	for i := range 12 {
		es = append(es, entry(i, int64(i%3), units[i%len(units)]))
	}
	appendAll(t, st, es)
	cases := []struct {
		name string
		q    ziping.AuditQuery
		want []int64
	}{
		{"all", ziping.AuditQuery{}, []int64{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
		{"city A's subtree", ziping.AuditQuery{UnitPath: tr.cityA.Path}, []int64{11, 9, 8, 5, 3, 2}},
		{"a county's subtree", ziping.AuditQuery{UnitPath: tr.countyA1.Path}, []int64{9, 8, 3, 2}},
		{"the province", ziping.AuditQuery{UnitPath: tr.prov.Path}, []int64{12, 11, 10, 9, 8, 6, 5, 4, 3, 2}},
		{"user 1", ziping.AuditQuery{UserID: 1}, []int64{11, 8, 5, 2}},
		{"from (inclusive)", ziping.AuditQuery{From: at(9 * time.Minute)}, []int64{12, 11, 10}},
		{"to (exclusive)", ziping.AuditQuery{To: at(2 * time.Minute)}, []int64{2, 1}},
		{"from and to", ziping.AuditQuery{From: at(3 * time.Minute), To: at(6 * time.Minute)}, []int64{6, 5, 4}},
		{"before", ziping.AuditQuery{Before: 4}, []int64{3, 2, 1}},
		{"limit", ziping.AuditQuery{Limit: 2}, []int64{12, 11}},
		{"page back", ziping.AuditQuery{Before: 11, Limit: 3}, []int64{10, 9, 8}},
		{"all filters", ziping.AuditQuery{UnitPath: tr.cityA.Path, UserID: 2, From: at(time.Minute), To: at(10 * time.Minute),
			Before: 10, Limit: 5}, []int64{9, 3}},
		{"nobody", ziping.AuditQuery{UserID: 99}, nil},
	}
	for _, c := range cases {
		got, err := st.Audit(ctx, c.q)
		must(t, err, "Audit "+c.name)
		diff(t, "Audit "+c.name, seqs(got), c.want)
	}
}

func testAuditLimit(t *testing.T, st ziping.Store) {
	must(t, st.Tx(t.Context(), func(tx ziping.Store) error {
		for i := range 130 {
			e := entry(i, 1, 0)
			if err := tx.AppendAudit(t.Context(), &e, nil); err != nil {
				return err
			}
		}
		return nil
	}), "AppendAudit 130 in a Tx")
	got, err := st.Audit(t.Context(), ziping.AuditQuery{})
	must(t, err, "Audit")
	if len(got) != 100 || got[0].Seq != 130 || got[99].Seq != 31 {
		t.Errorf("Audit without a limit: %d entries, %v…; want the newest 100, 130 to 31", len(got), seqs(got[:min(3, len(got))]))
	}
	got, err = st.Audit(t.Context(), ziping.AuditQuery{Limit: 1000})
	must(t, err, "Audit")
	if len(got) != 130 {
		t.Errorf("Audit with limit 1000: %d entries, want 130", len(got))
	}
}

// testAuditConcurrent: appends from many goroutines still make one linear chain.
func testAuditConcurrent(t *testing.T, st ziping.Store) {
	const workers, total = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, total)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < total; i += workers {
				e := entry(i, int64(w), 0)
				errs <- st.AppendAudit(t.Context(), &e, nil)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err, "concurrent AppendAudit")
	}
	rep, err := ziping.VerifyAudit(t.Context(), st, nil, nil)
	if rep.Entries != total || err != nil {
		t.Fatalf("VerifyAudit after %d concurrent appends = %d, %v", total, rep.Entries, err)
	}
	var got []int64
	must(t, st.AuditChain(t.Context(), func(e *ziping.AuditEntry) error { got = append(got, e.Seq); return nil }), "AuditChain")
	want := make([]int64, total)
	for i := range want {
		want[i] = int64(i + 1)
	}
	diff(t, "seqs after concurrent appends", got, want)
}

func testAuditTamper(t *testing.T, st ziping.Store, tamper Tamper) {
	var es []ziping.AuditEntry
	for i := range 5 {
		es = append(es, entry(i, 1, 0))
	}
	appendAll(t, st, es)
	if _, err := ziping.VerifyAudit(t.Context(), st, nil, nil); err != nil {
		t.Fatalf("VerifyAudit before tampering: %v", err)
	}
	tamper(t, st, 3)
	rep, err := ziping.VerifyAudit(t.Context(), st, nil, nil)
	var ce *ziping.ChainError
	if !errors.As(err, &ce) || ce.Seq != 3 || rep.Entries != 2 {
		t.Fatalf("VerifyAudit after tampering with entry 3 = %d, %v; want 2 and a *ChainError naming 3", rep.Entries, err)
	}
}
