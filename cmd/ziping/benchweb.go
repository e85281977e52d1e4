package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"ziping"
	"ziping/docx"
	"ziping/frameworks"
	"ziping/loadtest"
	"ziping/synth"
	"ziping/web"
	"ziping/xlsx"
)

const benchWebUsage = `bench web [--users 50] [--duration 20s] [--counties 8] [--schools 400] [--db sqlite:PATH] [--pprof FILE]`

// benchPassword is the password of every bench user: the bench database is
// throwaway, and --db reuse sets it again.
const benchPassword = "Bench-Passw0rd-ziping"

// benchWeb holds what the web benchmark sets up.
type benchWeb struct {
	base     string // http://127.0.0.1:PORT
	client   *http.Client
	province string
	city     string
	counties []string
	schools  map[string]string // county code → one of its schools
}

// benchAccount is a user the virtual users sign in as; several virtual users may
// share one account, each with its own session.
type benchAccount struct{ user, role, scope string }

// runBenchWeb measures the data pages under load: a demo province in a SQLite file,
// the real handler on a loopback port, N signed-in virtual users clicking through
// the pages without think time, per-request latencies by page kind.
func runBenchWeb(e *env, args []string) error {
	fs := newFlags(e, "bench web", benchWebUsage)
	users := fs.Int("users", 50, "并发虚拟用户数（闭环，无思考时间）")
	duration := fs.Duration("duration", 20*time.Second, "施压时长")
	counties := fs.Int("counties", 8, "示范省的区县数（新建数据库时）")
	schools := fs.Int("schools", 400, "示范省的学校数（新建数据库时）")
	db := fs.String("db", "", "数据库（默认临时目录中新建的 SQLite 文件；已有数据则沿用）")
	prof := fs.String("pprof", "", "把施压期间整个进程的 CPU 剖析写入此文件")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *users < 1 || *duration <= 0 {
		return usagef("--users 和 --duration 应为正数")
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "ziping-benchweb-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*db = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	svc, done, err := service(e, *db)
	if err != nil {
		return err
	}
	defer done()
	t0 := time.Now()
	b, accounts, err := prepareBenchDB(e, svc, synth.Config{Counties: *counties, Schools: *schools, Seed: 1})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "数据：%s，%d个区县（%v）\n", redact(*db), len(b.counties), time.Since(t0).Round(time.Millisecond))
	ctx, stop := context.WithCancel(e.ctx)
	defer stop()
	errc, err := b.start(ctx, svc, *users, e.stderr)
	if err != nil {
		return err
	}
	rep, err := b.load(ctx, e, accounts, *users, *duration, *prof)
	stop()
	if serr := <-errc; err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		return err
	}
	rep.Write(e.stdout)
	if n := rep.Errors(); n > 0 {
		return fmt.Errorf("%d 个请求失败", n)
	}
	return nil
}

// prepareBenchDB fills an empty database with a generated province the way
// `ziping import` does (the workbook read by the importer, then the service), and
// makes or resets the bench users: an admin, a reviewer of the city and a filler of
// every county.
func prepareBenchDB(e *env, svc *ziping.Service, cfg synth.Config) (*benchWeb, []benchAccount, error) {
	ctx := e.ctx
	b := &benchWeb{schools: map[string]string{}}
	provs, err := svc.Store.Subtree(ctx, nil, ziping.LevelProvince)
	if err != nil {
		return nil, nil, err
	}
	if len(provs) == 0 {
		if err := importBenchProvince(e, svc, cfg); err != nil {
			return nil, nil, err
		}
		if provs, err = svc.Store.Subtree(ctx, nil, ziping.LevelProvince); err != nil {
			return nil, nil, err
		}
	}
	if len(provs) == 0 {
		return nil, nil, errors.New("数据库中没有省级单位")
	}
	b.province = provs[0].Code
	units, err := svc.Store.Subtree(ctx, &provs[0], ziping.LevelCity, ziping.LevelCounty, ziping.LevelSchool)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]*ziping.OrgUnit{}
	for i := range units {
		u := &units[i]
		byID[u.ID] = u
		switch u.Level {
		case ziping.LevelCity:
			if b.city == "" {
				b.city = u.Code
			}
		case ziping.LevelCounty:
			b.counties = append(b.counties, u.Code)
		case ziping.LevelSchool:
			if p := byID[u.ParentID]; p != nil && b.schools[p.Code] == "" {
				b.schools[p.Code] = u.Code
			}
		}
	}
	if b.city == "" || len(b.counties) == 0 {
		return nil, nil, errors.New("数据库中没有市级或区县单位")
	}
	accounts := []benchAccount{{"bench-admin", ziping.RoleAdmin, ""}, {"bench-reviewer", ziping.RoleReviewer, b.city}}
	for _, c := range b.counties {
		accounts = append(accounts, benchAccount{"bench-" + c, ziping.RoleFiller, c})
	}
	for _, a := range accounts {
		_, err := svc.AddUser(ctx, ziping.System, ziping.NewUser{Username: a.user, Name: "压测" + a.user, Password: benchPassword, Role: a.role, Scope: a.scope})
		if ziping.ErrorKind(err) == ziping.Conflict {
			err = svc.SetPassword(ctx, ziping.System, a.user, benchPassword)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("用户 %s: %w", a.user, err)
		}
	}
	return b, accounts, nil
}

