// Package servicetest builds ziping's services on a real store for the tests of the
// service packages and of the web application: a fresh SQLite file or PostgreSQL
// schema, every service wired as cmd/ziping wires them, a clock the test moves, and
// a demo province imported.
package servicetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"ziping"
	"ziping/account"
	"ziping/argon"
	"ziping/assess"
	"ziping/catalog"
	"ziping/dataset"
	"ziping/pgtest"
	"ziping/postgres"
	"ziping/rectify"
	"ziping/reporting"
	"ziping/sqlite"
)

// Clock is a settable time for the services.
type Clock struct{ T time.Time }

// NewClock starts at 2024-05-01 09:00 UTC.
func NewClock() *Clock { return &Clock{T: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)} }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Add moves the clock.
func (c *Clock) Add(d time.Duration) { c.T = c.T.Add(d) }

// FastHasher is argon2id at the smallest cost, so that tests sign in quickly.
func FastHasher() account.PasswordHasher {
	return argon.Hasher{P: argon.Params{Memory: 64, Time: 1, Threads: 1}}
}

// OpenSQLite is a fresh, migrated SQLite store in the test's folder.
func OpenSQLite(t testing.TB) ziping.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "z.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// OpenPostgres is a fresh, migrated schema of the test binary's PostgreSQL (the
// test package's TestMain must call pgtest.Run).
func OpenPostgres(t testing.TB) ziping.Store {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Stores are the stores the service tests that matter most run on.
var Stores = []struct {
	Name string
	Open func(t testing.TB) ziping.Store
}{{"sqlite", OpenSQLite}, {"postgres", OpenPostgres}}

// Services are ziping's services on one store, sharing one auditor.
type Services struct {
	Store    ziping.Store
	Audit    *ziping.Auditor
	Accounts *account.Service
	Data     *dataset.Service
	Assess   *assess.Service
	Rectify  *rectify.Service
	Reports  *reporting.Service
	Catalog  *catalog.Service
}

// Wire builds every service on st as cmd/ziping does, with the hasher h and the
// clock now (time.Now when nil).
func Wire(st ziping.Store, h account.PasswordHasher, now func() time.Time) *Services {
	if now == nil {
		now = time.Now
	}
	au := ziping.NewAuditor(st)
	au.Now = now
	s := &Services{Store: st, Audit: au, Accounts: account.New(st, h, au), Data: dataset.New(st, au)}
	s.Assess = assess.New(st, s.Data, au)
	s.Data.HandleJob(ziping.JobRecompute, s.Assess.RecomputeJob)
	s.Rectify = rectify.New(st, s.Assess, au)
	s.Reports = reporting.New(st, s.Assess, au, nil)
	s.Assess.Reports = s.Reports
	s.Catalog = catalog.New(st, s.Assess, au)
	s.Accounts.Now, s.Data.Now, s.Assess.Now, s.Rectify.Now, s.Reports.Now, s.Catalog.Now = now, now, now, now, now, now
	return s
}
