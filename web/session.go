package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"ziping"
	"ziping/account"
)

const (
	sessionCookie = "ziping_session"
	// loginCookie holds the token of the login form (double submit): there is no
	// session yet to keep it in, and a login POST is a POST like any other.
	loginCookie = "ziping_login"
	// deviceCookie names the account this browser last signed in to (a signed
	// value, OWASP's device cookie): a lockout that others' guesses caused does not
	// hold this browser. It is sent to the login form only.
	deviceCookie = "ziping_device"
	deviceMaxAge = 365 * 24 * 3600
	csrfField    = "csrf"
)

// authenticate signs in the request's session for routes that need one.
func (s *Server) authenticate(r *http.Request, ri *reqInfo, acc access) error {
	if acc == public {
		return nil
	}
	token := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		token = c.Value
	}
	a, sess, err := s.svc.Accounts.Authenticate(r.Context(), token, s.clientIP(r))
	if err != nil {
		return err
	}
	ri.actor, ri.session = a, sess
	return nil
}

// errCSRF answers a POST without the right token; nothing has been changed.
var errCSRF = ziping.Errorf(ziping.Forbidden, "页面已过期或请求无效，请刷新页面后重新提交")

// checkCSRF compares the form's token with the session's (or, before signing in, the
// login form's cookie) in constant time.
func (s *Server) checkCSRF(r *http.Request, ri *reqInfo) error {
	if err := s.parseForm(r); err != nil {
		return err
	}
	want := ""
	if ri.session != nil {
		want = ri.session.CSRF
	} else if c, err := r.Cookie(loginCookie); err == nil {
		want = c.Value
	}
	got := r.PostForm.Get(csrfField)
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return nil
}

// parseForm parses a POST body: a multipart form (a file upload, held in memory up
// to the upload limit) or a URL-encoded one.
func (s *Server) parseForm(r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	limit := s.fileLimit(r.Pattern)
	if limit == 0 {
		limit = s.opts.MaxUpload
	}
	var err error
	if mt == "multipart/form-data" {
		err = r.ParseMultipartForm(limit)
	} else {
		err = r.ParseForm()
	}
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe) && mt == "multipart/form-data":
		return &ziping.Error{Kind: ziping.Invalid, Err: err,
			Msg: fmt.Sprintf("上传的文件过大，已拒绝：文件不能超过%s", sizeText(limit))}
	case errors.As(err, &mbe):
		return err
	}
	return &ziping.Error{Kind: ziping.Invalid, Msg: "表单格式有误", Err: err}
}

// sizeText is a byte count for people: "20 MB".
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(1, n>>10))
}

// setCookie sets an HttpOnly cookie for the browser session (no expiry: closing the
// browser ends it; the server's TTL ends it anyway). Secure over TLS or when asked.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, same http.SameSite) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, SameSite: same,
		Secure: r.TLS != nil || s.opts.SecureCookies})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	if _, err := r.Cookie(name); err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// loginPage is the view of the login form.
type loginPage struct {
	Page
	Username string
	Next     string
	Error    string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, _, err := s.svc.Accounts.Authenticate(r.Context(), c.Value, s.clientIP(r)); err == nil {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return nil
		}
	}
	return s.renderLogin(w, r, http.StatusOK, &loginPage{Next: next})
}

// renderLogin renders the login form with a fresh form token unless the browser has
// a valid one.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, p *loginPage) error {
	token := ""
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) == 64 {
		token = c.Value
	} else {
		token = randomHex(32)
		s.setCookie(w, r, loginCookie, token, "/login", http.SameSiteStrictMode)
	}
	p.Title, p.CSRF = "登录", token
	return s.render(w, r, status, "login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	ip := s.clientIP(r)
	p := &loginPage{Username: strings.TrimSpace(r.PostForm.Get("username")), Next: safeNext(r.PostForm.Get("next"))}
	password := r.PostForm.Get("password")
	if !s.limiter.allow(ip) {
		p.Error = fmt.Sprintf("登录尝试过于频繁，请稍后再试（每个地址每分钟最多%d次）", s.opts.LoginRate)
		return s.renderLogin(w, r, http.StatusTooManyRequests, p)
	}
	if p.Username == "" || password == "" || utf8.RuneCountInString(p.Username) > 64 || len(password) > 1024 {
		p.Error = "请输入用户名和密码"
		return s.renderLogin(w, r, http.StatusBadRequest, p)
	}
	device := ""
	if c, err := r.Cookie(deviceCookie); err == nil {
		device = c.Value
	}
	res, err := s.svc.Accounts.LoginWith(r.Context(), account.LoginAttempt{Username: p.Username, Password: password, IP: ip, Device: device})
	switch ziping.ErrorKind(err) {
	case ziping.Unauthorized:
		p.Error = safeMessage(err, http.StatusUnauthorized)
		return s.renderLogin(w, r, http.StatusUnauthorized, p)
	case ziping.Busy:
		p.Error = safeMessage(err, http.StatusTooManyRequests)
		return s.renderLogin(w, r, http.StatusTooManyRequests, p)
	}
	if err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, res.Token, "/", http.SameSiteLaxMode)
	if res.Device != "" {
		http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: res.Device, Path: "/login", MaxAge: deviceMaxAge, HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || s.opts.SecureCookies})
	}
	clearCookie(w, r, loginCookie, "/login")
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ziping.Errorf(ziping.Unauthorized, "请先登录")
	}
	if err := s.svc.Accounts.Logout(r.Context(), info(r).actor, c.Value); err != nil {
		return err
	}
	clearCookie(w, r, sessionCookie, "/")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login destination only when it is a path on this site, so
// that the login page cannot be used to send people elsewhere.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}
