package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// The assessment tests use lxzz-county: graded, with a manual point (17), checklist
// points and manual vetoes.
const (
	testFW     = "lxzz-county"
	manualCode = "17"
)

// tinyPDF is the smallest file the evidence check takes as a PDF.
var tinyPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// sessionFor signs user in and returns the session (a new one on every call).
func (f *fixture) sessionFor(user string) session {
	f.t.Helper()
	tok, sess, _, err := f.svc.Accounts.Login(f.ctx, user, password(user), "127.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return session{token: tok, csrf: sess.CSRF}
}

// doAs sends a form in a given session.
func (f *fixture) doAs(s session, method, path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	form = cloneForm(form)
	if method == http.MethodPost && form.Get(csrfField) == "" {
		form.Set(csrfField, s.csrf)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.token})
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// uploadAs posts a multipart form with one file as role.
func (f *fixture) uploadAs(role, path string, fields map[string]string, name string, data []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	s := f.login(role, false)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField(csrfField, s.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.token})
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

// actor is role's actor, as the web layer sees it.
func (f *fixture) actor(role string) *ziping.Actor {
	f.t.Helper()
	a, _, err := f.svc.Accounts.Authenticate(f.ctx, f.login(role, false).token, "127.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// startAssessment starts an assessment of county through the service.
func (f *fixture) startAssessment(a *ziping.Actor, county, fw string, period int) int64 {
	f.t.Helper()
	u, err := f.svc.Store.UnitByCode(f.ctx, county)
	if err != nil {
		f.t.Fatal(err)
	}
	as, err := f.svc.Assess.StartAssessment(f.ctx, a, fw, u, period, false)
	if err != nil {
		f.t.Fatal(err)
	}
	return as.ID
}

// scoreRest gives every point still waiting for a person a zero score (nothing
// ticked, nothing claimed: no evidence needed) and decides every manual veto as not
// triggered, so that the assessment can be submitted. Points in skip are left.
func (f *fixture) scoreRest(a *ziping.Actor, id int64, skip ...string) {
	f.t.Helper()
	v, err := f.svc.Assess.Assessment(f.ctx, a, id)
	if err != nil {
		f.t.Fatal(err)
	}
	fw := v.Program.FW
	points := []engine.Point{}
	for _, ar := range fw.Areas {
		points = append(points, ar.Points...)
	}
	if fw.Bonus != nil {
		points = append(points, fw.Bonus.Items...)
	}
	zero, no := 0.0, false
	for _, pt := range points {
		if pr := v.Self.Point(pt.Code); pr == nil || pr.Status != engine.StatusPending || slices.Contains(skip, pt.Code) {
			continue
		}
		in := assess.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Justification: "暂无相关工作"}
		if ps, ok := v.Score(ziping.SideSelf, pt.Code); ok {
			in.Version = ps.Version
		}
		switch pointKind(&pt) {
		case "manual":
			in.Score = &zero
		case "checklist":
			in.Checked = []string{}
		}
		if _, err := f.svc.Assess.ScorePoint(f.ctx, a, id, in); err != nil {
			f.t.Fatalf("score %s: %v", pt.Code, err)
		}
	}
	for _, vr := range v.Self.Vetoes {
		if vr.Pending {
			if _, err := f.svc.Assess.ScorePoint(f.ctx, a, id, assess.ScoreInput{Side: ziping.SideSelf, Code: vr.Code, Triggered: &no}); err != nil {
				f.t.Fatalf("decide %s: %v", vr.Code, err)
			}
		}
	}
	f.scoreGaps(a, id, skip...)
	f.writeReport(a, id, cleanReport)
}

// publishedAssessment is an assessment of county taken through the whole workflow
// by the system.
func (f *fixture) publishedAssessment(county, fw string, period int) int64 {
	f.t.Helper()
	id := f.startAssessment(ziping.System, county, fw, period)
	f.scoreRest(ziping.System, id)
	for _, step := range []func() error{
		func() error { return f.svc.Assess.Submit(f.ctx, ziping.System, id, "") },
		func() error { return f.svc.Assess.Accept(f.ctx, ziping.System, id, "", "") },
		func() error { return f.svc.Assess.Publish(f.ctx, ziping.System, id, "") },
	} {
		if err := step(); err != nil {
			f.t.Fatal(err)
		}
	}
	return id
}

func (f *fixture) assessment(id int64) *ziping.Assessment {
	f.t.Helper()
	as, err := f.svc.Store.Assessment(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return as
}

// pointScore is the stored score of side and code, nil when none.
func (f *fixture) pointScore(id int64, side, code string) *ziping.PointScore {
	f.t.Helper()
	scores, err := f.svc.Store.PointScores(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	for i := range scores {
		if scores[i].Side == side && scores[i].Code == code {
			return &scores[i]
		}
	}
	return nil
}

// formVersion is the version field of the form with id in a page.
func formVersion(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<form[^>]*id="` + regexp.QuoteMeta(id) + `".*?name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form %s with a version in the page", id)
	}
	return m[1]
}

func want(t *testing.T, what string, w *httptest.ResponseRecorder, status int, contains ...string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("%s: status %d, want %d (location %q)\n%s", what, w.Code, status, w.Header().Get("Location"), excerpt(w.Body.String()))
	}
	for _, s := range contains {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("%s: the page lacks %q\n%s", what, s, excerpt(w.Body.String()))
		}
	}
}

// excerpt is the alerts of a page, or its start: enough to see why a test failed.
func excerpt(body string) string {
	if m := regexp.MustCompile(`(?s)<p class="alert[^"]*"[^>]*>.*?</p>`).FindAllString(body, 5); m != nil {
		return strings.Join(m, "\n")
	}
	if len(body) > 600 {
		return body[:600]
	}
	return body
}

func (f *fixture) wantStatus(id int64, status string, round int) {
	f.t.Helper()
	as := f.assessment(id)
	if as.Status != status || as.Round != round {
		f.t.Fatalf("assessment %d: status %s round %d, want %s round %d", id, as.Status, as.Round, status, round)
	}
}

// TestAssessmentWorkflow takes an assessment from start to publication through the
// pages, as the county's filler and the city's reviewer.
func TestAssessmentWorkflow(t *testing.T) {
	f := newFixture(t, 60)
	post := func(role, path string, form url.Values) *httptest.ResponseRecorder {
		return f.do(request{role: role, method: http.MethodPost, path: path, form: form})
	}
	get := func(role, path string) *httptest.ResponseRecorder {
		return f.do(request{role: role, method: http.MethodGet, path: path})
	}

	// Start from the list page.
	want(t, "list", get("filler", "/units/990102/assessments"), 200, "尚未开展自评", "开始自评", "沿用上年自评（逐项确认）")
	want(t, "start without last year", post("filler", "/units/990102/assessments", url.Values{"fw": {testFW}, "period": {"2024"}, "from_last": {"1"}}),
		404, "没有2023年度的自评可以沿用")
	w := post("filler", "/units/990102/assessments", url.Values{"fw": {testFW}, "period": {"2024"}})
	want(t, "start", w, 303)
	id, err := strconv.ParseInt(strings.TrimPrefix(w.Header().Get("Location"), "/assessments/"), 10, 64)
	if err != nil {
		t.Fatalf("start led to %q", w.Header().Get("Location"))
	}
	page := assessmentURL(id)
	want(t, "start again", post("filler", "/units/990102/assessments", url.Values{"fw": {testFW}, "period": {"2024"}}), 409, "已经开始")
	want(t, "list after", get("filler", "/units/990102/assessments"), 200, "2024年度", "填报中", page)
	point := page + "/points/" + manualCode
	want(t, "page", get("filler", page), 200, "填报中", "提交前检查", "测评点17「师德师风与教师待遇保障」尚未评分", `href="`+point+`"`)
	want(t, "point page", get("filler", point), 200, "测评点17 师德师风与教师待遇保障", `id="form-s-17"`, `id="e-17"`)

	// Score the manual point: out of range, then right.
	score := func(role, side, code, version, value, why string) *httptest.ResponseRecorder {
		return post(role, page+"/points/"+code, url.Values{"side": {side}, "version": {version}, "score": {value}, "justification": {why}})
	}
	want(t, "score out of range", score("filler", "self", manualCode, "0", "9", "很好"), 400, "测评点17的分数应在0到4分之间", `value="9"`, "很好")
	want(t, "score", score("filler", "self", manualCode, "0", "4", "制度健全，查处及时"), 303)
	if ps := f.pointScore(id, "self", manualCode); ps == nil || *ps.Score != 4 || ps.Justification != "制度健全，查处及时" {
		t.Fatalf("stored self score %+v", ps)
	}

	// Full marks need evidence: readiness says so, and submitting is refused.
	f.scoreRest(f.actor("filler"), id)
	w = get("filler", page)
	want(t, "page scored", w, 200, "测评点17「师德师风与教师待遇保障」自评4分，没有证明材料", `id="submit-button" disabled`)
	want(t, "submit refused", post("filler", page+"/submit", url.Values{"status": {"draft"}}), 400, "自评还不能提交", "没有证明材料")
	f.wantStatus(id, ziping.StatusDraft, 0)

	// Evidence: a text file named .pdf is refused, a PDF is taken.
	w = f.uploadAs("filler", page+"/evidence", map[string]string{"point": manualCode, "title": "师德师风方案", "doc_number": "黄教发[2024]3号"}, "方案.pdf", []byte("just text"))
	want(t, "fake pdf", w, 400, "内容与扩展名.pdf不符", `value="师德师风方案"`)
	w = f.uploadAs("filler", page+"/evidence", map[string]string{"point": manualCode, "title": "师德师风方案", "doc_number": "黄教发[2024]3号"}, "方案.pdf", tinyPDF)
	want(t, "pdf", w, 303)
	evs, err := f.svc.Store.EvidenceOf(f.ctx, id)
	if err != nil || len(evs) != 1 || evs[0].DocNumber != "黄教发〔2024〕3号" || evs[0].Period != 2024 {
		t.Fatalf("evidence %+v, %v", evs, err)
	}
	evID := strconv.FormatInt(evs[0].ID, 10)
	want(t, "page with evidence", get("filler", page), 200, `<span class="evidence-count">1</span>`)
	want(t, "point with evidence", get("filler", point), 200, "黄教发〔2024〕3号", "/evidence/"+evID)
	dl := get("reviewer", "/evidence/"+evID)
	want(t, "download", dl, 200)
	if !bytes.Equal(dl.Body.Bytes(), tinyPDF) || dl.Header().Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(dl.Header().Get("Content-Disposition"), "attachment;") || dl.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %q %q", dl.Header(), dl.Body.String())
	}

	// Submit; then the unit can change nothing.
	want(t, "submit", post("filler", page+"/submit", url.Values{"status": {"draft"}, "confirm": {"1"}}), 303)
	f.wantStatus(id, ziping.StatusSubmitted, 1)
	want(t, "submit twice", post("filler", page+"/submit", url.Values{"status": {"draft"}, "confirm": {"1"}}), 409, "自评状态已变为「已提交」")
	want(t, "score after submit", score("filler", "self", manualCode, "1", "3", "改一下"), 409, "不能再修改")
	want(t, "evidence after submit", f.uploadAs("filler", page+"/evidence", map[string]string{"point": manualCode}, "b.pdf", tinyPDF), 409)
	want(t, "remove after submit", post("filler", "/evidence/"+evID+"/remove", nil), 409)
	want(t, "filler reviews", score("filler", "review", manualCode, "0", "1", "自己复核"), 403)
	if w := get("filler", page); strings.Contains(w.Body.String(), `id="submit-form"`) {
		t.Errorf("the submitted page still offers the unit its submit form")
	}
	for _, path := range []string{point, point + "/form"} {
		if w := get("filler", path); w.Code != 200 || strings.Contains(w.Body.String(), `id="form-s-17"`) || strings.Contains(w.Body.String(), `id="e-17"`) {
			t.Errorf("%s after submitting: status %d, or it still offers the unit its forms", path, w.Code)
		}
	}

	// The reviewer lowers point 17 and returns the assessment.
	want(t, "review page", get("reviewer", page), 200, "复核结论", `id="return-form"`)
	want(t, "review form", get("reviewer", point+"/form"), 200, `id="form-r-17"`)
	want(t, "review without reason", score("reviewer", "review", manualCode, "0", "2", ""), 400, "复核17须写明理由", `value="2"`)
	want(t, "review", score("reviewer", "review", manualCode, "0", "2", "师德失范查处台账不完整"), 303)
	want(t, "reviewed page", get("reviewer", page), 200, "复核结果", "师德失范查处台账不完整", `class="apoint diff"`, "自评可信度")
	want(t, "return", post("reviewer", page+"/return", url.Values{"status": {"submitted"}, "note": {"请补充查处台账"}, "confirm": {"1"}}), 303)
	f.wantStatus(id, ziping.StatusReturned, 1)

	// The unit sees why, fixes the point and resubmits.
	w = get("filler", page)
	want(t, "returned page", w, 200, "自评已被退回", "请补充查处台账", "师德失范查处台账不完整")
	w = get("filler", point)
	want(t, "returned point", w, 200, "师德失范查处台账不完整", `id="form-s-17"`)
	v := formVersion(t, w.Body.String(), "form-s-17")
	want(t, "fix", score("filler", "self", manualCode, v, "3", "已补充查处台账，酌情扣1分"), 303)
	want(t, "resubmit", post("filler", page+"/submit", url.Values{"status": {"returned"}, "confirm": {"1"}}), 303)
	f.wantStatus(id, ziping.StatusResubmitted, 2)

	// The reviewer accepts and publishes.
	want(t, "accept", post("reviewer", page+"/accept", url.Values{"status": {"resubmitted"}, "confirm": {"1"}}), 303)
	f.wantStatus(id, ziping.StatusReviewed, 2)
	want(t, "reviewed", get("reviewer", page), 200, "已复核", `id="publish-form"`, "问题清单")
	want(t, "publish", post("reviewer", page+"/publish", url.Values{"status": {"reviewed"}, "confirm": {"1"}}), 303)
	f.wantStatus(id, ziping.StatusPublished, 2)
	want(t, "published", get("filler", page), 200, "已公布")

	// Every step is in the audit trail.
	entries, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range entries {
		if strings.HasPrefix(e.Object, "assessment:"+strconv.FormatInt(id, 10)) {
			got[e.Action]++
		}
	}
	for _, action := range []string{"assessment_start", "score_self", "evidence_add", "assessment_submitted", "score_review",
		"assessment_return", "assessment_resubmitted", "assessment_accept", "assessment_publish"} {
		if got[action] == 0 {
			t.Errorf("no audit entry %s (have %v)", action, got)
		}
	}
}

