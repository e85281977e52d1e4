package account

import (
	"context"
	"strings"

	"ziping"
)

// SetScope moves a user to another unit (the subtree it sees and, for fillers, may
// change). Admins only; an admin has no scope. The user's sessions end, so that no
// page open under the old scope goes on being used. Audited with the old and the
// new unit.
func (s *Service) SetScope(ctx context.Context, a *ziping.Actor, username, scope string) (*ziping.User, error) {
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "只有管理员可以修改用户的所属单位")
	}
	scope = strings.TrimSpace(scope)
	var out *ziping.User
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		u, err := tx.UserByName(ctx, username)
		if err != nil {
			return err
		}
		if u.Role == ziping.RoleAdmin {
			return ziping.Errorf(ziping.Invalid, "系统管理员不属于某个单位，不能设置所属单位")
		}
		if scope == "" {
			return ziping.Errorf(ziping.Invalid, "请填写所属单位代码")
		}
		unit, err := tx.UnitByCode(ctx, scope)
		if ziping.IsNotFound(err) {
			return ziping.Errorf(ziping.Invalid, "没有代码为 %s 的单位", scope)
		}
		if err != nil {
			return err
		}
		old := ""
		if u.ScopeID != 0 {
			if prev, err := tx.Unit(ctx, u.ScopeID); err == nil {
				old = prev.Code
			}
		}
		if u.ScopeID == unit.ID {
			out = u
			return nil
		}
		u.ScopeID = unit.ID
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		n, err := tx.DeleteUserSessions(ctx, u.ID, "")
		if err != nil {
			return err
		}
		out = u
		return s.audit(ctx, tx, a, "user_scope", userObject(u), unit.ID, map[string]any{"scope": old},
			map[string]any{"scope": scope, "sessions_ended": n})
	})
	if ziping.IsNotFound(err) {
		return nil, ziping.Errorf(ziping.NotFound, "没有用户「%s」", username)
	}
	return out, err
}
