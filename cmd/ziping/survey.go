package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"ziping/survey"
)

func runSurvey(e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, "用法: ziping survey list | plan --framework ID --population N [--urban N --town N --rural N] [--format table|json]\n"+
			"       ziping survey result --questionnaire ID FILE.xlsx|FILE.csv [--format table|json] | check FILE.yaml")
		if len(args) == 0 {
			return usagef("缺少子命令")
		}
		return nil
	}
	switch args[0] {
	case "list":
		return listSurveys(e.stdout)
	case "plan":
		return surveyPlan(e, args[1:])
	case "result":
		return surveyResult(e, args[1:])
	case "check":
		if len(args) != 2 {
			return usagef("用法: ziping survey check FILE.yaml")
		}
		data, err := readLimitedFile(args[1], survey.MaxFileSize)
		if err != nil {
			return err
		}
		f, err := survey.Parse(args[1], data)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: 检查通过（%s，%d套问卷，%d类调查对象）\n", args[1], f.Name, len(f.Questionnaires), len(f.Groups))
		return nil
	}
	return usagef("未知的子命令「%s」", args[0])
}

// listSurveys names every built-in questionnaire by the id other commands take.
func listSurveys(w io.Writer) error {
	files, err := survey.Builtins()
	if err != nil {
		return err
	}
	t := &textTable{right: []bool{false, false, false, true, true}}
	t.add("问卷ID", "评价体系", "问卷", "题数", "计入认可度", "调查对象")
	for _, f := range files {
		for i := range f.Questionnaires {
			q := &f.Questionnaires[i]
			var names []string
			for _, g := range f.GroupsOf(q.ID) {
				names = append(names, g.Name)
			}
			counted := 0
			for _, qu := range q.Questions {
				if qu.Counted() {
					counted++
				}
			}
			t.add(f.QuestionnaireID(q), f.Framework, q.Name, fmt.Sprint(len(q.Questions)), fmt.Sprint(counted), strings.Join(names, "、"))
		}
	}
	t.write(w, "")
	return nil
}

func surveyPlan(e *env, args []string) error {
	fs := newFlags(e, "survey plan", "survey plan --framework ID --population N [--urban N --town N --rural N] [--format table|json]")
	fw := fs.String("framework", "", "评价体系（yzjh-2017、xqpjph-2020、lxzz-county）或问卷文件 .yaml")
	var in survey.PlanInput
	fs.Int64Var(&in.Population, "population", 0, "常住人口（人）")
	fs.Int64Var(&in.Urban, "urban", 0, "城区人口")
	fs.Int64Var(&in.Town, "town", 0, "镇区人口")
	fs.Int64Var(&in.Rural, "rural", 0, "乡村人口")
	format := fs.String("format", "table", "输出格式：table 或 json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fw == "" || in.Population <= 0 {
		return usagef("需要 --framework 和 --population")
	}
	if *format != "table" && *format != "json" {
		return usagef("--format 应为 table 或 json")
	}
	f, err := surveyFile(*fw)
	if err != nil {
		return err
	}
	p, err := f.MakePlan(in)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	writePlan(e.stdout, f, p)
	return nil
}

// surveyFile is a built-in survey file by id, or a file by path.
func surveyFile(ref string) (*survey.File, error) {
	if strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") {
		data, err := readLimitedFile(ref, survey.MaxFileSize)
		if err != nil {
			return nil, err
		}
		return survey.Parse(ref, data)
	}
	return survey.Builtin(ref)
}

func writePlan(w io.Writer, f *survey.File, p *survey.Plan) {
	fmt.Fprintf(w, "%s 抽样方案\n样本量：%d份（%s）\n\n", f.Name, p.Total, p.Rule)
	t := &textTable{right: []bool{false, true, true, true, true, true}}
	t.add("调查对象", "占比", "份数", "城区", "镇区", "乡村")
	sums := make([]int, len(survey.Areas))
	for _, g := range p.Groups {
		share := fmt.Sprintf("%g%%", g.Share)
		if g.AtLeast {
			share = "≥" + share
		}
		areas := []string{"", "", ""}
		if g.Areas != nil {
			for i, a := range survey.Areas {
				areas[i] = fmt.Sprint(g.Areas[a])
				sums[i] += g.Areas[a]
			}
		}
		t.add(g.Name, share, fmt.Sprint(g.Quota), areas[0], areas[1], areas[2])
	}
	total := []string{"", "", ""}
	if p.Groups[0].Areas != nil {
		for i, n := range sums {
			total[i] = fmt.Sprint(n)
		}
	}
	t.add("合计", "100%", fmt.Sprint(p.Total), total[0], total[1], total[2])
	t.write(w, "")
	for _, g := range p.Groups {
		if len(g.Schools) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s按学校分配（按在校生数）：\n", g.Name)
		st := &textTable{right: []bool{false, false, true, true}}
		for _, s := range g.Schools {
			st.add(s.Code, s.Name, fmt.Sprint(s.Students), fmt.Sprint(s.Quota))
		}
		st.write(w, "  ")
	}
}

