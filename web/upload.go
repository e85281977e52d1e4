package web

import (
	"context"
	"runtime/debug"
	"sync"
	"time"

	"ziping"
)

// Uploads wait for their confirmation in the database (dataset.Service.SaveUpload),
// so that a confirmation may reach another instance than the preview did.

// previewSlots bounds the previews read at once by this instance: reading a 20 MiB
// workbook takes some hundred MiB for a moment, and ten at once would take the
// server's memory. A preview waits at most previewWait for a slot, then gets 429.
type previewSlots struct {
	sem  chan struct{}
	wait time.Duration
}

func newPreviewSlots(n int, wait time.Duration) *previewSlots {
	return &previewSlots{sem: make(chan struct{}, n), wait: wait}
}

// errPreviewBusy answers a preview that found every slot taken.
var errPreviewBusy = ziping.Errorf(ziping.Busy, "同时预览的文件太多，请稍后再上传")

// acquire takes a slot for reading or importing a file of size bytes and returns
// its release. A large file also tightens the collector while it is held.
func (p *previewSlots) acquire(ctx context.Context, size int) (func(), error) {
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.sem <- struct{}{}:
		if size < tightGCBytes {
			return func() { <-p.sem }, nil
		}
		importGC.enter()
		return func() { importGC.exit(); <-p.sem }, nil
	case <-t.C:
		return nil, errPreviewBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// now is the services' clock.
func (s *Server) now() time.Time {
	if s.svc.Accounts.Now != nil {
		return s.svc.Accounts.Now()
	}
	return time.Now()
}

// importGC runs the collector four times as often while a large file is read or
// imported: the dataset of a 200,000-row file is some 100 MiB live, and the default
// target (twice what is live) took the server to 330 MiB; at 25% its peak was 290 MiB
// (issue 12.4). Pages served meanwhile pay more collection, only then.
var importGC gcTight

// tightGCBytes is the upload size from which importGC tightens the collector: about
// 60,000 school rows as .xlsx (a 20,000-row workbook is 3 MiB, 200,000 rows 28 MiB).
// Below it the rows' columns are a few tens of MiB and the default target holds them,
// while a collector at 25% cost the pages served meanwhile: at 50 users without pause
// and a 20,000-row import again and again, the county page's p99 was 495 ms with it
// and 311 ms without (issue 9).
const tightGCBytes = 8 << 20

// ImportGCPercent is the collector's target (GOGC) while an import runs.
const ImportGCPercent = 25

// gcTight lowers GOGC while any holder is in, and restores it after the last.
type gcTight struct {
	mu   sync.Mutex
	n    int
	prev int
}

func (g *gcTight) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == 0 {
		g.prev = debug.SetGCPercent(ImportGCPercent)
	}
	g.n++
}

func (g *gcTight) exit() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n--; g.n == 0 {
		debug.SetGCPercent(g.prev)
	}
}
