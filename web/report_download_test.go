package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ziping/browsertest"
)

// TestBrowserReportWord: the clerk opens the report and downloads Word, as the
// 下载Word button does in their session. The .docx holds 附件1 the score sheet with
// its header row repeated, the 附件说明, the 成文日期, and the end of the body kept
// with the signature; converted with LibreOffice, the signature shares its page with
// the last paragraph.
func TestBrowserReportWord(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	filler := s.actor("filler")
	id := s.startAssessment(filler, "990102", testFW, 2024)
	s.scoreRest(filler, id)
	editor := reportURL(id)
	ctx := browsertest.Chrome(t)
	browsertest.Response(t, ctx, chromedp.Navigate(s.url+"/login?next="+editor))
	ru := roleUsers["filler"]
	if st := s.signIn(t, ctx, ru.user, password(ru.user)); st != 200 || pagePath(t, ctx) != editor {
		t.Fatalf("sign in: status %d at %s", st, pagePath(t, ctx))
	}
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const r = await fetch(document.getElementById('report-docx').href);
		if (!r.ok) return 'status ' + r.status;
		const b = new Uint8Array(await r.arrayBuffer());
		let s = ''; for (const c of b) s += String.fromCharCode(c);
		return btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("download: %.40s", b64)
	}
	doc := strings.ReplaceAll(zipPart(t, data, "word/document.xml"), "\u2060", "")
	for _, want := range []string{">附件1<", "评价内容与测评点", "<w:tblHeader/>", "附件：", "<w:pageBreakBefore/>"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the .docx lacks %q", want)
		}
	}
	date := regexp.MustCompile(`<w:pStyle w:val="Signature"/>(?:</?w:[^>]*>)*<w:r><w:t xml:space="preserve">(\d{4}年\d{1,2}月\d{1,2}日)</w:t>`).FindStringSubmatch(doc)
	if date == nil {
		t.Fatalf("the .docx has no 成文日期 under the issuer")
	}
	// From the last body paragraph to the issuer every paragraph keeps with the next:
	// the last paragraph, the empty line and 附件说明, the two empty lines for the seal.
	body, _, _ := strings.Cut(doc, `<w:pStyle w:val="Signature"/>`)
	paras := strings.Split(body, "<w:p>")
	for _, p := range paras[len(paras)-6 : len(paras)-1] {
		if !strings.Contains(p, "<w:keepNext/>") {
			t.Errorf("a paragraph before the signature does not keep with the next: %.200s", p)
		}
	}
	signatureWithBody(t, data, date[1])
}

// zipPart is one part of a .docx.
func zipPart(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no %s", name)
	return ""
}

// signatureWithBody converts the .docx with LibreOffice and checks that the page with
// the date also has the body's last words. Under CI=true LibreOffice and pdftotext
// must be there (.ci/run installs them); elsewhere the check is skipped without them.
func signatureWithBody(t *testing.T, docx []byte, date string) {
	t.Helper()
	for _, bin := range []string{"soffice", "pdftotext"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (libreoffice-writer, poppler-utils)", bin)
			}
			t.Logf("%s is missing: the page check is skipped", bin)
			return
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "r.docx")
	if err := os.WriteFile(in, docx, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "soffice", "-env:UserInstallation=file://"+filepath.Join(dir, "p"), "--headless", "--convert-to", "pdf", "--outdir", dir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", filepath.Join(dir, "r.pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	squash := regexp.MustCompile(`\s+`)
	for _, page := range strings.Split(string(out), "\f") {
		flat := squash.ReplaceAllString(page, "")
		if strings.Contains(flat, date) {
			if !strings.Contains(flat, "（请填写改进措施）") && !strings.Contains(flat, "附件：") {
				t.Errorf("the signature's page has no body text:\n%s", page)
			}
			return
		}
	}
	t.Errorf("no page has the date %s", date)
}
