package dataset

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ziping"
)

type pruneJob struct {
	Batch int64 `json:"batch"`
}

// ImportChunk is how many school rows one transaction of an import writes. The
// SQLite store writes about 70 rows a millisecond (20,000 rows in 280 ms on the
// development machine), so a chunk holds the writer some 30 ms: a sign-in or a saved
// score waits for one chunk at most, never for the whole import.
const ImportChunk = 2000

// StaleBatchAfter is how long a pending batch may go without a chunk written before
// any instance takes its writer for dead and abandons it.
const StaleBatchAfter = 10 * time.Minute

// JobLease is how long a claim holds a job without a heartbeat: a runner renews it
// every JobLease/3 while the job runs, so a runner that died lets its job go within
// JobLease, however long the job would have taken.
const JobLease = 15 * time.Second

// JobPoll is how often a server looks for jobs left by a process that died: with
// JobLease, such a job runs again within about 20 seconds of its runner's death.
const JobPoll = 5 * time.Second

// maxJobAttempts: a job that failed this often is left for an operator (it stays
// in the table with its last error, and every start-up logs it).
const maxJobAttempts = 20

func (s *Service) enqueue(ctx context.Context, tx Store, kind string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode job: %w", err)
	}
	return tx.EnqueueJob(ctx, &ziping.Job{Kind: kind, Payload: string(b), CreatedAt: s.now()})
}

// RunJobs runs the jobs that are due until none is left, and returns how many ran
// and the first error (each failed job is released for a later retry, and the
// others still run).
func (s *Service) RunJobs(ctx context.Context) (int, error) {
	n := 0
	var first error
	for ctx.Err() == nil {
		now := s.Now()
		j, err := s.Store.ClaimJob(ctx, now, now.Add(JobLease))
		if ziping.IsNotFound(err) {
			return n, first
		}
		if err != nil {
			return n, err
		}
		if j.Attempts > maxJobAttempts {
			continue // held for its lease; reported by PendingJobs
		}
		start := time.Now()
		err = s.runLeased(ctx, j)
		ziping.Paced(ctx, start)
		if err != nil {
			first = cmpErr(first, fmt.Errorf("job %d (%s): %w", j.ID, j.Kind, err))
			backoff := time.Duration(min(j.Attempts, 10)) * 30 * time.Second
			if rerr := s.Store.ReleaseJob(ctx, j.ID, s.Now().Add(backoff), err.Error()); rerr != nil {
				return n, rerr
			}
			continue
		}
		if err := s.Store.DeleteJob(ctx, j.ID); err != nil && !ziping.IsNotFound(err) {
			return n, err
		}
		n++
	}
	return n, cmpErr(first, ctx.Err())
}

// runLeased runs j while renewing its lease, so that no other runner takes a job
// that is still running and a dead runner's job is free again soon.
func (s *Service) runLeased(ctx context.Context, j *ziping.Job) error {
	done := make(chan struct{})
	beat := make(chan struct{})
	go func() {
		defer close(beat)
		t := time.NewTicker(JobLease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				// A failed renewal only risks a second, harmless run: jobs are
				// idempotent.
				_ = s.Store.ExtendJob(ctx, j.ID, s.Now().Add(JobLease))
			}
		}
	}()
	err := s.runJob(ctx, j)
	close(done)
	<-beat
	return err
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func (s *Service) runJob(ctx context.Context, j *ziping.Job) error {
	if j.Kind == ziping.JobPrune {
		var p pruneJob
		if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
			return fmt.Errorf("payload: %w", err)
		}
		return s.prune(ctx, p.Batch)
	}
	if h := s.handler(j.Kind); h != nil {
		return h(ctx, j.Payload)
	}
	return fmt.Errorf("unknown job kind %q", j.Kind)
}

// pruneChunk bounds one transaction of pruning, as ImportChunk bounds a write.
const pruneChunk = ImportChunk

func (s *Service) prune(ctx context.Context, batch int64) error {
	var key ziping.SchoolKey
	for {
		start := time.Now()
		next, more, err := s.Store.PruneBatch(ctx, batch, key, pruneChunk)
		if err != nil || !more {
			return err
		}
		key = next
		ziping.Paced(ctx, start)
	}
}

// ReapBatches abandons the pending batches whose writer has not written for
// StaleBatchAfter (a process that died mid-import) and queues the deletion of
// their rows. Servers call it at start-up and every JobPoll.
func (s *Service) ReapBatches(ctx context.Context) (int, error) {
	var ids []int64
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		var err error
		if ids, err = tx.AbandonStaleBatches(ctx, s.Now().Add(-StaleBatchAfter)); err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.enqueue(ctx, tx, ziping.JobPrune, pruneJob{Batch: id}); err != nil {
				return err
			}
		}
		return nil
	})
	return len(ids), err
}

// PendingJobs lists the jobs not yet done, for start-up logs and tests.
func (s *Service) PendingJobs(ctx context.Context) ([]ziping.Job, error) { return s.Store.Jobs(ctx) }