// importBenchProvince writes the generated province as a workbook and imports it.
func importBenchProvince(e *env, svc *ziping.Service, cfg synth.Config) error {
	dir, err := os.MkdirTemp("", "ziping-benchweb-data-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "示范省.xlsx")
	if _, err := writeDemoData(cfg, path); err != nil {
		return err
	}
	prog, err := frameworks.Resolve("yzjh-2017")
	if err != nil {
		return err
	}
	ds, err := readData([]string{path}, 0, prog)
	if err != nil {
		return err
	}
	if _, err := svc.AddUnit(e.ctx, ziping.System, "990000", "示范省", ziping.LevelProvince, ""); err != nil {
		return err
	}
	_, err = svc.ImportDataset(e.ctx, ziping.System, ds, ziping.ImportSource{File: "示范省.xlsx"})
	return err
}

// start serves the application on a loopback port with the handler and server
// settings of `ziping serve` until ctx ends. The access log is formatted as in
// serve but discarded, so that a terminal does not slow the server down.
func (b *benchWeb) start(ctx context.Context, svc *ziping.Service, users int, stderr io.Writer) (<-chan error, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := web.New(svc, log, web.Options{ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter, LoginRate: users + 20})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.base = "http://" + ln.Addr().String()
	tr := &http.Transport{MaxIdleConns: users + 16, MaxIdleConnsPerHost: users + 16, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}
	b.client = &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, ln, app.Handler(), svc, log) }()
	return errc, nil
}

// load signs the virtual users in, then runs them for the duration.
func (b *benchWeb) load(ctx context.Context, e *env, accounts []benchAccount, users int, d time.Duration, prof string) (*loadtest.Report, error) {
	t0 := time.Now()
	cookies, err := b.loginAll(ctx, accounts, users)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stdout, "%d 个虚拟用户已登录（%v）；施压 %v，服务器和施压程序共用 %d 核（GOMAXPROCS=%d，%s）\n",
		users, time.Since(t0).Round(time.Millisecond), d, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	pages := make([][]benchPage, users)
	for u := range users {
		pages[u] = b.pages(accounts[u%len(accounts)], u)
	}
	if prof != "" {
		f, err := os.Create(prof)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	step := func(ctx context.Context, u, i int) (string, error) {
		p := pages[u][i%len(pages[u])]
		return p.kind, b.get(ctx, p.path, cookies[u])
	}
	return loadtest.Run(ctx, loadtest.Config{Users: users, Duration: d}, step), nil
}

// benchPage is one page a virtual user opens: its kind and path.
type benchPage struct{ kind, path string }

// pages is the round of a supervision office's user: its county (the first page of
// schools, the second sorted by size, a search), both score sheets, a drill-down,
// the frameworks, and the city (a school of its county for a filler, who may not
// open the city).
func (b *benchWeb) pages(a benchAccount, u int) []benchPage {
	county := a.scope
	if a.role != ziping.RoleFiller {
		county = b.counties[u%len(b.counties)]
	}
	cu := "/units/" + county
	up := benchPage{"city", "/units/" + b.city}
	if a.role == ziping.RoleFiller {
		up = benchPage{"school", "/units/" + b.schools[county]}
	}
	return []benchPage{
		{"county", cu},
		{"county_page2", cu + "?sort=students&page=2"},
		{"county_search", cu + "?q=" + url.QueryEscape("小学")},
		{"score_yzjh", cu + "/score"},
		{"score_lxzz", cu + "/score?fw=lxzz-county"},
		{"explain", cu + "/explain/primary.cv.equipment_value_per_student"},
		{"frameworks", "/frameworks"},
		{"framework", "/frameworks/lxzz-county"},
		up,
	}
}

// get fetches a page with a session and reads it whole; anything but 200 fails.
func (b *benchWeb) get(ctx context.Context, path string, session *http.Cookie) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return err
	}
	req.AddCookie(session)
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || n == 0 {
		return fmt.Errorf("GET %s: %s (%d bytes)", path, resp.Status, n)
	}
	return nil
}

// loginAll signs every virtual user in through the login form, two at a time
// (argon2id takes 64 MiB per hash).
func (b *benchWeb) loginAll(ctx context.Context, accounts []benchAccount, users int) ([]*http.Cookie, error) {
	cookies := make([]*http.Cookie, users)
	errs := make([]error, users)
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for u := range users {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			cookies[u], errs[u] = b.login(ctx, accounts[u%len(accounts)].user)
		})
	}
	wg.Wait()
	return cookies, errors.Join(errs...)
}

// login opens the login form for its token, posts the form and returns the session
// cookie.
func (b *benchWeb) login(ctx context.Context, user string) (*http.Cookie, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+"/login", nil)
	if err != nil {
		return nil, err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	form := findCookie(resp.Cookies(), "ziping_login")
	if form == nil {
		return nil, fmt.Errorf("登录页没有给出表单令牌（%s）", resp.Status)
	}
	body := url.Values{"username": {user}, "password": {benchPassword}, "csrf": {form.Value}, "next": {"/"}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/login", strings.NewReader(body.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(form)
	resp, err = b.client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	sess := findCookie(resp.Cookies(), "ziping_session")
	if resp.StatusCode != http.StatusSeeOther || sess == nil {
		return nil, fmt.Errorf("用户 %s 登录失败：%s", user, resp.Status)
	}
	return &http.Cookie{Name: sess.Name, Value: sess.Value}, nil
}

func findCookie(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name && c.Value != "" {
			return c
		}
	}
	return nil
}
