package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ziping"
	"ziping/docx"
	"ziping/engine"
	"ziping/report"
)

const renderUsage = `report render --framework ID|FILE --data FILE... (--unit CODE | --all) [--period YYYY]
       [--scores FILE.yaml] [--narrative FILE.md] [--issuer 名称] [--recipient 主送机关] [--date YYYY-MM-DD]
       [--layout default|self_first] --format docx|pdf|html|md -o FILE|DIR [--strict]
       report render (--assessment ID | --unit CODE --period YYYY [--all]) --db URL [--framework ID]
       --format docx|pdf|html|md -o FILE|DIR [--strict]`

type renderFlags struct {
	sourceFlags
	narrative, issuer, date, format, out string
	recipient, layout                    string
	strict                               bool
	assessment                           int64
	db                                   string
}

func runReportRender(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, reportUsage)
		return usagef("render 缺少参数（ziping report render -h 查看用法）")
	}
	var f renderFlags
	fs := newFlags(e, "report render", renderUsage)
	f.register(fs, "为数据中的每个区县生成报告（并行），-o 为输出目录")
	fs.StringVar(&f.narrative, "narrative", "", "叙述文件（Markdown，可含绑定值 {{metric \"ID\"}}、{{指标名称}}）")
	fs.StringVar(&f.issuer, "issuer", "", "发文机关署名（默认「<区县>人民政府」，学校、幼儿园为其名称）")
	fs.StringVar(&f.date, "date", "", "成文日期 YYYY-MM-DD（默认今天，北京时间）")
	fs.StringVar(&f.recipient, "recipient", "", "主送机关（默认「<地市>人民政府教育督导委员会办公室」，或叙述首行写的）")
	fs.StringVar(&f.layout, "layout", "", "版式：default（基本情况在前）或 self_first（一、自查自评情况在前）；默认按评价体系")
	fs.StringVar(&f.format, "format", "docx", "输出格式：docx、pdf、html 或 md")
	fs.StringVar(&f.out, "o", "", "输出文件（--all 时为目录）")
	fs.BoolVar(&f.strict, "strict", false, "报告检查发现问题（未填写的数字、未填写的章节）时退出码为 1")
	fs.Int64Var(&f.assessment, "assessment", 0, "从数据库生成这项自评（编号见自评页面地址）的报告")
	fs.StringVar(&f.db, "db", "", "数据库：sqlite:文件 或 postgres://…（与 --assessment 一起使用）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.assessment != 0 || f.db != "" {
		return renderFromStore(e, &f)
	}
	date, err := f.check()
	if err != nil {
		return err
	}
	prog, ds, opt, err := f.load(e.stderr)
	if err != nil {
		return err
	}
	var narrative []byte
	if f.narrative != "" {
		if narrative, err = os.ReadFile(f.narrative); err != nil {
			return fmt.Errorf("无法读取叙述文件: %w", err)
		}
	}
	if f.all {
		return renderAll(e, &f, prog, ds, opt, narrative, date)
	}
	results, err := prog.Evaluate(ds, opt)
	if err != nil {
		return err
	}
	issues, err := renderOne(&f, prog.FW, results[0], narrative, date, f.out)
	printIssues(e.stderr, results[0].Unit.Name, issues)
	findings := len(issues)
	if err != nil {
		return err
	}
	if findings > 0 && f.strict {
		return fmt.Errorf("报告检查发现%d处问题（--strict）", findings)
	}
	return nil
}

func (f *renderFlags) check() (time.Time, error) {
	var date time.Time
	switch {
	case f.framework == "":
		return date, usagef("缺少 --framework")
	case len(f.data) == 0:
		return date, usagef("缺少 --data")
	case f.out == "":
		return date, usagef("缺少 -o")
	case f.all && f.unit != "":
		return date, usagef("--unit 与 --all 不能同时使用")
	case f.format != "docx" && f.format != "pdf" && f.format != "html" && f.format != "md":
		return date, usagef("--format 应为 docx、pdf、html 或 md")
	case f.layout != "" && f.layout != engine.LayoutDefault && f.layout != engine.LayoutSelfFirst:
		return date, usagef("--layout 应为 default 或 self_first")
	}
	// 成文日期: the day given, or today where the report is dated (Beijing time),
	// not the UTC day.
	date = time.Now().In(ziping.Zone())
	if f.date != "" {
		d, err := time.ParseInLocation("2006-01-02", f.date, ziping.Zone())
		if err != nil {
			return date, usagef("--date 应为 YYYY-MM-DD")
		}
		date = d
	}
	return date, nil
}

