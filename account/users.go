package account

import (
	"context"
	"slices"
	"strings"
	"time"

	"ziping"
)

// NewUser is what AddUser needs.
type NewUser struct {
	Username, Name, Password, Role string
	Scope                          string // unit code; empty for admins
}

// AddUser creates a user. Only admins (and the system) may.
func (s *Service) AddUser(ctx context.Context, a *ziping.Actor, nu NewUser) (*ziping.User, error) {
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "只有管理员可以添加用户")
	}
	u := &ziping.User{Username: strings.TrimSpace(nu.Username), Name: strings.TrimSpace(nu.Name), Role: nu.Role, CreatedAt: s.now()}
	if err := s.checkNewUser(ctx, u, nu); err != nil {
		return nil, err
	}
	release, err := s.acquireHash(ctx)
	if err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(nu.Password)
	release()
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	err = s.Store.Tx(ctx, func(tx ziping.Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			if ziping.ErrorKind(err) == ziping.Conflict {
				return ziping.Errorf(ziping.Conflict, "用户名「%s」已存在", u.Username)
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

var roles = []string{ziping.RoleAdmin, ziping.RoleReviewer, ziping.RoleFiller, ziping.RoleViewer}

func (s *Service) checkNewUser(ctx context.Context, u *ziping.User, nu NewUser) error {
	switch {
	case !validUsername(u.Username):
		return ziping.Errorf(ziping.Invalid, "用户名只能由3至32位字母、数字、下划线、点或连字符组成")
	case !slices.Contains(roles, u.Role):
		return ziping.Errorf(ziping.Invalid, "角色应为系统管理员、督导复核、数据填报或查看之一（admin、reviewer、filler、viewer）")
	case u.Role != ziping.RoleAdmin && nu.Scope == "":
		return ziping.Errorf(ziping.Invalid, "非管理员用户须指定所属单位（单位代码）")
	}
	if err := CheckPassword(nu.Password, u.Username); err != nil {
		return err
	}
	if nu.Scope != "" {
		unit, err := s.Store.UnitByCode(ctx, nu.Scope)
		if ziping.ErrorKind(err) == ziping.NotFound {
			return ziping.Errorf(ziping.Invalid, "没有代码为 %s 的单位", nu.Scope)
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

// SetPassword replaces a user's password (admins for anyone, a user for itself)
// and ends every other session of the user at once: whoever knew the old password
// and signed in with it is out. keep is the token hash of the session that made the
// change, which stays ("" ends them all). The account's lock is lifted.
func (s *Service) SetPassword(ctx context.Context, a *ziping.Actor, username, password, keep string) error {
	if !a.IsAdmin() && a.User.Username != username {
		return ziping.Errorf(ziping.Forbidden, "只能修改自己的密码")
	}
	u, err := s.Store.UserByName(ctx, username)
	if err != nil {
		return err
	}
	if err := CheckPassword(password, u.Username); err != nil {
		return err
	}
	release, err := s.acquireHash(ctx)
	if err != nil {
		return err
	}
	u.PasswordHash, err = s.Hasher.Hash(password)
	release()
	if err != nil {
		return err
	}
	u.FailedLogins, u.LockedUntil = 0, time.Time{}
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		n, err := tx.DeleteUserSessions(ctx, u.ID, keep)
		if err != nil {
			return err
		}
		// Someone else's password set by an admin (or the command line) is a reset.
		action := "user_password"
		if a.User == nil || a.User.Username != username {
			action = "user_password_reset"
		}
		return s.audit(ctx, tx, a, action, userObject(u), u.ScopeID, nil, map[string]any{"sessions_ended": n})
	})
}

// SetDisabled disables a user, ending every session of it at once, or enables it
// again. Admins only; an admin cannot disable itself.
func (s *Service) SetDisabled(ctx context.Context, a *ziping.Actor, username string, disabled bool) (*ziping.User, error) {
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "只有管理员可以停用或启用用户")
	}
	if disabled && a.User != nil && a.User.Username == username {
		return nil, ziping.Errorf(ziping.Invalid, "不能停用自己的账号")
	}
	var u *ziping.User
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		var err error
		if u, err = tx.UserByName(ctx, username); err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		u.Disabled = disabled
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		n := 0
		action := "user_enable"
		if disabled {
			action = "user_disable"
			if n, err = tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, action, userObject(u), u.ScopeID, nil, map[string]any{"sessions_ended": n})
	})
	return u, err
}

// Unlock lifts the lock that wrong passwords put on a user's account (for every
// client without a device cookie). Admins only.
func (s *Service) Unlock(ctx context.Context, a *ziping.Actor, username string) (*ziping.User, error) {
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "只有管理员可以解锁用户")
	}
	var u *ziping.User
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		var err error
		if u, err = tx.UserByName(ctx, username); err != nil {
			return err
		}
		old := map[string]any{"failed_logins": u.FailedLogins, "locked_until": u.LockedUntil}
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "user_unlock", userObject(u), u.ScopeID, old, nil)
	})
	return u, err
}

// Users lists the users; admins only.
func (s *Service) Users(ctx context.Context, a *ziping.Actor) ([]ziping.User, error) {
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "只有管理员可以查看用户")
	}
	return s.Store.Users(ctx)
}

// ChangePassword is a signed-in user changing its own password: the current one is
// checked first (under the hashing semaphore, so that it cannot be used to guess
// faster than the sign-in form), and the user's other sessions end.
func (s *Service) ChangePassword(ctx context.Context, a *ziping.Actor, current, password, keep string) error {
	if a.User == nil {
		return ziping.Errorf(ziping.Forbidden, "请先登录")
	}
	u, err := s.Store.User(ctx, a.User.ID)
	if err != nil {
		return err
	}
	release, err := s.acquireHash(ctx)
	if err != nil {
		return err
	}
	ok, err := s.Hasher.Verify(current, u.PasswordHash)
	release()
	if err != nil || !ok {
		_ = s.audit(ctx, s.Store, a, "user_password_failed", userObject(u), u.ScopeID, nil, nil)
		return ziping.Errorf(ziping.Invalid, "当前密码不正确")
	}
	return s.SetPassword(ctx, a, u.Username, password, keep)
}
