package engine

import "slices"

// SchoolPeriods returns which periods' school rows an evaluation of period needs,
// among the periods a dataset holds (ascending); period 0 means the latest of them.
// That is the period itself, and the year before when prev() or growth() of a
// metric reads schools; when such a metric itself compares with its year before,
// every earlier period. Facts are not concerned: they are small and always read.
// A reader given this (xlsx.ReadOptions.SchoolPeriods) need not parse the others.
func (p *Program) SchoolPeriods(period int, periods []int) []int {
	if len(periods) == 0 {
		return nil
	}
	if period == 0 {
		period = slices.Max(periods)
	}
	keep := []int{period}
	if !p.usesPrev || !p.prevRows {
		return keep
	}
	nested := p.prevNested()
	for _, q := range periods {
		if q == period-1 || nested && q < period {
			keep = append(keep, q)
		}
	}
	slices.Sort(keep)
	return keep
}

// prevNested reports whether a metric that prev() or growth() evaluates in the year
// before compares with its own year before.
func (p *Program) prevNested() bool {
	for _, i := range p.prevOrder {
		for _, ci := range p.metrics[i].calls {
			if f := p.calls[ci].fn; f == "prev" || f == "growth" {
				return true
			}
		}
	}
	return false
}
