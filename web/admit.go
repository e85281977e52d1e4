package web

import (
	"net/http"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sync/semaphore"
)

// admission lets a bounded number of page requests (GET and HEAD) compute at once;
// the others wait for a turn in the order they came. Without it, fifty people
// clicking at once on two cores all ran together and queued inside database/sql,
// which hands a freed connection to a random waiter: some pages waited many times
// their share, and the slowest hundredth of county pages took over half a second
// while a large import ran (issue 9; docs/BENCHMARKS.md, "A web import under
// load"). Waiting in arrival order, each page waits about as long as the others.
//
// A request holds its turn until its response begins (its status written): a page
// is computed into a buffer before it is written, so a client that reads slowly
// does not keep a turn. Static files, the health check and the sign-in form do not
// wait; neither do POSTs (changes, uploads, sign-ins: sign-ins have their own bound
// on password hashes, and imports give way by themselves, pace.go).
type admission struct {
	sem *semaphore.Weighted
}

// defaultPageSlots is the number of page requests computed at once when Options
// does not say: four a core keeps the cores busy while some wait for the database.
func defaultPageSlots() int { return 4 * runtime.GOMAXPROCS(0) }

func newAdmission(n int) *admission {
	if n <= 0 {
		n = defaultPageSlots()
	}
	return &admission{sem: semaphore.NewWeighted(int64(n))}
}

// waits says whether r waits for a turn.
func waits(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := r.URL.Path
	return !strings.HasPrefix(p, "/static/") && p != "/healthz" && p != "/login"
}

func (a *admission) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !waits(r) {
			next.ServeHTTP(w, r)
			return
		}
		if err := a.sem.Acquire(r.Context(), 1); err != nil {
			return // the client went away while waiting
		}
		aw := &admitted{ResponseWriter: w, release: sync.OnceFunc(func() { a.sem.Release(1) })}
		defer aw.release()
		next.ServeHTTP(aw, r)
	})
}

// admitted gives its request's turn back when the response begins.
type admitted struct {
	http.ResponseWriter
	release func()
}

func (w *admitted) WriteHeader(code int) {
	w.release()
	w.ResponseWriter.WriteHeader(code)
}

func (w *admitted) Write(b []byte) (int, error) {
	w.release()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (write deadlines).
func (w *admitted) Unwrap() http.ResponseWriter { return w.ResponseWriter }
