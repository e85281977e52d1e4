package engine_test

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"ziping/engine"
)

func TestPrecision(t *testing.T) {
	t.Parallel()
	// lxzz-county counts in halves and tenths (max 3.5, per 0.1, round 0.1): 1
	// decimal. yzjh-2017 has checklist weights of 0.25: 2 decimals.
	for id, want := range map[string]int{"lxzz-county": 1, "yzjh-2017": 2} {
		if got := builtin(t, id).FW.Precision(); got != want {
			t.Errorf("%s: precision %d, want %d", id, got, want)
		}
	}
	p := compile(t, strings.Replace(goodFW, "level: county\n", "level: county\nprecision: 0\n", 1))
	if got := p.FW.Precision(); got != 0 {
		t.Errorf("explicit precision 0: got %d", got)
	}
	for _, tc := range []struct {
		v    float64
		prec int
		want string
	}{
		{1.8000000000000007, 1, "1.8"}, {21.799999999999997, 1, "21.8"}, {76, 1, "76"}, {9.5, 2, "9.5"},
		{0.25, 2, "0.25"}, {-0.0000001, 1, "0"}, {2.35, 1, "2.4"}, {100, 0, "100"}, {math.NaN(), 1, "—"},
	} {
		if got := engine.FormatScore(tc.v, tc.prec); got != tc.want {
			t.Errorf("FormatScore(%v, %d) = %q, want %q", tc.v, tc.prec, got, tc.want)
		}
	}
}

