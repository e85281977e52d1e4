package docx

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// soffice finds LibreOffice. Under CI=true a missing LibreOffice fails the run
// (.ci/run installs libreoffice-writer); elsewhere the check is skipped.
func soffice(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("LibreOffice (soffice) is not installed: .ci/run installs the Debian package libreoffice-writer for the .docx → PDF check")
	}
	t.Skip("soffice not on PATH; install libreoffice-writer to check that LibreOffice opens the .docx")
	return ""
}

// toPDF converts a .docx with LibreOffice in a private profile and returns the PDF.
func toPDF(t *testing.T, bin string, d *Document) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "report.docx")
	data, err := Bytes(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, in)
	// A private HOME avoids the lock on a shared user profile.
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "report.pdf")
	if _, err := os.Stat(pdf); err != nil {
		t.Fatalf("no PDF after conversion: %v\n%s", err, out)
	}
	return pdf
}

var pageObj = regexp.MustCompile(`/Type\s*/Page[^s]`)

func TestLibreOfficePDF(t *testing.T) {
	bin := soffice(t)
	pdf := toPDF(t, bin, sample())
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(pageObj.FindAll(data, -1))
	if pages < 1 {
		t.Fatalf("PDF has %d pages, want ≥ 1", pages)
	}
	t.Logf("sample report: %d page(s)", pages)
	if !*update {
		return
	}
	// -update also refreshes the picture of page one in docs/.
	png := filepath.Join(filepath.Dir(pdf), "page")
	if out, err := exec.Command("pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	b, err := os.ReadFile(png + ".png")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "report-page.png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLibreOfficeCountyPages converts the fifteen-page county report and reports its
// page count, a check that the grid holds 22 lines a page.
func TestLibreOfficeCountyPages(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	bin := soffice(t)
	data, err := os.ReadFile(toPDF(t, bin, county()))
	if err != nil {
		t.Fatal(err)
	}
	pages := len(pageObj.FindAll(data, -1))
	if pages < 10 || pages > 20 {
		t.Errorf("county report has %d pages, want about 15", pages)
	}
	t.Logf("county report: %d pages", pages)
}
