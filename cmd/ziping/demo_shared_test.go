package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"ziping/docx"
	"ziping/web"
	"ziping/xlsx"
)

// builtDemo is the demo of 3 counties and 60 schools, built once per test binary
// (`ziping demo --no-serve`) for every test that reads or changes it: each gets
// its own copy of the folder (database, audit key and checkpoints, data files), so
// that one test's sign-ins, drafts and audit entries are not another's.
var builtDemo struct {
	once        sync.Once
	dir         string // where the demo was built; removed when the tests end
	out, errs   string // what it printed
	code        int
	setupFailed error
}

// demoCopy is a test's copy of the built demo.
type demoCopy struct {
	dir   string // the copy's folder, with demo.db
	built string // the folder the demo was built in, which its output names
	out   string // the demo's output: the accounts and their passwords, the directions
}

// db is the copy's database URL.
func (d demoCopy) db() string { return "sqlite:" + filepath.Join(d.dir, "demo.db") }

// sharedDemo builds the demo on first use and returns a copy of it for the test.
func sharedDemo(t *testing.T) demoCopy {
	t.Helper()
	b := &builtDemo
	b.once.Do(func() {
		b.dir, b.setupFailed = os.MkdirTemp("", "ziping-test-demo-")
		if b.setupFailed != nil {
			return
		}
		b.out, b.errs, b.code = runCLI(t, "demo", "--dir", b.dir, "--counties", "3", "--schools", "60", "--no-serve")
	})
	if b.setupFailed != nil {
		t.Fatal(b.setupFailed)
	}
	if b.code != 0 {
		t.Fatalf("demo: exit %d: %s", b.code, b.errs)
	}
	dir := t.TempDir()
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(b.dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return demoCopy{dir: dir, built: b.dir, out: b.out}
}

// removeSharedDemo removes the built demo after the tests.
func removeSharedDemo() {
	if builtDemo.dir != "" {
		os.RemoveAll(builtDemo.dir)
	}
}

// serveDemo serves a copy of the demo's database as `ziping serve` wires it (the
// audit key included), until the test ends. errs collects what the services print
// to stderr: a test checks it is empty at its end.
func serveDemo(t *testing.T, d demoCopy) (*services, *web.Server, *httptest.Server, *strings.Builder) {
	t.Helper()
	errs := &strings.Builder{}
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: io.Discard, stderr: errs, getenv: func(string) string { return "" }}
	svc, done, err := service(e, d.db())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(done)
	app, err := web.New(svc.web(), slog.New(slog.NewTextHandler(io.Discard, nil)), web.Options{ScoreSheet: xlsx.WriteScoreSheet,
		Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter, ReadExport: exportSheet})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return svc, app, srv, errs
}

// postLogin signs user in with password on c at the server base: it reads the
// login page's CSRF field, posts the form and returns the answer, its body unread.
func postLogin(t *testing.T, c *http.Client, base, user, password string) *http.Response {
	t.Helper()
	m := csrfRE.FindStringSubmatch(get(t, c, base+"/login"))
	if m == nil {
		t.Fatal("no csrf field on the login page")
	}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}, "csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
