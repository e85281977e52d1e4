package servicetest

import (
	"bytes"
	"context"
	"testing"

	"ziping"
	"ziping/account"
	"ziping/dataset"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
	"ziping/xlsx"
)

// Fixture is every service on a store holding the built-in frameworks, the province
// 990000 and a demo province of three counties (990102, 990121, 990181) imported by
// the system.
type Fixture struct {
	*Services
	Clock *Clock
	Ctx   context.Context
}

// New is the fixture on a fresh SQLite file.
func New(t testing.TB) *Fixture {
	t.Helper()
	return NewOn(t, OpenSQLite(t))
}

// NewOn is the fixture on the store st.
func NewOn(t testing.TB, st ziping.Store) *Fixture {
	t.Helper()
	ctx := context.Background()
	c := NewClock()
	f := &Fixture{Services: Wire(st, FastHasher(), c.Now), Clock: c, Ctx: ctx}
	if err := f.Assess.SeedFrameworks(ctx, frameworks.Stored()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Data.AddUnit(ctx, ziping.System, "990000", "示范省", ziping.LevelProvince, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Data.ImportDataset(ctx, ziping.System, DemoDataset(t), dataset.ImportSource{File: "示范.xlsx"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// DemoDataset is a generated province of three counties read through the importer.
func DemoDataset(t testing.TB) *engine.Dataset {
	t.Helper()
	schools, counties := synth.Generate(synth.Config{Counties: 3, Schools: 60, Seed: 5})
	return ReadTables(t, schools, counties)
}

// ReadTables reads generated school and county tables through the importer, as
// CSV files.
func ReadTables(t testing.TB, schools, counties synth.Table) *engine.Dataset {
	t.Helper()
	var sb, cb bytes.Buffer
	xlsx.WriteCSV(&sb, xlsx.Table{Header: schools.Header, Rows: schools.Rows})
	xlsx.WriteCSV(&cb, xlsx.Table{Header: counties.Header, Rows: counties.Rows})
	ds, err := xlsx.ReadFrom([]xlsx.Input{
		{Name: "学校.csv", R: bytes.NewReader(sb.Bytes()), Size: int64(sb.Len())},
		{Name: "区县.csv", R: bytes.NewReader(cb.Bytes()), Size: int64(cb.Len())},
	}, xlsx.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// User adds a user with the password Pw(name).
func (f *Fixture) User(t testing.TB, name, role, scope string) *ziping.User {
	t.Helper()
	u, err := f.Accounts.AddUser(f.Ctx, ziping.System, account.NewUser{Username: name, Name: name, Password: Pw(name), Role: role, Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Actor signs the user in and returns who it is then.
func (f *Fixture) Actor(t testing.TB, name string) *ziping.Actor {
	t.Helper()
	tok, _, _, err := f.Accounts.Login(f.Ctx, name, Pw(name), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := f.Accounts.Authenticate(f.Ctx, tok, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// LastAudit is the newest audit entry.
func (f *Fixture) LastAudit(t testing.TB) ziping.AuditEntry {
	t.Helper()
	es, err := f.Store.Audit(f.Ctx, ziping.AuditQuery{Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("no audit entry: %v", err)
	}
	return es[0]
}

// Pw is the test password of a user: every byte of the name moved up one, so that
// it never contains the name (the password policy refuses that).
func Pw(name string) string {
	b := []byte(name)
	for i := range b {
		b[i]++
	}
	return "Pw-" + string(b) + "-2024"
}
