package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ziping"
)

const userColumns = `id, username, name, password_hash, role, COALESCE(scope_id, 0), failed_logins,
	locked_until, disabled, created_at`

func scanUser(r pgx.Row, u *ziping.User) error {
	return r.Scan(&u.ID, &u.Username, &u.Name, &u.PasswordHash, &u.Role, &u.ScopeID, &u.FailedLogins,
		stamp{&u.LockedUntil}, &u.Disabled, stamp{&u.CreatedAt})
}

// CreateUser inserts u and sets its ID. A zero CreatedAt becomes now; the times in u
// are set to what is stored (UTC, microseconds). A taken username is a Conflict, a
// scope unit that does not exist is NotFound.
func (db *DB) CreateUser(ctx context.Context, u *ziping.User) error {
	created := nowIfZero(u.CreatedAt)
	var id int64
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO users (username, name, password_hash, role, scope_id,
			failed_logins, locked_until, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			RETURNING id`,
			u.Username, u.Name, u.PasswordHash, u.Role, nullID(u.ScopeID), u.FailedLogins,
			dbTime(u.LockedUntil), u.Disabled, created).Scan(&id)
	})
	if err != nil {
		return storeError(err, "create user", fmt.Sprintf("用户名「%s」", u.Username))
	}
	u.ID, u.CreatedAt, u.LockedUntil = id, created, storedTime(u.LockedUntil)
	return nil
}

// User returns the user with the given id.
func (db *DB) User(ctx context.Context, id int64) (*ziping.User, error) {
	var u ziping.User
	err := scanUser(db.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id), &u)
	if err != nil {
		return nil, storeError(err, "user", fmt.Sprintf("用户（编号 %d）", id))
	}
	return &u, nil
}

// UserByName returns the user with the given username (exact match).
func (db *DB) UserByName(ctx context.Context, username string) (*ziping.User, error) {
	var u ziping.User
	err := scanUser(db.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username), &u)
	if err != nil {
		return nil, storeError(err, "user by name", fmt.Sprintf("用户「%s」", username))
	}
	return &u, nil
}

// UpdateUser writes every field of u but ID and CreatedAt.
func (db *DB) UpdateUser(ctx context.Context, u *ziping.User) error {
	tag, err := db.exec(ctx, "update user", fmt.Sprintf("用户名「%s」", u.Username),
		`UPDATE users SET username = $1, name = $2, password_hash = $3, role = $4, scope_id = $5,
		failed_logins = $6, locked_until = $7, disabled = $8 WHERE id = $9`,
		u.Username, u.Name, u.PasswordHash, u.Role, nullID(u.ScopeID), u.FailedLogins,
		dbTime(u.LockedUntil), u.Disabled, u.ID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return noRow("update user", fmt.Sprintf("用户（编号 %d）", u.ID))
	}
	u.LockedUntil = storedTime(u.LockedUntil)
	return nil
}

// Users returns every user, ordered by id.
func (db *DB) Users(ctx context.Context) ([]ziping.User, error) {
	rows, err := db.q.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	return collect(rows, err, "users", scanUser)
}

// noRow is the NotFound error of a statement that changed no row.
func noRow(op, what string) error {
	return &ziping.Error{Kind: ziping.NotFound, Msg: "找不到" + what, Err: fmt.Errorf("%s: no row", op)}
}

const sessionColumns = `token_hash, user_id, csrf, created_at, expires_at, ip`

// CreateSession stores s. A zero CreatedAt becomes now; the times in s are set to
// what is stored. A user that does not exist is NotFound, a token hash already
// stored a Conflict.
func (db *DB) CreateSession(ctx context.Context, s *ziping.Session) error {
	created := nowIfZero(s.CreatedAt)
	_, err := db.exec(ctx, "create session", "会话",
		`INSERT INTO sessions (`+sessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		s.TokenHash, s.UserID, s.CSRF, created, dbTime(s.ExpiresAt), s.IP)
	if err != nil {
		return err
	}
	s.CreatedAt, s.ExpiresAt = created, storedTime(s.ExpiresAt)
	return nil
}

// Session returns the session with the given token hash, expired or not: whether it
// still counts is the caller's decision.
func (db *DB) Session(ctx context.Context, tokenHash string) (*ziping.Session, error) {
	var s ziping.Session
	err := db.q.QueryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = $1`, tokenHash).
		Scan(&s.TokenHash, &s.UserID, &s.CSRF, stamp{&s.CreatedAt}, stamp{&s.ExpiresAt}, &s.IP)
	if err != nil {
		return nil, storeError(err, "session", "会话")
	}
	return &s, nil
}

// DeleteSession deletes the session; NotFound when there is none.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	tag, err := db.exec(ctx, "delete session", "", `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return noRow("delete session", "会话")
	}
	return nil
}

// DeleteExpiredSessions deletes the sessions whose ExpiresAt is at or before now: a
// session expires at its ExpiresAt instant.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := db.exec(ctx, "delete expired sessions", "",
		`DELETE FROM sessions WHERE expires_at <= $1`, storedTime(now))
	return err
}
