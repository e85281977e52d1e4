package web

import (
	"bytes"
	"encoding/json"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ziping"
	"ziping/assess"
	"ziping/engine"
	"ziping/rectify"
)

// The assessment workflow driven through the service, so that the ranking and
// rectification pages have results to show.

const rkFW = "lxzz-county" // a framework scored in points, with grades

// rkActor is the actor of a role of the fixture.
func (f *fixture) rkActor(role string) *ziping.Actor {
	f.t.Helper()
	a, _, err := f.svc.Accounts.Authenticate(f.ctx, f.login(role, false).token, "127.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// rkAssess starts county's assessment of fw for period and takes it to stage
// (draft, submitted, reviewed or published): an admin scores every manual point with
// share of its maximum and submits, the city's reviewer accepts and publishes.
func (f *fixture) rkAssess(fw, county string, period int, share float64, stage string) *ziping.Assessment {
	f.t.Helper()
	admin, reviewer := f.rkActor("admin"), f.rkActor("reviewer")
	u, err := f.svc.Store.UnitByCode(f.ctx, county)
	if err != nil {
		f.t.Fatal(err)
	}
	as, err := f.svc.Assess.StartAssessment(f.ctx, admin, fw, u, period, false)
	if err != nil {
		f.t.Fatal(err)
	}
	v, err := f.svc.Assess.Assessment(f.ctx, admin, as.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	fwk := v.Program.FW
	score := func(in assess.ScoreInput) {
		f.t.Helper()
		in.Side, in.Justification = ziping.SideSelf, "按实际情况评分"
		if _, err := f.svc.Assess.ScorePoint(f.ctx, admin, as.ID, in); err != nil {
			f.t.Fatalf("score %s: %v", in.Code, err)
		}
	}
	bonus := map[string]bool{}
	for _, pr := range v.Self.Bonus {
		bonus[pr.Code] = true
	}
	for _, pr := range append(rkPoints(v.Self), v.Self.Bonus...) {
		if pr.Status != engine.StatusPending {
			continue
		}
		if rkChecklist(fwk, pr.Code) {
			score(assess.ScoreInput{Code: pr.Code})
			continue
		}
		// Below the maximum (and nothing for bonus items): no evidence is required.
		sc := math.Floor(pr.Max*share*100) / 100
		if bonus[pr.Code] || sc >= pr.Max {
			sc = 0
		}
		score(assess.ScoreInput{Code: pr.Code, Score: &sc})
	}
	for _, vr := range v.Self.Vetoes {
		if vr.Pending {
			no := false
			score(assess.ScoreInput{Code: vr.Code, Triggered: &no})
		}
	}
	f.scoreGaps(admin, as.ID)
	f.writeReport(admin, as.ID, cleanReport)
	steps := []func() error{
		func() error { return f.svc.Assess.Submit(f.ctx, admin, as.ID, ziping.StatusDraft) },
		func() error { return f.svc.Assess.Accept(f.ctx, reviewer, as.ID, "", "") },
		func() error { return f.svc.Assess.Publish(f.ctx, reviewer, as.ID, "") },
	}
	n := map[string]int{ziping.StatusDraft: 0, ziping.StatusSubmitted: 1, ziping.StatusReviewed: 2, ziping.StatusPublished: 3}[stage]
	for _, step := range steps[:n] {
		if err := step(); err != nil {
			f.t.Fatalf("%s %d to %s: %v", county, period, stage, err)
		}
	}
	if as, err = f.svc.Store.Assessment(f.ctx, as.ID); err != nil {
		f.t.Fatal(err)
	}
	return as
}

func rkPoints(r *engine.Result) []engine.PointResult {
	var out []engine.PointResult
	for _, a := range r.Areas {
		out = append(out, a.Points...)
	}
	return out
}

func rkChecklist(fw *engine.Framework, code string) bool {
	var pts []engine.Point
	for _, a := range fw.Areas {
		pts = append(pts, a.Points...)
	}
	if fw.Bonus != nil {
		pts = append(pts, fw.Bonus.Items...)
	}
	for _, pt := range pts {
		if pt.Code == code {
			for _, r := range pt.Rules {
				if r.Kind == engine.RuleChecklist {
					return true
				}
			}
		}
	}
	return false
}

// rkProblems are the problems of an assessment.
func (f *fixture) rkProblems(as *ziping.Assessment) []ziping.Problem {
	f.t.Helper()
	ps, err := f.svc.Store.Problems(f.ctx, ziping.ProblemQuery{AssessmentID: as.ID})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(ps) == 0 {
		f.t.Fatalf("assessment %d has no problems", as.ID)
	}
	return ps
}

// rkSummary is the final result of an assessment as the ranking reads it.
func (f *fixture) rkSummary(as *ziping.Assessment) *assess.SideSummary {
	f.t.Helper()
	as, err := f.svc.Store.Assessment(f.ctx, as.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	sm, err := assess.SummaryOf(as)
	if err != nil || sm.Final() == nil {
		f.t.Fatalf("summary of %d: %v", as.ID, err)
	}
	return sm.Final()
}

// rkAs sends a request with a session of a user who is not one of the fixture's roles.
func (f *fixture) rkAs(user, method, path string) *httptest.ResponseRecorder {
	f.t.Helper()
	tok, _, _, err := f.svc.Accounts.Login(f.ctx, user, password(user), "127.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return f.do(request{method: method, path: path, header: withCookie(nil, sessionCookie, tok)})
}

// rkUnitName is the name of a unit of the fixture.
func (f *fixture) rkUnitName(code string) string {
	f.t.Helper()
	u, err := f.svc.Store.UnitByCode(f.ctx, code)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.Name
}

// rkChartData decodes the JSON block of the ranking page.
func rkChartData(t *testing.T, body string) chartData {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/json" id="ranking-data">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the ranking page has no chart data")
	}
	var cd chartData
	if err := json.Unmarshal([]byte(m[1]), &cd); err != nil {
		t.Fatalf("chart data %q: %v", m[1], err)
	}
	return cd
}

// TestRankingPage: the city's counties ranked with their status, scores, change
// since last period and problems; charts fed from the JSON block.
func TestRankingPage(t *testing.T) {
	f := newFixture(t, 30)
	prev := f.rkAssess(rkFW, "990102", 2023, 0.5, ziping.StatusPublished)
	k2 := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusPublished)
	k3 := f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
	f.rkAssess(rkFW, "990181", 2024, 0.7, ziping.StatusDraft)
	s2, s3, s1 := f.rkSummary(k2), f.rkSummary(k3), f.rkSummary(prev)

	path := "/units/990100/ranking?fw=" + rkFW + "&period=2024"
	w := f.do(request{role: "reviewer", method: http.MethodGet, path: path})
	if w.Code != http.StatusOK {
		t.Fatalf("ranking: status %d", w.Code)
	}
	body := html.UnescapeString(w.Body.String())
	city := f.rkUnitName("990100")
	change := s2.Total - s1.Total
	changeText := "+" + num(change)
	if change < 0 {
		changeText = "−" + num(-change)
	}
	for _, want := range []string{city + " 2024年度评价排名", "黄海区", "雁化县", "宜门市", "已公布", "已复核", "填报中",
		num(s2.Total) + " / " + num(s2.Max), num(s3.Total) + " / " + num(s3.Max), s2.Grade, changeText, ">新<",
		"公布全部已复核结果", "1个已复核待公布", "导出Excel", "评价结果通报", `href="/assessments/` + strconv.FormatInt(k2.ID, 10) + `"`,
		`id="chart-totals"`, `id="chart-radar"`} {
		if !strings.Contains(body, want) {
			t.Errorf("ranking lacks %q", want)
		}
	}
	if names, _, _ := cvMetrics(f.srv.programs[rkFW].FW); (len(names) == 7) != strings.Contains(body, `id="chart-cv"`) {
		t.Errorf("the framework has %d coefficients of variation; the CV chart shown: %v", len(names), !strings.Contains(body, `id="chart-cv"`))
	}
	// The better total ranks first.
	first, second := "黄海区", "雁化县"
	if s3.Total > s2.Total {
		first, second = second, first
	}
	if strings.Index(body, first) > strings.Index(body, second) {
		t.Errorf("%s is listed after %s", first, second)
	}
	cd := rkChartData(t, body)
	if len(cd.Units) != 3 || len(cd.Totals) != 3 || len(cd.Pct) != 3 || len(cd.Areas) != 9 || len(cd.AvgPct) != 9 {
		t.Errorf("chart data %+v", cd)
	}
	for i, u := range cd.Units {
		if u == "黄海区" && cd.Totals[i] != s2.Total {
			t.Errorf("chart total of 黄海区 %v, want %v", cd.Totals[i], s2.Total)
		}
	}
	if cd.Max != s2.Max {
		t.Errorf("chart max %v, want %v", cd.Max, s2.Max)
	}

	// The spreadsheet: the same rows.
	w = f.do(request{role: "reviewer", method: http.MethodGet, path: "/units/990100/ranking.xlsx?fw=" + rkFW + "&period=2024"})
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != ctypeXLSX || !strings.Contains(w.Header().Get("Content-Disposition"), "ranking.xlsx") {
		t.Fatalf("ranking.xlsx: %d %v", w.Code, w.Header())
	}
	rows := rkSheetRows(t, w.Body.Bytes())
	found := false
	for _, r := range rows {
		if len(r) > 5 && r[3] == "黄海区" {
			found = true
			if r[4] != "已公布" || r[5] != num(s2.Total) {
				t.Errorf("黄海区 in the spreadsheet: %q", r)
			}
		}
	}
	if !found || !strings.Contains(rows[0][0], "评价排名") && !strings.Contains(rows[0][0], "排名") {
		t.Errorf("spreadsheet rows %q", rows)
	}
}

// rkSheetRows reopens a workbook and returns its first sheet's rows.
func rkSheetRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		t.Fatal("not a zip file")
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestRankingCVChart: the yzjh framework's coefficients of variation, 7 by stage,
// with their limits.
func TestRankingCVChart(t *testing.T) {
	f := newFixture(t, 30)
	k2 := f.rkAssess("yzjh-2017", "990102", 2024, 0.5, ziping.StatusReviewed)
	w := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990000/ranking?fw=yzjh-2017&period=2024"})
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	body := w.Body.String()
	if !strings.Contains(body, `id="chart-cv"`) || !strings.Contains(body, "未达标") {
		t.Error("the yzjh ranking lacks the CV chart or the verdict columns")
	}
	cd := rkChartData(t, body)
	if cd.CV == nil || len(cd.CV.Names) != 7 || cd.CV.PrimaryLimit != 0.5 || cd.CV.JuniorLimit != 0.45 || len(cd.CV.Primary) != 1 || len(cd.CV.Junior) != 1 {
		t.Fatalf("CV chart data %+v", cd.CV)
	}
	sm := f.rkSummary(k2)
	if v := cd.CV.Primary[0][0]; v == nil || math.Abs(*v-sm.Metrics["primary.cv.high_edu_teachers_per100"]) > 0.001 {
		t.Errorf("primary CV of the first indicator %v, summary %v", v, sm.Metrics["primary.cv.high_edu_teachers_per100"])
	}
	if !strings.Contains(body, `src="/static/echarts.`) || !strings.Contains(body, `src="/static/charts.`) {
		t.Error("the scripts are not linked")
	}
}

// TestResultsNotice: the public notice shows published results only, to anyone; the
// ranking of a viewer too; publishing all makes the reviewed one public.
func TestResultsNotice(t *testing.T) {
	f := newFixture(t, 30)
	k2 := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusPublished)
	f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
	f.rkAssess(rkFW, "990181", 2024, 0.7, ziping.StatusSubmitted)
	s2 := f.rkSummary(k2)
	notice := "/notice/990100?fw=" + rkFW + "&period=2024"
	for _, role := range []string{"anon", "filler", "viewer"} {
		w := f.do(request{role: role, method: http.MethodGet, path: notice})
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("notice as %s: status %d", role, w.Code)
		}
		for _, want := range []string{f.rkUnitName("990100") + "2024年度对县级人民政府履行教育职责评价结果通报", "黄海区", num(s2.Total), s2.Grade} {
			if !strings.Contains(body, want) {
				t.Errorf("notice as %s lacks %q", role, want)
			}
		}
		for _, leak := range []string{"雁化县", "宜门市", "/assessments/", "已复核", "已提交", "整改"} {
			if strings.Contains(body, leak) {
				t.Errorf("notice as %s shows %q", role, leak)
			}
		}
	}
	if w := f.do(request{method: http.MethodGet, path: "/notice/990100?fw=" + rkFW + "&period=2023"}); w.Code != 200 || !strings.Contains(w.Body.String(), "暂无已公布的结果") {
		t.Errorf("notice of a period without results: %d", w.Code)
	}
	if w := f.do(request{method: http.MethodGet, path: "/notice/990102"}); w.Code != http.StatusNotFound {
		t.Errorf("notice of a county: %d, want 404", w.Code)
	}

	// A viewer of the whole city sees the published result only, without problems.
	f.addUser("viewer9", ziping.RoleViewer, "990100")
	w := f.rkAs("viewer9", http.MethodGet, "/units/990100/ranking?fw="+rkFW+"&period=2024")
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "黄海区") || !strings.Contains(body, "仅显示已公布的结果") {
		t.Errorf("viewer's ranking: %d", w.Code)
	}
	for _, leak := range []string{"雁化县", "宜门市", "公布全部已复核结果"} {
		if strings.Contains(body, leak) {
			t.Errorf("viewer's ranking shows %q", leak)
		}
	}
	if w := f.rkAs("viewer9", http.MethodGet, "/units/990100/ranking.xlsx?fw="+rkFW+"&period=2024"); w.Code != 200 || bytes.Contains(w.Body.Bytes(), []byte("雁化县")) {
		t.Errorf("viewer's spreadsheet: %d", w.Code)
	} else if rows := rkSheetRows(t, w.Body.Bytes()); strings.Contains(strings.Join(rkFlat(rows), "|"), "雁化县") {
		t.Error("viewer's spreadsheet lists an unpublished county")
	}

	// Publish all: the reviewed result becomes public; the submitted one does not.
	w = f.do(request{role: "reviewer", method: http.MethodPost, path: "/units/990100/ranking/publish?fw=" + rkFW + "&period=2024", form: url.Values{"confirm": {"1"}}})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/units/990100/ranking?") {
		t.Fatalf("publish all: %d %q", w.Code, w.Header().Get("Location"))
	}
	body = f.do(request{method: http.MethodGet, path: notice}).Body.String()
	if !strings.Contains(body, "雁化县") || strings.Contains(body, "宜门市") {
		t.Error("after publishing all, the notice does not show exactly the reviewed results")
	}
	// Nothing left to publish: a message, not an error page.
	w = f.do(request{role: "reviewer", method: http.MethodPost, path: "/units/990100/ranking/publish?fw=" + rkFW + "&period=2024", form: url.Values{"confirm": {"1"}}})
	if w.Code != http.StatusSeeOther {
		t.Errorf("publishing nothing: %d", w.Code)
	}
	// Only reviewers publish.
	f.addUser("filler9", ziping.RoleFiller, "990100")
	tok, sess, _, err := f.svc.Accounts.Login(f.ctx, "filler9", password("filler9"), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	w = f.do(request{method: http.MethodPost, path: "/units/990100/ranking/publish", header: withCookie(nil, sessionCookie, tok),
		form: map[string][]string{csrfField: {sess.CSRF}}})
	if w.Code != http.StatusForbidden {
		t.Errorf("a filler publishing: %d, want 403", w.Code)
	}
}

