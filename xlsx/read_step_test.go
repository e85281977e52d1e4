package xlsx

import (
	"bytes"
	"testing"
)

// TestReadStep: reading a workbook calls Step after every StepRows rows of its
// sheets (the web's imports give way to the pages there), and the rows read are
// the same with it as without.
func TestReadStep(t *testing.T) {
	const n = 2*StepRows + 500
	rows := genSchools(3, n, 4)
	body := make([][]any, 0, n)
	for _, r := range rows[1:] {
		row := make([]any, len(r))
		for i, c := range r {
			row[i] = c
		}
		body = append(body, row)
	}
	var b bytes.Buffer
	if err := WriteXLSX(&b, []Table{{Header: rows[0], Rows: body}}); err != nil {
		t.Fatal(err)
	}
	in := func() []Input {
		return []Input{{Name: "学校.xlsx", R: bytes.NewReader(b.Bytes()), Size: int64(b.Len())}}
	}
	steps := 0
	ds, err := ReadFrom(in(), ReadOptions{Step: func() { steps++ }})
	if err != nil {
		t.Fatal(err)
	}
	// n school rows and the header: n+1 sheet rows.
	if want := (n + 1) / StepRows; steps != want {
		t.Errorf("Step called %d times for %d sheet rows; want %d", steps, n+1, want)
	}
	plain, err := ReadFrom(in(), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ds.Periods[2024].Schools.Len(), plain.Periods[2024].Schools.Len(); got != want || got < n {
		t.Errorf("%d school rows read with Step, %d without (%d in the file)", got, want, n)
	}
}
