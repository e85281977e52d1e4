package main

import (
	"html"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
)

// demoRankingRow is a county of a ranking: its status, total and grade, and its
// areas' scores in framework order, as words.
type demoRankingRow struct {
	code, status, total, grade string
	areas                      []string
}

// printedDemoRanking reads the ranking `ziping demo` prints (评价排名), by county code,
// in the order printed.
func printedDemoRanking(t *testing.T, out string) ([]string, map[string]demoRankingRow) {
	t.Helper()
	_, table, ok := strings.Cut(out, "\n评价排名（")
	if !ok {
		t.Fatalf("the demo prints no 评价排名:\n%s", out)
	}
	row := regexp.MustCompile(`^\s*(?:并列)?\d+\s+(\d{6})\s+\S+\s+(\S+)\s+([\d.]+)\s+(\S+)\s+(.*?)\s+\d+$`)
	var order []string
	rows := map[string]demoRankingRow{}
	_, table, ok = strings.Cut(table, "名次")
	if !ok {
		t.Fatalf("the demo's 评价排名 has no table:\n%s", out)
	}
	for _, line := range strings.Split(table, "\n")[1:] {
		if strings.TrimSpace(line) == "" {
			break
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("printed ranking row %q", line)
		}
		order = append(order, m[1])
		rows[m[1]] = demoRankingRow{code: m[1], status: m[2], total: m[3], grade: m[4], areas: strings.Fields(m[5])}
	}
	return order, rows
}

var (
	webRankingRow  = regexp.MustCompile(`(?s)<td class="num rank">.*?<a href="/units/(\d{6})">.*?<td class="nowrap">([^<]+)</td>\s*<td class="num">([\d.]+) / [\d.]+</td><td><span[^>]*>([^<]+)</span></td>(.*?)<td class="num change`)
	webRankingArea = regexp.MustCompile(`<td class="num">([^<]*)</td>`)
)

// webDemoRanking reads the ranking table of a ranking page, by county code, in the
// order shown.
func webDemoRanking(t *testing.T, page string) ([]string, map[string]demoRankingRow) {
	t.Helper()
	var order []string
	rows := map[string]demoRankingRow{}
	for _, m := range webRankingRow.FindAllStringSubmatch(page, -1) {
		r := demoRankingRow{code: m[1], status: m[2], total: m[3], grade: html.UnescapeString(m[4])}
		for _, a := range webRankingArea.FindAllStringSubmatch(m[5], -1) {
			r.areas = append(r.areas, a[1])
		}
		order = append(order, r.code)
		rows[r.code] = r
	}
	if len(order) == 0 {
		t.Fatalf("no ranked row on the ranking page:\n%.2000s", page)
	}
	return order, rows
}

// TestDemoRankingIsTheWebRanking: the ranking `ziping demo` prints is the one its
// web application shows for the same framework and year — the administrator's
// province ranking row for row (order, status, total, grade, every area), and each
// county of the city reviewer's ranking with the same scores. (They once differed:
// the terminal scored the data file and 人工评分.yaml, the page the stored
// assessments, where a reviewer had adjusted a point and a survey had measured
// 社会认可度.)
func TestDemoRankingIsTheWebRanking(t *testing.T) {
	d := sharedDemo(t)
	_, pass := demoAccounts(t, d.out)
	_, _, srv, errs := serveDemo(t, d)
	printedOrder, printed := printedDemoRanking(t, d.out)
	if len(printedOrder) != 3 {
		t.Fatalf("the demo ranks %d counties, want 3: %v", len(printedOrder), printedOrder)
	}
	signIn := func(user string) *http.Client {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		postLogin(t, c, srv.URL, user, pass[user]).Body.Close()
		return c
	}
	same := func(who string, w, p demoRankingRow) {
		t.Helper()
		if w.status != p.status || w.total != p.total || w.grade != p.grade || strings.Join(w.areas, " ") != strings.Join(p.areas, " ") {
			t.Errorf("%s: %s on the page %s %s %s %v, printed %s %s %s %v", who, w.code, w.status, w.total, w.grade, w.areas,
				p.status, p.total, p.grade, p.areas)
		}
	}
	const query = "?fw=lxzz-county&period=2024"
	webOrder, web := webDemoRanking(t, get(t, signIn("admin"), srv.URL+"/units/990000/ranking"+query))
	if strings.Join(webOrder, " ") != strings.Join(printedOrder, " ") {
		t.Errorf("the province's ranking on the page is %v, printed %v", webOrder, printedOrder)
	}
	for _, code := range webOrder {
		same("admin", web[code], printed[code])
	}
	cityOrder, city := webDemoRanking(t, get(t, signIn("duxue"), srv.URL+"/units/990100/ranking"+query))
	for _, code := range cityOrder {
		p, ok := printed[code]
		if !ok {
			t.Errorf("duxue's ranking has %s, which the demo does not print", code)
			continue
		}
		same("duxue", city[code], p)
	}
	if errs.Len() > 0 {
		t.Errorf("serving the demo: %s", errs.String())
	}
}
