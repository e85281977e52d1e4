package main

import (
	"strings"
	"testing"

	"ziping"
)

// TestBenchWeb runs both rounds of the web load generator briefly on a tiny
// province, so that the tool keeps working as the pages change: every request must
// succeed, every kind of page must have been asked for, and the realistic round
// says whether it met its target.
func TestBenchWeb(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and loads it for 5 s")
	}
	// 100 users: two admins and eight reviewers, who go through their pages once
	// first, starting apart; four stress users starting apart in their round.
	out, errs, code := runCLI(t, "bench", "web", "--users", "100", "--think", "1ms-20ms", "--duration", "3s",
		"--stress-users", "4", "--stress-duration", "2s", "--counties", "2", "--schools", "40",
		"--db", "sqlite:"+t.TempDir()+"/bench.db")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	realOut, stress, ok := strings.Cut(out, "压力测试（不设目标）")
	if !ok || !strings.Contains(realOut, "真实场景（目标 p99 < 150ms，无失败请求）") || !strings.Contains(realOut, "目标 p99 < 150ms 且无失败请求：") {
		t.Fatalf("the two rounds are not both there:\n%s", out)
	}
	for _, kind := range []string{"county", "county_sorted", "county_search", "assessment", "point_form", "report", "report_preview",
		"ranking", "ranking_city", "ledger", "ledger_city", "ledger_province", "all"} {
		if !strings.Contains(realOut, "\n"+kind+" ") {
			t.Errorf("realistic round: no figures for %s:\n%s", kind, realOut)
		}
	}
	for _, kind := range []string{"county", "county_search", "score_yzjh", "score_lxzz", "explain", "frameworks", "city", "school",
		"assessment", "ranking", "ranking_city", "ledger", "ledger_city", "ledger_province", "all"} {
		if !strings.Contains(stress, "\n"+kind+" ") {
			t.Errorf("stress round: no figures for %s:\n%s", kind, stress)
		}
	}
	if !strings.Contains(out, " p95 ") || !strings.Contains(out, "负载") {
		t.Errorf("no p95 column or load average:\n%s", out)
	}
}

// TestRealAccountOf: of 500 users, 10 are the admin, 40 reviewers and 450 fillers;
// every city has its reviewers and every county of 200 two or three fillers.
func TestRealAccountOf(t *testing.T) {
	b := &benchWeb{}
	for i := range 10 {
		b.cities = append(b.cities, "9901"+string(rune('0'+i))+"0")
	}
	for i := range 200 {
		b.counties = append(b.counties, "C"+string(rune('A'+i/26))+string(rune('a'+i%26)))
	}
	accounts := b.realAccounts()
	roles, users := map[string]int{}, map[string]int{}
	for u := range 500 {
		a := realAccountOf(accounts, u)
		roles[a.role]++
		users[a.user]++
	}
	if roles[ziping.RoleAdmin] != 10 || roles[ziping.RoleReviewer] != 40 || roles[ziping.RoleFiller] != 450 {
		t.Errorf("roles %v, want 10 admins, 40 reviewers, 450 fillers", roles)
	}
	for _, c := range b.cities {
		if n := users["bench-reviewer-"+c]; n != 4 {
			t.Errorf("city %s has %d reviewers, want 4 (40 over 10 cities)", c, n)
		}
	}
	for _, c := range b.counties {
		if n := users["bench-"+c]; n < 2 || n > 3 {
			t.Errorf("county %s has %d fillers, want 2 or 3 (450 over 200)", c, n)
		}
	}
}

// TestBench runs the engine bench on a tiny nation: every case reports, the whole
// `ziping evaluate` runs as a child process, and, where pandas is installed, the
// two-year case compares with scripts/bench_pandas.py and the two agree.
func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("generates data and runs child processes")
	}
	t.Setenv(beMain, "1") // the children are this binary, as ziping
	out, errs, code := runCLI(t, "bench", "--counties", "30", "--schools", "900", "--kindergartens", "200", "--province", "300",
		"--runs", "1", "--dir", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"全国：读取", "全国：整个进程 evaluate --all", "全省：yzjh-2017", "全国两年：读取（只读2024年度的学校）",
		"全国两年：yzjh-2017 评价并写出 JSON", "全国两年：整个进程 evaluate --all --format json"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "未安装 pandas") {
		return
	}
	if !strings.Contains(out, "ziping 比 pandas 快") || !strings.Contains(out, "worst relative difference") || !strings.Contains(out, ", 0 computed by one side only") {
		t.Errorf("no agreeing pandas comparison:\n%s", out)
	}
}

// TestBenchOnly: --only two-years runs the two-year case alone; another name is a
// usage error.
func TestBenchOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("generates data and runs child processes")
	}
	t.Setenv(beMain, "1")
	out, errs, code := runCLI(t, "bench", "--only", "two-years", "--counties", "20", "--schools", "600", "--runs", "1", "--dir", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if !strings.Contains(out, "全国两年：整个进程 evaluate --all --format json") || strings.Contains(out, "全国：读取") || strings.Contains(out, "全省") {
		t.Errorf("not the two-year case alone:\n%s", out)
	}
	if _, errs, code := runCLI(t, "bench", "--only", "web"); code != 2 || !strings.Contains(errs, "--only") {
		t.Errorf("--only web: exit %d, %s", code, errs)
	}
}
