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
	spillMem  int               // bytes of encoded results kept in memory (ranked)
	spilled   bool              // the results went through a temporary file (ranked)
	standings []engine.Standing // the ranking, in the order of opt.Units, when written from it
	explained []engine.Explanation
	ids       bool // --ids: metric ids and formulas as written in the text output
}

// evaluateAndWrite evaluates the units and writes them as they come, in bounded
// memory whatever their number. With --all, JSON and NDJSON evaluate every unit once
// and set each encoded result aside as it comes (spill.go), then write them out in
// ranked order (evaluate_ranked.go); the ranking table is written from the standings, which keep a few
// numbers per unit; the workbook's details evaluate the units again in ranked order.
func evaluateAndWrite(e *env, f *evaluateFlags, prog *engine.Program, ds *engine.Dataset, opt engine.Options) error {
	if err := prog.Check(ds, opt); err != nil {
		return err
	}
	opt.NoDetails = true // the report's facts; no output of evaluate shows them
	ev := &evaluation{prog: prog, ds: ds, opt: opt, rank: f.all, times: e.times, spillMem: spillMemory, ids: f.ids}
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
	n, err := ev.writeResults(w, style, func(k int) string {
		if k > 0 {
			return ",\n    "
		}
		return "\n    "
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
	n, err := ev.writeResults(w, engine.JSONStyle{}, func(k int) string {
		if k > 0 {
			return "\n"
		}
		return ""
	})
	if err == nil && n > 0 {
		err = w.WriteByte('\n')
	}
	return err
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
	writeScoreSheet(w, ev.prog.FW, results[0], ev.ids)
	writeExplanations(w, ev.explained, ev.ids)
	return nil
}
