package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNoPdftotext is returned when a PDF is to be read and pdftotext is missing.
var ErrNoPdftotext = errors.New("未找到 pdftotext，无法读取 PDF：请安装 Debian 软件包 poppler-utils（apt-get install poppler-utils）")

// pdfPageNumber is a page number line as GB/T 9704 prints it: 「— 3 —」.
var pdfPageNumber = regexp.MustCompile(`^\s*[—－-]\s*\d+\s*[—－-]\s*$`)

// autospace is the space a PDF shows between Chinese and Latin or digits
// (「共有 86 所」), which the text never had.
var (
	autospaceAfter  = regexp.MustCompile(`(\p{Han}|[，。；：、（）“”]) ([0-9A-Za-z%.\-])`)
	autospaceBefore = regexp.MustCompile(`([0-9A-Za-z%.]) (\p{Han}|[，。；：、（）“”])`)
)

// pdfText reads a PDF's text with pdftotext (poppler-utils) and puts back together
// the paragraphs its lines were cut from: a line that fills the measure and does not
// end a sentence goes on with the next, unless that one is a heading. Page numbers
// are left out.
func pdfText(data []byte) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", ErrNoPdftotext
	}
	dir, err := os.MkdirTemp("", "ziping-pdftext-")
	if err != nil {
		return "", fmt.Errorf("pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return "", fmt.Errorf("pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", in, "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("pdftotext: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return joinPDFLines(invisible.Replace(string(out))), nil
}

// joinPDFLines joins the lines a PDF's text was wrapped into.
func joinPDFLines(text string) string {
	var out []string
	cur := ""
	flush := func() {
		if cur != "" {
			out = append(out, cur)
			cur = ""
		}
	}
	for _, raw := range strings.Split(strings.ReplaceAll(text, "\f", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || pdfPageNumber.MatchString(line) {
			continue
		}
		line = autospaceAfter.ReplaceAllString(autospaceBefore.ReplaceAllString(line, "$1$2"), "$1$2")
		if _, heading := parseHeading(line); heading {
			flush()
			out = append(out, line)
			continue
		}
		cur += line
		if utf8.RuneCountInString(line) < 20 || strings.ContainsAny(lastRune(line), "。：:；！？!?") {
			flush()
		}
	}
	flush()
	return strings.Join(out, "\n") + "\n"
}

func lastRune(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	return string(r)
}
