package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files (and docs/report-page.png when LibreOffice is present)")

// parts unzips a package into part name → content.
func parts(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = b
	}
	return out
}

func TestGolden(t *testing.T) {
	data, err := Bytes(sample(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := parts(t, data)
	for _, name := range []string{"word/document.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml", "word/footer1.xml", "word/footer2.xml"} {
		t.Run(name, func(t *testing.T) {
			golden := filepath.Join("testdata", strings.TrimSuffix(filepath.Base(name), ".xml")+".golden")
			// One element per line makes golden diffs readable.
			got := []byte(strings.ReplaceAll(string(p[name]), "><", ">\n<"))
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./docx -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s differs from %s (-want +got):\n%s", name, golden, diff)
			}
		})
	}
}

func TestPackageWellFormed(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{}, {BoldLevels23: true}} {
		data, err := Bytes(sample(), o)
		if err != nil {
			t.Fatal(err)
		}
		p := parts(t, data)
		want := []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml", "word/footer1.xml", "word/footer2.xml", "word/_rels/document.xml.rels", "docProps/core.xml", "docProps/app.xml"}
		if len(p) != len(want) {
			t.Errorf("package has %d parts, want %d", len(p), len(want))
		}
		for _, name := range want {
			b, ok := p[name]
			if !ok {
				t.Errorf("missing part %s", name)
				continue
			}
			dec := xml.NewDecoder(bytes.NewReader(b))
			for {
				_, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Errorf("%s: not well-formed: %v", name, err)
					break
				}
			}
		}
	}
}

// TestLayout checks the arithmetic behind the golden numbers: 22 lines and 28
// characters fit the 156 × 225 mm block, each within a twip or two.
func TestLayout(t *testing.T) {
	t.Parallel()
	mm := func(tw int) float64 { return float64(tw) / 56.6929 }
	checks := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"text width mm", mm(textW), 156, 0.1},
		{"text height mm", mm(textH), 225, 0.1},
		{"top mm", mm(marginTop), 37, 0.1},
		{"bottom mm", mm(marginBottom), 35, 0.1},
		{"left mm", mm(marginLeft), 28, 0.1},
		{"right mm", mm(marginRight), 26, 0.1},
		{"22 lines twips", float64(linesPerPage * linePitch), textH, linesPerPage},
		{"28 chars twips", 28 * charPitch(), textW, 28},
		// Dash centre: footer distance plus half the footer line, 7 mm under the block.
		{"page number mm below block", mm(marginBottom) - mm(footerDist) - mm(footerLine)/2, 7, 0.1},
	}
	for _, c := range checks {
		if d := c.got - c.want; d > c.tol || d < -c.tol {
			t.Errorf("%s = %.2f, want %.2f ± %.2f", c.name, c.got, c.want, c.tol)
		}
	}
	if 28*charPitch() > textW || linesPerPage*linePitch > textH {
		t.Errorf("grid overflows the text block: %v × 28, %d × 22", charPitch(), linePitch)
	}
}

func TestNumbering(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 99: "九十九", 100: "一百", 105: "一百零五", 110: "一百一十"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
	var c numberer
	var got []string
	for _, l := range []int{0, 1, 2, 3, 3, 2, 1, 2, 0, 2, 1} {
		got = append(got, c.next(l))
	}
	want := []string{"一、", "（一）", "1.", "（1）", "（2）", "2.", "（二）", "1.", "二、", "1.", "（一）"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("numbering (-want +got):\n%s", diff)
	}
}

func TestEscapingAndErrors(t *testing.T) {
	t.Parallel()
	d := &Document{Title: `A<B>&"C"`, Blocks: []Block{{Kind: Paragraph, Text: "x < y & z\x01"}}}
	data, err := Bytes(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := string(parts(t, data)["word/document.xml"])
	for _, s := range []string{"A&lt;B&gt;&amp;&#34;C&#34;", "x &lt; y &amp; z\uFFFD"} {
		if !strings.Contains(doc, s) {
			t.Errorf("document.xml lacks %q", s)
		}
	}
	bad := []*Document{nil, {Blocks: []Block{{Kind: TableBlock}}}, {Blocks: []Block{{Kind: 99}}}, {Blocks: []Block{{Kind: TableBlock, Table: &Table{}}}}}
	for i, d := range bad {
		if _, err := Bytes(d, Options{}); err == nil {
			t.Errorf("bad document %d: no error", i)
		}
	}
}

func TestColumnWidths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		rel  []float64
		cols int
	}{{[]float64{4, 1.5, 1.5, 3}, 4}, {nil, 3}, {[]float64{1, 0}, 2}, {[]float64{1}, 2}} {
		w := columnWidths(c.rel, c.cols)
		sum := 0
		for _, x := range w {
			sum += x
		}
		if len(w) != c.cols || sum != textW {
			t.Errorf("columnWidths(%v, %d) = %v (sum %d), want %d columns summing to %d", c.rel, c.cols, w, sum, c.cols, textW)
		}
	}
}

func BenchmarkCountyReport(b *testing.B) {
	d := county()
	var n int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, d, Options{}); err != nil {
			b.Fatal(err)
		}
		n = buf.Len()
	}
	b.ReportMetric(float64(n), "bytes/doc")
}
