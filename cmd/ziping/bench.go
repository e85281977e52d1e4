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

const benchUsage = `bench [--counties 2844] [--schools 500000] [--province 20000] [--runs 5] [--dir DIR] | bench web -h`

// runBench measures the engine's targets on generated data in one run, so that the
// figures can be compared with each other on a noisy machine: load the nation-scale
// CSV, evaluate every county with each built-in framework, load a province-sized
// xlsx and evaluate it. It prints medians of --runs runs.
func runBench(e *env, args []string) error {
	if len(args) > 0 && args[0] == "web" {
		return runBenchWeb(e, args[1:])
	}
	fs := newFlags(e, "bench", benchUsage)
	counties := fs.Int("counties", 2844, "全国规模数据的区县数")
	schools := fs.Int("schools", 500000, "全国规模数据的学校数")
	province := fs.Int("province", 20000, "省级规模数据的学校数（xlsx）")
	runs := fs.Int("runs", 5, "每项重复次数，取中位数")
	dir := fs.String("dir", "", "放置生成数据的目录（默认临时目录，结束后删除）")
	if err := parseFlags(fs, args); err != nil {
		return err
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
	nation := filepath.Join(*dir, "nation.csv")
	t0 := time.Now()
	if err := writeNation(synth.Config{Counties: *counties, Schools: *schools, Seed: 7, Periods: []int{2023, 2024}}, nation); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "生成 %d 个区县、%d 所学校（2024年度学校表，2023、2024年度区县表）的 CSV：%v\n\n", *counties, *schools, time.Since(t0).Round(time.Millisecond))
	if err := b.scale("全国", []string{nation, strings.TrimSuffix(nation, ".csv") + ".区县.csv"}, 400*time.Millisecond, 200*time.Millisecond); err != nil {
		return err
	}
	prov := filepath.Join(*dir, "province.xlsx")
	if _, err := writeDemoData(synth.Config{Counties: max(*province/200, 1), Schools: *province, Seed: 8, Periods: []int{2024}}, prov); err != nil {
		return err
	}
	return b.scale("全省", []string{prov}, time.Second, 10*time.Millisecond)
}

// writeNation writes the nation-scale files as the targets define them: the school
// table of the latest year only (500,000 rows) and the county facts of both years, so
// that the year-over-year metrics are computed too.
func writeNation(cfg synth.Config, path string) error {
	schools, counties := synth.Generate(cfg)
	latest := cfg.Periods[len(cfg.Periods)-1]
	col := slices.Index(schools.Header, "年度")
	rows := schools.Rows[:0]
	for _, r := range schools.Rows {
		if y, ok := r[col].(int); !ok || y == latest {
			rows = append(rows, r)
		}
	}
	st := xlsx.Table{Header: schools.Header, Rows: rows}
	ct := xlsx.Table{Header: counties.Header, Rows: counties.Rows}
	if err := writeFile(path, func(w *bufio.Writer) error { return xlsx.WriteCSV(w, st) }); err != nil {
		return err
	}
	return writeFile(strings.TrimSuffix(path, ".csv")+".区县.csv", func(w *bufio.Writer) error { return xlsx.WriteCSV(w, ct) })
}

type bench struct {
	e    *env
	runs int
}

// scale loads files and evaluates every unit with each built-in framework.
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

func (b *bench) report(what string, d, target time.Duration) {
	verdict := "达到"
	if d > target {
		verdict = "未达到"
	}
	fmt.Fprintf(b.e.stdout, "%-44s 中位数 %10v  目标 < %v（%s）\n", what, d.Round(10*time.Microsecond), target, verdict)
}
