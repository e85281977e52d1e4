package report

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"ziping/docx"
	"ziping/engine"
)

// narrative is a Markdown narrative sorted into the report's sections and areas.
type narrative struct {
	sections map[string][]docx.Block // by section title (SecBasic …)
	areas    map[int][]docx.Block    // by index into Result.Areas
	unbound  BindErrors
	// bound is where the metric values are in the filled texts, by text.
	bound map[string][]boundSpan
}

// sectionNames maps the headings people write (numbering stripped) to a section.
var sectionNames = map[string]string{
	"基本情况": SecBasic, "总体情况": SecBasic, "基本概况": SecBasic,
	"主要做法及成效": SecPractice, "主要做法和成效": SecPractice, "主要做法与成效": SecPractice,
	"主要做法": SecPractice, "工作成效": SecPractice, "主要工作及成效": SecPractice,
	"存在问题": SecProblems, "存在的问题": SecProblems, "存在的主要问题": SecProblems,
	"问题与不足": SecProblems, "存在的不足": SecProblems,
	"改进措施": SecImprovement, "改进措施（下一步工作）": SecImprovement, "改进措施(下一步工作)": SecImprovement,
	"下一步工作": SecImprovement, "下一步工作打算": SecImprovement, "整改措施": SecImprovement,
	"下一步打算": SecImprovement, "改进措施及下一步工作": SecImprovement,
}

// numbering is the outline numbering a heading may start with: 一、 （一） 1. (1) 第一部分.
// It reads heading text, not Markdown: goldmark has already parsed the document.
var numbering = regexp.MustCompile(`^(?:第[一二三四五六七八九十百]+(?:部分|章|节)[、，.．:：]?|[一二三四五六七八九十百]+[、.．，]|[（(][一二三四五六七八九十百0-9０-９]+[)）][、.．]?|[0-9０-９]+(?:[、.．)）]|\s))\s*`)

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
	// target is where blocks go: a section title and an area index (-1 for none).
	section   string
	area      int
	baseLevel int // the Markdown level of the last recognised heading
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
	n := &narrative{sections: map[string][]docx.Block{}, areas: map[int][]docx.Block{}}
	if len(src) == 0 {
		return n, nil
	}
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("叙述文件不是 UTF-8 编码")
	}
	b.scan(src)
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	w := &walker{src: src, bind: b, areas: areas, n: n, section: SecBasic, area: -1, baseLevel: 1}
	w.marks = append(w.marks, mark{0, SecBasic})
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		w.block(c)
	}
	n.unbound = b.errors(w.marks)
	n.bound = b.spans
	return n, nil
}

func (w *walker) add(bl docx.Block) {
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
		if t := w.bind.fill(w.inline(c)); strings.TrimSpace(t) != "" {
			w.add(para(t))
		}
	case *ast.List, *ast.ListItem, *ast.Blockquote:
		for g := c.FirstChild(); g != nil; g = g.NextSibling() {
			w.block(g)
		}
	case *ast.HTMLBlock, *ast.FencedCodeBlock, *ast.CodeBlock:
		// Kept as text, never as markup: every output escapes it.
		var s strings.Builder
		lines := c.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			s.Write(seg.Value(w.src))
		}
		if h, ok := c.(*ast.HTMLBlock); ok && h.HasClosure() {
			s.Write(h.ClosureLine.Value(w.src))
		}
		if t := strings.TrimSpace(s.String()); t != "" {
			w.add(para(w.bind.fill(t)))
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
	if sec, ok := sectionNames[name]; ok {
		w.section, w.area, w.baseLevel = sec, -1, h.Level
		w.marks = append(w.marks, mark{off, sec})
		return
	}
	for i, a := range w.areas {
		if name == a.Name || name == a.Name+"方面" || name == a.Name+"工作" {
			w.section, w.area, w.baseLevel = SecPractice, i, h.Level
			w.marks = append(w.marks, mark{off, SecPractice + "·" + a.Name})
			return
		}
	}
	// An unknown heading stays a heading below the current section or area.
	level := 2
	if w.area >= 0 {
		level = 3
	}
	if h.Level > w.baseLevel+1 {
		level++
	}
	w.add(heading(level, w.bind.fill(strings.TrimSpace(numbering.ReplaceAllString(strings.TrimSpace(raw), "")))))
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
