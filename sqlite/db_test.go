package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ziping"
)

func TestMigrations(t *testing.T) {
	vs := Migrations()
	if len(vs) == 0 || vs[0] != 1 {
		t.Fatalf("Migrations() = %v, want versions from 1", vs)
	}
	for i, v := range vs {
		if v != i+1 {
			t.Errorf("Migrations() = %v: versions must be 1, 2, 3… without gaps", vs)
		}
	}
	db := openTest(t)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	v, err := db.SchemaVersion(t.Context())
	if err != nil || v != vs[len(vs)-1] {
		t.Errorf("SchemaVersion = %d, %v; want %d", v, err, vs[len(vs)-1])
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(vs) {
		t.Errorf("schema_migrations has %d rows (%v), want %d", n, err, len(vs))
	}
}

func TestNewDatabaseHasVersionZero(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.SchemaVersion(t.Context()); v != 0 || err != nil {
		t.Errorf("SchemaVersion before Migrate = %d, %v; want 0, nil", v, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	future := latest() + 7
	if _, err := db.write.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, '2030-01-01T00:00:00.000000Z')`, future); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(t.Context(), path)
	want := fmt.Sprintf("数据库结构版本 %d 比本程序支持的 %d 新，请升级 ziping", future, latest())
	var de *ziping.Error
	if !errors.As(err, &de) || de.Kind != ziping.Internal || de.Msg != want {
		t.Errorf("Open of a newer database: %v, want an Internal error %q", err, want)
	}
}

func TestPragmas(t *testing.T) {
	db := openTest(t)
	for _, pool := range []struct {
		name string
		q    queryer
	}{{"read", db.read}, {"write", db.write}} {
		var mode string
		var fk, timeout int
		row := pool.q.QueryRowContext(t.Context(), `SELECT * FROM pragma_journal_mode, pragma_foreign_keys, pragma_busy_timeout`)
		if err := row.Scan(&mode, &fk, &timeout); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || timeout != busyTimeout {
			t.Errorf("%s pool: journal_mode %s, foreign_keys %d, busy_timeout %d; want wal, 1, %d",
				pool.name, mode, fk, timeout, busyTimeout)
		}
	}
	// The read pool cannot write, so a write that skipped the writer shows at once.
	_, err := db.read.ExecContext(t.Context(), `INSERT INTO audit (seq, at, username, ip, action, object, old, new, prev_hash, hash)
		VALUES (1, '', '', '', '', '', '', '', '', '')`)
	if err == nil {
		t.Error("the read pool accepted a write")
	}
	if n := db.write.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer pool allows %d connections, want 1", n)
	}
}

func TestOpenNeedsAFile(t *testing.T) {
	for _, path := range []string{"", ":memory:"} {
		if _, err := Open(t.Context(), path); ziping.ErrorKind(err) != ziping.Invalid {
			t.Errorf("Open(%q): %v, want Invalid", path, err)
		}
	}
	if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

func TestOpenPathWithQueryCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "评估 数据?#%.db")
	db := openAt(t, path)
	u := ziping.OrgUnit{Code: "1", Name: "x", Level: ziping.LevelProvince}
	if err := db.CreateUnit(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database is not at %q: %v", path, err)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	db := openTest(t)
	e := ziping.AuditEntry{Action: "login"}
	if err := db.AppendAudit(t.Context(), &e, nil); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`UPDATE audit SET new = 'x'`, `DELETE FROM audit`} {
		if _, err := db.write.ExecContext(t.Context(), stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger to stop it", stmt, err)
		}
	}
}

// TestBackupWhileWriting: a backup taken while a goroutine keeps importing is one
// consistent snapshot: its batches, rows and audit entries agree and its chain holds.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := openAt(t, filepath.Join(dir, "live.db"))
	imp := startImports(t, db)
	for imp.written.Load() < 5 && !imp.failed.Load() {
		time.Sleep(5 * time.Millisecond)
	}
	before := imp.written.Load()
	backups := []string{filepath.Join(dir, "b1.db"), filepath.Join(dir, "b2.db")}
	for _, path := range backups {
		if err := db.Backup(t.Context(), path); err != nil {
			t.Fatal(err)
		}
	}
	during := imp.written.Load() - before
	if err := imp.stop(); err != nil {
		t.Fatalf("the importer failed during the backups: %v", err)
	}
	t.Logf("%d imports committed while the two backups ran", during)
	for _, path := range backups {
		checkBackupCounts(t, path, rowsPerImport)
	}
	if err := db.Backup(t.Context(), backups[0]); ziping.ErrorKind(err) != ziping.Conflict {
		t.Errorf("Backup over an existing file: %v, want Conflict", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

const rowsPerImport = 50

// importer is a goroutine importing batches of rowsPerImport rows, each with its
// audit entry, in one Tx, until stopped.
type importer struct {
	written atomic.Int64
	failed  atomic.Bool
	quit    chan struct{}
	wg      sync.WaitGroup
	err     error
}

func startImports(t *testing.T, db *DB) *importer {
	county := ziping.OrgUnit{Code: "330102", Name: "上城区", Level: ziping.LevelCounty}
	if err := db.CreateUnit(t.Context(), &county); err != nil {
		t.Fatal(err)
	}
	imp := &importer{quit: make(chan struct{})}
	imp.wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-imp.quit:
				return
			default:
			}
			if imp.err = importOnce(t.Context(), db, county.ID, i); imp.err != nil {
				imp.failed.Store(true)
				return
			}
			imp.written.Add(1)
		}
	})
	return imp
}

func (imp *importer) stop() error {
	close(imp.quit)
	imp.wg.Wait()
	return imp.err
}

func importOnce(ctx context.Context, db *DB, county int64, i int) error {
	return db.Tx(ctx, func(tx ziping.Store) error {
		rows := make([]ziping.SchoolRecord, rowsPerImport)
		for j := range rows {
			rows[j] = ziping.SchoolRecord{UnitID: county, Code: fmt.Sprintf("%05d%05d", i, j), Name: "学校", Stage: "小学",
				Values: map[string]float64{"students": float64(j)}}
		}
		b := ziping.Batch{Period: 2000 + i, File: "f.xlsx"}
		if err := tx.CreateBatch(ctx, &b, rows, nil); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &ziping.AuditEntry{Action: "import", Object: fmt.Sprintf("batch:%d", b.ID)}, nil)
	})
}

// checkBackupCounts opens a backup and checks that every batch has its rows and its
// audit entry, and that the chain verifies.
func checkBackupCounts(t *testing.T, path string, rowsPerBatch int) {
	t.Helper()
	b := openAt(t, path)
	var batches, schools, entries int
	err := b.read.QueryRow(`SELECT (SELECT count(*) FROM batches), (SELECT count(*) FROM schools),
		(SELECT count(*) FROM audit)`).Scan(&batches, &schools, &entries)
	if err != nil {
		t.Fatal(err)
	}
	if batches < 5 || schools != batches*rowsPerBatch || entries != batches {
		t.Errorf("backup %s: %d batches, %d school rows, %d audit entries; want ≥5, %d rows a batch, one entry a batch",
			filepath.Base(path), batches, schools, entries, rowsPerBatch)
	}
	if rep, err := ziping.VerifyAudit(t.Context(), b, nil, nil); err != nil || int(rep.Entries) != entries {
		t.Errorf("backup %s: VerifyAudit = %d, %v", filepath.Base(path), rep.Entries, err)
	}
}

func TestRestore(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	src := openAt(t, filepath.Join(dir, "src.db"))
	u := ziping.OrgUnit{Code: "330000", Name: "浙江省", Level: ziping.LevelProvince}
	if err := src.CreateUnit(ctx, &u); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := src.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}

	fresh := filepath.Join(dir, "fresh.db")
	if err := Restore(ctx, backup, fresh, false); err != nil {
		t.Fatalf("Restore to a new file: %v", err)
	}
	if got := unitCodes(t, fresh); !slices.Equal(got, []string{"330000"}) {
		t.Errorf("restored units %v, want [330000]", got)
	}

	// The target now has data: refused unless overwriting.
	other := ziping.OrgUnit{Code: "110000", Name: "北京市", Level: ziping.LevelProvince}
	func() {
		db, err := Open(ctx, fresh)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close() // before the Restore below: never replace an open database
		if err := db.CreateUnit(ctx, &other); err != nil {
			t.Fatal(err)
		}
	}()
	if err := Restore(ctx, backup, fresh, false); ziping.ErrorKind(err) != ziping.Conflict {
		t.Fatalf("Restore over a database with data: %v, want Conflict", err)
	}
	if got := unitCodes(t, fresh); len(got) != 2 {
		t.Errorf("a refused Restore changed the target: units %v", got)
	}
	if err := Restore(ctx, backup, fresh, true); err != nil {
		t.Fatalf("Restore with overwrite: %v", err)
	}
	if got := unitCodes(t, fresh); !slices.Equal(got, []string{"330000"}) {
		t.Errorf("after Restore with overwrite, units %v, want [330000]", got)
	}
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target.db")
	if err := Restore(ctx, junk, target, false); err == nil {
		t.Error("Restore of a file that is not a database succeeded")
	}
	if err := Restore(ctx, filepath.Join(dir, "missing.db"), target, false); ziping.ErrorKind(err) != ziping.NotFound {
		t.Errorf("Restore of a missing backup: %v, want NotFound", err)
	}

	newer := filepath.Join(dir, "newer.db")
	db := openAt(t, newer)
	if _, err := db.write.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, '')`, latest()+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err := Restore(ctx, newer, target, false)
	if err == nil || !strings.Contains(err.Error(), "请升级 ziping") {
		t.Errorf("Restore of a backup from a newer ziping: %v, want it refused", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failed Restores left a target file: %v", err)
	}
}

func unitCodes(t *testing.T, path string) []string {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	units, err := db.Subtree(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, u := range units {
		codes = append(codes, u.Code)
	}
	return codes
}

// TestFailedMigrationLeavesNothing: a migration and its record are one transaction.
func TestFailedMigrationLeavesNothing(t *testing.T) {
	db := openTest(t)
	bad := ziping.Migration{Version: 99, Name: "0099_bad.sql", SQL: `CREATE TABLE half (a INTEGER); CREATE TABLE broken (`}
	err := db.inTx(t.Context(), func(c conn) error { return c.apply(t.Context(), bad) })
	if ziping.ErrorKind(err) != ziping.Internal || !strings.Contains(err.Error(), "版本 99") {
		t.Fatalf("applying a broken migration: %v", err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'half'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the broken migration's first statement stayed (%d, %v)", n, err)
	}
	if v, err := db.SchemaVersion(t.Context()); err != nil || v != latest() {
		t.Errorf("SchemaVersion after a failed migration = %d, %v; want %d", v, err, latest())
	}
}

// TestManyReadTransactionsDoNotStarve: more concurrent read transactions than pooled
// connections, each running statements the cache has not seen, all finish. A read
// transaction preparing its statement on the pool would wait for a connection that
// another waiting transaction holds.
func TestManyReadTransactionsDoNotStarve(t *testing.T) {
	db := openTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			// Distinct searches and sorts: distinct statements for the cache.
			q := ziping.SchoolQuery{UnitIDs: []int64{int64(i%7 + 1)}, Period: 2024, Search: "x", Sort: ziping.SchoolSorts[i%len(ziping.SchoolSorts)]}
			if i%2 == 0 {
				q.UnitIDs = append(q.UnitIDs, 99)
			}
			if _, _, err := db.Schools(ctx, q); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("reads starved: ", ctx.Err())
	}
}
