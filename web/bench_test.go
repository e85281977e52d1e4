package web

import (
	"net/http"
	"testing"

	"ziping"
)

// Render time of the data pages for one county of about 50 schools, through the
// whole handler chain on a real SQLite file (session lookup, store queries, the
// evaluation, the template): go test ./web -run '^$' -bench . -benchmem
func BenchmarkPages(b *testing.B) {
	f := newFixture(b, 150) // three counties, ~50 schools each
	county, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	_, rows, _ := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{county.ID}, Period: 2024, Limit: 1})
	b.Logf("county 990102: %d school rows in 2024", rows)
	for _, c := range []struct{ name, path string }{
		{"unit", "/units/990102"},
		{"unit_lxzz", "/units/990102?fw=lxzz-county"},
		{"score", "/units/990102/score"},
		{"score_lxzz", "/units/990102/score?fw=lxzz-county"},
		{"explain", "/units/990102/explain/primary.cv.equipment_value_per_student"},
		{"xlsx", "/units/990102/score.xlsx"},
	} {
		b.Run(c.name, func(b *testing.B) {
			rq := request{role: "admin", method: http.MethodGet, path: c.path}
			f.do(rq) // sign in outside the loop
			for b.Loop() {
				if w := f.do(rq); w.Code != http.StatusOK {
					b.Fatalf("%s: %d", c.path, w.Code)
				}
			}
		})
	}
}