// TestAssessmentScoreConflict: two people of the county open the page; the first
// saves, the second's save is refused with the first one's value, and what they
// typed is still in the form.
func TestAssessmentScoreConflict(t *testing.T) {
	f := newFixture(t, 60)
	id := f.startAssessment(f.actor("filler"), "990102", testFW, 2024)
	page := assessmentURL(id)
	user := roleUsers["filler"].user
	one, two := f.sessionFor(user), f.sessionFor(user)
	p1, p2 := f.doAs(one, http.MethodGet, page+"/points/17", nil), f.doAs(two, http.MethodGet, page+"/points/17/form", nil)
	want(t, "page 1", p1, 200)
	want(t, "page 2", p2, 200)
	v1, v2 := formVersion(t, p1.Body.String(), "form-s-17"), formVersion(t, p2.Body.String(), "form-s-17")
	if v1 != v2 {
		t.Fatalf("versions %s and %s", v1, v2)
	}
	form := func(v, score, why string) url.Values {
		return url.Values{"side": {"self"}, "version": {v}, "score": {score}, "justification": {why}}
	}
	want(t, "first save", f.doAs(one, http.MethodPost, page+"/points/17", form(v1, "3.5", "第一人的说明")), 303)
	w := f.doAs(two, http.MethodPost, page+"/points/17", form(v2, "2", "第二人的说明"))
	want(t, "second save", w, 409, "该项评分已被用户county2修改为「3.5分；理由：第一人的说明」", `value="2"`, "第二人的说明", "当前保存的值")
	if ps := f.pointScore(id, "self", "17"); ps == nil || *ps.Score != 3.5 || ps.Justification != "第一人的说明" {
		t.Fatalf("stored score %+v, want the first person's", ps)
	}
	// Having seen the other value, the second person may overwrite it.
	v := formVersion(t, w.Body.String(), "form-s-17")
	want(t, "second save again", f.doAs(two, http.MethodPost, page+"/points/17", form(v, "2", "第二人的说明")), 303)
	if ps := f.pointScore(id, "self", "17"); ps == nil || *ps.Score != 2 {
		t.Fatalf("stored score %+v after the second save", ps)
	}
}

