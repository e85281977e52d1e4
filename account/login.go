package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"ziping"
)

// ErrBadLogin is the one answer to every refused sign-in: a wrong user name, a wrong
// password, a locked or a disabled account. It does not say which, so that names
// cannot be found out by asking (and each costs one password hash, so neither by
// timing).
var ErrBadLogin = ziping.Errorf(ziping.Unauthorized, "用户名或密码错误")

// ErrLoginBusy answers a sign-in that found every password-hashing slot taken for
// longer than HashWait: argon2id takes 64 MiB a hash, and a flood of attempts must
// not take the server's memory with it.
var ErrLoginBusy = ziping.Errorf(ziping.Busy, "登录的人太多，请稍后再试")

// LoginAttempt is one sign-in.
type LoginAttempt struct {
	Username, Password, IP string
	// Device is the browser's device cookie, empty when it has none.
	Device string
}

// LoginResult is a successful sign-in: the session token for the cookie (the store
// keeps only its hash), and a fresh device cookie for the browser.
type LoginResult struct {
	Token   string
	Session *ziping.Session
	User    *ziping.User
	Device  string
}

// Login checks a user name and password and opens a session; see LoginWith.
func (s *Service) Login(ctx context.Context, username, password, ip string) (string, *ziping.Session, *ziping.User, error) {
	r, err := s.LoginWith(ctx, LoginAttempt{Username: username, Password: password, IP: ip})
	if err != nil {
		return "", nil, nil, err
	}
	return r.Token, r.Session, r.User, nil
}

// LoginWith checks a sign-in. Every attempt costs one password hash, under the
// hashing semaphore, whatever the account: unknown names are checked against a
// dummy hash. A browser with a valid device cookie for the account is held only to
// its own counter (OWASP's device cookies); every other client to the account's.
// MaxFailedLogins wrong passwords in a row lock that counter for LockFor. Every
// attempt is audited; every refusal is ErrBadLogin.
func (s *Service) LoginWith(ctx context.Context, at LoginAttempt) (*LoginResult, error) {
	release, err := s.acquireHash(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	// The account is read once the slot is held: an attempt that queued behind
	// others sees the lock their failures set.
	u, err := s.Store.UserByName(ctx, at.Username)
	if err != nil && !ziping.IsNotFound(err) {
		return nil, err
	}
	actor := &ziping.Actor{IP: at.IP, User: u}
	if u == nil {
		s.verifyDummy(at.Password)
		actor.User = &ziping.User{Username: at.Username}
		_ = s.audit(ctx, s.Store, actor, "login_failed", "user:"+at.Username, 0, nil, map[string]string{"reason": "no such user"})
		return nil, ErrBadLogin
	}
	device := s.deviceFor(at.Device, u)
	now := s.now()
	lockedUntil, err := s.lockOf(ctx, u, device)
	if err != nil {
		return nil, err
	}
	ok, verr := s.Hasher.Verify(at.Password, u.PasswordHash)
	switch {
	case u.Disabled:
		return nil, s.refuse(ctx, actor, u, "disabled", device)
	case now.Before(lockedUntil):
		return nil, s.refuse(ctx, actor, u, "locked", device)
	case verr != nil || !ok:
		return nil, s.loginFailed(ctx, actor, u, device, now)
	}
	return s.openSession(ctx, actor, u, device, now, at.IP)
}

// lockOf is until when the counter the attempt is held to is locked.
func (s *Service) lockOf(ctx context.Context, u *ziping.User, device string) (time.Time, error) {
	if device == "" {
		return u.LockedUntil, nil
	}
	return s.Store.DeviceLock(ctx, device)
}

func (s *Service) refuse(ctx context.Context, actor *ziping.Actor, u *ziping.User, reason, device string) error {
	_ = s.audit(ctx, s.Store, actor, "login_failed", userObject(u), u.ScopeID, nil,
		map[string]any{"reason": reason, "trusted_device": device != ""})
	return ErrBadLogin
}

func (s *Service) loginFailed(ctx context.Context, actor *ziping.Actor, u *ziping.User, device string, now time.Time) error {
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		c, err := tx.FailLogin(ctx, u.ID, device, s.MaxFailedLogins, now.Add(s.LockFor))
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "login_failed", userObject(u), u.ScopeID, nil,
			map[string]any{"reason": "wrong password", "locked": now.Before(c.LockedUntil), "trusted_device": device != ""})
	})
	if err != nil {
		return err
	}
	return ErrBadLogin
}

// openSession admits a correct password unless the counter it is held to was locked
// (or the user disabled) meanwhile, by another attempt on any instance, and opens
// the session.
func (s *Service) openSession(ctx context.Context, actor *ziping.Actor, u *ziping.User, device string, now time.Time, ip string) (*LoginResult, error) {
	token := s.random(32)
	sess := &ziping.Session{TokenHash: ziping.TokenHash(token), UserID: u.ID, CSRF: s.random(32), CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL), IP: ip}
	admitted := false
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		var err error
		if admitted, err = tx.AdmitLogin(ctx, u.ID, device, now); err != nil || !admitted {
			return err
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "login", userObject(u), u.ScopeID, nil, map[string]any{"trusted_device": device != ""})
	})
	if err != nil {
		return nil, err
	}
	if !admitted {
		return nil, s.refuse(ctx, actor, u, "locked", device)
	}
	if device == "" {
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
	}
	return &LoginResult{Token: token, Session: sess, User: u, Device: s.newDevice(u)}, nil
}