func surveyResult(e *env, args []string) error {
	fs := newFlags(e, "survey result", "survey result --questionnaire ID FILE.xlsx|FILE.csv [--format table|json]")
	qid := fs.String("questionnaire", "", "问卷ID（见 ziping survey list），如 yzjh-2017-social")
	format := fs.String("format", "table", "输出格式：table 或 json")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	// The file may stand before the flags too (as the usage line writes it).
	file := ""
	if fs.NArg() > 0 {
		file = fs.Arg(0)
		if err := parseFlagsAndArgs(fs, fs.Args()[1:]); err != nil {
			return err
		}
	}
	if *qid == "" || file == "" || fs.NArg() != 0 {
		return usagef("需要 --questionnaire 和一个答卷文件")
	}
	if *format != "table" && *format != "json" {
		return usagef("--format 应为 table 或 json")
	}
	files, err := survey.Builtins()
	if err != nil {
		return err
	}
	f, q, err := survey.FindQuestionnaire(files, *qid)
	if err != nil {
		return err
	}
	sh, err := readExport(file)
	if err != nil {
		return err
	}
	ext, err := f.FromSheet(q, sh)
	if err != nil {
		return err
	}
	res := f.ComputeExternal(ext)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Questionnaire string            `json:"questionnaire"`
			Matched       map[string]string `json:"matched"`
			Notes         []string          `json:"notes,omitempty"`
			*survey.Result
		}{*qid, ext.Matched, ext.Notes, res})
	}
	writeSurveyResult(e.stdout, f, res, ext)
	return nil
}

func pct(v float64) string { return fmt.Sprintf("%.1f", v) }

func writeSurveyResult(w io.Writer, f *survey.File, res *survey.Result, ext *survey.External) {
	m := res.Method
	fmt.Fprintf(w, "%s：%d份答卷\n", f.Name, res.Responses)
	o := res.Overall
	fmt.Fprintf(w, "认可度（%s）：%s%%，95%%置信区间 %s%%–%s%%（Wilson，有效样本 %.0f）\n", survey.MethodNames[m], pct(o.Headline(m)), pct(o.Low), pct(o.High), res.EffectiveN)
	fmt.Fprintf(w, "各口径：满意与比较满意占比 %s%%；李克特均值折百分 %s；赋值平均 %s\n", pct(o.Figures.Top2), pct(o.Figures.Mean), pct(o.Figures.Value))
	if c := res.Clustering; c.Clusters > 1 {
		fmt.Fprintf(w, "按学校整群：%d所学校，平均每校%.1f份，组内相关系数 %.3f，设计效应 %.2f\n", c.Clusters, c.MeanSize, c.ICC, c.Deff)
	}
	stats := func(title string, ss []survey.Stat) {
		if len(ss) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s\n", title)
		t := &textTable{right: []bool{false, true, true, true, true, true}}
		t.add("", "样本", "占比口径", "均值口径", "赋值口径", "95%区间")
		for _, s := range ss {
			if !s.Figures.OK {
				continue
			}
			t.add(s.Name, fmt.Sprint(s.N), pct(s.Figures.Top2), pct(s.Figures.Mean), pct(s.Figures.Value), pct(s.Low)+"–"+pct(s.High))
		}
		t.write(w, "  ")
	}
	stats("按调查对象", res.Groups)
	stats("按题目（最弱在前）", res.Questions)
	stats("按学校（最弱在前）", res.Schools)
	stats("按城乡", res.Areas)
	if len(res.ExtraScales) > 0 {
		fmt.Fprintf(w, "\n未对应题目、按满意度题计入的列：%s\n", strings.Join(res.ExtraScales, "；"))
	}
	if len(res.Unmatched) > 0 {
		cols := append([]string{}, res.Unmatched...)
		sort.Strings(cols)
		fmt.Fprintf(w, "未使用的列：%s\n", strings.Join(cols, "；"))
	}
	for _, n := range ext.Notes {
		fmt.Fprintln(w, "注："+n)
	}
}
