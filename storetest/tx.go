package storetest

import (
	"context"
	"errors"
	"testing"

	"ziping"
)

// writeAll writes through st a unit, a batch with rows and facts, and an audit entry:
// one of each kind of write, as an import does inside Tx.
func writeAll(ctx context.Context, st ziping.Store, tr *tree) error {
	u := ziping.OrgUnit{Code: "330104", Name: "拱墅区", Level: ziping.LevelCounty, ParentID: tr.cityA.ID}
	if err := st.CreateUnit(ctx, &u); err != nil {
		return err
	}
	// Reads inside the transaction see its writes.
	if _, err := st.UnitByCode(ctx, "330104"); err != nil {
		return err
	}
	b := ziping.Batch{Period: 2023, File: "学校.xlsx", CreatedAt: t0}
	rows := []ziping.SchoolRecord{school(u.ID, "3301040001", "小学", "拱墅小学", 600)}
	if err := st.CreateBatch(ctx, &b, rows, []ziping.FactRecord{fact(u.ID, 1)}); err != nil {
		return err
	}
	return st.AppendAudit(ctx, &ziping.AuditEntry{At: t0, Username: "li", Action: "import", Object: "batch:1", UnitID: u.ID}, nil)
}

// count is how much of writeAll's work is in st.
func count(t *testing.T, st ziping.Store, tr *tree) (units, schools, facts, audit int) {
	t.Helper()
	ctx := t.Context()
	us, err := st.Subtree(ctx, nil)
	must(t, err, "Subtree")
	ids := tr.counties()
	if u, err := st.UnitByCode(ctx, "330104"); err == nil {
		ids = append(ids, u.ID)
	}
	_, n, err := st.Schools(ctx, ziping.SchoolQuery{UnitIDs: ids})
	must(t, err, "Schools")
	fs, err := st.Facts(ctx, ids, 0)
	must(t, err, "Facts")
	es, err := st.Audit(ctx, ziping.AuditQuery{})
	must(t, err, "Audit")
	return len(us), n, len(fs), len(es)
}

func testTxCommit(t *testing.T, st ziping.Store) {
	tr := newTree(t, st)
	must(t, st.Tx(t.Context(), func(tx ziping.Store) error { return writeAll(t.Context(), tx, tr) }), "Tx")
	units, schools, facts, audit := count(t, st, tr)
	if units != 8 || schools != 1 || facts != 1 || audit != 1 {
		t.Errorf("after a committed Tx: %d units, %d schools, %d facts, %d audit entries; want 8, 1, 1, 1",
			units, schools, facts, audit)
	}
	// A Tx inside a Tx runs in the same transaction.
	err := st.Tx(t.Context(), func(tx ziping.Store) error {
		return tx.Tx(t.Context(), func(inner ziping.Store) error {
			u := ziping.OrgUnit{Code: "330105", Name: "滨江区", Level: ziping.LevelCounty, ParentID: tr.cityA.ID}
			return inner.CreateUnit(t.Context(), &u)
		})
	})
	must(t, err, "nested Tx")
	_, err = st.UnitByCode(t.Context(), "330105")
	must(t, err, "unit of the nested Tx")
}

