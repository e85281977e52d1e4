package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
)

// schoolFW is the school framework the school tests use.
const schoolFW = "xxbxzl-2021"

// compulsorySchools are the codes and names of the schools of county whose every
// stage row is 小学 or 初中 (the schools 学校办学质量 assesses), with plain names, in
// code order.
func (f *fixture) compulsorySchools(county string) [][2]string {
	f.t.Helper()
	c, err := f.svc.Store.UnitByCode(f.ctx, county)
	if err != nil {
		f.t.Fatal(err)
	}
	rows, _, err := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{c.ID}, Period: 2024, Sort: "code", Limit: 1 << 20})
	if err != nil {
		f.t.Fatal(err)
	}
	ok, names := map[string]bool{}, map[string]string{}
	var codes []string
	for _, r := range rows {
		if _, seen := ok[r.Code]; !seen {
			codes, ok[r.Code] = append(codes, r.Code), true
		}
		names[r.Code] = r.Name
		if r.Stage != "小学" && r.Stage != "初中" || strings.Contains(r.Type, "特殊") || strings.ContainsAny(r.Name, "<'%") {
			ok[r.Code] = false
		}
	}
	var out [][2]string
	for _, code := range codes {
		if ok[code] {
			out = append(out, [2]string{code, names[code]})
		}
	}
	if len(out) < 2 {
		f.t.Fatalf("county %s has %d compulsory schools", county, len(out))
	}
	return out
}

// compulsorySchool is the first of compulsorySchools.
func (f *fixture) compulsorySchool(county string) (string, string) {
	s := f.compulsorySchools(county)[0]
	return s[0], s[1]
}

// actorOf is the actor of a user signed in through the accounts service.
func (f *fixture) actorOf(user string) *ziping.Actor {
	f.t.Helper()
	a, _, err := f.svc.Accounts.Authenticate(f.ctx, f.sessionFor(user).token, "127.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// uploadIn posts a multipart form with one file in session s.
func (f *fixture) uploadIn(s session, path string, fields map[string]string, name string, data []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField(csrfField, s.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.token})
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

// schoolState is what a refused request must leave as it was: every assessment of
// ids with its scores and evidence, the problems, and the audit entries other than
// logins and logouts (any change, a new assessment included, writes one).
func (f *fixture) schoolState(ids ...int64) string {
	f.t.Helper()
	var b strings.Builder
	for _, id := range ids {
		as := f.assessment(id)
		fmt.Fprintf(&b, "assessment %d %s round %d version %d note %q updated %d\n", as.ID, as.Status, as.Round, as.Version, as.ReturnNote, as.UpdatedAt.UnixNano())
		scores, err := f.svc.Store.PointScores(f.ctx, id)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, ps := range scores {
			score := "-"
			if ps.Score != nil {
				score = num(*ps.Score)
			}
			triggered := "-"
			if ps.Triggered != nil {
				triggered = strconv.FormatBool(*ps.Triggered)
			}
			fmt.Fprintf(&b, "  %s %s %s %v %s %q v%d\n", ps.Side, ps.Code, score, ps.Checked, triggered, ps.Justification, ps.Version)
		}
		ev, err := f.svc.Store.EvidenceOf(f.ctx, id)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, e := range ev {
			fmt.Fprintf(&b, "  evidence %d %s %s\n", e.ID, e.Point, e.Title)
		}
	}
	problems, err := f.svc.Store.Problems(f.ctx, ziping.ProblemQuery{})
	if err != nil {
		f.t.Fatal(err)
	}
	fmt.Fprintf(&b, "problems %d\n", len(problems))
	es, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 100000})
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Action != "login" && e.Action != "logout" {
			n++
		}
	}
	fmt.Fprintf(&b, "audit %d\n", n)
	return b.String()
}