func rkFlat(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// TestRankingOverdue: a problem past its deadline is counted and flagged on the
// ranking and in the ledger (the fixture's clock: 2024-05-01).
func TestRankingOverdue(t *testing.T) {
	f := newFixture(t, 30)
	k2 := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
	ps := f.rkProblems(k2)
	admin := f.rkActor("admin")
	late := ps[0]
	if _, err := f.svc.Rectify.UpdateProblem(f.ctx, admin, late.ID, rectify.ProblemUpdate{Measures: "补充配备", Owner: "教育局", Status: ziping.ProblemInProgress,
		Deadline: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC), Version: late.Version}); err != nil {
		t.Fatal(err)
	}
	if len(ps) > 1 {
		if _, err := f.svc.Rectify.UpdateProblem(f.ctx, admin, ps[1].ID, rectify.ProblemUpdate{Status: ziping.ProblemOpen,
			Deadline: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Version: ps[1].Version}); err != nil {
			t.Fatal(err)
		}
	}
	body := f.do(request{role: "reviewer", method: http.MethodGet, path: "/units/990100/ranking?fw=" + rkFW + "&period=2024"}).Body.String()
	if !strings.Contains(body, "逾期未整改问题1个") || !strings.Contains(body, `<tr class="overdue">`) {
		t.Error("the ranking does not flag the overdue problem")
	}
	if !strings.Contains(body, `<td class="num">`+strconv.Itoa(len(ps))+`</td>`) {
		t.Errorf("the ranking does not count %d open problems", len(ps))
	}
	ledger := "/units/990102/problems?fw=" + rkFW + "&period=2024"
	body = f.do(request{role: "filler", method: http.MethodGet, path: ledger + "&status=overdue"}).Body.String()
	if n := strings.Count(body, `<tr class="overdue">`); n != 1 || !strings.Contains(body, "补充配备") || !strings.Contains(body, "2024-04-30") {
		t.Errorf("the overdue filter shows %d overdue rows", n)
	}
	body = f.do(request{role: "filler", method: http.MethodGet, path: ledger}).Body.String()
	if !strings.Contains(body, "逾期1个") || strings.Count(body, `<tr class="overdue">`) != 1 || strings.Count(body, `href="/problems/`) != len(ps) {
		t.Errorf("the ledger does not list %d problems with one overdue", len(ps))
	}
	// A day later the second one is overdue too.
	f.clock.add(24 * time.Hour)
	body = f.do(request{role: "filler", method: http.MethodGet, path: ledger, fresh: true}).Body.String()
	if want := min(2, len(ps)); strings.Count(body, `<tr class="overdue">`) != want {
		t.Errorf("a day later the ledger does not show %d overdue rows", want)
	}
}

