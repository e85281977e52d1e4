package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer the server goroutine writes and the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe runs `ziping serve` on a temporary database, signs in over HTTP, opens
// a county page, and stops the server by cancelling the run context.
func TestServe(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "z.db")
	for _, args := range [][]string{
		{"unit", "add", "990000", "示范省", "--level", "province"},
		{"import", fixture(t)},
	} {
		if out, errs, code := runCLI(t, append(args, "--db", db)...); code != 0 {
			t.Fatalf("%v: %d %s%s", args, code, out, errs)
		}
	}
	out, errs, code := runCLI(t, "user", "add", "wang", "--role", "filler", "--scope", "990102", "--db", db)
	pw := regexp.MustCompile(`初始密码：(\S+)`).FindStringSubmatch(out)
	if code != 0 || pw == nil {
		t.Fatalf("user add: %d %s%s", code, out, errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--log", "json"}, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	}()
	base := waitForURL(t, &stdout, exited)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	if body := get(t, client, base+"healthz"); body != "ok" {
		t.Errorf("healthz: %q", body)
	}
	form := get(t, client, base+"login")
	tok := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(form)
	if tok == nil {
		t.Fatalf("no token in the login form:\n%s", form)
	}
	resp, err := client.PostForm(base+"login", url.Values{"username": {"wang"}, "password": {pw[1]}, "csrf": {tok[1]}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/" || !strings.Contains(string(page), "工作台") {
		t.Errorf("after signing in: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if county := get(t, client, base+"units"); !strings.Contains(county, "学校数据") {
		t.Errorf("单位与数据 does not lead to the county's page")
	}

	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return after its context was cancelled")
	}
	if logs := stderr.String(); !strings.Contains(logs, `"msg":"request"`) || !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("logs lack the request and stop lines:\n%s", logs)
	}
}

// waitForURL waits for serve to print its address.
func waitForURL(t *testing.T, stdout *syncBuffer, exited chan int) string {
	t.Helper()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if u := re.FindString(stdout.String()); u != "" {
			return u
		}
		select {
		case code := <-exited:
			t.Fatalf("serve exited %d before listening", code)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("serve printed no URL")
	return ""
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b)
}

func TestServeUsage(t *testing.T) {
	if _, errs, code := runCLI(t, "serve", "--log", "xml", "--db", "sqlite:"+filepath.Join(t.TempDir(), "z.db")); code != 2 || !strings.Contains(errs, "--log") {
		t.Errorf("bad --log: %d %s", code, errs)
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "z.db")
	if _, errs, code := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := runCLI(t, "serve", "--addr", "256.0.0.1:99999", "--db", db); code != 1 || !strings.Contains(errs, "无法监听") {
		t.Errorf("bad --addr: %d %s", code, errs)
	}
	for _, flag := range []string{"--max-upload", "--max-unzip"} {
		if _, errs, code := runCLI(t, "serve", flag, "0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "z.db")); code != 2 || !strings.Contains(errs, flag) {
			t.Errorf("%s 0: %d %s", flag, code, errs)
		}
	}
}

func TestParseProxies(t *testing.T) {
	got, err := parseProxies([]string{"10.0.0.0/8, 192.168.1.7", "::1", "10.1.2.3/16"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.168.1.7/32", "::1/128", "10.1.0.0/16"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("%d: %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := parseProxies([]string{"proxy.example"}); err == nil || !strings.Contains(err.Error(), "proxy.example") {
		t.Errorf("a host name is accepted: %v", err)
	}
}