// TestAssessmentAccess: who sees and does what, beyond the matrix.
func TestAssessmentAccess(t *testing.T) {
	f := newFixture(t, 60)
	draft := assessmentURL(f.startAssessment(ziping.System, "990121", testFW, 2024))
	pub := assessmentURL(f.publishedAssessment("990121", "yzjh-2017", 2024))
	f.run(t, []scenario{
		{"viewer, a draft", "viewer", "", draft, nil, 404, []string{"没有这项自评"}},
		{"viewer, published", "viewer", "", pub, nil, 200, []string{"已公布"}},
		{"viewer, the list shows the published only", "viewer", "", "/units/990121/assessments", nil, 200, []string{pub}},
		{"filler, another county", "filler", "", draft, nil, 404, nil},
		{"school, its county", "school", "", pub, nil, 404, nil},
		{"reviewer, below", "reviewer", "", draft, nil, 200, nil},
		{"anonymous", "anon", "", draft, nil, 303, nil},
	})
	if w := f.do(request{role: "viewer", path: "/units/990121/assessments"}); strings.Contains(w.Body.String(), draft) {
		t.Errorf("the viewer's list shows the draft")
	}
	for _, path := range []string{pub, pub + "/points/A1", pub + "/points/A1/form"} {
		if w := f.do(request{role: "viewer", path: path}); w.Code != 200 || strings.Contains(w.Body.String(), `id="form-`) {
			t.Errorf("%s: status %d, or the viewer is offered a form", path, w.Code)
		}
	}

	// A reviewer of a county reviews neither it nor its neighbours.
	f.addUser("reviewer9", ziping.RoleReviewer, "990121")
	rv := f.sessionFor("reviewer9")
	id := f.startAssessment(ziping.System, "990102", testFW, 2024)
	if w := f.doAs(rv, http.MethodGet, assessmentURL(id), nil); w.Code != 404 {
		t.Errorf("county reviewer, a neighbour's assessment: %d, want 404", w.Code)
	}
	own := f.startAssessment(ziping.System, "990121", testFW, 2023)
	f.scoreRest(ziping.System, own)
	if err := f.svc.Assess.Submit(f.ctx, ziping.System, own, ""); err != nil {
		t.Fatal(err)
	}
	w := f.doAs(rv, http.MethodPost, assessmentURL(own)+"/return", url.Values{"status": {"submitted"}, "note": {"退回"}})
	if w.Code != 403 {
		t.Errorf("county reviewer returns its own county's assessment: %d, want 403", w.Code)
	}

	// An admin who submitted does not review it.
	aid := f.startAssessment(f.actor("admin"), "990181", testFW, 2024)
	f.scoreRest(f.actor("admin"), aid)
	want(t, "admin submits", f.do(request{role: "admin", method: http.MethodPost, path: assessmentURL(aid) + "/submit", form: url.Values{"status": {"draft"}, "confirm": {"1"}}}), 303)
	want(t, "admin reviews own", f.do(request{role: "admin", method: http.MethodPost, path: assessmentURL(aid) + "/return",
		form: url.Values{"status": {"submitted"}, "note": {"x"}}}), 403, "不能复核自己提交的自评")
	if w := f.do(request{role: "admin", path: assessmentURL(aid)}); strings.Contains(w.Body.String(), `id="return-form"`) {
		t.Errorf("the submitter is offered the review forms")
	}
}

