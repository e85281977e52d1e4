package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// carriedFixture publishes county's 2023 assessment, with a document on the manual
// point, and starts 2024 from it: scores and evidence waiting for confirmation.
func (f *fixture) carriedFixture(county string) (int64, []assess.CarriedItem) {
	f.t.Helper()
	last := f.startAssessment(ziping.System, county, testFW, 2023)
	if _, err := f.svc.Assess.AddEvidence(f.ctx, ziping.System, last, assess.EvidenceInput{Point: manualCode, Title: "师德师风实施方案",
		FileName: "a.pdf", Data: tinyPDF}); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.svc.Assess.AddEvidence(f.ctx, ziping.System, last, assess.EvidenceInput{Title: "自评工作方案",
		FileName: "b.pdf", Data: tinyPDF}); err != nil {
		f.t.Fatal(err)
	}
	f.scoreRest(ziping.System, last)
	for _, step := range []func() error{
		func() error { return f.svc.Assess.Submit(f.ctx, ziping.System, last, "") },
		func() error { return f.svc.Assess.Accept(f.ctx, ziping.System, last, "", "") },
		func() error { return f.svc.Assess.Publish(f.ctx, ziping.System, last, "") },
	} {
		if err := step(); err != nil {
			f.t.Fatal(err)
		}
	}
	u, err := f.svc.Store.UnitByCode(f.ctx, county)
	if err != nil {
		f.t.Fatal(err)
	}
	as, err := f.svc.Assess.StartAssessment(f.ctx, ziping.System, testFW, u, 2024, true)
	if err != nil {
		f.t.Fatal(err)
	}
	return as.ID, f.carried(as.ID)
}

