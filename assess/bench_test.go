package assess_test

import (
	"context"
	"testing"
	"time"

	"ziping"
	"ziping/dataset"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/servicetest"
	"ziping/synth"
)

// benchService imports a generated province (200 counties, 20,000 schools, two
// years) into a fresh SQLite file.
func benchService(b *testing.B) (*servicetest.Services, context.Context) {
	b.Helper()
	ctx := context.Background()
	st := servicetest.OpenSQLite(b)
	svc := servicetest.Wire(st, servicetest.FastHasher(), time.Now)
	if err := svc.Assess.SeedFrameworks(ctx, frameworks.Stored()); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Data.AddUnit(ctx, ziping.System, "990000", "示范省", ziping.LevelProvince, ""); err != nil {
		b.Fatal(err)
	}
	schools, counties := synth.Generate(synth.Config{Counties: 200, Schools: 20000, Seed: 11})
	ds := servicetest.ReadTables(b, schools, counties)
	if _, err := svc.Data.ImportDataset(ctx, ziping.System, ds, dataset.ImportSource{File: "s.csv"}); err != nil {
		b.Fatal(err)
	}
	return svc, ctx
}

// BenchmarkRecomputeCounty: after one edited value, load a county's data of two
// years from the store and score it (issue 3 target < 20 ms).
func BenchmarkRecomputeCounty(b *testing.B) {
	svc, ctx := benchService(b)
	county, err := svc.Store.UnitByCode(ctx, "990102")
	if err != nil {
		b.Fatal(err)
	}
	prog, _ := frameworks.Builtin("lxzz-county")
	for b.Loop() {
		ds, _, err := svc.Data.LoadDataset(ctx, ziping.System, county, 2024)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := prog.Evaluate(ds, engine.Options{Period: 2024}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecomputeProvince: after an import, load a 200-county province of two
// years from the store and score every county (issue 4 target < 1 s).
func BenchmarkRecomputeProvince(b *testing.B) {
	svc, ctx := benchService(b)
	root, _ := svc.Store.UnitByCode(ctx, "990000")
	prog, _ := frameworks.Builtin("lxzz-county")
	for b.Loop() {
		// A new service each time: the dataset cache would otherwise make this
		// measure the evaluation only.
		fresh := servicetest.Wire(svc.Store, servicetest.FastHasher(), time.Now)
		ds, _, err := fresh.Data.LoadDataset(ctx, ziping.System, root, 2024)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := prog.Evaluate(ds, engine.Options{Period: 2024}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecomputeAssessments: after an import, bring the open assessments of
// every county of a 200-county province up to date with the data: load the province
// afresh (a new service, so nothing is cached), evaluate each county with its
// people's scores, check readiness and write the 200 summaries in one transaction
// (issue 4 target < 1 s).
func BenchmarkRecomputeAssessments(b *testing.B) {
	svc, ctx := benchService(b)
	root, _ := svc.Store.UnitByCode(ctx, "990000")
	counties, err := svc.Store.Subtree(ctx, root, ziping.LevelCounty)
	if err != nil {
		b.Fatal(err)
	}
	for i := range counties {
		if _, err := svc.Assess.StartAssessment(ctx, ziping.System, "lxzz-county", &counties[i], 2024, false); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		fresh := servicetest.Wire(svc.Store, servicetest.FastHasher(), time.Now)
		n, err := fresh.Assess.RecomputeAssessments(ctx, root, 2024)
		if err != nil || n != len(counties) {
			b.Fatalf("recomputed %d of %d: %v", n, len(counties), err)
		}
	}
}
