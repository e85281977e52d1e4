package web

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"ziping"
	"ziping/dataset"
	"ziping/docx"
	"ziping/servicetest"
	"ziping/sqlite"
	"ziping/synth"
	"ziping/xlsx"
)

// The web side of issue 9: imports that cannot touch another unit's schools,
// uploads kept in the database, bounded previews, the users page and the password
// form.

// schoolBook is an .xlsx of the generated 2024 rows that keep returns true for,
// each edited by fix.
func schoolBook(t *testing.T, keep func(h []string, row []any) bool, fix func(h []string, row []any)) []byte {
	t.Helper()
	st, _ := synth.Generate(synth.Config{Counties: 3, Schools: 60, Seed: 5})
	year := slices.Index(st.Header, "年度")
	out := xlsx.Table{Header: st.Header}
	for _, row := range st.Rows {
		if fmt.Sprint(row[year]) == "2024" && keep(st.Header, row) {
			if fix != nil {
				fix(st.Header, row)
			}
			out.Rows = append(out.Rows, row)
		}
	}
	if len(out.Rows) == 0 {
		t.Fatal("schoolBook: no row kept")
	}
	var b bytes.Buffer
	if err := xlsx.WriteXLSX(&b, []xlsx.Table{out}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func cell(h []string, row []any, name string) string { return fmt.Sprint(row[slices.Index(h, name)]) }

func setCell(h []string, row []any, name string, v any) { row[slices.Index(h, name)] = v }

// TestImportOwnership: the import refuses, for the 学校代码 cell, any school that
// belongs to another county, whoever imports; the school keeps its county and its
// numbers. Before issue 9 the row was upserted with the importer's county: the
// filler of 990102 moved a school of 990121 into 990102 with 1 student, and a school
// filler pushed its row into another county.
func TestImportOwnership(t *testing.T) {
	f := newFixture(t, 60)
	k3School := f.schoolOf("990121")
	k2, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	k3, _ := f.svc.Store.UnitByCode(f.ctx, "990121")
	before := f.state(t)
	k3Rows := func() []ziping.SchoolRecord {
		rows, _, err := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{k3.ID}, Period: 2024, Search: k3School})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	was := k3Rows()
	// The filler of 990102 (or an admin) brings a row of 990102 naming a school of
	// 990121, with 1 student.
	stealing := schoolBook(t, func(h []string, row []any) bool { return cell(h, row, "区县代码") == "990102" }, nil)
	stealing = schoolBook(t, func(h []string, row []any) bool { return cell(h, row, "区县代码") == "990102" }, func(h []string, row []any) {
		if cell(h, row, "学校代码") == firstCode(t, stealing) {
			setCell(h, row, "学校代码", k3School)
			setCell(h, row, "在校生数", 1)
		}
	})
	// The filler of a school of 990102 brings its own row under 990121, 49,999 students.
	pushing := schoolBook(t, func(h []string, row []any) bool { return cell(h, row, "学校代码") == f.school }, func(h []string, row []any) {
		setCell(h, row, "区县代码", "990121")
		setCell(h, row, "区县名称", k3.Name)
		setCell(h, row, "在校生数", 49999)
	})
	for _, tc := range []struct {
		name, role, path string
		data             []byte
		want             string
	}{
		{"county filler takes another county's school", "filler", "/units/990102/import", stealing,
			"学校代码" + k3School + "属于" + k3.Name + "，不能由" + k2.Name + "导入"},
		{"an admin cannot move a school by import either", "admin", "/units/990102/import", stealing,
			"学校代码" + k3School + "属于" + k3.Name + "，不能由" + k2.Name + "导入"},
		{"school filler pushes its row into another county", "school", "/units/" + f.school + "/import", pushing,
			"学校代码" + f.school + "属于" + k2.Name + "，不能由" + k3.Name + "导入"},
	} {
		w := f.upload(uploadReq{role: tc.role, path: tc.path, file: "学校.xlsx", data: tc.data})
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || uploadID.MatchString(body) {
			t.Errorf("%s: %d; want 422 naming %q\n%.3000s", tc.name, w.Code, tc.want, body)
		}
		// The cell is named like any bad cell: file, sheet, row, column.
		if !strings.Contains(body, "<td>学校.xlsx</td>") || !strings.Contains(body, "学校代码</td>") {
			t.Errorf("%s: the error does not name the file and the column", tc.name)
		}
		f.unchanged(t, tc.name, before)
	}
	if now := k3Rows(); len(now) != len(was) || len(now) == 0 || now[0].UnitID != k3.ID || now[0].Values["students"] != was[0].Values["students"] {
		t.Errorf("the school of 990121 after the refused imports: %+v; was %+v", now, was)
	}
}

// firstCode is the first school code of an .xlsx made by schoolBook.
func firstCode(t *testing.T, data []byte) string {
	t.Helper()
	ds, err := xlsx.ReadFrom([]xlsx.Input{{Name: "x.xlsx", R: bytes.NewReader(data), Size: int64(len(data))}}, xlsx.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds.Periods[ds.Latest()].Schools.Code[0]
}

// TestImportCellLimits: a 250-character name and a number far beyond any school are
// refused cell by cell. Before issue 9 a 19 MiB 学校名称 was stored, and the county
// page then weighed 20 MB for everyone.
func TestImportCellLimits(t *testing.T) {
	f := newFixture(t, 60)
	before := f.state(t)
	n := 0
	data := schoolBook(t, func(h []string, row []any) bool { return cell(h, row, "区县代码") == "990102" }, func(h []string, row []any) {
		n++
		switch n {
		case 1:
			setCell(h, row, "学校名称", strings.Repeat("长", 250))
		case 2:
			setCell(h, row, "学校代码", strings.Repeat("9", 40))
		case 3:
			setCell(h, row, "在校生数", 99999999)
		}
	})
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校.xlsx", data: data})
	body := w.Body.String()
	for _, want := range []string{"学校名称不能超过200个字符", "学校代码不能超过32个字符", "超出合理范围（应在0至50000人之间）"} {
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("%d; want 422 with %q", w.Code, want)
		}
	}
	f.unchanged(t, "an import with cells over the limits", before)
}

// TestImportPeriodOnly: with a 年度 given, only that year's rows are imported, and
// the preview says which were left out. Before issue 9 `import --period 2024` (and
// the form's 年度) imported the file's 2023 rows too.
func TestImportPeriodOnly(t *testing.T) {
	f := newFixture(t, 60)
	st, _ := synth.Generate(synth.Config{Counties: 3, Schools: 60, Seed: 5})
	county := slices.Index(st.Header, "区县代码")
	out := xlsx.Table{Header: st.Header}
	years := map[string]int{}
	for _, row := range st.Rows {
		if fmt.Sprint(row[county]) == "990102" {
			out.Rows = append(out.Rows, row)
			years[fmt.Sprint(row[slices.Index(st.Header, "年度")])]++
		}
	}
	if years["2023"] == 0 || years["2024"] == 0 {
		t.Fatalf("the generated file lacks a year: %v", years)
	}
	var b bytes.Buffer
	if err := xlsx.WriteXLSX(&b, []xlsx.Table{out}); err != nil {
		t.Fatal(err)
	}
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "两年.xlsx", data: b.Bytes(), fields: map[string]string{"period": "2024"}})
	id := previewID(t, w)
	if want := "2023年度"; !strings.Contains(w.Body.String(), want) || !strings.Contains(w.Body.String(), "只导入2024年度的数据") ||
		!strings.Contains(w.Body.String(), "已忽略") {
		t.Errorf("the preview does not say the 2023 rows are left out (%s):\n%s", want, w.Body.String())
	}
	w = f.do(request{role: "filler", method: http.MethodPost, path: "/units/990102/import/confirm", form: url.Values{"upload": {id}}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", w.Code, w.Body.String())
	}
	es, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Action: "import", Limit: 1})
	if err != nil || len(es) != 1 || !strings.Contains(es[0].New, `"period":2024`) {
		t.Fatalf("last import: %+v, %v", es, err)
	}
	imports, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Action: "import", UserID: es[0].UserID})
	if err != nil || len(imports) != 1 {
		t.Errorf("the filler's imports: %d batches, %v; want one (2024 only)", len(imports), err)
	}
}

