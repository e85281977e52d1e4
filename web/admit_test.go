package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestAdmissionOrder: with every turn taken, page requests wait and are let in in
// the order they came, each as soon as the one before began its response.
func TestAdmissionOrder(t *testing.T) {
	a := newAdmission(1)
	var mu sync.Mutex
	var order []string
	hold := make(chan struct{})
	h := a.gate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		order = append(order, r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/first" {
			<-hold
		}
		w.WriteHeader(http.StatusOK)
	}))
	var wg sync.WaitGroup
	get := func(path string) {
		wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil)) })
	}
	get("/first")
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(order) == 1 })
	for _, p := range []string{"/b", "/c", "/d", "/e"} {
		get(p)
		time.Sleep(20 * time.Millisecond) // queued before the next one comes
	}
	mu.Lock()
	if len(order) != 1 {
		t.Errorf("pages ran while the only turn was taken: %v", order)
	}
	mu.Unlock()
	close(hold)
	wg.Wait()
	want := []string{"/first", "/b", "/c", "/d", "/e"}
	if len(order) != len(want) {
		t.Fatalf("order %v", order)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("let in as %v; want the order they came, %v", order, want)
		}
	}
}

// TestAdmissionReleasesAtResponse: a request gives its turn back when its response
// begins (a slow reader of a long download does not hold it); changes, static
// files and the sign-in do not wait at all; a request whose client left while it
// waited is not run.
func TestAdmissionReleasesAtResponse(t *testing.T) {
	a := newAdmission(1)
	written := make(chan struct{})
	finish := make(chan struct{})
	ran := make(chan string, 10)
	h := a.gate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ran <- r.Method + " " + r.URL.Path
		if r.URL.Path == "/download" {
			w.WriteHeader(http.StatusOK)
			close(written)
			<-finish // still sending
		}
	}))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/download", nil))
	<-written
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/units/990102", nil))
	close(finish)

	// Take the only turn and keep it.
	held := make(chan struct{})
	release := make(chan struct{})
	go a.gate(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(held)
		<-release
	})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/held", nil))
	<-held
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/units/990102/import", nil),
		httptest.NewRequest(http.MethodPost, "/login", nil),
		httptest.NewRequest(http.MethodGet, "/login", nil),
		httptest.NewRequest(http.MethodGet, "/static/app.css", nil),
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
	} {
		done := make(chan struct{})
		go func() { h.ServeHTTP(httptest.NewRecorder(), r); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Errorf("%s %s waited for a page's turn", r.Method, r.URL.Path)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/gone", nil).WithContext(ctx))
	close(release)
	close(ran)
	var got []string
	for r := range ran {
		got = append(got, r)
	}
	want := []string{"GET /download", "GET /units/990102", "POST /units/990102/import", "POST /login", "GET /login", "GET /static/app.css", "GET /healthz"}
	if len(got) != len(want) {
		t.Fatalf("ran %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ran %v; want %v", got, want)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 200 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("timed out")
}
