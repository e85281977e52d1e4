package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"ziping"
	"ziping/docx"
	"ziping/loadtest"
	"ziping/survey"
	"ziping/synth"
	"ziping/web"
	"ziping/xlsx"
)

const benchSurveyUsage = `bench survey [--users 50] [--duration 20s] [--counties 8] [--schools 400] [--db sqlite:PATH]`

// benchLink is a link with the form a respondent posts to it.
type benchLink struct {
	key       string
	questions []benchQuestion
}

type benchQuestion struct {
	id      string
	kind    string
	options int
}

// runBenchSurvey measures the public answer endpoint: a province's counties each
// run a round, open assessments of theirs are fed by it, and virtual phones post
// complete questionnaires (each from a network of its own, through a proxy the
// server trusts) as fast as the server answers, while the server's job loop brings
// the rounds over to the assessments. The target is 200 submissions a second on
// SQLite.
func runBenchSurvey(e *env, args []string) error {
	fs := newFlags(e, "bench survey", benchSurveyUsage)
	users := fs.Int("users", 50, "并发虚拟手机数（闭环，无思考时间）")
	duration := fs.Duration("duration", 20*time.Second, "施压时长")
	counties := fs.Int("counties", 8, "区县数（每个区县一轮调查）")
	schools := fs.Int("schools", 400, "学校数")
	db := fs.String("db", "", "数据库（默认临时目录中新建的 SQLite 文件）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *users < 1 || *duration <= 0 {
		return usagef("--users 和 --duration 应为正数")
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "ziping-benchsurvey-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*db = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	svc, done, err := creatingService(e, *db)
	if err != nil {
		return err
	}
	defer done()
	t0 := time.Now()
	links, rounds, err := prepareSurveyBench(e, svc, synth.Config{Counties: *counties, Schools: *schools, Seed: 1})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "数据：%s，%d轮调查、%d个链接（%v）\n", redact(*db), len(rounds), len(links), time.Since(t0).Round(time.Millisecond))
	ctx, stop := context.WithCancel(e.ctx)
	defer stop()
	base, errc, err := startSurveyServer(ctx, svc)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d 部虚拟手机提交问卷 %v；服务器和施压程序共用 %d 核（GOMAXPROCS=%d，%s）\n",
		*users, *duration, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	rep, ok := loadSurvey(ctx, base, links, *users, *duration)
	stop()
	if serr := <-errc; serr != nil {
		return serr
	}
	rep.Write(e.stdout)
	stored := 0
	for _, id := range rounds {
		rs, err := svc.Store.SurveyResponses(e.ctx, id)
		if err != nil {
			return err
		}
		stored += len(rs)
	}
	fmt.Fprintf(e.stdout, "提交成功%d份，数据库中%d份；每秒%.1f份（目标200）\n", ok, stored, float64(ok)/rep.Elapsed.Seconds())
	if int64(stored) != ok {
		return fmt.Errorf("数据库中的答卷数（%d）与成功提交数（%d）不符", stored, ok)
	}
	if n := rep.Errors(); n > 0 {
		return fmt.Errorf("%d 次请求失败", n)
	}
	return nil
}

// prepareSurveyBench imports a province, starts every county's assessment and
// survey round of the latest period, and reads every link's form.
func prepareSurveyBench(e *env, svc *services, cfg synth.Config) ([]benchLink, []int64, error) {
	ctx := e.ctx
	ds, err := importBenchProvince(e, svc, cfg)
	if err != nil {
		return nil, nil, err
	}
	period := ds.Latest()
	var links []benchLink
	var rounds []int64
	for _, du := range ds.Units {
		u, err := svc.Store.UnitByCode(ctx, du.Code)
		if err != nil {
			return nil, nil, err
		}
		if _, err := svc.Assess.StartAssessment(ctx, ziping.System, "lxzz-county", u, period, false); err != nil {
			return nil, nil, err
		}
		r, err := svc.Survey.CreateRound(ctx, ziping.System, survey.RoundInput{Unit: u.Code, Period: period, Questionnaire: "lxzz-county", Population: 500_000})
		if err != nil {
			return nil, nil, err
		}
		rounds = append(rounds, r.ID)
		ls, err := svc.Store.SurveyLinks(ctx, r.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range ls {
			fm, err := svc.Survey.Form(ctx, l.Key)
			if err != nil {
				return nil, nil, err
			}
			bl := benchLink{key: l.Key}
			for _, q := range fm.Questions {
				bl.questions = append(bl.questions, benchQuestion{q.ID, q.Kind, len(fm.File.Options(&q))})
			}
			links = append(links, bl)
		}
	}
	return links, rounds, nil
}

// startSurveyServer serves the application as `ziping serve` does, behind a proxy
// on the loopback whose X-Forwarded-For it believes.
func startSurveyServer(ctx context.Context, svc *services) (string, <-chan error, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := web.New(svc.web(), log, web.Options{ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, ln, app, svc, log) }()
	return "http://" + ln.Addr().String(), errc, nil
}

// loadSurvey runs the virtual phones and counts the submissions stored.
func loadSurvey(ctx context.Context, base string, links []benchLink, users int, d time.Duration) (*loadtest.Report, int64) {
	tr := &http.Transport{MaxIdleConns: users + 16, MaxIdleConnsPerHost: users + 16, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var ok atomic.Int64
	rngs := make([]*rand.Rand, users)
	for u := range rngs {
		rngs[u] = rand.New(rand.NewPCG(uint64(u), 2024))
	}
	rep := loadtest.Run(ctx, loadtest.Config{Users: users, Duration: d}, func(ctx context.Context, user, i int) (string, error) {
		rng := rngs[user]
		l := links[rng.IntN(len(links))]
		form := url.Values{"cid": {fmt.Sprintf("bench-%04d-%08d", user, i)},
			"started": {strconv.FormatInt(time.Now().Add(-2*time.Minute).UnixMilli(), 10)}}
		for _, q := range l.questions {
			switch q.kind {
			case survey.KindText:
			default:
				form.Set("q."+q.id, strconv.Itoa(rng.IntN(q.options)))
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/s/"+l.key, strings.NewReader(form.Encode()))
		if err != nil {
			return "submit", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", rng.IntN(250), rng.IntN(250), 1+rng.IntN(250)))
		resp, err := client.Do(req)
		if err != nil {
			return "submit", err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return "submit", fmt.Errorf("status %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
		}
		ok.Add(1)
		return "submit", nil
	})
	return rep, ok.Load()
}
