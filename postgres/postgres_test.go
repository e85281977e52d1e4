package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"ziping"
	"ziping/pgtest"
	"ziping/postgres"
)

func TestMain(m *testing.M) { pgtest.Run(m) }

// open opens and migrates a store on a fresh schema.
func open(t testing.TB) *postgres.DB {
	t.Helper()
	return openDSN(t, pgtest.DSN(t))
}

// openDSN opens and migrates a store on dsn, closed when the test ends.
func openDSN(t testing.TB, dsn string) *postgres.DB {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// rawExec runs SQL on dsn around the store, as someone with database access would.
func rawExec(t testing.TB, dsn, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatal(err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db := openDSN(t, dsn)
	vs := postgres.Migrations()
	latest := vs[len(vs)-1]
	if v, err := db.SchemaVersion(ctx); err != nil || v != latest {
		t.Fatalf("SchemaVersion() = %d, %v; want %d", v, err, latest)
	}
	rawExec(t, dsn, `INSERT INTO schema_migrations (version) VALUES ($1)`, latest+1)

	want := fmt.Sprintf("数据库结构版本 %d 比本程序支持的 %d 新，请升级 ziping", latest+1, latest)
	_, err := postgres.Open(ctx, dsn)
	var de *ziping.Error
	if !errors.As(err, &de) || de.Kind != ziping.Internal || de.Msg != want {
		t.Errorf("Open on a newer schema: %v; want Internal %q", err, want)
	}
	if err := db.Migrate(ctx); !errors.As(err, &de) || de.Msg != want {
		t.Errorf("Migrate on a newer schema: %v; want %q", err, want)
	}
}

func TestMigrateTogether(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Migrate(ctx)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("instances migrating together: %v", err)
	}
	db := openDSN(t, dsn)
	ms := postgres.Migrations()
	if v, err := db.SchemaVersion(ctx); err != nil || v != ms[len(ms)-1] {
		t.Errorf("SchemaVersion() = %d, %v, want the newest migration %d", v, err, ms[len(ms)-1])
	}
}

// TestTwoInstances holds two DBs on one database, as two ziping processes behind a
// load balancer would be: what one writes the other reads.
func TestTwoInstances(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, b := openDSN(t, dsn), openDSN(t, dsn)

	unit := &ziping.OrgUnit{Code: "990000", Name: "示范省", Level: ziping.LevelProvince}
	if err := a.CreateUnit(ctx, unit); err != nil {
		t.Fatal(err)
	}
	if got, err := b.UnitByCode(ctx, "990000"); err != nil || got.ID != unit.ID || got.Path != unit.Path {
		t.Fatalf("unit written through a, read through b: %+v, %v", got, err)
	}
	u := &ziping.User{Username: "li", Name: "李", PasswordHash: "x", Role: ziping.RoleViewer, ScopeID: unit.ID}
	if err := a.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	now := ziping.AuditTime(time.Now())
	sess := &ziping.Session{TokenHash: "h1", UserID: u.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour), IP: "127.0.0.1"}
	if err := a.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	got, err := b.Session(ctx, "h1")
	if err != nil || *got != *sess {
		t.Fatalf("session created through a, read through b: %+v, %v; want %+v", got, err, sess)
	}
	if err := b.DeleteSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, "h1"); ziping.ErrorKind(err) != ziping.NotFound {
		t.Errorf("session deleted through b, read through a: %v; want NotFound", err)
	}
}

