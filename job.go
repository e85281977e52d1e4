package ziping

import (
	"context"
	"time"
)

// Job is durable work that must follow a committed write: it is written in the same
// transaction as the write, run after commit, and, should the process die first, run
// at start-up (or within dataset.JobPoll) by any instance. Jobs are idempotent: one that ran
// but was not deleted before a crash runs again harmlessly.
type Job struct {
	ID         int64
	Kind       string // JobRecompute, JobPrune
	Payload    string // JSON
	CreatedAt  time.Time
	Attempts   int
	LeaseUntil time.Time // claimed by a runner until then; zero when free
	LastError  string
}

// Job kinds.
const (
	// JobRecompute recomputes the summaries of the open assessments of some
	// counties and periods (payload RecomputePayload).
	JobRecompute = "recompute"
	// JobPrune deletes the rows a batch made dead.
	JobPrune = "prune"
)

// JobStore keeps the jobs.
type JobStore interface {
	// EnqueueJob writes j (in the caller's Tx) and sets its ID and CreatedAt.
	EnqueueJob(ctx context.Context, j *Job) error
	// ClaimJob takes the oldest job that no runner holds at now, holds it until
	// until, and counts the attempt. NotFound when there is none.
	ClaimJob(ctx context.Context, now, until time.Time) (*Job, error)
	// DeleteJob removes a job that is done.
	DeleteJob(ctx context.Context, id int64) error
	// ReleaseJob lets a failed job be claimed again from retryAt, noting why.
	ReleaseJob(ctx context.Context, id int64, retryAt time.Time, reason string) error
	// ExtendJob holds a running job until until (the runner's heartbeat).
	ExtendJob(ctx context.Context, id int64, until time.Time) error
	// Jobs lists every job, by id.
	Jobs(ctx context.Context) ([]Job, error)
}

// RecomputePayload is the payload of a JobRecompute: the counties whose open
// assessments follow their data, and the periods to bring up to date. Package
// dataset writes it (an import, a school moved); package assess handles it.
type RecomputePayload struct {
	Counties []int64 `json:"counties"`
	Periods  []int   `json:"periods"`
}
