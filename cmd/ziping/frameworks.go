package main

import (
	"encoding/json"
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
		fmt.Fprintln(e.stderr, "用法: ziping frameworks list | show ID|FILE | check FILE | diff ID|FILE ID|FILE [--format json]")
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
	case "diff":
		return diffFrameworks(e, args[1:])
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
	if fw.Depth() > 2 {
		fmt.Fprintf(w, "指标层级：%s\n", strings.Join(fw.LevelNames(), " › "))
	}
	for _, a := range fw.Areas {
		if len(a.Groups) == 0 {
			fmt.Fprintf(w, "\n%s %s\n", a.Code, a.Name)
			for _, pt := range a.Points {
				writePoint(w, p, "  ", &pt, fw.IsVerdict())
			}
			continue
		}
		fmt.Fprintf(w, "\n%s %s（%s分）\n", a.Code, a.Name, trimNum(a.MaxScore()))
		writeGroups(w, p, "  ", a.Groups, a.Points)
	}
	if fw.Bonus != nil {
		fmt.Fprintf(w, "\n加分项（合计不超过%s分）\n", engine.FormatValue(fw.Bonus.Cap, "", intp(0)))
		for _, pt := range fw.Bonus.Items {
			writePoint(w, p, "  ", &pt, false)
		}
	}
	if len(fw.Vetoes) > 0 {
		fmt.Fprintln(w, "\n否决及降等情形")
		for _, v := range fw.Vetoes {
			fmt.Fprintf(w, "  %s %s（%s）\n", v.Code, v.Title, engine.VetoText(v))
		}
	}
}

// writeGroups writes groups at an indent, each with its groups or points further in.
func writeGroups(w io.Writer, p *engine.Program, indent string, groups []engine.Group, points []engine.Point) {
	for i := range groups {
		g := &groups[i]
		if p.FW.IsVerdict() {
			fmt.Fprintf(w, "%s%s %s\n", indent, g.Code, g.Name)
		} else {
			fmt.Fprintf(w, "%s%s %s（%s分）\n", indent, g.Code, g.Name, trimNum(g.Max))
		}
		writeGroups(w, p, indent+"  ", g.Groups, points)
		for k := g.Lo; k < g.Hi && len(g.Groups) == 0; k++ {
			writePoint(w, p, indent+"  ", &points[k], p.FW.IsVerdict())
		}
	}
}

func writePoint(w io.Writer, p *engine.Program, indent string, pt *engine.Point, verdict bool) {
	if verdict {
		fmt.Fprintf(w, "%s%s %s\n", indent, pt.Code, pt.Title)
	} else {
		fmt.Fprintf(w, "%s%s %s（%s分）\n", indent, pt.Code, pt.Title, trimNum(pt.Max))
	}
	more := indent + "    "
	if pt.Standard != "" {
		fmt.Fprintf(w, "%s标准：%s\n", more, pt.Standard)
	}
	for i := range pt.Rules {
		fmt.Fprintf(w, "%s计分：%s\n", more, p.Describe(&pt.Rules[i]))
	}
	if len(pt.Evidence) > 0 {
		fmt.Fprintf(w, "%s佐证材料：%s\n", more, strings.Join(pt.Evidence, "；"))
	}
}

func levelName(l string) string {
	switch l {
	case engine.LevelCounty:
		return "县级"
	case engine.LevelCity:
		return "市级"
	case engine.LevelSchool:
		return "学校"
	case engine.LevelKindergarten:
		return "幼儿园"
	}
	return l
}

const diffUsage = "frameworks diff ID|FILE ID|FILE [--format json]"

// diffFrameworks prints what changed from the first framework to the second, as
// engine.Diff lists it.
func diffFrameworks(e *env, args []string) error {
	fs := newFlags(e, "frameworks diff", diffUsage)
	format := fs.String("format", "table", "输出格式：table 或 json")
	refs, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(refs) != 2 || (*format != "table" && *format != "json") {
		return usagef("用法: ziping %s", diffUsage)
	}
	var progs [2]*engine.Program
	for i := range progs {
		p, err := frameworks.Resolve(refs[i])
		if err != nil {
			return err
		}
		progs[i] = p
	}
	changes := engine.Diff(progs[0], progs[1])
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			From    string          `json:"from"`
			To      string          `json:"to"`
			Changes []engine.Change `json:"changes"`
		}{refs[0], refs[1], changes})
	}
	a, b := progs[0].FW, progs[1].FW
	fmt.Fprintf(e.stdout, "%s %s → %s %s\n", a.ID, a.Version, b.ID, b.Version)
	if len(changes) == 0 {
		fmt.Fprintln(e.stdout, "两个版本的内容相同")
		return nil
	}
	fmt.Fprintf(e.stdout, "共%d处变化：\n", len(changes))
	for i, c := range changes {
		fmt.Fprintf(e.stdout, "%3d. %s\n", i+1, c.Text)
	}
	return nil
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
