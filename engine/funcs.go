package engine

import (
	"math"
)

// call runs domain call idx for the current unit.
func (e *evaluator) call(idx int) (any, error) {
	spec := &e.p.calls[idx]
	v, err := e.dispatch(spec)
	if e.trace != nil {
		e.trace.record(e, idx, v, err)
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (e *evaluator) dispatch(spec *callSpec) (float64, error) {
	switch spec.fn {
	case "count":
		return float64(len(e.rows(spec.set))), nil
	case "sum":
		return e.sum(spec)
	case "per_student", "per100":
		v, err := e.perStudent(spec)
		if spec.fn == "per100" {
			v *= 100
		}
		return v, err
	case "wmean":
		m, _, err := e.weighted(spec.ref(), spec.set)
		return m, err
	case "cv":
		return e.cv(spec.ref(), spec.set)
	case "composite_cv":
		return e.compositeCV(spec)
	case "prev":
		return e.prevValue(spec)
	case "growth":
		return e.growth(spec)
	case "metric":
		return e.vals[spec.metric], e.errs[spec.metric]
	}
	return math.NaN(), cannot("未知的函数 %s", spec.fn)
}

// rows returns the unit's rows (relative to the range start) that pass filter set
// set, computing the list on first use for this unit.
func (e *evaluator) rows(set int) []int32 {
	if e.setGen[set] == e.gen {
		return e.setRows[set]
	}
	n := int(e.rng.Hi - e.rng.Lo)
	out := e.setRows[set][:0]
	for k := 0; k < n; k++ {
		out = append(out, int32(k))
	}
	for _, f := range e.p.sets[set] {
		col := e.filterCol(f)
		if col == nil { // an absent element is 0 everywhere
			if !f.neg {
				out = out[:0]
			}
			continue
		}
		// A row passes when its value is set (neither 0 nor NaN: |v| > 0 is false
		// for both), or when it is not, for a negated filter. Written without a
		// branch on the value: whether a school passes follows no pattern the
		// processor could predict, and mispredictions were most of this loop.
		neg := f.neg
		j := 0
		for _, k := range out {
			out[j] = k
			if (math.Abs(col[k]) > 0) != neg {
				j++
			}
		}
		out = out[:j]
	}
	e.setRows[set], e.setGen[set] = out, e.gen
	return out
}

// filterCol is a filter's column over the unit's rows, or nil for an absent element.
func (e *evaluator) filterCol(f filterRef) []float64 {
	if f.slot >= 0 {
		return e.col.derived[f.slot]
	}
	return e.unitCol(f.el)
}

// unitCol is school element el over the unit's rows, or nil when absent.
func (e *evaluator) unitCol(el int) []float64 {
	col := e.snap.Schools.Num[el]
	if col == nil {
		return nil
	}
	return col[e.rng.Lo:e.rng.Hi]
}

// students is the students column over the unit's rows: the weights of every
// per-student value.
func (e *evaluator) students() ([]float64, error) {
	stu := e.unitCol(SEStudents)
	if stu == nil {
		return nil, cannot("数据中没有「%s」", SchoolElements[SEStudents].Name)
	}
	return stu, nil
}

// ref is the call's column.
func (spec *callSpec) ref() colRef { return colRef{slot: spec.slot, el: spec.el} }

// column is the call's column over the unit's rows.
func (e *evaluator) column(spec *callSpec) ([]float64, error) { return e.columnOf(spec.ref()) }

// columnOf is a school column over the unit's rows.
func (e *evaluator) columnOf(ref colRef) ([]float64, error) {
	if ref.slot >= 0 {
		return e.col.derived[ref.slot], nil
	}
	col := e.unitCol(ref.el)
	if col == nil {
		return nil, cannot("数据中没有「%s」", SchoolElements[ref.el].Name)
	}
	return col, nil
}

func (e *evaluator) sum(spec *callSpec) (float64, error) {
	col, err := e.column(spec)
	if err != nil {
		return math.NaN(), err
	}
	var s float64
	missing := 0
	for _, k := range e.rows(spec.set) {
		v := col[k]
		if v != v {
			missing++
			continue
		}
		s += v
	}
	if missing > 0 {
		return math.NaN(), cannot("%d所学校的「%s」无法计算", missing, e.colName(spec.ref()))
	}
	return s, nil
}

func (e *evaluator) perStudent(spec *callSpec) (float64, error) {
	s, err := e.sum(spec)
	if err != nil {
		return math.NaN(), err
	}
	rows := e.rows(spec.set)
	if len(rows) == 0 {
		return math.NaN(), cannot("没有符合条件的学校")
	}
	stu, err := e.students()
	if err != nil {
		return math.NaN(), err
	}
	var p float64
	for _, k := range rows {
		p += stu[k]
	}
	if p == 0 {
		return math.NaN(), cannot("符合条件的学校在校生数为0")
	}
	return s / p, nil
}

// weighted returns the student-weighted mean of a column over the rows of filter
// set set, and the total weight P. Schools without students carry no weight and are
// skipped.
func (e *evaluator) weighted(ref colRef, set int) (mean, total float64, err error) {
	col, err := e.columnOf(ref)
	if err != nil {
		return math.NaN(), 0, err
	}
	stu, err := e.students()
	if err != nil {
		return math.NaN(), 0, err
	}
	var sw, swx float64
	n, missing := 0, 0
	for _, k := range e.rows(set) {
		if !(stu[k] > 0) {
			continue
		}
		x := col[k]
		if x != x || math.IsInf(x, 0) {
			missing++
			continue
		}
		sw += stu[k]
		swx += stu[k] * x
		n++
	}
	switch {
	case missing > 0:
		return math.NaN(), 0, cannot("%d所学校的「%s」无法计算", missing, e.colName(ref))
	case n == 0:
		return math.NaN(), 0, cannot("没有符合条件且有在校生的学校")
	}
	return swx / sw, sw, nil
}

// cv is the student-weighted coefficient of variation (DOMAIN.md §2.1): with P_i the
// students of school i and P their total, X̄ = Σ(P_i/P)·X_i, S = √(Σ(P_i/P)·(X_i−X̄)²)
// (population form, weights summing to 1, no n−1), CV = S / X̄.
func (e *evaluator) cv(ref colRef, set int) (float64, error) {
	mean, p, err := e.weighted(ref, set)
	if err != nil {
		return math.NaN(), err
	}
	if mean == 0 {
		return math.NaN(), cannot("平均值为0，差异系数无意义")
	}
	col, _ := e.columnOf(ref)
	stu, _ := e.students()
	var ss float64
	for _, k := range e.rows(set) {
		if !(stu[k] > 0) {
			continue
		}
		d := col[k] - mean
		ss += stu[k] / p * d * d
	}
	return math.Sqrt(ss) / mean, nil
}

// compositeCV is the mean of the single coefficients of variation of the call's
// columns over the same schools (基本均衡's 综合差异系数, DOMAIN.md §2.3). It cannot
// be computed when any single one cannot.
func (e *evaluator) compositeCV(spec *callSpec) (float64, error) {
	var sum float64
	for _, ref := range spec.cols {
		v, err := e.cv(ref, spec.set)
		if err != nil {
			return math.NaN(), cannot("「%s」的差异系数无法计算：%v", e.colName(ref), err)
		}
		sum += v
	}
	return sum / float64(len(spec.cols)), nil
}

func (e *evaluator) colName(ref colRef) string {
	if ref.slot >= 0 {
		if n := e.p.slots[ref.slot].name; n != "" {
			return n
		}
		return e.p.slots[ref.slot].id
	}
	return SchoolElements[ref.el].Name
}

// prevValue is the previous period's value of a unit fact or a metric.
func (e *evaluator) prevValue(spec *callSpec) (float64, error) {
	pp := e.snap.Period - 1
	if spec.fact >= 0 {
		ps := e.ds.Periods[pp]
		if ps == nil {
			return math.NaN(), cannot("缺少%d年度数据，无法与上一年度比较", pp)
		}
		v := ps.Facts.Value(spec.fact, e.unit)
		if v != v {
			return math.NaN(), cannot("缺少%d年度的「%s」", pp, UnitElements[spec.fact].Name)
		}
		return v, nil
	}
	if e.prev == nil || e.prev.vals[e.unit] == nil {
		return math.NaN(), cannot("缺少%d年度数据，无法与上一年度比较", pp)
	}
	if err := e.prev.errs[e.unit][spec.metric]; err != nil {
		return math.NaN(), cannot("%d年度的「%s」无法计算", pp, e.p.metrics[spec.metric].m.Name)
	}
	return e.prev.vals[e.unit][spec.metric], nil
}

// growth is (this − previous) / previous × 100, in percent.
func (e *evaluator) growth(spec *callSpec) (float64, error) {
	prev, err := e.prevValue(spec)
	if err != nil {
		return math.NaN(), err
	}
	var cur float64
	if spec.fact >= 0 {
		cur = e.snap.Facts.Value(spec.fact, e.unit)
		if cur != cur {
			return math.NaN(), cannot("缺少%d年度的「%s」", e.snap.Period, UnitElements[spec.fact].Name)
		}
	} else {
		if err := e.errs[spec.metric]; err != nil {
			return math.NaN(), err
		}
		cur = e.vals[spec.metric]
	}
	if prev == 0 {
		return math.NaN(), cannot("上一年度数值为0，无法计算增长率")
	}
	return (cur - prev) / prev * 100, nil
}
