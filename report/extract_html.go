package report

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// htmlText reads an HTML page into lines of text, as a person reads it: block
// elements end a line, table cells are separated by tabs, scripts and styles are
// left out. The page's own encoding (GBK is common on template sites) is honoured
// from its BOM, <meta charset> or content sniffing. Page furniture (navigation,
// share buttons, notices) is kept here: SplitArticles drops it, and lint reads it
// harmlessly.
func htmlText(data []byte) (string, error) {
	enc, _, _ := charset.DetermineEncoding(data, "text/html")
	utf8Data, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("decode html: %w", err)
	}
	doc, err := html.Parse(bytes.NewReader(utf8Data))
	if err != nil {
		return "", fmt.Errorf("parse html: %w", err)
	}
	var w htmlWriter
	w.walk(doc)
	return w.String(), nil
}

type htmlWriter struct {
	lines []string
	cur   strings.Builder
}

// skipped are elements whose text no reader sees.
var skipped = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Head: true, atom.Iframe: true, atom.Svg: true}

// blocks are elements that begin and end a line of text.
var blocks = map[atom.Atom]bool{atom.P: true, atom.Div: true, atom.Li: true, atom.Tr: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Nav: true, atom.Blockquote: true, atom.Pre: true, atom.Table: true, atom.Ul: true, atom.Ol: true,
	atom.Dd: true, atom.Dt: true, atom.Hr: true, atom.Title: true}

func (w *htmlWriter) walk(n *html.Node) {
	switch {
	case n.Type == html.ElementNode && skipped[n.DataAtom]:
		return
	case n.Type == html.TextNode:
		w.text(n.Data)
		return
	case n.Type == html.ElementNode && n.DataAtom == atom.Br:
		w.flush()
		return
	}
	block := n.Type == html.ElementNode && blocks[n.DataAtom]
	if block {
		w.flush()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
		if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && c.NextSibling != nil {
			w.cur.WriteByte('\t')
		}
	}
	if block {
		w.flush()
	}
}

// text adds a text node with its runs of white space folded, as a browser shows it.
func (w *htmlWriter) text(s string) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		if s != "" && w.cur.Len() > 0 {
			w.cur.WriteByte(' ')
		}
		return
	}
	if (s[0] == ' ' || s[0] == '\n' || s[0] == '\t') && w.cur.Len() > 0 {
		w.cur.WriteByte(' ')
	}
	w.cur.WriteString(strings.Join(fields, " "))
	if last := s[len(s)-1]; last == ' ' || last == '\n' || last == '\t' {
		w.cur.WriteByte(' ')
	}
}

func (w *htmlWriter) flush() {
	line := strings.TrimSpace(w.cur.String())
	w.cur.Reset()
	if line != "" {
		w.lines = append(w.lines, line)
	}
}

func (w *htmlWriter) String() string {
	w.flush()
	return strings.Join(w.lines, "\n")
}
