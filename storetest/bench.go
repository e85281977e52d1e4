package storetest

import (
	"fmt"
	"testing"

	"ziping"
)

// BenchRows is how many school rows BenchCreateBatch writes per batch: a province.
const BenchRows = 20000

// BenchCreateBatch measures CreateBatch of BenchRows school rows (22 values each,
// spread over 100 counties, with their facts) into the store open makes: "insert"
// imports a new period each time, "replace" re-imports the same period, so that
// every row replaces a stored one.
func BenchCreateBatch(b *testing.B, open func(b *testing.B) ziping.Store) {
	for _, mode := range []string{"insert", "replace"} {
		replace := mode == "replace"
		b.Run(mode, func(b *testing.B) {
			st := open(b)
			counties := benchTree(b, st)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				period := 2000 + i
				if replace {
					period = 2000
				}
				b.StopTimer()
				schools, facts := benchRows(counties, period)
				b.StartTimer()
				batch := ziping.Batch{Period: period, File: "bench.xlsx"}
				if err := st.CreateBatch(b.Context(), &batch, schools, facts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(BenchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// benchTree creates a province of 100 counties and returns their ids.
func benchTree(b *testing.B, st ziping.Store) []int64 {
	prov := ziping.OrgUnit{Code: "330000", Name: "浙江省", Level: ziping.LevelProvince}
	if err := st.CreateUnit(b.Context(), &prov); err != nil {
		b.Fatal(err)
	}
	var counties []int64
	for i := range 100 {
		c := ziping.OrgUnit{Code: fmt.Sprintf("33%04d", i+1), Name: fmt.Sprintf("县%d", i), Level: ziping.LevelCounty, ParentID: prov.ID}
		if err := st.CreateUnit(b.Context(), &c); err != nil {
			b.Fatal(err)
		}
		counties = append(counties, c.ID)
	}
	return counties
}

// benchElements are the school value ids a real import carries.
var benchElements = []string{"students", "students_primary", "students_junior", "students_senior", "classes",
	"classes_le45", "classes_46_50", "classes_51_55", "classes_56_65", "classes_66_plus", "teachers",
	"teachers_above_required", "backbone_teachers", "pe_art_teachers", "certified_teachers", "teaching_area",
	"sports_area", "equipment_value", "multimedia_rooms", "music_rooms", "art_rooms", "school_students"}

func benchRows(counties []int64, period int) ([]ziping.SchoolRecord, []ziping.FactRecord) {
	schools := make([]ziping.SchoolRecord, BenchRows)
	for i := range schools {
		vals := make(map[string]float64, len(benchElements))
		for j, id := range benchElements {
			vals[id] = float64((i*31+j*7)%2000) + 0.5*float64(j%2)
		}
		schools[i] = ziping.SchoolRecord{UnitID: counties[i%len(counties)], Period: period,
			Code: fmt.Sprintf("33%08d", i), Name: fmt.Sprintf("第%d学校", i), Stage: []string{"小学", "初中", "高中"}[i%3],
			Type: "小学", Public: i%5 != 0, Row: i + 2, Values: vals}
	}
	facts := make([]ziping.FactRecord, len(counties))
	for i, c := range counties {
		facts[i] = ziping.FactRecord{UnitID: c, Period: period, Values: map[string]float64{"edu_budget": float64(i) * 1000}}
	}
	return schools, facts
}
