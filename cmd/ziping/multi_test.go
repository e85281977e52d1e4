package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"ziping"
	"ziping/account"
	"ziping/argon"
	"ziping/browsertest"
	"ziping/dataset"
	"ziping/docx"
	"ziping/pgtest"
	"ziping/postgres"
	"ziping/web"
	"ziping/xlsx"
)

// TestMain runs the tests, or, when a test starts this binary as ziping itself (as
// `ziping bench` starts ziping evaluate), the command line.
func TestMain(m *testing.M) {
	if os.Getenv(beMain) == "1" {
		main()
	}
	pgtest.Run(m, removeSharedDemo, browsertest.Close)
}

// beMain makes the test binary run as ziping.
const beMain = "ZIPING_TEST_BE_MAIN"

// instance is one `ziping serve` process: its own store handle, service and server,
// sharing the database with the others.
func instance(t *testing.T, dsn string) (*services, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := wire(st, argon.Hasher{P: argon.Params{Memory: 64, Time: 1, Threads: 1}})
	app, err := web.New(svc.web(), slog.New(slog.NewTextHandler(io.Discard, nil)), web.Options{ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return svc, srv
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestTwoInstancesOnePostgres: two servers on one PostgreSQL database, as a shared
// deployment runs them. Data written through one is read through the other, and a
// session made by signing in to one is valid on the other.
func TestTwoInstancesOnePostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, srvA := instance(t, dsn)
	_, srvB := instance(t, dsn)
	ctx := context.Background()
	if _, err := a.Data.AddUnit(ctx, ziping.System, "990000", "示范省", ziping.LevelProvince, ""); err != nil {
		t.Fatal(err)
	}
	ds, err := xlsx.Read([]string{fixture(t)}, xlsx.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Data.ImportDataset(ctx, ziping.System, ds, dataset.ImportSource{File: "示范.xlsx"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.AddUser(ctx, ziping.System, account.NewUser{Username: "county2", Password: "Pw-shared-x2024", Role: ziping.RoleFiller, Scope: "990102"}); err != nil {
		t.Fatal(err)
	}
	// Sign in through instance A's login form.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	page := get(t, client, srvA.URL+"/login")
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no csrf field on the login page")
	}
	resp, err := client.PostForm(srvA.URL+"/login", url.Values{"username": {"county2"}, "password": {"Pw-shared-x2024"}, "csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range jar.Cookies(mustURL(t, srvA.URL)) {
		if c.Name == "ziping_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("no session after signing in to A (status %d)", resp.StatusCode)
	}
	// Use that session on instance B: the county page with the imported schools.
	req, _ := http.NewRequest("GET", srvB.URL+"/units/990102", nil)
	req.AddCookie(session)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	school := ds.Periods[ds.Latest()].Schools.Name[ds.Periods[ds.Latest()].Schools.Ranges[ds.UnitIndex("990102")].Lo]
	if resp.StatusCode != 200 || !strings.Contains(string(body), school) {
		t.Errorf("B with A's session: status %d, page has school %q: %v", resp.StatusCode, school, strings.Contains(string(body), school))
	}
	// An upload previewed on A is confirmed on B: uploads wait in the database
	// (before issue 9 in each instance's temporary folder, and B answered
	// 上传的文件不存在或已过期).
	sess, err := a.Store.Session(ctx, ziping.TokenHash(session.Value))
	if err != nil {
		t.Fatal(err)
	}
	id := previewOn(t, srvA.URL, session, sess.CSRF, chaosBook(t, 12))
	status, loc := postOn(t, srvB.URL+"/units/990102/import/confirm", session, url.Values{"csrf": {sess.CSRF}, "upload": {id}})
	if status != http.StatusSeeOther || loc != "/units/990102?period=2024" {
		t.Errorf("confirm on B of A's preview: %d %q", status, loc)
	}
	// Confirming again, on A this time, answers with the import B made.
	status, loc = postOn(t, srvA.URL+"/units/990102/import/confirm", session, url.Values{"csrf": {sess.CSRF}, "upload": {id}})
	if status != http.StatusSeeOther || loc != "/units/990102?period=2024" {
		t.Errorf("second confirm, on A: %d %q", status, loc)
	}
	if b, err := a.Store.BatchesOfUpload(ctx, id); err != nil || len(b) != 1 {
		t.Errorf("batches of the upload: %d, %v; want 1", len(b), err)
	}
}

// previewOn uploads data for a preview and returns the upload id.
func previewOn(t *testing.T, base string, session *http.Cookie, csrf string, data []byte) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "学校.xlsx")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/units/990102/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	m := chaosUploadRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("preview: %s, no upload id\n%s", resp.Status, page)
	}
	return string(m[1])
}

// postOn posts a form without following the redirect.
func postOn(t *testing.T, u string, session *http.Cookie, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(session)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
