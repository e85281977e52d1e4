package main

import (
	"errors"
	"fmt"
	"os"

	"ziping/report"
)

const reportUsage = `用法: ziping report <子命令>

子命令:
  lint FILE...   检查自评报告（.docx、.pdf、.md、.txt、.html）中未填写的数字，
                 如「x%」「x所」「x余人」「xx万元」「20xx年」「〇〇县」「（  ）」、
                 「（请填写…）」和缺少的成文日期；发现时退出码为 1
  render ...     由数据文件和叙述（Markdown）生成自评报告（docx、pdf、html、md）；
                 用法见 ziping report render -h
  import FILE    导入已有的自评报告（.docx、.pdf、.md、.txt、.html）：拆分多篇、识别大纲、
                 对应一级指标（--framework ID）、查未填写的数字；草稿写入 -o 目录
                 （默认当前目录）；--dry-run 只看摘要
`

func runReport(e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(e.stderr, reportUsage)
		if len(args) == 0 {
			return usagef("缺少子命令")
		}
		return nil
	}
	switch args[0] {
	case "lint":
		return runReportLint(e, args[1:])
	case "render":
		return runReportRender(e, args[1:])
	case "import":
		return runReportImport(e, args[1:])
	}
	fmt.Fprint(e.stderr, reportUsage)
	return usagef("未知的子命令「%s」", args[0])
}

func runReportLint(e *env, args []string) error {
	fs := newFlags(e, "report lint", "report lint FILE...（.docx、.pdf、.md、.txt、.html）")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("缺少文件")
	}
	total, failed := 0, 0
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: 无法读取: %v\n", name, err)
			failed++
			continue
		}
		text, err := report.ExtractText(name, data)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
			failed++
			continue
		}
		for _, f := range report.LintDocument(text) {
			switch f.Kind {
			case report.KindNoDate:
				fmt.Fprintf(e.stdout, "%s:%d: 缺少成文日期（%s）\n", name, f.Line, f.Context)
			case "请填写":
				fmt.Fprintf(e.stdout, "%s:%d:%d: 未填写的内容「%s」\n", name, f.Line, f.Col, f.Text)
			default:
				fmt.Fprintf(e.stdout, "%s:%d:%d: 未填写的数字「%s」（%s）\n", name, f.Line, f.Col, f.Text, f.Context)
			}
			total++
		}
	}
	switch {
	case total > 0:
		fmt.Fprintf(e.stdout, "共%d处未填写\n", total)
	case failed == 0:
		fmt.Fprintln(e.stdout, "未发现未填写的数字、内容或日期")
	}
	if failed > 0 {
		return fmt.Errorf("%d个文件无法检查", failed)
	}
	if total > 0 {
		return errors.New("报告中有未填写的数字")
	}
	return nil
}
