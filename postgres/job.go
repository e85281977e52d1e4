package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"ziping"
)

const jobColumns = `id, kind, payload, created_at, attempts, lease_until, last_error`

func scanJob(r pgx.Row, j *ziping.Job) error {
	return r.Scan(&j.ID, &j.Kind, &j.Payload, stamp{&j.CreatedAt}, &j.Attempts, stamp{&j.LeaseUntil}, &j.LastError)
}

// EnqueueJob writes a job; see ziping.JobStore.
func (db *DB) EnqueueJob(ctx context.Context, j *ziping.Job) error {
	created := nowIfZero(j.CreatedAt)
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO jobs (kind, payload, created_at) VALUES ($1, $2, $3) RETURNING id`,
			j.Kind, j.Payload, created).Scan(&j.ID)
	})
	if err != nil {
		return storeError(err, "enqueue job", "任务")
	}
	j.CreatedAt = created
	return nil
}

// ClaimJob takes the oldest free job; see ziping.JobStore. SKIP LOCKED lets several
// instances claim different jobs at once.
func (db *DB) ClaimJob(ctx context.Context, now, until time.Time) (*ziping.Job, error) {
	var j ziping.Job
	err := db.guarded(ctx, func(q querier) error {
		return scanJob(q.QueryRow(ctx, `UPDATE jobs SET lease_until = $1, attempts = attempts + 1
			WHERE id = (SELECT id FROM jobs WHERE lease_until IS NULL OR lease_until <= $2 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
			RETURNING `+jobColumns, storedTime(until), storedTime(now)), &j)
	})
	if err != nil {
		return nil, storeError(err, "claim job", "待办任务")
	}
	return &j, nil
}

// DeleteJob removes a job.
func (db *DB) DeleteJob(ctx context.Context, id int64) error {
	tag, err := db.exec(ctx, "delete job", "", `DELETE FROM jobs WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return ziping.Errorf(ziping.NotFound, "找不到任务")
	}
	return err
}

// ReleaseJob lets a failed job be claimed again from retryAt.
func (db *DB) ReleaseJob(ctx context.Context, id int64, retryAt time.Time, reason string) error {
	_, err := db.exec(ctx, "release job", "", `UPDATE jobs SET lease_until = $1, last_error = $2 WHERE id = $3`,
		storedTime(retryAt), reason, id)
	return err
}

// ExtendJob holds a running job until until.
func (db *DB) ExtendJob(ctx context.Context, id int64, until time.Time) error {
	_, err := db.exec(ctx, "extend job", "", `UPDATE jobs SET lease_until = $1 WHERE id = $2`, storedTime(until), id)
	return err
}

// Jobs lists every job by id.
func (db *DB) Jobs(ctx context.Context) ([]ziping.Job, error) {
	rows, err := db.q.Query(ctx, `SELECT `+jobColumns+` FROM jobs ORDER BY id`)
	return collect(rows, err, "jobs", scanJob)
}