// renderOne builds, lints and writes one unit's report; it returns the lint
// findings. Unfillable bound values are an error.
func renderOne(f *renderFlags, fw *engine.Framework, res *engine.Result, narrative []byte, date time.Time, out string) ([]report.Issue, error) {
	issuer := f.issuer
	if issuer == "" {
		issuer = report.DefaultIssuer(fw, res.Unit.Name)
	}
	rep, err := report.Build(res, fw, narrative, report.BuildOptions{Issuer: issuer, Recipient: f.recipient, Date: date, Layout: f.layout})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", res.Unit.Name, err)
	}
	var buf bytes.Buffer
	switch f.format {
	case "docx":
		err = rep.Docx(&buf, docx.Options{})
	case "pdf":
		err = rep.PDF(context.Background(), &buf, docx.Options{})
	case "html":
		buf.WriteString(rep.HTML())
	case "md":
		buf.WriteString(rep.Markdown())
	}
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("无法写出报告: %w", err)
	}
	return rep.Lint(), nil
}

// printIssues prints one report's lint findings as warnings, each at its place.
func printIssues(w io.Writer, unit string, issues []report.Issue) {
	for _, is := range issues {
		fmt.Fprintf(w, "警告: %s: %s 第%d行第%d列「%s」（%s）\n", unit, is.Section, is.Line, is.Col, is.Text, is.Kind)
	}
}

// issueSummary gathers the lint findings of many reports by what was found (the
// section, the kind and the text), so that 2,844 reports with the same unfilled
// section make one warning, not 2,844 lines between the progress counts.
type issueSummary struct {
	order []issueKey
	seen  map[issueKey]*issueGroup
}

type issueKey struct{ section, kind, text string }

type issueGroup struct {
	units []string // the first few units, in the order they were rendered
	n     int      // reports with this finding
}

// mostNamed is how many units a summarised warning names.
const mostNamed = 5

func (s *issueSummary) add(unit string, issues []report.Issue) {
	if s.seen == nil {
		s.seen = map[issueKey]*issueGroup{}
	}
	counted := map[issueKey]bool{}
	for _, is := range issues {
		k := issueKey{is.Section, is.Kind, is.Text}
		if counted[k] {
			continue
		}
		counted[k] = true
		g := s.seen[k]
		if g == nil {
			g = &issueGroup{}
			s.seen[k] = g
			s.order = append(s.order, k)
		}
		g.n++
		if len(g.units) < mostNamed {
			g.units = append(g.units, unit)
		}
	}
}

// print writes one warning per finding: how many reports have it, and which.
func (s *issueSummary) print(w io.Writer, total int) {
	for _, k := range s.order {
		g := s.seen[k]
		who := strings.Join(g.units, "、")
		if g.n > len(g.units) {
			who += "等"
		}
		fmt.Fprintf(w, "警告: %s份报告中有%s份的「%s」有「%s」（%s）：%s\n",
			engine.GroupDigits(strconv.Itoa(total)), engine.GroupDigits(strconv.Itoa(g.n)), k.section, k.text, k.kind, who)
	}
}

// renderAll writes one report per unit into the directory f.out as the units are
// evaluated (engine.Stream: a bounded window of results in memory, never all of them),
// rendering on every core, with a progress line on stderr. A unit that fails does
// not stop the others; every failure is reported at the end.
func renderAll(e *env, f *renderFlags, prog *engine.Program, ds *engine.Dataset, opt engine.Options, narrative []byte, date time.Time) error {
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return fmt.Errorf("无法创建输出目录: %w", err)
	}
	if f.format == "pdf" {
		opt.Workers = 1 // LibreOffice instances are heavy; one at a time
	}
	var (
		mu       sync.Mutex
		errs     []error
		findings int
		done     int
		summary  issueSummary
	)
	total := len(ds.Units)
	if opt.Units != nil {
		total = len(opt.Units)
	}
	type rendered struct {
		unit   string
		issues []report.Issue
		err    error
	}
	err := engine.Stream(prog, ds, opt,
		func(_ int, r *engine.Result) (rendered, error) {
			name := filepath.Join(f.out, r.Unit.Code+"-"+r.Unit.Name+"."+f.format)
			issues, err := renderOne(f, prog.FW, r, narrative, date, name)
			return rendered{unit: r.Unit.Name, issues: issues, err: err}, nil
		},
		func(_ int, v rendered) error {
			mu.Lock()
			defer mu.Unlock()
			findings += len(v.issues)
			summary.add(v.unit, v.issues)
			if v.err != nil {
				errs = append(errs, v.err)
			}
			done++
			fmt.Fprintf(e.stderr, "\r已生成 %d/%d", done, total)
			return nil
		})
	fmt.Fprintln(e.stderr)
	summary.print(e.stderr, done)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if findings > 0 && f.strict {
		return fmt.Errorf("报告检查共发现%d处问题（--strict）", findings)
	}
	return nil
}

