package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"ziping"
)

// The account pages: the users list with unlock, disable and enable (admins), the
// explicit move of a school to another county (admins), and changing one's own
// password (everyone).

// usersPage lists the users with their state and the actions on them.
type usersPage struct {
	Page
	Users   []userRow
	Message string
	Form    userForm // the add form, as typed when it was refused
	Roles   []option
}

type userRow struct {
	Username, Name, Role, Scope string
	ScopeCode                   string // "" for admins: no scope to change
	Disabled                    bool
	LockedUntil                 string // "" when not locked
	Self                        bool
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, userForm{Role: ziping.RoleFiller}, "")
}

// renderUsers is the users page with the add form as given.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, form userForm, msg string) error {
	a := info(r).actor
	users, err := s.svc.Accounts.Users(r.Context(), a)
	if err != nil {
		return err
	}
	p := &usersPage{Form: form, Roles: roleOptions(form.Role), Message: msg}
	now := s.now()
	for _, u := range users {
		row := userRow{Username: u.Username, Name: u.Name, Role: roleName(u.Role), Scope: "—", Disabled: u.Disabled,
			Self: a.User != nil && a.User.ID == u.ID}
		if u.ScopeID != 0 {
			if unit, err := s.svc.Store.Unit(r.Context(), u.ScopeID); err == nil {
				row.Scope, row.ScopeCode = unit.Name+"（"+unit.Code+"）", unit.Code
			}
		}
		if u.LockedUntil.After(now) {
			row.LockedUntil = u.LockedUntil.In(s.zone()).Format("15:04")
		}
		p.Users = append(p.Users, row)
	}
	p.Title, p.Nav = "用户管理", "users"
	p.Crumbs = []crumb{{Name: "用户管理"}}
	return s.render(w, r, status, "users", p)
}

// zone is where times are shown: the configured zone (ziping.Zone, Asia/Shanghai
// unless ZIPING_TZ or serve --tz says otherwise), never the process's local zone.
func (s *Server) zone() *time.Location { return ziping.Zone() }

// userAction unlocks, disables or enables the user in the path, then goes back to
// the list with a message. The service checks that the actor is an admin.
func (s *Server) userAction(verb string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, name := info(r).actor, r.PathValue("name")
		var err error
		var msg string
		switch verb {
		case "unlock":
			_, err = s.svc.Accounts.Unlock(r.Context(), a, name)
			msg = fmt.Sprintf("已解除用户 %s 的锁定。", name)
		case "disable":
			_, err = s.svc.Accounts.SetDisabled(r.Context(), a, name, true)
			msg = fmt.Sprintf("已停用用户 %s，其已登录的会话全部结束。", name)
		default:
			_, err = s.svc.Accounts.SetDisabled(r.Context(), a, name, false)
			msg = fmt.Sprintf("已启用用户 %s。", name)
		}
		if ziping.IsNotFound(err) {
			return ziping.Errorf(ziping.NotFound, "没有用户「%s」", name)
		}
		if err != nil {
			return err
		}
		s.setFlash(w, r, msg)
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
		return nil
	}
}

// schoolMove moves a school to another county: the one way a school changes units.
func (s *Server) schoolMove(w http.ResponseWriter, r *http.Request) error {
	code, to := strings.TrimSpace(r.PostForm.Get("school")), strings.TrimSpace(r.PostForm.Get("to"))
	if code == "" || to == "" {
		if !info(r).actor.IsAdmin() {
			return ziping.Errorf(ziping.Forbidden, "只有管理员可以调整学校的所属单位")
		}
		return ziping.Errorf(ziping.Invalid, "请填写学校代码和调入的区县代码")
	}
	mv, err := s.svc.Data.MoveSchool(r.Context(), info(r).actor, code, to)
	if err != nil && mv == nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("已将学校 %s 从%s调入%s（%d行数据随之调整）。", code, mv.From.Name, mv.To.Name, mv.Rows))
	http.Redirect(w, r, unitURL(mv.To.Code), http.StatusSeeOther)
	return nil
}

// passwordPage is the form to change one's own password.
type passwordPage struct {
	Page
	Error string
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	p := &passwordPage{}
	p.Title, p.Nav = "修改密码", "password"
	p.Crumbs = []crumb{{Name: "修改密码"}}
	return s.render(w, r, http.StatusOK, "password", p)
}

// passwordChange checks the current password, sets the new one and ends every other
// session of the user; this browser stays signed in.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	p := &passwordPage{}
	p.Title, p.Nav = "修改密码", "password"
	p.Crumbs = []crumb{{Name: "修改密码"}}
	cur, next, again := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("again")
	refuse := func(status int, msg string) error {
		p.Error = msg
		return s.render(w, r, status, "password", p)
	}
	if next != again {
		return refuse(http.StatusBadRequest, "两次输入的新密码不一致")
	}
	if len(cur) > 1024 || len(next) > 1024 {
		return refuse(http.StatusBadRequest, "密码过长")
	}
	if err := s.svc.Accounts.ChangePassword(r.Context(), ri.actor, cur, next, ri.session.TokenHash); err != nil {
		if k := ziping.ErrorKind(err); k == ziping.Invalid || k == ziping.Unauthorized || k == ziping.Busy {
			return refuse(statusOf(err), safeMessage(err, statusOf(err)))
		}
		return err
	}
	s.setFlash(w, r, "密码已修改，您在其他浏览器上的登录已全部结束。")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
