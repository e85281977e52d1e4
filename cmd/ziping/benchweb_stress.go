package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"ziping"
	"ziping/loadtest"
)

// The stress round of `bench web` (issues 2 and 4): fewer users than the realistic
// round, each clicking through its pages with no think time, the worst case. Its
// figures say how the server holds under a load no county office produces; they
// are not a target.

// stressRound is the round of issue 2 and 4: users with no think time, over the
// county pages, the score sheets, a drill-down, the frameworks, the assessment, the
// ranking and the ledger; with --import-rows, while an admin imports.
func (b *benchWeb) stressRound(ctx context.Context, e *env, svc *services, f *benchWebFlags) (*loadtest.Report, error) {
	accounts := b.stressAccounts()
	cookies, took, err := b.signIn(ctx, svc, accounts, f.stressUsers, accountOf)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stdout, "\n压力测试（不设目标）：%d 个虚拟用户已登录（%v），无思考时间连续请求 %v；%s\n",
		f.stressUsers, took, f.stressDuration, machine())
	fmt.Fprintln(e.stdout, "计时之前先预热：每个用户把自己的页面各打开一次（不计入结果）")
	pages := make([][]benchPage, f.stressUsers)
	for u := range f.stressUsers {
		pages[u] = b.pages(accountOf(accounts, u), u)
	}
	step := func(ctx context.Context, u, i int) (string, error) {
		p := pages[u][(3*u+i)%len(pages[u])] // users start apart, so that a short round sees every page
		return p.kind, b.get(ctx, p.path, cookies[u])
	}
	// Warm-up, not timed: each user opens each of its pages once, so that the round
	// measures a server in its steady state, not the first reads of a process just
	// started (every cache empty at once: the first half second was a tenth of a
	// round's slowest county pages).
	warm := loadtest.Run(ctx, loadtest.Config{Users: f.stressUsers, MinSteps: func(u int) int { return len(pages[u]) }}, step)
	if warm.Errors() > 0 {
		return nil, fmt.Errorf("预热时有 %d 个请求出错：%s", warm.Errors(), strings.Join(warm.Failures, "；"))
	}
	var rep *loadtest.Report
	err = b.importing(ctx, e, f.stressDuration, func() {
		// Each user asks for each of its pages once at least, however long that takes.
		rep = loadtest.Run(ctx, loadtest.Config{Users: f.stressUsers, Duration: f.stressDuration,
			MinSteps: func(u int) int { return len(pages[u]) }}, step)
		rep.Write(e.stdout)
		fmt.Fprintf(e.stdout, "结束时：%s\n", loadAverage())
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// stressAccounts are the accounts of the stress round: an admin, a reviewer of the
// first city and fillers of the counties (see accountOf).
func (b *benchWeb) stressAccounts() []benchAccount {
	accounts := []benchAccount{{"bench-admin", ziping.RoleAdmin, ""}, {"bench-reviewer", ziping.RoleReviewer, b.city}}
	for _, c := range b.counties {
		accounts = append(accounts, benchAccount{"bench-" + c, ziping.RoleFiller, c})
	}
	return accounts
}

// accountOf is the account of virtual user u: of every ten users, one the admin,
// one the city's reviewer and eight fillers, of the counties in turn.
func accountOf(accounts []benchAccount, u int) benchAccount {
	if u%10 < 2 || len(accounts) <= 2 {
		return accounts[u%10%len(accounts)]
	}
	return accounts[2+(u/10*8+u%10-2)%(len(accounts)-2)]
}

// benchPage is one page a virtual user opens: its kind and path.
type benchPage struct{ kind, path string }

// pages is the round of a supervision office's user: its county (the first page of
// schools, the second sorted by size, a search), both score sheets, a drill-down,
// the frameworks, and the city (a school of its county for a filler, who may not
// open the city); then the lxzz-county assessment of a fully scored county (the
// filler's own, if it is one), the ranking (the admin's of the province, the
// reviewer's of the city) and the problem ledger of the user's unit.
func (b *benchWeb) pages(a benchAccount, u int) []benchPage {
	county := a.scope
	if a.role != ziping.RoleFiller {
		var mine []string // the counties the user may open
		for _, c := range b.counties {
			if a.role == ziping.RoleAdmin || b.parent[c] == a.scope {
				mine = append(mine, c)
			}
		}
		county = mine[u%len(mine)]
	}
	cu := "/units/" + county
	up := benchPage{"city", "/units/" + b.city}
	if a.role == ziping.RoleFiller {
		up = benchPage{"school", "/units/" + b.schools[county]}
	}
	ps := []benchPage{
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
	if b.period == 0 {
		return ps
	}
	var assessed []string // the fully scored counties the user may open
	for _, c := range b.assessedOrder {
		if a.role == ziping.RoleAdmin || a.role == ziping.RoleReviewer && b.parent[c] == a.scope || c == a.scope {
			assessed = append(assessed, c)
		}
	}
	if len(assessed) > 0 {
		ps = append(ps, benchPage{"assessment", fmt.Sprintf("/assessments/%d", b.assessed[assessed[u%len(assessed)]])})
	}
	sel := fmt.Sprintf("?fw=lxzz-county&period=%d", b.period)
	switch a.role {
	case ziping.RoleAdmin:
		ps = append(ps, benchPage{"ranking", "/units/" + b.province + "/ranking" + sel})
	case ziping.RoleReviewer:
		ps = append(ps, benchPage{"ranking_city", "/units/" + a.scope + "/ranking" + sel})
	}
	kind, unit := "ledger", a.scope
	switch a.role {
	case ziping.RoleAdmin:
		kind, unit = "ledger_province", b.province
	case ziping.RoleReviewer:
		kind = "ledger_city"
	}
	return append(ps, benchPage{kind, fmt.Sprintf("/units/%s/problems?fw=lxzz-county&period=%d", unit, b.ledgerPeriod)})
}

// importing runs fn, which loads the pages for about d; with --import-rows, an admin
// imports through the web all the while (the scenario of issue 9), and the imports'
// and sign-ins' figures are printed after fn's.
func (b *benchWeb) importing(ctx context.Context, e *env, d time.Duration, fn func()) error {
	if b.imports == nil {
		fn()
		return nil
	}
	admin, err := b.login(ctx, "bench-admin")
	if err != nil {
		return err
	}
	b.imports.reset()
	// The previews a round before left unconfirmed (cut off by its end) would count
	// against the admin's upload quota: the bench's database is its own.
	if _, err := b.svc.Store.DeleteUploads(ctx, time.Now()); err != nil {
		return err
	}
	// Each round starts with no job left over and leaves none: the import cut off at
	// the end of a round (its batch abandoned) and the jobs of the last one run after
	// the clock, not in the next round's.
	settle := func() error {
		if _, err := b.svc.Data.ReapBatches(ctx); err != nil {
			return err
		}
		_, err := b.svc.Data.RunJobs(ctx)
		return err
	}
	if err := settle(); err != nil {
		return err
	}
	ictx, stop := context.WithTimeout(ctx, d)
	done := make(chan struct{})
	go func() { defer close(done); b.imports.run(ictx, b, b.svc, admin) }()
	fn()
	stop()
	<-done
	if err := b.imports.write(e.stdout); err != nil {
		return err
	}
	return settle()
}
