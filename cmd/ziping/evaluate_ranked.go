package main

import (
	"bufio"
	"fmt"

	"ziping/engine"
)

// writeResults evaluates the units and writes each result as JSON in style st after
// sep(k), in output order, and returns how many it wrote. Each result is encoded on
// the worker that evaluated it. Without a ranking, results are written as they come;
// with one (--all), they are set aside as they come and written once the units are
// ranked (writeRanked).
func (ev *evaluation) writeResults(w *bufio.Writer, st engine.JSONStyle, sep func(k int) string) (int, error) {
	if ev.rank {
		return ev.ranked(w, st, sep)
	}
	pool := newBufPool()
	n := 0
	err := engine.Stream(ev.prog, ev.ds, ev.opt,
		func(_ int, r *engine.Result) (*[]byte, error) { return pool.encode(r, st) },
		func(k int, buf *[]byte) error {
			defer pool.Put(buf)
			w.WriteString(sep(k))
			_, err := w.Write(*buf)
			n++
			return err
		})
	return n, err
}

// ranked evaluates every unit once, in dataset order, and sets each result aside as
// it comes (spill), keeping its standing and where it lies. It then ranks the
// standings and writes the results in ranked order, each from where it lies with its
// rank put in after it (no copy of the result). Memory
// holds the standings and the spill's budget at most, whatever the number of units.
func (ev *evaluation) ranked(w *bufio.Writer, st engine.JSONStyle, sep func(k int) string) (int, error) {
	sp := newSpill(ev.spillMem)
	defer sp.close()
	standings, spans, err := ev.spillResults(sp, st)
	if err != nil {
		return 0, err
	}
	ev.times.mark("评价并暂存")
	ev.spilled = true
	engine.RankStandings(standings)
	var tail []byte
	for k, s := range standings {
		head, err := rankedHead(sp, spans[s.Index], s, st)
		if err != nil {
			return k, err
		}
		w.WriteString(sep(k))
		w.Write(head)
		tail = engine.AppendRankTail(tail[:0], s.Rank, s.Tie, st)
		if _, err := w.Write(tail); err != nil {
			return k, err
		}
	}
	return len(standings), nil
}

// spillResults evaluates every unit and puts its encoded result, without rank, into
// sp; it returns the standings in dataset order and where each unit's result lies.
func (ev *evaluation) spillResults(sp *spill, st engine.JSONStyle) ([]engine.Standing, map[int]spillSpan, error) {
	type item struct {
		buf      *[]byte
		standing engine.Standing
	}
	var (
		standings []engine.Standing
		spans     = map[int]spillSpan{} // by unit
		pool      = newBufPool()
	)
	err := engine.Stream(ev.prog, ev.ds, ev.opt,
		func(k int, r *engine.Result) (item, error) {
			buf, err := pool.encode(r, st)
			s := engine.StandingOf(r)
			s.Index = k
			if ev.opt.Units != nil {
				s.Index = ev.opt.Units[k]
			}
			return item{buf, s}, err
		},
		func(_ int, it item) error {
			defer pool.Put(it.buf)
			span, err := sp.put(*it.buf)
			standings = append(standings, it.standing)
			spans[it.standing.Index] = span
			return err
		})
	if err == nil {
		err = sp.done()
	}
	return standings, spans, err
}

// rankedHead is the head of the result at span, valid until the next read from sp.
func rankedHead(sp *spill, span spillSpan, s engine.Standing, st engine.JSONStyle) ([]byte, error) {
	enc, err := sp.get(span)
	if err != nil {
		return nil, err
	}
	head, ok := engine.RankedHead(enc, st)
	if !ok {
		return nil, fmt.Errorf("暂存的%s的结果不完整", s.Unit.Code)
	}
	return head, nil
}