// secondServer is another instance on the fixture's database: its own connections,
// service and server, as a second `ziping serve` process behind a load balancer.
func (f *fixture) secondServer(t *testing.T) http.Handler {
	t.Helper()
	st, err := sqlite.Open(f.ctx, f.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := servicetest.Wire(st, servicetest.FastHasher(), f.clock.now)
	srv, err := New(webServices(svc), slog.New(slog.NewTextHandler(io.Discard, nil)), Options{ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter})
	if err != nil {
		t.Fatal(err)
	}
	return srv.Handler()
}

// TestConfirmOnAnotherInstance: the preview is kept in the database, so that the
// confirmation may reach another instance. Before issue 9 previews lived in each
// instance's temporary folder, and a confirmation on another answered
// 上传的文件不存在或已过期.
func TestConfirmOnAnotherInstance(t *testing.T) {
	f := newFixture(t, 60)
	other := f.secondServer(t)
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校.xlsx", data: countyBook(t, 60, nil, "990102")})
	id := previewID(t, w)
	s := f.login("filler", false)
	form := url.Values{"upload": {id}, csrfField: {s.csrf}}
	req := httptest.NewRequest(http.MethodPost, "/units/990102/import/confirm", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header["Cookie"] = withCookie(nil, sessionCookie, s.token)["Cookie"]
	rec := httptest.NewRecorder()
	other.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/units/990102?period=2024" {
		t.Errorf("confirm on the other instance: %d %q\n%.2000s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
}

// TestUploadQuota: a user may keep only so many uploads waiting for confirmation.
// Before issue 9 ten 19.5 MiB previews put 195 MiB in the upload folder.
func TestUploadQuota(t *testing.T) {
	f := newFixture(t, 60)
	f.svc.Data.Uploads = dataset.UploadLimits{PerUser: 2}
	data := countyBook(t, 60, nil, "990102")
	for i := range 2 {
		previewID(t, f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: fmt.Sprintf("学校%d.xlsx", i), data: data}))
	}
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校3.xlsx", data: data})
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "在等待确认导入") || uploadID.MatchString(w.Body.String()) {
		t.Errorf("a third waiting upload: %d\n%.2000s", w.Code, w.Body.String())
	}
	// Another user has a quota of its own.
	previewID(t, f.upload(uploadReq{role: "admin", path: "/units/990102/import", file: "学校.xlsx", data: data}))
	// Uploads expire: then there is room again.
	f.clock.add(31 * time.Minute)
	previewID(t, f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校4.xlsx", data: data}))
}

// TestPreviewCap: previews read at once are bounded; one that finds no turn in time
// gets 429.
func TestPreviewCap(t *testing.T) {
	f := newFixture(t, 60)
	f.srv.previews = newPreviewSlots(1, 20*time.Millisecond)
	release, err := f.srv.previews.acquire(f.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校.xlsx", data: countyBook(t, 60, nil, "990102")})
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "同时预览的文件太多") {
		t.Errorf("a preview with no slot free: %d", w.Code)
	}
	release()
	previewID(t, f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校.xlsx", data: countyBook(t, 60, nil, "990102")}))
}

// TestUsersPage: an admin sees who is locked and unlocks, disables and enables from
// the browser; disabling ends the user's session at once. Before issue 9 only the
// command line could unlock, and nothing could disable a user or end its sessions.
func TestUsersPage(t *testing.T) {
	f := newFixture(t, 60)
	for range 5 {
		f.postLogin(t, "10.0.0.9", "viewer3", "attacker-guess-1")
	}
	page := f.do(request{role: "admin", method: http.MethodGet, path: "/admin/users"}).Body.String()
	if !strings.Contains(page, `id="user-viewer3"`) || !strings.Contains(page, "锁定至") || !strings.Contains(page, "/admin/users/viewer3/unlock") {
		t.Fatalf("the users page does not show viewer3 locked with an unlock button")
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/viewer3/unlock"}); w.Code != http.StatusSeeOther {
		t.Fatalf("unlock: %d", w.Code)
	}
	if w := f.postLogin(t, "10.0.0.9", "viewer3", password("viewer3")); w.Code != http.StatusSeeOther {
		t.Errorf("sign-in after the unlock: %d", w.Code)
	}
	viewer := f.login("viewer", false)
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/viewer3/disable"}); w.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d", w.Code)
	}
	w := f.do(request{method: http.MethodGet, path: "/units/990121", header: withCookie(nil, sessionCookie, viewer.token)})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("the disabled user's open session: %d %q; want sent to sign in", w.Code, w.Header().Get("Location"))
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/nosuch/disable"}); w.Code != http.StatusNotFound {
		t.Errorf("disabling no user: %d", w.Code)
	}
	if w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/users/viewer3/enable"}); w.Code != http.StatusSeeOther {
		t.Errorf("enable: %d", w.Code)
	}
	delete(f.sessions, "viewer")
	if w := f.do(request{role: "viewer", method: http.MethodGet, path: "/units/990121"}); w.Code != http.StatusOK {
		t.Errorf("the enabled user: %d", w.Code)
	}
}

