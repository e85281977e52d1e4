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
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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
	if err := st.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
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

// ErrBadLogin is the one answer to a wrong user name or password: it does not say
// which was wrong.
var ErrBadLogin = Errorf(Unauthorized, "用户名或密码错误")

// Login checks a user name and password and opens a session. It returns the session
// token for the cookie (the store keeps only its hash). Wrong passwords are counted;
// MaxFailedLogins in a row lock the account for LockFor. Every attempt is audited.
func (s *Service) Login(ctx context.Context, username, password, ip string) (string, *Session, *User, error) {
	actor := &Actor{IP: ip}
	u, err := s.Store.UserByName(ctx, username)
	if ErrorKind(err) == NotFound {
		actor.User = &User{Username: username}
		_ = s.audit(ctx, s.Store, actor, "login_failed", "user:"+username, 0, nil, map[string]string{"reason": "no such user"})
		return "", nil, nil, ErrBadLogin
	}
	if err != nil {
		return "", nil, nil, err
	}
	actor.User = u
	now := s.now()
	switch {
	case u.Disabled:
		_ = s.audit(ctx, s.Store, actor, "login_failed", userObject(u), u.ScopeID, nil, map[string]string{"reason": "disabled"})
		return "", nil, nil, ErrBadLogin
	case now.Before(u.LockedUntil):
		_ = s.audit(ctx, s.Store, actor, "login_failed", userObject(u), u.ScopeID, nil, map[string]string{"reason": "locked"})
		return "", nil, nil, Errorf(Unauthorized, "密码错误次数过多，账号已锁定，请在%s后重试", u.LockedUntil.In(time.Local).Format("15:04"))
	}
	ok, err := s.Hasher.Verify(password, u.PasswordHash)
	if err != nil || !ok {
		return "", nil, nil, s.loginFailed(ctx, actor, u, now)
	}
	return s.openSession(ctx, actor, u, now, ip)
}

func (s *Service) loginFailed(ctx context.Context, actor *Actor, u *User, now time.Time) error {
	u.FailedLogins++
	if u.FailedLogins >= s.MaxFailedLogins {
		u.LockedUntil = now.Add(s.LockFor)
		u.FailedLogins = 0
	}
	err := s.Store.Tx(ctx, func(tx Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "login_failed", userObject(u), u.ScopeID, nil,
			map[string]any{"reason": "wrong password", "locked": !u.LockedUntil.IsZero() && now.Before(u.LockedUntil)})
	})
	if err != nil {
		return err
	}
	return ErrBadLogin
}

func (s *Service) openSession(ctx context.Context, actor *Actor, u *User, now time.Time, ip string) (string, *Session, *User, error) {
	token := s.random(32)
	sess := &Session{TokenHash: TokenHash(token), UserID: u.ID, CSRF: s.random(32), CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL), IP: ip}
	err := s.Store.Tx(ctx, func(tx Store) error {
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "login", userObject(u), u.ScopeID, nil, nil)
	})
	if err != nil {
		return "", nil, nil, err
	}
	return token, sess, u, nil
}

func userObject(u *User) string { return "user:" + u.Username }

