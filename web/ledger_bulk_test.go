package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/rectify"
)

// TestLedgerBulk: the ledger's bulk form over HTTP. The county ticks problems and
// assigns them an owner and a deadline through a confirmation that changes nothing;
// the reviewer verifies done problems at once and sends others back. A reviewer
// cannot assign, a filler cannot verify, a problem outside the ledger's unit or the
// actor's scope refuses the whole request, a missing CSRF token is refused, and a
// problem changed between the question and the answer refuses all.
func TestLedgerBulk(t *testing.T) {
	f := newFixture(t, 60)
	as := f.rkAssess(rkFW, "990102", 2023, 0.8, ziping.StatusReviewed)
	ps := f.rkProblems(as)
	if len(ps) < 4 {
		t.Fatalf("%d problems; the test needs 4", len(ps))
	}
	ledger := "/units/990102/problems?fw=" + rkFW + "&period=2023"
	bulk := "/units/990102/problems/bulk?fw=" + rkFW + "&period=2023"
	idOf := func(p ziping.Problem) string { return strconv.FormatInt(p.ID, 10) }
	read := func(p ziping.Problem) *ziping.Problem {
		t.Helper()
		got, err := f.svc.Store.Problem(f.ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	// The filler's ledger has the boxes and the assignment; no verification.
	body := f.do(request{role: "filler", method: http.MethodGet, path: ledger}).Body.String()
	for _, want := range []string{`id="ledger-bulk"`, `form="ledger-bulk"`, `value="` + idOf(ps[0]) + `"`, "分配给所选问题"} {
		if !strings.Contains(body, want) {
			t.Errorf("the filler's ledger lacks %q", want)
		}
	}
	if strings.Contains(body, "所选问题核实通过") {
		t.Error("the filler's ledger offers verification")
	}
	// Nothing is done yet: the reviewer has nothing to tick.
	if body := f.do(request{role: "reviewer", method: http.MethodGet, path: ledger}).Body.String(); strings.Contains(body, `form="ledger-bulk"`) {
		t.Error("the reviewer may tick problems that are not done")
	}

	three := url.Values{"action": {rectify.BulkAssign}, "owner": {"县教育局基建股"}, "deadline": {"2024-09-30"},
		"id": {idOf(ps[0]), idOf(ps[1]), idOf(ps[2])}}
	for _, role := range roles[1:] {
		f.login(role, false) // signing in is audited: before counting
	}
	seq := f.lastSeq()
	f.run(t, []scenario{
		{"anon", "anon", http.MethodPost, bulk, three, http.StatusSeeOther, nil},
		{"a reviewer assigns", "reviewer", http.MethodPost, bulk, three, http.StatusForbidden, []string{"无权分配"}},
		{"a school's user", "school", http.MethodPost, bulk, three, http.StatusForbidden, nil},
		{"another county's problems on its own ledger", "viewer", http.MethodPost, "/units/990121/problems/bulk?fw=" + rkFW, three, http.StatusNotFound, []string{"未修改任何问题"}},
		{"a problem outside the ledger's unit", "admin", http.MethodPost, "/units/990121/problems/bulk?fw=" + rkFW, three, http.StatusNotFound, nil},
		{"a filler verifies", "filler", http.MethodPost, bulk, url.Values{"action": {rectify.BulkVerify}, "id": three["id"]}, http.StatusForbidden, nil},
		// Refused in place: the ledger again with the reason and the boxes ticked.
		{"nothing ticked", "filler", http.MethodPost, bulk, url.Values{"action": {rectify.BulkAssign}, "owner": {"x"}}, http.StatusBadRequest, []string{"请先勾选问题", `id="ledger-table"`}},
		{"a bad date", "filler", http.MethodPost, bulk, url.Values{"action": {rectify.BulkAssign}, "deadline": {"2024-13-01"}, "id": {idOf(ps[0])}}, http.StatusBadRequest,
			[]string{"不是有效日期", `value="` + idOf(ps[0]) + `" form="ledger-bulk" aria-label="选择问题` + idOf(ps[0]) + `" id="pick-` + idOf(ps[0]) + `" checked`}},
		{"a reviewer verifies problems not done", "reviewer", http.MethodPost, bulk, url.Values{"action": {rectify.BulkVerify}, "id": three["id"]}, http.StatusBadRequest, []string{"整改完成后才能核实", `id="ledger-bulk-message"`}},
	})
	if w := f.do(request{role: "filler", method: http.MethodPost, path: bulk, form: three, noCSRF: true}); w.Code != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", w.Code)
	}
	if got := f.lastSeq(); got != seq {
		t.Fatalf("refused requests wrote %d audit entries", got-seq)
	}

	// The question names each problem and what changes; nothing changes yet.
	w := f.do(request{role: "filler", method: http.MethodPost, path: bulk, form: three})
	body = w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("question: %d %s", w.Code, body)
	}
	for _, want := range []string{"确认批量分配整改责任", "责任人（责任单位）设为「县教育局基建股」", "整改时限设为2024-09-30", "问题" + idOf(ps[2]),
		"确认分配这3个问题", `name="confirm" value="1"`, `name="version" value="` + strconv.FormatInt(ps[1].Version, 10) + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the question lacks %q", want)
		}
	}
	if read(ps[0]).Owner != "" || f.lastSeq() != seq {
		t.Fatal("the question changed something")
	}
	// The answer, as the confirmation posts it.
	answer := func(form url.Values, list []ziping.Problem) url.Values {
		out := url.Values{"confirm": {"1"}}
		for k, v := range form {
			if k != "id" {
				out[k] = v
			}
		}
		for _, p := range list {
			out.Add("id", idOf(p))
			out.Add("version", strconv.FormatInt(read(p).Version, 10))
		}
		return out
	}
	stale := answer(three, ps[:3])
	stale["version"][2] = "99"
	if w := f.do(request{role: "filler", method: http.MethodPost, path: bulk, form: stale}); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已被他人修改") {
		t.Fatalf("stale answer: %d", w.Code)
	}
	if read(ps[0]).Owner != "" {
		t.Fatal("a refused answer changed the first problem")
	}
	// From a filtered ledger: back to it, filtered as it was.
	w = f.do(request{role: "filler", method: http.MethodPost, path: bulk + "&status=open&owner=", form: answer(three, ps[:3])})
	if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/units/990102/problems?") || !strings.Contains(loc, "status=open") {
		t.Fatalf("answer: %d %q", w.Code, w.Header().Get("Location"))
	}
	for _, p := range ps[:3] {
		if got := read(p); got.Owner != "县教育局基建股" || problemDate(got.Deadline) != "2024-09-30" {
			t.Errorf("problem %d after assign: %q %s", p.ID, got.Owner, problemDate(got.Deadline))
		}
	}
	if read(ps[3]).Owner != "" {
		t.Error("an unticked problem was assigned")
	}
	if got := f.lastSeq(); got != seq+3 {
		t.Errorf("%d audit entries for 3 problems", got-seq)
	}
	body = f.do(request{role: "filler", method: http.MethodGet, path: ledger}).Body.String()
	if strings.Count(body, "县教育局基建股") < 3 {
		t.Error("the ledger does not show the owners")
	}

	// Done, then verified two at once and the others sent back with one reason.
	filler := f.rkActor("filler")
	for _, p := range ps[:4] {
		cur := read(p)
		if _, err := f.svc.Rectify.UpdateProblem(f.ctx, filler, p.ID, rectify.ProblemUpdate{Measures: "已整改", Owner: cur.Owner,
			Deadline: cur.Deadline, Status: ziping.ProblemDone, Version: cur.Version}); err != nil {
			t.Fatal(err)
		}
	}
	verify := url.Values{"action": {rectify.BulkVerify}, "id": {idOf(ps[0]), idOf(ps[1])}}
	if body := f.do(request{role: "reviewer", method: http.MethodPost, path: bulk, form: verify}).Body.String(); !strings.Contains(body, "确认批量核实通过") ||
		!strings.Contains(body, "已完成 → 已验收") {
		t.Error("the verification's question does not say what changes")
	}
	if w := f.do(request{role: "filler", method: http.MethodPost, path: bulk, form: answer(verify, ps[:2])}); w.Code != http.StatusForbidden {
		t.Errorf("a filler answers a verification: %d", w.Code)
	}
	if w := f.do(request{role: "reviewer", method: http.MethodPost, path: bulk, form: answer(verify, ps[:2])}); w.Code != http.StatusSeeOther {
		t.Fatalf("verify: %d %s", w.Code, w.Body.String())
	}
	back := url.Values{"action": {rectify.BulkReturn}, "reason": {"佐证材料不全"}, "id": {idOf(ps[2]), idOf(ps[3])}}
	if w := f.do(request{role: "reviewer", method: http.MethodPost, path: bulk, form: answer(back, ps[2:4])}); w.Code != http.StatusSeeOther {
		t.Fatalf("return: %d %s", w.Code, w.Body.String())
	}
	for i, p := range ps[:4] {
		want := ziping.ProblemVerified
		if i >= 2 {
			want = ziping.ProblemInProgress
		}
		if got := read(p); got.Status != want || (i >= 2 && got.Note != "佐证材料不全") {
			t.Errorf("problem %d: %s %q; want %s", i, got.Status, got.Note, want)
		}
	}
}

