package xlsx

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ziping/engine"
)

// TestReadAssemblesInPlace: a school file of several chunks gives every plain row
// its own numbers, whether its rows are sorted by county (the columns are assembled
// in the chunks' shared allocation) or not (they are gathered into new columns).
// The expected numbers come from encoding/csv, not from the reader.
func TestReadAssemblesInPlace(t *testing.T) {
	t.Parallel()
	rows := genSchools(3, 30000, 97)
	body := rows[1:]
	for _, sorted := range []bool{false, true} { // unsorted first: sorting is in place
		if sorted {
			slices.SortStableFunc(body, func(a, b []string) int { return strings.Compare(a[2], b[2]) })
		}
		path := filepath.Join(t.TempDir(), "s.csv")
		data := csvBytes(append([][]string{rows[0]}, body...))
		if len(data) < 3*minChunk {
			t.Fatalf("%d bytes: too few chunks to test", len(data))
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ds, err := Read([]string{path}, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if n := checkPlainNumbers(t, ds, data); n < 25000 {
			t.Fatalf("sorted %v: only %d rows checked", sorted, n)
		}
		// With the columns' memory from ReadOptions.Floats (one block for every
		// element, as the command line maps it), the same numbers.
		var asked []int
		ds, err = Read([]string{path}, ReadOptions{Floats: func(n int) []float64 {
			asked = append(asked, n)
			return make([]float64, n)
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(asked) != 1 || asked[0] < 30000*10 {
			t.Errorf("sorted %v: Floats asked for %v float64s; want one block for every numeric column", sorted, asked)
		}
		if n := checkPlainNumbers(t, ds, data); n < 25000 {
			t.Fatalf("sorted %v, Floats: only %d rows checked", sorted, n)
		}
	}
}

// TestReadInPlaceTwoYears: a two-year file sorted by year and county, cut into
// chunks exactly at the change of year, so that each year's parts are whole parts of
// one shared allocation. With both years kept, assembling one year in place would
// overwrite the other's rows; every row of both years must keep its own numbers.
// With one year kept, the other's rows are passed over and the kept year is
// assembled in place.
func TestReadInPlaceTwoYears(t *testing.T) {
	t.Parallel()
	years := map[string][][]string{"2023": genSchools(5, 15000, 97)[1:], "2024": genSchools(6, 15000, 97)[1:]}
	var body [][]string
	cut := 0
	for _, y := range []string{"2023", "2024"} {
		rows := years[y]
		slices.SortStableFunc(rows, func(a, b []string) int { return strings.Compare(a[2], b[2]) })
		for _, r := range rows {
			r[7] = y
		}
		body = append(body, rows...)
		if y == "2023" {
			cut = len(csvBytes(rows))
		}
	}
	data := csvBytes(append([][]string{benchHeader}, body...))
	for _, keep := range [][]int{{2023, 2024}, {2024}} {
		r := newReader(ReadOptions{SchoolPeriods: func([]int) []int { return keep }})
		r.readCSV("s.csv", slices.Clone(data))
		if len(r.pending) != 1 {
			t.Fatalf("%d school tables waiting, want 1", len(r.pending))
		}
		b := r.pending[0]
		all := strings.Join(b.chunks, "")
		b.chunks = slices.Concat(halves(all[:cut]), halves(all[cut:]))
		r.readPending()
		ds, err := r.build()
		if err != nil {
			t.Fatal(err)
		}
		if n := checkPlainNumbers(t, ds, data); n < 12000*len(keep) {
			t.Fatalf("keep %v: only %d rows checked", keep, n)
		}
	}
}

// halves cuts rows in two at a line end.
func halves(rows string) []string {
	k := len(rows)/2 + strings.IndexByte(rows[len(rows)/2:], '\n') + 1
	return []string{rows[:k], rows[k:]}
}

// checkPlainNumbers compares five numbers of every single-stage row of every period
// in ds with the file's cells, and returns how many rows it compared.
func checkPlainNumbers(t *testing.T, ds *engine.Dataset, data []byte) int {
	t.Helper()
	want := plainNumbers(t, data)
	checked := 0
	for per, snap := range ds.Periods {
		s := &snap.Schools
		for i := range s.Len() {
			w, ok := want[strconv.Itoa(per)+"/"+s.Code[i]]
			if !ok {
				continue // a combined school, split
			}
			for _, c := range []struct {
				id  string
				col int
			}{{"students", 8}, {"classes", 11}, {"teachers", 17}, {"teaching_area", 22}, {"equipment_value", 24}} {
				got, exp := s.Num[engine.SchoolElementIndex(c.id)][i], w[c.col]
				if c.id == "equipment_value" {
					exp *= 10000 // 万元
				}
				if math.Abs(got-exp) > 1e-9*exp {
					t.Fatalf("%d %s: %s = %v, want %v", per, s.Code[i], c.id, got, exp)
				}
			}
			checked++
		}
	}
	return checked
}

// plainNumbers reads every single-stage row's cells as numbers, by period and
// school code.
func plainNumbers(t *testing.T, data []byte) map[string][]float64 {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float64{}
	for _, r := range recs[1:] {
		if r[5] != "" { // 学校类别 given: the combined rows
			continue
		}
		v := make([]float64, len(r))
		for j, c := range r {
			v[j], _ = strconv.ParseFloat(c, 64)
		}
		out[r[7]+"/"+r[0]] = v
	}
	return out
}

// TestGatherReleasesSlabs: a file not in county order is gathered into new columns,
// and each element's shared allocation is let go once gathered, so that the parsed
// and the assembled numbers are not all held at the end.
func TestGatherReleasesSlabs(t *testing.T) {
	t.Parallel()
	rows := genSchools(7, 30000, 97) // counties at random: not in order
	r := newReader(ReadOptions{})
	r.readCSV("s.csv", csvBytes(rows))
	sl := r.tables[0].schools[0].slab
	if sl == nil || len(r.tables[0].schools) < 3 {
		t.Fatalf("%d parts, slab %v: too few chunks to test", len(r.tables[0].schools), sl != nil)
	}
	if _, err := r.build(); err != nil {
		t.Fatal(err)
	}
	for e, col := range sl.cols {
		if col != nil {
			t.Errorf("element %s: the slab is still held", engine.SchoolElements[e].ID)
		}
	}
}
