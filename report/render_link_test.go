package report

import (
	"bytes"
	"strings"
	"testing"

	"ziping/docx"
	"ziping/engine"
)

func TestHTMLLinksBoundMetrics(t *testing.T) {
	res, fw := evaluated(t, "lxzz-county")
	m, ok := res.Metric("kg.public_share")
	if !ok || !m.OK {
		t.Fatalf("fixture lacks kg.public_share: %+v", m)
	}
	var other = res.Metrics[0]
	for _, x := range res.Metrics {
		if x.OK && x.ID != m.ID {
			other = x
			break
		}
	}
	md := "# 基本情况\n\n<script>alert(1)</script>{{metric \"" + other.ID + "\"}}，总分{{total}}。\n\n" +
		"## 落实教育优先发展\n\n占比 {{" + m.Name + "}}<b>粗</b>，原值{{metric \"" + m.ID + "\" \"raw\"}}。\\\n第二行{{" + m.Name + "}}\n"
	url := func(id string) string { return "/units/990121/explain/" + id + "?fw=lxzz-county&period=2024" }
	plain, err := Build(res, fw, []byte(md), BuildOptions{Issuer: "银昌县人民政府"})
	if err != nil {
		t.Fatal(err)
	}
	linked, err := Build(res, fw, []byte(md), BuildOptions{Issuer: "银昌县人民政府", MetricURL: url})
	if err != nil {
		t.Fatal(err)
	}
	h := linked.HTML()
	link := func(id, name, value string) string {
		return `<a href="/units/990121/explain/` + id + `?fw=lxzz-county&amp;period=2024" class="bound" target="_top" title="` + name + `">` + value + `</a>`
	}
	for _, w := range []string{
		link(other.ID, other.Name, engine.ReportValue(other)) + "，总分" + num(res.Total) + "分。", // {{metric "id"}}; {{total}} stays plain
		"占比 " + link(m.ID, m.Name, m.Text()) + "&lt;b&gt;粗&lt;/b&gt;",                         // the Chinese name
		"原值" + link(m.ID, m.Name, strings.TrimSuffix(m.Text(), m.Unit)) + "。",                 // raw
		"&lt;script&gt;alert(1)&lt;/script&gt;" + link(other.ID, other.Name, engine.ReportValue(other)),
		"<p>第二行" + link(m.ID, m.Name, m.Text()) + "</p>", // after a hard line break
	} {
		if !strings.Contains(h, w) {
			t.Errorf("HTML lacks %s\n%.3000s", w, h)
		}
	}
	if strings.Contains(h, "<script>") || strings.Contains(h, "<b>") {
		t.Errorf("narrative not escaped:\n%.3000s", h)
	}
	if n := strings.Count(h, `class="bound"`); n != 4 {
		t.Errorf("%d links, want 4", n)
	}
	if strings.Contains(plain.HTML(), `class="bound"`) {
		t.Error("links without MetricURL")
	}
	if linked.Markdown() != plain.Markdown() {
		t.Error("MetricURL changed the Markdown")
	}
	var a, b bytes.Buffer
	if err := plain.Docx(&a, docx.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := linked.Docx(&b, docx.Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("MetricURL changed the docx")
	}
	// Without links the page is the same as the page of a report built without
	// the option.
	noURL, _ := Build(res, fw, []byte(md), BuildOptions{Issuer: "银昌县人民政府", MetricURL: func(string) string { return "" }})
	if noURL.HTML() != plain.HTML() {
		t.Error("a MetricURL giving \"\" changed the HTML")
	}
}

// A heading written in the narrative links its metric value too.
func TestHTMLLinksBoundHeading(t *testing.T) {
	res, fw := evaluated(t, "lxzz-county")
	m, _ := res.Metric("kg.public_share")
	md := "# 基本情况\n\n## 占比达到{{metric \"kg.public_share\"}}\n\n文字。\n"
	r, err := Build(res, fw, []byte(md), BuildOptions{MetricURL: func(id string) string { return "/x/" + id }})
	if err != nil {
		t.Fatal(err)
	}
	if h := r.HTML(); !strings.Contains(h, `占比达到<a href="/x/kg.public_share" class="bound" target="_top" title="`+m.Name+`">`+m.Text()+`</a></h3>`) {
		t.Errorf("heading not linked:\n%.3000s", h)
	}
}
