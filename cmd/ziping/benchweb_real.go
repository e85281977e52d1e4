package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"ziping"
	"ziping/loadtest"
)

// The realistic round of `bench web` (issue 12): a province's offices at work.
// Many signed-in users, each with its own session, read each page for seconds
// (--think) before the next; a county's fillers work on their assessment (the page,
// a point's form, the report and its preview) and look at their county and ledger,
// a city's reviewers review their counties and follow the city's ranking and ledger,
// the province's admins the province's. The target is on this round: p99 < 150 ms
// with no failed request.

// realTarget is the realistic round's target p99.
const realTarget = 150 * time.Millisecond

// realAccounts are the accounts of the realistic round: the admin, a reviewer of
// every city and a filler of every county (see realAccountOf).
func (b *benchWeb) realAccounts() []benchAccount {
	accounts := []benchAccount{{"bench-admin", ziping.RoleAdmin, ""}}
	for _, c := range b.cities {
		accounts = append(accounts, benchAccount{"bench-reviewer-" + c, ziping.RoleReviewer, c})
	}
	for _, c := range b.counties {
		accounts = append(accounts, benchAccount{"bench-" + c, ziping.RoleFiller, c})
	}
	return accounts
}

// realAccountOf is the account of virtual user u of the realistic round: of every
// fifty users, one is the admin, four are reviewers of the cities in turn and 45
// fillers of the counties in turn (500 users: 10 admins, 40 reviewers, 450 fillers,
// two or three to a county of 200).
func realAccountOf(accounts []benchAccount, u int) benchAccount {
	cities := 0
	for _, a := range accounts {
		if a.role == ziping.RoleReviewer {
			cities++
		}
	}
	counties := len(accounts) - 1 - cities
	switch k := u % 50; {
	case k == 0 || cities == 0 && counties == 0:
		return accounts[0]
	case k <= 4 && cities > 0 || counties == 0:
		return accounts[1+(u/50*4+k-1)%cities]
	default:
		return accounts[1+cities+(u/50*45+k-5)%counties]
	}
}

// weightedPage is a page of the realistic round and how often a user opens it
// (relative to the user's other pages).
type weightedPage struct {
	benchPage
	weight int
}

// realPages are the pages user u opens, by role, with how often.
func (b *benchWeb) realPages(a benchAccount, u int) []weightedPage {
	sel := fmt.Sprintf("?fw=lxzz-county&period=%d", b.period)
	ledger := fmt.Sprintf("/problems?fw=lxzz-county&period=%d", b.ledgerPeriod)
	var mine []string // the counties the user works on
	for _, c := range b.counties {
		if a.role == ziping.RoleAdmin || a.role == ziping.RoleReviewer && b.parent[c] == a.scope || c == a.scope {
			mine = append(mine, c)
		}
	}
	county := mine[u%len(mine)]
	cu := "/units/" + county
	ps := []weightedPage{
		{benchPage{"county", cu}, 2},
		{benchPage{"county_sorted", cu + "?sort=-students&page=2"}, 1},
		{benchPage{"county_search", cu + "?q=" + url.QueryEscape("小学")}, 1},
	}
	switch a.role {
	case ziping.RoleAdmin:
		ps = append(ps, weightedPage{benchPage{"ranking", "/units/" + b.province + "/ranking" + sel}, 3},
			weightedPage{benchPage{"ledger_province", "/units/" + b.province + ledger}, 2})
	case ziping.RoleReviewer:
		ps = append(ps, weightedPage{benchPage{"ranking_city", "/units/" + a.scope + "/ranking" + sel}, 3},
			weightedPage{benchPage{"ledger_city", "/units/" + a.scope + ledger}, 2})
	default:
		ps = append(ps, weightedPage{benchPage{"ledger", cu + ledger}, 1})
	}
	if id := b.latest[county]; id != 0 {
		as := fmt.Sprintf("/assessments/%d", id)
		ps = append(ps, weightedPage{benchPage{"assessment", as}, 4},
			weightedPage{benchPage{"point_form", as + "/points/"}, 3}, // + a point's code, drawn at each visit
			weightedPage{benchPage{"report", as + "/report"}, 1},
			weightedPage{benchPage{"report_preview", as + "/report.html"}, 1})
	}
	return ps
}

