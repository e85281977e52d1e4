package ziping

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// PasswordHasher hashes and verifies passwords (argon2id in production).
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(password, encoded string) (bool, error)
}

// Service holds the use cases: who may do what, and what is written with its audit
// entry. Time and randomness are injected so that tests are deterministic.
type Service struct {
	Store      Store
	Hasher     PasswordHasher
	Now        func() time.Time
	Random     io.Reader // crypto/rand.Reader when nil
	SessionTTL time.Duration
	// MaxFailedLogins wrong passwords in a row lock an account for LockFor.
	MaxFailedLogins int
	LockFor         time.Duration

	// MaxEvidence bounds one evidence file; DefaultMaxEvidence when zero.
	MaxEvidence int64
	// Reports builds self-evaluation reports; nil leaves reports out (and out of the
	// readiness check).
	Reports Reporter

	// HashSlots bounds the password hashes computed at once (argon2id: 64 MiB
	// each); DefaultHashSlots when zero. A sign-in waits at most HashWait (2 s
	// when zero) for a slot, then gets ErrLoginBusy.
	HashSlots int
	HashWait  time.Duration
	// DeviceKey signs device cookies; none are issued or trusted when empty.
	DeviceKey []byte
	// AuditKey keys the audit chain's HMAC (see audit.go); nil keeps the unkeyed
	// SHA-256 chain of older databases.
	AuditKey []byte
	// Checkpoints receives the audit chain's head every CheckpointEvery entries
	// (100 when zero) and when Checkpoint is called; nil: none are written.
	Checkpoints     CheckpointLog
	CheckpointEvery int
	// Uploads bounds the uploads waiting for confirmation; Limits the imports.
	Uploads UploadLimits
	Limits  ImportLimits

	hashOnce       sync.Once
	hashSem        chan struct{}
	dummyOnce      sync.Once
	dummyHash      string
	audits         atomic.Int64 // entries appended since the last checkpoint
	cpMu           sync.Mutex
	lastCheckpoint int64
	cpLoaded       bool

	cache   *datasetCache  // nil: no caching (a Service built as a literal)
	progs   *programCache  // compiled framework versions
	snaps   *snapshotCache // decoded snapshots
	sums    *summaryCache  // decoded assessment summaries
	issues  *issueCache    // report findings
	results *resultCache   // assessments' results by version and dataset
}

// NewService returns a Service with the production defaults: 12-hour sessions, five
// wrong passwords lock an account for 15 minutes.
func NewService(st Store, h PasswordHasher) *Service {
	return &Service{Store: st, Hasher: h, Now: time.Now, SessionTTL: 12 * time.Hour, MaxFailedLogins: 5, LockFor: 15 * time.Minute,
		cache: &datasetCache{}, progs: &programCache{}, snaps: &snapshotCache{}, sums: &summaryCache{}, issues: &issueCache{}, results: &resultCache{}}
}

// Actor is who is acting: a signed-in user with the unit of its scope, or the
// system itself (command-line administration on the server) when User is nil.
type Actor struct {
	User  *User
	Scope *OrgUnit // nil for admins and the system
	IP    string
}

// System is the actor of command-line administration.
var System = &Actor{IP: "cli"}

// IsAdmin reports whether the actor may do everything.
func (a *Actor) IsAdmin() bool { return a.User == nil || a.User.Role == RoleAdmin }

// CanSee reports whether the actor may read unit u's pages and data.
func (a *Actor) CanSee(u *OrgUnit) bool {
	return a.IsAdmin() || (a.Scope != nil && u.InSubtree(a.Scope))
}

// CanEdit reports whether the actor may change unit u's data: admins anywhere,
// fillers within their scope. Reviewers and viewers read only.
func (a *Actor) CanEdit(u *OrgUnit) bool {
	return a.IsAdmin() || (a.User.Role == RoleFiller && a.Scope != nil && u.InSubtree(a.Scope))
}

func (a *Actor) userID() int64 {
	if a.User == nil {
		return 0
	}
	return a.User.ID
}

func (a *Actor) username() string {
	if a.User == nil {
		return "system"
	}
	return a.User.Username
}

func (s *Service) now() time.Time { return AuditTime(s.Now()) }

func (s *Service) random(n int) string {
	b := make([]byte, n)
	r := s.Random
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		panic("ziping: no randomness: " + err.Error()) // the OS RNG does not fail
	}
	return hex.EncodeToString(b)
}

// TokenHash is what the store keeps of a session token.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// audit appends an entry for actor through st.
func (s *Service) audit(ctx context.Context, st Store, a *Actor, action, object string, unit int64, old, new any) error {
	e := &AuditEntry{At: s.now(), UserID: a.userID(), Username: a.username(), IP: a.IP, Action: action, Object: object, UnitID: unit,
		Old: jsonText(old), New: jsonText(new)}
	if err := st.AppendAudit(ctx, e, s.AuditKey); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	s.audits.Add(1)
	return nil
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// IsNotFound reports whether err is a NotFound domain error.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == NotFound
}

// SeedFrameworks saves each given framework version that the store does not hold
// yet, so that every database starts with the built-in frameworks and keeps each
// version a score was made with.
func (s *Service) SeedFrameworks(ctx context.Context, fws []StoredFramework) error {
	for _, f := range fws {
		_, err := s.Store.Framework(ctx, f.ID, f.Version)
		if err == nil {
			continue
		}
		if ErrorKind(err) != NotFound {
			return err
		}
		f.CreatedAt = s.now()
		err = s.Store.Tx(ctx, func(tx Store) error {
			if err := tx.SaveFramework(ctx, &f); err != nil {
				return err
			}
			return s.audit(ctx, tx, System, "framework_save", "framework:"+f.ID+"@"+f.Version, 0, nil,
				map[string]any{"id": f.ID, "version": f.Version, "builtin": f.Builtin})
		})
		if err != nil && ErrorKind(err) != Conflict { // another instance seeded it first
			return err
		}
	}
	return nil
}
