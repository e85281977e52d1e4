package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
	"ziping/xlsx"
)

// buffered is evaluate's output made the way it was before it was streamed: every
// result in memory, ranked, then marshalled whole by encoding/json.
type buffered struct {
	prog    *engine.Program
	results []*engine.Result
}

func bufferedRun(t *testing.T, id string, files []string, scores string) *buffered {
	t.Helper()
	prog, err := frameworks.Builtin(id)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := readData(nil, files, 0, prog)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := evaluationOptions(ds, prog.FW.Level, "", true, 0, scores)
	if err != nil {
		t.Fatal(err)
	}
	results, err := prog.Evaluate(ds, opt)
	if err != nil {
		t.Fatal(err)
	}
	engine.Rank(results)
	return &buffered{prog, results}
}

// json is the document as encoding/json wrote it from the jsonOutput of before.
func (b *buffered) json(t *testing.T) string {
	t.Helper()
	fw := b.prog.FW
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Framework string           `json:"framework"`
		Name      string           `json:"framework_name"`
		Version   string           `json:"framework_version"`
		Kind      string           `json:"grading"`
		Results   []*engine.Result `json:"results"`
	}{fw.ID, fw.Name, fw.Version, fw.Grading.Kind, b.results})
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestStreamedOutputEqualsBuffered: for 500 counties (two years, a graded framework
// with people's scores and a verdict framework with ties), `evaluate --all` writes
// the same JSON bytes as the buffered encoding/json document; each NDJSON line is
// that document's result, compacted; the workbook has the same cells as one written
// from the buffered results; the ranking table is the same text.
func TestStreamedOutputEqualsBuffered(t *testing.T) {
	dir := t.TempDir()
	cfg := synth.Config{Counties: 500, Schools: 6000, Seed: 12, Periods: []int{2023, 2024}}
	files, err := writeDemoData(cfg, filepath.Join(dir, "省.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lxzz, err := frameworks.Builtin("lxzz-county")
	if err != nil {
		t.Fatal(err)
	}
	scores := filepath.Join(dir, "人工评分.yaml")
	if err := writeInputs(scores, demoInputs(lxzz.FW, mustRead(t, files, lxzz), 3)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   string
		args []string
	}{
		{"lxzz-county", []string{"--scores", scores}},
		{"yzjh-2017", nil},
	} {
		t.Run(tc.id, func(t *testing.T) {
			want := bufferedRun(t, tc.id, files, map[bool]string{true: scores}[tc.args != nil])
			ties := 0
			for _, r := range want.results {
				if r.Tie {
					ties++
				}
			}
			if len(want.results) != 500 || ties == 0 {
				t.Fatalf("%d results, %d tied: shared ranks are not tested", len(want.results), ties)
			}
			args := append([]string{"evaluate", "--framework", tc.id, "--data"}, files...)
			args = append(append(args, "--all"), tc.args...)
			run := func(more ...string) string {
				out, errs, code := runCLI(t, append(args, more...)...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				return out
			}
			doc := want.json(t)
			if got := run("--format", "json"); got != doc {
				t.Fatalf("streamed JSON differs from the buffered document at:\n%s", firstDiff(got, doc))
			}
			checkNDJSON(t, run("--format", "ndjson"), doc)
			// The same bytes into a file (-o).
			for _, format := range []string{"json", "ndjson"} {
				path := filepath.Join(dir, tc.id+"."+format)
				run("--format", format, "-o", path)
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if format == "json" && string(got) != doc {
					t.Fatalf("JSON written to a file differs from the buffered document at:\n%s", firstDiff(string(got), doc))
				}
				if format == "ndjson" {
					checkNDJSON(t, string(got), doc)
				}
			}
			standings := make([]engine.Standing, len(want.results))
			for i, r := range want.results {
				standings[i] = engine.StandingOf(r)
			}
			var table bytes.Buffer
			writeRanking(&table, want.prog.FW, standings)
			if got := run(); got != table.String() {
				t.Fatalf("ranking table differs:\n%s", firstDiff(got, table.String()))
			}
			book := filepath.Join(dir, tc.id+".xlsx")
			run("--format", "xlsx", "-o", book)
			checkWorkbook(t, book, want)
		})
	}
}

func mustRead(t *testing.T, files []string, prog *engine.Program) *engine.Dataset {
	t.Helper()
	ds, err := readData(nil, files, 0, prog)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// checkNDJSON: line k is result k of the JSON document, compacted.
func checkNDJSON(t *testing.T, got, doc string) {
	t.Helper()
	var d struct{ Results []json.RawMessage }
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(got, "\n") {
		t.Fatal("the last line does not end")
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != len(d.Results) {
		t.Fatalf("%d lines for %d results", len(lines), len(d.Results))
	}
	for k, raw := range d.Results {
		var c bytes.Buffer
		if err := json.Compact(&c, raw); err != nil {
			t.Fatal(err)
		}
		if lines[k] != c.String() {
			t.Fatalf("line %d differs from result %d:\n%s", k+1, k, firstDiff(lines[k], c.String()))
		}
	}
}

// checkWorkbook: the streamed workbook's cells equal those of the workbook written
// from the buffered results, and its details have a row per point of every unit.
func checkWorkbook(t *testing.T, path string, want *buffered) {
	t.Helper()
	var buf bytes.Buffer
	if err := xlsx.WriteScoreSheet(&buf, want.prog.FW, want.results); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(t.TempDir(), "buffered.xlsx")
	if err := os.WriteFile(ref, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, exp := sheetCells(t, path), sheetCells(t, ref)
	if !reflect.DeepEqual(got, exp) {
		for sh := range exp {
			for i := range exp[sh] {
				if i >= len(got[sh]) || !reflect.DeepEqual(got[sh][i], exp[sh][i]) {
					t.Fatalf("sheet %s row %d differs", sh, i+1)
				}
			}
		}
		t.Fatalf("sheets differ: %v", len(got))
	}
	points := 0
	for _, r := range want.results {
		for _, a := range r.Areas {
			points += len(a.Points)
		}
	}
	if rows := len(got["评分明细"]); rows != points+1 {
		t.Fatalf("评分明细 has %d rows, want a header and %d points", rows, points)
	}
	if first := got["排名"][1]; first[1] != want.results[0].Unit.Code {
		t.Fatalf("排名 starts with %v, want %s", first, want.results[0].Unit.Code)
	}
}

func sheetCells(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, sh := range f.GetSheetList() {
		if out[sh], err = f.GetRows(sh, excelize.Options{RawCellValue: true}); err != nil {
			t.Fatal(err)
		}
	}
	if len(out) != 2 {
		t.Fatalf("sheets %v", f.GetSheetList())
	}
	return out
}

// firstDiff shows where two texts part.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-300)
	return "got:  …" + got[lo:min(len(got), i+200)] + "\nwant: …" + want[lo:min(len(want), i+200)]
}

// TestRefusedRunLeavesNoFile: a run refused before anything is evaluated (a year
// the data lacks) creates no output file.
func TestRefusedRunLeavesNoFile(t *testing.T) {
	data := fixture(t)
	out := filepath.Join(t.TempDir(), "结果.json")
	_, errs, code := runCLI(t, "evaluate", "--framework", "yzjh-2017", "--data", data, "--all", "--period", "2019", "--format", "json", "-o", out)
	if code != 1 || !strings.Contains(errs, "数据中没有2019年度") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("output file left behind: %v", err)
	}
}
