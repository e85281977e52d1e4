package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
	"ziping/xlsx"
)

const benchUsage = `bench [--counties 2844] [--schools 500000] [--kindergartens 300000] [--province 20000] [--runs 5] [--dir DIR] [--only two-years] | bench web -h | bench survey -h | bench import -h`

// runBench measures the engine's targets on generated data in one run, so that the
// figures can be compared with each other on a noisy machine: load the nation-scale
// CSV, evaluate every county with each built-in county framework, run the whole
// process on it, load it again with the kindergartens and evaluate 学前普及普惠, load a
// province-sized xlsx and evaluate it, its schools too with the school frameworks;
// last the two-year nation file against pandas (twoYears; --only two-years runs it
// alone). It prints medians of --runs runs.
func runBench(e *env, args []string) error {
	if len(args) > 0 && args[0] == "web" {
		return runBenchWeb(e, args[1:])
	}
	if len(args) > 0 && args[0] == "import" {
		return runBenchImport(e, args[1:])
	}
	if len(args) > 0 && args[0] == "survey" {
		return runBenchSurvey(e, args[1:])
	}
	fs := newFlags(e, "bench", benchUsage)
	counties := fs.Int("counties", 2844, "全国规模数据的区县数")
	schools := fs.Int("schools", 500000, "全国规模数据的学校数")
	kgs := fs.Int("kindergartens", 300000, "全国规模数据的幼儿园数")
	province := fs.Int("province", 20000, "省级规模数据的学校数（xlsx）")
	runs := fs.Int("runs", 5, "每项重复次数，取中位数")
	dir := fs.String("dir", "", "放置生成数据的目录（默认临时目录，结束后删除）")
	only := fs.String("only", "", "只测一项：two-years（两个年度的全国数据，与 pandas 对比）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *only != "" && *only != "two-years" {
		return usagef("--only 只能是 two-years")
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "ziping-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "机器：%s/%s，%d核，GOMAXPROCS=%d，%s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	b := &bench{e: e, runs: *runs}
	if *only == "two-years" {
		return b.twoYears(*dir, *counties, *schools)
	}
	nation := filepath.Join(*dir, "nation.csv")
	t0 := time.Now()
	if err := writeNation(synth.Config{Counties: *counties, Schools: *schools, Kindergartens: *kgs, Seed: 7, Periods: []int{2023, 2024}}, nation); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "生成 %d 个区县、%d 所学校、%d 所幼儿园（2024年度学校表、幼儿园表，2023、2024年度区县表）的 CSV：%v\n\n",
		*counties, *schools, *kgs, time.Since(t0).Round(time.Millisecond))
	base := strings.TrimSuffix(nation, ".csv")
	if err := b.scale("全国", []string{nation, base + ".区县.csv"}, 400*time.Millisecond, 200*time.Millisecond); err != nil {
		return err
	}
	if err := b.wholeProcess([]string{nation, base + ".区县.csv"}); err != nil {
		return err
	}
	if err := b.preschool([]string{nation, base + ".幼儿园.csv", base + ".区县.csv"}); err != nil {
		return err
	}
	prov := filepath.Join(*dir, "province.xlsx")
	if _, err := writeDemoData(synth.Config{Counties: max(*province/200, 1), Schools: *province, Seed: 8, Periods: []int{2024}}, prov); err != nil {
		return err
	}
	if err := b.scale("全省", []string{prov}, time.Second, 10*time.Millisecond); err != nil {
		return err
	}
	return b.twoYears(*dir, *counties, *schools)
}

// writeNation writes the nation-scale files as the targets define them: the school
// and kindergarten tables of the latest year only (500,000 and 300,000 rows) and the
// county facts of both years, so that the year-over-year metrics are computed too.
func writeNation(cfg synth.Config, path string) error {
	p := synth.GenerateProvince(cfg)
	latest := cfg.Periods[len(cfg.Periods)-1]
	base := strings.TrimSuffix(path, ".csv")
	for file, t := range map[string]synth.Table{path: latestRows(p.Schools, latest), base + ".幼儿园.csv": latestRows(p.Kindergartens, latest), base + ".区县.csv": p.Counties} {
		if err := writeFile(file, func(w *bufio.Writer) error { return xlsx.WriteCSV(w, xlsx.Table{Header: t.Header, Rows: t.Rows}) }); err != nil {
			return err
		}
	}
	return nil
}

