package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ziping"
	"ziping/account"
	"ziping/dataset"
	"ziping/docx"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/report"
	"ziping/servicetest"
	"ziping/sqlite"
	"ziping/synth"
	"ziping/xlsx"
)

// Names given to schools of county 990102, to see that pages escape them and that
// search treats them as text.
const (
	scriptName = "<script>alert(1)</script>实验小学"
	sqlName    = "' OR 1=1 -- 中学"
	pctName    = "100%_达标学校"
)

// clock is a settable time shared by the service and the rate limiter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// lockedBuffer collects log lines written from handler goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type fixture struct {
	t        testing.TB
	ctx      context.Context
	svc      *servicetest.Services
	srv      *Server
	h        http.Handler
	clock    *clock
	logs     *lockedBuffer
	school   string // code of a school of county 990102 (its filler's scope)
	dbPath   string // the SQLite file, for a second instance
	sessions map[string]session
}

type session struct{ token, csrf string }

// Roles of the tests: each signs in as one user.
var roleUsers = map[string]struct{ user, role, scope string }{
	"admin":    {"admin1", ziping.RoleAdmin, ""},
	"reviewer": {"reviewer1", ziping.RoleReviewer, "990100"},
	"filler":   {"county2", ziping.RoleFiller, "990102"},
	"school":   {"school2", ziping.RoleFiller, ""}, // scope: f.school
	"viewer":   {"viewer3", ziping.RoleViewer, "990121"},
}

