package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"ziping/engine"
	"ziping/xlsx"
)

// evaluation is what evaluate writes: the units in output order (ranked, with their
// standings, for --all) and the explanations of one unit.
type evaluation struct {
	prog      *engine.Program
	ds        *engine.Dataset
	opt       engine.Options
	rank      bool // --all: the units ranked
	times     *stages
	spilled   bool              // the results went through a temporary file (ranked)
	standings []engine.Standing // the ranking, in the order of opt.Units, when written from it
	explained []engine.Explanation
}

// evaluateAndWrite evaluates the units and writes them as they come, in bounded
// memory whatever their number. With --all, JSON and NDJSON evaluate every unit once
// and encode each result as it comes into a temporary file, then copy them out in
// ranked order; the ranking table is written from the standings, which keep a few
// numbers per unit; the workbook's details evaluate the units again in ranked order.
func evaluateAndWrite(e *env, f *evaluateFlags, prog *engine.Program, ds *engine.Dataset, opt engine.Options) error {
	if err := prog.Check(ds, opt); err != nil {
		return err
	}
	opt.NoDetails = true // the report's facts; no output of evaluate shows them
	ev := &evaluation{prog: prog, ds: ds, opt: opt, rank: f.all, times: e.times}
	if f.all && (f.format == "table" || f.format == "xlsx") {
		var err error
		if ev.standings, err = prog.Standings(ds, opt); err != nil {
			return err
		}
		ev.opt.Units = engine.Order(ev.standings)
	}
	if f.explain {
		var err error
		if ev.explained, err = prog.Explain(ds, f.period, ev.opt.Units[0], f.metrics...); err != nil {
			return err
		}
	}
	defer func() {
		if ev.spilled {
			e.times.mark("按名次写出")
		} else {
			e.times.mark("评价并写出")
		}
	}()
	return writeTo(e, f.out, func(w *bufio.Writer) error {
		switch f.format {
		case "json":
			return ev.writeJSON(w)
		case "ndjson":
			return ev.writeNDJSON(w)
		case "xlsx":
			return ev.writeXLSX(w)
		}
		return ev.writeText(w)
	})
}

// writeTo runs write on the file at path, or on stdout when path is empty, through
// a buffer. A failed write removes the file it created rather than leave half of it.
func writeTo(e *env, path string, write func(w *bufio.Writer) error) error {
	out := e.stdout
	var file *os.File
	if path != "" {
		var err error
		if file, err = os.Create(path); err != nil {
			return fmt.Errorf("无法创建输出文件: %w", err)
		}
		out = file
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}
	if err != nil {
		return fmt.Errorf("写出结果失败: %w", err)
	}
	return nil
}

// encoded evaluates the units and hands each result to emit as JSON in style st,
// encoded on the worker that evaluated it, in output order (ranked with --all).
// Buffers are reused: emit must be done with its bytes when it returns.
func (ev *evaluation) encoded(st engine.JSONStyle, emit func(k int, b []byte) error) error {
	if ev.rank {
		return ev.ranked(st, emit)
	}
	pool := newBufPool()
	return engine.Stream(ev.prog, ev.ds, ev.opt,
		func(_ int, r *engine.Result) (*[]byte, error) { return pool.encode(r, st) },
		func(k int, buf *[]byte) error {
			defer pool.Put(buf)
			return emit(k, *buf)
		})
}

// ranked evaluates every unit once, in dataset order, and puts each result as it
// comes into a spill (memory up to a budget, a temporary file beyond), keeping its
// standing and where it lies. It then ranks the standings and hands the results on
// in ranked order, their ranks put in. Memory holds the standings and the spill's
// budget at most, whatever the number of units.
func (ev *evaluation) ranked(st engine.JSONStyle, emit func(k int, b []byte) error) error {
	sp := newSpill(spillMemory)
	defer sp.close()
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
	if err != nil {
		return err
	}
	ev.times.mark("评价并暂存")
	ev.spilled = true
	engine.RankStandings(standings)
	var out []byte
	for k, s := range standings {
		in, err := sp.get(spans[s.Index])
		if err != nil {
			return err
		}
		var ok bool
		if out, ok = engine.AppendRanked(out[:0], in, s.Rank, s.Tie, st); !ok {
			return fmt.Errorf("暂存的%s的结果不完整", s.Unit.Code)
		}
		if err := emit(k, out); err != nil {
			return err
		}
	}
	return nil
}