// lockedWriter serialises the workers' warnings with the progress line.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// renderFromStore renders reports from the store: one assessment by id, the
// assessment of a unit and period, or with --all every assessment of the unit's
// subtree for the period (into the directory -o), in parallel.
func renderFromStore(e *env, f *renderFlags) error {
	switch {
	case f.out == "":
		return usagef("缺少 -o")
	case f.format != "docx" && f.format != "pdf" && f.format != "html" && f.format != "md":
		return usagef("--format 应为 docx、pdf、html 或 md")
	case len(f.data) > 0 || f.scores != "" || f.narrative != "":
		return usagef("从数据库生成时数据、评分和叙述都取自数据库，不能再给 --data、--scores、--narrative")
	case f.assessment == 0 && (f.unit == "" || f.period == 0):
		return usagef("从数据库生成需要 --assessment 编号，或 --unit 单位代码和 --period 年度")
	}
	svc, done, err := service(e, dbURL(e, f.db))
	if err != nil {
		return err
	}
	defer done()
	ids, err := storeAssessments(e, svc, f)
	if err != nil {
		return err
	}
	if len(ids) == 1 && !f.all {
		n, err := renderStored(e, svc, f, ids[0], "")
		if err == nil && n > 0 && f.strict {
			err = fmt.Errorf("报告检查发现%d处问题（--strict）", n)
		}
		return err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	// The workers print findings; one lock keeps their lines whole and the progress
	// line last.
	var mu sync.Mutex
	le := *e
	le.stderr = &lockedWriter{mu: &mu, w: e.stderr}
	var findings, failed, rendered atomic.Int64
	jobs := make(chan int64)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	if f.format == "pdf" {
		workers = 1 // LibreOffice instances are heavy; one at a time
	}
	for range workers {
		wg.Go(func() {
			for id := range jobs {
				n, err := renderStored(&le, svc, f, id, f.out)
				mu.Lock()
				if err != nil {
					fmt.Fprintf(e.stderr, "\r自评%d：%v\n", id, err)
					failed.Add(1)
				}
				fmt.Fprintf(e.stderr, "\r已生成 %d/%d", rendered.Add(1), len(ids))
				mu.Unlock()
				findings.Add(int64(n))
			}
		})
	}
	for _, id := range ids {
		jobs <- id
	}
	close(jobs)
	wg.Wait()
	fmt.Fprintln(e.stderr)
	fmt.Fprintf(e.stdout, "共生成%d份报告（%s），%d份失败，报告检查发现%d处问题\n", len(ids)-int(failed.Load()), f.out, failed.Load(), findings.Load())
	switch {
	case failed.Load() > 0:
		return fmt.Errorf("%d份报告生成失败", failed.Load())
	case findings.Load() > 0 && f.strict:
		return fmt.Errorf("报告检查发现%d处问题（--strict）", findings.Load())
	}
	return nil
}

// storeAssessments finds the assessments the flags name.
func storeAssessments(e *env, svc *services, f *renderFlags) ([]int64, error) {
	if f.assessment != 0 {
		return []int64{f.assessment}, nil
	}
	u, err := svc.Store.UnitByCode(e.ctx, f.unit)
	if err != nil {
		return nil, fmt.Errorf("没有单位「%s」: %w", f.unit, err)
	}
	q := ziping.AssessmentQuery{UnitIDs: []int64{u.ID}, Period: f.period, Framework: f.framework}
	if f.all {
		q = ziping.AssessmentQuery{UnitPath: u.Path, Period: f.period, Framework: f.framework}
	}
	list, err := svc.Store.Assessments(e.ctx, q)
	if err != nil {
		return nil, err
	}
	switch {
	case len(list) == 0:
		return nil, fmt.Errorf("「%s」没有%d年度的自评", u.Name, f.period)
	case len(list) > 1 && !f.all:
		return nil, usagef("「%s」%d年度有%d项自评，请用 --framework 指定评价体系", u.Name, f.period, len(list))
	}
	ids := make([]int64, len(list))
	for i, as := range list {
		ids[i] = as.ID
	}
	return ids, nil
}

// renderStored renders one stored assessment's report: its data, its scores (frozen
// once submitted) and the narrative written in the web editor. With dir it writes
// DIR/CODE-名称-YEAR.format and says nothing but the findings (the caller shows
// progress); without, it writes -o and says so. It returns how many findings the
// report check printed.
func renderStored(e *env, svc *services, f *renderFlags, id int64, dir string) (int, error) {
	v, err := svc.Assess.Assessment(e.ctx, ziping.System, id)
	if err != nil {
		return 0, err
	}
	issues, err := svc.Reports.ReportIssues(v)
	if err != nil {
		return 0, err
	}
	for _, is := range issues {
		fmt.Fprintf(e.stderr, "\r报告检查（%s）：「%s」第%d行第%d字：%s（%s）\n", v.Unit.Name, is.Section, is.Line, is.Col, is.Text, is.Kind)
	}
	var buf bytes.Buffer
	if err := svc.Reports.WriteReport(e.ctx, ziping.System, id, f.format, &buf); err != nil {
		return 0, err
	}
	out := f.out
	if dir != "" {
		out = filepath.Join(dir, fmt.Sprintf("%s-%s-%d-%s.%s", v.Unit.Code, v.Unit.Name, v.Assessment.Period, v.Assessment.Framework, f.format))
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return 0, err
	}
	if dir == "" {
		fmt.Fprintf(e.stdout, "已生成 %s（%s %d年度）\n", out, v.Unit.Name, v.Assessment.Period)
	}
	return len(issues), nil
}
