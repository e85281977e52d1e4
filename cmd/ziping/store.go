package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"ziping"
	"ziping/account"
	"ziping/argon"
	"ziping/assess"
	"ziping/catalog"
	"ziping/dataset"
	"ziping/frameworks"
	"ziping/postgres"
	"ziping/rectify"
	"ziping/report"
	"ziping/reporting"
	"ziping/sqlite"
	"ziping/survey"
	"ziping/surveydoc"
	"ziping/web"
)

// defaultDB is where ziping keeps its data when neither --db nor ZIPING_DB says.
const defaultDB = "sqlite:ziping.db"

// migrator is what both stores offer beyond the contract: schema migrations.
type migrator interface {
	ziping.Store
	Migrate(ctx context.Context) error
}

// dbURL resolves the database URL: the flag, then ZIPING_DB, then the default.
func dbURL(e *env, flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := e.getenv("ZIPING_DB"); v != "" {
		return v
	}
	return defaultDB
}

// openStore opens the existing store the URL names and brings its schema up to
// date: sqlite:PATH (or a plain path ending in .db) or postgres://…. A missing
// SQLite file is an error, never a new empty database: a mistyped --db, or a command
// run in another directory, would otherwise answer from an empty database
// (「没有这项自评」). migrate, demo and the first unit added make new databases
// (createStore).
func openStore(ctx context.Context, url string) (ziping.Store, error) {
	return openStoreWith(ctx, url, false)
}

// createStore is openStore that makes the SQLite file when it is missing.
func createStore(ctx context.Context, url string) (ziping.Store, error) {
	return openStoreWith(ctx, url, true)
}

func openStoreWith(ctx context.Context, url string, create bool) (ziping.Store, error) {
	var st migrator
	var err error
	path := ""
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
	case strings.HasPrefix(url, "sqlite:"):
		path = strings.TrimPrefix(url, "sqlite:")
	case strings.HasSuffix(url, ".db"):
		path = url
	default:
		return nil, usagef("数据库地址应为 sqlite:文件路径 或 postgres://…")
	}
	if path != "" && !create {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("数据库文件不存在：%s（新建数据库：ziping migrate --db %s，或先添加省级单位 ziping unit add 代码 名称 --level province --db %s；示范数据库由 ziping demo 生成）", path, url, url)
		}
	}
	if path != "" {
		st, err = sqlite.Open(ctx, path)
	} else {
		st, err = postgres.Open(ctx, url)
	}
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("升级数据库结构失败: %w", err)
	}
	return st, nil
}

// services are ziping's use cases on one store, sharing one auditor: cmd/ziping
// builds them (the only place that wires) and hands them to the web application.
type services struct {
	Store    ziping.Store
	Audit    *ziping.Auditor
	Accounts *account.Service
	Data     *dataset.Service
	Assess   *assess.Service
	Rectify  *rectify.Service
	Reports  *reporting.Service
	Catalog  *catalog.Service
	Survey   *survey.Service
}

// wire builds every service on st, with the hasher h.
func wire(st ziping.Store, h account.PasswordHasher) *services {
	au := ziping.NewAuditor(st)
	s := &services{Store: st, Audit: au, Accounts: account.New(st, h, au), Data: dataset.New(st, au)}
	s.Assess = assess.New(st, s.Data, au)
	// An import or a school moved queues a recompute of the counties' open
	// assessments; the assessments' service runs it.
	s.Data.HandleJob(ziping.JobRecompute, s.Assess.RecomputeJob)
	s.Rectify = rectify.New(st, s.Assess, au)
	s.Reports = reporting.New(st, s.Assess, au, nil)
	// The readiness check asks the report's findings of reporting, which builds on
	// assessments: a hook, not an import.
	s.Assess.Reports = s.Reports
	s.Catalog = catalog.New(st, s.Assess, au)
	// The survey attaches its documents through assess and feeds its figure to it
	// (assess asks, through assess.Surveys); a changed round is a durable job.
	s.Survey = survey.New(st, au)
	s.Survey.Evidence, s.Survey.RunJobs = s.Assess, s.Data.RunJobs
	s.Data.HandleJob(survey.JobKind, s.Survey.ResultJob)
	s.Assess.Surveys = s.Survey
	return s
}

// web is what the web application takes of the services.
func (s *services) web() web.Services {
	return web.Services{Accounts: s.Accounts, Data: s.Data, Assess: s.Assess, Rectify: s.Rectify, Reports: s.Reports,
		Catalog: s.Catalog, Survey: s.Survey, Audit: s.Audit, Store: s.Store}
}

// service opens the store and wires the services on it, with the audit key (made
// at first start) and the checkpoint file. done writes a last checkpoint of the
// audit chain and closes the store.
func service(e *env, url string) (*services, func(), error) {
	return serviceWith(e, url, false)
}

// creatingService is service on a database it makes when missing (migrate, demo,
// the bench commands' fresh databases).
func creatingService(e *env, url string) (*services, func(), error) {
	return serviceWith(e, url, true)
}

func serviceWith(e *env, url string, create bool) (*services, func(), error) {
	st, err := openStoreWith(e.ctx, url, create)
	if err != nil {
		return nil, nil, err
	}
	keyPath, cpPath := auditPaths(e, url)
	key, err := loadAuditKey(keyPath, true)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	svc := wire(st, argon.Hasher{P: argon.Default})
	svc.Reports.Reporter = report.Renderer{}
	svc.Survey.Documents = surveydoc.Writer{}
	svc.Audit.Key, svc.Accounts.DeviceKey = key, deviceKey(key)
	svc.Audit.Checkpoints = checkpointFile{path: cpPath}
	if err := svc.Audit.EnsureKey(e.ctx); err != nil {
		st.Close()
		return nil, nil, err
	}
	if err := svc.Assess.SeedFrameworks(e.ctx, frameworks.Stored()); err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("写入内置评价体系失败: %w", err)
	}
	if err := svc.Survey.Seed(e.ctx); err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("写入内置问卷失败: %w", err)
	}
	done := func() {
		if _, err := svc.Audit.Checkpoint(context.WithoutCancel(e.ctx)); err != nil {
			fmt.Fprintf(e.stderr, "ziping: %v\n", err)
		}
		st.Close()
	}
	return svc, done, nil
}

// auditFlags adds --audit-key and --audit-checkpoints to a command's flags.
func auditFlags(e *env, fs *flag.FlagSet) {
	fs.StringVar(&e.auditKey, "audit-key", "", "审计密钥文件（默认 ZIPING_AUDIT_KEY_FILE，或数据库文件旁的 .audit-key；首次启动时生成）")
	fs.StringVar(&e.auditCheckpoints, "audit-checkpoints", "", "审计检查点文件（默认 ZIPING_AUDIT_CHECKPOINTS，或审计密钥旁的 .audit-checkpoints）")
}

// redact hides a PostgreSQL password in a URL before it is printed.
func redact(url string) string {
	at := strings.LastIndexByte(url, '@')
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 {
		return url
	}
	cred := url[scheme+3 : at]
	if i := strings.IndexByte(cred, ':'); i >= 0 {
		return url[:scheme+3] + cred[:i] + ":***" + url[at:]
	}
	return url
}
