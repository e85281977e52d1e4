package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ziping"
)

// TestHelpListsEveryCommand: `ziping help` names every subcommand, each on one line
// with what it does; report says all it does, not only lint.
func TestHelpListsEveryCommand(t *testing.T) {
	out, _, code := runCLI(t, "help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	lines := strings.Split(out, "\n")
	for _, c := range commands() {
		n := 0
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) >= 2 && f[0] == c.name {
				n++
				if !strings.Contains(l, c.summary) {
					t.Errorf("help line of %s lacks its summary: %q", c.name, l)
				}
			}
		}
		if n != 1 {
			t.Errorf("help lists %s on %d lines, want 1", c.name, n)
		}
		if c.summary == "" || strings.Contains(c.summary, "\n") {
			t.Errorf("%s: summary %q is not one line", c.name, c.summary)
		}
	}
	for _, sub := range []string{"render", "import", "lint"} {
		if !regexp.MustCompile(`(?m)^\s+report\s.*` + sub).MatchString(out) {
			t.Errorf("help's report line does not mention report %s", sub)
		}
	}
}

// TestMissingDatabaseIsNotCreated: a command that reads a database refuses a missing
// SQLite file and leaves none behind; migrate makes one.
func TestMissingDatabaseIsNotCreated(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "missing.db")
	url := "sqlite:" + db
	for _, args := range [][]string{
		{"report", "render", "--db", url, "--unit", "990102", "--period", "2024", "--format", "md", "-o", filepath.Join(dir, "r.md")},
		{"user", "list", "--db", url},
		{"user", "add", "wang", "--role", "filler", "--db", url},
		{"unit", "add", "990100", "示范市", "--level", "city", "--parent", "990000", "--db", url},
		{"import", "--db", url, fixture(t)},
		{"audit", "verify", "--db", url},
		{"serve", "--db", url, "--addr", "127.0.0.1:0"},
		{"user", "list", "--db", db}, // a plain path ending in .db
		{"backup", "-o", filepath.Join(dir, "b.db"), "--db", url},
	} {
		out, errs, code := runCLI(t, args...)
		if code == 0 || !strings.Contains(errs, "数据库文件不存在："+db) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 数据库文件不存在：%s", args, code, out, errs, db)
		}
		if strings.Contains(errs, "没有这项自评") {
			t.Errorf("%v: answered from an empty database: %s", args, errs)
		}
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("%v made the database %s", args, db)
		}
	}
	if _, errs, code := runCLI(t, "migrate", "--db", url); code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("migrate did not make the database: %v", err)
	}
	if out, errs, code := runCLI(t, "user", "list", "--db", url); code != 0 {
		t.Errorf("user list after migrate: exit %d: %s%s", code, out, errs)
	}
}

// TestReadmeTourStaysInItsDirectory: every file the README's tour writes goes into
// the directory it makes first, and .gitignore covers that directory and what the
// demo writes when run in the repository.
func TestReadmeTourStaysInItsDirectory(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "## Five-minute tour")
	if start < 0 {
		t.Fatal("README has no tour")
	}
	block := text[start:]
	block = block[strings.Index(block, "```sh")+5:]
	block = block[:strings.Index(block, "```")]
	if !strings.Contains(block, "mkdir -p tour") {
		t.Fatal("the tour does not make its directory")
	}
	outputs := regexp.MustCompile(`(?:\s-o|>)\s+(\S+)`).FindAllStringSubmatch(strings.ReplaceAll(block, "go build -o ziping", ""), -1)
	if len(outputs) < 3 {
		t.Fatalf("the tour writes %d files; want the data, the score sheet and the JSON", len(outputs))
	}
	for _, o := range outputs {
		if !strings.HasPrefix(o[1], "tour/") {
			t.Errorf("the tour writes %s outside tour/", o[1])
		}
	}

	var patterns []string
	f, err := os.Open("../../.gitignore")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	ignored := func(name string) bool {
		for _, p := range patterns {
			if dir, ok := strings.CutSuffix(p, "/"); ok {
				if strings.HasPrefix("/"+name, dir+"/") {
					return true
				}
				continue
			}
			if strings.HasPrefix(p, "/") {
				if ok, _ := path.Match(p[1:], name); ok {
					return true
				}
				continue
			}
			if ok, _ := path.Match(p, path.Base(name)); ok {
				return true
			}
		}
		return false
	}
	for _, name := range []string{"tour/示范.xlsx", "tour/结果.json", "示范.xlsx", "示范省.xlsx", "示范.csv", "示范.区县.csv",
		"评分表.xlsx", "结果.json", "排名.xlsx", "人工评分.yaml", "demo.db", "demo.db-wal", "ziping.db", "ziping.db.audit-key"} {
		if !ignored(name) {
			t.Errorf(".gitignore does not cover %s", name)
		}
	}
	if ignored("frameworks/yzjh-2017.yaml") || ignored("README.md") {
		t.Error(".gitignore covers the sources")
	}
}

// TestZoneSetting: ZIPING_TZ and serve --tz set the zone times and document dates
// are written in; a zone that does not exist is refused.
func TestZoneSetting(t *testing.T) {
	t.Cleanup(func() { ziping.SetZone("") })
	env := func(tz string) func(string) string {
		return func(k string) string {
			if k == "ZIPING_TZ" {
				return tz
			}
			return ""
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"version"}, strings.NewReader(""), &out, &errb, env("Mars/Olympus")); code != 2 || !strings.Contains(errb.String(), "时区「Mars/Olympus」无效") {
		t.Errorf("ZIPING_TZ=Mars/Olympus: exit %d: %s", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"version"}, strings.NewReader(""), &out, &errb, env("Asia/Urumqi")); code != 0 || ziping.Zone().String() != "Asia/Urumqi" {
		t.Errorf("ZIPING_TZ=Asia/Urumqi: exit %d, zone %s: %s", code, ziping.Zone(), errb.String())
	}
	if _, errs, code := runCLI(t, "serve", "--tz", "Nowhere/City", "--db", "sqlite:"+filepath.Join(t.TempDir(), "z.db")); code != 2 || !strings.Contains(errs, "时区「Nowhere/City」无效") {
		t.Errorf("serve --tz Nowhere/City: exit %d: %s", code, errs)
	}
}
