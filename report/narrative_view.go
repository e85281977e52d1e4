package report

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"ziping"
	"ziping/engine"
)

// Blocks is the narrative as it will read, for the editor: its headings, paragraphs
// and tables in order, each with the lines of the narrative it comes from, the
// bound values ({{…}}) as parts of their own with their name and current value.
func (Renderer) Blocks(fw *engine.Framework, res *engine.Result, narrative []byte) ([]ziping.ReportBlock, error) {
	return NarrativeBlocks(fw, res, narrative)
}

// NarrativeBlocks is Renderer.Blocks.
func NarrativeBlocks(fw *engine.Framework, res *engine.Result, narrative []byte) ([]ziping.ReportBlock, error) {
	if res == nil || fw == nil {
		return nil, fmt.Errorf("report: blocks need a result and its framework")
	}
	if !utf8.Valid(narrative) {
		return nil, fmt.Errorf("叙述文件不是 UTF-8 编码")
	}
	v := &blockView{w: &walker{src: narrative}, b: newBinder(res, fw), lines: lineStarts(narrative)}
	doc := narrativeMarkdown.Parser().Parse(text.NewReader(narrative))
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		v.block(c)
	}
	return v.out, nil
}

// blockView collects the blocks of one narrative.
type blockView struct {
	w     *walker // for its inline text
	b     *binder
	lines []int // byte offset of each line's start
	out   []ziping.ReportBlock
}

// lineStarts is the byte offset each line of src starts at.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineOf is the 1-based line of a byte offset.
func (v *blockView) lineOf(off int) int {
	return sort.Search(len(v.lines), func(i int) bool { return v.lines[i] > off })
}

// span is the first and last line of a node's text.
func (v *blockView) span(n ast.Node) (first, last int) {
	lo, hi := -1, -1
	see := func(start, stop int) {
		if lo < 0 || start < lo {
			lo = start
		}
		if stop > hi {
			hi = stop
		}
	}
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if c.Type() == ast.TypeBlock {
			ls := c.Lines()
			for i := 0; i < ls.Len(); i++ {
				see(ls.At(i).Start, ls.At(i).Stop)
			}
		}
		if t, ok := c.(*ast.Text); ok {
			see(t.Segment.Start, t.Segment.Stop)
		}
		return ast.WalkContinue, nil
	})
	if lo < 0 {
		return 0, 0
	}
	return v.lineOf(lo), v.lineOf(max(lo, hi-1))
}

func (v *blockView) add(bl ziping.ReportBlock, n ast.Node) {
	bl.Line, bl.EndLine = v.span(n)
	v.out = append(v.out, bl)
}

// block adds one block node as the report reads it (walker.block): lists and
// quotes as their paragraphs, comments left out, code as text.
func (v *blockView) block(c ast.Node) {
	switch c := c.(type) {
	case *ast.Heading:
		v.add(ziping.ReportBlock{Level: c.Level, Parts: v.parts(strings.TrimSpace(v.w.inline(c)))}, c)
	case *ast.Paragraph, *ast.TextBlock:
		if t := v.w.inline(c); strings.TrimSpace(t) != "" {
			v.add(ziping.ReportBlock{Parts: v.parts(t)}, c)
		}
	case *ast.List, *ast.ListItem, *ast.Blockquote:
		for g := c.FirstChild(); g != nil; g = g.NextSibling() {
			v.block(g)
		}
	case *east.Table:
		bl := ziping.ReportBlock{}
		for r := c.FirstChild(); r != nil; r = r.NextSibling() {
			_, header := r.(*east.TableHeader)
			row := ziping.ReportRow{Header: header}
			for cell := r.FirstChild(); cell != nil; cell = cell.NextSibling() {
				row.Cells = append(row.Cells, v.parts(strings.TrimSpace(v.w.inline(cell))))
			}
			bl.Rows = append(bl.Rows, row)
		}
		v.add(bl, c)
	case *ast.HTMLBlock:
		if c.HTMLBlockType == ast.HTMLBlockType2 {
			return // a note to ziping, not text
		}
		if t := strings.TrimSpace(v.w.htmlText(c)); t != "" {
			v.add(ziping.ReportBlock{Parts: v.parts(t)}, c)
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var s bytes.Buffer
		lines := c.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			s.Write(seg.Value(v.w.src))
		}
		if t := strings.TrimSpace(s.String()); t != "" {
			v.add(ziping.ReportBlock{Parts: v.parts(t)}, c)
		}
	}
}

