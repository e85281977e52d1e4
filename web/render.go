package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"ziping"
)

//go:embed templates static
var embedded embed.FS

// pageNames are the page templates; each is parsed with layout.html and parts.html,
// and with the files pageParts names for it.
var pageNames = []string{"login", "error", "empty", "area", "county", "school", "score", "explain", "frameworks", "framework",
	"import", "entry", "audit", "auditverify", "assessments", "assessment", "point",
	"ranking", "ranking_schools", "notice", "noticeedit", "ledger", "problem", "report", "users", "password",
	"adminframeworks", "adminframework", "adminfwversion", "adminfwdiff",
	"surveys", "survey", "surveyresult", "questionnaires",
	"home",
	"duedate"}

// pageParts are the templates some pages share beyond parts.html: an assessment's
// points, with their details and forms, on the assessment page and a point's own,
// and a framework's body and a version's changes on the framework and admin pages.
var pageParts = map[string][]string{"assessment": {"apoint.html"}, "point": {"apoint.html"},
	"framework": {"fwbody.html"}, "adminfwversion": {"fwbody.html", "fwchanges.html"}, "adminfwdiff": {"fwchanges.html"}}

// pageSet holds every page parsed with the layout.
type pageSet struct{ byName map[string]*template.Template }

func parsePages(fsys fs.FS) (*pageSet, error) {
	ps := &pageSet{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		files := append([]string{"layout.html", "parts.html", name + ".html"}, pageParts[name]...)
		t, err := template.New(name).ParseFS(fsys, files...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: template %s defines no content", name)
		}
		ps.byName[name] = t
	}
	return ps, nil
}

func (s *Server) templateFS() fs.FS {
	if s.opts.Dev {
		return os.DirFS(filepath.Join(s.opts.DevDir, "templates"))
	}
	sub, _ := fs.Sub(embedded, "templates")
	return sub
}

func (s *Server) staticFS() fs.FS {
	if s.opts.Dev {
		return os.DirFS(filepath.Join(s.opts.DevDir, "static"))
	}
	sub, _ := fs.Sub(embedded, "static")
	return sub
}

// current returns the templates and assets to use: the ones parsed at start-up, or
// in Dev mode fresh from disk.
func (s *Server) current() (*pageSet, *assetSet, error) {
	if !s.opts.Dev {
		return s.pages, s.assets, nil
	}
	pages, err := parsePages(s.templateFS())
	if err != nil {
		return nil, nil, err
	}
	assets, err := loadAssets(s.staticFS())
	return pages, assets, err
}

// Page is what the layout needs; every page's view model embeds it.
type Page struct {
	Title     string
	Crumbs    []crumb
	Nav       string // the header section shown as current: "units" or "frameworks"
	User      *userView
	CSRF      string
	CSS       string
	RequestID string
	Flash     string // a message from the previous request (after a redirect)
}

func (p *Page) page() *Page { return p }

// pager is any page view model.
type pager interface{ page() *Page }

type crumb struct{ Name, URL string } // no URL: shown as text

type userView struct {
	Name, Role, Scope, Home string
	Audit                   bool // may open the audit trail
	Admin                   bool // may manage users
}

// render executes a page into a buffer and writes it only when it is complete, so
// that a template error becomes an error page, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pager) error {
	pages, assets, err := s.current()
	if err != nil {
		return err
	}
	p := data.page()
	ri := info(r)
	p.CSS, p.RequestID = assets.url("app.css"), ri.id
	if ri.actor != nil && ri.actor.User != nil {
		p.User = newUserView(ri.actor)
	}
	if p.CSRF == "" && ri.session != nil {
		p.CSRF = ri.session.CSRF
	}
	if p.Flash == "" && p.User != nil {
		p.Flash = takeFlash(w, r)
	}
	if ri.fwChoice != "" && p.User != nil {
		s.setCookie(w, r, fwCookie, ri.fwChoice, "/", http.SameSiteLaxMode)
	}
	buf, _ := s.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer s.putBuf(buf)
	if err := pages.byName[name].ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// putBuf returns a page buffer to the server's pool unless it grew unusually large:
