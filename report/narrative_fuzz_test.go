package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"ziping"
)

// FuzzNarrative: any narrative builds (bound values that cannot be filled are
// listed, never a panic), every output renders, and nothing people wrote becomes
// markup in the HTML.
func FuzzNarrative(f *testing.F) {
	res, fw := evaluated(f, "lxzz-county")
	for _, s := range []string{
		"## 基本情况\n\n总分{{total}}，{{metric \"kg.public_share\"}}。\n",
		"## 改进措施\n\n<script>alert(1)</script>{{公办园在园幼儿占比 \"raw\"}}\n",
		"### 党对教育工作的全面领导\n\n{{metric}}{{}}{{ \"x\" }}{{metric \"nope\"}}\n\n| a | b |\n| - | - |\n| {{grade}} | x% |\n",
		"{{", "}}", "{{metric \"kg.public_share\" \"raw\" \"extra\"}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, narrative string) {
		meta := ziping.ReportMeta{MetricURL: func(id string) string { return "/units/1/explain/" + id + "?fw=a&period=2024" }}
		r, err := build(fw, res, []byte(narrative), meta)
		if err != nil {
			return
		}
		_ = r.Lint()
		_ = r.Markdown()
		page := r.HTML()
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "iframe" || n.Data == "img") {
				t.Fatalf("narrative %q made a <%s> element", narrative, n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Fatalf("narrative %q made an event attribute %s", narrative, a.Key)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	})
}

// FuzzSplitArticles: any text splits into articles whose outline can be walked.
func FuzzSplitArticles(f *testing.F) {
	f.Add("第一篇 甲县自评报告\n一、基本情况\n（一）概况\n1. 学校\n(1)小学\n第二篇：乙县\n一、x所")
	f.Add("首页 > 范文\n版权所有")
	f.Fuzz(func(t *testing.T, text string) {
		for _, a := range SplitArticles(text) {
			a.Root.Walk(func(s *OutlineSection) {})
			_ = a.Root.Depth()
		}
	})
}

// FuzzImportDraft: any text normalises without changing its length or any character
// but the five marks, splits into articles whose drafts (with area notes) build a
// report, and joinPDFLines adds nothing.
func FuzzImportDraft(f *testing.F) {
	res, fw := evaluated(f, "lxzz-county")
	var areas []string
	for _, a := range fw.Areas {
		areas = append(areas, a.Name)
	}
	f.Add("甲县自评报告\n一、主要做法及成效\n(一)加强教师队伍建设,提升育人水平\n补充教师x名。\n| a | b |\n| --- | --- |\n| 1 | 2 |\n附件：1.评分表\n甲县人民政府\n2025年3月1日")
	f.Add("【范文1】\n精选范文\n乙县履行教育职责自评报告\n(1)f(x),a:b;12,345")
	f.Fuzz(func(t *testing.T, text string) {
		n := NormalizePunct(text)
		if utf8.RuneCountInString(n) != utf8.RuneCountInString(text) {
			t.Fatalf("NormalizePunct changed the length of %q: %q", text, n)
		}
		for i, r := range []rune(n) {
			if o := []rune(text)[i]; o != r && !strings.ContainsRune(",:;()", o) {
				t.Fatalf("NormalizePunct changed %q in %q", o, text)
			}
		}
		for _, a := range SplitArticles(text) {
			md := DraftMarkdown(a, areas)
			if _, err := build(fw, res, []byte(md), ziping.ReportMeta{}); err != nil && utf8.ValidString(md) {
				t.Fatalf("a draft does not build: %v\n%s", err, md)
			}
		}
		// Joining a PDF's lines drops spaces and page numbers, and adds nothing.
		squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if j := squash(invisible.Replace(joinPDFLines(text))); len(j) > len(squash(invisible.Replace(strings.ReplaceAll(text, "\f", "\n")))) {
			t.Fatalf("joinPDFLines added text: %q → %q", text, j)
		}
	})
}
