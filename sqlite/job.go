package sqlite

import (
	"context"
	"time"

	"ziping"
)

const jobColumns = `id, kind, payload, created_at, attempts, lease_until, last_error`

func scanJob(s scanner, j *ziping.Job) error {
	return s.Scan(&j.ID, &j.Kind, &j.Payload, stamp{&j.CreatedAt}, &j.Attempts, stamp{&j.LeaseUntil}, &j.LastError)
}

// EnqueueJob writes a job; see ziping.JobStore.
func (c conn) EnqueueJob(ctx context.Context, j *ziping.Job) error {
	created := nowIfZero(j.CreatedAt)
	err := c.q.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, created_at) VALUES (?, ?, ?) RETURNING id`,
		j.Kind, j.Payload, dbTime(created)).Scan(&j.ID)
	if err != nil {
		return storeError(err, "enqueue job", "任务")
	}
	j.CreatedAt = created
	return nil
}

// ClaimJob takes the oldest free job; see ziping.JobStore.
func (c conn) ClaimJob(ctx context.Context, now, until time.Time) (*ziping.Job, error) {
	var j ziping.Job
	err := scanJob(c.q.QueryRowContext(ctx, `UPDATE jobs SET lease_until = ?, attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs WHERE lease_until IS NULL OR lease_until <= ? ORDER BY id LIMIT 1)
		RETURNING `+jobColumns, dbTime(storedTime(until)), dbTime(storedTime(now))), &j)
	if err != nil {
		return nil, storeError(err, "claim job", "待办任务")
	}
	return &j, nil
}

// DeleteJob removes a job.
func (c conn) DeleteJob(ctx context.Context, id int64) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM jobs WHERE id = ?`, id)
	if err != nil {
		return storeError(err, "delete job", "")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFoundIfNone(err, "delete job", "任务")
	}
	return nil
}

// ReleaseJob lets a failed job be claimed again from retryAt.
func (c conn) ReleaseJob(ctx context.Context, id int64, retryAt time.Time, reason string) error {
	_, err := c.q.ExecContext(ctx, `UPDATE jobs SET lease_until = ?, last_error = ? WHERE id = ?`,
		dbTime(storedTime(retryAt)), reason, id)
	return storeError(err, "release job", "")
}

// ExtendJob holds a running job until until.
func (c conn) ExtendJob(ctx context.Context, id int64, until time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE jobs SET lease_until = ? WHERE id = ?`, dbTime(storedTime(until)), id)
	return storeError(err, "extend job", "")
}

// Jobs lists every job by id.
func (c conn) Jobs(ctx context.Context) ([]ziping.Job, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs ORDER BY id`)
	if err != nil {
		return nil, storeError(err, "jobs", "")
	}
	defer rows.Close()
	var out []ziping.Job
	for rows.Next() {
		var j ziping.Job
		if err := scanJob(rows, &j); err != nil {
			return nil, internal("scan job", err)
		}
		out = append(out, j)
	}
	return out, storeError(rows.Err(), "jobs", "")
}
