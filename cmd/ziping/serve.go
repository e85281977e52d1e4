package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
	"ziping"

	"ziping/assess"
	"ziping/dataset"
	"ziping/docx"
	"ziping/web"
	"ziping/xlsx"
)

const serveUsage = "serve [--addr :8080] [--db URL] [--dev] [--log text|json] [--secure-cookies] [--max-evidence 20] [--trusted-proxy CIDR]... [--max-rows 200000] [--upload-quota 60] [--uploads-per-user 5] [--max-previews 2] [--page-slots 0] [--max-upload 20] [--max-unzip 200] [--memory-limit 400] [--audit-key FILE] [--audit-checkpoints FILE] [--checkpoint-every 100] [--tz Asia/Shanghai]"

// Timeouts of the HTTP server: a slow client cannot hold a connection open for
// ever, and a shutdown waits this long for requests in flight.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 2 * time.Minute // a score sheet of a big county takes a moment
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 15 * time.Second
	sessionSweep      = time.Hour
)

// runServe serves the web application until the run context ends (SIGINT), then
// lets the requests in flight finish.
func runServe(e *env, args []string) error {
	fs := newFlags(e, "serve", serveUsage)
	addr := fs.String("addr", "", "监听地址（默认 ZIPING_ADDR 或 :8080）")
	db := fs.String("db", "", "数据库：sqlite:文件 或 postgres://…（默认 ZIPING_DB 或 "+defaultDB+"）")
	dev := fs.Bool("dev", false, "开发模式：每次请求都从 web/ 目录读取模板和样式")
	logFormat := fs.String("log", "text", "日志格式：text 或 json")
	secure := fs.Bool("secure-cookies", false, "会话 Cookie 一律加 Secure（由前置代理提供 HTTPS 时使用）")
	maxEvidence := fs.Int64("max-evidence", assess.DefaultMaxEvidence>>20, "单个证明材料文件的大小上限（MB）")
	var proxies stringList
	fs.Var(&proxies, "trusted-proxy", "可信的反向代理地址或网段（可重复，逗号分隔；默认 ZIPING_TRUSTED_PROXIES）：只有来自它们的 X-Forwarded-For 才用作客户端地址")
	lim := serveLimits{}
	fs.IntVar(&lim.maxRows, "max-rows", 200000, "每次导入的学校数据行数上限")
	fs.Int64Var(&lim.quotaMB, "upload-quota", 60, "每个用户等待确认导入的文件总大小上限（MB）")
	fs.IntVar(&lim.perUser, "uploads-per-user", 5, "每个用户等待确认导入的文件个数上限")
	fs.IntVar(&lim.previews, "max-previews", 2, "本实例同时预览（读取）的上传文件个数上限")
	fs.IntVar(&lim.pageSlots, "page-slots", 0, "本实例同时处理的页面请求数，其余按到达顺序排队（0：每个CPU核4个）")
	fs.Int64Var(&lim.uploadMB, "max-upload", 20, "上传的数据文件（.xlsx、.csv）大小上限（MB）")
	fs.Int64Var(&lim.unzipMB, "max-unzip", 200, ".xlsx 解压后的大小上限（MB；防范压缩炸弹）")
	fs.Int64Var(&lim.memoryMB, "memory-limit", 400, "Go 运行时的内存软上限（MB；0：不设，环境变量 GOMEMLIMIT 优先）")
	fs.IntVar(&lim.checkpointEvery, "checkpoint-every", 100, "每写入多少条审计记录，向检查点文件写一个检查点")
	tz := fs.String("tz", "", "显示时间和文件成文日期所用的时区（默认 ZIPING_TZ 或 "+ziping.DefaultZone+"）")
	auditFlags(e, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *tz != "" {
		if err := ziping.SetZone(*tz); err != nil {
			return usagef("%v", err)
		}
	}
	if err := lim.check(); err != nil {
		return err
	}
	if len(proxies) == 0 && e.getenv("ZIPING_TRUSTED_PROXIES") != "" {
		proxies = stringList{e.getenv("ZIPING_TRUSTED_PROXIES")}
	}
	trusted, err := parseProxies(proxies)
	if err != nil {
		return err
	}
	if *maxEvidence < 1 || *maxEvidence > 1024 {
		return usagef("--max-evidence 应在1到1024（MB）之间")
	}
	if *addr == "" {
		*addr = e.getenv("ZIPING_ADDR")
	}
	if *addr == "" {
		*addr = ":8080"
	}
	log, err := newLogger(e.stderr, *logFormat)
	if err != nil {
		return err
	}
	url := dbURL(e, *db)
	if path, err := sqlitePath(url, "serve"); err == nil {
		lock, err := holdServeLock(path)
		if err != nil {
			return err
		}
		defer lock.release()
	}
	svc, done, err := service(e, url)
	if err != nil {
		return err
	}
	defer done()
	svc.Assess.MaxEvidence = *maxEvidence << 20
	lim.apply(svc)
	app, err := web.New(svc.web(), log, web.Options{Dev: *dev, SecureCookies: *secure, ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet,
		Letter: docx.WriteLetter, MaxEvidence: svc.Assess.MaxEvidence, TrustedProxies: trusted, MaxPreviews: lim.previews, PageSlots: lim.pageSlots, ReadExport: exportSheet,
		MaxUpload: lim.uploadMB << 20, UnzipSizeLimit: lim.unzipMB << 20})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s: %w", *addr, err)
	}
	fmt.Fprintf(e.stdout, "ziping 已启动：%s（数据库 %s），按 Ctrl+C 停止\n", serverURL(ln.Addr()), redact(dbURL(e, *db)))
	return serve(e.ctx, ln, app, svc, log)
}

