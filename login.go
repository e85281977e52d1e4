package ziping

import (
	"context"
	"time"
)

// LoginStore keeps the sign-in counters. Each change is one atomic statement, so
// that concurrent wrong passwords, on one instance or several, are all counted.
type LoginStore interface {
	// FailLogin counts one wrong password against the account's counter for
	// untrusted clients (device "") or against device's own counter (creating it for
	// userID). The max-th failure in a row locks the counter until lockUntil and
	// starts the count again. It returns the counter as it now stands.
	FailLogin(ctx context.Context, userID int64, device string, max int, lockUntil time.Time) (LoginCount, error)
	// AdmitLogin clears the counter that a correct password was held to (device ""
	// for the account's) when, at now, that counter is not locked and the user is not
	// disabled; otherwise it changes nothing and returns false.
	AdmitLogin(ctx context.Context, userID int64, device string, now time.Time) (bool, error)
	// DeviceLock returns until when device's counter is locked (zero when it is not,
	// or there is no such device).
	DeviceLock(ctx context.Context, device string) (time.Time, error)
	// DeleteUserSessions deletes the user's sessions but the one whose token hash is
	// except, and returns how many it deleted.
	DeleteUserSessions(ctx context.Context, userID int64, except string) (int, error)
}

// LoginCount is a sign-in counter: failures in a row since the last success or lock.
type LoginCount struct {
	Failed      int
	LockedUntil time.Time
}
