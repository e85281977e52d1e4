package web

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"ziping"
)

// importPace lets an import, and the jobs after it, give way to the pages people
// are waiting for. Between two steps of an import (rows of the file read, a chunk of
// rows written, a group of summaries recomputed, a job run), while other requests
// are being served, the work pauses importPauseRatio times as long as the step took,
// at most maxImportPause: on a busy server an import takes at most about a quarter
// of a core from the pages, and on an idle one it does not wait at all (issue 9; the
// figures are in docs/BENCHMARKS.md, "A web import under load").
type importPace struct {
	inflight atomic.Int64 // requests being served, other than static files; imports included
	imports  atomic.Int64 // imports being previewed or confirmed
}

// importPauseRatio is how many times a step's time the work pauses after it while
// others wait; maxImportPause bounds one pause, so that an import on a server that
// stays busy still moves: a chunk of dataset.ImportChunk rows takes some 30–150 ms
// to write.
const (
	importPauseRatio = 3
	maxImportPause   = 750 * time.Millisecond
)

// track counts the requests in flight.
func (p *importPace) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		p.inflight.Add(1)
		defer p.inflight.Add(-1)
		next.ServeHTTP(w, r)
	})
}

// begin marks an import under way and returns the context to run it with, whose
// ziping.Pace gives way, and the function that marks its end.
func (p *importPace) begin(ctx context.Context) (context.Context, func()) {
	p.imports.Add(1)
	return ziping.WithPace(ctx, p.pace), func() { p.imports.Add(-1) }
}

// GiveWay returns ctx carrying the pace of the server's imports, for work that runs
// beside the pages without being a request (the server's job runner): between two of
// its steps it pauses while people's requests are in flight.
func (s *Server) GiveWay(ctx context.Context) context.Context {
	return ziping.WithPace(ctx, s.pace.pace)
}

// pace pauses while requests other than imports are in flight.
func (p *importPace) pace(ctx context.Context, took time.Duration) {
	if p.inflight.Load() <= p.imports.Load() {
		return
	}
	t := time.NewTimer(min(importPauseRatio*took, maxImportPause))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
