package web

import (
	"html/template"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestFormsEscape: the hand-written forms escape every value, in text and in
// attributes, and parse back to the values given.
func TestFormsEscape(t *testing.T) {
	hostile := `"><script>alert(1)</script>&'` + "\x00"
	forms := []template.HTML{
		(&scoreForm{Action: "/assessments/1/points/" + hostile, Side: "self", Kind: "manual", Max: hostile, ID: hostile, CSRF: hostile,
			Score: hostile, Justification: hostile, Error: hostile, Current: hostile, Clearable: true}).HTML(),
		(&scoreForm{Side: "review", Kind: "checklist", ID: "p1", Items: []checkItem{{ID: hostile, Text: hostile, Checked: true}}}).HTML(),
		(&scoreForm{Side: "review", Kind: "veto", ID: hostile, Triggered: "yes"}).HTML(),
		(&evidenceForm{Action: hostile, Point: hostile, ID: hostile, Accept: hostile, Title: hostile, DocNumber: hostile, Period: hostile, Error: hostile, CSRF: hostile}).HTML(),
	}
	want := strings.ReplaceAll(hostile, "\x00", "\uFFFD")
	for i, f := range forms {
		if strings.Contains(string(f), "<script>") {
			t.Fatalf("form %d lets markup through:\n%s", i, f)
		}
		doc, err := html.Parse(strings.NewReader(string(f)))
		if err != nil {
			t.Fatal(err)
		}
		var values, texts int
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "script" {
				t.Fatalf("form %d has a script element", i)
			}
			for _, a := range n.Attr {
				if a.Val == want || a.Val == want+"-score" || a.Val == want+"-just" || a.Val == "form-"+want {
					values++
				}
			}
			if n.Type == html.TextNode && strings.Contains(n.Data, want) {
				texts++
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if values == 0 && texts == 0 {
			t.Fatalf("form %d: the value does not come back:\n%s", i, f)
		}
	}
	if !strings.Contains(string(forms[1]), " checked>") || !strings.Contains(string(forms[2]), `-yes" checked>`) {
		t.Fatalf("checked state lost:\n%s\n%s", forms[1], forms[2])
	}
}

// TestVerdictReviewForm: a verdict framework's review is 达标 (the maximum) or 未达标
// (one rule short of it), with the stored review checked.
func TestVerdictReviewForm(t *testing.T) {
	f := &scoreForm{Side: "review", Kind: "verdict", ID: "r-A3", Max: "7", Fail: "6", Score: "6"}
	h := string(f.HTML())
	for _, want := range []string{`name="score" value="7" id="r-A3-pass">`, `name="score" value="6" id="r-A3-fail" checked>`, "达标", "未达标"} {
		if !strings.Contains(h, want) {
			t.Errorf("form lacks %q:\n%s", want, h)
		}
	}
	f.Score = "7"
	if h := string(f.HTML()); !strings.Contains(h, `id="r-A3-pass" checked>`) {
		t.Errorf("达标 not checked:\n%s", h)
	}
}

// FuzzForms: whatever the values, the hand-written forms and rows parse to one form
// (the rows wrapped in one), never to script or event attributes.
func FuzzForms(f *testing.F) {
	f.Add(`"><script>x</script>`, `' onmouseover='x`, "a&b")
	f.Add("\x00", "</textarea><img src=x>", "&amp;")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		for _, h := range []template.HTML{
			(&scoreForm{Side: "self", Kind: "manual", ID: a, CSRF: b, Score: c, Justification: a + b, Error: c, Current: b}).HTML(),
			(&scoreForm{Side: "review", Kind: "checklist", ID: a, Items: []checkItem{{ID: b, Text: c}}}).HTML(),
			(&evidenceForm{ID: a, Title: b, DocNumber: c, Error: a, Point: b}).HTML(),
			"<form><table>" + schoolRow{Code: a, Name: b, URL: c, Stage: a, Public: b}.HTML() + "</table></form>",
			"<form><table>" + metricRow{Name: a, Value: b, State: c, ExplainURL: a, Standards: []standard{{Point: b, Text: c}}}.HTML() + "</table></form>",
		} {
			doc, err := html.Parse(strings.NewReader(string(h)))
			if err != nil {
				t.Fatal(err)
			}
			forms := 0
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					switch n.Data {
					case "form":
						forms++
					case "script", "img", "iframe", "style":
						t.Fatalf("a <%s> element from %q %q %q", n.Data, a, b, c)
					}
					for _, at := range n.Attr {
						if strings.HasPrefix(at.Key, "on") {
							t.Fatalf("event attribute %s from %q %q %q", at.Key, a, b, c)
						}
					}
				}
				for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
					walk(ch)
				}
			}
			walk(doc)
			if forms != 1 {
				t.Fatalf("%d forms from %q %q %q:\n%s", forms, a, b, c, h)
			}
		}
	})
}

// TestRowsEscape: the county page's rows escape what the data holds (school names
// come from imported spreadsheets) and link only to this site's paths.
func TestRowsEscape(t *testing.T) {
	hostile := `<script>alert(1)</script>"'&`
	s := string(schoolRow{Code: hostile, Name: hostile, URL: "javascript:alert(1)", Stage: hostile, Type: hostile, Public: hostile,
		Students: hostile, Classes: hostile, Teachers: hostile}.HTML())
	m := string(metricRow{Name: hostile, Value: hostile, State: hostile, ExplainURL: "//evil.example/x",
		Standards: []standard{{Point: hostile, Text: hostile}}}.HTML())
	for _, h := range []string{s, m} {
		if strings.Contains(h, "<script") || strings.Contains(h, "javascript:") || strings.Contains(h, "evil.example") {
			t.Fatalf("unsafe row:\n%s", h)
		}
		if !strings.Contains(h, `href="#"`) {
			t.Fatalf("a foreign link kept:\n%s", h)
		}
	}
	for _, u := range []string{"/units/990102", "/units/990102/explain/x?fw=a&period=2024"} {
		if got := href(u); got != esc(u) {
			t.Errorf("href(%q) = %q", u, got)
		}
	}
	for _, u := range []string{"", "x", "//evil", `/\evil`, "https://evil"} {
		if got := href(u); got != "#" {
			t.Errorf("href(%q) = %q, want #", u, got)
		}
	}
}
