package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"ziping"
	"ziping/frameworks"
	"ziping/report"
)

// maxImportPlaceholders is how many placeholders the import summary shows per article.
const maxImportPlaceholders = 5

const reportImportUsage = "report import FILE [--framework ID] [--dry-run] [-o DIR] [--assessment ID [--db URL] [--article N] [--replace]]（.docx、.pdf、.md、.txt、.html）"

func runReportImport(e *env, args []string) error {
	fs := newFlags(e, "report import", reportImportUsage)
	fwID := fs.String("framework", "", "评价框架 ID：按标题把各节对应到一级指标")
	dry := fs.Bool("dry-run", false, "只打印摘要，不写文件")
	assessment := fs.Int64("assessment", 0, "把一篇报告存为这项自评的报告草稿（数据库中）")
	db := fs.String("db", "", "数据库：sqlite:文件 或 postgres://…（与 --assessment 一起使用）")
	article := fs.Int("article", 0, "存入第几篇（文件中有多篇报告时必须指定）")
	replace := fs.Bool("replace", false, "自评已有报告草稿时覆盖它")
	outDir := fs.String("o", ".", "草稿（Markdown）写入的目录，默认当前目录")
	if err := parseFlagsAndArgs(fs, reorderFlags(args)); err != nil {
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
	}
	switch {
	case *dry:
		fmt.Fprintln(e.stdout, "（--dry-run：未写入任何文件）")
		return nil
	case *assessment != 0:
		return importToAssessment(e, arts, *assessment, *db, *article, *replace)
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return fmt.Errorf("无法创建目录 %s: %w", *outDir, err)
	}
	// The drafts go into the output directory only, never beside the input: the
	// input may sit in a read-only or shared folder.
	for i, a := range arts {
		out := filepath.Join(*outDir, fmt.Sprintf("%s.article%d.md", filepath.Base(name), i+1))
		if err := os.WriteFile(out, []byte(report.DraftMarkdown(a, areas)), 0o644); err != nil {
			return fmt.Errorf("写入 %s: %w", out, err)
		}
		fmt.Fprintf(e.stdout, "第%d篇草稿已写入 %s\n", i+1, out)
	}
	if len(arts) > 0 {
		fmt.Fprintln(e.stdout, "草稿为 Markdown 文件；用 --assessment 编号 --db 数据库 可直接存为一项自评的报告草稿。")
	}
	return nil
}

// importToAssessment stores article n (1-based; 0: the only one) as the report draft
// of an assessment, which the web editor then shows with its lint findings.
func importToAssessment(e *env, arts []report.Article, id int64, db string, n int, replace bool) error {
	switch {
	case len(arts) == 0:
		return fmt.Errorf("文件中没有可导入的报告")
	case n == 0 && len(arts) > 1:
		return usagef("文件中有%d篇报告，请用 --article 指定存入哪一篇", len(arts))
	case n == 0:
		n = 1
	case n < 1 || n > len(arts):
		return usagef("--article 应在1到%d之间", len(arts))
	}
	svc, done, err := service(e, dbURL(e, db))
	if err != nil {
		return err
	}
	defer done()
	v, d, err := svc.Reports.ReportOf(e.ctx, ziping.System, id)
	if err != nil {
		return err
	}
	if len(d.Narrative) > 0 && !replace {
		return fmt.Errorf("自评%d（%s %d年度）已有报告草稿；确认覆盖请加 --replace", id, v.Unit.Name, v.Assessment.Period)
	}
	var areas []string
	for _, a := range v.Program.FW.Areas {
		areas = append(areas, a.Name)
	}
	saved, err := svc.Reports.SaveReport(e.ctx, ziping.System, id, []byte(report.DraftMarkdown(arts[n-1], areas)), d.Version)
	if err != nil {
		return err
	}
	v.Report = saved
	issues, err := svc.Reports.ReportIssues(v)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "第%d篇已存为自评%d（%s %d年度）的报告草稿（第%d版）；报告检查发现%d处问题，请在网页的报告编辑中逐项处理\n",
		n, id, v.Unit.Name, v.Assessment.Period, saved.Version, len(issues))
	return nil
}

// importValueFlags are the flags of report import that take a value.
var importValueFlags = map[string]bool{"framework": true, "assessment": true, "db": true, "article": true, "o": true}

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
			if importValueFlags[strings.TrimLeft(a, "-")] && i+1 < len(args) {
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
	m := report.MapAreasScored(a.Root, areas)
	if len(m) == 0 {
		fmt.Fprintln(e.stdout, "  没有与一级指标对应的节")
		return
	}
	a.Root.Walk(func(s *report.OutlineSection) {
		if match, ok := m[s]; ok {
			fmt.Fprintf(e.stdout, "  %s%s → %s（相似度%.2f）\n", s.Number, s.Title, match.Area, match.Score)
		}
	})
}
