package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ziping"
	"ziping/frameworks"
)

// adminFrameworkMatrix is the authorization matrix's rows of the framework
// administration: administrators only; everyone else 403, anonymous visitors to
// the sign-in page.
func adminFrameworkMatrix() map[string]func(role string) []check {
	only := func(method, path string, form url.Values, allow int, location string) func(role string) []check {
		return func(role string) []check {
			c := check{req: request{role: role, method: method, path: path, form: form}, status: http.StatusForbidden}
			switch role {
			case "anon":
				c.status, c.location = http.StatusSeeOther, "/login"
			case "admin":
				c.status, c.location = allow, location
			}
			return []check{c}
		}
	}
	fw := "/admin/frameworks/xqpjph-2020"
	return map[string]func(role string) []check{
		"GET /admin/frameworks": only(http.MethodGet, "/admin/frameworks", nil, http.StatusOK, ""),
		// No file: the admin is asked for one; nothing is read or stored.
		"POST /admin/frameworks":                             only(http.MethodPost, "/admin/frameworks", nil, http.StatusBadRequest, ""),
		"GET /admin/frameworks/{id}":                         only(http.MethodGet, fw, nil, http.StatusOK, ""),
		"GET /admin/frameworks/{id}/versions/{version}":      only(http.MethodGet, fw+"/versions/2020.1", nil, http.StatusOK, ""),
		"GET /admin/frameworks/{id}/diff":                    only(http.MethodGet, fw+"/diff?from=2020.1&to=2020.1", nil, http.StatusOK, ""),
		"POST /admin/frameworks/{id}/periods":                only(http.MethodPost, fw+"/periods", url.Values{"period": {"2030"}, "version": {"2020.1"}}, http.StatusSeeOther, fw),
		"POST /admin/frameworks/{id}/periods/{period}/clear": only(http.MethodPost, fw+"/periods/2030/clear", nil, http.StatusSeeOther, fw),
	}
}

