package main

import (
	"strings"
	"testing"
)

// TestBenchWeb runs the web load generator briefly on a tiny province, so that the
// tool keeps working as the pages change: every request must succeed.
func TestBenchWeb(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and loads it for 2 s")
	}
	out, errs, code := runCLI(t, "bench", "web", "--users", "4", "--duration", "2s", "--counties", "2", "--schools", "40",
		"--db", "sqlite:"+t.TempDir()+"/bench.db")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, kind := range []string{"county", "county_search", "score_yzjh", "score_lxzz", "explain", "frameworks", "city", "school",
		"assessment", "ranking", "ranking_city", "ledger", "ledger_city", "ledger_province", "all"} {
		if !strings.Contains(out, "\n"+kind+" ") {
			t.Errorf("no figures for %s:\n%s", kind, out)
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
