package engine_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"sync"
	"testing"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
	"ziping/xlsx"
)

var (
	benchOnce sync.Map // size → *engine.Dataset
)

// benchData generates a province or nation in memory and reads it through the
// importer, once per size: schools and counties, and kindergartens when asked for.
func benchData(b testing.TB, counties, schools, kindergartens int) *engine.Dataset {
	key := [3]int{counties, schools, kindergartens}
	if ds, ok := benchOnce.Load(key); ok {
		return ds.(*engine.Dataset)
	}
	p := synth.GenerateProvince(synth.Config{Counties: counties, Schools: schools, Kindergartens: kindergartens, Seed: 7, Periods: []int{2023, 2024}})
	var inputs []xlsx.Input
	for name, t := range map[string]synth.Table{"schools.csv": p.Schools, "kindergartens.csv": p.Kindergartens, "counties.csv": p.Counties} {
		if len(t.Rows) == 0 {
			continue
		}
		var buf bytes.Buffer
		if err := xlsx.WriteCSV(&buf, xlsx.Table{Header: t.Header, Rows: t.Rows}); err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, xlsx.Input{Name: name, R: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())})
	}
	ds, err := xlsx.ReadFrom(inputs, xlsx.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	benchOnce.Store(key, ds)
	return ds
}

func benchEvaluate(b *testing.B, id string, counties, schools, kindergartens int) {
	benchProgram(b, builtin(b, id), benchData(b, counties, schools, kindergartens))
}

func benchProgram(b *testing.B, p *engine.Program, ds *engine.Dataset) {
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Evaluate(ds, engine.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(ds.Units)), "µs/unit")
}

// BenchmarkEvaluateNation: 2,844 counties, 500,000 schools (target < 200 ms); 学前
// over the same counties with 300,000 kindergartens beside the schools (target
// < 200 ms).
func BenchmarkEvaluateNation(b *testing.B) {
	b.Run("yzjh-2017", func(b *testing.B) { benchEvaluate(b, "yzjh-2017", 2844, 500000, 0) })
	b.Run("lxzz-county", func(b *testing.B) { benchEvaluate(b, "lxzz-county", 2844, 500000, 0) })
	b.Run("jbjh-2012", func(b *testing.B) { benchEvaluate(b, "jbjh-2012", 2844, 500000, 0) })
	b.Run("xqpjph-2020", func(b *testing.B) { benchEvaluate(b, "xqpjph-2020", 2844, 500000, 300000) })
}

// BenchmarkEvaluateProvince: 100 counties, 20,000 schools (target < 10 ms), and
// 12,000 kindergartens for 学前.
func BenchmarkEvaluateProvince(b *testing.B) {
	b.Run("yzjh-2017", func(b *testing.B) { benchEvaluate(b, "yzjh-2017", 100, 20000, 0) })
	b.Run("lxzz-county", func(b *testing.B) { benchEvaluate(b, "lxzz-county", 100, 20000, 0) })
	b.Run("jbjh-2012", func(b *testing.B) { benchEvaluate(b, "jbjh-2012", 100, 20000, 0) })
	b.Run("xqpjph-2020", func(b *testing.B) { benchEvaluate(b, "xqpjph-2020", 100, 20000, 12000) })
}

// BenchmarkEvaluateSchools: xxbxzl-2021 on every school of a 20,000-school province,
// each school a unit (the regrouping by ForLevel included).
func BenchmarkEvaluateSchools(b *testing.B) {
	ds := benchData(b, 100, 20000, 0)
	p := builtin(b, "xxbxzl-2021")
	b.ResetTimer()
	units := 0
	for b.Loop() {
		schools := ds.ForLevel(p.FW.Level)
		units = len(schools.Units)
		if _, err := p.Evaluate(schools, engine.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(units), "µs/unit")
}

// BenchmarkDeepTree: lxzz-county as written (two levels) and with every area's
// points put in groups of up to three (three levels) and those groups in pairs (four
// levels), on a 100-county province. The deeper trees add subtotals only: the time
// per county should not move.
func BenchmarkDeepTree(b *testing.B) {
	ds := benchData(b, 100, 20000, 0)
	for depth := 2; depth <= 4; depth++ {
		b.Run(fmt.Sprintf("levels=%d", depth), func(b *testing.B) { benchProgram(b, deepLxzz(b, depth), ds) })
	}
}

// deepLxzz is lxzz-county regrouped into a tree of depth levels.
func deepLxzz(b *testing.B, depth int) *engine.Program {
	data, err := fs.ReadFile(frameworks.FS, "lxzz-county.yaml")
	if err != nil {
		b.Fatal(err)
	}
	fw, err := engine.Parse("lxzz-county.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	for i := range fw.Areas {
		a := &fw.Areas[i]
		groups := chunkPoints(a.Code, a.Points, 3)
		if depth == 4 {
			groups = pairGroups(a.Code, groups)
		}
		if depth > 2 {
			a.Points, a.Groups = nil, groups
		}
	}
	p, err := engine.Compile(fw)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func chunkPoints(code string, pts []engine.Point, n int) []engine.Group {
	var out []engine.Group
	for i := 0; i < len(pts); i += n {
		out = append(out, engine.Group{Code: fmt.Sprintf("%s.%d", code, len(out)+1), Name: "组", Points: pts[i:min(i+n, len(pts))]})
	}
	return out
}

func pairGroups(code string, gs []engine.Group) []engine.Group {
	var out []engine.Group
	for i := 0; i < len(gs); i += 2 {
		g := engine.Group{Code: fmt.Sprintf("%s.p%d", code, len(out)+1), Name: "对", Groups: gs[i:min(i+2, len(gs))]}
		out = append(out, g)
	}
	return out
}
