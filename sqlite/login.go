package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"ziping"
)

// FailLogin counts a wrong password in one statement; see ziping.LoginStore. SET
// expressions read the row as it was, so the count and the lock agree.
func (c conn) FailLogin(ctx context.Context, userID int64, device string, max int, lockUntil time.Time) (ziping.LoginCount, error) {
	var lc ziping.LoginCount
	lock := dbTime(storedTime(lockUntil))
	var row *sql.Row
	if device == "" {
		row = c.q.QueryRowContext(ctx, `UPDATE users SET
			failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
			locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
			WHERE id = ? RETURNING failed_logins, locked_until`, max, max, lock, userID)
	} else {
		row = c.q.QueryRowContext(ctx, `INSERT INTO login_devices (nonce, user_id, failed_logins, locked_until, created_at)
			VALUES (?, ?, CASE WHEN 1 >= ? THEN 0 ELSE 1 END, CASE WHEN 1 >= ? THEN ? END, ?)
			ON CONFLICT (nonce) DO UPDATE SET
				failed_logins = CASE WHEN login_devices.failed_logins + 1 >= ? THEN 0 ELSE login_devices.failed_logins + 1 END,
				locked_until = CASE WHEN login_devices.failed_logins + 1 >= ? THEN ? ELSE login_devices.locked_until END
			RETURNING failed_logins, locked_until`,
			device, userID, max, max, lock, dbTime(time.Now()), max, max, lock)
	}
	if err := row.Scan(&lc.Failed, stamp{&lc.LockedUntil}); err != nil {
		return lc, storeError(err, "count failed login", "用户")
	}
	return lc, nil
}

// AdmitLogin clears the counter a correct password was held to unless it is locked
// or the user disabled; see ziping.LoginStore.
func (c conn) AdmitLogin(ctx context.Context, userID int64, device string, now time.Time) (bool, error) {
	at := dbTime(storedTime(now))
	if device == "" {
		res, err := c.q.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL
			WHERE id = ? AND NOT disabled AND (locked_until IS NULL OR locked_until <= ?)`, userID, at)
		if err != nil {
			return false, storeError(err, "admit login", "")
		}
		n, err := res.RowsAffected()
		return n == 1, storeError(err, "admit login", "")
	}
	var disabled bool
	if err := c.q.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = ?`, userID).Scan(&disabled); err != nil {
		return false, storeError(err, "admit login", "用户")
	}
	if disabled {
		return false, nil
	}
	if _, err := c.q.ExecContext(ctx, `DELETE FROM login_devices WHERE nonce = ? AND (locked_until IS NULL OR locked_until <= ?)`,
		device, at); err != nil {
		return false, storeError(err, "admit login", "")
	}
	var locked int
	err := c.q.QueryRowContext(ctx, `SELECT count(*) FROM login_devices WHERE nonce = ?`, device).Scan(&locked)
	return locked == 0, storeError(err, "admit login", "")
}

// DeviceLock returns until when a device's counter is locked.
func (c conn) DeviceLock(ctx context.Context, device string) (time.Time, error) {
	var t time.Time
	err := c.q.QueryRowContext(ctx, `SELECT locked_until FROM login_devices WHERE nonce = ?`, device).Scan(stamp{&t})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return t, storeError(err, "device lock", "")
}

// DeleteUserSessions deletes a user's sessions but one.
func (c conn) DeleteUserSessions(ctx context.Context, userID int64, except string) (int, error) {
	res, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, except)
	if err != nil {
		return 0, storeError(err, "delete user sessions", "")
	}
	n, err := res.RowsAffected()
	return int(n), storeError(err, "delete user sessions", "")
}
