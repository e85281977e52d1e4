// Package pgtest gives tests a real PostgreSQL without any manual setup: a fresh,
// empty schema per test, in the server named by ZIPING_TEST_PG or else in a
// throwaway server started from the machine's own PostgreSQL binaries.
//
// A test package that uses DSN calls Run from its TestMain, so that the throwaway
// server is stopped and its files removed after all of the package's tests:
//
//	func TestMain(m *testing.M) { pgtest.Run(m) }
//
// The throwaway server comes from the newest initdb and postgres found on PATH or in
// /usr/lib/postgresql/*/bin: initdb makes a cluster in a temporary directory, and
// postgres runs on it as a child of the test binary (not daemonised by pg_ctl, so
// that it dies with the binary even when Run's clean-up cannot happen), listening
// on a free port of 127.0.0.1 only, its Unix socket in that directory, with fsync,
// synchronous_commit and full_page_writes off. PostgreSQL refuses to run as root, so
// under root both run as the system user ziping-pg (created with useradd when
// missing) through SysProcAttr.Credential, and that user owns the directory.
//
// Without a server (no ZIPING_TEST_PG and no binaries found, or the server does not
// start) DSN skips the test, except under CI=true, where it fails it: in CI a
// missing database is a broken setup, never a reason to test less.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names the environment variable that points the tests at an existing server
// (any DSN pgx accepts); the user it names must be allowed to create schemas.
const EnvDSN = "ZIPING_TEST_PG"

// The one server of a test binary. This is package state on purpose: the server is
// shared by every test of the binary and outlives each of them.
var (
	once    sync.Once
	shared  *server // nil when ZIPING_TEST_PG is used or the start failed
	baseDSN string
	baseErr error
)

// Run runs the tests of m, then stops the server DSN started (if any) and removes
// its files, runs the functions after (the package's own cleanup of what its tests
// shared), and exits with the tests' status. Call it from TestMain.
func Run(m *testing.M, after ...func()) {
	code := m.Run()
	for _, f := range after {
		f()
	}
	if shared != nil {
		if err := shared.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}

// DSN returns a connection string to a fresh, empty schema, t_<random>, which is
// the connection's search_path and is dropped when the test ends.
func DSN(t testing.TB) string {
	t.Helper()
	base := serverDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	schema := "t_" + randomHex(8)
	if err := execOnce(ctx, base, "CREATE SCHEMA "+schema); err != nil {
		unavailable(t, fmt.Errorf("create schema: %w", err))
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := execOnce(ctx, base, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(base, schema)
}

// serverDSN returns the DSN of the test binary's server, starting it on first use.
func serverDSN(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		if dsn := os.Getenv(EnvDSN); dsn != "" {
			baseDSN = dsn
			return
		}
		shared, baseErr = start()
		if baseErr == nil {
			baseDSN = shared.dsn
		}
	})
	if baseErr != nil {
		unavailable(t, baseErr)
	}
	return baseDSN
}

// unavailable ends a test that cannot have its database: a failure under CI=true,
// a skip elsewhere, so that a developer without PostgreSQL can still run go test.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("pgtest: %v", err)
		return
	}
	t.Skipf("pgtest: %v (set %s or install PostgreSQL to run this test)", err, EnvDSN)
}

// execOnce runs one statement on a connection of its own: schemas are created and
// dropped rarely enough that a pool is not worth keeping.
func execOnce(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// withSearchPath adds search_path to a DSN in either of its forms, URL or
// keyword=value; pgx sends unknown parameters as run-time settings.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return strings.TrimSpace(dsn) + " search_path=" + schema
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b)
}
