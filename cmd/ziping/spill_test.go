package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
)

// TestSpill: results put into a spill come back as they were, those within the
// budget from memory and the others from its file, read in any order; closing it
// removes the file.
func TestSpill(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	sp := newSpill(1000)
	var items [][]byte
	var spans []spillSpan
	for i := range 60 {
		b := bytes.Repeat([]byte(fmt.Sprintf("结果%d;", i)), i%7+1)
		s, err := sp.put(b)
		if err != nil {
			t.Fatal(err)
		}
		items, spans = append(items, b), append(spans, s)
	}
	if err := sp.done(); err != nil {
		t.Fatal(err)
	}
	inMem := 0
	for i := len(items) - 1; i >= 0; i-- { // ranked order is not put order
		got, err := sp.get(spans[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, items[i]) {
			t.Fatalf("item %d: %q, want %q", i, got, items[i])
		}
		if spans[i].inMem {
			inMem++
		}
	}
	if inMem == 0 || inMem == len(items) || sp.file == nil {
		t.Fatalf("%d of %d in memory: memory and file are not both tested", inMem, len(items))
	}
	name := sp.file.Name()
	sp.close()
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Fatalf("the spill file is left behind: %v", err)
	}
}

// TestRankedBeyondMemory: the ranked JSON is the same whether the results were set
// aside in memory or, past the budget, partly in the spill's file.
func TestRankedBeyondMemory(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	files, err := writeDemoData(synth.Config{Counties: 40, Schools: 800, Seed: 5, Periods: []int{2023, 2024}}, filepath.Join(t.TempDir(), "省.csv"))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := frameworks.Builtin("yzjh-2017")
	if err != nil {
		t.Fatal(err)
	}
	ds := mustRead(t, files, prog)
	write := func(mem int) string {
		ev := &evaluation{prog: prog, ds: ds, opt: engine.Options{NoDetails: true}, rank: true, spillMem: mem}
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		if err := ev.writeJSON(w); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	want := write(spillMemory)
	if strings.Count(want, `"rank": `) != 40 {
		t.Fatalf("not the ranking of 40 counties:\n%.300s", want)
	}
	if got := write(20000); got != want {
		t.Errorf("past the memory budget:\n%s", firstDiff(got, want))
	}
}

// TestProcessFloats: the columns' memory is n zeroed, writable float64s, mapped or
// from the heap.
func TestProcessFloats(t *testing.T) {
	for _, n := range []int{0, 10, mappedFloatsMin, mappedFloatsMin + 12345} {
		f := processFloats(n)
		if len(f) != n || cap(f) < n {
			t.Fatalf("processFloats(%d): len %d cap %d", n, len(f), cap(f))
		}
		for i := 0; i < n; i += 4099 {
			if f[i] != 0 {
				t.Fatalf("processFloats(%d)[%d] = %v; want 0", n, i, f[i])
			}
			f[i] = float64(i)
		}
		if n > 0 && f[n-1] != 0 {
			t.Fatalf("processFloats(%d): last not zero", n)
		}
	}
}
