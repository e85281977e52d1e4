package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// The pages and fragments are html/template's: its contextual escaping makes a
// value inert wherever a template puts it (text, attribute, URL, script data). These
// tests hold every template to that with hostile text in every string a view model
// carries, which includes every field a user writes (scores' justifications,
// evidence titles and 文号, review reasons, notes, problem descriptions, school and
// unit names, searches).

// pageModels are the view models of every page template, empty.
func pageModels() map[string]func() any {
	return map[string]func() any{
		"login": func() any { return &loginPage{} }, "error": func() any { return &errorPage{} },
		"empty": func() any { return &emptyPage{} }, "area": func() any { return &areaPage{} },
		"county": func() any { return &countyPage{} }, "school": func() any { return &schoolPage{} },
		"score": func() any { return &scorePage{} }, "explain": func() any { return &explainPage{} },
		"frameworks": func() any { return &frameworksPage{} }, "framework": func() any { return &frameworkPage{} },
		"import": func() any { return &importPage{} }, "entry": func() any { return &entryPage{} },
		"audit": func() any { return &auditPage{} }, "auditverify": func() any { return &auditVerifyPage{} },
		"assessments": func() any { return &assessmentsPage{} }, "assessment": func() any { return &assessmentPage{} },
		"point": func() any { return &pointPage{} }, "ranking": func() any { return &rankingPage{} },
		"notice": func() any { return &noticePage{} }, "ledger": func() any { return &ledgerPage{} },
		"noticeedit": func() any { return &noticeEditPage{} },
		"problem":    func() any { return &problemPage{} }, "report": func() any { return &reportPage{} },
		"users": func() any { return &usersPage{} }, "password": func() any { return &passwordPage{} },
		"ranking_schools": func() any { return &schoolRankingPage{} },
		"adminframeworks": func() any { return &adminFrameworksPage{} }, "adminframework": func() any { return &adminFrameworkPage{} },
		"adminfwversion": func() any { return &adminFWVersionPage{} }, "adminfwdiff": func() any { return &adminFWDiffPage{} },
		"surveys": func() any { return &surveysPage{} }, "survey": func() any { return &surveyPage{} },
		"surveyresult": func() any { return &surveyResultPage{} }, "questionnaires": func() any { return &questionnairesPage{} },
		"home":    func() any { return &homePage{} },
		"confirm": func() any { return &confirmPage{} },
		"duedate": func() any { return &dueDatePage{} },
	}
}

// bareModels are the view models of the pages parsed alone: the public answer page
// (the one page anyone on the internet reaches with a form) and the printed sheets.
func bareModels() map[string]func() any {
	return map[string]func() any{
		"survey_answer": func() any { return &answerPage{} }, "survey_sheets": func() any { return &sheetsPage{} },
	}
}

// pageFixes give some models what the fill cannot: the county page's table has
// four sortable columns, which it indexes.
var pageFixes = map[string]func(any){
	"county": func(m any) {
		if t := m.(*countyPage).Schools; t != nil {
			t.Cols = append(t.Cols, t.Cols...)
		}
	},
}

// fragment is a template executed alone (not in the layout) with its model.
type fragment struct {
	page, name string
	model      func() any
	fix        func(any) // sets what the fill cannot (a form's kind)
}

func fragments() []fragment {
	kind := func(k string) func(any) { return func(m any) { m.(*scoreForm).Kind = k } }
	out := []fragment{
		{"point", "pointdetail", func() any { return &aPoint{} }, nil},
		{"point", "apoint", func() any { return &aPoint{} }, nil},
		{"point", "evidenceform", func() any { return &evidenceForm{} }, nil},
		{"point", "evidence", func() any { return &evidenceRow{} }, nil},
		{"report", "report-read", func() any { return &reportRead{} }, nil},
	}
	for _, k := range []string{"", "checklist", "veto", "verdict"} {
		out = append(out, fragment{"point", "scoreform", func() any { return &scoreForm{} }, kind(k)})
	}
	return out
}

// fill sets every exported string of v to s (html/template's trusted types too: a
// template.HTML made of what a user wrote is the hand-written HTML these tests are
// here to catch), every bool to on, every number to 2, and makes every slice
// two long and every pointer point somewhere, so that each branch of a template
// that shows a value has one to show.
func fill(v reflect.Value, s string, on bool, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(on)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(2)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(2)
	case reflect.Pointer:
		if depth > 0 && v.Type().Elem().Kind() == reflect.Struct {
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), s, on, depth-1)
		}
	case reflect.Slice:
		if depth > 0 {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			for i := range 2 {
				fill(v.Index(i), s, on, depth-1)
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), s, on, depth)
			}
		}
	}
}

// filled is a new model of newModel filled with s.
func filled(newModel func() any, fix func(any), s string, on bool) any {
	m := newModel()
	fill(reflect.ValueOf(m).Elem(), s, on, 5)
	if fix != nil {
		fix(m)
	}
	return m
}

// shape is the document's elements and their attributes' names, in order: what a
// value must not change. scripts collects the text of its script elements.
func shape(t *testing.T, doc []byte) (string, *html.Node) {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			b.WriteString("<" + n.Data)
			for _, a := range n.Attr {
				b.WriteString(" " + a.Key)
			}
			b.WriteString(">")
		case html.CommentNode:
			b.WriteString("<!---->")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode {
			b.WriteString("</" + n.Data + ">")
		}
	}
	walk(root)
	return b.String(), root
}

