package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSurveyCommands(t *testing.T) {
	out, errs, code := runCLI(t, "survey", "list")
	if code != 0 || !strings.Contains(out, "yzjh-2017-social") || !strings.Contains(out, "xqpjph-2020-a") || !strings.Contains(out, "lxzz-county-student") {
		t.Fatalf("survey list: %d %s %s", code, out, errs)
	}
	// 学前 at the 200,000 band edge: 300 answers, 家长 70% = 210.
	out, errs, code = runCLI(t, "survey", "plan", "--framework", "xqpjph-2020", "--population", "200000", "--format", "json")
	var p struct {
		Total  int
		Groups []struct{ Quota int }
	}
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil || p.Total != 300 || p.Groups[0].Quota != 210 {
		t.Fatalf("survey plan json: %d %s %s", code, out, errs)
	}
	out, _, code = runCLI(t, "survey", "plan", "--framework", "yzjh-2017", "--population", "400000", "--urban", "200000", "--town", "120000", "--rural", "80000")
	// 600 over 200,000/120,000/80,000 people: every group's split adds up to 300/180/120.
	if code != 0 || !strings.Contains(out, "样本量：600份") || !regexp.MustCompile(`合计\s+100%\s+600\s+300\s+180\s+120`).MatchString(out) {
		t.Fatalf("survey plan table: %d %s", code, out)
	}
	if _, errs, code = runCLI(t, "survey", "plan", "--framework", "yzjh-2017"); code != 2 || !strings.Contains(errs, "--population") {
		t.Errorf("plan without a population: %d %s", code, errs)
	}
	if _, errs, code = runCLI(t, "survey", "plan", "--framework", "yzjh-2017", "--population", "400000", "--urban", "1"); code != 1 || !strings.Contains(errs, "之和") {
		t.Errorf("areas that do not add up: %d %s", code, errs)
	}
}

func TestSurveyResultFromExport(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "问卷星导出.csv")
	data := "序号,提交答卷时间,所用时间,1、您对教师工资待遇和保障的落实情况是否满意？(单选题),2.您对教师减负（非教学任务）落实情况是否满意？,3、您对教师培训和专业发展机会是否满意？,Q4.总体而言，您对县政府履行教育职责的情况是否满意？,您对学校食堂是否满意,您的手机号\n" +
		"1,2024/5/1 20:00:00,100秒,很满意,满意,很满意,满意,不满意,138\n" +
		"2,2024/5/1 20:01:00,30秒,不满意,不太满意,不了解,基本满意,很满意,\n"
	if err := os.WriteFile(csv, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "survey", "result", "--questionnaire", "lxzz-county-teacher", csv)
	// value_map: (72 + 47.5)/2 = 59.75 (survey/external_test.go works it by hand).
	if code != 0 || !strings.Contains(out, "认可度（赋值平均）：59.8%") || !strings.Contains(out, "您对学校食堂是否满意") ||
		!strings.Contains(out, "未使用的列：您的手机号") {
		t.Fatalf("survey result: %d\n%s\n%s", code, out, errs)
	}
	out, _, code = runCLI(t, "survey", "result", "--questionnaire", "lxzz-county-teacher", csv, "--format", "json") // the usage line's order
	if code != 0 || !strings.Contains(out, `"extra_scales"`) || !strings.Contains(out, `"value_map": 59.75`) {
		t.Fatalf("survey result json: %d %s", code, out)
	}
	bad := strings.Replace(data, "不太满意", "还行", 1)
	if err := os.WriteFile(csv, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code = runCLI(t, "survey", "result", "--questionnaire", "lxzz-county-teacher", csv); code != 1 || !strings.Contains(errs, "第3行 E列") {
		t.Errorf("a bad cell: %d %s", code, errs)
	}
}
