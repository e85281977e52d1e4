package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"ziping/docx"
)

// needPDFTools finds LibreOffice and pdftotext. Under CI=true a missing one fails
// the run (.ci/run installs libreoffice-writer and poppler-utils); elsewhere the
// test is skipped.
func needPDFTools(t *testing.T) {
	t.Helper()
	var missing []string
	if _, err := exec.LookPath("soffice"); err != nil {
		missing = append(missing, "libreoffice-writer (soffice)")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		missing = append(missing, "poppler-utils (pdftotext)")
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("missing %s: .ci/run installs them for the PDF checks", strings.Join(missing, ", "))
	}
	t.Skipf("missing %s", strings.Join(missing, ", "))
}

// densePunctuation is a narrative whose closing marks fall just after a full line of
// 28 characters (the first line holds 26, after the two-character indent), where
// LibreOffice used to drop them.
func densePunctuation() string {
	base := []rune("县委县政府坚持教育优先发展统筹推进义务教育优质均衡发展全面落实各项保障措施加强教师队伍建设提升教育质量促进教育公平")
	marks := []rune("。，、；：！？）”》")
	var b strings.Builder
	b.WriteString("## 基本情况\n\n")
	for i := range 30 {
		n := 26 + (i%3)*28
		for k := range n {
			b.WriteRune(base[(k+i)%len(base)])
		}
		b.WriteRune(marks[i%len(marks)])
		for k := range 12 + i%7 {
			b.WriteRune(base[(k+2*i)%len(base)])
		}
		b.WriteString("。\n\n")
	}
	return b.String()
}

var (
	pageNumber = regexp.MustCompile(`—\s*\d+\s*—`)
	spaces     = regexp.MustCompile(`\s+`)
)

// TestPDFKeepsEveryCharacter converts reports full of punctuation with LibreOffice
// and compares the PDF's text (pdftotext) with the .docx text character for
// character. Tables are left out of both: pdftotext reads a table's cells in its own
// order.
func TestPDFKeepsEveryCharacter(t *testing.T) {
	if testing.Short() {
		t.Skip("converts with LibreOffice")
	}
	needPDFTools(t)
	cases := []struct {
		name, fwID, county, narrative string
	}{
		{"dense punctuation", "lxzz-county", modelCounty, densePunctuation()},
		{"lxzz many problems", "lxzz-county", manyCounty, ""},
		{"yzjh many problems", "yzjh-2017", manyCounty, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, fw := fixture(t, c.fwID, c.county)
			r, err := Build(res, fw, []byte(c.narrative), BuildOptions{Issuer: res.Unit.Name + "人民政府", Date: fixtureDate})
			if err != nil {
				t.Fatal(err)
			}
			withoutTables(r)
			var d, p bytes.Buffer
			if err := r.Docx(&d, docx.Options{}); err != nil {
				t.Fatal(err)
			}
			want, err := docxText(d.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if err := r.PDF(context.Background(), &p, docx.Options{}); err != nil {
				t.Fatal(err)
			}
			got := pdftotext(t, p.Bytes())
			w, g := spaces.ReplaceAllString(want, ""), spaces.ReplaceAllString(pageNumber.ReplaceAllString(got, ""), "")
			if w != g {
				i := 0
				for i < len(w) && i < len(g) && w[i] == g[i] {
					i++
				}
				from := max(0, i-60)
				t.Errorf("the PDF's text differs from the .docx at byte %d:\n docx …%s…\n pdf  …%s…", i, w[from:min(len(w), i+60)], g[from:min(len(g), i+60)])
			}
			if strings.Count(w, "，") < 20 {
				t.Errorf("the report has %d commas: not dense enough to test", strings.Count(w, "，"))
			}
		})
	}
}

// withoutTables drops the report's tables and annexes.
func withoutTables(r *Report) {
	for i := range r.Sections {
		var kept []docx.Block
		for _, b := range r.Sections[i].Blocks {
			if b.Kind != docx.TableBlock {
				kept = append(kept, b)
			}
		}
		r.Sections[i].Blocks = kept
	}
	r.Annexes = nil
}

// pdftotext is pdftotext's reading of a PDF.
func pdftotext(t *testing.T, pdf []byte) string {
	t.Helper()
	f := t.TempDir() + "/r.pdf"
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return invisible.Replace(string(out))
}