func testTxRollback(t *testing.T, st ziping.Store) {
	tr := newTree(t, st)
	boom := errors.New("boom")
	err := st.Tx(t.Context(), func(tx ziping.Store) error {
		if err := writeAll(t.Context(), tx, tr); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx returned %v, want fn's error", err)
	}
	checkNothing(t, st, tr, "an error")

	// The same when the error comes from a nested Tx, and a domain error keeps its kind.
	err = st.Tx(t.Context(), func(tx ziping.Store) error {
		return tx.Tx(t.Context(), func(inner ziping.Store) error {
			if err := writeAll(t.Context(), inner, tr); err != nil {
				return err
			}
			_, err := inner.Unit(t.Context(), tr.school.ID+1000)
			return err
		})
	})
	wantKind(t, err, ziping.NotFound, "Tx whose fn returns a NotFound")
	checkNothing(t, st, tr, "a NotFound from a nested Tx")

	// The chain goes on from where it was: the rolled-back entries took no seq.
	e := ziping.AuditEntry{At: t0, Action: "login"}
	must(t, st.AppendAudit(t.Context(), &e, nil), "AppendAudit")
	if e.Seq != 1 || e.PrevHash != "" {
		t.Errorf("first entry after the rollbacks: Seq %d, PrevHash %q; want 1, empty", e.Seq, e.PrevHash)
	}
}

func checkNothing(t *testing.T, st ziping.Store, tr *tree, why string) {
	t.Helper()
	units, schools, facts, audit := count(t, st, tr)
	if units != 7 || schools != 0 || facts != 0 || audit != 0 {
		t.Errorf("after a Tx rolled back by %s: %d units, %d schools, %d facts, %d audit entries; want 7, 0, 0, 0",
			why, units, schools, facts, audit)
	}
	periods, err := st.Periods(t.Context())
	must(t, err, "Periods")
	if len(periods) != 0 {
		t.Errorf("after a Tx rolled back by %s: periods %v", why, periods)
	}
	if _, err := st.UnitByCode(t.Context(), "330104"); ziping.ErrorKind(err) != ziping.NotFound {
		t.Errorf("after a Tx rolled back by %s: the unit is there (%v)", why, err)
	}
}

func testTxPanic(t *testing.T, st ziping.Store) {
	tr := newTree(t, st)
	func() {
		defer func() {
			if p := recover(); p != "crash" {
				t.Errorf("recovered %v, want the panic to go on after the rollback", p)
			}
		}()
		_ = st.Tx(t.Context(), func(tx ziping.Store) error {
			if err := writeAll(t.Context(), tx, tr); err != nil {
				t.Error(err)
			}
			panic("crash")
		})
	}()
	checkNothing(t, st, tr, "a panic")
	// The store still works: the writer was given back.
	must(t, st.Tx(t.Context(), func(tx ziping.Store) error { return writeAll(t.Context(), tx, tr) }), "Tx after a panic")
	es, err := st.Audit(t.Context(), ziping.AuditQuery{})
	must(t, err, "Audit")
	if len(es) != 1 || es[0].Seq != 1 {
		t.Errorf("audit after a panicked Tx and a good one: %+v, want the one entry with Seq 1", es)
	}
}

// testTxContinuesAfterError: a write refused inside a Tx (Conflict, NotFound) leaves
// the transaction usable, as it does outside one, so that a service may handle the
// error and go on. (PostgreSQL aborts the whole transaction on a failed statement
// unless the store wraps statements in savepoints.)
func testTxContinuesAfterError(t *testing.T, st ziping.Store) {
	ctx := t.Context()
	tr := newTree(t, st)
	err := st.Tx(ctx, func(tx ziping.Store) error {
		dup := ziping.OrgUnit{Code: "330102", Name: "重复", Level: ziping.LevelCounty, ParentID: tr.cityA.ID}
		wantKind(t, tx.CreateUnit(ctx, &dup), ziping.Conflict, "CreateUnit with a taken code in a Tx")
		lost := newUser("lost", ziping.RoleViewer, tr.school.ID+1000)
		wantKind(t, tx.CreateUser(ctx, &lost), ziping.NotFound, "CreateUser with a missing scope in a Tx")
		u := ziping.OrgUnit{Code: "330104", Name: "拱墅区", Level: ziping.LevelCounty, ParentID: tr.cityA.ID}
		return tx.CreateUnit(ctx, &u)
	})
	must(t, err, "Tx after refused writes")
	if _, err := st.UnitByCode(ctx, "330104"); err != nil {
		t.Errorf("the unit written after the refused writes was not committed: %v", err)
	}
}