// latestRows keeps the rows of one year.
func latestRows(t synth.Table, year int) synth.Table {
	col := slices.Index(t.Header, "年度")
	rows := t.Rows[:0]
	for _, r := range t.Rows {
		if y, ok := r[col].(int); !ok || y == year {
			rows = append(rows, r)
		}
	}
	return synth.Table{Header: t.Header, Rows: rows}
}

type bench struct {
	e    *env
	runs int
}

// preschool loads the nation with its kindergartens and evaluates 学前普及普惠 (target
// < 200 ms over 2,844 counties with 300,000 kindergartens).
func (b *bench) preschool(files []string) error {
	p, err := frameworks.Builtin("xqpjph-2020")
	if err != nil {
		return err
	}
	ds, err := readData(nil, files, 0, p)
	if err != nil {
		return err
	}
	kgs := 0
	for _, st := range ds.Periods[ds.Latest()].Schools.Stage {
		if st == engine.StageKindergarten {
			kgs++
		}
	}
	d := b.median(func() error { _, err := p.Evaluate(ds, engine.Options{}); return err })
	b.report(fmt.Sprintf("全国：xqpjph-2020 评价全部%d个区县（%d所幼儿园）", len(ds.Units), kgs), d, 200*time.Millisecond)
	return nil
}

// scale loads files and evaluates every unit with each built-in framework of county
// level; at province scale the school frameworks also evaluate every school (no
// target: the time is reported).
func (b *bench) scale(label string, files []string, loadTarget, evalTarget time.Duration) error {
	prog, err := frameworks.Builtin("yzjh-2017")
	if err != nil {
		return err
	}
	var ds *engine.Dataset
	load := b.median(func() error {
		var err error
		ds, err = readData(nil, files, 0, prog)
		return err
	})
	if ds == nil {
		return fmt.Errorf("读取 %s 失败", files[0])
	}
	rows := ds.Periods[ds.Latest()].Schools.Len()
	b.report(fmt.Sprintf("%s：读取 %s（拆分学段后%d行）", label, filepath.Ext(files[0]), rows), load, loadTarget)
	for _, id := range frameworks.IDs() {
		p, err := frameworks.Builtin(id)
		if err != nil {
			return err
		}
		if p.FW.Level != engine.LevelCounty {
			if label == "全省" {
				units := ds.ForLevel(p.FW.Level)
				d := b.median(func() error { _, err := p.Evaluate(ds.ForLevel(p.FW.Level), engine.Options{}); return err })
				b.report(fmt.Sprintf("%s：%s 评价全部%d所%s", label, id, len(units.Units), unitWord(p.FW.Level)), d, 0)
			}
			continue
		}
		d := b.median(func() error { _, err := p.Evaluate(ds, engine.Options{}); return err })
		b.report(fmt.Sprintf("%s：%s 评价全部%d个区县", label, id, len(ds.Units)), d, evalTarget)
	}
	return nil
}

func (b *bench) median(fn func() error) time.Duration {
	var ds []time.Duration
	for i := 0; i < b.runs; i++ {
		runtime.GC()
		t := time.Now()
		if err := fn(); err != nil {
			fmt.Fprintf(b.e.stderr, "出错：%v\n", err)
			return 0
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// report prints a median and whether it meets the target; a target of 0 is none.
func (b *bench) report(what string, d, target time.Duration) {
	if target == 0 {
		fmt.Fprintf(b.e.stdout, "%-44s 中位数 %10v\n", what, d.Round(10*time.Microsecond))
		return
	}
	verdict := "达到"
	if d > target {
		verdict = "未达到"
	}
	fmt.Fprintf(b.e.stdout, "%-44s 中位数 %10v  目标 < %v（%s）\n", what, d.Round(10*time.Microsecond), target, verdict)
}
