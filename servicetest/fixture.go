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
	return NewOnData(t, st, DemoDataset(t))
}

// NewOnData is the fixture on the store st with the province ds imported.
func NewOnData(t testing.TB, st ziping.Store, ds *engine.Dataset) *Fixture {
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
	if _, err := f.Data.ImportDataset(ctx, ziping.System, ds, dataset.ImportSource{File: "示范.xlsx"}); err != nil {
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

// KindergartenDataset is DemoDataset with kindergartens: the same schools and
// counties, and 30 kindergartens shared between the counties.
func KindergartenDataset(t testing.TB) *engine.Dataset {
	t.Helper()
	p := synth.GenerateProvince(synth.Config{Counties: 3, Schools: 60, Kindergartens: 30, Seed: 5})
	return ReadTables(t, p.Schools, p.Counties, p.Kindergartens)
}

// ReadTables reads generated school and county tables (and kindergarten tables,
// when given) through the importer, as CSV files.
func ReadTables(t testing.TB, schools, counties synth.Table, more ...synth.Table) *engine.Dataset {
	t.Helper()
	var in []xlsx.Input
	for i, tb := range append([]synth.Table{schools, counties}, more...) {
		var b bytes.Buffer
		xlsx.WriteCSV(&b, xlsx.Table{Header: tb.Header, Rows: tb.Rows})
		name := [...]string{"学校.csv", "区县.csv", "幼儿园.csv"}[min(i, 2)]
		in = append(in, xlsx.Input{Name: name, R: bytes.NewReader(b.Bytes()), Size: int64(b.Len())})
	}
	ds, err := xlsx.ReadFrom(in, xlsx.ReadOptions{})
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
