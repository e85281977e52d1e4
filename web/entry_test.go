package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ziping"
	"ziping/engine"
)

const (
	sqlText    = "'; DROP TABLE schools; --"
	scriptText = "<script>alert(1)</script>"
)

func TestSchoolEntry(t *testing.T) {
	f := newFixture(t, 60)
	path := "/units/990102/schools/" + f.school + "/edit?period=2024"
	w := f.do(request{role: "school", method: http.MethodGet, path: path})
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, `id="entry-form"`) || !strings.Contains(body, `id="f-students"`) || !strings.Contains(body, "在校生数（人）") {
		t.Fatalf("school entry form: %d", w.Code)
	}
	before := f.state(t)
	// Hostile text in every field: the numbers and the choices are refused with the
	// importer's messages beside them, and shown back escaped.
	form := url.Values{}
	for _, k := range []string{"name", "stage", "type", "public", "students", "classes", "teachers", "equipment_value"} {
		form.Set(k, scriptText+sqlText)
	}
	w = f.do(request{role: "school", method: http.MethodPost, path: path, form: form})
	body = w.Body.String()
	if w.Code != http.StatusBadRequest || !strings.Contains(body, `id="err-students"`) || !strings.Contains(body, `id="err-stage"`) ||
		!strings.Contains(body, "填写的内容有误，未保存") {
		t.Errorf("hostile values: %d\n%s", w.Code, body)
	}
	if strings.Contains(body, scriptText) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;&#39;; DROP TABLE schools; --") {
		t.Errorf("hostile values are not shown back escaped")
	}
	f.unchanged(t, "a refused entry", before)

	// A good row with a hostile name: stored verbatim, shown escaped, audited.
	form = url.Values{"name": {scriptText + sqlText}, "stage": {"小学"}, "type": {"小学"}, "public": {"公办"}}
	for _, el := range engine.SchoolElements {
		if !el.Derived {
			form.Set(el.ID, "0")
		}
	}
	for k, v := range map[string]string{"students": "480", "students_primary": "480", "students_junior": "", "students_senior": "", "classes": "12", "classes_le45": "12", "teachers": "30"} {
		form.Set(k, v)
	}
	w = f.do(request{role: "school", method: http.MethodPost, path: path, form: form})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("good entry: %d\n%s", w.Code, w.Body.String())
	}
	after := f.state(t)
	if after.audit != before.audit+1 {
		t.Errorf("entry wrote %d audit entries", after.audit-before.audit)
	}
	county, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	rows, _, err := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{county.ID}, Period: 2024, Search: f.school})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.Code == f.school && r.Stage == "小学" {
			found = r.Name == scriptText+sqlText && r.Values["students"] == 480
		}
	}
	if !found {
		t.Errorf("the entered row is not stored verbatim: %+v", rows)
	}
	page := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102?period=2024&q=" + url.QueryEscape("DROP TABLE")}).Body.String()
	if strings.Contains(page, scriptText) || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;&#39;; DROP TABLE schools; --") {
		t.Errorf("the entered name is not shown escaped")
	}
	// Others may not.
	f.run(t, []scenario{
		{"county filler of another county", "filler", "", "/units/990121/schools/" + f.schoolOf("990121") + "/edit?period=2024", nil, 403, []string{"您无权修改该学校的数据"}},
		{"viewer", "viewer", "", "/units/990121/schools/" + f.schoolOf("990121") + "/edit?period=2024", nil, 403, nil},
		{"wrong county", "admin", "", "/units/990121/schools/" + f.school + "/edit?period=2024", nil, 404, nil},
	})
}

func TestFactsEntry(t *testing.T) {
	f := newFixture(t, 60)
	path := "/units/990102/facts/edit?period=2024"
	w := f.do(request{role: "filler", method: http.MethodGet, path: path})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="f-edu_budget"`) || !strings.Contains(w.Body.String(), "万元") {
		t.Fatalf("facts form: %d", w.Code)
	}
	before := f.state(t)
	form := url.Values{}
	for _, k := range []string{"edu_budget", "all_students", "satisfaction", "teacher_salary"} {
		form.Set(k, sqlText+scriptText)
	}
	w = f.do(request{role: "filler", method: http.MethodPost, path: path, form: form})
	body := w.Body.String()
	if w.Code != http.StatusBadRequest || !strings.Contains(body, `id="err-edu_budget"`) || !strings.Contains(body, `id="err-satisfaction"`) || strings.Contains(body, scriptText) {
		t.Errorf("hostile facts: %d\n%s", w.Code, body)
	}
	f.unchanged(t, "refused facts", before)
	if w := f.do(request{role: "filler", method: http.MethodPost, path: path, form: url.Values{"satisfaction": {"150"}}}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `id="err-satisfaction"`) {
		t.Errorf("a percentage over 100: %d", w.Code)
	}
	f.unchanged(t, "an out-of-range percentage", before)
	if w := f.do(request{role: "filler", method: http.MethodPost, path: path, form: url.Values{"edu_budget": {"12345.5"}, "satisfaction": {"93.5"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("good facts: %d\n%s", w.Code, w.Body.String())
	}
	county, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	facts, err := f.svc.Store.Facts(f.ctx, []int64{county.ID}, 2024)
	if err != nil || len(facts) != 1 || facts[0].Values["edu_budget"] != 12345.5 {
		t.Errorf("facts after the entry: %+v %v", facts, err)
	}
	if w := f.do(request{role: "filler", noCSRF: true, method: http.MethodPost, path: path, form: url.Values{"edu_budget": {"1"}}}); w.Code != http.StatusForbidden {
		t.Errorf("facts without a CSRF token: %d", w.Code)
	}
}

func TestAuditPages(t *testing.T) {
	f := newFixture(t, 60)
	// An edit by the county filler, so that there is a data entry to see.
	if w := f.do(request{role: "filler", method: http.MethodPost, path: "/units/990102/facts/edit?period=2024", form: url.Values{"edu_budget": {"100"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("facts entry: %d", w.Code)
	}
	today := f.clock.now().In(ziping.Zone()).Format("2006-01-02")
	f.run(t, []scenario{
		{"admin", "admin", "", "/audit", nil, 200, []string{`id="audit-table"`, "导入数据", "登录", "添加用户", "手工录入", "county2"}},
		{"by user", "admin", "", "/audit?user=county2", nil, 200, []string{"导入数据", "county2"}},
		{"by unit and date", "reviewer", "", "/audit?unit=990102&from=" + today + "&to=" + today, nil, 200, []string{"导入数据"}},
		{"unknown user", "admin", "", "/audit?user=" + url.QueryEscape(scriptText), nil, 200, []string{"没有用户名为「&lt;script&gt;"}},
		{"bad date", "admin", "", "/audit?from=" + url.QueryEscape(sqlText), nil, 400, []string{"起始日期应为"}},
		{"reviewer, unit above", "reviewer", "", "/audit?unit=990000", nil, 403, nil},
		{"filler", "filler", "", "/audit", nil, 403, []string{"只有系统管理员和督导复核人员"}},
		{"verify", "admin", "", "/audit/verify", nil, 200, []string{"完整", "已核对"}},
		{"verify, reviewer", "reviewer", "", "/audit/verify", nil, 403, nil},
	})
	// A day before the entries: nothing.
	yesterday := f.clock.now().Add(-48 * time.Hour).In(ziping.Zone()).Format("2006-01-02")
	f.run(t, []scenario{{"empty range", "admin", "", "/audit?to=" + yesterday, nil, 200, []string{"没有符合条件的记录"}}})
}