// carried is what of assessment id still waits for confirmation.
func (f *fixture) carried(id int64) []assess.CarriedItem {
	f.t.Helper()
	v, err := f.svc.Assess.Assessment(f.ctx, ziping.System, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.svc.Assess.Carried(v)
}

func (f *fixture) actionCount(action string) int {
	f.t.Helper()
	list, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Action: action, Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(list)
}

func carriedForm(items []assess.CarriedItem, extra ...string) url.Values {
	form := url.Values{}
	for _, it := range items {
		form.Add("item", carriedItemValue(it))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Add(extra[i], extra[i+1])
	}
	return form
}

// TestBulkConfirm: the county confirms what it carried over from last year in one
// POST, after a confirmation that lists it; a request with another county's item,
// or an item no longer waiting, confirms nothing; every confirmation is audited.
func TestBulkConfirm(t *testing.T) {
	f := newFixture(t, 30)
	id, items := f.carriedFixture("990102")
	other, otherItems := f.carriedFixture("990121")
	if len(items) < 10 {
		t.Fatalf("only %d items carried over", len(items))
	}
	var foreign string
	for _, it := range otherItems {
		if it.Evidence != 0 {
			foreign = strconv.FormatInt(it.Evidence, 10)
		}
	}
	page := assessmentURL(id)
	post := func(role string, form url.Values) *httptest.ResponseRecorder {
		return f.do(request{role: role, method: http.MethodPost, path: page + "/carried", form: form})
	}
	body := f.do(request{role: "filler", method: http.MethodGet, path: page}).Body.String()
	if n := strings.Count(body, `name="item"`); n != len(items) {
		t.Errorf("the page offers %d items to confirm, want %d", n, len(items))
	}

	// Another county's evidence among ours: refused whole, asked or confirmed.
	for _, sure := range []string{"", "1"} {
		form := carriedForm(items, "item", "e:"+foreign, "confirm", sure)
		want(t, "another county's item", post("filler", form), 404, "未确认任何项目")
	}
	// A point that does not wait (or does not exist): refused whole.
	want(t, "a point not waiting", post("filler", carriedForm(items, "item", "p:99", "confirm", "1")), 409, "未确认任何项目")
	want(t, "a broken item", post("filler", carriedForm(items, "item", "x:1", "confirm", "1")), 400)
	// Who may: the county itself; the reviewer reads only, others do not see it.
	want(t, "reviewer", post("reviewer", carriedForm(items, "confirm", "1")), 403)
	want(t, "viewer", post("viewer", carriedForm(items, "confirm", "1")), 404)
	if w := f.do(request{role: "filler", method: http.MethodPost, path: page + "/carried", form: carriedForm(items, "confirm", "1"), noCSRF: true}); w.Code != 403 {
		t.Errorf("without the CSRF token: %d, want 403", w.Code)
	}
	if got := len(f.carried(id)); got != len(items) {
		t.Fatalf("refused requests confirmed %d items", len(items)-got)
	}
	if got := len(f.carried(other)); got != len(otherItems) {
		t.Fatalf("the other county's items changed: %d of %d left", got, len(otherItems))
	}

	// One area's button: only that area's ticked items, asked first.
	area := areaNamer(f.program(testFW))
	key, name := area(items[0].Point)
	inArea := 0
	for _, it := range items {
		if k, _ := area(it.Point); k == key && it.Point != "" {
			inArea++
		}
	}
	w := post("filler", carriedForm(items, "area", key))
	want(t, "asked", w, 200, "确认沿用上年的项目", name, "确认这"+strconv.Itoa(inArea)+"项")
	if got := len(f.carried(id)); got != len(items) {
		t.Fatalf("asking confirmed %d items", len(items)-got)
	}
	before := f.actionCount("score_confirm") + f.actionCount("evidence_confirm")
	want(t, "one area", post("filler", carriedForm(items, "area", key, "confirm", "1")), 303)
	left := f.carried(id)
	if len(left) != len(items)-inArea {
		t.Fatalf("after confirming area %s: %d left, want %d", key, len(left), len(items)-inArea)
	}
	for _, it := range left {
		if k, _ := area(it.Point); k == key && it.Point != "" {
			t.Errorf("item %+v of the confirmed area still waits", it)
		}
	}
	// The rest at once; the ones already confirmed are refused whole.
	want(t, "stale", post("filler", carriedForm(items, "confirm", "1")), 409, "未确认任何项目")
	want(t, "the rest", post("filler", carriedForm(left, "confirm", "1")), 303)
	if got := f.carried(id); len(got) != 0 {
		t.Errorf("%d items still wait", len(got))
	}
	if n := f.actionCount("score_confirm") + f.actionCount("evidence_confirm") - before; n != len(items) {
		t.Errorf("%d confirmations audited, want %d", n, len(items))
	}
	// Nothing left: the section is gone.
	if body := f.do(request{role: "filler", method: http.MethodGet, path: page}).Body.String(); strings.Contains(body, `id="carried"`) {
		t.Error("the bulk confirmation is still offered")
	}
}

// TestWithdrawAndUnpublish: the county withdraws its own submission, after the
// confirmation, until the review begins; nobody else may; the reviewer unpublishes
// with a reason and the public notice no longer lists the county; a county may not.
func TestWithdrawAndUnpublish(t *testing.T) {
	f := newFixture(t, 30)
	id := f.startAssessment(ziping.System, "990102", testFW, 2024)
	filler := f.actor("filler")
	f.scoreRest(filler, id)
	if err := f.svc.Assess.Submit(f.ctx, filler, id, ""); err != nil {
		t.Fatal(err)
	}
	page := assessmentURL(id)
	status := func(id int64) string {
		t.Helper()
		as, err := f.svc.Store.Assessment(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return as.Status
	}
	sub := url.Values{"status": {ziping.StatusSubmitted}}
	sure := url.Values{"status": {ziping.StatusSubmitted}, "confirm": {"1"}}

	// Another county's filler does not see it; the reviewer may not withdraw it.
	f.addUser("county21", ziping.RoleFiller, "990121")
	other := f.sessionFor("county21")
	want(t, "another county withdraws", f.doAs(other, http.MethodPost, page+"/withdraw", sure), 404)
	want(t, "the reviewer withdraws", f.do(request{role: "reviewer", method: http.MethodPost, path: page + "/withdraw", form: sure}), 403)
	if w := f.do(request{role: "filler", method: http.MethodPost, path: page + "/withdraw", form: sure, noCSRF: true}); w.Code != 403 {
		t.Errorf("withdraw without the CSRF token: %d", w.Code)
	}
	// Asked first: nothing changes until confirmed.
	want(t, "asked", f.do(request{role: "filler", method: http.MethodPost, path: page + "/withdraw", form: sub}), 200,
		"确认撤回提交", "回到「填报中」", `name="confirm" value="1"`)
	if st := status(id); st != ziping.StatusSubmitted {
		t.Fatalf("asking changed the status to %s", st)
	}
	n := f.actionCount("assessment_withdraw")
	want(t, "withdrawn", f.do(request{role: "filler", method: http.MethodPost, path: page + "/withdraw", form: sure}), 303)
	if st := status(id); st != ziping.StatusDraft {
		t.Fatalf("after withdrawing: %s", st)
	}
	if f.actionCount("assessment_withdraw") != n+1 {
		t.Error("the withdrawal is not audited")
	}
	if as, _ := f.svc.Store.Assessment(f.ctx, id); as.Round != 0 {
		t.Errorf("round %d after withdrawing the first submission", as.Round)
	}
	// Once the reviewer has begun, it can no longer be withdrawn.
	if err := f.svc.Assess.Submit(f.ctx, filler, id, ""); err != nil {
		t.Fatal(err)
	}
	two := 2.0
	if _, err := f.svc.Assess.ScorePoint(f.ctx, f.actor("reviewer"), id, assess.ScoreInput{Side: ziping.SideReview, Code: manualCode,
		Score: &two, Justification: "台账不全"}); err != nil {
		t.Fatal(err)
	}
	want(t, "review begun", f.do(request{role: "filler", method: http.MethodPost, path: page + "/withdraw", form: sub}), 409, "上级已开始复核")
	want(t, "review begun, confirmed", f.do(request{role: "filler", method: http.MethodPost, path: page + "/withdraw", form: sure}), 409, "上级已开始复核")
	if body := f.do(request{role: "filler", method: http.MethodGet, path: page}).Body.String(); strings.Contains(body, `id="withdraw-form"`) {
		t.Error("withdraw is offered after the review began")
	}

	// Unpublish: K3's published result.
	pub := f.publishedAssessment("990121", testFW, 2024)
	u, err := f.svc.Store.UnitByCode(f.ctx, "990121")
	if err != nil {
		t.Fatal(err)
	}
	notice := "/notice/990100?fw=" + testFW + "&period=2024"
	if body := f.do(request{method: http.MethodGet, path: notice}).Body.String(); !strings.Contains(body, u.Name) {
		t.Fatalf("the notice does not list %s before", u.Name)
	}
	pp := assessmentURL(pub)
	why := url.Values{"status": {ziping.StatusPublished}, "note": {"数据有误，待核实后重新公布"}}
	whySure := url.Values{"status": {ziping.StatusPublished}, "note": {"数据有误，待核实后重新公布"}, "confirm": {"1"}}
	// The county itself may not unpublish (it is no reviewer); another county does not see it.
	want(t, "the county unpublishes", f.doAs(other, http.MethodPost, pp+"/unpublish", whySure), 403)
	want(t, "another county unpublishes", f.do(request{role: "filler", method: http.MethodPost, path: pp + "/unpublish", form: whySure}), 404)
	want(t, "a viewer unpublishes", f.do(request{role: "viewer", method: http.MethodPost, path: pp + "/unpublish", form: whySure}), 403)
	want(t, "no reason", f.do(request{role: "reviewer", method: http.MethodPost, path: pp + "/unpublish",
		form: url.Values{"status": {ziping.StatusPublished}, "confirm": {"1"}}}), 400, "撤销公布须写明理由")
	want(t, "asked", f.do(request{role: "reviewer", method: http.MethodPost, path: pp + "/unpublish", form: why}), 200,
		"确认撤销公布", "数据有误，待核实后重新公布", "评价结果通报中移除")
	if st := status(pub); st != ziping.StatusPublished {
		t.Fatalf("asking changed the status to %s", st)
	}
	n = f.actionCount("assessment_unpublish")
	want(t, "unpublished", f.do(request{role: "reviewer", method: http.MethodPost, path: pp + "/unpublish", form: whySure}), 303)
	if st := status(pub); st != ziping.StatusReviewed {
		t.Fatalf("after unpublishing: %s", st)
	}
	list, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Action: "assessment_unpublish", Limit: 10})
	if err != nil || len(list) != n+1 || !strings.Contains(string(list[0].New), "数据有误") {
		t.Errorf("the unpublishing is not audited with its reason: %v %d", err, len(list))
	}
	if body := f.do(request{method: http.MethodGet, path: notice}).Body.String(); strings.Contains(body, u.Name) {
		t.Error("the notice still lists the unpublished county")
	}
	// Published again after the fix.
	want(t, "republished", f.do(request{role: "reviewer", method: http.MethodPost, path: pp + "/publish",
		form: url.Values{"status": {ziping.StatusReviewed}, "confirm": {"1"}}}), 303)
	if body := f.do(request{method: http.MethodGet, path: notice}).Body.String(); !strings.Contains(body, u.Name) {
		t.Error("the notice does not list the county published again")
	}
}

