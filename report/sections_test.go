package report

import (
	"strings"
	"testing"
)

func TestSectionTitles(t *testing.T) {
	t.Parallel()
	for title, want := range map[string]string{
		"基本情况": SecBasic, "总体情况": SecBasic, "县情和教育基本情况": SecBasic, "县情概况": SecBasic,
		"主要做法及成效": SecPractice, "主要做法和成效": SecPractice, "工作开展情况及成效": SecPractice, "主要做法与经验": SecPractice,
		"履职工作成效": SecPractice, "主要做法及取得成效": SecPractice,
		"存在问题": SecProblems, "存在的主要问题": SecProblems, "存在问题及努力方向": SecProblems, "存在的问题和不足": SecProblems,
		"问题与不足": SecProblems,
		"改进措施":  SecImprovement, "下一步工作": SecImprovement, "下一步工作计划": SecImprovement, "下一步措施": SecImprovement,
		"下一步打算": SecImprovement, "下一步工作打算": SecImprovement, "整改措施": SecImprovement, "改进措施（下一步工作）": SecImprovement,
		"改进措施(下一步工作)": SecImprovement, "下一步重点工作": SecImprovement,
		"自查自评情况": SecSelf, "自评情况": SecSelf, "自查工作开展情况": SecSelf,
	} {
		if got, ok := sectionOf(normalizeHeading(title)); !ok || got != want {
			t.Errorf("sectionOf(%q) = %q, %v; want %q", title, got, ok, want)
		}
	}
	for _, title := range []string{"加强教师队伍建设", "学校党的建设", "县委常委会专题研究教育工作，解决了存在的突出问题和群众关切"} {
		if got, ok := sectionOf(normalizeHeading(title)); ok {
			t.Errorf("sectionOf(%q) = %q, want none", title, got)
		}
	}
}

// TestNarrativePlacement: numbered or not, either bracket width, each section's text
// lands in its section; a plan under 下一步工作计划 is not 存在问题; the untitled
// opening ending 「如下：」 and a 主送机关 line are the document's head.
func TestNarrativePlacement(t *testing.T) {
	res, fw := fixture(t, "lxzz-county", pendingCounty)
	md := "顺沙市人民政府教育督导委员会办公室：\n\n根据要求，我县开展了自查自评。现将有关情况报告如下：\n\n" +
		"## 一、总体情况\n\n全县概况。\n\n## 二、工作开展情况及成效\n\n### （一）加强教师队伍建设\n\n补充教师。\n\n" +
		"## 三、存在问题及努力方向\n\n问题甲。\n\n## (四)下一步工作计划\n\n### （三）加强教师队伍建设\n\n继续补充。\n"
	r, err := Build(res, fw, []byte(md), BuildOptions{Date: fixtureDate})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Markdown()
	for _, want := range []string{
		"顺沙市人民政府教育督导委员会办公室：\n\n根据要求，我县开展了自查自评。现将有关情况报告如下：\n\n## 一、基本情况\n\n全县概况。",
		"加强教师队伍建设\n\n补充教师。",
		"问题甲。\n\n## 四、下一步工作打算\n\n### （一）加强教师队伍建设\n\n继续补充。",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, UnfilledImprovement) {
		t.Errorf("下一步工作计划 was not recognised:\n%s", got)
	}
}
