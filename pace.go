package ziping

import (
	"context"
	"time"
)

// Pace is how long work gives way: called between two steps of it (a chunk of rows
// written or pruned, a job run, a few summaries recomputed) with the time the step
// took, it may pause before the next. The web server passes one that pauses while
// other people's requests are in flight, so that an import and the jobs after it do
// not take the cores from the pages people wait for; the command line passes none.
type Pace func(ctx context.Context, took time.Duration)

type paceKey struct{}

// WithPace returns ctx carrying pace for the work run with it.
func WithPace(ctx context.Context, pace Pace) context.Context {
	return context.WithValue(ctx, paceKey{}, pace)
}

// Paced calls ctx's Pace, if any, with the time since start.
func Paced(ctx context.Context, start time.Time) {
	if pace, ok := ctx.Value(paceKey{}).(Pace); ok && pace != nil {
		pace(ctx, time.Since(start))
	}
}
