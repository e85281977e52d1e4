package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/engine"
	"ziping/rectify"
)

// homeOf is the home page of role, which must answer 200.
func (f *fixture) homeOf(t *testing.T, role string) string {
	t.Helper()
	w := f.do(request{role: role, method: http.MethodGet, path: "/"})
	if w.Code != http.StatusOK {
		t.Fatalf("home of %s: %d", role, w.Code)
	}
	return w.Body.String()
}

// progress is the self side's points scored and all points of an assessment.
func (f *fixture) progress(t *testing.T, id int64) (int, int) {
	t.Helper()
	v, err := f.svc.Assess.Assessment(f.ctx, ziping.System, id)
	if err != nil {
		t.Fatal(err)
	}
	n, all := 0, 0
	for _, ar := range v.Self.Areas {
		for _, pr := range ar.Points {
			all++
			if pr.Status != engine.StatusPending {
				n++
			}
		}
	}
	for _, pr := range v.Self.Bonus {
		all++
		if pr.Status != engine.StatusPending {
			n++
		}
	}
	return n, all
}

func TestFillerHome(t *testing.T) {
	f := newFixture(t, 30)
	body := f.homeOf(t, "filler")
	for _, want := range []string{"工作台", "本年度还没有开始自评", "本年度尚未开始：", "对县级人民政府履行教育职责评价", `href="/units/990102/assessments"`} {
		if !strings.Contains(body, want) {
			t.Errorf("home before any work lacks %q", want)
		}
	}
	// Another county's work, which the filler must never see.
	other := f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusPublished)
	otherURL := assessmentURL(other.ID)

	id := f.startAssessment(f.actor("filler"), "990102", rkFW, 2024)
	scored, all := f.progress(t, id)
	body = f.homeOf(t, "filler")
	page := assessmentURL(id)
	// The first blocking item of a point, linked to the point's page.
	items, err := f.svc.Assess.Readiness(f.ctx, ziping.System, id)
	if err != nil {
		t.Fatal(err)
	}
	var first assess.ReadinessItem
	for _, it := range items {
		if it.Blocking && it.Point != "" {
			first = it
			break
		}
	}
	if first.Point == "" {
		t.Fatal("no blocking item of a point")
	}
	for _, want := range []string{"已评 " + strconv.Itoa(scored) + "/" + strconv.Itoa(all), strconv.Itoa(servicetestBlocking(items)) + "项影响提交", "提交前需处理",
		`href="` + page + `"`, `href="` + pointURL(id, first.Point) + `">` + first.Text, "自评报告未撰写"} {
		if !strings.Contains(body, want) {
			t.Errorf("filler's home lacks %q", want)
		}
	}
	if scored == all {
		t.Fatal("nothing to score: the progress shows nothing")
	}
	// The kinds agree with 已评 n/N: 尚未评分 counts the points not scored, and the
	// vetoes not yet decided are counted apart.
	vetoes := 0
	for _, it := range items {
		if _, veto := engine.VetoNumber(it.Point); veto && it.Kind == "unscored" {
			vetoes++
		}
	}
	if !strings.Contains(body, "尚未评分 "+strconv.Itoa(all-scored)+"项") || vetoes == 0 || !strings.Contains(body, "否决项尚未认定 "+strconv.Itoa(vetoes)+"项") {
		t.Errorf("the kinds do not agree with 已评 %d/%d and %d vetoes to decide: %s", scored, all, vetoes, regexp.MustCompile(`<p class="work-kind">[^<]*`).FindAllString(body, -1))
	}
	for _, leak := range []string{otherURL, f.rkUnitName("990121")} {
		if strings.Contains(body, leak) {
			t.Errorf("a county's home shows another county's work: %q", leak)
		}
	}

	// Scoring a point moves the count.
	zero := 4.0
	if _, err := f.svc.Assess.ScorePoint(f.ctx, f.actor("filler"), id, assess.ScoreInput{Side: ziping.SideSelf, Code: manualCode, Score: &zero, Justification: "制度健全"}); err != nil {
		t.Fatal(err)
	}
	if body = f.homeOf(t, "filler"); !strings.Contains(body, "已评 "+strconv.Itoa(scored+1)+"/"+strconv.Itoa(all)) {
		t.Errorf("after scoring one point the home does not count it")
	}

	// Submitted, then returned with a reason on a point: the home lists it.
	f.scoreRest(f.actor("filler"), id)
	f.uploadAs("filler", page+"/evidence", map[string]string{"point": manualCode, "title": "方案", "doc_number": "黄教发〔2024〕3号"}, "方案.pdf", tinyPDF)
	if err := f.svc.Assess.Submit(f.ctx, f.actor("filler"), id, ziping.StatusDraft); err != nil {
		t.Fatal(err)
	}
	if body = f.homeOf(t, "filler"); !strings.Contains(body, "已提交，等待上级复核") {
		t.Error("a submitted assessment is not shown as waiting")
	}
	rv := f.actor("reviewer")
	low := 1.0
	if _, err := f.svc.Assess.ScorePoint(f.ctx, rv, id, assess.ScoreInput{Side: ziping.SideReview, Code: manualCode, Score: &low, Justification: "证明材料不足以支撑满分"}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Assess.Return(f.ctx, rv, id, "", "请补充第17测评点材料"); err != nil {
		t.Fatal(err)
	}
	body = f.homeOf(t, "filler")
	for _, want := range []string{"已退回", "上级退回意见：请补充第17测评点材料", "退回需修改的测评点", "测评点17：证明材料不足以支撑满分", `href="` + pointURL(id, manualCode) + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("returned: home lacks %q", want)
		}
	}

	// Problems: the county's own due or overdue, never another county's.
	probs, err := f.svc.Store.Problems(f.ctx, ziping.ProblemQuery{AssessmentID: other.ID})
	if err != nil || len(probs) == 0 {
		t.Fatalf("the other county has no problems: %v", err)
	}
	mine := f.rkAssess(rkFW, "990102", 2023, 0.5, ziping.StatusPublished)
	own, err := f.svc.Store.Problems(f.ctx, ziping.ProblemQuery{AssessmentID: mine.ID})
	if err != nil || len(own) == 0 {
		t.Fatalf("no problems of 990102: %v", err)
	}
	due := time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC)
	if _, err := f.svc.Rectify.UpdateProblem(f.ctx, f.actor("filler"), own[0].ID, rectify.ProblemUpdate{Measures: "改", Owner: "教育局", Deadline: due,
		Status: ziping.ProblemInProgress, Version: own[0].Version}); err != nil {
		t.Fatal(err)
	}
	body = f.homeOf(t, "filler")
	if !strings.Contains(body, `href="/problems/`+strconv.FormatInt(own[0].ID, 10)+`"`) || !strings.Contains(body, "期限 2024-05-20") {
		t.Error("the county's problem due this month is not on its home")
	}
	if !strings.Contains(body, `<a href="/units/990102/problems?fw=`+rkFW+`&amp;period=2023">对县级人民政府履行教育职责评价 2023年度 1个</a>`) {
		t.Error("the home does not link the ledger that holds the problem due")
	}
	for _, p := range probs {
		if strings.Contains(body, `href="/problems/`+strconv.FormatInt(p.ID, 10)+`"`) {
			t.Errorf("another county's problem %d on the county's home", p.ID)
		}
	}
}

