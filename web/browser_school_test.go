package web

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ziping"
	"ziping/assess"
	"ziping/browsertest"
	"ziping/engine"
)

// byID selects the element with id by attribute: the point codes of 学校办学质量
// (B1.1) put dots into ids, which "#id" would read as classes.
func byID(id string) chromedp.CSS { return chromedp.CSS(`[id="` + id + `"]`) }

// TestBrowserSchoolAssessment: a school's filler self-evaluates against 学校办学质量
// (xxbxzl-2021) in the browser: opens its school, starts the year's self-evaluation,
// scores every point a person scores (checklists ticked, manual points with a
// reason), decides the vetoes, attaches evidence, writes the report and submits;
// the county's reviewer finds it on the county's 学校排名, returns one point with
// its reason; the school fixes it and resubmits; the reviewer accepts; the county's
// 学校排名 shows the school with the reviewed total. On a desktop (1366 px) and on a
// phone (390 px), where no page may be wider than the screen.
func TestBrowserSchoolAssessment(t *testing.T) {
	t.Parallel()
	for _, width := range []int64{1366, 390} {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			t.Parallel()
			schoolAssessmentFlow(t, width)
		})
	}
}

func schoolAssessmentFlow(t *testing.T, width int64) {
	s := newSite(t)
	code, name := s.compulsorySchool("990102")
	s.addUser("xiaoxue1", ziping.RoleFiller, code)
	s.addUser("duxue1", ziping.RoleReviewer, "990102") // the county's supervision office
	prog := s.srv.programs["xxbxzl-2021"]
	// Each person's turn has a tab of its own (and so the time of one).
	var ctx context.Context
	newTab := func() {
		t.Helper()
		ctx = browsertest.Chrome(t)
		if width < 600 {
			browsertest.Run(t, ctx, chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile))
		} else {
			browsertest.Run(t, ctx, chromedp.EmulateViewport(width, 900))
		}
	}
	// shot saves what the screen shows (not the whole long page) as
	// docs/screenshots/name when ZIPING_SCREENSHOTS=1.
	shot := func(name string) {
		t.Helper()
		if os.Getenv("ZIPING_SCREENSHOTS") != "1" {
			return
		}
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// fits checks that the page is no wider than the screen.
	fits := func(what string) {
		t.Helper()
		if w := browsertest.Eval[int64](t, ctx, `document.documentElement.scrollWidth`); w > width {
			t.Errorf("%s is %d px wide on a %d px screen", what, w, width)
		}
	}
	signIn := func(user, next string) {
		t.Helper()
		newTab()
		browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+next))
		if st := s.signIn(t, ctx, user, password(user)); st != 200 || pagePath(t, ctx) != next {
			t.Fatalf("sign in as %s: status %d at %s", user, st, pagePath(t, ctx))
		}
	}
	signOut := func() {
		t.Helper()
		if width < 600 { // behind the menu button
			browsertest.Run(t, ctx, chromedp.Click(chromedp.CSS(`label.nav-button`)), chromedp.WaitVisible(chromedp.CSS(`form.logout button`)))
		}
		if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.CSS(`form.logout button`))); st != 200 {
			t.Fatalf("sign out: status %d", st)
		}
	}
	var page string // the assessment's path
	// click submits a form by its button; the page that follows is the assessment
	// with a flash message.
	click := func(what string, button chromedp.CSS) {
		t.Helper()
		if st := browsertest.Response(t, ctx, chromedp.Click(button)); st != 200 {
			t.Fatalf("%s: status %d: %s", what, st, browsertest.Text(t, ctx, "main"))
		}
		if p := pagePath(t, ctx); p != page {
			t.Fatalf("%s: at %s", what, p)
		}
		if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#flash').length`); n != 1 {
			t.Fatalf("%s: no flash message: %s", what, browsertest.Text(t, ctx, "main"))
		}
	}
	// step takes a workflow step: its button asks first; confirming it is click.
	step := func(what string, button chromedp.CSS) {
		t.Helper()
		if st := browsertest.Response(t, ctx, chromedp.Click(button)); st != 200 {
			t.Fatalf("%s: status %d: %s", what, st, browsertest.Text(t, ctx, "main"))
		}
		if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#confirm-form').length`); n != 1 {
			t.Fatalf("%s: no confirmation asked: %s", what, browsertest.Text(t, ctx, "main"))
		}
		click(what, chromedp.CSS("#confirm-button"))
	}
	typeInto := func(id, text string) {
		t.Helper()
		browsertest.Eval[bool](t, ctx, `(() => { const e = document.getElementById(`+strconv.Quote(id)+`); e.value = ''; return true })()`)
		browsertest.Run(t, ctx, chromedp.SendKeys(byID(id), text))
	}
	// open shows a point's details and forms in place until the element id shows.
	open := func(code, id string) {
		t.Helper()
		browsertest.Run(t, ctx, chromedp.ScrollIntoView(byID("pt-"+code+"-open")), chromedp.Click(byID("pt-"+code+"-open")), chromedp.WaitVisible(byID(id)))
	}
	status := func() string { t.Helper(); return browsertest.Text(t, ctx, "#assessment-status") }

	// The school's filler lands on the home page, which says nothing is started,
	// follows 开始自评 and starts 2024.
	newTab()
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login"))
	if st := s.signIn(t, ctx, "xiaoxue1", password("xiaoxue1")); st != 200 || pagePath(t, ctx) != "/" {
		t.Fatalf("the school's filler signs in: status %d at %s", st, pagePath(t, ctx))
	}
	if txt := browsertest.Text(t, ctx, "#not-started"); !strings.Contains(txt, "义务教育学校办学质量评价") {
		t.Errorf("the home page says %q", txt)
	}
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("home-start"))); st != 200 || pagePath(t, ctx) != "/units/"+code+"/assessments" {
		t.Fatalf("开始自评: status %d at %s", st, pagePath(t, ctx))
	}
	if opts := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll('#start-fw option')].map(o => o.value).join()`); opts != "xxbxzl-2021" {
		t.Errorf("a school may start %q, want xxbxzl-2021 only", opts)
	}
	browsertest.Run(t, ctx, chromedp.SetValue(chromedp.ID("start-period"), "2024"))
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("start-submit"))); st != 200 {
		t.Fatalf("start: status %d: %s", st, browsertest.Text(t, ctx, "main"))
	}
	page = pagePath(t, ctx)
	id, err := strconv.ParseInt(strings.TrimPrefix(page, "/assessments/"), 10, 64)
	if err != nil {
		t.Fatalf("starting led to %s", page)
	}
	if as := s.assessment(id); as.Framework != "xxbxzl-2021" || as.Period != 2024 || as.Status != ziping.StatusDraft {
		t.Fatalf("started %+v", as)
	}
	if h := browsertest.Text(t, ctx, ".page-head h1"); !strings.Contains(h, name) || !strings.Contains(h, "2024年度自评") {
		t.Errorf("assessment heading %q", h)
	}
	fits("the assessment page")

	// Every point a person scores: B1.1 in full (both items ticked, with evidence),
	// the other checklists with their first item, manual points one mark short.
	var points []engine.Point
	for _, ar := range prog.FW.Areas {
		for _, pt := range ar.Points {
			if k := pointKind(&pt); k == "manual" || k == "checklist" {
				points = append(points, pt)
			}
		}
	}
	if len(points) < 10 {
		t.Fatalf("xxbxzl-2021 has %d points scored by people", len(points))
	}
	for i, pt := range points {
		if i == len(points)/2 { // the rest another time, in a new session
			signOut()
			signIn("xiaoxue1", page)
		}
		form := "form-s-" + pt.Code
		open(pt.Code, form)
		switch pointKind(&pt) {
		case "checklist":
			items := pt.Rules[0].Items
			if pt.Code != "B1.1" {
				items = items[:1]
			}
			for _, it := range items {
				browsertest.Run(t, ctx, chromedp.Click(chromedp.CSS(`[id="`+form+`"] input[name=checked][value="`+it.ID+`"]`)))
			}
			typeInto("s-"+pt.Code+"-just", "对照要求逐项自查")
		case "manual":
			typeInto("s-"+pt.Code+"-score", num(pt.Max-1))
			typeInto("s-"+pt.Code+"-just", "制度健全，个别记录不完整，扣1分")
		}
		if pt.Code == "B6.1" && width < 600 {
			browsertest.Run(t, ctx, chromedp.ScrollIntoView(byID("pt-B6.1")))
			shot("school-score-phone.png")
		}
		click("score "+pt.Code, byID("s-"+pt.Code+"-save"))
	}
	if got := browsertest.Text(t, ctx, `[id="pt-B1.1"] .self-score`); got != "4" {
		t.Errorf("B1.1 self score shown %q, want 4", got)
	}
	if !strings.Contains(browsertest.Text(t, ctx, "#readiness"), "没有证明材料") {
		t.Errorf("readiness does not ask for the evidence of B1.1")
	}
	for _, vr := range prog.FW.Vetoes {
		open(vr.Code, "s-"+vr.Code+"-no")
		browsertest.Run(t, ctx, chromedp.Click(byID("s-"+vr.Code+"-no")))
		click("decide "+vr.Code, byID("s-"+vr.Code+"-save"))
	}
	pdf := filepath.Join(t.TempDir(), "党组织会议议事规则.pdf")
	if err := os.WriteFile(pdf, tinyPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	open("B1.1", "e-B1.1-open")
	browsertest.Run(t, ctx, chromedp.Click(byID("e-B1.1-open")), chromedp.WaitVisible(byID("e-B1.1-title")),
		chromedp.SetUploadFiles(byID("e-B1.1-file"), []string{pdf}))
	typeInto("e-B1.1-doc", "黄海一小党发〔2024〕3号")
	click("evidence", byID("e-B1.1-submit"))
	if got := browsertest.Text(t, ctx, `[id="pt-B1.1"] .evidence-count`); got != "1" {
		t.Errorf("evidence count %q after the upload", got)
	}

	// The report, from the assessment page and back.
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("report-link"))); st != 200 || pagePath(t, ctx) != page+"/report" {
		t.Fatalf("report: status %d at %s", st, pagePath(t, ctx))
	}
	browsertest.Run(t, ctx, chromedp.SetValue(chromedp.ID("report-text"), schoolReport))
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.ID("report-save"))); st != 200 {
		t.Fatalf("saving the report: status %d", st)
	}
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+page))
	if r := browsertest.Text(t, ctx, "#readiness"); strings.Contains(r, "尚未") || strings.Contains(r, "没有证明材料") || strings.Contains(r, "自评报告") {
		t.Fatalf("readiness after scoring everything: %s", r)
	}
	step("submit", chromedp.CSS("#submit-button"))
	if st := status(); st != "已提交" {
		t.Fatalf("after submitting: status %q", st)
	}
	signOut()

	// The county's reviewer finds the school on the county's 学校排名 and returns
	// B6.2 with its reason.
	const returned = "B6.2"
	ranking := "/units/990102/school-ranking"
	signIn("duxue1", ranking)
	link := `[...document.querySelectorAll('#school-ranking-table tbody tr a')].find(a => a.getAttribute('href') === ` + strconv.Quote(page) + `)`
	if !browsertest.Eval[bool](t, ctx, `!!`+link) {
		t.Fatalf("the county's school ranking has no link to the assessment: %s", browsertest.Text(t, ctx, "#school-ranking-table"))
	}
	if st := browsertest.Response(t, ctx, chromedp.Click(chromedp.JSPath(link))); st != 200 || pagePath(t, ctx) != page {
		t.Fatalf("opening the assessment from the ranking: status %d at %s", st, pagePath(t, ctx))
	}
	open(returned, "r-"+returned+"-score")
	typeInto("r-"+returned+"-score", "1")
	typeInto("r-"+returned+"-just", "师德失范行为处理记录不完整")
	click("review", byID("r-"+returned+"-save"))
	if got := browsertest.Text(t, ctx, `[id="pt-`+returned+`"] .review-score`); got != "1" {
		t.Errorf("review score shown %q", got)
	}
	if width > 600 {
		open(returned, "r-"+returned+"-score")
		browsertest.Run(t, ctx, chromedp.ScrollIntoView(byID("pt-"+returned)))
		shot("school-review.png")
	}
	typeInto("return-note", "请补充师德失范行为处理记录")
	step("return", chromedp.CSS("#return-button"))
	if st := status(); st != "已退回" {
		t.Fatalf("after returning: status %q", st)
	}
	fits("the returned assessment")
	signOut()

	// The school reads why, fixes B6.2 and resubmits.
	signIn("xiaoxue1", page)
	if got := browsertest.Text(t, ctx, "#returned"); !strings.Contains(got, "请补充师德失范行为处理记录") || !strings.Contains(got, "处理记录不完整") {
		t.Errorf("the returned box says %q", got)
	}
	open(returned, "s-"+returned+"-score")
	typeInto("s-"+returned+"-score", "2")
	typeInto("s-"+returned+"-just", "已补充处理记录，自评扣2分")
	click("fix", byID("s-"+returned+"-save"))
	step("resubmit", chromedp.CSS("#submit-button"))
	if st := status(); st != "已重新提交" {
		t.Fatalf("after resubmitting: status %q", st)
	}
	signOut()

	// The reviewer accepts; the ranking shows the school with the reviewed total.
	signIn("duxue1", page)
	step("accept", chromedp.CSS("#accept-button"))
	if st := status(); st != "已复核" {
		t.Fatalf("after accepting: status %q", st)
	}
	as := s.assessment(id)
	if as.Round != 2 || as.Status != ziping.StatusReviewed {
		t.Fatalf("stored: status %s round %d", as.Status, as.Round)
	}
	sm, err := assess.SummaryOf(as)
	if err != nil || sm.Final() == nil {
		t.Fatalf("summary: %v", err)
	}
	total := num(sm.Final().Total)
	if ps := s.pointScore(id, ziping.SideReview, returned); ps == nil || ps.Score == nil || *ps.Score != 1 {
		t.Errorf("the review score of %s is %+v", returned, ps)
	}
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+ranking+"?fw=xxbxzl-2021&period=2024"))
	rows := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll('#school-ranking-table tbody tr')].map(r => r.textContent.replace(/\s+/g, ' ').trim())`)
	i := slices.IndexFunc(rows, func(r string) bool { return strings.Contains(r, name) })
	if i < 0 {
		t.Fatalf("the school ranking does not list %s: %q", name, rows)
	}
	if row := rows[i]; !strings.Contains(row, "已复核") || !strings.Contains(row, total) || !strings.HasPrefix(row, "1") {
		t.Errorf("the school's row %q, want rank 1, 已复核 and the total %s", row, total)
	}
	fits("the school ranking")
}

// schoolReport is a school's self-evaluation report with nothing left to fill in.
const schoolReport = `## 基本情况

本校为义务教育阶段学校，对照《义务教育质量评价指南》逐项开展自评。

## 存在问题

师德师风建设部分记录不完整。

## 改进措施（下一步工作）

健全师德师风档案，按月检查。
`