// TestWorkflowAsksFirst: submit, return, accept, publish and publish-all show what
// will happen and change nothing until confirmed.
func TestWorkflowAsksFirst(t *testing.T) {
	f := newFixture(t, 30)
	id := f.startAssessment(ziping.System, "990102", testFW, 2024)
	f.scoreRest(f.actor("filler"), id)
	page := assessmentURL(id)
	ask := func(role, step, status, wantText string) {
		t.Helper()
		w := f.do(request{role: role, method: http.MethodPost, path: page + "/" + step, form: url.Values{"status": {status}, "note": {"请补充"}}})
		want(t, step+" asked", w, 200, wantText, `id="confirm-button"`)
		if as, _ := f.svc.Store.Assessment(f.ctx, id); as.Status != status {
			t.Fatalf("asking %s changed the status to %s", step, as.Status)
		}
	}
	do := func(role, step, status string) {
		t.Helper()
		want(t, step, f.do(request{role: role, method: http.MethodPost, path: page + "/" + step,
			form: url.Values{"status": {status}, "note": {"请补充"}, "confirm": {"1"}}}), 303)
	}
	ask("filler", "submit", ziping.StatusDraft, "复核")
	do("filler", "submit", ziping.StatusDraft)
	ask("reviewer", "return", ziping.StatusSubmitted, "退回")
	ask("reviewer", "accept", ziping.StatusSubmitted, "问题清单")
	do("reviewer", "accept", ziping.StatusSubmitted)
	ask("reviewer", "publish", ziping.StatusReviewed, "评价结果通报")
	// 公布全部: the confirmation names the county; nothing is published until confirmed.
	u, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	w := f.do(request{role: "reviewer", method: http.MethodPost, path: "/units/990100/ranking/publish?fw=" + testFW + "&period=2024"})
	want(t, "publish all asked", w, 200, "确认公布全部已复核结果", u.Name, "确认公布这1个单位的结果")
	if as, _ := f.svc.Store.Assessment(f.ctx, id); as.Status != ziping.StatusReviewed {
		t.Fatalf("asking to publish all changed the status to %s", as.Status)
	}
}

