package main

import (
	"testing"
)

// importGrowthLimit is how much more peak memory an import of 20,000 schools may
// take than one of 3,000 (23,500 rows against 3,500). Before issue 12.4 the
// difference was about 140 MiB (from the command line, .xlsx), and grew with
// every row: each row's record with its map of values, and the whole worksheet's
// XML, were held at once. Now each row costs its few hundred bytes of columns.
const importGrowthLimit = 40 << 20

// TestImportMemoryFlat imports a small and a larger generated file, .xlsx and .csv,
// with `ziping import` and through a `ziping serve` process (preview, confirm),
// each in a process of its own, and holds the growth of the peak resident memory
// to importGrowthLimit. Not a timed test: only the peaks are compared.
func TestImportMemoryFlat(t *testing.T) {
	bin := zipingBinary(t)
	dir := t.TempDir()
	for _, format := range []string{"xlsx", "csv"} {
		small, err := importBenchFile(dir, 3000, format)
		if err != nil {
			t.Fatal(err)
		}
		large, err := importBenchFile(dir, 20000, format)
		if err != nil {
			t.Fatal(err)
		}
		for _, how := range []string{"cli", "web"} {
			measure := measureCLIImport
			if how == "web" {
				measure = measureWebImport
			}
			s, err := measure(bin, dir, small)
			if err != nil {
				t.Fatalf("%s %s, 3,000 schools: %v", how, format, err)
			}
			l, err := measure(bin, dir, large)
			if err != nil {
				t.Fatalf("%s %s, 20,000 schools: %v", how, format, err)
			}
			t.Logf("%s %s: %d rows peak %d MiB, %d rows peak %d MiB", how, format, s.rows, s.peak>>20, l.rows, l.peak>>20)
			if s.rows < 3000 || l.rows < 20000 {
				t.Errorf("%s %s: imported %d and %d rows, want at least 3,000 and 20,000", how, format, s.rows, l.rows)
			}
			if s.peak <= 0 || l.peak <= 0 {
				t.Fatalf("%s %s: peaks not measured (%d, %d)", how, format, s.peak, l.peak)
			}
			if grow := l.peak - s.peak; grow > importGrowthLimit {
				t.Errorf("%s %s: the peak grew by %d MiB from %d to %d rows; want at most %d MiB", how, format,
					grow>>20, s.rows, l.rows, importGrowthLimit>>20)
			}
		}
	}
}
