package report

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"ziping/docx"
	"ziping/engine"
)

// narrative is a Markdown narrative sorted into the report's sections and areas.
type narrative struct {
	sections map[string][]docx.Block // by section title (SecBasic …)
	areas    map[int][]docx.Block    // by index into Result.Areas
	// noData marks the areas whose text switches the generated sentences off
	// ({{nodata}}).
	noData map[int]bool
	// title, recipient and opening are the narrative's own document title (a level-1
	// heading before the sections), 主送机关 line and opening paragraph (the text
	// before the first section that ends 「如下：」).
	title, recipient string
	opening          []docx.Block
	unbound          BindErrors
	// bound is where the metric values are in the filled texts, by text.
	bound map[string][]boundSpan
}

// numbering is the outline numbering a heading may start with: 一、 （一） 1. (1) 第一部分.
// It reads heading text, not Markdown: goldmark has already parsed the document.
var numbering = regexp.MustCompile(`^(?:第[一二三四五六七八九十百]+(?:部分|章|节)[、，.．:：]?|[一二三四五六七八九十百]+[、.．，]|[（(][一二三四五六七八九十百0-9０-９]+[)）][、.．]?|[0-9０-９]+(?:[、.．)）]|\s))\s*`)

// narrativeMarkdown reads narratives: CommonMark with GFM tables (an imported
// report's tables come as Markdown tables).
var narrativeMarkdown = goldmark.New(goldmark.WithExtensions(extension.Table))

// normalizeHeading strips numbering, spaces and a trailing colon.
func normalizeHeading(s string) string {
	s = strings.TrimSpace(s)
	s = numbering.ReplaceAllString(s, "")
	s = strings.TrimRight(s, "：:。 \t")
	return strings.Join(strings.Fields(s), "")
}

// walker carries the state of one pass over a narrative's top-level blocks.
type walker struct {
	src   []byte
	bind  *binder
	areas []engine.AreaResult
	n     *narrative
	// target is where blocks go: a section title ("" before the first one) and an
	// area index (-1 for none).
	section   string
	area      int
	baseLevel int // the Markdown level of the last recognised heading
	secLevel  int // the Markdown level of the first section heading; 0 before it
	nextArea  int // an area note's area for the next heading, or -1
	pre       []docx.Block
	marks     []mark
}

// mark records where in the source a section or area starts, to place bind errors.
type mark struct {
	offset int
	label  string
}

// parseNarrative parses Markdown with goldmark and sorts its blocks. Blocks before
// the first recognised heading belong to 基本情况.
func parseNarrative(src []byte, b *binder, areas []engine.AreaResult) (*narrative, error) {
	n := &narrative{sections: map[string][]docx.Block{}, areas: map[int][]docx.Block{}, noData: map[int]bool{}}
	if len(src) == 0 {
		return n, nil
	}
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("叙述文件不是 UTF-8 编码")
	}
	b.scan(src)
	doc := narrativeMarkdown.Parser().Parse(text.NewReader(src))
	w := &walker{src: src, bind: b, areas: areas, n: n, area: -1, baseLevel: 1, nextArea: -1}
	w.marks = append(w.marks, mark{0, SecBasic})
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		w.block(c)
	}
	w.sortPre()
	n.unbound = b.errors(w.marks)
	n.bound = b.spans
	return n, nil
}

func (w *walker) add(bl docx.Block) {
	if w.section == "" {
		w.pre = append(w.pre, bl)
		return
	}
	if w.area >= 0 {
		w.n.areas[w.area] = append(w.n.areas[w.area], bl)
		return
	}
	w.n.sections[w.section] = append(w.n.sections[w.section], bl)
}

// block adds one block node: headings move the target, the rest become paragraphs.
func (w *walker) block(c ast.Node) {
	switch c := c.(type) {
	case *ast.Heading:
		w.heading(c)
	case *ast.Paragraph, *ast.TextBlock:
		raw := w.inline(c)
		if strings.Contains(raw, noDataToken) {
			if w.area >= 0 {
				w.n.noData[w.area] = true
			}
			raw = strings.ReplaceAll(raw, noDataToken, "")
		}
		if t := w.bind.fill(raw); strings.TrimSpace(t) != "" {
			w.add(para(t))
		}
	case *ast.List, *ast.ListItem, *ast.Blockquote:
		for g := c.FirstChild(); g != nil; g = g.NextSibling() {
			w.block(g)
		}
	case *east.Table:
		w.add(docx.Block{Kind: docx.TableBlock, Table: w.table(c)})
	case *ast.HTMLBlock:
		if h := c; h.HTMLBlockType == ast.HTMLBlockType2 {
			w.comment(w.htmlText(h)) // <!-- … -->: a note to ziping, not text
			return
		}
		if t := strings.TrimSpace(w.htmlText(c)); t != "" {
			w.add(para(w.bind.fill(t)))
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		// Kept as text, never as markup: every output escapes it.
		var s strings.Builder
		lines := c.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			s.Write(seg.Value(w.src))
		}
		if t := strings.TrimSpace(s.String()); t != "" {
			w.add(para(w.bind.fill(t)))
		}
	}
}

// htmlText is an HTML block's source, kept as text: every output escapes it.
func (w *walker) htmlText(h *ast.HTMLBlock) string {
	var s strings.Builder
	lines := h.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		s.Write(seg.Value(w.src))
	}
	if h.HasClosure() {
		s.Write(h.ClosureLine.Value(w.src))
	}
	return s.String()
}

// table turns a GFM table into a table block, its cells' bound values filled.
func (w *walker) table(t *east.Table) *docx.Table {
	out := &docx.Table{}
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, w.bind.fill(strings.TrimSpace(w.inline(c))))
		}
		if _, header := r.(*east.TableHeader); header {
			out.Header = cells
		} else {
			out.Rows = append(out.Rows, cells)
		}
	}
	return out
}