// TestSumsHavePrecision: area maxima and scores summed from points carry no binary
// residue. 0.1+0.2 is 0.30000000000000004 in float64; the framework below sums such
// maxima.
func TestSumsHavePrecision(t *testing.T) {
	t.Parallel()
	src := `id: p
name: 精度
version: "1"
level: county
grading: {kind: grade, bands: [{name: 合格, min: 0.3}, {name: 不合格, min: 0}]}
areas:
  - code: A
    name: 甲
    points:
      - {code: "1", title: 一, max: 0.1, rules: [{kind: manual}]}
      - {code: "2", title: 二, max: 0.2, rules: [{kind: manual}]}
`
	p := compile(t, src)
	ds := build(t, 2024, []engine.Unit{{Code: "1", Name: "甲县"}}, nil, nil)
	one, two := 0.1, 0.2
	res, err := p.Evaluate(ds, engine.Options{Inputs: map[string]*engine.Inputs{"1": {Points: map[string]engine.PointInput{
		"1": {Score: &one, Justification: "有"}, "2": {Score: &two, Justification: "有"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Areas[0].Max != 0.3 || r.Areas[0].Score != 0.3 || r.Max != 0.3 || r.Total != 0.3 {
		t.Errorf("sums: area max %v score %v, max %v total %v; want 0.3 each", r.Areas[0].Max, r.Areas[0].Score, r.Max, r.Total)
	}
}

// TestReasonsNeverDoubleUp runs every manual rule and manual veto of the built-in
// frameworks, and a framework with each default template, with justifications that
// end in 。，； and 扣N分: the reason must have one mark where the template and the
// person's words meet, and state the deduction once.
func TestReasonsNeverDoubleUp(t *testing.T) {
	t.Parallel()
	endings := []string{"记录不完整", "记录不完整。", "记录不完整，", "记录不完整；", "记录不完整，扣0.5分", "记录不完整，扣0.5分。",
		"记录不完整扣1分；", "记录不完整。扣0.5分。", " 记录不完整 。 "}
	doubled := regexp.MustCompile(`[。，；、,;]{2}|[。，；][）)]|扣[0-9.]+分[，；]?扣|。$`)
	for _, id := range []string{"lxzz-county", "yzjh-2017"} {
		p := builtin(t, id)
		ds := build(t, 2024, []engine.Unit{{Code: "1", Name: "甲县"}}, nil, nil)
		for _, why := range endings {
			in := &engine.Inputs{Points: map[string]engine.PointInput{}, Vetoes: map[string]engine.VetoInput{}}
			manual := 0
			for _, a := range p.FW.Areas {
				for _, pt := range a.Points {
					for _, r := range pt.Rules {
						if r.Kind == engine.RuleManual {
							half := r.Points / 2
							in.Points[pt.Code] = engine.PointInput{Score: &half, Justification: why}
							manual++
						}
						if r.Kind == engine.RuleChecklist {
							in.Points[pt.Code] = engine.PointInput{Checked: []string{}, Justification: why}
						}
					}
				}
			}
			for _, v := range p.FW.Vetoes {
				if v.Manual {
					in.Vetoes[v.Code] = engine.VetoInput{Triggered: true, Justification: why}
				}
			}
			res, err := p.Evaluate(ds, engine.Options{Inputs: map[string]*engine.Inputs{"1": in}})
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			check := func(s string) {
				if !strings.Contains(s, "记录不完整") {
					return
				}
				seen++
				if doubled.MatchString(s) {
					t.Errorf("%s, justification %q: reason %q doubles up", id, why, s)
				}
			}
			for _, a := range res[0].Areas {
				for _, pt := range a.Points {
					for _, s := range pt.Reasons {
						check(s)
					}
				}
			}
			for _, v := range res[0].Vetoes {
				check(v.Reason)
			}
			if id == "lxzz-county" && seen < manual {
				t.Errorf("%s, %q: %d sentences hold the justification, want ≥ %d", id, why, seen, manual)
			}
		}
	}
}

func TestTidy(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"部分记录不完整，扣0.5分。":   "部分记录不完整",
		"部分记录不完整。":         "部分记录不完整",
		"部分记录不完整；扣1分；":     "部分记录不完整",
		"扣0.5分":            "",
		"扣分原因见附件。":         "扣分原因见附件",
		"共扣除１分":            "",
		"已整改，应扣0.5分 。":     "已整改",
		"台账齐全，不扣分":         "台账齐全，不扣分",
		"第3次会议记录缺失，扣1.5分！": "第3次会议记录缺失",
	} {
		if got := engine.TidyJustification(in); got != want {
			t.Errorf("TidyJustification(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"第20测评点记录不完整。，扣1分":        "第20测评点记录不完整，扣1分",
		"存在危房（已上报。）":              "存在危房（已上报）",
		"第3测评点扣0.5分，扣0.5分":        "第3测评点扣0.5分",
		"第3测评点扣0.5分，扣1分":          "第3测评点扣0.5分，扣1分",
		"第3测评点，；扣1分":              "第3测评点；扣1分",
		"比例为1.5%，低于标准值2.0%，扣0.5分": "比例为1.5%，低于标准值2.0%，扣0.5分",
	} {
		if got := engine.TidyReason(in); got != want {
			t.Errorf("TidyReason(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReportSectionChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, section, want string }{
		{"bad field", "report:\n  title: '{{.Untt}}关于'\n", "t.yaml:27: report 的模板「title」有误: 没有字段 .Untt"},
		{"unknown metric in a template", "report:\n  basic:\n    - '{{.Fact \"nope\"}}'\n", "t.yaml:28: report 的模板「basic.0」引用了未定义的指标「nope」"},
		{"unknown metric override", "report:\n  metrics:\n    - {metric: nope, achieved: 好}\n", "t.yaml:28: report.metrics 引用了未定义的指标「nope」"},
		{"unknown point", "report:\n  points:\n    - {code: \"9\", issue: 差}\n", "t.yaml:28: report.points 引用了不存在的测评点「9」"},
		{"unknown area", "report:\n  areas:\n    - {code: Z, generate: false}\n", "t.yaml:28: report.areas 引用了不存在的一级指标「Z」"},
		{"bad layout", "report:\n  layout: sideways\n", "t.yaml:27: report.layout 应为 default 或 self_first，而不是「sideways」"},
		{"template syntax", "report:\n  problem:\n    threshold: '{{if .Value}}'\n", "t.yaml:28: report 的模板「problem.threshold」有误"},
		{"fact clashes with a metric", "report:\n  facts:\n    - {id: sat, name: 认可度, expr: satisfaction}\n", "t.yaml:28: 指标「sat」重复定义"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := engine.Load("t.yaml", []byte(goodFW+tc.section))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	// A good section: facts are computed like metrics, templates render.
	p := compile(t, goodFW+"report:\n  document: 测试办法\n  facts:\n    - {id: basic.sat, name: 认可度, unit: \"%\", expr: satisfaction}\n"+
		"  basic:\n    - '{{.Unit}}认可度为{{.Fact \"basic.sat\"}}。'\n")
	ds := build(t, 2024, []engine.Unit{{Code: "1", Name: "甲县"}}, nil, map[string]map[string]float64{"1": {"satisfaction": 91.26}})
	res, err := p.Evaluate(ds, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := engine.NewTextData(res[0])
	d.Unit = "甲县"
	if got, _ := p.FW.Text().Render("basic.0", d); got != "甲县认可度为91.3%。" {
		t.Errorf("basic.0 = %q", got)
	}
	if _, ok := p.FW.Text().Render("achieved.threshold", d); !ok {
		t.Error("a default template is missing")
	}
}

func TestReportValues(t *testing.T) {
	t.Parallel()
	zero, two := 0, 2
	for _, tc := range []struct {
		m    engine.MetricValue
		want string
	}{
		{engine.MetricValue{Unit: "万元", Value: 98600, OK: true}, "9.86亿元"},
		{engine.MetricValue{Unit: "万元", Value: 3560.5, OK: true}, "3560.5万元"},
		{engine.MetricValue{Unit: "元", Value: 4461, OK: true}, "4461元"},
		{engine.MetricValue{Unit: "%", Value: 52.34, OK: true}, "52.3%"},
	} {
		if got := engine.ReportValue(tc.m); got != tc.want {
			t.Errorf("ReportValue(%v %s) = %q, want %q", tc.m.Value, tc.m.Unit, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v    float64
		d    *int
		want string
	}{
		{-1.14, &two, "下降1.14%"}, {3.6, nil, "增长3.60%"}, {0.001, &two, "与上年持平"}, {12, &zero, "增长12%"},
	} {
		if got := engine.ChangeText(tc.v, tc.d); got != tc.want {
			t.Errorf("ChangeText(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