func TestRankText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		rank int
		tie  bool
		want string
	}{{1, false, "1"}, {2, true, "2（并列）"}, {0, false, "—"}} {
		if got := rankText(c.rank, c.tie); got != c.want {
			t.Errorf("rankText(%d, %v) = %q, want %q", c.rank, c.tie, got, c.want)
		}
	}
	for _, c := range []struct {
		row  assess.RankingRow
		want string
	}{
		{assess.RankingRow{HasPrev: true, Change: 1.5}, "+1.5"},
		{assess.RankingRow{HasPrev: true, Change: -2}, "−2"},
		{assess.RankingRow{HasPrev: true}, "0"},
		{assess.RankingRow{}, "新"},
	} {
		if got, _ := changeText(c.row); got != c.want {
			t.Errorf("changeText(%+v) = %q, want %q", c.row, got, c.want)
		}
	}
}

// TestRankingJSONEscaping: a unit name that closes the script block stays inside
// the JSON.
func TestRankingJSONEscaping(t *testing.T) {
	f := newFixture(t, 30)
	const name = "</script><script>alert(1)</script>县"
	if _, err := f.svc.Data.AddUnit(f.ctx, ziping.System, "990199", name, ziping.LevelCounty, "990100"); err != nil {
		t.Fatal(err)
	}
	f.rkAssess(rkFW, "990199", 2024, 0.5, ziping.StatusDraft)
	body := f.do(request{role: "admin", method: http.MethodGet, path: "/units/990100/ranking?fw=" + rkFW + "&period=2024"}).Body.String()
	if strings.Contains(body, "<script>alert(1)") {
		t.Fatal("a unit name is not escaped")
	}
	if cd := rkChartData(t, body); len(cd.Units) != 1 || cd.Units[0] != name {
		t.Errorf("chart units %q", cd.Units)
	}
}

