package ziping_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ziping"
	"ziping/argon"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/pgtest"
	"ziping/postgres"
	"ziping/sqlite"
	"ziping/synth"
	"ziping/xlsx"
)

func TestMain(m *testing.M) { pgtest.Run(m) }

// clock is a settable time for the service.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)} }
func fastHasher() ziping.PasswordHasher {
	return argon.Hasher{P: argon.Params{Memory: 64, Time: 1, Threads: 1}}
}

type fixture struct {
	svc   *ziping.Service
	clock *clock
	ctx   context.Context
}

// newFixture gives a service on a fresh SQLite file with the province 990000 and a
// demo province of three counties imported by the system.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, openSQLite(t))
}

// openSQLite is a fresh, migrated SQLite store in the test's folder.
func openSQLite(t *testing.T) ziping.Store {
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

// openPostgres is a fresh, migrated schema of the test binary's PostgreSQL.
func openPostgres(t *testing.T) ziping.Store {
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

// stores are the stores the service tests that matter most run on.
var stores = []struct {
	name string
	open func(t *testing.T) ziping.Store
}{{"sqlite", openSQLite}, {"postgres", openPostgres}}

// newFixtureOn is newFixture on the store st.
func newFixtureOn(t *testing.T, st ziping.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	c := newClock()
	svc := ziping.NewService(st, fastHasher())
	svc.Now = c.now
	f := &fixture{svc: svc, clock: c, ctx: ctx}
	if err := svc.SeedFrameworks(ctx, frameworks.Stored()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddUnit(ctx, ziping.System, "990000", "示范省", ziping.LevelProvince, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportDataset(ctx, ziping.System, demoDataset(t), ziping.ImportSource{File: "示范.xlsx"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// demoDataset is a generated province of three counties read through the importer.
func demoDataset(t *testing.T) *engine.Dataset {
	t.Helper()
	st, ct := synth.Generate(synth.Config{Counties: 3, Schools: 60, Seed: 5})
	var sb, cb bytes.Buffer
	xlsx.WriteCSV(&sb, xlsx.Table{Header: st.Header, Rows: st.Rows})
	xlsx.WriteCSV(&cb, xlsx.Table{Header: ct.Header, Rows: ct.Rows})
	ds, err := xlsx.ReadFrom([]xlsx.Input{
		{Name: "学校.csv", R: bytes.NewReader(sb.Bytes()), Size: int64(sb.Len())},
		{Name: "区县.csv", R: bytes.NewReader(cb.Bytes()), Size: int64(cb.Len())},
	}, xlsx.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func (f *fixture) user(t *testing.T, name, role, scope string) *ziping.User {
	t.Helper()
	u, err := f.svc.AddUser(f.ctx, ziping.System, ziping.NewUser{Username: name, Name: name, Password: pw(name), Role: role, Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) actor(t *testing.T, name string) *ziping.Actor {
	t.Helper()
	tok, _, _, err := f.svc.Login(f.ctx, name, pw(name), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := f.svc.Authenticate(f.ctx, tok, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) lastAudit(t *testing.T) ziping.AuditEntry {
	t.Helper()
	es, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("no audit entry: %v", err)
	}
	return es[0]
}

func TestLoginLockout(t *testing.T) {
	f := newFixture(t)
	f.user(t, "zhang", ziping.RoleFiller, "990102")
	for i := 1; i <= 4; i++ {
		if _, _, _, err := f.svc.Login(f.ctx, "zhang", "wrong-password1", "10.0.0.9"); err != ziping.ErrBadLogin {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if e := f.lastAudit(t); e.Action != "login_failed" || e.IP != "10.0.0.9" || !strings.Contains(e.New, "wrong password") {
		t.Errorf("audit of a failed login: %+v", e)
	}
	// The fifth wrong password locks the account: even the right one is refused,
	// with the same answer as a wrong password (a lock would tell that the name
	// exists), and the audit trail says why.
	f.svc.Login(f.ctx, "zhang", "wrong-password1", "10.0.0.9")
	_, _, _, err := f.svc.Login(f.ctx, "zhang", pw("zhang"), "10.0.0.9")
	if err != ziping.ErrBadLogin {
		t.Fatalf("locked account: %v", err)
	}
	if e := f.lastAudit(t); e.Action != "login_failed" || !strings.Contains(e.New, `"reason":"locked"`) {
		t.Errorf("audit of a locked sign-in: %+v", e)
	}
	f.clock.add(16 * time.Minute)
	if _, _, _, err := f.svc.Login(f.ctx, "zhang", pw("zhang"), "10.0.0.9"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// An unknown user gets the same answer as a wrong password.
	if _, _, _, err := f.svc.Login(f.ctx, "nobody", "x", "10.0.0.9"); err != ziping.ErrBadLogin {
		t.Errorf("unknown user: %v", err)
	}
}

func TestSessions(t *testing.T) {
	f := newFixture(t)
	f.user(t, "lisi", ziping.RoleViewer, "990121")
	tok, sess, _, err := f.svc.Login(f.ctx, "lisi", pw("lisi"), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if sess.TokenHash == tok || sess.TokenHash != ziping.TokenHash(tok) || len(sess.CSRF) < 32 {
		t.Errorf("the store must keep only the token's hash: %+v", sess)
	}
	a, _, err := f.svc.Authenticate(f.ctx, tok, "127.0.0.1")
	if err != nil || a.User.Username != "lisi" || a.Scope.Code != "990121" {
		t.Fatalf("authenticate: %+v %v", a, err)
	}
	if _, _, err := f.svc.Authenticate(f.ctx, tok+"x", ""); ziping.ErrorKind(err) != ziping.Unauthorized {
		t.Errorf("forged token: %v", err)
	}
	f.clock.add(13 * time.Hour)
	if _, _, err := f.svc.Authenticate(f.ctx, tok, ""); ziping.ErrorKind(err) != ziping.Unauthorized {
		t.Errorf("expired session: %v", err)
	}
}

func TestAuthorizationByScope(t *testing.T) {
	f := newFixture(t)
	f.user(t, "reviewer1", ziping.RoleReviewer, "990100")
	f.user(t, "county2", ziping.RoleFiller, "990102")
	f.user(t, "viewer3", ziping.RoleViewer, "990121")
	unit := func(code string) *ziping.OrgUnit {
		u, err := f.svc.Store.UnitByCode(f.ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	rev, filler, viewer := f.actor(t, "reviewer1"), f.actor(t, "county2"), f.actor(t, "viewer3")
	for _, tc := range []struct {
		who       string
		a         *ziping.Actor
		code      string
		see, edit bool
	}{
		{"reviewer, own city", rev, "990100", true, false},
		{"reviewer, county below", rev, "990121", true, false},
		{"reviewer, province above", rev, "990000", false, false},
		{"filler, own county", filler, "990102", true, true},
		{"filler, another county", filler, "990121", false, false},
		{"filler, the city above", filler, "990100", false, false},
		{"viewer, own county", viewer, "990121", true, false},
		{"system", ziping.System, "990000", true, true},
	} {
		u := unit(tc.code)
		if tc.a.CanSee(u) != tc.see || tc.a.CanEdit(u) != tc.edit {
			t.Errorf("%s on %s: see=%v edit=%v, want %v %v", tc.who, tc.code, tc.a.CanSee(u), tc.a.CanEdit(u), tc.see, tc.edit)
		}
	}
	if _, err := f.svc.AddUser(f.ctx, filler, ziping.NewUser{Username: "x1", Password: pw("x1"), Role: ziping.RoleAdmin}); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("a filler adds an admin: %v", err)
	}
	if _, _, err := f.svc.LoadDataset(f.ctx, filler, unit("990121"), 2024); ziping.ErrorKind(err) != ziping.Forbidden {
		t.Errorf("a filler loads another county: %v", err)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	f.user(t, "county2", ziping.RoleFiller, "990102")
	before, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// The demo file holds three counties: a county filler may not write the other
	// two, and then writes nothing at all.
	filler := f.actor(t, "county2")
	_, err = f.svc.ImportDataset(f.ctx, filler, demoDataset(t), ziping.ImportSource{File: "全省.xlsx"})
	if ziping.ErrorKind(err) != ziping.Forbidden || !strings.Contains(err.Error(), "无权导入以下区县的数据") {
		t.Fatalf("import outside scope: %v", err)
	}
	after, _ := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 1000})
	if len(after) != len(before)+1 { // the login only
		t.Errorf("audit grew by %d entries, want 1 (the login)", len(after)-len(before))
	}
	if rep, err := f.svc.VerifyAudit(f.ctx); err != nil || rep.Entries == 0 {
		t.Errorf("audit chain: %v %v", rep, err)
	}
}

// TestStoredDataEvaluatesAlike: a dataset imported and loaded back from the store
// evaluates exactly like the dataset read from the file.
func TestStoredDataEvaluatesAlike(t *testing.T) {
	f := newFixture(t)
	prog, err := frameworks.Builtin("lxzz-county")
	if err != nil {
		t.Fatal(err)
	}
	direct, err := prog.Evaluate(demoDataset(t), engine.Options{Period: 2024})
	if err != nil {
		t.Fatal(err)
	}
	root, _ := f.svc.Store.UnitByCode(f.ctx, "990000")
	ds, _, err := f.svc.LoadDataset(f.ctx, ziping.System, root, 2024)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := prog.Evaluate(ds, engine.Options{Period: 2024})
	if err != nil {
		t.Fatal(err)
	}
	if len(direct) != len(stored) {
		t.Fatalf("%d units from the file, %d from the store", len(direct), len(stored))
	}
	byCode := map[string]*engine.Result{}
	for _, r := range stored {
		byCode[r.Unit.Code] = r
	}
	for _, d := range direct {
		s := byCode[d.Unit.Code]
		if s == nil || s.Total != d.Total || s.Grade != d.Grade {
			t.Errorf("%s: file total %v %s, store %+v", d.Unit.Code, d.Total, d.Grade, s)
			continue
		}
		for i, m := range d.Metrics {
			// Stage rows of a combined school share its teachers by students: their
			// sum comes back from the store within a rounding of the file's.
			if sm := s.Metrics[i]; sm.OK != m.OK || (m.OK && math.Abs(sm.Value-m.Value) > 1e-9*math.Max(1, math.Abs(m.Value))) {
				t.Errorf("%s %s: file %v, store %v", d.Unit.Code, m.ID, m.Text(), sm.Text())
			}
		}
	}
}

// TestEditAuditsOldAndNewValues: a small batch (a hand-edited school) is audited
// with the values it replaced and the new ones.
func TestEditAuditsOldAndNewValues(t *testing.T) {
	f := newFixture(t)
	ds := demoDataset(t)
	snap := ds.Periods[2024]
	// Keep one school row of the first county: a one-row edit.
	one := &engine.Dataset{Units: ds.Units[:1], Periods: map[int]*engine.Snapshot{}}
	s := &engine.Snapshot{Period: 2024}
	i := int(snap.Schools.Ranges[0].Lo)
	s.Schools.Unit, s.Schools.Code, s.Schools.Name = []int32{0}, []string{snap.Schools.Code[i]}, []string{snap.Schools.Name[i]}
	s.Schools.Stage, s.Schools.Type, s.Schools.Public, s.Schools.Row = []engine.Stage{snap.Schools.Stage[i]}, []engine.SchoolType{snap.Schools.Type[i]}, []bool{snap.Schools.Public[i]}, []int32{2}
	s.Schools.Num = make([][]float64, len(engine.SchoolElements))
	for e, col := range snap.Schools.Num {
		if col != nil {
			s.Schools.Num[e] = []float64{col[i]}
		}
	}
	oldStudents := snap.Schools.Num[engine.SEStudents][i]
	s.Schools.Num[engine.SEStudents][0] = oldStudents + 7
	s.Facts.Num = make([][]float64, len(engine.UnitElements))
	s.Finish(1)
	one.Periods[2024] = s
	if _, err := f.svc.ImportDataset(f.ctx, ziping.System, one, ziping.ImportSource{File: "手工录入"}); err != nil {
		t.Fatal(err)
	}
	e := f.lastAudit(t)
	key := "school:" + snap.Schools.Code[i] + "/" + snap.Schools.Stage[i].String()
	wantOld := fmt.Sprintf(`"%s":{`, key)
	if e.Action != "import" || !strings.Contains(e.Old, wantOld) || !strings.Contains(e.New, wantOld) ||
		!strings.Contains(e.Old, fmt.Sprintf(`"students":%v`, oldStudents)) || !strings.Contains(e.New, fmt.Sprintf(`"students":%v`, oldStudents+7)) {
		t.Errorf("audit of an edit:\nold %s\nnew %s", e.Old, e.New)
	}
}

// TestDatasetCacheSeesImports: loads from many goroutines share the cached dataset
// and an import in between is seen by the next load (the data version moved).
func TestDatasetCacheSeesImports(t *testing.T) {
	f := newFixture(t)
	root, _ := f.svc.Store.UnitByCode(f.ctx, "990000")
	county, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	first, _, err := f.svc.LoadDataset(f.ctx, ziping.System, county, 2024)
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := f.svc.LoadDataset(f.ctx, ziping.System, county, 2024)
	if again != first {
		t.Error("the second load of unchanged data was not served from the cache")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, _, err := f.svc.LoadDataset(f.ctx, ziping.System, root, 2024); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	ds := demoDataset(t)
	snap := ds.Periods[2024]
	for i := range snap.Schools.Len() {
		snap.Schools.Num[engine.SEStudents][i]++ // every school one student more
	}
	wg.Go(func() {
		if _, err := f.svc.ImportDataset(f.ctx, ziping.System, ds, ziping.ImportSource{File: "再次导入.xlsx"}); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	after, _, err := f.svc.LoadDataset(f.ctx, ziping.System, county, 2024)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(d *engine.Dataset) (s float64) {
		for _, v := range d.Periods[2024].Schools.Num[engine.SEStudents] {
			s += v
		}
		return s
	}
	if after == first || sum(after) != sum(first)+float64(first.Periods[2024].Schools.Len()) {
		t.Errorf("after the import: %v students, before %v over %d rows", sum(after), sum(first), first.Periods[2024].Schools.Len())
	}
}

// pw is the test password of a user: every byte of the name moved up one, so that
// it never contains the name (the password policy refuses that).
func pw(name string) string {
	b := []byte(name)
	for i := range b {
		b[i]++
	}
	return "Pw-" + string(b) + "-2024"
}
