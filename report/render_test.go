package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ziping/docx"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
	"ziping/xlsx"
)

// evaluated evaluates county 990121 of the fixed synthetic province (3 counties, 90
// schools, seed 42) under a built-in framework.
func evaluated(t testing.TB, id string) (*engine.Result, *engine.Framework) {
	t.Helper()
	schools, counties := synth.Generate(synth.Config{Counties: 3, Schools: 90, Seed: 42})
	var buf bytes.Buffer
	if err := xlsx.WriteCSV(&buf, xlsx.Table{Sheet: "学校", Header: schools.Header, Rows: schools.Rows}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sp, cp := filepath.Join(dir, "学校.csv"), filepath.Join(dir, "区县.csv")
	writeFile(t, sp, buf.Bytes())
	buf.Reset()
	if err := xlsx.WriteCSV(&buf, xlsx.Table{Sheet: "区县", Header: counties.Header, Rows: counties.Rows}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, cp, buf.Bytes())
	prog, err := frameworks.Builtin(id)
	if err != nil {
		t.Fatal(err)
	}
	opt := xlsx.ReadOptions{}
	if prog.FW.Split != nil {
		opt.Split = *prog.FW.Split
	}
	ds, err := xlsx.Read([]string{sp, cp}, opt)
	if err != nil {
		t.Fatal(err)
	}
	res, err := prog.Evaluate(ds, engine.Options{Units: []int{ds.UnitIndex("990121")}})
	if err != nil {
		t.Fatal(err)
	}
	return res[0], prog.FW
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := writeBytes(path, data); err != nil {
		t.Fatal(err)
	}
}

// TestBuildProblemsCoverEveryDeduction: every scored point that lost marks has
// its paragraph in 存在问题, named by its code, once.
func TestBuildProblemsCoverEveryDeduction(t *testing.T) {
	for _, id := range []string{"lxzz-county", "yzjh-2017"} {
		res, fw := fixture(t, id, manyCounty)
		r, err := Build(res, fw, nil, BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, s := range r.Sections {
			if s.Title == SecProblems {
				for _, b := range s.Blocks {
					text.WriteString(b.Text + "\n")
				}
			}
		}
		n := 0
		for _, a := range res.Areas {
			for _, p := range a.Points {
				if p.Status != engine.StatusScored || p.Lost == 0 {
					continue
				}
				n++
				ref := "（第" + p.Code + "测评点扣" + fw.FormatScore(p.Lost) + "分）"
				if fw.IsVerdict() {
					ref = "（测评点" + p.Code + "）"
				}
				if c := strings.Count(text.String(), ref); c != 1 {
					t.Errorf("%s: 存在问题 names %s %d times, want once", id, ref, c)
				}
			}
		}
		if n < 5 {
			t.Errorf("%s: the county with many problems lost marks on %d points", id, n)
		}
	}
}

func TestBindErrors(t *testing.T) {
	res, fw := evaluated(t, "lxzz-county")
	for i := range res.Metrics {
		if res.Metrics[i].ID == "kg.public_share" {
			res.Metrics[i].OK, res.Metrics[i].Why = false, "缺少在园幼儿数"
		}
	}
	md := "# 基本情况\n\n总分{{total}}。\n\n## 落实教育优先发展\n\n占比 {{公办园在园幼儿占比}}，{{metric \"no.such\"}}。\n"
	r, err := Build(res, fw, []byte(md), BuildOptions{})
	var be BindErrors
	if !errors.As(err, &be) || len(be) != 2 {
		t.Fatalf("err = %v, want 2 bind errors", err)
	}
	want := []BindError{
		{Section: "主要做法及成效·落实教育优先发展", Line: 7, Col: 4, Token: "{{公办园在园幼儿占比}}"},
		{Section: "主要做法及成效·落实教育优先发展", Line: 7, Col: 18, Token: "{{metric \"no.such\"}}"},
	}
	for i, w := range want {
		g := be[i]
		if g.Section != w.Section || g.Line != w.Line || g.Col != w.Col || g.Token != w.Token {
			t.Errorf("error %d = %+v, want %+v", i, g, w)
		}
	}
	if strings.Contains(r.Markdown(), "无法计算") {
		t.Error("an uncomputable bound value rendered silently")
	}
	kinds := map[string]int{}
	for _, is := range r.Lint() {
		kinds[is.Kind]++
	}
	if kinds["未绑定的值"] != 2 || kinds["未填写章节"] != 1 {
		t.Errorf("lint kinds = %v", kinds)
	}
}

func TestLintUnfilledImprovement(t *testing.T) {
	res, fw := evaluated(t, "yzjh-2017")
	r, err := Build(res, fw, nil, BuildOptions{Date: fixtureDate})
	if err != nil {
		t.Fatal(err)
	}
	is := r.Lint()
	if len(is) != 1 || is[0].Text != UnfilledImprovement || is[0].Section != "四、下一步工作打算" {
		t.Fatalf("lint = %+v", is)
	}
	r, _ = Build(res, fw, []byte("## 四、下一步工作\n\n继续推进。\n"), BuildOptions{Date: fixtureDate})
	if is := r.Lint(); len(is) != 0 {
		t.Errorf("filled report: lint = %+v", is)
	}
	// Without a 成文日期 the report is not ready either.
	r, _ = Build(res, fw, []byte("## 四、下一步工作\n\n继续推进。\n"), BuildOptions{})
	if is := r.Lint(); len(is) != 1 || is[0].Kind != KindNoDate {
		t.Errorf("undated report: lint = %+v", is)
	}
}

func TestOutputs(t *testing.T) {
	res, fw := evaluated(t, "lxzz-county")
	r, err := Build(res, fw, []byte("# 基本情况\n\n<script>alert(1)</script>\n\n文字<b>粗</b>。\n"), BuildOptions{Issuer: "银昌县人民政府"})
	if err != nil {
		t.Fatal(err)
	}
	h := r.HTML()
	if strings.Contains(h, "<script>") || strings.Contains(h, "<b>") || !strings.Contains(h, "&lt;script&gt;") {
		t.Errorf("narrative HTML not escaped:\n%.2000s", h)
	}
	// The print view numbers its pages 「— N —」 and starts 附件1 on a page.
	if !strings.Contains(h, `content: "— " counter(page) " —"`) || !strings.Contains(h, `<section class="annex">`) {
		t.Error("the HTML print view has no page numbers or no 附件1")
	}
	var buf bytes.Buffer
	if err := r.Docx(&buf, docx.Options{}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			var x bytes.Buffer
			_, _ = x.ReadFrom(rc)
			rc.Close()
			first, _, _ := strings.Cut(breakTitle(r.Title), "\n")
			found = strings.Contains(x.String(), first) && strings.Contains(x.String(), "银昌县人民政府")
		}
	}
	if !found {
		t.Error("word/document.xml missing or without the title")
	}
}

func BenchmarkReportDocx(b *testing.B) {
	res, fw := evaluated(b, "lxzz-county")
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		r, err := Build(res, fw, nil, BuildOptions{Issuer: "银昌县人民政府"})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Docx(&buf, docx.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func writeBytes(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }
