package engine

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/expr-lang/expr/vm"
)

// Options select what Evaluate computes.
type Options struct {
	Period  int                // 0: the dataset's latest period
	Units   []int              // indexes into Dataset.Units; nil: every unit
	Inputs  map[string]*Inputs // people's scores by unit code
	Workers int                // 0: GOMAXPROCS
	// NoDetails leaves PointResult.Details out. Only the report reads them, and
	// finding the schools behind every lost point costs a fifth of scoring.
	NoDetails bool
}

// uncomputable is the error a domain function returns when the data cannot answer;
// its message is the reason shown to users (无法计算：…).
type uncomputable struct{ msg string }

func (u *uncomputable) Error() string { return u.msg }

func cannot(format string, args ...any) error {
	return &uncomputable{fmt.Sprintf(format, args...)}
}

// evaluator is the per-goroutine state of an evaluation.
type evaluator struct {
	p    *Program
	ds   *Dataset
	snap *Snapshot
	prev *periodValues // metric values of the previous period, when a metric needs them

	unit int
	rng  Range
	col  colCtx
	env  map[string]any
	vm   vm.VM
	vals []float64
	errs []error

	// Rows passing each filter set, for the unit of generation gen (lazy).
	gen     int
	setGen  []int
	setRows [][]int32

	seen    map[string]bool // scratch for countedSchools
	caseIdx map[string]int  // scratch for metricDetail: a school's index in caseBuf
	caseBuf []Case          // scratch for metricDetail

	trace     *trace // non-nil when explaining
	noDetails bool   // Options.NoDetails
}

// periodValues holds every unit's metric values of one period.
type periodValues struct {
	period int
	vals   [][]float64 // [unit][metric]
	errs   [][]error
}

// Evaluate evaluates the selected units of one period. Units without any data in the
// period are evaluated too: their data-driven points say why they cannot be computed.
func (p *Program) Evaluate(ds *Dataset, opt Options) ([]*Result, error) {
	run, err := p.prepare(ds, opt)
	if err != nil {
		return nil, err
	}
	out := make([]*Result, len(run.units))
	p.parallel(opt.Workers, len(run.units), func(e *evaluator, k int) {
		out[k] = run.result(e, k)
	})
	return out, nil
}

// run is an evaluation ready to go: the period's data, the units in order and the
// previous period's values when a metric needs them.
type run struct {
	ds        *Dataset
	snap      *Snapshot
	units     []int
	prev      *periodValues
	inputs    map[string]*Inputs
	noDetails bool
}

// Check says whether the options can be evaluated at all, as Evaluate would before
// evaluating anything: the period is in the data, and people's scores fit the
// framework. Writers of streamed output check first, so that a refused run leaves
// no half-written file.
func (p *Program) Check(ds *Dataset, opt Options) error {
	period := opt.Period
	if period == 0 {
		period = ds.Latest()
	}
	if ds.Periods[period] == nil {
		return fmt.Errorf("数据中没有%d年度", period)
	}
	return p.checkInputs(opt.Inputs)
}

// prepare checks the options and evaluates what every unit of the period needs first.
func (p *Program) prepare(ds *Dataset, opt Options) (*run, error) {
	if err := p.Check(ds, opt); err != nil {
		return nil, err
	}
	period := opt.Period
	if period == 0 {
		period = ds.Latest()
	}
	units := opt.Units
	if units == nil {
		units = make([]int, len(ds.Units))
		for i := range units {
			units[i] = i
		}
	}
	r := &run{ds: ds, snap: ds.Periods[period], units: units, inputs: opt.Inputs, noDetails: opt.NoDetails}
	if p.usesPrev {
		r.prev = p.previousValues(ds, period, units, opt.Workers)
	}
	return r, nil
}

// result evaluates the k-th unit of the run with e.
func (r *run) result(e *evaluator, k int) *Result {
	e.reset(r.ds, r.snap, r.prev)
	e.noDetails = r.noDetails
	u := r.units[k]
	e.evalUnit(u)
	return e.score(u, r.inputs[r.ds.Units[u].Code])
}

// previousValues evaluates the metrics of the period before, for prev() of metrics.
func (p *Program) previousValues(ds *Dataset, period int, units []int, workers int) *periodValues {
	pv := &periodValues{period: period - 1, vals: make([][]float64, len(ds.Units)), errs: make([][]error, len(ds.Units))}
	snap := ds.Periods[period-1]
	if snap == nil {
		return pv
	}
	var before *periodValues
	if ds.Periods[period-2] != nil {
		before = p.previousValues(ds, period-1, units, workers)
	}
	p.parallel(workers, len(units), func(e *evaluator, k int) {
		e.reset(ds, snap, before)
		u := units[k]
		for i := range e.vals {
			e.vals[i], e.errs[i] = math.NaN(), cannot("未计算")
		}
		e.evalMetrics(u, p.prevOrder, p.prevRows)
		pv.vals[u] = append([]float64(nil), e.vals...)
		pv.errs[u] = append([]error(nil), e.errs...)
	})
	return pv
}

// parallel runs fn for k in [0, n) on workers goroutines, each with its own evaluator.
func (p *Program) parallel(workers, n int, fn func(e *evaluator, k int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	var next int64
	var mu sync.Mutex
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		k := int(next)
		next += 16
		return k
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := p.newEvaluator()
			for k := take(); k < n; k = take() {
				for j := k; j < min(k+16, n); j++ {
					fn(e, j)
				}
			}
		}()
	}
	wg.Wait()
}