// revisedXQPJPH is xqpjph-2020 as a province revises it: version 2025.1, the 毛入园率
// held to 90% instead of 85%.
func revisedXQPJPH(t *testing.T) string {
	t.Helper()
	b, err := frameworks.FS.ReadFile("xqpjph-2020.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), `version: "2020.1"`, `version: "2025.1"`, 1)
	return strings.Replace(src, `metric: kg.gross_rate, op: ">=", value: 85}`, `metric: kg.gross_rate, op: ">=", value: 90}`, 1)
}

// TestAdminFrameworks walks an administrator through a new version: a bad file
// refused with every problem beside its line, the good file stored, its preview and
// changes, the choice of its period, the comparison, and the refusals.
func TestAdminFrameworks(t *testing.T) {
	f := newFixture(t, 40)
	good := revisedXQPJPH(t)
	bad := strings.Replace(good, "kind: threshold, metric: kg.gross_rate", "kind: threshold, metric: kg.gross_rat", 1)
	bad = strings.Replace(bad, "name: 县域学前教育普及普惠督导评估", "name: 县域学前教育普及普惠督导评估\nnmae: <b>多余</b>", 1)

	before := f.state(t)
	w := f.upload(uploadReq{role: "admin", path: "/admin/frameworks", file: "学前新版.yaml", data: []byte(bad)})
	body := w.Body.String()
	for _, want := range []string{"评价体系文件有误，未保存", `href="#L36"`, "学前新版.yaml:36", `id="L36"`, "↑ 第36行：YAML 格式错误: 未知的键「nmae」",
		"nmae: &lt;b&gt;多余&lt;/b&gt;", `id="L34"`, `id="L38"`} {
		if !strings.Contains(body, want) {
			t.Errorf("refused upload lacks %q", want)
		}
	}
	if w.Code != http.StatusUnprocessableEntity || strings.Contains(body, "<b>多余") {
		t.Fatalf("bad file: %d", w.Code)
	}
	// The misspelt metric is found once the shape is right, at its own line.
	bad = strings.Replace(bad, "\nnmae: <b>多余</b>", "", 1)
	w = f.upload(uploadReq{role: "admin", path: "/admin/frameworks", file: "学前新版.yaml", data: []byte(bad)})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "学前新版.yaml:108") ||
		!strings.Contains(w.Body.String(), "kg.gross_rat") || !strings.Contains(w.Body.String(), `id="L108"`) {
		t.Fatalf("file with a misspelt metric: %d", w.Code)
	}
	if f.state(t) != before {
		t.Fatal("a refused upload changed something")
	}
	for _, rq := range []uploadReq{
		{role: "reviewer", path: "/admin/frameworks", file: "x.yaml", data: []byte(good)},
		{role: "filler", path: "/admin/frameworks", file: "x.yaml", data: []byte(good)},
		{role: "admin", path: "/admin/frameworks", file: "x.yaml", data: []byte(good), noCSRF: true},
	} {
		if w := f.upload(rq); w.Code != http.StatusForbidden {
			t.Errorf("upload as %s (csrf %v): %d, want 403", rq.role, !rq.noCSRF, w.Code)
		}
	}
	if w := f.upload(uploadReq{role: "admin", path: "/admin/frameworks", file: "x.txt", data: []byte(good)}); w.Code != http.StatusBadRequest {
		t.Errorf("a .txt file: %d", w.Code)
	}

	// The good file is stored and leads to its preview: the changes against the
	// version that applies this year (2024: the built-in 2020.1), and the browser's view.
	w = f.upload(uploadReq{role: "admin", path: "/admin/frameworks", file: "学前新版.yaml", data: []byte(good)})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/frameworks/xqpjph-2020/versions/2025.1" {
		t.Fatalf("good upload: %d %q", w.Code, w.Header().Get("Location"))
	}
	f.run(t, []scenario{
		{"preview of 2025.1", "admin", "", "/admin/frameworks/xqpjph-2020/versions/2025.1", nil, 200,
			[]string{"尚未选定适用年度，不会用于任何自评", "与当前适用版本 2020.1 相比的变更", "85", "90", "change-changed", "测评点", "毛入园率", "选定本版本"}},
		{"versions of xqpjph-2020", "admin", "", "/admin/frameworks/xqpjph-2020", nil, 200,
			[]string{"2025.1", "2020.1", "内置", "当前适用", "未选定", "用户admin1"}},
		{"the list", "admin", "", "/admin/frameworks", nil, 200, []string{"县域学前教育普及普惠督导评估", "2025.1", "义务教育学校办学质量评价"}},
		{"diff", "admin", "", "/admin/frameworks/xqpjph-2020/diff?from=2020.1&to=2025.1", nil, 200, []string{"变更 <small class=\"muted\">（2处）</small>", "85", "90"}},
		{"diff of a version not stored", "admin", "", "/admin/frameworks/xqpjph-2020/diff?from=2020.1&to=9.9", nil, 404, nil},
		{"an unknown framework", "admin", "", "/admin/frameworks/nope", nil, 404, nil},
		{"reviewer: no preview", "reviewer", "", "/admin/frameworks/xqpjph-2020/versions/2025.1", nil, 403, nil},
	})

	// Another file with a stored version is refused: versions are never edited.
	edited := strings.Replace(good, "value: 90}", "value: 95}", 1)
	if w := f.upload(uploadReq{role: "admin", path: "/admin/frameworks", file: "改.yaml", data: []byte(edited)}); w.Code != http.StatusConflict ||
		!strings.Contains(w.Body.String(), "已保存的版本不能修改") {
		t.Fatalf("editing 2025.1: %d", w.Code)
	}

	// Choosing it from 2025 on; the page then says so, and the audit trail has it.
	f.run(t, []scenario{
		{"bad year", "admin", http.MethodPost, "/admin/frameworks/xqpjph-2020/periods", url.Values{"period": {"twenty"}, "version": {"2025.1"}}, 400, []string{"年度应为四位年份"}},
		{"unknown version", "admin", http.MethodPost, "/admin/frameworks/xqpjph-2020/periods", url.Values{"period": {"2025"}, "version": {"9.9"}}, 404, []string{"该评价体系没有版本「9.9」"}},
		{"viewer", "viewer", http.MethodPost, "/admin/frameworks/xqpjph-2020/periods", url.Values{"period": {"2025"}, "version": {"2025.1"}}, 403, nil},
		{"choose", "admin", http.MethodPost, "/admin/frameworks/xqpjph-2020/periods", url.Values{"period": {"2025"}, "version": {"2025.1"}}, 303, nil},
		{"after choosing", "admin", "", "/admin/frameworks/xqpjph-2020", nil, 200, []string{"2025年度起", `id="period-2025"`}},
	})
	if v, err := f.svc.Assess.VersionFor(f.ctx, "xqpjph-2020", 2025); err != nil || v != "2025.1" {
		t.Fatalf("2025 applies %q %v", v, err)
	}
	es, err := f.svc.Store.Audit(f.ctx, ziping.AuditQuery{Action: "framework_period", Limit: 1})
	if err != nil || len(es) != 1 || !strings.Contains(es[0].New, "2025.1") {
		t.Fatalf("audit of the choice: %+v %v", es, err)
	}
	f.run(t, []scenario{{"the audit page names both", "admin", "", "/audit", nil, 200, []string{"选定评价体系适用版本", "保存评价体系", "framework:xqpjph-2020@2025.1"}}})
	// A 2024 assessment of 2020.1: choosing 2025.1 for 2024 is refused, with why.
	county, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	if _, err := f.svc.Assess.StartAssessment(f.ctx, ziping.System, "xqpjph-2020", county, 2024, false); err != nil {
		t.Fatal(err)
	}
	f.run(t, []scenario{
		{"moving 2024", "admin", http.MethodPost, "/admin/frameworks/xqpjph-2020/periods", url.Values{"period": {"2024"}, "version": {"2025.1"}}, 409,
			[]string{"2024年度已有1项自评使用版本「2020.1」", `value="2024"`}},
		{"clearing 2025", "admin", http.MethodPost, "/admin/frameworks/xqpjph-2020/periods/2025/clear", nil, 303, nil},
		{"clearing it again", "admin", http.MethodPost, "/admin/frameworks/xqpjph-2020/periods/2025/clear", nil, 404, nil},
	})
}

