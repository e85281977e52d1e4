package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ziping/docx"
	"ziping/web"
	"ziping/xlsx"
)

// checkDemoSchoolTour follows the demo's printed directions for schools on its
// database, served as `ziping serve` serves it: `school` signs in with the printed
// password, lands on its school, opens 自评与复核 and finds its started 学校办学质量
// self-evaluation; `duxue` (the city's reviewer, who reviews schools) opens the
// demo county's 学校排名 and finds the schools' self-evaluations there.
func checkDemoSchoolTour(t *testing.T, dir, out string) {
	t.Helper()
	accounts := map[string][2]string{} // user → password, scope
	for _, m := range regexp.MustCompile(`(?m)^\s+(school|duxue|county)\s+(\S+)\s+\S+\s+(\S+)\s*$`).FindAllStringSubmatch(out, -1) {
		accounts[m[1]] = [2]string{m[2], m[3]}
	}
	if len(accounts) != 3 {
		t.Fatalf("demo accounts %v in:\n%s", accounts, out)
	}
	for _, want := range []string{"以 school 登录：本校 › 自评与复核", "以 duxue 登录：", "学校排名"} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo's directions lack %q", want)
		}
	}
	var errs strings.Builder
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: io.Discard, stderr: &errs, getenv: func(string) string { return "" }}
	svc, done, err := service(e, "sqlite:"+filepath.Join(dir, "demo.db")) // as serve wires it, with the audit key
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		done()
		if errs.Len() > 0 {
			t.Errorf("serving the demo database: %s", errs.String())
		}
	}()
	app, err := web.New(svc.web(), slog.New(slog.NewTextHandler(io.Discard, nil)), web.Options{ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	signIn := func(user string) (*http.Client, string) {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		resp := postLogin(t, c, srv.URL, user, accounts[user][0])
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s signs in: status %d", user, resp.StatusCode)
		}
		return c, resp.Request.URL.Path + "\n" + string(body)
	}

	school := accounts["school"][1]
	c, home := signIn("school")
	// The home page (工作台) shows the school's self-evaluation, and leads to the school.
	if !strings.HasPrefix(home, "/\n") || !strings.Contains(home, "义务教育学校办学质量评价") || !strings.Contains(home, `href="/units/`+school+`" id="home-units"`) {
		t.Fatalf("school's home: %.300s", home)
	}
	if page := get(t, c, srv.URL+"/units/"+school); !strings.Contains(page, `id="unit-assessments"`) {
		t.Errorf("the school's page has no 自评与复核")
	}
	list := get(t, c, srv.URL+"/units/"+school+"/assessments")
	m := regexp.MustCompile(`<td>2024年度</td><td>义务教育学校办学质量评价</td>(?s:.*?)<a href="(/assessments/\d+)">打开</a>`).FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("the school's list has no 2024 学校办学质量 self-evaluation:\n%s", list)
	}
	if page := get(t, c, srv.URL+m[1]); !strings.Contains(page, "填报中") || !strings.Contains(page, "评分与证明材料") {
		t.Errorf("the school's self-evaluation is not open to scoring")
	}

	county := accounts["county"][1]
	c, _ = signIn("duxue")
	ranking := get(t, c, srv.URL+"/units/"+county+"/school-ranking")
	if n := strings.Count(ranking, `<a href="/assessments/`); n != demoSchoolCount {
		t.Errorf("the county's school ranking links %d self-evaluations, want %d", n, demoSchoolCount)
	}
	checkDemoIndicators(t, svc, srv.URL, c, accounts["duxue"][1])
}