// areaComment is the note an import leaves before a subsection it mapped to an
// area: 「<!-- ziping 一级指标：加强教师队伍建设（相似度0.82） -->」.
var areaComment = regexp.MustCompile(`一级指标[:：]\s*([^（(<>\n]+?)\s*(?:[（(]|-->)`)

// comment reads an HTML comment: an area note makes the next heading that area's.
func (w *walker) comment(s string) {
	m := areaComment.FindStringSubmatch(s)
	if m == nil {
		return
	}
	for i, a := range w.areas {
		if a.Name == strings.TrimSpace(m[1]) {
			w.nextArea = i
		}
	}
}

func (w *walker) heading(h *ast.Heading) {
	raw := w.inline(h)
	name := normalizeHeading(raw)
	off := 0
	if h.Lines().Len() > 0 {
		off = h.Lines().At(0).Start
	}
	sec, isSection := sectionOf(name)
	_, exact := sectionNames[name]
	if isSection && (exact || w.secLevel == 0 || h.Level <= w.secLevel) {
		if w.secLevel == 0 {
			w.secLevel = h.Level
		}
		w.section, w.area, w.baseLevel, w.nextArea = sec, -1, h.Level, -1
		w.marks = append(w.marks, mark{off, sec})
		return
	}
	if h.Level == 1 && w.secLevel == 0 && w.n.title == "" && len(w.pre) == 0 {
		// The draft's own title: 「# 秋湖县人民政府关于……的自评报告」.
		w.n.title = w.bind.fill(strings.TrimSpace(raw))
		return
	}
	// An area's name (or an import's area note) moves the text to its part of 主要做法
	// 及成效, except under 存在问题, 自查自评情况 and 下一步工作, whose subsections are
	// often named after areas.
	i := w.areaOf(name)
	if w.nextArea >= 0 {
		i, w.nextArea = w.nextArea, -1
	}
	if i >= 0 && w.section != SecProblems && w.section != SecImprovement && w.section != SecSelf {
		if w.secLevel == 0 {
			w.secLevel = h.Level
		}
		w.section, w.area, w.baseLevel = SecPractice, i, h.Level
		w.marks = append(w.marks, mark{off, SecPractice + "·" + w.areas[i].Name})
		return
	}
	// An unknown heading stays a heading below the current section or area: a
	// subsection stays in the section it was written under.
	if w.section == "" {
		w.section = SecBasic
		w.flushPre()
	}
	if w.area >= 0 && h.Level <= w.baseLevel {
		w.area = -1 // a sibling of the area's heading ends the area
	}
	level := 2
	if w.area >= 0 {
		level = 3
	}
	if h.Level > w.baseLevel+1 {
		level++
	}
	w.add(heading(level, w.bind.fill(strings.TrimSpace(numbering.ReplaceAllString(strings.TrimSpace(raw), "")))))
}

// areaOf is the index of the area a heading names, or -1.
func (w *walker) areaOf(name string) int {
	for i, a := range w.areas {
		if name == a.Name || name == a.Name+"方面" || name == a.Name+"工作" || name == "关于"+a.Name {
			return i
		}
	}
	return -1
}

// noDataToken in an area's text leaves the sentences ziping writes from the data
// out of that area.
const noDataToken = "{{nodata}}"

// sortPre sorts what came before the first section heading: a first line ending in
// 「：」 that names an office is the 主送机关, and text ending 「如下：」 is the
// opening paragraph; anything else is 基本情况, as before.
func (w *walker) sortPre() {
	pre := w.pre
	w.pre = nil
	if len(pre) > 0 && pre[0].Kind == docx.Paragraph && isRecipient(pre[0].Text) {
		w.n.recipient = strings.TrimRight(strings.TrimSpace(pre[0].Text), "：:")
		pre = pre[1:]
	}
	if k := len(pre); k > 0 && pre[k-1].Kind == docx.Paragraph && isOpening(pre[k-1].Text) {
		w.n.opening = pre
		return
	}
	if len(pre) > 0 {
		w.n.sections[SecBasic] = append(pre, w.n.sections[SecBasic]...)
	}
}

// flushPre moves what came before the first section into 基本情况 when a plain
// subheading starts it.
func (w *walker) flushPre() {
	pre := w.pre
	w.pre = nil
	for _, b := range pre {
		w.add(b)
	}
}

// isOpening is the end of an opening paragraph: 「现将有关情况报告如下：」.
func isOpening(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(s, "如下：") || strings.HasSuffix(s, "如下:")
}

// isRecipient is a 主送机关 line: short, ending in a colon, naming an office.
func isRecipient(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, "：") && !strings.HasSuffix(s, ":") || strings.ContainsAny(s, "，。；\n") {
		return false
	}
	s = strings.TrimRight(s, "：:")
	if utf8.RuneCountInString(s) > 40 {
		return false
	}
	for _, suf := range []string{"办公室", "政府", "委员会", "教育局", "教体局", "督导室", "领导小组", "厅", "局", "委"} {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// inline is the plain text of a node's inline children: emphasis, links and code
// keep their text, soft line breaks vanish (Chinese has no spaces between lines).
func (w *walker) inline(n ast.Node) string {
	var s strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			s.Write(c.Value(w.src))
			if c.HardLineBreak() {
				s.WriteByte('\n')
			}
		case *ast.String:
			s.Write(c.Value)
		case *ast.AutoLink:
			s.Write(c.URL(w.src))
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			for i := 0; i < c.Segments.Len(); i++ {
				seg := c.Segments.At(i)
				s.Write(seg.Value(w.src))
			}
		}
		return ast.WalkContinue, nil
	})
	return s.String()
}
