package report

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ziping/docx"
)

// Docx writes the report as a GB/T 9704 .docx; the docx writer numbers the headings.
func (r *Report) Docx(w io.Writer, o docx.Options) error {
	return docx.Write(w, r.document(), o)
}

// document is the report as a docx.Document: the 主送机关 flush left, the opening,
// each section a level-1 heading, the 附件说明 and the annexes on pages of their own.
func (r *Report) document() *docx.Document {
	d := &docx.Document{Title: breakTitle(r.Title), Issuer: r.Issuer, Date: r.Date, Blocks: r.body()}
	for _, an := range r.Annexes {
		d.Attachments = append(d.Attachments, an.Title)
		blocks := []docx.Block{{Kind: docx.TableBlock, Table: an.Table}}
		for _, n := range an.Notes {
			blocks = append(blocks, docx.Block{Kind: docx.Unindented, Text: n})
		}
		d.Annexes = append(d.Annexes, docx.Annex{Label: an.Label, Title: breakTitle(an.Title), Blocks: blocks})
	}
	return d
}

// body is the blocks before the 附件说明: 主送机关, opening, sections.
func (r *Report) body() []docx.Block {
	var out []docx.Block
	if r.Recipient != "" {
		out = append(out, docx.Block{Kind: docx.Unindented, Text: r.Recipient + "："})
	}
	out = append(out, r.Opening...)
	for _, s := range r.Sections {
		out = append(out, heading(1, s.Title))
		out = append(out, s.Blocks...)
	}
	return out
}

// attachmentLines is the 附件说明: 「附件：1.……评分表」, further annexes numbered
// under it.
func (r *Report) attachmentLines() []string {
	var out []string
	for i, an := range r.Annexes {
		prefix := "　　　"
		if i == 0 {
			prefix = "附件："
		}
		out = append(out, prefix+strconv.Itoa(i+1)+"."+an.Title)
	}
	return out
}

// numberer numbers headings 一、/（一）/1./（1）, restarting the lower levels, as the
// docx writer does.
type numberer [4]int

func (n *numberer) next(level int) string {
	n[level]++
	for i := level + 1; i < len(n); i++ {
		n[i] = 0
	}
	switch level {
	case 0:
		return chineseNumeral(n[0]) + "、"
	case 1:
		return "（" + chineseNumeral(n[1]) + "）"
	case 2:
		return fmt.Sprintf("%d.", n[2])
	}
	return fmt.Sprintf("（%d）", n[3])
}

// chineseNumeral writes 1–99 as 一 … 九十九.
func chineseNumeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	case n < 100:
		return digits[n/10] + "十" + digits[n%10]
	}
	return fmt.Sprint(n)
}

// item is a block with its heading number, as the Markdown and HTML outputs show it.
type item struct {
	Level  int  // 0 paragraph, 1–4 heading
	Flush  bool // a paragraph flush with the margin (主送机关, notes)
	Number string
	Text   string
	Table  *docx.Table
	// Segs is Text cut at the metric values bound in the narrative, each value
	// with the URL of its metric; nil when nothing in Text is linked. Only the HTML
	// output uses it.
	Segs []segment
}

// segment is a piece of an item's text: plain, or a metric value linked to URL.
type segment struct {
	Text       string
	URL, Title string // the metric's drill-down and its name; empty for plain text
}

func (r *Report) items() []item { return r.itemsOf(r.body()) }

// itemsOf numbers the headings of blocks and cuts paragraphs into lines.
func (r *Report) itemsOf(blocks []docx.Block) []item {
	var n numberer
	var out []item
	for _, bl := range blocks {
		switch bl.Kind {
		case docx.Unindented:
			out = append(out, item{Text: bl.Text, Flush: true})
		case docx.Paragraph:
			spans := r.bound[bl.Text]
			off := 0
			for _, line := range strings.Split(bl.Text, "\n") {
				out = append(out, item{Text: line, Segs: r.segments(line, off, spans)})
				off += len(line) + 1
			}
		case docx.TableBlock:
			out = append(out, item{Table: bl.Table})
		default:
			lv := int(bl.Kind - docx.Heading1)
			out = append(out, item{Level: lv + 1, Number: n.next(lv), Text: bl.Text, Segs: r.segments(bl.Text, 0, r.bound[bl.Text])})
		}
	}
	return out
}

// segments cuts text, which starts at byte off of the filled text the spans refer
// to, into plain and linked pieces; nil without links.
func (r *Report) segments(text string, off int, spans []boundSpan) []segment {
	if r.metricURL == nil || len(spans) == 0 {
		return nil
	}
	var segs []segment
	at := 0 // in text
	for _, sp := range spans {
		start, end := sp.Start-off, sp.End-off
		if start < at || end > len(text) {
			continue // another line's, or overlapping (cannot happen)
		}
		url := r.metricURL(sp.Metric)
		if url == "" {
			continue
		}
		if start > at {
			segs = append(segs, segment{Text: text[at:start]})
		}
		segs = append(segs, segment{Text: text[start:end], URL: url, Title: sp.Name})
		at = end
	}
	if segs == nil {
		return nil
	}
	if at < len(text) {
		segs = append(segs, segment{Text: text[at:]})
	}
	return segs
}

func (r *Report) dateText() string {
	if r.Date.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", r.Date.Year(), int(r.Date.Month()), r.Date.Day())
}

