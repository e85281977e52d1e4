package web

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"ziping/dataset"
)

// importPace lets an import give way to the pages people are waiting for. Between two
// chunks of an import's writes (and after each job it runs), while other requests
// are being served, the import pauses as long as the chunk took, at most
// maxImportPause: on a busy server an import takes at most about half a core from
// the pages, and on an idle one it does not wait at all (issue 9; the figures are in
// docs/BENCHMARKS.md, "A web import under load").
type importPace struct {
	inflight atomic.Int64 // requests being served, other than static files; imports included
	imports  atomic.Int64 // imports being confirmed
}

// maxImportPause bounds one pause, so that an import on a server that stays busy
// still moves: a chunk of dataset.ImportChunk rows takes some 30–150 ms to write.
const maxImportPause = 250 * time.Millisecond

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
// dataset.Pace gives way, and the function that marks its end.
func (p *importPace) begin(ctx context.Context) (context.Context, func()) {
	p.imports.Add(1)
	return dataset.WithPace(ctx, p.pace), func() { p.imports.Add(-1) }
}

// pace pauses while requests other than imports are in flight.
func (p *importPace) pace(ctx context.Context, took time.Duration) {
	if p.inflight.Load() <= p.imports.Load() {
		return
	}
	t := time.NewTimer(min(took, maxImportPause))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
