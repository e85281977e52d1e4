package dataset

import (
	"context"
	"time"
)

// Pace is how an import gives way: called between two steps of its work (a chunk of
// rows written, a job run) with the time the step took, it may pause before the next.
// The web server passes one that pauses while other people's requests are in flight,
// so that a long import does not take the cores from the pages they wait for; the
// command line passes none.
type Pace func(ctx context.Context, took time.Duration)

type paceKey struct{}

// WithPace returns ctx carrying pace for the imports run with it.
func WithPace(ctx context.Context, pace Pace) context.Context {
	return context.WithValue(ctx, paceKey{}, pace)
}

// paced calls ctx's Pace, if any, with the time since start.
func paced(ctx context.Context, start time.Time) {
	if pace, ok := ctx.Value(paceKey{}).(Pace); ok && pace != nil {
		pace(ctx, time.Since(start))
	}
}
