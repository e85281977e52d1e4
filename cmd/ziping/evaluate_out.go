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
	standings []engine.Standing // --all: the ranking, in the order of opt.Units
	explained []engine.Explanation
}

// evaluateAndWrite evaluates the units and writes them as they come. With --all the
// units are ranked first (keeping a few numbers per unit), then evaluated again in
// ranked order and written one at a time: no output ever holds every result.
func evaluateAndWrite(e *env, f *evaluateFlags, prog *engine.Program, ds *engine.Dataset, opt engine.Options) error {
	if err := prog.Check(ds, opt); err != nil {
		return err
	}
	ev := &evaluation{prog: prog, ds: ds, opt: opt}
	if f.all {
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

// stream evaluates the units in order and hands each result to emit after encode
// has turned it into bytes on the worker that evaluated it. Buffers are reused:
// emit must be done with its bytes when it returns.
func (ev *evaluation) stream(encode func(dst []byte, r *engine.Result) ([]byte, error), emit func(k int, b []byte) error) error {
	pool := sync.Pool{New: func() any { return new([]byte) }}
	return engine.Stream(ev.prog, ev.ds, ev.opt,
		func(k int, r *engine.Result) (*[]byte, error) {
			if ev.standings != nil {
				r.Rank, r.Tie = ev.standings[k].Rank, ev.standings[k].Tie
			}
			buf := pool.Get().(*[]byte)
			var err error
			*buf, err = encode((*buf)[:0], r)
			return buf, err
		},
		func(k int, buf *[]byte) error {
			err := emit(k, *buf)
			pool.Put(buf)
			return err
		})
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
	err := ev.stream(func(dst []byte, r *engine.Result) ([]byte, error) { return r.AppendJSON(dst, style) },
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
	return ev.stream(func(dst []byte, r *engine.Result) ([]byte, error) {
		b, err := r.AppendJSON(dst, engine.JSONStyle{})
		return append(b, '\n'), err
	}, func(_ int, b []byte) error {
		_, err := w.Write(b)
		return err
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