// bufPool reuses the buffers results are encoded into.
type bufPool struct{ sync.Pool }

func newBufPool() *bufPool {
	return &bufPool{sync.Pool{New: func() any { return new([]byte) }}}
}

func (p *bufPool) encode(r *engine.Result, st engine.JSONStyle) (*[]byte, error) {
	buf := p.Get().(*[]byte)
	var err error
	*buf, err = r.AppendJSON((*buf)[:0], st)
	return buf, err
}

// writeJSON writes the JSON of docs/evaluate.md, the same bytes encoding/json wrote
// when the whole document was marshalled at once.
func (ev *evaluation) writeJSON(w *bufio.Writer) error {
	fw := ev.prog.FW
	head := []byte("{\n  \"framework\": ")
	for _, f := range []struct{ key, val string }{{"", fw.ID}, {"framework_name", fw.Name}, {"framework_version", fw.Version}, {"grading", fw.Grading.Kind}} {
		if f.key != "" {
			head = append(head, ",\n  \""+f.key+"\": "...)
		}
		head = engine.AppendJSONString(head, f.val)
	}
	w.Write(append(head, ",\n  \"results\": ["...))
	style := engine.JSONStyle{Indent: "  ", Depth: 2}
	n := 0
	err := ev.encoded(style,
		func(k int, b []byte) error {
			if k > 0 {
				w.WriteByte(',')
			}
			w.WriteString("\n    ")
			_, err := w.Write(b)
			n++
			return err
		})
	if err != nil {
		return err
	}
	if n > 0 {
		w.WriteString("\n  ")
	}
	w.WriteByte(']')
	if len(ev.explained) > 0 {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("  ", "  ")
		if err := enc.Encode(ev.explained); err != nil {
			return err
		}
		w.WriteString(",\n  \"explain\": ")
		w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	_, err = w.WriteString("\n}\n")
	return err
}

// writeNDJSON writes one unit's result per line, each as compact JSON.
func (ev *evaluation) writeNDJSON(w *bufio.Writer) error {
	return ev.encoded(engine.JSONStyle{}, func(_ int, b []byte) error {
		w.Write(b)
		return w.WriteByte('\n')
	})
}

// writeXLSX writes the score sheet of one unit, or the ranking and every unit's
// points a unit at a time.
func (ev *evaluation) writeXLSX(w io.Writer) error {
	if ev.standings == nil {
		results, err := ev.prog.Evaluate(ev.ds, ev.opt)
		if err != nil {
			return err
		}
		return xlsx.WriteScoreSheet(w, ev.prog.FW, results)
	}
	book, err := xlsx.NewRankingBook(ev.prog.FW, ev.standings)
	if err != nil {
		return err
	}
	defer book.Close()
	err = engine.Stream(ev.prog, ev.ds, ev.opt,
		func(_ int, r *engine.Result) (*engine.Result, error) { return r, nil },
		func(_ int, r *engine.Result) error { return book.Add(r) })
	if err != nil {
		return err
	}
	return book.Write(w)
}

// writeText writes the ranking (--all: what the standings hold, no second pass) or
// one unit's score sheet with its explanations.
func (ev *evaluation) writeText(w io.Writer) error {
	if ev.standings != nil {
		writeRanking(w, ev.prog.FW, ev.standings)
		return nil
	}
	results, err := ev.prog.Evaluate(ev.ds, ev.opt)
	if err != nil {
		return err
	}
	writeScoreSheet(w, ev.prog.FW, results[0])
	writeExplanations(w, ev.explained)
	return nil
}