// TestSchoolMovePage: the admin's explicit move, the only way a school changes
// county, audited; afterwards the new county's filler may import it.
func TestSchoolMovePage(t *testing.T) {
	f := newFixture(t, 60)
	school := f.schoolOf("990121")
	w := f.do(request{role: "admin", method: http.MethodPost, path: "/admin/schools/move", form: url.Values{"school": {school}, "to": {"990102"}}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/units/990102" {
		t.Fatalf("move: %d %q\n%.2000s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	e := f.lastAuditOf(t, "school_move")
	if !strings.Contains(e.Old, "990121") || !strings.Contains(e.New, "990102") {
		t.Errorf("audit of the move: %+v", e)
	}
	k2, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	rows, _, err := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{k2.ID}, Search: school})
	if err != nil || len(rows) == 0 {
		t.Errorf("the moved school's rows under 990102: %d, %v", len(rows), err)
	}
	if w := f.do(request{role: "filler", method: http.MethodPost, path: "/admin/schools/move", form: url.Values{"school": {school}, "to": {"990121"}}}); w.Code != http.StatusForbidden {
		t.Errorf("a filler moving a school: %d", w.Code)
	}
}

func (f *fixture) lastAuditOf(t *testing.T, action string) ziping.AuditEntry {
	t.Helper()
	es, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Action: action, Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("no %s audit entry: %v", action, err)
	}
	return es[0]
}

