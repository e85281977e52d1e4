package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"ziping/engine"
	"ziping/frameworks"
)

func runFrameworks(e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, "用法: ziping frameworks list | show ID|FILE | check FILE")
		if len(args) == 0 {
			return usagef("缺少子命令")
		}
		return nil
	}
	switch args[0] {
	case "list":
		return listFrameworks(e.stdout)
	case "show":
		if len(args) != 2 {
			return usagef("用法: ziping frameworks show ID|FILE")
		}
		p, err := frameworks.Resolve(args[1])
		if err != nil {
			return err
		}
		showFramework(e.stdout, p)
		return nil
	case "check":
		if len(args) != 2 {
			return usagef("用法: ziping frameworks check FILE")
		}
		data, err := os.ReadFile(args[1])
		if err != nil {
			return fmt.Errorf("无法读取 %s: %w", args[1], err)
		}
		p, err := engine.Load(args[1], data)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: 检查通过（%s，%d个测评点，%d个指标）\n", args[1], p.FW.Name, countPoints(p.FW), len(p.FW.Metrics))
		return nil
	}
	return usagef("未知的子命令「%s」", args[0])
}

func listFrameworks(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\t版本\t评价对象\t方式\t测评点\t名称")
	for _, id := range frameworks.IDs() {
		p, err := frameworks.Builtin(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", id, p.FW.Version, levelName(p.FW.Level), gradingName(p.FW), countPoints(p.FW), p.FW.Name)
	}
	return tw.Flush()
}

func showFramework(w io.Writer, p *engine.Program) {
	fw := p.FW
	fmt.Fprintf(w, "%s（%s，版本 %s）\n", fw.Name, fw.ID, fw.Version)
	if fw.Basis != "" {
		fmt.Fprintf(w, "依据：%s\n", fw.Basis)
	}
	fmt.Fprintf(w, "评价对象：%s；评价方式：%s\n", levelName(fw.Level), gradingName(fw))
	for _, a := range fw.Areas {
		fmt.Fprintf(w, "\n%s %s\n", a.Code, a.Name)
		for _, pt := range a.Points {
			writePoint(w, p, &pt, fw.IsVerdict())
		}
	}
	if fw.Bonus != nil {
		fmt.Fprintf(w, "\n加分项（合计不超过%s分）\n", engine.FormatValue(fw.Bonus.Cap, "", intp(0)))
		for _, pt := range fw.Bonus.Items {
			writePoint(w, p, &pt, false)
		}
	}
	if len(fw.Vetoes) > 0 {
		fmt.Fprintln(w, "\n否决及降等情形")
		for _, v := range fw.Vetoes {
			fmt.Fprintf(w, "  %s %s（%s）\n", v.Code, v.Title, vetoEffect(v))
		}
	}
}

func writePoint(w io.Writer, p *engine.Program, pt *engine.Point, verdict bool) {
	if verdict {
		fmt.Fprintf(w, "  %s %s\n", pt.Code, pt.Title)
	} else {
		fmt.Fprintf(w, "  %s %s（%s分）\n", pt.Code, pt.Title, trimNum(pt.Max))
	}
	if pt.Standard != "" {
		fmt.Fprintf(w, "      标准：%s\n", pt.Standard)
	}
	for i := range pt.Rules {
		fmt.Fprintf(w, "      计分：%s\n", p.Describe(&pt.Rules[i]))
	}
	if len(pt.Evidence) > 0 {
		fmt.Fprintf(w, "      佐证材料：%s\n", strings.Join(pt.Evidence, "；"))
	}
}

func vetoEffect(v engine.Veto) string {
	switch v.Effect {
	case engine.VetoFail:
		return "一票否决"
	case engine.VetoLower:
		return fmt.Sprintf("降%d等", v.Steps)
	case engine.VetoCap:
		return "最高评为" + v.Grade
	}
	return v.Effect
}

func levelName(l string) string {
	switch l {
	case "county":
		return "县级"
	case "city":
		return "市级"
	case "school":
		return "学校"
	}
	return l
}

func gradingName(fw *engine.Framework) string {
	if fw.IsVerdict() {
		return "达标判定"
	}
	names := make([]string, len(fw.Grading.Bands))
	for i, b := range fw.Grading.Bands {
		names[i] = b.Name
	}
	return "百分制（" + strings.Join(names, "/") + "）"
}

func countPoints(fw *engine.Framework) int {
	n := 0
	for _, a := range fw.Areas {
		n += len(a.Points)
	}
	return n
}

func intp(i int) *int { return &i }

func trimNum(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