// TestMissingDataBlocks: a point the data cannot compute blocks the submission and
// the acceptance with what is missing, until a person scores it with a reason; it
// never becomes a problem.
func TestMissingDataBlocks(t *testing.T) {
	f := newFixture(t, 30)
	id := f.startAssessment(ziping.System, "990102", testFW, 2023)
	filler := f.actor("filler")
	v, err := f.svc.Assess.Assessment(f.ctx, filler, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Gaps) == 0 {
		t.Fatal("the fixture's 2023 has no point without data")
	}
	var gaps []string
	for code := range v.Gaps {
		gaps = append(gaps, code)
	}
	f.scoreRest(filler, id, gaps...)
	page := assessmentURL(id)
	w := f.do(request{role: "filler", method: http.MethodPost, path: page + "/submit", form: url.Values{"status": {"draft"}, "confirm": {"1"}}})
	want(t, "submit blocked", w, 400, "自评还不能提交", "无法计算", "缺少2022年度数据")
	// A data point scored by hand needs a reason.
	five := 0.0
	if _, err := f.svc.Assess.ScorePoint(f.ctx, filler, id, assess.ScoreInput{Side: ziping.SideSelf, Code: gaps[0], Score: &five}); ziping.ErrorKind(err) != ziping.Invalid {
		t.Errorf("a hand score without a reason: %v", err)
	}
	// A point the data computes is not scored by hand.
	computed := ""
	for ai, ar := range v.Program.FW.Areas {
		for pi, pt := range ar.Points {
			if _, gap := v.Gaps[pt.Code]; computed == "" && !gap && pointKind(&pt) == "data" && v.Self.Areas[ai].Points[pi].Status == engine.StatusScored {
				computed = pt.Code
			}
		}
	}
	if _, err := f.svc.Assess.ScorePoint(f.ctx, filler, id, assess.ScoreInput{Side: ziping.SideSelf, Code: computed, Score: &five, Justification: "x"}); ziping.ErrorKind(err) != ziping.Invalid {
		t.Errorf("a hand score of point %s, which the data computes: %v", computed, err)
	}
	// Scored by hand with a reason: submitted, accepted, and no problem of it.
	f.scoreGaps(filler, id)
	if err := f.svc.Assess.Submit(f.ctx, filler, id, ""); err != nil {
		t.Fatal(err)
	}
	v, err = f.svc.Assess.Assessment(f.ctx, filler, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Assess.Accept(f.ctx, f.actor("reviewer"), id, "", ""); err != nil {
		t.Fatalf("accept with the gaps scored by hand: %v", err)
	}
	probs, err := f.svc.Store.Problems(f.ctx, ziping.ProblemQuery{AssessmentID: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		if _, gap := v.Gaps[p.Point]; gap {
			t.Errorf("missing data became a problem: %s %s", p.Point, p.Description)
		}
	}
}

// TestAcceptBlockedByMissingData: the reviewer cannot accept while a point cannot be
// computed; scoring it in the review with a reason lets the acceptance through.
func TestAcceptBlockedByMissingData(t *testing.T) {
	f := newFixture(t, 30)
	id := f.startAssessment(ziping.System, "990102", testFW, 2023)
	v, err := f.svc.Assess.Assessment(f.ctx, ziping.System, id)
	if err != nil {
		t.Fatal(err)
	}
	var gaps []string
	for code := range v.Gaps {
		gaps = append(gaps, code)
	}
	f.scoreRest(ziping.System, id, gaps...)
	// The assessment is frozen with the gap open (as an assessment submitted before
	// missing data blocked would be): the acceptance refuses it.
	f.forceSubmit(id)
	page := assessmentURL(id)
	want(t, "accept asked", f.do(request{role: "reviewer", method: http.MethodPost, path: page + "/accept", form: url.Values{"status": {"submitted"}}}),
		400, "复核还不能通过", "缺少2022年度数据")
	want(t, "accept", f.do(request{role: "reviewer", method: http.MethodPost, path: page + "/accept", form: url.Values{"status": {"submitted"}, "confirm": {"1"}}}),
		400, "复核还不能通过")
	for _, code := range gaps {
		s := 1.0
		if _, err := f.svc.Assess.ScorePoint(f.ctx, f.actor("reviewer"), id, assess.ScoreInput{Side: ziping.SideReview, Code: code, Score: &s,
			Justification: "据统计公报核定"}); err != nil {
			t.Fatal(err)
		}
	}
	want(t, "accepted", f.do(request{role: "reviewer", method: http.MethodPost, path: page + "/accept", form: url.Values{"status": {"submitted"}, "confirm": {"1"}}}), 303)
}

// program is a built-in framework's compiled program.
func (f *fixture) program(fw string) *engine.Framework {
	f.t.Helper()
	prog, err := f.svc.Assess.Program(f.ctx, fw, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return prog.FW
}

// forceSubmit marks an assessment submitted without a snapshot, as one submitted
// before missing data blocked the submission: it is evaluated on the live data.
func (f *fixture) forceSubmit(id int64) {
	f.t.Helper()
	as, err := f.svc.Store.Assessment(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	as.Status, as.Round = ziping.StatusSubmitted, 1
	if err := f.svc.Store.UpdateAssessment(f.ctx, as); err != nil {
		f.t.Fatal(err)
	}
}

// TestMarkDataGaps: a problem made from missing data before it blocked (an accepted
// 2023 with point 3 uncomputable) is marked 数据缺失 by the upgrade: never overdue,
// shown so in the ledger; a real problem is left; running it again marks none.
func TestMarkDataGaps(t *testing.T) {
	f := newFixture(t, 30)
	id := f.startAssessment(ziping.System, "990102", testFW, 2023)
	v, err := f.svc.Assess.Assessment(f.ctx, ziping.System, id)
	if err != nil {
		t.Fatal(err)
	}
	var gaps []string
	for code := range v.Gaps {
		gaps = append(gaps, code)
	}
	f.scoreRest(ziping.System, id, gaps...)
	f.forceSubmit(id)
	as, err := f.svc.Store.Assessment(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	as.Status = ziping.StatusPublished
	if err := f.svc.Store.UpdateAssessment(f.ctx, as); err != nil {
		t.Fatal(err)
	}
	past := ziping.DateOnly(f.clock.now().AddDate(0, -1, 0))
	mk := func(point, desc string) ziping.Problem {
		p := ziping.Problem{AssessmentID: id, UnitID: as.UnitID, Framework: as.Framework, Period: as.Period, Point: point,
			Source: ziping.SourceDeduction, Description: desc, Status: ziping.ProblemInProgress, Deadline: past}
		if err := f.svc.Store.CreateProblem(f.ctx, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gap := mk("3", "缺少2022年度数据，无法与上一年度比较")
	real := mk(manualCode, "师德师风建设失分")
	if !gap.Overdue(f.clock.now()) || !real.Overdue(f.clock.now()) {
		t.Fatal("the fixture's problems are not overdue")
	}
	n, err := f.svc.Assess.MarkDataGaps(f.ctx, ziping.System)
	if err != nil || n != 1 {
		t.Fatalf("MarkDataGaps: %d, %v; want 1", n, err)
	}
	got, err := f.svc.Store.Problem(f.ctx, gap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.DataGap || got.Overdue(f.clock.now()) || !strings.HasPrefix(got.Note, assess.DataGapNote) {
		t.Errorf("the data gap: DataGap %v, overdue %v, note %q", got.DataGap, got.Overdue(f.clock.now()), got.Note)
	}
	if other, _ := f.svc.Store.Problem(f.ctx, real.ID); other.DataGap || !other.Overdue(f.clock.now()) {
		t.Error("a real problem was marked")
	}
	if n, err := f.svc.Assess.MarkDataGaps(f.ctx, ziping.System); err != nil || n != 0 {
		t.Errorf("again: %d, %v", n, err)
	}
	if f.actionCount("problem_data_gap") != 1 {
		t.Error("the marking is not audited")
	}
	body := f.do(request{role: "reviewer", method: http.MethodGet, path: "/units/990100/problems?fw=" + testFW + "&period=2023"}).Body.String()
	if !strings.Contains(body, "数据缺失") {
		t.Error("the ledger does not show 数据缺失")
	}
	// Not in the rectification notice, not carried to next year's points.
	letter, err := f.svc.Rectify.Notice(f.ctx, f.actor("reviewer"), id)
	if err != nil {
		t.Fatal(err)
	}
	if rows := fmt.Sprint(letter.Table.Rows); !strings.Contains(rows, "师德师风建设失分") || strings.Contains(rows, "缺少2022年度数据") {
		t.Errorf("the rectification notice lists %s", rows)
	}
	next, err := f.svc.Assess.StartAssessment(f.ctx, ziping.System, testFW, county102(f), 2024, false)
	if err != nil {
		t.Fatal(err)
	}
	nv, err := f.svc.Assess.Assessment(f.ctx, ziping.System, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range nv.LastProblems {
		if p.DataGap {
			t.Errorf("next year shows the data gap %q as last year's problem", p.Description)
		}
	}
	if len(nv.LastProblems) != 1 {
		t.Errorf("next year shows %d of last year's problems, want 1", len(nv.LastProblems))
	}
}

func county102(f *fixture) *ziping.OrgUnit {
	f.t.Helper()
	u, err := f.svc.Store.UnitByCode(f.ctx, "990102")
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}