// Authenticate returns the actor of a session token: Unauthorized when the session
// does not exist, has expired, or its user is disabled.
func (s *Service) Authenticate(ctx context.Context, token, ip string) (*Actor, *Session, error) {
	if token == "" {
		return nil, nil, Errorf(Unauthorized, "请先登录")
	}
	sess, err := s.Store.Session(ctx, TokenHash(token))
	if ErrorKind(err) == NotFound || (err == nil && !s.now().Before(sess.ExpiresAt)) {
		return nil, nil, Errorf(Unauthorized, "登录已过期，请重新登录")
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.Store.User(ctx, sess.UserID)
	if err != nil || u.Disabled {
		return nil, nil, Errorf(Unauthorized, "请先登录")
	}
	a := &Actor{User: u, IP: ip}
	if u.Role != RoleAdmin {
		if a.Scope, err = s.Store.Unit(ctx, u.ScopeID); err != nil {
			return nil, nil, fmt.Errorf("scope of %s: %w", u.Username, err)
		}
	}
	return a, sess, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, a *Actor, token string) error {
	return s.Store.Tx(ctx, func(tx Store) error {
		if err := tx.DeleteSession(ctx, TokenHash(token)); err != nil && ErrorKind(err) != NotFound {
			return err
		}
		return s.audit(ctx, tx, a, "logout", userObject(a.User), a.User.ScopeID, nil, nil)
	})
}

// NewUser is what AddUser needs.
type NewUser struct {
	Username, Name, Password, Role string
	Scope                          string // unit code; empty for admins
}

// AddUser creates a user. Only admins (and the system) may.
func (s *Service) AddUser(ctx context.Context, a *Actor, nu NewUser) (*User, error) {
	if !a.IsAdmin() {
		return nil, Errorf(Forbidden, "只有管理员可以添加用户")
	}
	u := &User{Username: strings.TrimSpace(nu.Username), Name: strings.TrimSpace(nu.Name), Role: nu.Role, CreatedAt: s.now()}
	if err := s.checkNewUser(ctx, u, nu); err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(nu.Password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	err = s.Store.Tx(ctx, func(tx Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			if ErrorKind(err) == Conflict {
				return Errorf(Conflict, "用户名「%s」已存在", u.Username)
			}
			return err
		}
		return s.audit(ctx, tx, a, "user_add", userObject(u), u.ScopeID, nil,
			map[string]any{"username": u.Username, "name": u.Name, "role": u.Role, "scope": nu.Scope})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

var roles = []string{RoleAdmin, RoleReviewer, RoleFiller, RoleViewer}

func (s *Service) checkNewUser(ctx context.Context, u *User, nu NewUser) error {
	switch {
	case !validUsername(u.Username):
		return Errorf(Invalid, "用户名只能由3至32位字母、数字、下划线、点或连字符组成")
	case !slices.Contains(roles, u.Role):
		return Errorf(Invalid, "角色应为 admin、reviewer、filler 或 viewer")
	case u.Role != RoleAdmin && nu.Scope == "":
		return Errorf(Invalid, "非管理员用户须指定所属单位（单位代码）")
	}
	if err := CheckPassword(nu.Password); err != nil {
		return err
	}
	if nu.Scope != "" {
		unit, err := s.Store.UnitByCode(ctx, nu.Scope)
		if ErrorKind(err) == NotFound {
			return Errorf(Invalid, "没有代码为 %s 的单位", nu.Scope)
		}
		if err != nil {
			return err
		}
		u.ScopeID = unit.ID
	}
	return nil
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// CheckPassword enforces the password rule: at least 10 characters with a letter and
// a digit, at most 128.
func CheckPassword(p string) error {
	n := utf8.RuneCountInString(p)
	letter := strings.ContainsFunc(p, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
	digit := strings.ContainsFunc(p, func(r rune) bool { return r >= '0' && r <= '9' })
	if n < 10 || n > 128 || !letter || !digit {
		return Errorf(Invalid, "密码须为10至128个字符，并同时包含字母和数字")
	}
	return nil
}

// SetPassword replaces a user's password (admins for anyone, a user for itself) and
// ends none of the user's other sessions' rights except by their expiry.
func (s *Service) SetPassword(ctx context.Context, a *Actor, username, password string) error {
	if !a.IsAdmin() && a.User.Username != username {
		return Errorf(Forbidden, "只能修改自己的密码")
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	u, err := s.Store.UserByName(ctx, username)
	if err != nil {
		return err
	}
	if u.PasswordHash, err = s.Hasher.Hash(password); err != nil {
		return err
	}
	u.FailedLogins, u.LockedUntil = 0, time.Time{}
	return s.Store.Tx(ctx, func(tx Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "user_password", userObject(u), u.ScopeID, nil, nil)
	})
}

// Users lists the users; admins only.
func (s *Service) Users(ctx context.Context, a *Actor) ([]User, error) {
	if !a.IsAdmin() {
		return nil, Errorf(Forbidden, "只有管理员可以查看用户")
	}
	return s.Store.Users(ctx)
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