// serve runs the web application on ln until ctx ends, with the jobs (which give
// way to the pages as the web's imports do) and the session sweep beside it.
func serve(ctx context.Context, ln net.Listener, app *web.Server, svc *services, log *slog.Logger) error {
	hs := &http.Server{
		Handler:           app.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	go sweepSessions(ctx, svc, log)
	go runJobs(app.GiveWay(ctx), svc, log)
	cpCtx, stopCP := context.WithCancel(ctx)
	cpDone := make(chan struct{})
	go func() {
		defer close(cpDone)
		svc.Audit.RunCheckpoints(cpCtx, checkpointPoll, func(err error) { log.Error("audit checkpoint", "error", err.Error()) })
	}()
	defer func() { stopCP(); <-cpDone }() // the last checkpoint is written before the store closes
	log.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err2 := <-errc; !errors.Is(err2, http.ErrServerClosed) && err == nil {
		err = err2
	}
	log.Info("stopped")
	return err
}

// checkpointPoll is how often the server looks whether an audit checkpoint is due.
const checkpointPoll = 5 * time.Second

// runJobs runs the jobs left by processes that died (summaries to recompute after a
// committed import, superseded rows to delete) at start-up and every JobPoll, after
// abandoning the batches whose writer died mid-import.
func runJobs(ctx context.Context, svc *services, log *slog.Logger) {
	t := time.NewTicker(dataset.JobPoll)
	defer t.Stop()
	for {
		if n, err := svc.Data.ReapBatches(ctx); err != nil && ctx.Err() == nil {
			log.Error("abandon dead imports", "error", err.Error())
		} else if n > 0 {
			log.Warn("abandoned imports whose writer died", "batches", n)
		}
		if n, err := svc.Data.RunJobs(ctx); err != nil && ctx.Err() == nil {
			log.Error("jobs", "error", err.Error(), "done", n)
		} else if n > 0 {
			log.Info("jobs done", "jobs", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepSessions deletes expired sessions every hour while the server runs.
func sweepSessions(ctx context.Context, svc *services, log *slog.Logger) {
	t := time.NewTicker(sessionSweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := svc.Accounts.SweepSessions(ctx); err != nil && ctx.Err() == nil {
				log.Error("delete expired sessions", "error", err.Error())
			}
		}
	}
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usagef("--log 应为 text 或 json")
}

// serverURL is the address to open in a browser: a wildcard listener is reached on
// localhost.
func serverURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// parseProxies reads trusted proxies: addresses or CIDR networks, comma-separated
// or repeated.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range list {
		for _, f := range strings.Split(item, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if p, err := netip.ParsePrefix(f); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, usagef("--trusted-proxy「%s」不是 IP 地址或网段（如 10.0.0.0/8）", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out, nil
}