// lxzzPoints are the points of lxzz-county whose form a user opens.
const lxzzPoints = 24

// pick is the page of step i of user u: at first each of the user's pages once,
// starting at one that depends on u (so that users of one role start apart), then
// drawn by weight from the user's own source.
func pick(ps []weightedPage, u, i int, rng *rand.Rand) benchPage {
	p := ps[(u+i)%len(ps)]
	if i >= len(ps) {
		total := 0
		for _, q := range ps {
			total += q.weight
		}
		n := rng.IntN(total)
		for _, q := range ps {
			if p = q; n < q.weight {
				break
			}
			n -= q.weight
		}
	}
	if p.kind == "point_form" {
		return benchPage{p.kind, p.path + strconv.Itoa(1+rng.IntN(lxzzPoints)) + "/form"}
	}
	return p.benchPage
}

// realRound signs the users in and runs them for the duration with think time.
func (b *benchWeb) realRound(ctx context.Context, e *env, svc *services, f *benchWebFlags) (*loadtest.Report, error) {
	accounts := b.realAccounts()
	cookies, took, err := b.signIn(ctx, svc, accounts, f.users, realAccountOf)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stdout, "\n真实场景（目标 p99 < %v，无失败请求）：%d 个虚拟用户已登录（%v），每次请求后思考 %v–%v，共 %v；%s\n",
		realTarget, f.users, took, f.thinkMin, f.thinkMax, f.duration, machine())
	pages := make([][]weightedPage, f.users)
	rngs := make([]*rand.Rand, f.users)
	for u := range f.users {
		pages[u] = b.realPages(realAccountOf(accounts, u), u)
		rngs[u] = rand.New(rand.NewPCG(2, uint64(u))) // used by user u's goroutine only
	}
	step := func(ctx context.Context, u, i int) (string, error) {
		p := pick(pages[u], u, i, rngs[u])
		return p.kind, b.get(ctx, p.path, cookies[u])
	}
	var rep *loadtest.Report
	err = b.importing(ctx, e, f.duration, func() {
		// Each user opens each of its pages once first, however long that takes.
		rep = loadtest.Run(ctx, loadtest.Config{Users: f.users, Duration: f.duration, ThinkMin: f.thinkMin, ThinkMax: f.thinkMax, Seed: 1,
			MinSteps: func(u int) int { return len(pages[u]) }}, step)
		rep.Write(e.stdout)
		verdict := "达到"
		if rep.All.P99 >= realTarget || rep.Errors() > 0 || rep.All.Count == 0 {
			verdict = "未达到"
		}
		fmt.Fprintf(e.stdout, "目标 p99 < %v 且无失败请求：%s（p50 %v，p95 %v，p99 %v，失败 %d）；结束时：%s\n", realTarget, verdict,
			rep.All.P50.Round(100*time.Microsecond), rep.All.P95.Round(100*time.Microsecond), rep.All.P99.Round(100*time.Microsecond), rep.Errors(), loadAverage())
	})
	return rep, err
}

// machine describes where the bench runs: the cores that the server and the load
// generator share, and the load average when the round starts.
func machine() string {
	return fmt.Sprintf("服务器和施压程序共用 %d 核（GOMAXPROCS=%d，%s），%s", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadAverage())
}

// loadAverage is the machine's load average over 1, 5 and 15 minutes, where the
// system tells it (/proc/loadavg).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return "负载 " + strings.Join(f[:3], " ") + "（1、5、15分钟）"
	}
	return "负载未知"
}
