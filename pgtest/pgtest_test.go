package pgtest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestMain(m *testing.M) { Run(m) }

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestStart(t *testing.T) {
	conn := connect(t, DSN(t))
	if shared != nil {
		t.Logf("initdb and start-up took %v, initdb %v (server in %s)", shared.started, shared.initdb, shared.dir)
	}
	var schema, version string
	if err := conn.QueryRow(context.Background(), "SELECT current_schema(), current_setting('server_version')").Scan(&schema, &version); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(schema, "t_") {
		t.Errorf("current_schema() = %q, want a t_ schema", schema)
	}
	t.Logf("PostgreSQL %s, schema %s", version, schema)
	if shared == nil {
		return
	}
	var fsync, listen string
	if err := conn.QueryRow(context.Background(), "SELECT current_setting('fsync'), current_setting('listen_addresses')").Scan(&fsync, &listen); err != nil {
		t.Fatal(err)
	}
	if fsync != "off" || listen != "127.0.0.1" {
		t.Errorf("fsync = %s, listen_addresses = %s; want off, 127.0.0.1", fsync, listen)
	}
}

func TestSchemasIsolated(t *testing.T) {
	ctx := context.Background()
	a, b := connect(t, DSN(t)), connect(t, DSN(t))
	if _, err := a.Exec(ctx, "CREATE TABLE things (n int); INSERT INTO things VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	_, err := b.Exec(ctx, "SELECT n FROM things")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42P01" {
		t.Fatalf("the table of one schema seen from the other: err = %v, want undefined_table", err)
	}
	if _, err := b.Exec(ctx, "CREATE TABLE things (n int)"); err != nil {
		t.Fatalf("the same table name in the other schema: %v", err)
	}
}

func TestSchemaDropped(t *testing.T) {
	var schema string
	t.Run("inner", func(t *testing.T) {
		conn := connect(t, DSN(t))
		if err := conn.QueryRow(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
	})
	conn := connect(t, DSN(t))
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("schema %s still exists after its test ended", schema)
	}
}

func TestWithSearchPath(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"postgres://u@h:5/db?sslmode=disable", "postgres://u@h:5/db?search_path=t_x&sslmode=disable"},
		{"postgresql://u@h/db", "postgresql://u@h/db?search_path=t_x"},
		{"host=h user=u ", "host=h user=u search_path=t_x"},
	} {
		if got := withSearchPath(tc.dsn, "t_x"); got != tc.want {
			t.Errorf("withSearchPath(%q) = %q, want %q", tc.dsn, got, tc.want)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want []int
	}{
		{"postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n", []int{15, 18}},
		{"postgres (PostgreSQL) 17beta1\n", []int{17, 0}},
		{"postgres (PostgreSQL) 9.6.24\n", []int{9, 6}},
	} {
		got, ok := parseVersion(tc.out)
		if !ok || got[0] != tc.want[0] || got[1] != tc.want[1] {
			t.Errorf("parseVersion(%q) = %v, %v; want %v", tc.out, got, ok, tc.want)
		}
	}
	if _, ok := parseVersion("bash: postgres: not found"); ok {
		t.Error("parseVersion accepted a non-version")
	}
	if !newer([]int{16, 1}, []int{15, 18}) || newer([]int{15, 2}, []int{15, 18}) || !newer([]int{9, 6}, nil) {
		t.Error("newer orders versions wrongly")
	}
}

func TestFindBinariesNone(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	saved := binDirs
	binDirs = []string{t.TempDir() + "/*/bin"}
	t.Cleanup(func() { binDirs = saved })
	if _, err := findBinaries(); !errors.Is(err, errNoBinaries) {
		t.Errorf("findBinaries() with nothing installed: %v, want errNoBinaries", err)
	}
}

func TestRemoveStale(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	old, fresh := filepath.Join(tmp, "ziping-pg-1"), filepath.Join(tmp, "ziping-pg-2")
	for _, dir := range []string{old, fresh} {
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * staleAfter)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	removeStale()
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a directory two days old is still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh directory was removed: %v", err)
	}
}

// recorder is a testing.TB that records how unavailable ended a test; only the
// methods unavailable calls are there.
type recorder struct {
	testing.TB
	ended string
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.ended = "fatal" }
func (r *recorder) Skipf(string, ...any)  { r.ended = "skip" }

// TestUnavailable: without a database a test is skipped, except under CI=true,
// where it fails.
func TestUnavailable(t *testing.T) {
	for _, tc := range []struct{ ci, want string }{{"", "skip"}, {"false", "skip"}, {"true", "fatal"}} {
		t.Setenv("CI", tc.ci)
		r := &recorder{}
		unavailable(r, errNoBinaries)
		if r.ended != tc.want {
			t.Errorf("CI=%q: the test ended by %q, want %q", tc.ci, r.ended, tc.want)
		}
	}
}
