package report

import (
	"strings"
	"testing"
	"time"
)

// TestImprovementFromPlan: without a narrative 改进措施, the plan's measures write it,
// one subsection per problem with measures; problems without measures are left out;
// with none left, the section is the unfilled marker again.
func TestImprovementFromPlan(t *testing.T) {
	res, fw := evaluated(t, "lxzz-county")
	plan := []PlanItem{
		{Title: "学校规模", Problem: "2所学校超规模办学", Measures: "新建两所学校，分流学生。", Owner: "县教育局",
			Deadline: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)},
		{Title: "教师工资待遇", Problem: "未建立联动机制"}, // no measures yet
	}
	r, err := Build(res, fw, nil, BuildOptions{Plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	md := r.Markdown()
	want := "针对学校规模方面存在的问题，新建两所学校，分流学生（责任单位：县教育局；完成时限：2025年6月30日）。"
	if !strings.Contains(md, "学校规模\n\n"+want) {
		t.Fatalf("改进措施 not written from the plan:\n%s", md)
	}
	if strings.Contains(md, "未建立联动机制") || strings.Contains(md, UnfilledImprovement) {
		t.Fatalf("a problem without measures, or the marker, is in the report:\n%s", md)
	}
	for _, is := range r.Lint() {
		if is.Kind == "未填写章节" {
			t.Fatalf("lint still finds the section unfilled: %+v", is)
		}
	}
	r, _ = Build(res, fw, nil, BuildOptions{Plan: plan[1:]})
	if !strings.Contains(r.Markdown(), UnfilledImprovement) {
		t.Fatal("without measures the section is not marked unfilled")
	}
	// A narrative 改进措施 wins over the plan.
	r, _ = Build(res, fw, []byte("## 改进措施\n\n我们自己写的措施。\n"), BuildOptions{Plan: plan})
	if md := r.Markdown(); !strings.Contains(md, "我们自己写的措施") || strings.Contains(md, "新建两所学校") {
		t.Fatalf("the narrative does not win:\n%s", md)
	}
}