func TestReviewerHome(t *testing.T) {
	f := newFixture(t, 30)
	if body := f.homeOf(t, "reviewer"); !strings.Contains(body, "没有等待复核的自评") {
		t.Error("an empty queue does not say so")
	}
	first := f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusSubmitted)
	f.clock.add(72 * time.Hour)
	f.sessions = map[string]session{} // those of three days ago have expired
	second := f.rkAssess("xqpjph-2020", "990102", 2024, 0.6, ziping.StatusSubmitted)
	draft := f.rkAssess(rkFW, "990181", 2024, 0.6, ziping.StatusDraft)
	body := f.homeOf(t, "reviewer")
	i, j := strings.Index(body, assessmentURL(first.ID)), strings.Index(body, assessmentURL(second.ID))
	if i < 0 || j < 0 || i > j {
		t.Fatalf("the queue does not list both, oldest first (%d, %d)", i, j)
	}
	if strings.Contains(body, `href="`+assessmentURL(draft.ID)+`"`) {
		t.Error("a draft is in the review queue")
	}
	days := regexp.MustCompile(`<td class="num">(\d+)天</td>`).FindAllStringSubmatch(body, -1)
	if len(days) != 2 || days[0][1] != "3" || days[1][1] != "0" {
		t.Errorf("days waiting %v, want 3 and 0", days)
	}
	for _, want := range []string{"待复核的自评", "对县级人民政府履行教育职责评价", "县域学前教育普及普惠督导评估", "待验收的整改问题", "逾期未整改的问题"} {
		if !strings.Contains(body, want) {
			t.Errorf("reviewer's home lacks %q", want)
		}
	}
	// The review page it links to is the reviewer's to act on.
	if w := f.do(request{role: "reviewer", method: http.MethodGet, path: assessmentURL(first.ID)}); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="accept-button"`) {
		t.Errorf("the queue's link: %d", w.Code)
	}
	// An admin sees the queue and the overview; a filler no queue; a viewer its unit.
	body = f.homeOf(t, "admin")
	for _, want := range []string{assessmentURL(first.ID), assessmentURL(second.ID), "2024年度自评概况"} {
		if !strings.Contains(body, want) {
			t.Errorf("admin's home lacks %q", want)
		}
	}
	if body := f.homeOf(t, "filler"); strings.Contains(body, "待复核的自评") || strings.Contains(body, assessmentURL(first.ID)) {
		t.Error("a filler's home shows the review queue")
	}
	if w := f.do(request{role: "viewer", method: http.MethodGet, path: "/"}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/units/990121" {
		t.Errorf("viewer's home: %d %q", w.Code, w.Header().Get("Location"))
	}
	// A reviewer of a county does not review its own county: not in its queue.
	f.addUser("review9", ziping.RoleReviewer, "990102")
	if body := f.rkAs("review9", http.MethodGet, "/").Body.String(); strings.Contains(body, assessmentURL(second.ID)) {
		t.Error("a county's reviewer is asked to review its own county")
	}
}

func TestSchoolHome(t *testing.T) {
	f := newFixture(t, 30)
	county := f.rkAssess(rkFW, "990102", 2024, 0.6, ziping.StatusDraft)
	u, err := f.svc.Store.UnitByCode(f.ctx, f.school)
	if err != nil {
		t.Fatal(err)
	}
	as, err := f.svc.Assess.StartAssessment(f.ctx, f.actor("school"), "xxbxzl-2021", u, 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	body := f.homeOf(t, "school")
	if !strings.Contains(body, assessmentURL(as.ID)) || !strings.Contains(body, "义务教育学校办学质量评价") {
		t.Error("a school's home lacks its own self-evaluation")
	}
	if strings.Contains(body, assessmentURL(county.ID)) || strings.Contains(body, "对县级人民政府履行教育职责评价") {
		t.Error("a school's home shows its county's work")
	}
}

// Pages open on the framework where the work is, not on the default one.
func TestPagesOpenOnTheWork(t *testing.T) {
	f := newFixture(t, 30)
	f.rkAssess(rkFW, "990102", 2024, 0.6, ziping.StatusPublished)
	selected := regexp.MustCompile(`<option value="([^"]+)" selected>`)
	for _, c := range []struct{ role, path string }{
		{"filler", "/units/990102"}, {"filler", "/units/990102/score"}, {"filler", "/units/990102/problems"},
		{"reviewer", "/units/990100/ranking"}, {"reviewer", "/units/990100/problems"}, {"anon", "/notice/990100"},
	} {
		body := f.do(request{role: c.role, method: http.MethodGet, path: c.path}).Body.String()
		var fws []string
		for _, m := range selected.FindAllStringSubmatch(body, -1) {
			fws = append(fws, m[1])
		}
		if !strings.Contains(strings.Join(fws, " "), rkFW) {
			t.Errorf("%s opens on %v, want %s", c.path, fws, rkFW)
		}
	}
	// A framework asked for is kept, and remembered for the pages opened next.
	w := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102?fw=yzjh-2017"})
	if !strings.Contains(w.Body.String(), `<option value="yzjh-2017" selected>`) {
		t.Error("the framework asked for is not kept")
	}
	var remembered *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == fwCookie {
			remembered = c
		}
	}
	if remembered == nil || remembered.Value != "yzjh-2017" || !remembered.HttpOnly {
		t.Fatalf("the choice is not remembered: %+v", remembered)
	}
	for _, path := range []string{"/units/990102", "/units/990102/problems", "/units/990102/score"} {
		body := f.do(request{role: "filler", method: http.MethodGet, path: path, header: http.Header{"Cookie": {remembered.String()}}}).Body.String()
		if !strings.Contains(body, `<option value="yzjh-2017" selected>`) {
			t.Errorf("%s does not open on the framework chosen last", path)
		}
	}
	// A remembered name that is no county framework is ignored.
	body := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102", header: http.Header{"Cookie": {fwCookie + "=xxbxzl-2021"}}}).Body.String()
	if !strings.Contains(body, `<option value="`+rkFW+`" selected>`) {
		t.Error("a bad remembered framework is not ignored")
	}
}

