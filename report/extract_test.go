package report

import (
	"archive/zip"
	"bytes"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ziping"
)

const documentXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>一、基本情况</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">全县共有中小学</w:t></w:r><w:r><w:t>x所</w:t></w:r><w:del><w:r><w:delText>旧文字</w:delText></w:r></w:del><w:r><w:tab/><w:t>增长x%</w:t></w:r></w:p>
<w:tbl>
<w:tr><w:tc><w:p><w:r><w:t>学校</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>人数</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>一中</w:t></w:r></w:p><w:p><w:r><w:t>(高中)</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>xx人</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl>
<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/><w:instrText>PAGE</w:instrText></w:r></w:p>
<w:sectPr/>
</w:body>
</w:document>`

func buildDocx(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractDocx(t *testing.T) {
	t.Parallel()
	data := buildDocx(t, map[string]string{
		"[Content_Types].xml": `<Types/>`,
		"word/document.xml":   documentXML,
		"word/header1.xml":    `<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>页眉x%</w:t></w:r></w:p></w:hdr>`,
	})
	got, err := ExtractText("报告.DOCX", data)
	if err != nil {
		t.Fatal(err)
	}
	// The table is a Markdown table, its first row the header.
	want := "一、基本情况\n全县共有中小学x所\t增长x%\n| 学校 | 人数 |\n| --- | --- |\n| 一中 (高中) | xx人 |\n第一行\n第二行\n"
	if got != want {
		t.Errorf("ExtractText = %q, want %q", got, want)
	}
	fs := Lint(got)
	if len(fs) != 3 || fs[2].Line != 5 || fs[2].Col != 13 || fs[2].Text != "xx人" {
		t.Errorf("Lint(docx text) = %+v", fs)
	}
}

func TestExtractText(t *testing.T) {
	t.Parallel()
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("增长x%\r\n共有x所")
	if err != nil {
		t.Fatal(err)
	}
	utf16 := []byte{0xFF, 0xFE, 0x9E, 0x58, 0x7F, 0x95, 'x', 0, '%', 0} // 增长x%, UTF-16LE with BOM
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a.txt", []byte("增长x%\n共有x所"), "增长x%\n共有x所"},
		{"a.md", []byte("\xEF\xBB\xBF# 标题\r\n增长x%"), "# 标题\n增长x%"},
		{"a.TXT", []byte(gbk), "增长x%\n共有x所"},
		{"a.markdown", utf16, "增长x%"},
	}
	for _, tt := range tests {
		got, err := ExtractText(tt.name, tt.data)
		if err != nil || got != tt.want {
			t.Errorf("ExtractText(%s) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestExtractErrors(t *testing.T) {
	t.Parallel()
	for name, data := range map[string][]byte{
		"a.docx": []byte("not a zip"),
		"b.docx": buildDocx(t, map[string]string{"word/other.xml": "<x/>"}),
		"c.docx": buildDocx(t, map[string]string{"word/document.xml": "<w:document><w:body>"}),
		"d.pdf":  []byte("%PDF"),
	} {
		if _, err := ExtractText(name, data); ziping.ErrorKind(err) != ziping.Invalid {
			t.Errorf("ExtractText(%s) error = %v, want Invalid", name, err)
		}
	}
}
