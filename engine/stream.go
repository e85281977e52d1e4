package engine

import (
	"runtime"
	"sync"
)

// Standing is a unit's place in a ranking, with what a ranking shows of its result.
// Standings keeps this of every unit instead of the whole result.
type Standing struct {
	Index        int // the unit: an index into Dataset.Units
	Unit         Unit
	Period       int
	Rank         int
	Tie          bool // shares its rank with another unit
	Total        float64
	Grade        string
	Verdict      string
	Passed       bool
	Failing      int       // verdict frameworks: the number of failing items
	Areas        []float64 // each area's score, in framework order
	Pending      int
	Uncomputable int
}

// Standings evaluates the selected units and ranks them as Rank ranks their results,
// keeping of each result only its Standing, so that a ranking of any number of units
// takes little memory. Their order is the order to Stream them in (Order).
func (p *Program) Standings(ds *Dataset, opt Options) ([]Standing, error) {
	run, err := p.prepare(ds, opt)
	if err != nil {
		return nil, err
	}
	out := make([]Standing, len(run.units))
	p.parallel(opt.Workers, len(run.units), func(e *evaluator, k int) {
		out[k] = StandingOf(run.result(e, k))
		out[k].Index = run.units[k]
	})
	RankStandings(out)
	return out, nil
}

// RankStandings orders standings best first and sets Rank and Tie, as Rank does
// with results.
func RankStandings(s []Standing) {
	keys := make([]rankKey, len(s))
	for i := range s {
		keys[i] = s[i].key()
	}
	ranks, ties := rankKeys(keys, func(i int) string { return s[i].Unit.Code }, func(i, j int) { s[i], s[j] = s[j], s[i] })
	for i := range s {
		s[i].Rank, s[i].Tie = ranks[i], ties[i]
	}
}

func (s *Standing) key() rankKey { return rankKeyOf(s.Verdict, s.Passed, s.Failing, s.Total) }

// StandingOf is the standing of a result (its Rank and Tie, if Rank ranked it). Its
// Index is -1: a result does not know its unit's place in the dataset.
func StandingOf(r *Result) Standing {
	s := Standing{Index: -1, Unit: r.Unit, Period: r.Period, Rank: r.Rank, Tie: r.Tie, Total: r.Total, Grade: r.Grade,
		Verdict: r.Verdict, Passed: r.Passed, Failing: len(r.Failing), Pending: r.Pending, Uncomputable: r.Uncomputable,
		Areas: make([]float64, len(r.Areas))}
	for i, a := range r.Areas {
		s.Areas[i] = a.Score
	}
	return s
}

// Order lists the units of standings in their order, for Options.Units.
func Order(standings []Standing) []int {
	units := make([]int, len(standings))
	for i, s := range standings {
		units[i] = s.Index
	}
	return units
}

// Stream evaluates the selected units as Evaluate does and hands the results on one
// at a time, in the order of opt.Units, while the workers go on with the units after
// them. At most a window of a few results per worker is alive at once, whatever the
// number of units, so that output of any size is written in bounded memory.
//
// prepare runs on the worker that evaluated the k-th result, in parallel with the
// other workers: the place for the costly part of writing, such as encoding. emit
// runs on the caller's goroutine, in order. The first error from either stops the
// evaluation and is returned.
func Stream[T any](p *Program, ds *Dataset, opt Options, prepare func(k int, r *Result) (T, error), emit func(k int, v T) error) error {
	run, err := p.prepare(ds, opt)
	if err != nil {
		return err
	}
	n := len(run.units)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	s := newStreamState[T](16 * workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			e := p.newEvaluator()
			for k, ok := s.claim(n); ok; k, ok = s.claim(n) {
				v, err := prepare(k, run.result(e, k))
				s.put(k, v, err)
			}
		})
	}
	err = s.drain(n, emit)
	wg.Wait()
	return err
}

// streamState hands units to workers no further than a window ahead of the writer,
// and their results to the writer in order.
type streamState[T any] struct {
	mu    sync.Mutex
	cond  *sync.Cond
	slots []streamSlot[T] // result k at k % len(slots)
	next  int             // the next unit to evaluate
	done  int             // results written
	stop  bool
}

type streamSlot[T any] struct {
	v     T
	err   error
	ready bool
}

func newStreamState[T any](window int) *streamState[T] {
	s := &streamState[T]{slots: make([]streamSlot[T], window)}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// claim returns the next unit to evaluate, waiting while the window is full; ok is
// false when there is none left or the stream stopped.
func (s *streamState[T]) claim(n int) (k int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.stop && s.next < n && s.next >= s.done+len(s.slots) {
		s.cond.Wait()
	}
	if s.stop || s.next >= n {
		return 0, false
	}
	k = s.next
	s.next++
	return k, true
}

func (s *streamState[T]) put(k int, v T, err error) {
	s.mu.Lock()
	s.slots[k%len(s.slots)] = streamSlot[T]{v: v, err: err, ready: true}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// drain hands the n results to emit in order as they become ready.
func (s *streamState[T]) drain(n int, emit func(k int, v T) error) error {
	for k := range n {
		s.mu.Lock()
		sl := &s.slots[k%len(s.slots)]
		for !sl.ready {
			s.cond.Wait()
		}
		v, err := sl.v, sl.err
		*sl = streamSlot[T]{}
		s.mu.Unlock()
		if err == nil {
			err = emit(k, v)
		}
		s.mu.Lock()
		s.done = k + 1
		s.stop = err != nil
		s.cond.Broadcast()
		s.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}
