package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"ziping/survey"
)

// TestQuestionnaireEditing: an admin's new version is checked (problems with their
// line), previewed, then saved as a new version; the same version again is refused.
func TestQuestionnaireEditing(t *testing.T) {
	f := newFixture(t, 20)
	src, err := survey.BuiltinSource("lxzz-county")
	if err != nil {
		t.Fatal(err)
	}
	next := strings.Replace(string(src), `version: "2024.1"`, `version: "2025.1"`, 1)
	broken := strings.Replace(next, "kind: scale, text: 你对学校的学习和生活条件满意吗？", "kind: slider, text: 你对学校的学习和生活条件满意吗？", 1)
	f.run(t, []scenario{
		{"a broken file: its line", "admin", http.MethodPost, "/questionnaires", url.Values{"source": {broken}, "do": {"save"}}, 400,
			[]string{"问卷文件有误", "问卷.yaml:", "kind 应为 scale"}},
		{"preview", "admin", http.MethodPost, "/questionnaires", url.Values{"source": {next}, "do": {"preview"}}, 200,
			[]string{"questionnaire-preview-box", "版本 2025.1", "计入认可度"}},
		{"save", "admin", http.MethodPost, "/questionnaires", url.Values{"source": {next}, "do": {"save"}}, 303, nil},
		{"the same version again", "admin", http.MethodPost, "/questionnaires", url.Values{"source": {next}, "do": {"save"}}, 409,
			[]string{"已有版本「2025.1」"}},
		{"a filler may not", "filler", http.MethodPost, "/questionnaires", url.Values{"source": {next}, "do": {"save"}}, 403, nil},
		{"the new version is the latest", "viewer", "", "/questionnaires/lxzz-county", nil, 200, []string{"版本 2025.1"}},
	})
}

// TestSurveyImportPage: a 问卷星 export uploaded on the round page is brought into
// the round, and the same file again adds nothing.
func TestSurveyImportPage(t *testing.T) {
	f := newFixture(t, 20)
	rd := f.surveyRound(t, false)
	csv := "序号,您的身份,1、您对县政府落实立德树人根本任务、重视和支持义务教育的情况是否满意？,2、您对本县城乡、校际之间办学条件的均衡情况是否满意？," +
		"3、您对本县义务教育学校免试就近入学、阳光招生的情况是否满意？,4、您对进城务工人员随迁子女、留守儿童和残疾儿童平等接受义务教育的情况是否满意？," +
		"5、您对优质教育资源共享（集团化办学、学区化管理、教师交流）的情况是否满意？,6、您对学校规范办学、不设重点班、不违规补课的情况是否满意？," +
		"7、您对学校开展素质教育、保证体育美育劳动教育的情况是否满意？,8、您对学生作业负担和校外培训负担减轻的情况是否满意？," +
		"9、您对本县教师队伍师德师风和教学水平是否满意？,10、总体而言，您对本县义务教育的发展是否满意？,11、您认为本县义务教育最需要改进的方面是（可多选）\n" +
		"1,家长,满意,满意,比较满意,满意,满意,满意,基本满意,满意,满意,满意,课业负担┋课后服务\n" +
		"2,其他群众,不满意,满意,比较满意,满意,不了解,满意,基本满意,满意,满意,满意,办学条件\n"
	post := func() *httptest.ResponseRecorder {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", f.login("filler", false).csrf)
		mw.WriteField("paper", "social")
		fw, _ := mw.CreateFormFile("file", "问卷星.csv")
		fw.Write([]byte(csv))
		mw.Close()
		req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/surveys/%d/import", rd.ID), &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.login("filler", false).token})
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, req)
		return w
	}
	if w := post(); w.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", w.Code, w.Body.String())
	}
	if w := post(); w.Code != http.StatusSeeOther {
		t.Fatalf("import again: %d", w.Code)
	}
	rs, err := f.svc.Store.SurveyResponses(f.ctx, rd.ID)
	if err != nil || len(rs) != 2 || rs[0].Group != "parent" || rs[1].Group != "public" || rs[0].Source != "import" {
		t.Fatalf("responses after importing twice: %+v, %v", rs, err)
	}
}
