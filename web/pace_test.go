package web

import (
	"context"
	"testing"
	"time"
)

// TestImportPace: an import pauses between chunks only while other requests are
// being served, importPauseRatio times as long as the chunk took, at most
// maxImportPause.
func TestImportPace(t *testing.T) {
	var p importPace
	ctx, done := p.begin(context.Background())
	p.inflight.Add(1) // the import's own request
	took := func(d time.Duration) time.Duration {
		start := time.Now()
		p.pace(ctx, d)
		return time.Since(start)
	}
	if got := took(100 * time.Millisecond); got > 20*time.Millisecond {
		t.Errorf("alone on the server, the import paused %v; want no pause", got)
	}
	p.inflight.Add(1) // someone loads a page
	if got := took(60 * time.Millisecond); got < importPauseRatio*60*time.Millisecond {
		t.Errorf("with a page in flight, the import paused %v after a 60 ms chunk; want at least %v", got, importPauseRatio*60*time.Millisecond)
	}
	if got := took(time.Hour); got < maxImportPause || got > maxImportPause+time.Second {
		t.Errorf("after a long chunk the pause was %v; want maxImportPause (%v)", got, maxImportPause)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	start := time.Now()
	p.pace(cctx, time.Hour)
	if got := time.Since(start); got > 20*time.Millisecond {
		t.Errorf("a cancelled import paused %v", got)
	}
	done()
	p.inflight.Add(-1)
	if p.imports.Load() != 0 {
		t.Errorf("imports after done: %d", p.imports.Load())
	}
}
