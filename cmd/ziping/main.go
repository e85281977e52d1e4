// Command ziping evaluates counties, cities and schools against official indicator
// frameworks from the statistics they already keep in spreadsheets. Run
// `ziping help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"ziping"
)

// version is stamped at build time: -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	stopProfiles := startProfiles(os.Getenv)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stopProfiles()
	stop()
	os.Exit(code)
}

// env is what a subcommand gets: its arguments and the process's streams.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	times  *stages // ZIPING_TIMES: the command's stages timed on stderr
	// auditKey and auditCheckpoints are the --audit-key and --audit-checkpoints
	// flags of the command, when it has them (auditkey.go).
	auditKey, auditCheckpoints string
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "生成一个示范省并给出排名和一个区县的评分表", runDemo},
		{"serve", "启动网页服务（--addr :8080 --db URL）", runServe},
		{"evaluate", "按评价体系计算指标、评分并说明扣分理由", runEvaluate},
		{"report", "自评报告：生成（report render）、导入已有报告（report import）、检查未填数字（report lint）", runReport},
		{"frameworks", "列出、查看、检查评价体系（list | show ID | check FILE）", runFrameworks},
		{"survey", "社会认可度调查：问卷（list）、抽样方案（plan）、由问卷星等导出计算认可度（result）", runSurvey},
		{"demo-data", "生成逼真的模拟数据（学校表和区县表）", runDemoData},
		{"bench", "测量导入与评价的速度", runBench},
		{"import", "把学校表、区县表导入数据库（全部成功或全部不导入；--period 只导入该年度）", runImport},
		{"unit", "添加单位、调整学校所属区县（unit add | move）", runUnit},
		{"user", "管理用户（user add | passwd | list | disable | enable | unlock）", runUser},
		{"audit", "校验审计记录（audit verify）、写检查点（audit checkpoint）", runAudit},
		{"migrate", "建立或升级数据库结构", runMigrate},
		{"backup", "在线备份 SQLite 数据库（服务运行时也可）", runBackup},
		{"restore", "从备份恢复 SQLite 数据库（服务运行时拒绝）", runRestore},
		{"version", "显示版本", runVersion},
		{"help", "显示帮助", nil},
	}
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, times: newStages(getenv, stderr)}
	defer e.times.total()
	// ZIPING_TZ: the zone every time users see and every document's date is written
	// in (serve --tz says it for the server alone); Asia/Shanghai when unset.
	if tz := getenv("ZIPING_TZ"); tz != "" {
		if err := ziping.SetZone(tz); err != nil {
			fmt.Fprintf(stderr, "ziping: ZIPING_TZ: %v\n", err)
			return 2
		}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		err := c.run(e, args[1:])
		var ue *usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "ziping %s: %v\n运行 ziping %s -h 查看用法\n", c.name, err, c.name)
			return 2
		default:
			fmt.Fprintf(stderr, "ziping %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "ziping: 未知命令「%s」\n", args[0])
	printHelp(stderr)
	return 2
}

func printHelp(w io.Writer) {
	var b strings.Builder
	b.WriteString("ziping（自评）— 教育督导评价自评系统\n\n用法: ziping <命令> [参数]\n\n命令:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	b.WriteString("\n运行 ziping <命令> -h 查看各命令的参数。\n")
	io.WriteString(w, b.String())
}

func runVersion(e *env, args []string) error {
	fmt.Fprintf(e.stdout, "ziping %s\n", version)
	return nil
}

// newFlags makes a flag set that prints its usage to the command's stderr.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: ziping %s\n\n参数:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses a command line of flags only and turns flag errors into usage
// errors. A fileList flag takes every argument after it up to the next flag
// (--data a.csv b.csv, as --data a.csv --data b.csv); any other argument that is no
// flag's value is an error naming it, never silently dropped with what follows it.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsAndArgs(fs, expandLists(fs, args)); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("多余的参数「%s」（参数须跟在选项之后，如 --data 文件1 文件2）", fs.Arg(0))
	}
	return nil
}

// parseFlagsAndArgs parses flags for a command that takes arguments too (fs.Args).
func parseFlagsAndArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	return nil
}

// expandLists rewrites "--data a b" into "--data a --data b": the plain arguments
// after a fileList flag's value are more values of it, up to the next flag.
func expandLists(fs *flag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	list := "" // the fileList flag the plain arguments go to
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			if list != "" {
				out = append(out, "--"+list)
			}
			out = append(out, a)
			continue
		}
		out = append(out, a)
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		list = ""
		f := fs.Lookup(name)
		if f == nil {
			continue // Parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if !hasValue && i+1 < len(args) {
			out = append(out, args[i+1])
			i++
		}
		if _, ok := f.Value.(*fileList); ok {
			list = name
		}
	}
	return out
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// fileList is a repeatable flag that also takes the plain arguments after it:
// --data a.csv b.csv.
type fileList []string

func (s *fileList) String() string     { return strings.Join(*s, ",") }
func (s *fileList) Set(v string) error { *s = append(*s, v); return nil }