// a page is tens of kilobytes, grown anew on every request otherwise.
func (s *Server) putBuf(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	s.bufs.Put(b)
}

func newUserView(a *ziping.Actor) *userView {
	u := &userView{Name: a.User.Name, Role: roleName(a.User.Role), Home: "/", Audit: canAudit(a), Admin: a.IsAdmin()}
	if u.Name == "" {
		u.Name = a.User.Username
	}
	if a.Scope != nil {
		u.Scope = a.Scope.Name
	}
	return u
}

func roleName(role string) string {
	switch role {
	case ziping.RoleAdmin:
		return "系统管理员"
	case ziping.RoleReviewer:
		return "督导复核"
	case ziping.RoleFiller:
		return "数据填报"
	case ziping.RoleViewer:
		return "查看"
	}
	return role
}

// asset is a static file served under a name that carries its content hash, so that
// it can be cached for a year and a new version is a new URL.
type asset struct {
	file  string // app.3f2a9c01d4e5.css
	body  []byte
	ctype string

	gzOnce sync.Once
	gz     []byte // body gzipped, for text worth compressing; made on first request
}

// gzipped returns the body compressed with gzip, or nil when it is not text or too
// small to gain. It is compressed on first use, not at start-up: in Dev mode the
// assets are reloaded for every page.
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		if len(a.body) < 1024 || !(strings.HasPrefix(a.ctype, "text/") || strings.Contains(a.ctype, "javascript")) {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // a valid level never fails
		zw.Write(a.body)                                       // a bytes.Buffer never fails
		zw.Close()
		if b.Len() < len(a.body) {
			a.gz = b.Bytes()
		}
	})
	return a.gz
}

// contentType is the type of a static file by its extension. The types of the files
// shipped are fixed here, since mime.TypeByExtension reads the machine's mime.types,
// which differ between systems (a script must be served as JavaScript under nosniff).
func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

type assetSet struct {
	byName map[string]*asset // by logical name, app.css
	byFile map[string]*asset // by hashed name
}

func loadAssets(fsys fs.FS) (*assetSet, error) {
	as := &assetSet{byName: map[string]*asset{}, byFile: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(p)
		a := &asset{file: strings.TrimSuffix(path.Base(p), ext) + "." + hex.EncodeToString(sum[:6]) + ext, body: body, ctype: contentType(ext)}
		as.byName[path.Base(p)], as.byFile[a.file] = a, a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	if as.byName["app.css"] == nil {
		return nil, fmt.Errorf("web: static/app.css is missing")
	}
	return as, nil
}

func (as *assetSet) url(name string) string { return "/static/" + as.byName[name].file }

func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	_, assets, err := s.current()
	if err != nil {
		return err
	}
	a := assets.byFile[r.PathValue("file")]
	if a == nil {
		return ziping.Errorf(ziping.NotFound, "文件不存在")
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	body := a.body
	if gz := a.gzipped(); gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			body = gz
		}
	}
	_, err = w.Write(body)
	return err
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (and does not
// refuse it with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if f, err := strconv.ParseFloat(v, 64); err == nil && strings.EqualFold(k, "q") {
				q = f
			}
		}
		return q > 0
	}
	return false
}

// errorPage is the view of an error: its status, a heading and a message fit to show.
type errorPage struct {
	Page
	Status  int
	Heading string
	Message string
}

// flashCookie carries a one-time message to the page a redirect leads to.
const flashCookie = "ziping_flash"

// setFlash keeps msg for the next page shown.
func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	s.setCookie(w, r, flashCookie, base64.RawURLEncoding.EncodeToString([]byte(msg)), "/", http.SameSiteLaxMode)
}

// takeFlash returns the flash message of the request and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	clearCookie(w, r, flashCookie, "/")
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || !utf8.Valid(b) || len(b) > 1000 {
		return ""
	}
	return string(b)
}
