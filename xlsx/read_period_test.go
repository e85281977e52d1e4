package xlsx

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ziping"
)

// latestOnly keeps the school rows of the latest period, as an evaluation of a
// framework without year-over-year school metrics does.
func latestOnly(periods []int) []int {
	if len(periods) == 0 {
		return nil
	}
	return []int{slices.Max(periods)}
}

// twoYears is a school table of 2023 and 2024 rows, the 2023 ones interleaved, with
// a bad number in a 2023 row (C5 of row 5: "x") and a county only 2023 has.
func twoYears(extra ...string) Input {
	lines := []string{
		hdr,
		"3301000001,甲小学,330102,小学,公办,2023,580,14,40",
		"3301000001,甲小学,330102,小学,公办,2024,600,14,40",
		"3301000002,乙小学,330103,小学,公办,2023,300,7,20",
		"3301000003,丙小学,330199,小学,公办,2023,x,7,20",
		"3301000002,乙小学,330103,小学,公办,2024,310,7,21",
	}
	return csvInput("s.csv", append(lines, extra...)...)
}

// TestReadSchoolPeriodsSkipsOtherYears: with SchoolPeriods only the 2024 rows are
// read: the 2024 snapshot is the one a full read builds, the 2023 rows are neither
// built nor checked (the bad cell is not reported), a warning counts them, and the
// county only 2023 names is still a unit (no facts table names the units here).
func TestReadSchoolPeriodsSkipsOtherYears(t *testing.T) {
	t.Parallel()
	if _, err := ReadFrom([]Input{twoYears()}, ReadOptions{}); err == nil {
		t.Fatal("a full read accepted the bad 2023 cell")
	}
	good := csvInput("s.csv", strings.Replace(strings.Join(readLines(twoYears()), "\n"), ",x,", ",30,", 1))
	full := mustRead(t, ReadOptions{}, good)
	ds, warns, err := ReadFromWithWarnings([]Input{twoYears()}, ReadOptions{SchoolPeriods: latestOnly})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ds.Periods[2024], full.Periods[2024]) {
		t.Errorf("2024 differs from a full read:\n%+v\n%+v", ds.Periods[2024].Schools, full.Periods[2024].Schools)
	}
	if _, ok := ds.Periods[2023]; ok {
		t.Errorf("a 2023 snapshot without facts or schools: %+v", ds.Periods[2023])
	}
	if diff := cmp.Diff(full.Units, ds.Units); diff != "" {
		t.Errorf("units (-full +filtered):\n%s", diff)
	}
	want := []ziping.ImportWarning{{File: "s.csv", Msg: "2023年度的3行学校数据未读取，也未检查：本次评价用不到该年度的学校数据"}}
	if diff := cmp.Diff(want, warns); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// readLines returns the lines of a CSV input.
func readLines(in Input) []string {
	b := make([]byte, in.Size)
	in.R.ReadAt(b, 0)
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestReadSchoolPeriodsSeesEveryInput: the periods the filter chooses from include
// those of the facts and of later files, and the rows it cannot place in a period
// (a bad 年度, an empty one without a default) are read and reported as before.
func TestReadSchoolPeriodsSeesEveryInput(t *testing.T) {
	t.Parallel()
	var seen []int
	choose := func(ps []int) []int { seen = ps; return []int{2025} }
	facts := csvInput("f.csv", "区县代码,区县名称,年度", "330102,西湖区,2025", "330103,上城区,2022")
	_, err := ReadFrom([]Input{twoYears(), facts}, ReadOptions{SchoolPeriods: choose})
	if !slices.Equal(seen, []int{2022, 2023, 2024, 2025}) {
		t.Errorf("periods given to the filter: %v", seen)
	}
	if err != nil {
		t.Fatalf("the rows of 2023 and 2024 were checked: %v", err)
	}
	_, err = ReadFrom([]Input{twoYears("3301000009,丁小学,330102,小学,公办,二〇二三,300,7,20",
		"3301000010,戊小学,330102,小学,公办,,300,7,20")}, ReadOptions{SchoolPeriods: latestOnly})
	got := cellErrors(t, err)
	if len(got) != 2 || got[0].Row != 7 || got[0].Reason != reasonPeriod || got[1].Row != 8 || got[1].Reason != reasonNoPeriod {
		t.Errorf("errors %+v, want a bad 年度 at row 7 and a missing one at row 8", got)
	}
}

// TestReadSchoolPeriodsQuotedAndDefault: a file with quoted cells (parsed in one
// piece) and rows without a 年度 that take ReadOptions.Period are filtered alike.
func TestReadSchoolPeriodsQuotedAndDefault(t *testing.T) {
	t.Parallel()
	in := csvInput("s.csv", hdr,
		`3301000001,"甲小学, 东校区",330102,小学,公办,2023,580,14,40`,
		`3301000001,"甲小学, 东校区",330102,小学,公办,,600,14,40`,
		`3301000002,"乙""小学",330102,小学,公办,2024,300,7,x`)
	_, err := ReadFrom([]Input{in}, ReadOptions{Period: 2024, SchoolPeriods: latestOnly})
	if got := cellErrors(t, err); len(got) != 1 || got[0].Row != 4 || got[0].Value != "x" {
		t.Fatalf("errors %+v, want the bad cell of the 2024 row only", got)
	}
	ds, warns, err := ReadFromWithWarnings([]Input{in}, ReadOptions{Period: 2024, SchoolPeriods: func([]int) []int { return []int{2023} }})
	if err != nil {
		t.Fatal(err)
	}
	s := &ds.Periods[2023].Schools
	if !slices.Equal(s.Name, []string{"甲小学, 东校区"}) || !slices.Equal(num(s, "students"), []float64{580}) {
		t.Errorf("2023 schools %v %v", s.Name, num(s, "students"))
	}
	if len(warns) != 1 || !strings.HasPrefix(warns[0].Msg, "2024年度的2行") {
		t.Errorf("warnings %+v", warns)
	}
}

// TestReadSchoolPeriodsWorkbook: the rows of a workbook are read and checked whole
// (a sheet is parsed before its periods are known), and the other years are not
// built.
func TestReadSchoolPeriodsWorkbook(t *testing.T) {
	t.Parallel()
	var rows [][]any
	for _, l := range readLines(twoYears()) {
		var row []any
		for _, c := range strings.Split(l, ",") {
			row = append(row, c)
		}
		rows = append(rows, row)
	}
	in := xlsxInput(t, "s.xlsx", sheet{name: "学校", rows: rows})
	if _, err := ReadFrom([]Input{in}, ReadOptions{SchoolPeriods: latestOnly}); len(cellErrors(t, err)) != 1 {
		t.Fatalf("the workbook's bad 2023 cell: %v", err)
	}
	rows[4][6] = "300"
	ds, warns, err := ReadFromWithWarnings([]Input{xlsxInput(t, "s.xlsx", sheet{name: "学校", rows: rows})}, ReadOptions{SchoolPeriods: latestOnly})
	if err != nil || len(warns) != 0 {
		t.Fatalf("%v %v", err, warns)
	}
	if n := ds.Periods[2024].Schools.Len(); n != 2 {
		t.Errorf("2024 has %d rows", n)
	}
	if _, ok := ds.Periods[2023]; ok {
		t.Errorf("2023 built")
	}
}
