package web

import (
	"fmt"
	"net/http"
	"strings"

	"ziping"
	"ziping/account"
)

// User management for admins beyond unlock/disable/enable (account.go): adding a
// user with its first password, resetting a password (the user's sessions end) and
// moving a user to another unit. The services check the actor again and audit.

// userForm is the add-user form as typed (never the password).
type userForm struct {
	Username, Name, Role, Scope string
	Error                       string
}

// roleOptions are the roles of the add form, in Chinese.
func roleOptions(selected string) []option {
	var out []option
	for _, r := range []string{ziping.RoleFiller, ziping.RoleReviewer, ziping.RoleViewer, ziping.RoleAdmin} {
		out = append(out, option{Value: r, Label: roleName(r), Selected: r == selected})
	}
	return out
}

// needAdmin refuses anyone but an admin, before any form is read.
func needAdmin(r *http.Request) error {
	if !info(r).actor.IsAdmin() {
		return ziping.Errorf(ziping.Forbidden, "只有系统管理员可以管理用户")
	}
	return nil
}

// userAdd adds a user; a refusal shows the list again with the form as typed.
func (s *Server) userAdd(w http.ResponseWriter, r *http.Request) error {
	if err := needAdmin(r); err != nil {
		return err
	}
	f := r.PostForm
	form := userForm{Username: strings.TrimSpace(f.Get("username")), Name: strings.TrimSpace(f.Get("name")),
		Role: f.Get("role"), Scope: strings.TrimSpace(f.Get("scope"))}
	pw, again := f.Get("password"), f.Get("again")
	var err error
	switch {
	case len(pw) > 1024 || len(form.Name) > 200:
		err = ziping.Errorf(ziping.Invalid, "输入过长")
	case pw != again:
		err = ziping.Errorf(ziping.Invalid, "两次输入的密码不一致")
	default:
		_, err = s.svc.Accounts.AddUser(r.Context(), info(r).actor, account.NewUser{Username: form.Username, Name: form.Name,
			Password: pw, Role: form.Role, Scope: form.Scope})
	}
	if k := ziping.ErrorKind(err); k == ziping.Invalid || k == ziping.Conflict {
		form.Error = safeMessage(err, statusOf(err))
		return s.renderUsers(w, r, statusOf(err), form, "")
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("已添加用户 %s（%s）。请把初始密码当面或通过安全渠道告知本人，并提醒其登录后修改。", form.Username, roleName(form.Role)))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// userPassword sets a new password for a user; every session of the user ends.
func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) error {
	if err := needAdmin(r); err != nil {
		return err
	}
	a, name := info(r).actor, r.PathValue("name")
	if a.User != nil && a.User.Username == name {
		return ziping.Errorf(ziping.Invalid, "修改自己的密码请使用「修改密码」页面（须输入当前密码）")
	}
	pw, again := r.PostForm.Get("password"), r.PostForm.Get("again")
	if len(pw) > 1024 {
		return ziping.Errorf(ziping.Invalid, "密码过长")
	}
	if pw != again {
		return ziping.Errorf(ziping.Invalid, "两次输入的密码不一致")
	}
	err := s.svc.Accounts.SetPassword(r.Context(), a, name, pw, "")
	if ziping.IsNotFound(err) {
		return ziping.Errorf(ziping.NotFound, "没有用户「%s」", name)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("已重置用户 %s 的密码，其已登录的会话全部结束。请把新密码告知本人。", name))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// userScope moves a user to another unit.
func (s *Server) userScope(w http.ResponseWriter, r *http.Request) error {
	if err := needAdmin(r); err != nil {
		return err
	}
	name := r.PathValue("name")
	u, err := s.svc.Accounts.SetScope(r.Context(), info(r).actor, name, r.PostForm.Get("scope"))
	if err != nil {
		return err
	}
	unit, err := s.svc.Store.Unit(r.Context(), u.ScopeID)
	if err != nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("用户 %s 的所属单位已改为%s，其已登录的会话全部结束。", name, unit.Name))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}