// Markdown is the report as Markdown: the title as #, sections as ##, areas as ###,
// then the 附件说明, the signature, and each annex after a thematic break.
func (r *Report) Markdown() string {
	var b strings.Builder
	b.WriteString("# " + r.Title + "\n")
	writeMarkdownItems(&b, r.items())
	if lines := r.attachmentLines(); len(lines) > 0 {
		b.WriteString("\n" + strings.Join(lines, "  \n") + "\n")
	}
	if r.Issuer != "" || !r.Date.IsZero() {
		b.WriteByte('\n')
		for _, s := range []string{r.Issuer, r.dateText()} {
			if s != "" {
				b.WriteString(s + "  \n")
			}
		}
	}
	for _, an := range r.Annexes {
		b.WriteString("\n---\n\n" + an.Label + "\n\n**" + an.Title + "**\n\n")
		writeMarkdownTable(&b, an.Table)
		for _, n := range an.Notes {
			b.WriteString("\n" + n + "\n")
		}
	}
	return b.String()
}

func writeMarkdownItems(b *strings.Builder, items []item) {
	for _, it := range items {
		b.WriteByte('\n')
		switch {
		case it.Table != nil:
			writeMarkdownTable(b, it.Table)
		case it.Level > 0:
			b.WriteString(strings.Repeat("#", it.Level+1) + " " + it.Number + it.Text + "\n")
		default:
			b.WriteString(it.Text + "\n")
		}
	}
}

func writeMarkdownTable(b *strings.Builder, t *docx.Table) {
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + cell(c) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Header)
	b.WriteString("|" + strings.Repeat(" --- |", len(t.Header)) + "\n")
	for _, r := range t.Rows {
		row(r)
	}
}

//go:embed render.html
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// htmlView is the view model of render.html.
type htmlView struct {
	Title       string
	Items       []item
	Attachments []string
	Issuer      string
	Date        string
	Annexes     []Annex
}

// HTML is the report as one printable HTML page (A4, GB/T 9704 margins, 仿宋/黑体
// font stacks); html/template escapes everything people wrote.
func (r *Report) HTML() string {
	var b bytes.Buffer
	v := htmlView{Title: r.Title, Items: r.items(), Attachments: r.attachmentLines(), Issuer: r.Issuer, Date: r.dateText(), Annexes: r.Annexes}
	if err := htmlTemplate.Execute(&b, v); err != nil {
		// The template is fixed and parsed at start-up; only a bug gets here.
		panic(fmt.Sprintf("report: html template: %v", err))
	}
	return b.String()
}

// ErrNoLibreOffice is returned by PDF when LibreOffice is not installed.
var ErrNoLibreOffice = errors.New("未找到 LibreOffice（soffice），无法生成 PDF：请安装 Debian 软件包 libreoffice-writer（apt-get install libreoffice-writer）")

// PDF converts the .docx with LibreOffice (soffice --headless, a private profile in
// a temporary HOME, at most 120 s) and writes the PDF to w.
func (r *Report) PDF(ctx context.Context, w io.Writer, o docx.Options) error {
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return ErrNoLibreOffice
	}
	dir, err := os.MkdirTemp("", "ziping-pdf-")
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "report.docx")
	var buf bytes.Buffer
	o.RaggedRight = true // LibreOffice loses hanging punctuation in justified lines
	if err := r.Docx(&buf, o); err != nil {
		return err
	}
	if err := os.WriteFile(in, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, in)
	// A private HOME avoids the lock on a shared user profile.
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("LibreOffice 转换 PDF 失败: %w: %s", err, bytes.TrimSpace(out))
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "report.pdf"))
	if err != nil {
		return fmt.Errorf("LibreOffice 没有生成 PDF: %w", err)
	}
	_, err = w.Write(pdf)
	return err
}

// Issue is a lint finding of a report, with the section it is in. Line and Col refer
// to the report's Markdown text (Report.Markdown).
type Issue struct {
	Section string
	Finding
}

// Lint lists everything that keeps the report from being submitted: the placeholder
// findings of Lint over its text, every unfilled section (UnfilledImprovement) and
// every bound value that could not be filled.
func (r *Report) Lint() []Issue {
	text := r.Markdown()
	lines := strings.Split(text, "\n")
	sectionAt := make([]string, len(lines)+1)
	cur := ""
	var out []Issue
	for i, l := range lines {
		if strings.HasPrefix(l, "## ") {
			cur = strings.TrimPrefix(l, "## ")
		}
		sectionAt[i+1] = cur
		for _, m := range []struct{ marker, kind, end string }{{UnfilledImprovement, "未填写章节", ""}, {unboundPrefix, "未绑定的值", "〕"}} {
			for from := 0; ; {
				k := strings.Index(l[from:], m.marker)
				if k < 0 {
					break
				}
				k += from
				end := k + len(m.marker)
				if e := strings.Index(l[end:], m.end); m.end != "" && e >= 0 {
					end += e + len(m.end)
				}
				out = append(out, Issue{cur, Finding{Line: i + 1, Col: utf8.RuneCountInString(l[:k]) + 1, Text: l[k:end], Kind: m.kind, Context: contextOf(l, k, end)}})
				from = end
			}
		}
	}
	for _, f := range Lint(text) {
		if f.Text == UnfilledImprovement {
			continue // listed above as the unwritten section it is
		}
		out = append(out, Issue{sectionAt[f.Line], f})
	}
	if r.Date.IsZero() {
		out = append(out, Issue{"", Finding{Line: len(lines), Col: 1, Kind: KindNoDate, Context: "报告没有成文日期"}})
	}
	return out
}
