package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"ziping"
)

// handlerFunc is the shape of every handler: it writes a response, or returns an
// error for adapt to turn into a status and an error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type ctxKey struct{}

// reqInfo travels with a request through the chain: its id for logs and error pages,
// the signed-in actor, and the error the adapter handled, for the access log line.
type reqInfo struct {
	id      string
	actor   *ziping.Actor
	session *ziping.Session
	err     error
	// fwChoice is a framework the user chose on this request, which the page
	// remembers (fwCookie) for the next page opened without one.
	fwChoice string
}

// info returns the request's reqInfo (a blank one outside the chain).
func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// maxBody bounds every request body but uploads: forms are a few kilobytes.
const maxBody = 1 << 20

// adapt runs a handler after authentication (for signed-in routes) and the CSRF
// check (for every POST), and renders whatever error comes back.
func (s *Server) adapt(acc access, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := info(r)
		err := s.authenticate(r, ri, acc)
		if err == nil && r.Method == http.MethodPost && acc != answer {
			err = s.checkCSRF(r, ri)
		}
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.fail(w, r, acc, err)
		}
	})
}

// statusOf maps a domain error kind to its HTTP status: the one place that does.
func statusOf(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	switch ziping.ErrorKind(err) {
	case ziping.Invalid:
		return http.StatusBadRequest
	case ziping.Unauthorized:
		return http.StatusUnauthorized
	case ziping.Forbidden:
		return http.StatusForbidden
	case ziping.NotFound:
		return http.StatusNotFound
	case ziping.Conflict:
		return http.StatusConflict
	case ziping.Busy:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// fail answers a request that went wrong: anonymous visitors of pages go to the login
// page; everyone else gets an error page that shows the error's safe message (never
// the internal cause) and the request id, under which the cause is logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, acc access, err error) {
	ri := info(r)
	ri.err = err
	status := statusOf(err)
	if status == http.StatusUnauthorized {
		clearCookie(w, r, sessionCookie, "/")
		if acc == signedIn {
			http.Redirect(w, r, loginURL(r), http.StatusSeeOther)
			return
		}
	}
	p := &errorPage{Status: status, Heading: statusHeading(status), Message: safeMessage(err, status)}
	p.Title = p.Heading
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		ri.err = errors.Join(err, rerr)
		http.Error(w, "系统内部错误", http.StatusInternalServerError)
	}
}

// loginURL is the login page that leads back to the requested page after signing in.
func loginURL(r *http.Request) string {
	if r.Method != http.MethodGet || r.URL.Path == "/" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(r.URL.RequestURI())
}

// safeMessage is what a user may read about err: the domain error's message for the
// kinds that carry one meant for users, a plain sentence otherwise.
func safeMessage(err error, status int) string {
	var e *ziping.Error
	if status < 500 && errors.As(err, &e) && e.Kind != ziping.Internal && e.Msg != "" {
		return e.Msg
	}
	switch status {
	case http.StatusRequestEntityTooLarge:
		return "提交的内容过大，已拒绝。"
	case http.StatusUnauthorized:
		return "请先登录。"
	case http.StatusForbidden:
		return "您没有访问该页面的权限。"
	case http.StatusNotFound:
		return "页面不存在。"
	case http.StatusBadRequest:
		return "请求有误。"
	}
	return "系统内部错误，请稍后重试。如问题持续，请将下方的错误编号告知系统管理员。"
}

func statusHeading(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "请求有误"
	case http.StatusUnauthorized:
		return "需要登录"
	case http.StatusForbidden:
		return "无权访问"
	case http.StatusNotFound:
		return "页面不存在"
	case http.StatusConflict:
		return "操作冲突"
	case http.StatusRequestEntityTooLarge:
		return "提交内容过大"
	case http.StatusTooManyRequests:
		return "请求过于频繁"
	}
	return "系统错误"
}

// secureHeaders sets the security headers on every response, errors included.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds a route's request body to limit bytes.
func limitBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status written, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestLog gives every request an id (sent back as X-Request-Id) and logs one line
// when it is done, with the error that was handled, if any: errors are logged once,
// here, and never shown to the user.
func (s *Server) requestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: newID()}
		w.Header().Set("X-Request-Id", ri.id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri)))
		level := slog.LevelInfo
		switch {
		case sw.status >= 500:
			level = slog.LevelError
		case sw.status == http.StatusForbidden || sw.status == http.StatusTooManyRequests:
			level = slog.LevelWarn
		case strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz":
			level = slog.LevelDebug
		}
		attrs := []slog.Attr{slog.String("request_id", ri.id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("ip", s.clientIP(r))}
		if ri.actor != nil && ri.actor.User != nil {
			attrs = append(attrs, slog.String("user", ri.actor.User.Username))
		}
		if ri.err != nil {
			attrs = append(attrs, slog.String("error", ri.err.Error()))
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// clientIP is the peer's address. Forwarding headers are not trusted: a proxy in
// front would have to be configured explicitly (not in this slice).
// clientIP is the address of the client: the connection's, or, when the
// connection comes from a trusted proxy (Options.TrustedProxies), the nearest address
// in X-Forwarded-For that is not a trusted proxy itself. Addresses a client wrote
// further left are never believed.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: nothing to its left can be believed
		}
		addr = hop.Unmap()
		if !s.trusted(addr) {
			break
		}
	}
	return addr.String()
}

// trusted reports whether addr is one of the trusted proxies.
func (s *Server) trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

func newID() string { return randomHex(8) }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return hex.EncodeToString(b)
}