// TestImportPreviewWarnings: a column no data element takes is named in the preview,
// with the nearest known header, and is not imported.
func TestImportPreviewWarnings(t *testing.T) {
	f := newFixture(t, 20)
	csv := "学校代码,学校名称,区县代码,学段,学校类别,办学类型,在校生数,班级数,图书藏书量,备注栏\n" +
		f.school + ",某校,990102,小学,小学,公办,600,12,3000,无\n"
	w := f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校.csv", data: []byte(csv), fields: map[string]string{"period": "2024"}})
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "import-confirm") {
		t.Fatalf("preview: %d", w.Code)
	}
	for _, want := range []string{`id="import-warnings"`, "未使用的内容", "图书藏书量", "图书册数", "备注栏", "确认导入时将被忽略"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	// A file that reads cleanly has no such section.
	csv = "学校代码,学校名称,区县代码,学段,学校类别,办学类型,在校生数,班级数\n" + f.school + ",某校,990102,小学,小学,公办,600,12\n"
	w = f.upload(uploadReq{role: "filler", path: "/units/990102/import", file: "学校.csv", data: []byte(csv), fields: map[string]string{"period": "2024"}})
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "import-warnings") {
		t.Fatalf("clean preview: %d, warnings shown: %v", w.Code, strings.Contains(w.Body.String(), "import-warnings"))
	}
}