func userObject(u *ziping.User) string { return "user:" + u.Username }

// acquireHash takes one of the password-hashing slots (DefaultHashSlots), waiting
// at most HashWait, and returns its release.
func (s *Service) acquireHash(ctx context.Context) (func(), error) {
	s.hashOnce.Do(func() {
		n := s.HashSlots
		if n <= 0 {
			n = DefaultHashSlots()
		}
		s.hashSem = make(chan struct{}, n)
	})
	wait := s.HashWait
	if wait == 0 {
		wait = 2 * time.Second
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case s.hashSem <- struct{}{}:
		return func() { <-s.hashSem }, nil
	case <-t.C:
		return nil, ErrLoginBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// DefaultHashSlots is the number of password hashes computed at once: one a core,
// at most four, so that the hashes' memory (argon2id: 64 MiB each) stays bounded on
// any machine (4 × 64 MiB), and sign-ins cannot starve the pages of every core.
func DefaultHashSlots() int { return max(1, min(runtime.NumCPU(), 4)) }

// verifyDummy spends on an unknown name what a known one costs: one verification
// against a hash made with the same parameters.
func (s *Service) verifyDummy(password string) {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = s.Hasher.Hash(s.random(16))
	})
	if s.dummyHash != "" {
		_, _ = s.Hasher.Verify(password, s.dummyHash)
	}
}

// Device cookies (OWASP "Slow down online guessing attacks with device cookies"):
// after a successful sign-in the browser gets "v1.<user id>.<nonce>.<mac>", a MAC
// under DeviceKey. A browser that presents a valid one for the account it signs in
// to is trusted: it is held to its own counter (kept by nonce), not to the
// account's lock that others' guesses caused.
const deviceVersion = "v1"

// newDevice issues a device cookie naming u; empty when no DeviceKey is set.
func (s *Service) newDevice(u *ziping.User) string {
	if len(s.DeviceKey) == 0 {
		return ""
	}
	body := deviceVersion + "." + strconv.FormatInt(u.ID, 10) + "." + s.random(16)
	return body + "." + s.deviceMAC(body)
}

// deviceFor returns the nonce of cookie when it is a valid device cookie for u, and
// "" (an untrusted client) otherwise.
func (s *Service) deviceFor(cookie string, u *ziping.User) string {
	if len(s.DeviceKey) == 0 || cookie == "" || len(cookie) > 200 {
		return ""
	}
	i := strings.LastIndexByte(cookie, '.')
	if i < 0 {
		return ""
	}
	body, mac := cookie[:i], cookie[i+1:]
	if !hmac.Equal([]byte(mac), []byte(s.deviceMAC(body))) {
		return ""
	}
	parts := strings.Split(body, ".")
	if len(parts) != 3 || parts[0] != deviceVersion || parts[1] != strconv.FormatInt(u.ID, 10) || len(parts[2]) != 32 {
		return ""
	}
	return parts[2]
}

func (s *Service) deviceMAC(body string) string {
	m := hmac.New(sha256.New, s.DeviceKey)
	fmt.Fprintf(m, "ziping-device|%s", body)
	return hex.EncodeToString(m.Sum(nil))
}

// Authenticate returns the actor of a session token: Unauthorized when the session
// does not exist, has expired, or its user is disabled.
func (s *Service) Authenticate(ctx context.Context, token, ip string) (*ziping.Actor, *ziping.Session, error) {
	if token == "" {
		return nil, nil, ziping.Errorf(ziping.Unauthorized, "请先登录")
	}
	sess, err := s.Store.Session(ctx, ziping.TokenHash(token))
	if ziping.ErrorKind(err) == ziping.NotFound || (err == nil && !s.now().Before(sess.ExpiresAt)) {
		return nil, nil, ziping.Errorf(ziping.Unauthorized, "登录已过期，请重新登录")
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.Store.User(ctx, sess.UserID)
	if err != nil || u.Disabled {
		return nil, nil, ziping.Errorf(ziping.Unauthorized, "请先登录")
	}
	a := &ziping.Actor{User: u, IP: ip}
	if u.Role != ziping.RoleAdmin {
		if a.Scope, err = s.Store.Unit(ctx, u.ScopeID); err != nil {
			return nil, nil, fmt.Errorf("scope of %s: %w", u.Username, err)
		}
	}
	return a, sess, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, a *ziping.Actor, token string) error {
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		if err := tx.DeleteSession(ctx, ziping.TokenHash(token)); err != nil && ziping.ErrorKind(err) != ziping.NotFound {
			return err
		}
		return s.audit(ctx, tx, a, "logout", userObject(a.User), a.User.ScopeID, nil, nil)
	})
}
