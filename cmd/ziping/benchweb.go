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
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"ziping"
	"ziping/account"
	"ziping/argon"
	"ziping/dataset"
	"ziping/docx"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
	"ziping/web"
	"ziping/xlsx"
)

const benchWebUsage = `bench web [--users 500] [--think 5s-10s] [--duration 60s] [--stress-users 50] [--stress-duration 20s]
          [--counties 200] [--schools 20000] [--import-rows 20000] [--db sqlite:PATH] [--pprof FILE]`

// benchPassword is the password of every bench user: the bench database is
// throwaway, and --db reuse sets it again.
const benchPassword = "Bench-Passw0rd-ziping"

// benchWeb holds what the web benchmark sets up.
type benchWeb struct {
	base     string // http://127.0.0.1:PORT
	client   *http.Client
	province string
	city     string   // the first city by code, whose counties come first
	cities   []string // every city, in code order
	counties []string
	schools  map[string]string // county code → one of its schools
	parent   map[string]string // county code → its city's code
	// The lxzz-county assessments of the latest period that are scored in full
	// (county code → assessment id, and the counties in code order), every
	// county's assessment of that period, whatever its stage, and the periods of the
	// ranking and of the ledger (the one with problems).
	assessed      map[string]int64
	assessedOrder []string
	latest        map[string]int64
	period        int
	ledgerPeriod  int
	// imports, when not nil, is the import scenario run during each round.
	imports *benchImport
	svc     *services
}

// benchFullCounties is how many counties of a large province (more than
// benchFullLimit counties) get a fully scored assessment; the others only start
// one, so that setting up 200 counties stays quick.
const (
	benchFullCounties = 40
	benchFullLimit    = 50
)

// benchAccount is a user the virtual users sign in as; several virtual users may
// share one account, each with its own session.
type benchAccount struct{ user, role, scope string }

// benchWebFlags are the flags of `bench web`.
type benchWebFlags struct {
	users, stressUsers, counties, schools, importRows int
	duration, stressDuration                          time.Duration
	thinkMin, thinkMax                                time.Duration
	db, prof                                          string
}

func parseBenchWebFlags(e *env, args []string) (*benchWebFlags, error) {
	fs := newFlags(e, "bench web", benchWebUsage)
	f := &benchWebFlags{}
	fs.IntVar(&f.users, "users", 500, "真实场景的虚拟用户数（各自登录，每次请求后思考 --think）；0：不测真实场景")
	think := fs.String("think", "5s-10s", "真实场景中用户两次请求之间的思考时间（均匀分布的区间）")
	fs.DurationVar(&f.duration, "duration", 60*time.Second, "真实场景的时长")
	fs.IntVar(&f.stressUsers, "stress-users", 50, "压力测试的并发虚拟用户数（闭环，无思考时间）")
	fs.DurationVar(&f.stressDuration, "stress-duration", 20*time.Second, "压力测试的时长（0：不做压力测试）")
	fs.IntVar(&f.counties, "counties", 200, "示范省的区县数（新建数据库时）")
	fs.IntVar(&f.schools, "schools", 20000, "示范省的学校数（新建数据库时）")
	fs.StringVar(&f.db, "db", "", "数据库（默认临时目录中新建的 SQLite 文件；已有数据则沿用）")
	fs.StringVar(&f.prof, "pprof", "", "把施压期间整个进程的 CPU 剖析写入此文件")
	fs.IntVar(&f.importRows, "import-rows", 0, "两轮测试期间都由管理员通过网页反复导入一个这么多行的学校表（0：不导入），并测登录耗时")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	lo, hi, ok := strings.Cut(*think, "-")
	var err1, err2 error
	f.thinkMin, err1 = time.ParseDuration(strings.TrimSpace(lo))
	f.thinkMax, err2 = time.ParseDuration(strings.TrimSpace(hi))
	if !ok || err1 != nil || err2 != nil || f.thinkMin < 0 || f.thinkMax < f.thinkMin || f.thinkMax == 0 {
		return nil, usagef("--think 应为「最短-最长」，如 5s-10s")
	}
	if f.users < 0 || f.stressUsers < 0 || f.duration <= 0 || f.stressDuration < 0 || f.users+f.stressUsers == 0 {
		return nil, usagef("--users、--stress-users 和时长不能为负数，两轮不能都不测")
	}
	return f, nil
}

