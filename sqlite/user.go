package sqlite

import (
	"context"
	"fmt"
	"time"

	"ziping"
)

const userColumns = `id, username, name, password_hash, role, COALESCE(scope_id, 0), failed_logins,
	locked_until, disabled, created_at`

func scanUser(s scanner, u *ziping.User) error {
	return s.Scan(&u.ID, &u.Username, &u.Name, &u.PasswordHash, &u.Role, &u.ScopeID, &u.FailedLogins,
		stamp{&u.LockedUntil}, &u.Disabled, stamp{&u.CreatedAt})
}

// CreateUser inserts u and sets its ID. A zero CreatedAt becomes now; the times in u
// are set to what is stored (UTC, microseconds). A taken username is a Conflict, a
// scope unit that does not exist is NotFound.
func (c conn) CreateUser(ctx context.Context, u *ziping.User) error {
	created := nowIfZero(u.CreatedAt)
	err := c.q.QueryRowContext(ctx, `INSERT INTO users (username, name, password_hash, role, scope_id,
		failed_logins, locked_until, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.Name, u.PasswordHash, u.Role, nullID(u.ScopeID), u.FailedLogins, dbTime(u.LockedUntil),
		u.Disabled, dbTime(created)).Scan(&u.ID)
	if err != nil {
		return storeError(err, "create user", fmt.Sprintf("用户名「%s」", u.Username))
	}
	u.CreatedAt, u.LockedUntil = created, storedTime(u.LockedUntil)
	return nil
}

// User returns the user with the given id.
func (c conn) User(ctx context.Context, id int64) (*ziping.User, error) {
	var u ziping.User
	err := scanUser(c.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id), &u)
	if err != nil {
		return nil, storeError(err, "user", fmt.Sprintf("用户（编号 %d）", id))
	}
	return &u, nil
}

// UserByName returns the user with the given username (exact match).
func (c conn) UserByName(ctx context.Context, username string) (*ziping.User, error) {
	var u ziping.User
	err := scanUser(c.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username), &u)
	if err != nil {
		return nil, storeError(err, "user by name", fmt.Sprintf("用户「%s」", username))
	}
	return &u, nil
}

// UpdateUser writes every field of u but ID and CreatedAt.
func (c conn) UpdateUser(ctx context.Context, u *ziping.User) error {
	res, err := c.q.ExecContext(ctx, `UPDATE users SET username = ?, name = ?, password_hash = ?, role = ?,
		scope_id = ?, failed_logins = ?, locked_until = ?, disabled = ? WHERE id = ?`,
		u.Username, u.Name, u.PasswordHash, u.Role, nullID(u.ScopeID), u.FailedLogins, dbTime(u.LockedUntil),
		u.Disabled, u.ID)
	if err != nil {
		return storeError(err, "update user", fmt.Sprintf("用户名「%s」", u.Username))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFoundIfNone(err, "update user", fmt.Sprintf("用户（编号 %d）", u.ID))
	}
	u.LockedUntil = storedTime(u.LockedUntil)
	return nil
}

// Users returns every user, ordered by id.
func (c conn) Users(ctx context.Context) ([]ziping.User, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, storeError(err, "users", "")
	}
	defer rows.Close()
	var out []ziping.User
	for rows.Next() {
		var u ziping.User
		if err := scanUser(rows, &u); err != nil {
			return nil, internal("scan user", err)
		}
		out = append(out, u)
	}
	return out, storeError(rows.Err(), "users", "")
}

// notFoundIfNone is the error for a statement that changed no row: err when there
// is one, NotFound otherwise.
func notFoundIfNone(err error, op, what string) error {
	if err != nil {
		return internal(op, err)
	}
	return &ziping.Error{Kind: ziping.NotFound, Msg: "找不到" + what, Err: fmt.Errorf("%s: no row", op)}
}

const sessionColumns = `token_hash, user_id, csrf, created_at, expires_at, ip`

// CreateSession stores s. A zero CreatedAt becomes now; the times in s are set to
// what is stored. A user that does not exist is NotFound, a token hash already
// stored a Conflict.
func (c conn) CreateSession(ctx context.Context, s *ziping.Session) error {
	created := nowIfZero(s.CreatedAt)
	_, err := c.q.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.UserID, s.CSRF, dbTime(created), dbTime(s.ExpiresAt), s.IP)
	if err != nil {
		return storeError(err, "create session", "会话")
	}
	s.CreatedAt, s.ExpiresAt = created, storedTime(s.ExpiresAt)
	return nil
}

// Session returns the session with the given token hash, expired or not: whether it
// still counts is the caller's decision.
func (c conn) Session(ctx context.Context, tokenHash string) (*ziping.Session, error) {
	var s ziping.Session
	err := c.q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = ?`, tokenHash).
		Scan(&s.TokenHash, &s.UserID, &s.CSRF, stamp{&s.CreatedAt}, stamp{&s.ExpiresAt}, &s.IP)
	if err != nil {
		return nil, storeError(err, "session", "会话")
	}
	return &s, nil
}

// DeleteSession deletes the session; NotFound when there is none.
func (c conn) DeleteSession(ctx context.Context, tokenHash string) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	if err != nil {
		return storeError(err, "delete session", "")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFoundIfNone(err, "delete session", "会话")
	}
	return nil
}

// DeleteExpiredSessions deletes the sessions whose ExpiresAt is at or before now: a
// session expires at its ExpiresAt instant.
func (c conn) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, dbTime(storedTime(now)))
	return storeError(err, "delete expired sessions", "")
}