// TestConcurrentAudit appends from two instances at once; the chain must stay one
// line with no seq taken twice.
func TestConcurrentAudit(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	dbs := []*postgres.DB{openDSN(t, dsn), openDSN(t, dsn)}
	const each = 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for i, db := range dbs {
		for j := range each {
			wg.Go(func() {
				e := &ziping.AuditEntry{At: time.Now(), Username: "u", Action: "test", Object: fmt.Sprintf("db%d:%d", i, j)}
				if j%2 == 0 { // half of them inside a caller's transaction
					errs <- db.Tx(ctx, func(tx ziping.Store) error { return tx.AppendAudit(ctx, e, nil) })
					return
				}
				errs <- db.AppendAudit(ctx, e, nil)
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rep, err := ziping.VerifyAudit(ctx, dbs[0], nil, nil)
	if err != nil || rep.Entries != 2*each {
		t.Errorf("VerifyAudit() = %d, %v; want %d entries, no error", rep.Entries, err, 2*each)
	}
}

// TestConflictInTx: a Conflict handled inside a Tx leaves the transaction usable,
// as in SQLite (PostgreSQL would abort it without the store's savepoint).
func TestConflictInTx(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	if err := db.CreateUser(ctx, &ziping.User{Username: "li", Name: "李", PasswordHash: "x", Role: ziping.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	err := db.Tx(ctx, func(tx ziping.Store) error {
		err := tx.CreateUser(ctx, &ziping.User{Username: "li", Name: "又一个李", PasswordHash: "x", Role: ziping.RoleAdmin})
		if ziping.ErrorKind(err) != ziping.Conflict {
			return fmt.Errorf("duplicate username: %v, want Conflict", err)
		}
		return tx.CreateUser(ctx, &ziping.User{Username: "li2", Name: "李二", PasswordHash: "x", Role: ziping.RoleAdmin})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UserByName(ctx, "li2"); err != nil {
		t.Errorf("the write after the handled conflict: %v", err)
	}
}

func TestMigrations(t *testing.T) {
	vs := postgres.Migrations()
	for i, v := range vs {
		if v != i+1 {
			t.Fatalf("Migrations() = %v: versions must be 1, 2, 3… without gaps", vs)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	_, err := postgres.Open(ctx, "postgres://u:secretpw@127.0.0.1:5432/db?sslmode=nonsense")
	if ziping.ErrorKind(err) != ziping.Invalid || strings.Contains(err.Error(), "secretpw") {
		t.Errorf("Open with a bad DSN: %v; want Invalid, without the password", err)
	}
	// Port 1 on loopback: nothing listens there, the connection is refused at once.
	_, err = postgres.Open(ctx, "postgres://u:secretpw@127.0.0.1:1/db?sslmode=disable&connect_timeout=5")
	if ziping.ErrorKind(err) != ziping.Internal || strings.Contains(err.Error(), "secretpw") {
		t.Errorf("Open with no server: %v; want Internal, without the password", err)
	}
}

// TestAuditChainPages checks AuditChain across its page boundary on a trail written
// around the store (COPY), and from inside a Tx whose fn uses the transaction.
func TestAuditChainPages(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db := openDSN(t, dsn)
	const n = 2345
	rows := make([][]any, n)
	prev := ""
	for i := range rows {
		e := ziping.AuditEntry{Seq: int64(i + 1), At: ziping.AuditTime(time.Now()), Username: "u", Action: "test",
			Object: fmt.Sprint(i), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		rows[i] = []any{e.Seq, e.At, e.Username, "", e.Action, e.Object, "", "", e.PrevHash, e.Hash}
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	cols := []string{"seq", "at", "username", "ip", "action", "object", "old", "new", "prev_hash", "hash"}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"audit"}, cols, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if got, err := ziping.VerifyAudit(ctx, db, nil, nil); got.Entries != n || err != nil {
		t.Errorf("VerifyAudit() = %d, %v; want %d", got.Entries, err, n)
	}
	err = db.Tx(ctx, func(tx ziping.Store) error {
		return tx.AuditChain(ctx, func(e *ziping.AuditEntry) error {
			if e.Seq%1000 == 0 {
				_, err := tx.Periods(ctx) // the transaction's connection must be free
				return err
			}
			return nil
		})
	})
	if err != nil {
		t.Errorf("AuditChain in a Tx, using the Tx: %v", err)
	}
}
