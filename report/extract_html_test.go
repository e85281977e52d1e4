package report

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestExtractHTML(t *testing.T) {
	page := `<!doctype html><html><head><title>范文网</title><style>p{color:red}</style>
<script>var x = "20xx年";</script></head><body>
<nav><a href="/">首页</a> &gt; <a href="/zp">自评报告</a></nav>
<h1>XX县2023年义务教育优质均衡自评报告</h1>
<p>一、基本情况</p>
<p>全县共有学校<b>x</b>所，<span>在校生12,345人</span>。</p>
<p>（一）学校布局<br>布局合理。</p>
<table><tr><th>指标</th><th>数值</th></tr><tr><td>生均面积</td><td>x㎡</td></tr></table>
<p>本文由范文网整理&nbsp;&amp;&nbsp;发布</p>
</body></html>`
	got, err := ExtractText("page.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	// The <title> is in <head>, which a reader does not see as text (the <h1> repeats
	// it); non-breaking spaces fold like any white space.
	want := strings.Join([]string{
		"首页 > 自评报告",
		"XX县2023年义务教育优质均衡自评报告",
		"一、基本情况",
		"全县共有学校x所，在校生12,345人。",
		"（一）学校布局",
		"布局合理。",
		"指标\t数值",
		"生均面积\tx㎡",
		"本文由范文网整理 & 发布",
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The script's 20xx年 is not text a reader sees: lint must not report it, but
	// does report the page's own blanks.
	var kinds []string
	for _, f := range Lint(got) {
		kinds = append(kinds, f.Kind)
	}
	if strings.Join(kinds, ",") != "XX,x所,x㎡" {
		t.Errorf("lint of the page: %v", kinds)
	}
}

func TestExtractHTMLGBK(t *testing.T) {
	body := `<html><head><meta charset="gbk"></head><body><p>二、主要做法及成效</p></body></html>`
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ExtractText("page.htm", gbk)
	if err != nil || got != "二、主要做法及成效" {
		t.Errorf("GBK page: %q %v", got, err)
	}
}