// rkMatrixRows are the authorization matrix rows of the ranking, notice and
// rectification routes (TestAuthorizationMatrix). units are the test units by key.
func rkMatrixRows(f *fixture, units map[string]string) map[string]func(role string) []check {
	// K2's, reviewed, not published (2023: the assessment tests' rows use 2024)
	as := f.rkAssess(rkFW, "990102", 2023, 0.8, ziping.StatusReviewed)
	p := f.rkProblems(as)[0]
	asPath, pPath := "/assessments/"+strconv.FormatInt(as.ID, 10), problemURL(p.ID)
	keys := []string{"P", "C", "K2", "K3", "S2"}
	// unitRows: GET or POST on each unit; areaOnly refuses counties and schools with
	// 404, schoolNo schools only; allow is the status of an allowed request.
	unitRows := func(method, suffix string, areaOnly, file bool, allow int) func(role string) []check {
		return func(role string) []check {
			var out []check
			for _, key := range keys {
				c := check{req: request{role: role, method: method, path: "/units/" + units[key] + suffix}}
				switch {
				case role == "anon" && file:
					c.status = http.StatusUnauthorized
				case role == "anon":
					c.status, c.location = http.StatusSeeOther, "/login"
				case !slices.Contains(visible[role], key):
					c.status = http.StatusForbidden
				case areaOnly && key[0] != 'P' && key[0] != 'C', key == "S2":
					c.status = http.StatusNotFound
				default:
					c.status = allow
				}
				out = append(out, c)
			}
			return out
		}
	}
	// seesK2: the roles that see K2's unpublished assessment.
	seesK2 := []string{"admin", "reviewer", "filler"}
	one := func(method, path string, form url.Values, file bool, allow map[string]int) func(role string) []check {
		return func(role string) []check {
			c := check{req: request{role: role, method: method, path: path, form: form}, status: http.StatusNotFound}
			switch st, ok := allow[role]; {
			case role == "anon" && file:
				c.status = http.StatusUnauthorized
			case role == "anon":
				c.status, c.location = http.StatusSeeOther, "/login"
			case ok:
				c.status = st
			}
			return []check{c}
		}
	}
	all := func(st int) map[string]int {
		m := map[string]int{}
		for _, r := range seesK2 {
			m[r] = st
		}
		return m
	}
	return map[string]func(role string) []check{
		"GET /units/{code}/ranking":      unitRows(http.MethodGet, "/ranking?fw="+rkFW, true, false, http.StatusOK),
		"GET /units/{code}/ranking.xlsx": unitRows(http.MethodGet, "/ranking.xlsx?fw="+rkFW, true, true, http.StatusOK),
		// Allowed: back to the ranking with a message (nothing to publish, or done).
		"POST /units/{code}/ranking/publish": unitRows(http.MethodPost, "/ranking/publish?fw=yzjh-2017", true, false, http.StatusSeeOther),
		"GET /notice/{code}": func(role string) []check {
			var out []check
			for _, key := range keys {
				c := check{req: request{role: role, method: http.MethodGet, path: "/notice/" + units[key]}, status: http.StatusOK}
				if key[0] == 'K' || key == "S2" {
					c.status = http.StatusNotFound
				}
				out = append(out, c)
			}
			return out
		},
		"GET /units/{code}/problems":      unitRows(http.MethodGet, "/problems", false, false, http.StatusOK),
		"GET /units/{code}/problems.xlsx": unitRows(http.MethodGet, "/problems.xlsx", false, true, http.StatusOK),
		"GET /problems/{id}":              one(http.MethodGet, pPath, nil, false, all(http.StatusOK)),
		// A stale version: a conflict for whoever may see the problem.
		"POST /problems/{id}": one(http.MethodPost, pPath, url.Values{"version": {"0"}, "status": {"open"}}, false, all(http.StatusConflict)),
		// No file: the form again for the unit; nobody else uploads.
		"POST /problems/{id}/evidence": one(http.MethodPost, pPath+"/evidence", nil, false,
			map[string]int{"admin": http.StatusBadRequest, "filler": http.StatusBadRequest, "reviewer": http.StatusForbidden}),
		"POST /assessments/{id}/findings": one(http.MethodPost, asPath+"/findings", url.Values{"description": {"矩阵测试发现"}}, false,
			// the admin submitted it, and nobody reviews what they submitted
			map[string]int{"admin": http.StatusForbidden, "reviewer": http.StatusSeeOther, "filler": http.StatusForbidden}),
		"GET /assessments/{id}/notice.docx": one(http.MethodGet, asPath+"/notice.docx", nil, true, all(http.StatusOK)),
	}
}
