package engine_test

import (
	"bytes"
	"sync"
	"testing"

	"ziping/engine"
	"ziping/synth"
	"ziping/xlsx"
)

var (
	benchOnce sync.Map // size → *engine.Dataset
)

// benchData generates a province or nation in memory and reads it through the
// importer, once per size.
func benchData(b *testing.B, counties, schools int) *engine.Dataset {
	key := [2]int{counties, schools}
	if ds, ok := benchOnce.Load(key); ok {
		return ds.(*engine.Dataset)
	}
	st, ct := synth.Generate(synth.Config{Counties: counties, Schools: schools, Seed: 7, Periods: []int{2023, 2024}})
	var sb, cb bytes.Buffer
	if err := xlsx.WriteCSV(&sb, xlsx.Table{Header: st.Header, Rows: st.Rows}); err != nil {
		b.Fatal(err)
	}
	if err := xlsx.WriteCSV(&cb, xlsx.Table{Header: ct.Header, Rows: ct.Rows}); err != nil {
		b.Fatal(err)
	}
	ds, err := xlsx.ReadFrom([]xlsx.Input{
		{Name: "schools.csv", R: bytes.NewReader(sb.Bytes()), Size: int64(sb.Len())},
		{Name: "counties.csv", R: bytes.NewReader(cb.Bytes()), Size: int64(cb.Len())},
	}, xlsx.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	benchOnce.Store(key, ds)
	return ds
}

func benchEvaluate(b *testing.B, id string, counties, schools int) {
	ds := benchData(b, counties, schools)
	p := builtin(b, id)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Evaluate(ds, engine.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(ds.Units)), "µs/county")
}

// BenchmarkEvaluateNation: 2,844 counties, 500,000 schools (target < 200 ms).
func BenchmarkEvaluateNation(b *testing.B) {
	b.Run("yzjh-2017", func(b *testing.B) { benchEvaluate(b, "yzjh-2017", 2844, 500000) })
	b.Run("lxzz-county", func(b *testing.B) { benchEvaluate(b, "lxzz-county", 2844, 500000) })
}

// BenchmarkEvaluateProvince: 100 counties, 20,000 schools (target < 10 ms).
func BenchmarkEvaluateProvince(b *testing.B) {
	b.Run("yzjh-2017", func(b *testing.B) { benchEvaluate(b, "yzjh-2017", 100, 20000) })
	b.Run("lxzz-county", func(b *testing.B) { benchEvaluate(b, "lxzz-county", 100, 20000) })
}