// inert checks a rendering with s against the same rendering with a plain word: the
// same elements and attributes, no link to another scheme, and s itself shown.
func inert(t *testing.T, what string, render func(s string, on bool) []byte, s string) {
	t.Helper()
	for _, on := range []bool{true, false} {
		plain, got := render("文字x", on), render(s, on)
		want, _ := shape(t, plain)
		have, doc := shape(t, got)
		if have != want && !harmless(s) {
			i := 0
			for i < min(len(want), len(have)) && want[i] == have[i] {
				i++
			}
			from := max(0, i-120)
			t.Fatalf("%s with %q (bools %v): the document changed shape at\nwant …%.240s\nhave …%.240s", what, s, on, want[from:], have[from:])
		}
		var shown bool
		wantText := strings.NewReplacer("\x00", "\uFFFD", "\r\n", "\n", "\r", "\n").Replace(s)
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.TextNode && strings.Contains(n.Data, wantText) {
				shown = true
			}
			for _, a := range n.Attr {
				if strings.Contains(a.Val, wantText) {
					shown = true
				}
				if urlAttr(a.Key) && badScheme(a.Val) {
					t.Fatalf("%s with %q: %s=%q", what, s, a.Key, a.Val)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if !shown && utf8.ValidString(s) && strings.TrimSpace(s) == s && s != "" {
			t.Fatalf("%s with %q: the text is not shown anywhere", what, s)
		}
	}
}

// harmless is text that cannot be markup, which a template may compare with its
// own words (eq .Kind "checklist") and so take another branch than for 文字x.
func harmless(s string) bool {
	return s == "" || !strings.ContainsAny(s, `<>"'&=/:\`+"`\x00 \t\n\r")
}

func urlAttr(key string) bool {
	switch key {
	case "href", "src", "action", "formaction", "data-fragment-url":
		return true
	}
	return false
}

// badScheme says whether a link would run or embed something rather than go to a
// page: javascript:, vbscript: or data:, however it is spaced or cased.
func badScheme(v string) bool {
	v = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, v))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")
}

// embeddedPages are the pages parsed from the embedded templates, and those.
func embeddedPages(t *testing.T) (*pageSet, fs.FS) {
	t.Helper()
	sub, err := fs.Sub(embedded, "templates")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := parsePages(sub)
	if err != nil {
		t.Fatal(err)
	}
	return ps, sub
}

// renderers are every page in the layout and every fragment alone, by name.
func renderers(t *testing.T) map[string]func(s string, on bool) []byte {
	t.Helper()
	ps, sub := embeddedPages(t)
	exec := func(tp *template.Template, name string, model any) []byte {
		var buf bytes.Buffer
		if err := tp.ExecuteTemplate(&buf, name, model); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return buf.Bytes()
	}
	out := map[string]func(string, bool) []byte{}
	for name, model := range pageModels() {
		tp := ps.byName[name]
		if tp == nil {
			t.Fatalf("no page %s", name)
		}
		fix := pageFixes[name]
		out["page "+name] = func(s string, on bool) []byte { return exec(tp, "layout", filled(model, fix, s, on)) }
	}
	for i, fr := range fragments() {
		tp := ps.byName[fr.page]
		key := "fragment " + fr.name + strings.Repeat("'", i)
		out[key] = func(s string, on bool) []byte { return exec(tp, fr.name, filled(fr.model, fr.fix, s, on)) }
	}
	for name, model := range bareModels() {
		tp, err := template.ParseFS(sub, name+".html")
		if err != nil {
			t.Fatal(err)
		}
		out["bare "+name] = func(s string, on bool) []byte { return exec(tp, name, filled(model, nil, s, on)) }
	}
	if len(out) != len(pageNames)+len(fragments())+len(bareNames) {
		t.Fatalf("%d pages and fragments rendered, want every page (%d), fragment (%d) and bare page (%d)",
			len(out), len(pageNames), len(fragments()), len(bareNames))
	}
	return out
}

// hostileSeeds are texts that break out of one context or another if a value were
// written unescaped.
var hostileSeeds = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(1)`,
	`</textarea><script>alert(1)</script>`,
	`</script><script>alert(1)</script>`,
	`javascript:alert(1)`,
	` JaVaScRiPt:alert(1)`,
	`//evil.example/x.js`,
	`data:text/html,<script>alert(1)</script>`,
	`<!--`,
	`{{.CSRF}}`,
	"a\x00b",
	"&amp;&lt;&#x3C;",
	`<svg/onload=alert(1)>`,
	`</title><style>*{}</style>`,
	`"; alert(1); "`,
}

// TestTemplatesRenderHostileTextInert runs every page and fragment with each hostile
// seed in every field.
func TestTemplatesRenderHostileTextInert(t *testing.T) {
	rs := renderers(t)
	for name, render := range rs {
		for _, s := range hostileSeeds {
			inert(t, name, render, s)
		}
	}
}

// FuzzTemplates: whatever the text, in every field of a page or fragment (which
// one, the fuzzer picks), it changes no element or attribute, links to no other
// scheme, and is shown. One page an input keeps the fuzzer quick; the seeds walk
// through all of them.
func FuzzTemplates(f *testing.F) {
	for i, s := range hostileSeeds {
		f.Add(uint8(i*3), s)
	}
	var names []string
	var rs map[string]func(string, bool) []byte
	f.Fuzz(func(t *testing.T, which uint8, s string) {
		if rs == nil {
			rs = renderers(t)
			for name := range rs {
				names = append(names, name)
			}
			slices.Sort(names)
		}
		name := names[int(which)%len(names)]
		inert(t, name, rs[name], s)
	})
}