// TestSchoolDenials: the refusals of the school workflow, each with its status and
// nothing changed in the store. Schools A and B of 黄海区 (990102) and C of 990121:
// A's 2024 self-evaluation is submitted, B's 2024 one published and its 2023 one a
// draft, C's submitted. A school's filler cannot read, score, attach to or submit
// another school's, nor start one for it, nor review its own; it sees neither
// another county's schools nor any ranking; the county's filler cannot review its
// schools; a reviewer of another county cannot see or review them, nor the county's
// reviewer another county's school; the public gets nothing of a school and a
// viewer only what is published. Each refused request is then sent by someone
// allowed, to show that the request itself was sound.
func TestSchoolDenials(t *testing.T) {
	f := newFixture(t, 60)
	k2, k3 := f.compulsorySchools("990102"), f.compulsorySchools("990121")
	a, b, c := k2[0], k2[1], k3[0]
	for _, u := range []struct{ name, role, scope string }{
		{"xiaoxuea", ziping.RoleFiller, a[0]}, {"xiaoxueb", ziping.RoleFiller, b[0]}, {"xiaoxuec", ziping.RoleFiller, c[0]},
		{"duxue102", ziping.RoleReviewer, "990102"}, {"duxue121", ziping.RoleReviewer, "990121"}, {"chakan102", ziping.RoleViewer, "990102"},
	} {
		f.addUser(u.name, u.role, u.scope)
	}
	fillerA, fillerB, fillerC, rev102 := f.actorOf("xiaoxuea"), f.actorOf("xiaoxueb"), f.actorOf("xiaoxuec"), f.actorOf("duxue102")
	start := func(who *ziping.Actor, school string, period int, submit bool) int64 {
		t.Helper()
		id := f.startAssessment(who, school, schoolFW, period)
		if submit {
			f.scoreRest(who, id)
			if err := f.svc.Assess.Submit(f.ctx, who, id, ""); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	asA := start(fillerA, a[0], 2024, true)
	asB := start(fillerB, b[0], 2024, true)
	if err := f.svc.Assess.Accept(f.ctx, rev102, asB, "", "同意"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Assess.Publish(f.ctx, rev102, asB, ""); err != nil {
		t.Fatal(err)
	}
	draftB := start(fillerB, b[0], 2023, false)
	asC := start(fillerC, c[0], 2024, true)
	ev, err := f.svc.Assess.AddEvidence(f.ctx, fillerB, draftB, assess.EvidenceInput{Point: "B1.1", FileName: "议事规则.pdf", Data: tinyPDF})
	if err != nil {
		t.Fatal(err)
	}
	evB := evidenceURL(ev.ID)

	sessions := map[string]session{}
	for _, u := range []string{"xiaoxuea", "xiaoxueb", "xiaoxuec", "duxue102", "duxue121", "chakan102", "county2"} {
		sessions[u] = f.sessionFor(u)
	}
	ids := []int64{asA, asB, draftB, asC}
	selfScore := url.Values{"side": {"self"}, "score": {"3"}, "justification": {"制度健全"}}
	reviewScore := url.Values{"side": {"review"}, "score": {"1"}, "justification": {"记录不完整"}}
	note := url.Values{"note": {"请补充材料"}}
	start25 := url.Values{"fw": {schoolFW}, "period": {"2025"}}
	A, B, B23, C := assessmentURL(asA), assessmentURL(asB), assessmentURL(draftB), assessmentURL(asC)

	type attempt struct {
		name, user, method, path string
		form                     url.Values
		upload                   bool // a multipart form with a PDF
		status                   int
		location                 string // prefix of the redirect, for 303
		// ok is who may send the same request, and the status they get ("" when the
		// request is refused to everyone of the table's kind).
		okUser   string
		okStatus int
	}
	cases := []attempt{
		// A school's filler and another school of its county.
		{"school A reads B's draft", "xiaoxuea", "GET", B23, nil, false, 404, "", "xiaoxueb", 200},
		{"school A reads a point of B's draft", "xiaoxuea", "GET", B23 + "/points/B6.2", nil, false, 404, "", "xiaoxueb", 200},
		{"school A scores B's draft", "xiaoxuea", "POST", B23 + "/points/B6.2", selfScore, false, 404, "", "", 0},
		{"school A attaches evidence to B's draft", "xiaoxuea", "POST", B23 + "/evidence", nil, true, 404, "", "", 0},
		{"school A downloads B's evidence", "xiaoxuea", "GET", evB, nil, false, 404, "", "xiaoxueb", 200},
		{"school A removes B's evidence", "xiaoxuea", "POST", evB + "/remove", nil, false, 404, "", "", 0},
		{"school A submits B's draft", "xiaoxuea", "POST", B23 + "/submit", nil, false, 404, "", "", 0},
		{"school A reads B's published one", "xiaoxuea", "GET", B, nil, false, 404, "", "xiaoxueb", 200},
		{"school A lists B's assessments", "xiaoxuea", "GET", "/units/" + b[0] + "/assessments", nil, false, 403, "", "xiaoxueb", 200},
		{"school A starts one for B", "xiaoxuea", "POST", "/units/" + b[0] + "/assessments", start25, false, 403, "", "", 0},
		// A school's filler and its own submitted self-evaluation.
		{"school A reviews its own", "xiaoxuea", "POST", A + "/points/B6.2", reviewScore, false, 403, "", "", 0},
		{"school A returns its own", "xiaoxuea", "POST", A + "/return", note, false, 403, "", "", 0},
		{"school A accepts its own", "xiaoxuea", "POST", A + "/accept", note, false, 403, "", "", 0},
		// A school's filler and another county.
		{"school A opens a school of 990121", "xiaoxuea", "GET", "/units/" + c[0], nil, false, 403, "", "xiaoxuec", 200},
		{"school A lists its assessments", "xiaoxuea", "GET", "/units/" + c[0] + "/assessments", nil, false, 403, "", "xiaoxuec", 200},
		{"school A reads its self-evaluation", "xiaoxuea", "GET", C, nil, false, 404, "", "xiaoxuec", 200},
		{"school A opens 990121's school ranking", "xiaoxuea", "GET", "/units/990121/school-ranking", nil, false, 403, "", "duxue121", 200},
		{"school A opens its own county's school ranking", "xiaoxuea", "GET", "/units/990102/school-ranking", nil, false, 403, "", "duxue102", 200},
		// The county's filler reviews nothing.
		{"county filler reviews A", "county2", "POST", A + "/points/B6.2", reviewScore, false, 403, "", "", 0},
		{"county filler returns A", "county2", "POST", A + "/return", note, false, 403, "", "", 0},
		{"county filler accepts A", "county2", "POST", A + "/accept", note, false, 403, "", "", 0},
		// Reviewers and the schools of another county.
		{"990121's reviewer reads A", "duxue121", "GET", A, nil, false, 404, "", "duxue102", 200},
		{"990121's reviewer reviews A", "duxue121", "POST", A + "/points/B6.2", reviewScore, false, 404, "", "", 0},
		{"990121's reviewer returns A", "duxue121", "POST", A + "/return", note, false, 404, "", "", 0},
		{"990121's reviewer accepts A", "duxue121", "POST", A + "/accept", note, false, 404, "", "", 0},
		{"990121's reviewer opens 990102's school ranking", "duxue121", "GET", "/units/990102/school-ranking", nil, false, 403, "", "duxue102", 200},
		{"990102's reviewer reviews C", "duxue102", "POST", C + "/points/B6.2", reviewScore, false, 404, "", "", 0},
		{"990102's reviewer returns C", "duxue102", "POST", C + "/return", note, false, 404, "", "", 0},
		{"990102's reviewer accepts C", "duxue102", "POST", C + "/accept", note, false, 404, "", "", 0},
		// The public: nothing of a school without signing in.
		{"the public reads B's published one", "", "GET", B, nil, false, 303, "/login?next=", "chakan102", 200},
		{"the public opens the school ranking", "", "GET", "/units/990102/school-ranking", nil, false, 303, "/login?next=", "chakan102", 200},
		{"the public downloads B's evidence", "", "GET", evB, nil, false, 401, "", "", 0},
		{"the public scores B's draft", "", "POST", B23 + "/points/B6.2", selfScore, false, 303, "/login", "", 0},
		{"the public's notice of a school framework", "", "GET", "/notice/990100?fw=" + schoolFW + "&period=2024", nil, false, 400, "", "", 0},
		// A viewer of the county: what is published only, and nothing to change.
		{"viewer reads A, submitted", "chakan102", "GET", A, nil, false, 404, "", "duxue102", 200},
		{"viewer reads B's draft", "chakan102", "GET", B23, nil, false, 404, "", "xiaoxueb", 200},
		{"viewer downloads B's evidence", "chakan102", "GET", evB, nil, false, 404, "", "xiaoxueb", 200},
		{"viewer reviews A", "chakan102", "POST", A + "/points/B6.2", reviewScore, false, 404, "", "", 0},
		{"viewer unpublishes nothing: publishes B again", "chakan102", "POST", B + "/publish", nil, false, 403, "", "", 0},
	}
	send := func(user string, at attempt) *httptest.ResponseRecorder {
		t.Helper()
		if user == "" {
			return f.do(request{role: "anon", method: at.method, path: at.path, form: at.form})
		}
		if at.upload {
			return f.uploadIn(sessions[user], at.path, map[string]string{"point": "B1.1", "title": "议事规则"}, "议事规则.pdf", tinyPDF)
		}
		return f.doAs(sessions[user], at.method, at.path, at.form)
	}
	// sees: the schools each user may know of.
	sees := map[string][]string{"xiaoxuea": {a[0]}, "county2": {a[0], b[0]}, "duxue102": {a[0], b[0]}, "chakan102": {a[0], b[0]},
		"duxue121": {c[0]}, "xiaoxueb": {b[0]}, "xiaoxuec": {c[0]}}
	for _, at := range cases {
		before := f.schoolState(ids...)
		w := send(at.user, at)
		if w.Code != at.status || !strings.HasPrefix(w.Header().Get("Location"), at.location) {
			t.Errorf("%s: %s %s → %d %q, want %d %q\n%s", at.name, at.method, at.path, w.Code, w.Header().Get("Location"), at.status, at.location, excerpt(w.Body.String()))
		}
		for _, sc := range [][2]string{a, b, c} {
			if !slices.Contains(sees[at.user], sc[0]) && strings.Contains(w.Body.String(), sc[1]) {
				t.Errorf("%s: the refusal names %s, a school %s does not see", at.name, sc[1], at.user)
			}
		}
		if after := f.schoolState(ids...); after != before {
			t.Errorf("%s changed the store:\n%s\nwas\n%s", at.name, after, before)
		}
		if at.okUser != "" {
			if w := send(at.okUser, at); w.Code != at.okStatus {
				t.Errorf("%s: the same request by %s → %d, want %d", at.name, at.okUser, w.Code, at.okStatus)
			}
		}
	}

	// The requests refused above for want of the right are accepted from the right
	// person: B's filler scores and submits its draft, the county's reviewer returns
	// A.
	w := f.doAs(sessions["xiaoxueb"], "POST", B23+"/points/B6.2", selfScore)
	want(t, "B's filler scores its draft", w, 303)
	if ps := f.pointScore(draftB, ziping.SideSelf, "B6.2"); ps == nil || ps.Score == nil || *ps.Score != 3 {
		t.Errorf("B6.2 of B's draft: %+v", ps)
	}
	want(t, "the county's reviewer returns A", f.doAs(sessions["duxue102"], "POST", A+"/return", url.Values{"note": {"请补充材料"}, "confirm": {"1"}}), 303)
	f.wantStatus(asA, ziping.StatusReturned, 1)

	// The viewer's school ranking and assessment list: B (published) only.
	w = f.doAs(sessions["chakan102"], "GET", "/units/990102/school-ranking?fw="+schoolFW+"&period=2024", nil)
	want(t, "viewer's school ranking", w, 200, "仅显示已公布的结果", b[1])
	if row := rankingRowOf(w.Body.String(), a[1]); strings.Contains(row, "已提交") || strings.Contains(row, "已退回") || strings.Contains(row, "/assessments/") {
		t.Errorf("the viewer's ranking shows A's unpublished self-evaluation: %s", row)
	}
	w = f.doAs(sessions["chakan102"], "GET", "/units/"+a[0]+"/assessments", nil)
	want(t, "viewer's list of A", w, 200, "尚未开展自评")
	w = f.doAs(sessions["chakan102"], "GET", "/units/"+b[0]+"/assessments", nil)
	want(t, "viewer's list of B", w, 200, `href="`+B+`"`)
	if strings.Contains(w.Body.String(), `href="`+B23+`"`) || strings.Contains(w.Body.String(), "assessment-start") {
		t.Errorf("the viewer's list of B shows the draft or the start form")
	}
}

// rankingRowOf is the table row of a page that names unit, "" when none.
func rankingRowOf(body, unit string) string {
	for _, row := range strings.Split(body, "<tr") {
		if strings.Contains(row, unit) {
			return row
		}
	}
	return ""
}