// TestPasswordPage: a user changes its password in the browser; its other sessions
// end, this one stays; the policy and the current password are checked.
func TestPasswordPage(t *testing.T) {
	f := newFixture(t, 60)
	other := f.login("filler", true)
	post := func(cur, next, again string) *httptest.ResponseRecorder {
		return f.do(request{role: "filler", method: http.MethodPost, path: "/account/password",
			form: url.Values{"current": {cur}, "new": {next}, "again": {again}}})
	}
	for _, tc := range []struct{ cur, next, again, want string }{
		{"wrong-current-1", "a-long-new-secret", "a-long-new-secret", "当前密码不正确"},
		{password("county2"), "a-long-new-secret", "another-secret-1", "两次输入的新密码不一致"},
		{password("county2"), "password123", "password123", "这个密码太常见"},
		{password("county2"), "county2-is-me", "county2-is-me", "不能包含用户名"},
	} {
		if w := post(tc.cur, tc.next, tc.again); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%q: %d; want 400 with %q", tc.want, w.Code, tc.want)
		}
	}
	if w := post(password("county2"), "a-long-new-secret", "a-long-new-secret"); w.Code != http.StatusSeeOther {
		t.Fatalf("change: %d\n%.2000s", w.Code, w.Body.String())
	}
	if w := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102"}); w.Code != http.StatusOK {
		t.Errorf("the session that changed the password: %d; want kept", w.Code)
	}
	w := f.do(request{method: http.MethodGet, path: "/units/990102", header: withCookie(nil, sessionCookie, other.token)})
	if w.Code != http.StatusSeeOther {
		t.Errorf("another session of the user after the change: %d; want sent to sign in", w.Code)
	}
}
