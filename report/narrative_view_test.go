package report

import (
	"strings"
	"testing"
	"time"

	"ziping"
	"ziping/engine"
)

// TestIssuesAtNarrativeLines: the findings of a report are placed at the lines of
// the narrative people wrote, not of the assembled document (a 12-line text had
// its placeholder reported at line 134); what ziping wrote itself has line 0.
func TestIssuesAtNarrativeLines(t *testing.T) {
	res, fw := evaluated(t, "yzjh-2017")
	var ok engine.MetricValue
	for _, m := range res.Metrics {
		if m.OK {
			ok = m
			break
		}
	}
	if ok.ID == "" {
		t.Fatal("no computable metric")
	}
	narrative := strings.Join([]string{
		"## 基本情况", // 1
		"",
		"全县共有学校x所。", // 3
		"",
		"生均值为{{metric \"" + ok.ID + "\"}}，另有{{没有这个指标}}。", // 5
		"",
		"## 主要做法及成效", // 7
		"",
		"做法一。", // 9
		"",
		"## 下一步工作打算", // 11
		"（请填写改进措施）",  // 12
	}, "\n")
	issues, err := Renderer{}.Issues(fw, res, []byte(narrative), ziping.ReportMeta{Issuer: "某县人民政府"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"x所": {3, 7}, "没有这个指标": {5, 0}, UnfilledImprovement: {12, 1}}
	found := map[string]bool{}
	for _, is := range issues {
		if is.Line > 12 {
			t.Errorf("%q at line %d of a 12-line narrative", is.Text, is.Line)
		}
		for text, at := range want {
			if strings.Contains(is.Text, text) {
				found[text] = true
				if is.Line != at[0] || at[1] != 0 && is.Col != at[1] {
					t.Errorf("%q at %d:%d, want %d:%d", is.Text, is.Line, is.Col, at[0], at[1])
				}
			}
		}
		if is.Kind == KindNoDate && is.Line != 0 {
			t.Errorf("the missing date, which ziping writes, placed at line %d", is.Line)
		}
	}
	for text := range want {
		if !found[text] {
			t.Errorf("no finding for %q in %+v", text, issues)
		}
	}
	// Without the narrative's 下一步工作打算 and without a plan, the unwritten
	// section is ziping's: line 0.
	issues, err = Renderer{}.Issues(fw, res, []byte("## 基本情况\n\n概况。\n"), ziping.ReportMeta{Date: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var unwritten bool
	for _, is := range issues {
		if is.Text == UnfilledImprovement {
			unwritten = true
			if is.Line != 0 {
				t.Errorf("the generated marker placed at line %d", is.Line)
			}
		}
	}
	if !unwritten {
		t.Error("an unwritten 改进措施 without a plan is not a finding")
	}
}

// TestNarrativeBlocks: the narrative as it will read: headings and paragraphs with
// their lines, bound values as parts with their Chinese name and current value.
func TestNarrativeBlocks(t *testing.T) {
	res, fw := evaluated(t, "yzjh-2017")
	var ok engine.MetricValue
	for _, m := range res.Metrics {
		if m.OK && m.Name != "" {
			ok = m
			break
		}
	}
	src := "## 基本情况\n\n第一段，\n续写{{metric \"" + ok.ID + "\"}}。\n\n- 列表{{unit}}\n\n| 项目 | 值 |\n| --- | --- |\n| 总分 | {{total}} |\n\n<!-- ziping 注释 -->\n\n{{没有}}\n"
	blocks, err := NarrativeBlocks(fw, res, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 5 {
		t.Fatalf("%d blocks: %+v", len(blocks), blocks)
	}
	if b := blocks[0]; b.Level != 2 || b.Line != 1 || len(b.Parts) != 1 || b.Parts[0].Text != "基本情况" {
		t.Errorf("heading %+v", b)
	}
	p := blocks[1]
	if p.Level != 0 || p.Line != 3 || p.EndLine != 4 || len(p.Parts) != 3 {
		t.Fatalf("paragraph %+v", p)
	}
	if c := p.Parts[1]; c.Token == "" || c.Name != ok.Name || c.Value != engine.ReportValue(ok) || c.Problem != "" {
		t.Errorf("chip %+v, want %s %s", c, ok.Name, engine.ReportValue(ok))
	}
	if c := blocks[2].Parts[1]; c.Name != "单位名称" || c.Value != res.Unit.Name || blocks[2].Line != 6 {
		t.Errorf("list item %+v", blocks[2])
	}
	if tb := blocks[3]; len(tb.Rows) != 2 || !tb.Rows[0].Header || tb.Rows[1].Cells[1][0].Name != "总分" || tb.Line != 8 || tb.EndLine != 10 {
		t.Errorf("table %+v", tb)
	}
	if c := blocks[4].Parts[0]; c.Problem == "" || c.Value != "" || blocks[4].Line != 14 {
		t.Errorf("unfillable value %+v", blocks[4])
	}
}
