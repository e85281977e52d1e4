package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/xlsx"
)

const evaluateUsage = `evaluate --framework ID|FILE --data FILE... [--unit CODE | --all] [--period YYYY]
       [--scores FILE.yaml] [--format table|json|ndjson|xlsx] [-o FILE] [--explain [--metric ID]] [--ids]`

// sourceFlags say what to evaluate: the framework, the data files, which units, the
// year and people's scores. evaluate and report render share them.
type sourceFlags struct {
	framework string
	data      fileList
	unit      string
	all       bool
	period    int
	scores    string
	needed    bool // read only the school rows of the periods the framework needs
}

func (s *sourceFlags) register(fs *flag.FlagSet, allHelp string) {
	fs.StringVar(&s.framework, "framework", "", "评价体系：内置 ID（见 ziping frameworks list）或 YAML 文件")
	fs.Var(&s.data, "data", "数据文件 .xlsx 或 .csv，可跟多个（--data 学校.csv 区县.csv），也可重复")
	fs.StringVar(&s.unit, "unit", "", "只处理这个区县（区县代码）")
	fs.BoolVar(&s.all, "all", false, allHelp)
	fs.IntVar(&s.period, "period", 0, "年度（默认取数据中最新的年度；数据没有年度列时必填）")
	fs.StringVar(&s.scores, "scores", "", "人工评分文件（YAML，格式见 docs/evaluate.md）")
}

// load resolves the framework, reads the data (all or nothing; what it did not use
// is said on warn) and works out the evaluation options. The units are those of the
// framework's level: counties, schools, kindergartens or cities.
func (s *sourceFlags) load(warn io.Writer) (*engine.Program, *engine.Dataset, engine.Options, error) {
	prog, err := frameworks.Resolve(s.framework)
	if err != nil {
		return nil, nil, engine.Options{}, err
	}
	read := readData
	if s.needed {
		read = func(warn io.Writer, paths []string, period int, prog *engine.Program) (*engine.Dataset, error) {
			return readNeeded(warn, paths, period, prog, processFloats)
		}
	}
	ds, err := read(warn, s.data, s.period, prog)
	if err != nil {
		return nil, nil, engine.Options{}, err
	}
	ds = ds.ForLevel(prog.FW.Level)
	opt, err := evaluationOptions(ds, prog.FW.Level, s.unit, s.all, s.period, s.scores)
	if err == nil && s.all && prog.FW.Scope != "" {
		opt.Units = prog.InScope(ds, s.period)
	}
	return prog, ds, opt, err
}

type evaluateFlags struct {
	sourceFlags
	format  string
	out     string
	explain bool
	metrics stringList
	ids     bool // show metric ids and formulas as written
}