// runBenchWeb measures the web pages under load: a demo province in a SQLite file,
// the real handler on a loopback port, and two rounds of signed-in virtual users:
// the realistic round (many users who read each page for seconds, a mix of the pages
// a province's offices open; the target is on it) and the stress round (fewer users
// clicking with no think time, the worst case; a figure, not a target).
func runBenchWeb(e *env, args []string) error {
	f, err := parseBenchWebFlags(e, args)
	if err != nil {
		return err
	}
	if f.db == "" {
		dir, err := os.MkdirTemp("", "ziping-benchweb-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		f.db = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	svc, done, err := creatingService(e, f.db)
	if err != nil {
		return err
	}
	defer done()
	t0 := time.Now()
	b, err := prepareBenchDB(e, svc, synth.Config{Counties: f.counties, Schools: f.schools, Seed: 1})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "数据：%s，%d个市、%d个区县（%v）\n", redact(f.db), len(b.cities), len(b.counties), time.Since(t0).Round(time.Millisecond))
	if f.importRows > 0 {
		if b.imports, err = newBenchImport(f.importRows, b.period); err != nil {
			return err
		}
		b.svc = svc
	}
	ctx, stop := context.WithCancel(e.ctx)
	defer stop()
	errc, err := b.start(ctx, svc, max(f.users, f.stressUsers), e.stderr)
	if err != nil {
		return err
	}
	err = b.rounds(ctx, e, svc, f)
	stop()
	if serr := <-errc; err == nil && serr != nil {
		err = serr
	}
	return err
}

// rounds runs the realistic round, then the stress round, and prints each; failed
// requests in either fail the bench.
func (b *benchWeb) rounds(ctx context.Context, e *env, svc *services, f *benchWebFlags) error {
	if f.prof != "" {
		pf, err := os.Create(f.prof)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	failed := 0
	if f.users > 0 {
		rep, err := b.realRound(ctx, e, svc, f)
		if err != nil {
			return err
		}
		failed += rep.Errors()
	}
	if f.stressDuration > 0 && f.stressUsers > 0 {
		rep, err := b.stressRound(ctx, e, svc, f)
		if err != nil {
			return err
		}
		failed += rep.Errors()
	}
	if failed > 0 {
		return fmt.Errorf("%d 个请求失败", failed)
	}
	return nil
}

// prepareBenchDB fills an empty database with a generated province the way
// `ziping import` does (the workbook read by the importer, then the service), and
// starts the lxzz-county assessments; then it reads the province's cities, counties
// and assessments for the rounds.
func prepareBenchDB(e *env, svc *services, cfg synth.Config) (*benchWeb, error) {
	ctx := e.ctx
	b := &benchWeb{schools: map[string]string{}, parent: map[string]string{}, assessed: map[string]int64{}, latest: map[string]int64{}}
	provs, err := svc.Store.Subtree(ctx, nil, ziping.LevelProvince)
	if err != nil {
		return nil, err
	}
	if len(provs) == 0 {
		t0 := time.Now()
		ds, err := importBenchProvince(e, svc, cfg)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(e.stdout, "导入示范省：%d个区县（%v）\n", len(ds.Units), time.Since(t0).Round(time.Millisecond))
		t0 = time.Now()
		full := len(ds.Units)
		if full > benchFullLimit {
			full = benchFullCounties
		}
		counts, err := demoAssessUnits(ctx, svc, ds, cfg.Seed, full)
		if err != nil {
			return nil, fmt.Errorf("示范自评: %w", err)
		}
		fmt.Fprintf(e.stdout, "履职评价：%d个区县完整自评，%d个只开始（%d个填报中，%v）\n",
			full, len(ds.Units)-full, counts[ziping.StatusDraft], time.Since(t0).Round(time.Millisecond))
		if provs, err = svc.Store.Subtree(ctx, nil, ziping.LevelProvince); err != nil {
			return nil, err
		}
	}
	if len(provs) == 0 {
		return nil, errors.New("数据库中没有省级单位")
	}
	b.province = provs[0].Code
	units, err := svc.Store.Subtree(ctx, &provs[0], ziping.LevelCity, ziping.LevelCounty, ziping.LevelSchool)
	if err != nil {
		return nil, err
	}
	byID := b.readTree(units)
	if b.city == "" || len(b.counties) == 0 {
		return nil, errors.New("数据库中没有市级或区县单位")
	}
	if err := b.findAssessments(ctx, svc, &provs[0], byID); err != nil {
		return nil, err
	}
	if len(b.assessed) == 0 {
		fmt.Fprintln(e.stdout, "注意：数据库中没有完整的履职评价自评，不测自评页")
	}
	return b, nil
}

// readTree notes the cities, the counties with their city and one school of each,
// in code order, and returns the units by id.
func (b *benchWeb) readTree(units []ziping.OrgUnit) map[int64]*ziping.OrgUnit {
	byID := map[int64]*ziping.OrgUnit{}
	for i := range units {
		u := &units[i]
		byID[u.ID] = u
		switch u.Level {
		case ziping.LevelCity:
			b.cities = append(b.cities, u.Code)
		case ziping.LevelCounty:
			b.counties = append(b.counties, u.Code)
			if p := byID[u.ParentID]; p != nil {
				b.parent[u.Code] = p.Code
			}
		case ziping.LevelSchool:
			if p := byID[u.ParentID]; p != nil && b.schools[p.Code] == "" {
				b.schools[p.Code] = u.Code
			}
		}
	}
	slices.Sort(b.cities)
	slices.Sort(b.counties) // code order, as the generated province and its assessments
	if len(b.cities) > 0 {
		b.city = b.cities[0]
	}
	return byID
}

// benchHash are the argon2id parameters of the bench users' passwords: a fraction
// of a millisecond rather than the server's ~60 ms, so that 500 users sign in in
// seconds on two cores. Sign-in is not what the rounds measure, and the server checks
// each hash with the parameters stored in it.
var benchHash = argon.Params{Memory: 64, Time: 1, Threads: 1}

// ensureBenchUsers makes or resets the accounts that virtual users 0…users-1 sign
// in as (of picks user u's), with light password hashes (benchHash).
func ensureBenchUsers(ctx context.Context, svc *services, accounts []benchAccount, users int, of func([]benchAccount, int) benchAccount) error {
	light := account.New(svc.Store, argon.Hasher{P: benchHash}, svc.Audit)
	made := map[string]bool{}
	for u := range users {
		a := of(accounts, u)
		if made[a.user] {
			continue
		}
		made[a.user] = true
		_, err := light.AddUser(ctx, ziping.System, account.NewUser{Username: a.user, Name: "压测" + a.user, Password: benchPassword, Role: a.role, Scope: a.scope})
		if ziping.ErrorKind(err) == ziping.Conflict {
			err = light.SetPassword(ctx, ziping.System, a.user, benchPassword, "")
		}
		if err != nil {
			return fmt.Errorf("用户 %s: %w", a.user, err)
		}
	}
	return nil
}

// findAssessments finds the latest period of the lxzz-county assessments, each
// county's assessment of it, and the counties whose assessment of it is scored in
// full: past the draft, or a draft started from last year's.
func (b *benchWeb) findAssessments(ctx context.Context, svc *services, prov *ziping.OrgUnit, byID map[int64]*ziping.OrgUnit) error {
	list, err := svc.Store.Assessments(ctx, ziping.AssessmentQuery{UnitPath: prov.Path, Framework: "lxzz-county"})
	if err != nil {
		return err
	}
	for _, as := range list {
		b.period = max(b.period, as.Period)
	}
	b.ledgerPeriod = b.period
	for _, as := range list {
		if as.Period == b.period-1 {
			b.ledgerPeriod = as.Period // last year's published problems
		}
		u := byID[as.UnitID]
		if as.Period == b.period && u != nil {
			b.latest[u.Code] = as.ID
		}
		if as.Period == b.period && u != nil && (as.Status != ziping.StatusDraft || as.FromID != 0) {
			b.assessed[u.Code] = as.ID
		}
	}
	for _, c := range b.counties {
		if b.assessed[c] != 0 {
			b.assessedOrder = append(b.assessedOrder, c)
		}
	}
	return nil
}

// importBenchProvince writes the generated province as a workbook and imports it.
func importBenchProvince(e *env, svc *services, cfg synth.Config) (*engine.Dataset, error) {
	dir, err := os.MkdirTemp("", "ziping-benchweb-data-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "示范省.xlsx")
	if _, err := writeDemoData(cfg, path); err != nil {
		return nil, err
	}
	prog, err := frameworks.Resolve("yzjh-2017")
	if err != nil {
		return nil, err
	}
	ds, err := readData(nil, []string{path}, 0, prog)
	if err != nil {
		return nil, err
	}
	if _, err := svc.Data.AddUnit(e.ctx, ziping.System, "990000", "示范省", ziping.LevelProvince, ""); err != nil {
		return nil, err
	}
	_, err = svc.Data.ImportDataset(e.ctx, ziping.System, ds, dataset.ImportSource{File: "示范省.xlsx"})
	return ds, err
}

// start serves the application on a loopback port with the handler and server
// settings of `ziping serve` until ctx ends. The access log is formatted as in
// serve but discarded, so that a terminal does not slow the server down.
func (b *benchWeb) start(ctx context.Context, svc *services, users int, stderr io.Writer) (<-chan error, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := web.New(svc.web(), log, web.Options{ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter, LoginRate: users + 200})
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
	go func() { errc <- serve(ctx, ln, app, svc, log) }()
	return errc, nil
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

// signIn makes the accounts of virtual users 0…users-1 (of picks user u's) and signs
// each user in with a session of its own; it returns the sessions and how long the
// sign-ins took.
func (b *benchWeb) signIn(ctx context.Context, svc *services, accounts []benchAccount, users int,
	of func([]benchAccount, int) benchAccount) ([]*http.Cookie, time.Duration, error) {
	if err := ensureBenchUsers(ctx, svc, accounts, users, of); err != nil {
		return nil, 0, err
	}
	t0 := time.Now()
	cookies, err := b.loginAll(ctx, accounts, users, of)
	return cookies, time.Since(t0).Round(time.Millisecond), err
}

// loginAll signs every virtual user in through the login form, two at a time
// (argon2id takes 64 MiB per hash).
func (b *benchWeb) loginAll(ctx context.Context, accounts []benchAccount, users int, of func([]benchAccount, int) benchAccount) ([]*http.Cookie, error) {
	cookies := make([]*http.Cookie, users)
	errs := make([]error, users)
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for u := range users {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			cookies[u], errs[u] = b.login(ctx, of(accounts, u).user)
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
