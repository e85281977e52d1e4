package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"ziping"
	"ziping/synth"
	"ziping/xlsx"
)

// Render time of the data pages for one county of about 50 schools, through the
// whole handler chain on a real SQLite file (session lookup, store queries, the
// evaluation, the template): go test ./web -run '^$' -bench . -benchmem
func BenchmarkPages(b *testing.B) {
	f := newFixture(b, 150) // three counties, ~50 schools each
	county, _ := f.svc.Store.UnitByCode(f.ctx, "990102")
	_, rows, _ := f.svc.Store.Schools(f.ctx, ziping.SchoolQuery{UnitIDs: []int64{county.ID}, Period: 2024, Limit: 1})
	b.Logf("county 990102: %d school rows in 2024", rows)
	filler := f.actor("filler")
	id := f.startAssessment(filler, "990102", testFW, 2024)
	f.scoreRest(filler, id)
	for _, c := range []struct{ name, path string }{
		{"assessment", assessmentURL(id)},
		{"ranking", "/units/990100/ranking?fw=lxzz-county&period=2024"},
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

// Import of a 20,000-row sheet through the web, as a browser does it: upload and
// preview, then confirm (the file is read again, then written ImportChunk rows to a
// transaction, visible at the last one),
// as an admin into the fixture's province (new schools become org units):
// go test ./web -run '^$' -bench Import20k -benchtime 3x
func BenchmarkImport20k(b *testing.B) {
	st, _ := synth.Generate(synth.Config{Counties: 3, Schools: 19200, Seed: 5})
	year := slices.Index(st.Header, "年度")
	t := xlsx.Table{Header: st.Header}
	for _, row := range st.Rows {
		if fmt.Sprint(row[year]) == "2024" && len(t.Rows) < 20000 {
			t.Rows = append(t.Rows, row)
		}
	}
	if len(t.Rows) != 20000 {
		b.Fatalf("generated %d rows of 2024, want 20000", len(t.Rows))
	}
	var buf bytes.Buffer
	if err := xlsx.WriteXLSX(&buf, []xlsx.Table{t}); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d rows, %d KB", len(t.Rows), buf.Len()>>10)
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b, 60)
		f.login("admin", false)
		b.StartTimer()
		start := time.Now()
		w := f.upload(uploadReq{role: "admin", path: "/units/990000/import", file: "全省.xlsx", data: buf.Bytes()})
		m := uploadID.FindStringSubmatch(w.Body.String())
		if w.Code != http.StatusOK || m == nil {
			b.Fatalf("preview: %d %.3000s", w.Code, w.Body.String())
		}
		preview := time.Since(start)
		w = f.do(request{role: "admin", method: http.MethodPost, path: "/units/990000/import/confirm", form: url.Values{"upload": {m[1]}}})
		if w.Code != http.StatusSeeOther {
			b.Fatalf("confirm: %d %.3000s", w.Code, w.Body.String())
		}
		b.Logf("upload+preview %v, confirm %v, total %v", preview.Round(time.Millisecond), (time.Since(start) - preview).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	}
}
