package web

import (
	"context"
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

// acquire takes a slot and returns its release.
func (p *previewSlots) acquire(ctx context.Context) (func(), error) {
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.sem <- struct{}{}:
		return func() { <-p.sem }, nil
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
