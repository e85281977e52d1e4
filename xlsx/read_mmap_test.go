package xlsx

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestReadMappedFile: a CSV file read from disk (mapped into memory where the system
// allows) gives what the same bytes give from memory, and nothing returned views the
// file once it is unmapped: every string of the dataset, the warnings and the errors
// is read after the read returns (a view would fault).
func TestReadMappedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, in Input) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Join(readLines(in), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.csv", csvInput("good.csv", hdr+",图书藏书量", good+",3", strings.Replace(good, "2024", "2023", 1)+",4"))
	facts := write("facts.csv", csvInput("facts.csv", "区县代码,区县名称,年度,备注", "330102,西湖区,2024,甲", "330102,西湖区,2023,乙"))
	bad := write("bad.csv", twoYears("3301000009,丁小学,330102,小学,公办,2024,x,7,20"))
	for _, opt := range []ReadOptions{{}, {SchoolPeriods: latestOnly}} {
		ds, warns, err := ReadWithWarnings([]string{good, facts}, opt)
		if err != nil {
			t.Fatal(err)
		}
		mem, memWarns, err := ReadFromWithWarnings([]Input{fileInput(t, good), fileInput(t, facts)}, opt)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		if !reflect.DeepEqual(ds, mem) || !reflect.DeepEqual(warns, memWarns) {
			t.Errorf("a mapped file reads differently from its bytes: %+v %+v", warns, memWarns)
		}
		if len(warns) < 2 || warns[0].Header != "图书藏书量" {
			t.Errorf("warnings %+v", warns)
		}
		_, _, err = ReadWithWarnings([]string{bad}, opt)
		cells := cellErrors(t, err)
		if last := cells[len(cells)-1]; last.Value != "x" || last.Column != "G 在校生数" {
			t.Errorf("errors %+v", cells)
		}
	}
}

// fileInput is a file's bytes as an in-memory Input (never mapped).
func fileInput(t *testing.T, path string) Input {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return csvInput(path, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
}
