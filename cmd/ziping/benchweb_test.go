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
