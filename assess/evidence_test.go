package assess_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/servicetest"
)

func TestEvidenceChecks(t *testing.T) {
	f := servicetest.NewFlow(t)
	as := f.Start(t, 2024, false)
	f.Assess.MaxEvidence = 64
	cases := []struct {
		name string
		in   assess.EvidenceInput
		want string
	}{
		{"text renamed pdf", assess.EvidenceInput{FileName: "a.pdf", Data: []byte("hello")}, "不符"},
		{"exe", assess.EvidenceInput{FileName: "a.exe", Data: []byte("MZ")}, "不支持"},
		{"empty", assess.EvidenceInput{FileName: "a.pdf"}, "空文件"},
		{"too big", assess.EvidenceInput{FileName: "a.pdf", Data: append(slices.Clone(servicetest.PDF), make([]byte, 100)...)}, "上限"},
		{"bad doc number", assess.EvidenceInput{FileName: "a.pdf", Data: servicetest.PDF, DocNumber: "97号"}, "文号"},
		{"unknown point", assess.EvidenceInput{FileName: "a.pdf", Data: servicetest.PDF, Point: "99"}, "没有测评点"},
	}
	for _, c := range cases {
		if _, err := f.Assess.AddEvidence(f.Ctx, f.Filler, as.ID, c.in); servicetest.KindOf(err) != ziping.Invalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want Invalid with %q", c.name, err, c.want)
		}
	}
	if _, err := f.Assess.AddEvidence(f.Ctx, f.Stranger, as.ID, assess.EvidenceInput{FileName: "a.pdf", Data: servicetest.PDF}); servicetest.KindOf(err) != ziping.NotFound {
		t.Errorf("stranger uploads: %v", err)
	}
	e := f.Evidence(t, as.ID, "", "南政办发[2018] 97号", 0)
	if e.DocNumber != "南政办发〔2018〕97号" || e.Period != 2018 || len(e.SHA256) != 64 || e.ContentType != "application/pdf" {
		t.Fatalf("evidence %+v", e)
	}
	got, data, err := f.Assess.EvidenceFile(f.Ctx, f.Filler, e.ID)
	if err != nil || string(data) != string(servicetest.PDF) || got.Title != "材料" {
		t.Fatalf("download %v %q %v", got, data, err)
	}
	if _, _, err := f.Assess.EvidenceFile(f.Ctx, f.Stranger, e.ID); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("stranger downloads: %v", err)
	}
	// A 2018 document in a 2024 assessment is flagged, not blocking.
	items, _ := f.Assess.Readiness(f.Ctx, f.Filler, as.ID)
	if !slices.ContainsFunc(items, func(it assess.ReadinessItem) bool { return it.Kind == "other_period" && !it.Blocking }) {
		t.Fatalf("no other_period warning: %+v", items)
	}
}

func TestDocNumber(t *testing.T) {
	for in, want := range map[string]string{
		"南政办发〔2018〕97号":  "南政办发〔2018〕97号",
		"南政办发[2018]97号":  "南政办发〔2018〕97号",
		"南政办发（2018）97号":  "南政办发〔2018〕97号",
		"教督办 〔2024〕 第5号": "教督办〔2024〕5号",
	} {
		got, _, err := assess.NormalizeDocNumber(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "97号", "南政办发2018年97号", "南政办发〔18〕97号"} {
		if _, _, err := assess.NormalizeDocNumber(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzDocNumber: a 文号 that is accepted is written in a form that is accepted again
// unchanged, with its year inside it.
func FuzzDocNumber(f *testing.F) {
	for _, s := range []string{"南政办发〔2018〕97号", "南政办发[2018]97号", "教督办 （2024） 第5号", "97号", "", "〔〕号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, year, err := assess.NormalizeDocNumber(s)
		if err != nil {
			return
		}
		again, year2, err := assess.NormalizeDocNumber(got)
		if err != nil || again != got || year2 != year {
			t.Fatalf("%q → %q (%d), then %q (%d) %v", s, got, year, again, year2, err)
		}
		if year < 1900 || year > 2099 || !strings.Contains(got, "〔"+strconv.Itoa(year)+"〕") {
			t.Fatalf("%q → %q: year %d", s, got, year)
		}
	})
}