// valueNames names the bound values that are not metrics.
var valueNames = map[string]string{"total": "总分", "score": "得分", "max": "满分", "unit": "单位名称", "period": "年度",
	"grade": "等次", "verdict": "结论", "nodata": "不写数据生成的句子"}

// parts splits a text into plain runs and its bound values.
func (v *blockView) parts(s string) []ziping.ReportPart {
	var out []ziping.ReportPart
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			break
		}
		if i > 0 {
			out = append(out, ziping.ReportPart{Text: s[:i]})
		}
		tok := s[i : i+j+2]
		b := v.b.eval(tok)
		p := ziping.ReportPart{Token: tok, Name: b.name, Value: b.value, Problem: b.err}
		if p.Name == "" {
			if args, err := fields(strings.TrimSpace(tok[2 : len(tok)-2])); err == nil && len(args) > 0 {
				p.Name = valueNames[args[0]]
				if p.Name == "" && args[0] != "metric" {
					p.Name = args[0] // a Chinese name the data lacks
				}
			}
		}
		out = append(out, p)
		s = s[i+j+2:]
	}
	if s != "" {
		out = append(out, ziping.ReportPart{Text: s})
	}
	return out
}

// placeIssues moves the issues of an assembled report (Report.Lint, whose lines
// are the assembled Markdown's) to the narrative people wrote: each placeholder, each
// unfilled bound value and a 「（请填写改进措施）」 they typed to its line and
// column there; what ziping wrote itself (a section nobody wrote, the date) to line
// 0. The issues stay the same ones in the same order, so the editor and the check
// before submission list the same findings.
func placeIssues(issues []Issue, narrative []byte, unbound BindErrors) []Issue {
	src := string(narrative)
	own := Lint(src)
	usedOwn := make([]bool, len(own))
	usedUnbound := make([]bool, len(unbound))
	lines := strings.Split(src, "\n")
	// searched finds text in the narrative after the last place given for it.
	next := map[string]int{}
	searched := func(t string) (line, col int) {
		if t == "" {
			return 0, 0
		}
		from := next[t]
		k := strings.Index(src[from:], t)
		if k < 0 {
			return 0, 0
		}
		k += from
		next[t] = k + len(t)
		line = strings.Count(src[:k], "\n") + 1
		start := strings.LastIndexByte(src[:k], '\n') + 1
		return line, utf8.RuneCountInString(src[start:k]) + 1
	}
	out := make([]Issue, len(issues))
	for i, is := range issues {
		out[i] = is
		out[i].Line, out[i].Col = 0, 0
		switch {
		case is.Kind == KindNoDate:
		case strings.HasPrefix(is.Text, unboundPrefix):
			tok := strings.TrimSuffix(strings.TrimPrefix(is.Text, unboundPrefix), "〕")
			for k, e := range unbound {
				if !usedUnbound[k] && e.Token == tok {
					usedUnbound[k] = true
					out[i].Line, out[i].Col = e.Line, e.Col
					out[i].Text = tok
					if out[i].Context == "" || e.Reason != "" {
						out[i].Context = e.Reason
					}
					break
				}
			}
		case is.Text == UnfilledImprovement:
			out[i].Line, out[i].Col = searched(is.Text)
		default:
			for k, f := range own {
				if !usedOwn[k] && f.Text == is.Text {
					usedOwn[k] = true
					out[i].Line, out[i].Col, out[i].Context = f.Line, f.Col, f.Context
					break
				}
			}
			if out[i].Line == 0 {
				out[i].Line, out[i].Col = searched(is.Text)
			}
		}
		if out[i].Line > len(lines) {
			out[i].Line, out[i].Col = 0, 0
		}
	}
	return out
}