// assessmentMatrix is the authorization matrix of the assessment routes: K2 has a
// draft (with evidence), K3 a published assessment.
func assessmentMatrix(f *fixture, units map[string]string, unitRoute func(string, bool, bool) func(string) []check,
	editRoute func(string, string, url.Values, int, bool) func(string) []check) map[string]func(role string) []check {
	draft := f.startAssessment(ziping.System, units["K2"], testFW, 2024)
	pub := f.publishedAssessment(units["K3"], testFW, 2024)
	evidence := func() string {
		e, err := f.svc.Assess.AddEvidence(f.ctx, ziping.System, draft, assess.EvidenceInput{Point: manualCode, FileName: "a.pdf", Data: tinyPDF})
		if err != nil {
			f.t.Fatal(err)
		}
		return strconv.FormatInt(e.ID, 10)
	}
	ev := evidence()
	// by: the status for each role (anon: the login redirect or 401).
	by := func(method, path string, form url.Values, st map[string]int) func(role string) []check {
		return func(role string) []check {
			c := check{req: request{role: role, method: method, path: path, form: form}, status: st[role]}
			if role == "anon" && c.status != http.StatusUnauthorized {
				c.status, c.location = http.StatusSeeOther, "/login"
			}
			return []check{c}
		}
	}
	both := func(fns ...func(string) []check) func(string) []check {
		return func(role string) []check {
			var out []check
			for _, fn := range fns {
				out = append(out, fn(role)...)
			}
			return out
		}
	}
	d, p := assessmentURL(draft), assessmentURL(pub)
	seeDraft := map[string]int{"admin": 200, "reviewer": 200, "filler": 200, "school": 404, "viewer": 404}
	seePublished := map[string]int{"admin": 200, "reviewer": 200, "filler": 404, "school": 404, "viewer": 200}
	pointRoute := func(suffix string) func(string) []check {
		return both(by(http.MethodGet, d+"/points/17"+suffix, nil, seeDraft), by(http.MethodGet, p+"/points/V1"+suffix, nil, seePublished),
			by(http.MethodGet, d+"/points/99"+suffix, nil, map[string]int{"admin": 404, "reviewer": 404, "filler": 404, "school": 404, "viewer": 404}))
	}
	unitEdit := map[string]int{"admin": 400, "filler": 400, "reviewer": 403, "school": 404, "viewer": 404}
	review := map[string]int{"admin": 409, "reviewer": 409, "filler": 403, "school": 404, "viewer": 404}
	seen := url.Values{"status": {"bogus"}, "note": {"说明"}}
	sure := url.Values{"status": {"bogus"}, "note": {"说明"}, "confirm": {"1"}}
	withdraw := map[string]int{"admin": 409, "filler": 409, "reviewer": 403, "school": 404, "viewer": 404}
	unpublish := map[string]int{"admin": 409, "reviewer": 409, "filler": 404, "school": 404, "viewer": 403}
	return map[string]func(role string) []check{
		// Counties and schools are assessed (a school against 学校办学质量); the
		// province and the city, which no framework assesses, have no list (404).
		"GET /units/{code}/assessments":  notAssessed(units, unitRoute("/assessments", false, false)),
		"POST /units/{code}/assessments": notAssessed(units, editRoute(http.MethodPost, "/assessments", url.Values{"fw": {testFW}, "period": {"abc"}}, http.StatusBadRequest, false)),
		"GET /assessments/{id}": both(
			by(http.MethodGet, d, nil, map[string]int{"admin": 200, "reviewer": 200, "filler": 200, "school": 404, "viewer": 404}),
			by(http.MethodGet, p, nil, map[string]int{"admin": 200, "reviewer": 200, "filler": 404, "school": 404, "viewer": 200})),
		"POST /assessments/{id}/points/{point}": both(
			by(http.MethodPost, d+"/points/17", url.Values{"side": {"self"}, "score": {"99"}, "justification": {"x"}}, unitEdit),
			by(http.MethodPost, d+"/points/17", url.Values{"side": {"review"}, "score": {"1"}, "justification": {"x"}}, review)),
		// A point's page and its details alone: whoever sees the assessment; an
		// unknown point is 404 to everyone who does.
		"GET /assessments/{id}/points/{point}":      pointRoute(""),
		"GET /assessments/{id}/points/{point}/form": pointRoute("/form"),
		"POST /assessments/{id}/evidence":           by(http.MethodPost, d+"/evidence", url.Values{"point": {"17"}}, unitEdit),
		"GET /evidence/{id}": by(http.MethodGet, "/evidence/"+ev, nil,
			map[string]int{"anon": 401, "admin": 200, "reviewer": 200, "filler": 200, "school": 404, "viewer": 404}),
		"POST /evidence/{id}/remove": func(role string) []check {
			return by(http.MethodPost, "/evidence/"+evidence()+"/remove", nil,
				map[string]int{"admin": 303, "filler": 303, "reviewer": 403, "school": 404, "viewer": 404})(role)
		},
		"POST /evidence/{id}/confirm": by(http.MethodPost, "/evidence/"+ev+"/confirm", nil,
			map[string]int{"admin": 409, "filler": 409, "reviewer": 403, "school": 404, "viewer": 404}),
		"POST /assessments/{id}/submit": by(http.MethodPost, d+"/submit", seen,
			map[string]int{"admin": 409, "filler": 409, "reviewer": 403, "school": 404, "viewer": 404}),
		"POST /assessments/{id}/return":  by(http.MethodPost, d+"/return", seen, review),
		"POST /assessments/{id}/accept":  by(http.MethodPost, d+"/accept", seen, review),
		"POST /assessments/{id}/publish": by(http.MethodPost, p+"/publish", seen, map[string]int{"admin": 409, "reviewer": 409, "filler": 404, "school": 404, "viewer": 403}),
		// Withdraw, unpublish and bulk confirm: asked first (no confirm) and done
		// (confirm=1), each refused alike.
		"POST /assessments/{id}/withdraw": both(by(http.MethodPost, d+"/withdraw", seen, withdraw), by(http.MethodPost, d+"/withdraw", sure, withdraw)),
		"POST /assessments/{id}/unpublish": both(by(http.MethodPost, p+"/unpublish", seen, unpublish),
			by(http.MethodPost, p+"/unpublish", sure, unpublish)),
		"POST /assessments/{id}/carried": both(by(http.MethodPost, d+"/carried", nil, unitEdit),
			by(http.MethodPost, d+"/carried", url.Values{"item": {"e:" + ev}, "confirm": {"1"}},
				map[string]int{"admin": 404, "filler": 404, "reviewer": 403, "school": 404, "viewer": 404})),
	}
}

