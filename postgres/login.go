package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"ziping"
)

// FailLogin counts a wrong password in one statement; see ziping.LoginStore. SET
// expressions read the row as it was, and the row lock serialises concurrent
// attempts, on one instance or several, so that each is counted.
func (db *DB) FailLogin(ctx context.Context, userID int64, device string, max int, lockUntil time.Time) (ziping.LoginCount, error) {
	var lc ziping.LoginCount
	lock := storedTime(lockUntil)
	err := db.guarded(ctx, func(q querier) error {
		if device == "" {
			return q.QueryRow(ctx, `UPDATE users SET
				failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END,
				locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END
				WHERE id = $3 RETURNING failed_logins, locked_until`, max, lock, userID).Scan(&lc.Failed, stamp{&lc.LockedUntil})
		}
		return q.QueryRow(ctx, `INSERT INTO login_devices AS d (nonce, user_id, failed_logins, locked_until, created_at)
			VALUES ($1, $2, CASE WHEN 1 >= $3 THEN 0 ELSE 1 END, CASE WHEN 1 >= $3 THEN $4::timestamptz END, $5)
			ON CONFLICT (nonce) DO UPDATE SET
				failed_logins = CASE WHEN d.failed_logins + 1 >= $3 THEN 0 ELSE d.failed_logins + 1 END,
				locked_until = CASE WHEN d.failed_logins + 1 >= $3 THEN $4::timestamptz ELSE d.locked_until END
			RETURNING failed_logins, locked_until`, device, userID, max, lock, time.Now()).Scan(&lc.Failed, stamp{&lc.LockedUntil})
	})
	return lc, storeError(err, "count failed login", "用户")
}

// AdmitLogin clears the counter a correct password was held to unless it is locked
// or the user disabled; see ziping.LoginStore.
func (db *DB) AdmitLogin(ctx context.Context, userID int64, device string, now time.Time) (bool, error) {
	at := storedTime(now)
	if device == "" {
		tag, err := db.exec(ctx, "admit login", "", `UPDATE users SET failed_logins = 0, locked_until = NULL
			WHERE id = $1 AND NOT disabled AND (locked_until IS NULL OR locked_until <= $2)`, userID, at)
		return err == nil && tag.RowsAffected() == 1, err
	}
	ok := false
	err := db.atomic(ctx, func(q querier) error {
		var disabled bool
		if err := q.QueryRow(ctx, `SELECT disabled FROM users WHERE id = $1 FOR SHARE`, userID).Scan(&disabled); err != nil || disabled {
			return err
		}
		var locked bool
		err := q.QueryRow(ctx, `SELECT locked_until > $2 FROM login_devices WHERE nonce = $1 FOR UPDATE`, device, at).Scan(&locked)
		if errors.Is(err, pgx.ErrNoRows) {
			ok = true
			return nil
		}
		if err != nil || locked {
			return err
		}
		_, err = q.Exec(ctx, `DELETE FROM login_devices WHERE nonce = $1`, device)
		ok = err == nil
		return err
	})
	return ok, storeError(err, "admit login", "用户")
}

// DeviceLock returns until when a device's counter is locked.
func (db *DB) DeviceLock(ctx context.Context, device string) (time.Time, error) {
	var t time.Time
	err := db.q.QueryRow(ctx, `SELECT locked_until FROM login_devices WHERE nonce = $1`, device).Scan(stamp{&t})
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	return t, storeError(err, "device lock", "")
}

// DeleteUserSessions deletes a user's sessions but one.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64, except string) (int, error) {
	tag, err := db.exec(ctx, "delete user sessions", "", `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, except)
	return int(tag.RowsAffected()), err
}