// TestPDFLayout converts the report of the county with many problems and reads it
// page by page: the signature shares its page with the end of the body (also when
// the body ends at the foot of a page), 附件1 starts a page, and every page of it
// repeats the table's header.
func TestPDFLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("converts with LibreOffice")
	}
	needPDFTools(t)
	res, fw := fixture(t, "lxzz-county", manyCounty)
	// With 19 one-line paragraphs in 下一步工作打算 the body ends on the last lines of
	// page 8, and without keep-with-next the signature went alone onto page 9.
	md := "## 下一步工作打算\n\n" + strings.Repeat("持续推进整改落实。\n\n", 19)
	r, err := Build(res, fw, []byte(md), BuildOptions{Issuer: "石门县人民政府", Date: fixtureDate})
	if err != nil {
		t.Fatal(err)
	}
	var p bytes.Buffer
	if err := r.PDF(context.Background(), &p, docx.Options{}); err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(pdftotext(t, p.Bytes()), "\f")
	sign, annex := -1, -1
	for i, pg := range pages {
		flat := spaces.ReplaceAllString(pg, "")
		if strings.Contains(flat, "石门县人民政府2025年3月28日") {
			sign = i
		}
		if annex < 0 && strings.HasPrefix(flat, "附件1") {
			annex = i
		}
	}
	if sign < 0 || annex < 0 {
		t.Fatalf("signature on page %d, 附件1 on page %d", sign+1, annex+1)
	}
	last := spaces.ReplaceAllString(pages[sign], "")
	if !strings.Contains(last, "持续推进整改落实。") || !strings.Contains(last, "附件：") {
		t.Errorf("the signature's page %d lacks the last paragraph or 附件说明:\n%s", sign+1, pages[sign])
	}
	if annex != sign+1 {
		t.Errorf("附件1 starts on page %d, the signature is on page %d", annex+1, sign+1)
	}
	annexPages := 0
	for i := annex; i < len(pages); i++ {
		if strings.TrimSpace(pages[i]) == "" {
			continue
		}
		annexPages++
		if flat := spaces.ReplaceAllString(pages[i], ""); !strings.Contains(flat, "评价内容与测评点") || !strings.Contains(flat, "扣分原因") {
			t.Errorf("page %d of 附件1 has no table header:\n%.300s", i+1, pages[i])
		}
	}
	if annexPages < 2 {
		t.Errorf("附件1 fills %d page(s); the test wants the table to run over", annexPages)
	}
}

// TestPDFKeepsNumbersWithUnits: no line of the PDF ends in a number whose unit
// starts the next line (「1286」/「所」), nor in a lone minus sign (「-」/「1.14%」).
// The .docx joins them with word joiners (docx.joinNumbers).
func TestPDFKeepsNumbersWithUnits(t *testing.T) {
	if testing.Short() {
		t.Skip("converts with LibreOffice")
	}
	needPDFTools(t)
	base := []rune("县委县政府坚持教育优先发展统筹推进义务教育优质均衡发展全面落实各项保障措施")
	var b strings.Builder
	b.WriteString("## 基本情况\n\n")
	for k := 14; k <= 28; k++ {
		for _, tail := range []string{"共有学校1286所，在校生35412人。", "支出比上年-1.14%，为5.16亿元。", "占比达52.3%，高于50%的标准。"} {
			b.WriteString(string(base[:k]) + tail + "\n\n")
		}
	}
	res, fw := fixture(t, "lxzz-county", modelCounty)
	r, err := Build(res, fw, []byte(b.String()), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	withoutTables(r)
	var p bytes.Buffer
	if err := r.PDF(context.Background(), &p, docx.Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(pdftotext(t, p.Bytes()), "\n")
	units := regexp.MustCompile(`^\s*[所人亿元%万]`)
	// LibreOffice 7.4 still moves a unit with the mark after it (「所，」) to the next
	// line when the mark may not start a line, word joiner or not; Word keeps them.
	known := regexp.MustCompile(`^\s*[所人亿元%万][。，、；）]`)
	for i := 0; i+1 < len(lines); i++ {
		end := strings.TrimRight(lines[i], " ")
		if end == "" {
			continue
		}
		last := end[len(end)-1]
		switch {
		case last == '-':
			t.Errorf("line %d ends on a lone minus: %q / %q", i+1, end, lines[i+1])
		case last >= '0' && last <= '9' && known.MatchString(lines[i+1]):
			t.Logf("LibreOffice split a number from its unit before a mark: %q / %q", end, lines[i+1])
		case last >= '0' && last <= '9' && units.MatchString(lines[i+1]):
			t.Errorf("line %d splits a number from its unit: %q / %q", i+1, end, lines[i+1])
		}
	}
	if !strings.Contains(strings.Join(lines, ""), "1286") {
		t.Fatal("the PDF lacks the test paragraphs")
	}
}