// notAssessed turns the allowed requests of rows to the province's and the city's
// units into 404s: no framework assesses them.
func notAssessed(units map[string]string, rows func(string) []check) func(string) []check {
	return func(role string) []check {
		out := rows(role)
		for i, c := range out {
			for _, key := range []string{"P", "C"} {
				if strings.HasPrefix(c.req.path, "/units/"+units[key]+"/") && c.status != http.StatusForbidden && c.location == "" {
					out[i].status = http.StatusNotFound
				}
			}
		}
		return out
	}
}

// TestAssessmentFromLastYear: an assessment started from last year's carries its
// scores and evidence marked 待确认; submitting waits until each is confirmed.
func TestAssessmentFromLastYear(t *testing.T) {
	f := newFixture(t, 60)
	a := f.actor("filler")
	last := f.startAssessment(a, "990102", testFW, 2023)
	four := 4.0
	if _, err := f.svc.Assess.ScorePoint(f.ctx, a, last, assess.ScoreInput{Side: "self", Code: manualCode, Score: &four, Justification: "上年说明"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Assess.AddEvidence(f.ctx, a, last, assess.EvidenceInput{Point: manualCode, Title: "上年方案", FileName: "a.pdf", Data: tinyPDF}); err != nil {
		t.Fatal(err)
	}
	w := f.do(request{role: "filler", method: http.MethodPost, path: "/units/990102/assessments",
		form: url.Values{"fw": {testFW}, "period": {"2024"}, "from_last": {"1"}}})
	want(t, "start from last year", w, 303)
	page := w.Header().Get("Location")
	id, _ := strconv.ParseInt(strings.TrimPrefix(page, "/assessments/"), 10, 64)
	f.scoreRest(a, id)
	w = f.do(request{role: "filler", path: page})
	want(t, "page", w, 200, "待确认", "测评点17的评分沿用自上年，尚未确认", "证明材料「上年方案」沿用自上年，尚未确认")
	w = f.do(request{role: "filler", path: page + "/points/17"})
	want(t, "point", w, 200, ">确认</button>", "上年说明", "上年方案")
	evs, _ := f.svc.Store.EvidenceOf(f.ctx, id)
	if len(evs) != 1 || !evs[0].ToConfirm {
		t.Fatalf("copied evidence %+v", evs)
	}
	want(t, "confirm evidence", f.do(request{role: "filler", method: http.MethodPost, path: "/evidence/" + strconv.FormatInt(evs[0].ID, 10) + "/confirm"}), 303)
	v := formVersion(t, w.Body.String(), "form-s-17")
	want(t, "confirm score", f.do(request{role: "filler", method: http.MethodPost, path: page + "/points/17",
		form: url.Values{"side": {"self"}, "version": {v}, "score": {"4"}, "justification": {"上年说明"}}}), 303)
	if ps := f.pointScore(id, "self", manualCode); ps == nil || ps.ToConfirm {
		t.Fatalf("score after confirming %+v", ps)
	}
	want(t, "submit", f.do(request{role: "filler", method: http.MethodPost, path: page + "/submit", form: url.Values{"status": {"draft"}, "confirm": {"1"}}}), 303)
}
