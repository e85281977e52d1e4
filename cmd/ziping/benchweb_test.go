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
