package main

import (
	"fmt"
	"os"
	"strings"

	"ziping/frameworks"
	"ziping/report"
)

// maxImportPlaceholders is how many placeholders the import summary shows per article.
const maxImportPlaceholders = 5

func runReportImport(e *env, args []string) error {
	fs := newFlags(e, "report import", "report import FILE [--framework ID] [--dry-run]（.docx、.md、.txt）")
	fwID := fs.String("framework", "", "评价框架 ID：按标题把各节对应到一级指标")
	dry := fs.Bool("dry-run", false, "只打印摘要，不写文件")
	if err := parseFlags(fs, reorderFlags(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("需要一个文件")
	}
	name := fs.Arg(0)
	var areas []string
	if *fwID != "" {
		p, err := frameworks.Builtin(*fwID)
		if err != nil {
			return err
		}
		for _, a := range p.FW.Areas {
			areas = append(areas, a.Name)
		}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return fmt.Errorf("%s: 无法读取: %w", name, err)
	}
	text, err := report.ExtractText(name, data)
	if err != nil {
		return err
	}
	arts := report.SplitArticles(text)
	fmt.Fprintf(e.stdout, "%s：找到%d篇报告\n", name, len(arts))
	for i, a := range arts {
		printArticle(e, i+1, a, areas)
		if *dry {
			continue
		}
		out := fmt.Sprintf("%s.article%d.md", name, i+1)
		if err := os.WriteFile(out, []byte(articleMarkdown(a)), 0o644); err != nil {
			return fmt.Errorf("写入 %s: %w", out, err)
		}
		fmt.Fprintf(e.stdout, "  草稿已写入 %s\n", out)
	}
	if *dry {
		fmt.Fprintln(e.stdout, "（--dry-run：未写入任何文件）")
	} else if len(arts) > 0 {
		fmt.Fprintln(e.stdout, "草稿为 Markdown 文件；存入数据库和范文库将在后续版本提供。")
	}
	return nil
}

// reorderFlags moves flags after the file name in front of it, so both
// 「import FILE --dry-run」 and 「import --dry-run FILE」 work.
func reorderFlags(args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-"):
			flags = append(flags, a)
			if (a == "--framework" || a == "-framework") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			rest = append(rest, a)
		}
	}
	return append(flags, rest...)
}

func printArticle(e *env, n int, a report.Article, areas []string) {
	title := a.Title
	if title == "" {
		title = "（无标题）"
	}
	c := a.Root.Counts()
	fmt.Fprintf(e.stdout, "第%d篇（第%d行）：%s\n", n, a.StartLine, title)
	fmt.Fprintf(e.stdout, "  大纲：%d级（一、%d个，（一）%d个，1. %d个，（1）%d个）\n", a.Root.Depth(), c[1], c[2], c[3], c[4])
	if len(a.Placeholders) == 0 {
		fmt.Fprintln(e.stdout, "  未填写的数字：无")
	} else {
		var shown []string
		for _, f := range a.Placeholders[:min(len(a.Placeholders), maxImportPlaceholders)] {
			shown = append(shown, fmt.Sprintf("「%s」（第%d行）", f.Text, f.Line))
		}
		more := ""
		if len(a.Placeholders) > maxImportPlaceholders {
			more = "…"
		}
		fmt.Fprintf(e.stdout, "  未填写的数字：%d处 %s%s\n", len(a.Placeholders), strings.Join(shown, "、"), more)
	}
	if areas == nil {
		return
	}
	m := report.MapAreas(a.Root, areas)
	if len(m) == 0 {
		fmt.Fprintln(e.stdout, "  没有与一级指标对应的节")
		return
	}
	a.Root.Walk(func(s *report.OutlineSection) {
		if area, ok := m[s]; ok {
			fmt.Fprintf(e.stdout, "  %s%s → %s\n", s.Number, s.Title, area)
		}
	})
}

// articleMarkdown is the draft of an imported article: its title as the
// level-1 heading and its outline as headings one level down, keeping the
// official numbering text.
func articleMarkdown(a report.Article) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", a.Title)
	a.Root.Walk(func(s *report.OutlineSection) {
		if s.Level > 0 {
			fmt.Fprintf(&b, "\n%s %s%s\n", strings.Repeat("#", s.Level+1), s.Number, s.Title)
		}
		for _, p := range strings.Split(s.Text, "\n") {
			if p != "" {
				fmt.Fprintf(&b, "\n%s\n", p)
			}
		}
	})
	return b.String()
}
