package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
)

// wholeProcess runs `ziping evaluate` on the one-year nation file as a child process
// (table output), so that the report shows the whole process beside the load and
// evaluation measured in-process; docs/BENCHMARKS.md explains the difference.
func (b *bench) wholeProcess(files []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	args := append(append([]string{"evaluate", "--framework", "yzjh-2017", "--data"}, files...), "--all")
	var runs []procRun
	for range b.runs {
		var out bytes.Buffer
		r, err := runProcess(exe, args, &out)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	m := medianRun(runs)
	b.report("全国：整个进程 evaluate --all（"+peak(m)+"）", m.wall, 0)
	return nil
}

// twoYears is the nation of `ziping demo-data --counties N --schools M`: both years'
// schools in one file (1.05 million rows at full size), the county facts beside it.
// It measures reading only what yzjh-2017 needs, evaluating and writing the JSON in
// process, then the whole process against scripts/bench_pandas.py on the same file,
// run alternately (targets: ≥ 5× faster than pandas, peak < 500 MiB), and checks that
// the two agree.
func (b *bench) twoYears(dir string, counties, schools int) error {
	path := filepath.Join(dir, "nation2.csv")
	t0 := time.Now()
	files, err := writeDemoData(synth.Config{Counties: counties, Schools: schools, Seed: 1, Periods: []int{2023, 2024}}, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.e.stdout, "\n生成两个年度的全国数据（%d个区县、%d所学校，demo-data 的学校表和区县表）：%v\n",
		counties, schools, time.Since(t0).Round(time.Millisecond))
	prog, err := frameworks.Builtin("yzjh-2017")
	if err != nil {
		return err
	}
	var ds *engine.Dataset
	load := b.median(func() error { ds, err = readNeeded(nil, files, 0, prog, nil); return err })
	if ds == nil {
		return fmt.Errorf("读取 %s 失败", path)
	}
	b.report(fmt.Sprintf("全国两年：读取（只读%d年度的学校）", ds.Latest()), load, 0)
	out := filepath.Join(dir, "nation2.json")
	f := &evaluateFlags{sourceFlags: sourceFlags{all: true}, format: "json", out: out}
	write := b.median(func() error { return evaluateAndWrite(b.e, f, prog, ds, engine.Options{}) })
	b.report("全国两年：yzjh-2017 评价并写出 JSON", write, 0)
	ds = nil
	return b.againstPandas(dir, files, out)
}

// againstPandas runs the whole `ziping evaluate` and the pandas script alternately and
// reports their medians and ratio, then checks pandas' results against ziping's JSON.
func (b *bench) againstPandas(dir string, files []string, out string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	args := append(append([]string{"evaluate", "--framework", "yzjh-2017", "--data"}, files...), "--all", "--format", "json", "-o", out)
	python, script, why := pandas(dir)
	var zr, pr []procRun
	for range b.runs {
		var o bytes.Buffer
		r, err := runProcess(exe, args, &o)
		if err != nil {
			return err
		}
		zr = append(zr, r)
		if python == "" {
			continue
		}
		if r, err = runProcess(python, []string{script, files[0]}, &o); err != nil {
			return err
		}
		pr = append(pr, r)
	}
	z := medianRun(zr)
	b.report("全国两年：整个进程 evaluate --all --format json（"+peak(z)+"，目标 < 500MiB）", z.wall, 0)
	if python == "" {
		fmt.Fprintln(b.e.stdout, "  pandas："+why)
		return nil
	}
	p := medianRun(pr)
	b.report("全国两年：pandas 整个进程（"+peak(p)+"）", p.wall, 0)
	ratio := float64(p.wall) / float64(z.wall)
	verdict := "达到"
	if ratio < 5 {
		verdict = "未达到"
	}
	fmt.Fprintf(b.e.stdout, "  ziping 比 pandas 快 %.1f 倍（交替运行%d次的中位数；目标 ≥ 5 倍，%s）\n", ratio, b.runs, verdict)
	var o bytes.Buffer
	if _, err := runProcess(python, []string{script, files[0], "--check", out}, &o); err != nil {
		return fmt.Errorf("pandas 与 ziping 的结果不一致: %w", err)
	}
	sc := bufio.NewScanner(&o)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "check") {
			fmt.Fprintln(b.e.stdout, "  "+line)
		}
	}
	return nil
}

// peak says a run's peak memory, when it was measured.
func peak(r procRun) string {
	if r.maxKB == 0 {
		return "峰值未测：没有 " + gnuTime
	}
	return fmt.Sprintf("峰值%dMiB", r.maxKB>>10)
}
