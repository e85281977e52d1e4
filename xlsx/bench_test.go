package xlsx

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Run with: go test -run='^$' -bench=Read -benchtime=3x -count=8 ./xlsx
// Targets on the 2-core machine: the CSV under 400 ms, the workbook under 1 s.

// benchHeader is the header of the generated school table: 29 columns, the official
// names with units where money and areas need them.
var benchHeader = []string{"学校代码", "学校名称", "区县代码", "区县名称", "学段", "学校类别", "办学类型", "年度",
	"在校生数", "小学在校生数", "初中在校生数", "班级数", "45人及以下班级数", "46-50人班级数", "51-55人班级数",
	"56-65人班级数", "66人及以上班级数", "专任教师数", "高于规定学历教师数", "县级以上骨干教师数",
	"体育艺术专任教师数", "持证专任教师数", "教学及辅助用房面积(㎡)", "体育运动场馆面积(㎡)",
	"教学仪器设备值(万元)", "网络多媒体教室数", "音乐专用教室数", "美术专用教室数"}

// genSchools returns rows of a valid school table for n schools in nCounties
// counties, deterministic for a seed. One school in twenty is a nine-year school
// given as one combined row.
func genSchools(seed uint64, n, nCounties int) [][]string {
	rng := rand.New(rand.NewPCG(seed, 1))
	rows := make([][]string, 0, n+1)
	rows = append(rows, benchHeader)
	itoa := strconv.Itoa
	for i := range n {
		county := 110000 + rng.IntN(nCounties)*3
		stage, typ, prim, jun := "小学", "", "", ""
		students := 100 + rng.IntN(2400)
		switch k := rng.IntN(20); {
		case k == 0:
			stage, typ = "九年一贯制", "九年一贯制学校"
			p := students * 6 / 10
			prim, jun = itoa(p), itoa(students-p)
		case k < 7:
			stage = "初中"
		}
		classes := 1 + students/45
		b := [5]int{}
		for c := range classes {
			b[c%5*rng.IntN(2)]++
		}
		teachers := students/13 + 1
		rows = append(rows, []string{
			itoa(2100000000 + i), "第" + itoa(i) + "号实验学校", itoa(county), "测试县" + itoa(county), stage, typ,
			[]string{"公办", "民办"}[rng.IntN(8)/7], "2024",
			itoa(students), prim, jun, itoa(classes), itoa(b[0]), itoa(b[1]), itoa(b[2]), itoa(b[3]), itoa(b[4]),
			itoa(teachers), itoa(teachers * 9 / 10), itoa(teachers / 10), itoa(teachers / 8), itoa(teachers),
			strconv.FormatFloat(float64(students)*(4+rng.Float64()*3), 'f', 1, 64),
			strconv.FormatFloat(float64(students)*(6+rng.Float64()*6), 'f', 1, 64),
			strconv.FormatFloat(float64(students)*(0.15+rng.Float64()*0.2), 'f', 2, 64),
			itoa(classes + rng.IntN(3)), itoa(1 + classes/12), itoa(1 + classes/12),
		})
	}
	return rows
}

// csvBytes joins rows as a CSV file without quotes.
func csvBytes(rows [][]string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		for j, c := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// writeXLSX writes rows to a one-sheet workbook with the stream writer, numbers as
// numbers.
func writeXLSX(tb testing.TB, path string, rows [][]string) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, c := range r {
			vals[j] = c
			if v, err := strconv.ParseFloat(c, 64); err == nil && i > 0 && j >= 8 {
				vals[j] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkReadCSV500k loads a 500,000-row school CSV (about 60 MB) from disk.
func BenchmarkReadCSV500k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "schools.csv")
	data := csvBytes(genSchools(1, 500_000, 2844))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read([]string{path}, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadXLSX20k loads a 20,000-row school workbook from disk.
func BenchmarkReadXLSX20k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "schools.xlsx")
	writeXLSX(b, path, genSchools(2, 20_000, 300))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read([]string{path}, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
