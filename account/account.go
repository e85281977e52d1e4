// Package account is who may sign in and who they are: sign-in with its lockout
// and device cookies, sessions, passwords and their policy, and the users an admin
// adds, disables, enables, unlocks and resets.
package account

import (
	"context"
	"io"
	"sync"
	"time"

	"ziping"
)

// Store is the part of ziping.Store that accounts need.
type Store interface {
	Tx(ctx context.Context, fn func(tx ziping.Store) error) error
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
	UnitByCode(ctx context.Context, code string) (*ziping.OrgUnit, error)
	CreateUser(ctx context.Context, u *ziping.User) error
	User(ctx context.Context, id int64) (*ziping.User, error)
	UserByName(ctx context.Context, username string) (*ziping.User, error)
	UpdateUser(ctx context.Context, u *ziping.User) error
	Users(ctx context.Context) ([]ziping.User, error)
	CreateSession(ctx context.Context, s *ziping.Session) error
	Session(ctx context.Context, tokenHash string) (*ziping.Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) error
	ziping.LoginStore
	ziping.AuditAppender
}

// PasswordHasher hashes and verifies passwords (argon2id in production).
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(password, encoded string) (bool, error)
}

// Service signs people in and manages their accounts. Time and randomness are
// injected so that tests are deterministic.
type Service struct {
	Store      Store
	Hasher     PasswordHasher
	Audit      *ziping.Auditor
	Now        func() time.Time
	Random     io.Reader // crypto/rand.Reader when nil
	SessionTTL time.Duration
	// MaxFailedLogins wrong passwords in a row lock an account for LockFor.
	MaxFailedLogins int
	LockFor         time.Duration
	// HashSlots bounds the password hashes computed at once (argon2id: 64 MiB
	// each); DefaultHashSlots when zero. A sign-in waits at most HashWait (2 s
	// when zero) for a slot, then gets ErrLoginBusy.
	HashSlots int
	HashWait  time.Duration
	// DeviceKey signs device cookies; none are issued or trusted when empty.
	DeviceKey []byte

	hashOnce  sync.Once
	hashSem   chan struct{}
	dummyOnce sync.Once
	dummyHash string
}

// New returns a Service with the production defaults: 12-hour sessions, five wrong
// passwords lock an account for 15 minutes.
func New(st Store, h PasswordHasher, au *ziping.Auditor) *Service {
	return &Service{Store: st, Hasher: h, Audit: au, Now: time.Now, SessionTTL: 12 * time.Hour, MaxFailedLogins: 5, LockFor: 15 * time.Minute}
}

func (s *Service) now() time.Time { return ziping.AuditTime(s.Now()) }

func (s *Service) random(n int) string { return ziping.RandomHex(s.Random, n) }

// audit appends an entry for actor through st.
func (s *Service) audit(ctx context.Context, st ziping.AuditAppender, a *ziping.Actor, action, object string, unit int64, old, new any) error {
	return s.Audit.Append(ctx, st, ziping.NewAuditEntry(s.now(), a, action, object, unit, old, new))
}

// SweepSessions deletes the sessions that have expired.
func (s *Service) SweepSessions(ctx context.Context) error {
	return s.Store.DeleteExpiredSessions(ctx, s.Now())
}