// newFixture is the web application on a fresh SQLite file with the province 990000
// (city 990100, counties 990102, 990121 and 990181, schools in all) and a user for every role.
func newFixture(t testing.TB, schools int) *fixture {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "z.db")
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	svc := servicetest.Wire(st, servicetest.FastHasher(), c.now)
	svc.Reports.Reporter = report.Renderer{}
	svc.Accounts.DeviceKey = []byte("web-test-device-cookie-key-32byt")
	f := &fixture{t: t, ctx: ctx, svc: svc, clock: c, logs: &lockedBuffer{}, sessions: map[string]session{}, dbPath: dbPath}
	if err := svc.Assess.SeedFrameworks(ctx, frameworks.Stored()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Data.AddUnit(ctx, ziping.System, "990000", "示范省", ziping.LevelProvince, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Data.ImportDataset(ctx, ziping.System, f.dataset(schools), dataset.ImportSource{File: "示范.xlsx"}); err != nil {
		t.Fatal(err)
	}
	f.addUsers()
	f.srv, err = New(webServices(svc), slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Options{ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter})
	if err != nil {
		t.Fatal(err)
	}
	f.h = f.srv.Handler()
	return f
}

// dataset is a generated province of three counties read through the importer, with
// three schools of 990102 renamed to hostile names.
func (f *fixture) dataset(schools int) *engine.Dataset {
	f.t.Helper()
	st, ct := synth.Generate(synth.Config{Counties: 3, Schools: schools, Seed: 5})
	col := func(name string) int {
		for i, h := range st.Header {
			if h == name {
				return i
			}
		}
		f.t.Fatalf("no column %s", name)
		return -1
	}
	code, name, county := col("学校代码"), col("学校名称"), col("区县代码")
	renamed := map[string]string{}
	hostile := []string{scriptName, sqlName, pctName}
	for _, row := range st.Rows {
		c := fmt.Sprint(row[code])
		if fmt.Sprint(row[county]) != "990102" {
			continue
		}
		if _, ok := renamed[c]; !ok && len(renamed) < len(hostile) {
			renamed[c] = hostile[len(renamed)]
		}
		if n, ok := renamed[c]; ok {
			row[name] = n
		}
	}
	return servicetest.ReadTables(f.t, st, ct)
}

func (f *fixture) addUsers() {
	f.t.Helper()
	county, err := f.svc.Store.UnitByCode(f.ctx, "990102")
	if err != nil {
		f.t.Fatal(err)
	}
	schools, err := f.svc.Store.Subtree(f.ctx, county, ziping.LevelSchool)
	if err != nil || len(schools) == 0 {
		f.t.Fatalf("no school units under 990102: %v", err)
	}
	f.school = schools[len(schools)-1].Code
	for _, ru := range roleUsers {
		scope := ru.scope
		if ru.user == "school2" {
			scope = f.school
		}
		f.addUser(ru.user, ru.role, scope)
	}
}

// schoolOf is the code of a school unit of county.
func (f *fixture) schoolOf(county string) string {
	f.t.Helper()
	c, err := f.svc.Store.UnitByCode(f.ctx, county)
	if err != nil {
		f.t.Fatal(err)
	}
	schools, err := f.svc.Store.Subtree(f.ctx, c, ziping.LevelSchool)
	if err != nil || len(schools) == 0 {
		f.t.Fatalf("no school units under %s: %v", county, err)
	}
	return schools[0].Code
}

func (f *fixture) addUser(name, role, scope string) {
	f.t.Helper()
	_, err := f.svc.Accounts.AddUser(f.ctx, ziping.System, account.NewUser{Username: name, Name: "用户" + name, Password: password(name), Role: role, Scope: scope})
	if err != nil {
		f.t.Fatal(err)
	}
}

// password is the test password of a user: every byte of the name moved up one, so
// that it never contains the name (the password policy refuses that).
func password(user string) string {
	b := []byte(user)
	for i := range b {
		b[i]++
	}
	return "Pw-" + string(b) + "-2024"
}

// login opens a session for role (cached; fresh makes a new one).
func (f *fixture) login(role string, fresh bool) session {
	f.t.Helper()
	if s, ok := f.sessions[role]; ok && !fresh {
		return s
	}
	ru := roleUsers[role]
	tok, sess, _, err := f.svc.Accounts.Login(f.ctx, ru.user, password(ru.user), "127.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	s := session{token: tok, csrf: sess.CSRF}
	if !fresh {
		f.sessions[role] = s
	}
	return s
}

// request is one request of a test: who, what, and how it is sent.
type request struct {
	role   string // "" or "anon": no session
	method string
	path   string
	form   url.Values
	noCSRF bool // leave the token out of a POST
	fresh  bool // a new session rather than the role's shared one
	header http.Header
}

// do sends a request through the whole handler chain.
func (f *fixture) do(rq request) *httptest.ResponseRecorder {
	f.t.Helper()
	var body *strings.Reader
	form := url.Values{}
	for k, v := range rq.form {
		form[k] = v
	}
	if rq.role != "" && rq.role != "anon" {
		s := f.login(rq.role, rq.fresh)
		if rq.method == http.MethodPost && !rq.noCSRF && form.Get(csrfField) == "" {
			form.Set(csrfField, s.csrf)
		}
		rq.header = withCookie(rq.header, sessionCookie, s.token)
	}
	body = strings.NewReader(form.Encode())
	req := httptest.NewRequest(rq.method, rq.path, body)
	if rq.method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range rq.header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

func withCookie(h http.Header, name, value string) http.Header {
	if h == nil {
		h = http.Header{}
	}
	h.Add("Cookie", (&http.Cookie{Name: name, Value: value}).String())
	return h
}

// scenario is one row of a scenario table.
type scenario struct {
	name         string
	role         string
	method       string
	path         string
	form         url.Values
	wantStatus   int
	wantContains []string
}

func (f *fixture) run(t *testing.T, cases []scenario) {
	t.Helper()
	for _, c := range cases {
		method := c.method
		if method == "" {
			method = http.MethodGet
		}
		w := f.do(request{role: c.role, method: method, path: c.path, form: c.form})
		if w.Code != c.wantStatus {
			t.Errorf("%s: %s %s as %s: status %d, want %d (location %q)", c.name, method, c.path, c.role, w.Code, c.wantStatus, w.Header().Get("Location"))
			continue
		}
		body := w.Body.String()
		for _, s := range c.wantContains {
			if !strings.Contains(body, s) {
				t.Errorf("%s: %s %s as %s: body lacks %q", c.name, method, c.path, c.role, s)
			}
		}
	}
}

// webServices are the services the web application takes, out of all of them.
func webServices(s *servicetest.Services) Services {
	return Services{Accounts: s.Accounts, Data: s.Data, Assess: s.Assess, Rectify: s.Rectify, Reports: s.Reports, Catalog: s.Catalog, Audit: s.Audit, Store: s.Store}
}
