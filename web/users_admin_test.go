package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ziping"
)

// TestUserManagement: an admin adds a user, resets a password (the user's sessions
// end) and moves a user to another unit, each audited; everyone else is refused, and
// so is a form without the CSRF token.
func TestUserManagement(t *testing.T) {
	f := newFixture(t, 30)
	const pw = "Lvse-Shanshui-2026"
	add := url.Values{"username": {"zhang.san"}, "name": {"张三"}, "role": {ziping.RoleFiller}, "scope": {"990121"},
		"password": {pw}, "again": {pw}}

	// Denials first: nothing is written.
	for _, role := range []string{"reviewer", "filler", "school", "viewer"} {
		if w := f.do(request{role: role, method: http.MethodPost, path: "/admin/users", form: add}); w.Code != http.StatusForbidden {
			t.Errorf("%s adding a user: %d", role, w.Code)
		}
		if w := f.do(request{role: role, method: http.MethodPost, path: "/admin/users/viewer3/password", form: url.Values{"password": {pw}, "again": {pw}}}); w.Code != http.StatusForbidden {
			t.Errorf("%s resetting a password: %d", role, w.Code)
		}
		if w := f.do(request{role: role, method: http.MethodPost, path: "/admin/users/viewer3/scope", form: url.Values{"scope": {"990102"}}}); w.Code != http.StatusForbidden {
			t.Errorf("%s changing a scope: %d", role, w.Code)
		}
	}
	if w := f.do(request{role: "anon", method: http.MethodPost, path: "/admin/users", form: add}); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("anonymous adding a user: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users", form: add, noCSRF: true}); w.Code != http.StatusForbidden {
		t.Errorf("adding a user without the CSRF token: %d", w.Code)
	}
	if _, err := f.svc.Store.UserByName(f.ctx, "zhang.san"); !ziping.IsNotFound(err) {
		t.Fatalf("a refused request added the user: %v", err)
	}

	// The password policy and the form kept as typed, never the password.
	weak := cloneForm(add)
	weak.Set("password", "zhang.san123")
	weak.Set("again", "zhang.san123")
	w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users", form: weak})
	if body := w.Body.String(); w.Code != http.StatusBadRequest || !strings.Contains(body, "不能包含用户名") || !strings.Contains(body, `value="zhang.san"`) ||
		!strings.Contains(body, `value="990121"`) || strings.Contains(body, "zhang.san123") {
		t.Errorf("weak password: %d %s", w.Code, excerptAround(body, "user-add"))
	}
	mismatch := cloneForm(add)
	mismatch.Set("again", pw+"x")
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users", form: mismatch}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "两次输入的密码不一致") {
		t.Errorf("passwords that differ: %d", w.Code)
	}
	noScope := cloneForm(add)
	noScope.Del("scope")
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users", form: noScope}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "须指定所属单位") {
		t.Errorf("a filler without a unit: %d", w.Code)
	}

	// Added: listed, audited, and able to sign in.
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users", form: add}); w.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", w.Code, w.Body.String())
	}
	body := f.do(request{role: "admin", method: http.MethodGet, path: "/admin/users"}).Body.String()
	if !strings.Contains(body, `id="user-zhang.san"`) || !strings.Contains(body, "张三") {
		t.Error("the new user is not listed")
	}
	if e := f.lastAuditOf(t, "user_add"); !strings.Contains(e.New, "zhang.san") || e.Username != "admin1" {
		t.Errorf("add audit: %+v", e)
	}
	if _, _, _, err := f.svc.Accounts.Login(f.ctx, "zhang.san", pw, "127.0.0.1"); err != nil {
		t.Fatalf("the new user cannot sign in: %v", err)
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users", form: add}); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已存在") {
		t.Errorf("the same user again: %d", w.Code)
	}

	// Reset: the user's session ends, the new password works, the old does not.
	old := f.login("filler", true)
	if w := f.doAs(old, http.MethodGet, "/units/990102", nil); w.Code != http.StatusOK {
		t.Fatalf("filler before the reset: %d", w.Code)
	}
	const pw2 = "Qingshan-Lvshui-88"
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/county2/password", form: url.Values{"password": {pw2}, "again": {pw2 + "x"}}}); w.Code != http.StatusBadRequest {
		t.Errorf("reset with passwords that differ: %d", w.Code)
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/county2/password", form: url.Values{"password": {"short"}, "again": {"short"}}}); w.Code != http.StatusBadRequest {
		t.Errorf("reset to a short password: %d", w.Code)
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/county2/password", form: url.Values{"password": {pw2}, "again": {pw2}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", w.Code, w.Body.String())
	}
	if w := f.doAs(old, http.MethodGet, "/units/990102", nil); w.Code != http.StatusSeeOther {
		t.Errorf("the filler's session outlived the reset: %d", w.Code)
	}
	if _, _, _, err := f.svc.Accounts.Login(f.ctx, "county2", pw2, "127.0.0.1"); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if _, _, _, err := f.svc.Accounts.Login(f.ctx, "county2", password("county2"), "127.0.0.1"); err == nil {
		t.Error("the old password still works")
	}
	if e := f.lastAuditOf(t, "user_password_reset"); e.Object != "user:county2" || e.Username != "admin1" {
		t.Errorf("reset audit: %+v", e)
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/admin1/password", form: url.Values{"password": {pw2}, "again": {pw2}}}); w.Code != http.StatusBadRequest {
		t.Errorf("an admin resetting its own password here: %d", w.Code)
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/nosuch/password", form: url.Values{"password": {pw2}, "again": {pw2}}}); w.Code != http.StatusNotFound {
		t.Errorf("reset of no user: %d", w.Code)
	}

	// Scope: the viewer of 990121 now sees 990102 and no longer 990121.
	viewer := f.login("viewer", true)
	for _, c := range []struct {
		scope string
		user  string
		want  int
	}{{"999999", "viewer3", http.StatusBadRequest}, {"", "viewer3", http.StatusBadRequest}, {"990102", "admin1", http.StatusBadRequest}, {"990102", "nosuch", http.StatusNotFound}} {
		if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/" + c.user + "/scope", form: url.Values{"scope": {c.scope}}}); w.Code != c.want {
			t.Errorf("scope %q of %s: %d, want %d", c.scope, c.user, w.Code, c.want)
		}
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/viewer3/scope", form: url.Values{"scope": {"990102"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("scope: %d %s", w.Code, w.Body.String())
	}
	if w := f.doAs(viewer, http.MethodGet, "/units/990121", nil); w.Code != http.StatusSeeOther {
		t.Errorf("the viewer's session outlived the change of unit: %d", w.Code)
	}
	clear(f.sessions)
	if w := f.do(request{role: "viewer", method: http.MethodGet, path: "/units/990102"}); w.Code != http.StatusOK {
		t.Errorf("the viewer in its new unit: %d", w.Code)
	}
	if w := f.do(request{role: "viewer", method: http.MethodGet, path: "/units/990121"}); w.Code != http.StatusForbidden {
		t.Errorf("the viewer in its old unit: %d", w.Code)
	}
	if e := f.lastAuditOf(t, "user_scope"); !strings.Contains(e.Old, "990121") || !strings.Contains(e.New, "990102") {
		t.Errorf("scope audit: %+v", e)
	}
	// The audit trail says it in words.
	body = f.do(request{role: "admin", method: http.MethodGet, path: "/audit"}).Body.String()
	for _, want := range []string{"修改用户管辖范围", "重置密码", "添加用户", "用户 viewer3"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
}