// lastSeq is the newest audit entry's number.
func (f *fixture) lastSeq() int64 {
	f.t.Helper()
	es, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Limit: 1})
	if err != nil || len(es) == 0 {
		f.t.Fatalf("audit: %v", err)
	}
	return es[0].Seq
}

// ledgerBulkMatrix is the bulk form's row of the authorization matrix: ticking a
// problem of K2 to assign it asks the question for the county and the admin; the
// reviewer may not assign, and who cannot see K2 is refused at the unit.
func ledgerBulkMatrix(f *fixture) map[string]func(role string) []check {
	k2, err := f.svc.Store.UnitByCode(f.ctx, "990102")
	if err != nil {
		f.t.Fatal(err)
	}
	ps, err := f.svc.Store.Problems(f.ctx, ziping.ProblemQuery{UnitPath: k2.Path, Framework: rkFW})
	if err != nil || len(ps) == 0 {
		f.t.Fatalf("no problem of 990102: %v", err)
	}
	form := url.Values{"action": {rectify.BulkAssign}, "owner": {"矩阵"}, "id": {strconv.FormatInt(ps[0].ID, 10)}}
	return map[string]func(role string) []check{
		ledgerBulkRoute: func(role string) []check {
			c := check{req: request{role: role, method: http.MethodPost, path: "/units/990102/problems/bulk?fw=" + rkFW, form: form}}
			switch role {
			case "anon":
				c.status, c.location = http.StatusSeeOther, "/login"
			case "admin", "filler":
				c.status = http.StatusOK // the question; nothing changes
			default:
				c.status = http.StatusForbidden
			}
			return []check{c}
		},
	}
}