// servicetestBlocking counts the blocking items of a readiness check.
func servicetestBlocking(items []assess.ReadinessItem) int {
	n := 0
	for _, it := range items {
		if it.Blocking {
			n++
		}
	}
	return n
}

// TestHomeProblemNamesPointOnce: a problem whose description starts with its point
// (「第6测评点公办园在园幼儿占比…」) is not introduced by 「测评点6：」 as well.
func TestHomeProblemNamesPointOnce(t *testing.T) {
	for _, tc := range []struct{ point, desc, want string }{
		{"6", "第6测评点公办园在园幼儿占比为37.4%", ""},
		{"6", "公办园在园幼儿占比偏低", "6"},
		{"16", "第1测评点未落实", "16"},
	} {
		if got := newHomeProblem(rectify.LedgerRow{Problem: ziping.Problem{Point: tc.point, Description: tc.desc}}).Point; got != tc.want {
			t.Errorf("%s / %q: point shown %q, want %q", tc.point, tc.desc, got, tc.want)
		}
	}
}

// TestHomeBlockingOrder: what stops a submission is listed on the home page by kind
// (尚未评分, then 缺少证明材料), each kind's points in framework
// order — 9 before 14, which string order would swap, the areas' points before the
// bonus item, named 加分项1 — each linked to its place, whatever order the check
// found them in (point by point); the assessment page lists the same points in the
// same order, grouped by area.
func TestHomeBlockingOrder(t *testing.T) {
	f := newFixture(t, 30)
	filler := f.actor("filler")
	id := f.startAssessment(filler, "990102", rkFW, 2024)
	f.scoreRest(filler, id, "1", "9", "14", "17", "20", "J1")
	for code, score := range map[string]float64{"17": 4, "20": 5, "J1": 1} {
		s := score
		if _, err := f.svc.Assess.ScorePoint(f.ctx, filler, id, assess.ScoreInput{Side: ziping.SideSelf, Code: code, Score: &s, Justification: "工作落实到位"}); err != nil {
			t.Fatalf("score %s: %v", code, err)
		}
	}
	// Point 1, a checklist, with every item ticked: full marks and no evidence, a
	// kind after 尚未评分 though the point comes before 9 and 14.
	v, err := f.svc.Assess.Assessment(f.ctx, filler, id)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, it := range v.Program.FW.Areas[0].Points[0].Rules[0].Items {
		all = append(all, it.ID)
	}
	if _, err := f.svc.Assess.ScorePoint(f.ctx, filler, id, assess.ScoreInput{Side: ziping.SideSelf, Code: "1", Checked: all, Justification: "工作落实到位"}); err != nil {
		t.Fatalf("score 1: %v", err)
	}
	page := assessmentURL(id)
	var got []string
	re := regexp.MustCompile(`<p class="work-kind">([^<]*)</p>|<li><a href="([^"]*)">([^<]*)</a></li>`)
	for _, m := range re.FindAllStringSubmatch(f.homeOf(t, "filler"), -1) {
		switch {
		case m[1] != "":
			got = append(got, "# "+m[1])
		case m[2] != "":
			got = append(got, m[2]+" "+m[3])
		}
	}
	want := []string{
		"# 尚未评分 2项",
		pointURL(id, "9") + " 测评点9「五育并举与立德树人」尚未评分",
		pointURL(id, "14") + " 测评点14「特殊群体受教育权利保障」尚未评分",
		"# 缺少证明材料 4项",
		pointURL(id, "1") + " 测评点1「党委统一领导教育工作」自评5分，没有证明材料",
		pointURL(id, "17") + " 测评点17「师德师风与教师待遇保障」自评4分，没有证明材料",
		pointURL(id, "20") + " 测评点20「意识形态工作责任制」自评5分，没有证明材料",
		pointURL(id, "J1") + " 加分项1「教育工作获国家级表彰」自评1分，没有证明材料",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the home's blocking items:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The assessment page: the same points in the same order (by area there, the
	// assessment as a whole first).
	w := f.do(request{role: "filler", method: http.MethodGet, path: page})
	_, readiness, _ := strings.Cut(w.Body.String(), `id="readiness"`)
	readiness, _, _ = strings.Cut(readiness, "</section>")
	var anchors []string
	for _, m := range regexp.MustCompile(`<a href="#pt-([^"]+)">`).FindAllStringSubmatch(readiness, -1) {
		anchors = append(anchors, m[1])
	}
	if strings.Join(anchors, " ") != "1 9 14 17 20 J1" {
		t.Errorf("the assessment page's readiness links the points %v, want 1 9 14 17 20 J1", anchors)
	}
}