func runEvaluate(e *env, args []string) error {
	f := evaluateFlags{sourceFlags: sourceFlags{needed: true}}
	fs := newFlags(e, "evaluate", evaluateUsage)
	f.register(fs, "评价数据中的所有区县并排名")
	fs.StringVar(&f.format, "format", "table", "输出格式：table、json、ndjson（每行一个区县）或 xlsx")
	fs.StringVar(&f.out, "o", "", "输出文件（默认标准输出；xlsx 必须指定）")
	fs.BoolVar(&f.explain, "explain", false, "逐项说明指标：公式代入数值、背后的学校数据")
	fs.Var(&f.metrics, "metric", "与 --explain 一起用：只说明这个指标（可重复）")
	fs.BoolVar(&f.ids, "ids", false, "同时显示指标代码和公式原文（供 --metric 和自定义评价体系使用）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	prog, ds, opt, err := f.load(e.stderr)
	if err != nil {
		return err
	}
	e.times.mark("读取数据")
	return evaluateAndWrite(e, &f, prog, ds, opt)
}

func (f *evaluateFlags) check() error {
	switch {
	case f.framework == "":
		return usagef("缺少 --framework")
	case len(f.data) == 0:
		return usagef("缺少 --data")
	case f.all && f.unit != "":
		return usagef("--unit 与 --all 不能同时使用")
	case f.explain && f.all:
		return usagef("--explain 只能用于单个区县（--unit）")
	case len(f.metrics) > 0 && !f.explain:
		return usagef("--metric 须与 --explain 一起使用")
	case f.format != "table" && f.format != "json" && f.format != "ndjson" && f.format != "xlsx":
		return usagef("--format 应为 table、json、ndjson 或 xlsx")
	case f.format == "ndjson" && f.explain:
		return usagef("--explain 不能与 ndjson 格式一起使用，请用 json")
	case f.format == "xlsx" && f.out == "":
		return usagef("xlsx 格式须用 -o 指定输出文件")
	}
	return nil
}

// readData reads data files for prog (all or nothing) and says on warn, when not
// nil, every column and sheet it did not use.
func readData(warn io.Writer, paths []string, period int, prog *engine.Program) (*engine.Dataset, error) {
	return readDataWith(warn, paths, xlsx.ReadOptions{Period: period}, prog)
}

// readNeeded is readData for an evaluation of prog in period (0: the latest): of
// the school rows it reads only those of the periods the evaluation needs. floats,
// when not nil, allocates the numeric columns (xlsx.ReadOptions.Floats).
func readNeeded(warn io.Writer, paths []string, period int, prog *engine.Program, floats func(int) []float64) (*engine.Dataset, error) {
	need := func(periods []int) []int { return prog.SchoolPeriods(period, periods) }
	return readDataWith(warn, paths, xlsx.ReadOptions{Period: period, SchoolPeriods: need, Floats: floats}, prog)
}

// readDataWith is readData with the reader's other options (a Locator, limits, the
// periods to read).
func readDataWith(warn io.Writer, paths []string, opt xlsx.ReadOptions, prog *engine.Program) (*engine.Dataset, error) {
	if prog.FW.Split != nil {
		opt.Split = *prog.FW.Split
	}
	ds, warns, err := xlsx.ReadWithWarnings(paths, opt)
	if warn != nil && len(warns) > 0 {
		fmt.Fprintf(warn, "注意：%d处内容未导入:\n", len(warns))
		for _, w := range warns {
			fmt.Fprintf(warn, "  %s\n", w)
		}
	}
	return ds, err
}

// evaluationOptions selects the units (one by code, all, or the only one) and reads
// people's scores from the scores file, if any: what evaluate and report render share.
func evaluationOptions(ds *engine.Dataset, level, unit string, all bool, period int, scores string) (engine.Options, error) {
	units, err := selectUnits(ds, level, unit, all)
	if err != nil {
		return engine.Options{}, err
	}
	opt := engine.Options{Period: period, Units: units}
	if scores != "" {
		data, err := os.ReadFile(scores)
		if err != nil {
			return opt, fmt.Errorf("无法读取人工评分文件: %w", err)
		}
		if opt.Inputs, err = engine.ParseInputs(scores, data); err != nil {
			return opt, err
		}
	}
	return opt, nil
}

// selectUnits picks the units to evaluate: one by code, all, or the only one.
func selectUnits(ds *engine.Dataset, level, code string, all bool) ([]int, error) {
	word := unitWord(level)
	switch {
	case all:
		return nil, nil
	case code != "":
		u := ds.UnitIndex(code)
		if u < 0 {
			return nil, fmt.Errorf("数据中没有%s代码 %s", word, code)
		}
		return []int{u}, nil
	case len(ds.Units) == 1:
		return []int{0}, nil
	}
	return nil, usagef("数据中有%d个%s，请用 --unit 指定一个，或用 --all 全部评价并排名", len(ds.Units), word)
}

// unitCounter is the measure word of the units of a level: 个区县, 所学校.
func unitCounter(level string) string {
	if level == engine.LevelSchool || level == engine.LevelKindergarten {
		return "所"
	}
	return "个"
}

// unitWord names the units of a framework level: 区县, 学校, 幼儿园, 地市.
func unitWord(level string) string { return engine.UnitNoun(level) }