func (p *Program) newEvaluator() *evaluator {
	e := &evaluator{p: p, env: map[string]any{}, vals: make([]float64, len(p.metrics)), errs: make([]error, len(p.metrics))}
	e.env[envKey] = e
	e.col.derived = make([][]float64, len(p.slots))
	e.setGen = make([]int, len(p.sets))
	e.setRows = make([][]int32, len(p.sets))
	return e
}

func (e *evaluator) reset(ds *Dataset, snap *Snapshot, prev *periodValues) {
	e.ds, e.snap, e.prev = ds, snap, prev
	e.col.s = &snap.Schools
}

// evalUnit computes the school columns and every metric of unit u.
func (e *evaluator) evalUnit(u int) { e.evalMetrics(u, e.p.order, true) }

// evalMetrics computes the metrics in order for unit u, and first the school columns
// when rows is set (some of the metrics read schools).
func (e *evaluator) evalMetrics(u int, order []int, rows bool) {
	e.unit = u
	e.gen++
	e.rng = Range{}
	if rows && u < len(e.snap.Schools.Ranges) {
		e.rng = e.snap.Schools.Ranges[u]
	}
	e.computeSlots()
	for i, el := range UnitElements {
		e.env[el.ID] = e.snap.Facts.Value(i, u)
	}
	for _, i := range order {
		e.vals[i], e.errs[i] = e.runMetric(i)
	}
}

// computeSlots evaluates filters, school metrics and school checks for the unit's
// rows into the evaluator's reused buffers (indexed from the range start).
func (e *evaluator) computeSlots() {
	n := int(e.rng.Hi - e.rng.Lo)
	c := &e.col
	c.base = int(e.rng.Lo)
	for s := range e.p.slots {
		if cap(c.derived[s]) < n {
			c.derived[s] = make([]float64, n, n+n/2)
		}
		c.derived[s] = c.derived[s][:n]
	}
	ci := 0
	for s, sl := range e.p.slots {
		if sl.fn != nil {
			for k := 0; k < n; k += chunk {
				m := min(chunk, n-k)
				sl.fn(c, c.base+k, c.derived[s][k:k+m])
			}
			continue
		}
		if ci < len(e.p.checks) && e.p.checks[ci].slot == s {
			e.computeCheck(&e.p.checks[ci])
			ci++
		}
	}
}

// computeCheck fills a school check's pass and met columns: a school passes when at
// least minMet metrics reach their stage standard and none is below floor × standard.
// Rows of a stage without standards, and schools without students, pass: the check
// does not apply to them.
func (e *evaluator) computeCheck(ck *checkSpec) {
	c := &e.col
	pass, met := c.derived[ck.slot], c.derived[ck.slot+1]
	stages := c.s.Stage[c.base : c.base+len(pass)]
	var students []float64
	if col := c.s.Num[SEStudents]; col != nil {
		students = col[c.base : c.base+len(pass)]
	}
	for i, st := range stages {
		// A school without students has no per-student values: the check does not
		// apply to it (it has no weight in the CV either).
		n, applies, below := 0, false, false
		if students == nil || !(students[i] > 0) {
			st = StageNone
		}
		for k, ms := range ck.metrics {
			std := ck.std[k][st]
			if math.IsNaN(std) {
				continue
			}
			applies = true
			v := c.derived[ms][i]
			if v >= ck.meet[k][st] {
				n++
			} else if !(v >= ck.low[k][st]) {
				below = true
			}
		}
		met[i] = float64(n)
		pass[i] = b2f(!applies || (n >= ck.minMet && !below))
	}
}

func (e *evaluator) runMetric(i int) (float64, error) {
	um := e.p.metrics[i]
	if um.prog == nil {
		return math.NaN(), cannot("公式未编译")
	}
	out, err := e.vm.Run(um.prog, e.env)
	if err != nil {
		var u *uncomputable
		if errors.As(err, &u) {
			return math.NaN(), u
		}
		return math.NaN(), cannot("计算出错: %v", err)
	}
	var v float64
	switch x := out.(type) {
	case float64:
		v = x
	case int:
		v = float64(x)
	case bool:
		v = b2f(x)
	default:
		return math.NaN(), cannot("公式结果不是数值")
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return math.NaN(), e.whyNaN(um)
	}
	return v, nil
}

// whyNaN names the missing unit facts behind a NaN result, or the zero denominator.
func (e *evaluator) whyNaN(um *unitMetric) error {
	var missing []string
	seen := map[int]bool{}
	for _, el := range um.facts {
		if !seen[el] && math.IsNaN(e.snap.Facts.Value(el, e.unit)) {
			missing = append(missing, UnitElements[el].Name)
		}
		seen[el] = true
	}
	if len(missing) > 0 {
		return cannot("缺少数据：%s", joinCN(missing))
	}
	return cannot("分母为零")
}

// tolerance is the relative slack of comparisons with standards: a value computed as
// 1700 from data must meet 85% of 2000, which is 1700.0000000000002 in binary.
const tolerance = 1e-9

// atLeast reports v ≥ t up to the tolerance; NaN is never at least anything.
func atLeast(v, t float64) bool { return v >= t-tolerance*math.Max(1, math.Abs(t)) }

// atMost reports v ≤ t up to the tolerance.
func atMost(v, t float64) bool { return v <= t+tolerance*math.Max(1, math.Abs(t)) }
