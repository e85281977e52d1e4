package docx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ziping"
)

func sampleLetter() *ziping.Letter {
	return &ziping.Letter{
		Title:     "关于青山县义务教育优质均衡发展督导评估问题整改的通知",
		Recipient: "青山县人民政府",
		Paragraphs: []string{
			"根据2024年度县域义务教育优质均衡发展督导评估结果，你县存在以下问题，现通知如下。",
			"请对照下表逐项整改。",
		},
		Table: &ziping.Sheet{
			Title:   "整改问题清单",
			Columns: []string{"测评点", "问题", "扣分"},
			Rows: [][]any{
				{"7", "初中三年巩固率为93.9%，低于标准值95.0%", 3.0},
				{"12", "有大班额9个", 0.9},
				{nil, "合计", 2},
			},
		},
		Closing: []string{"请于2024年12月31日前将整改情况书面报送市教育督导委员会办公室。"},
		Issuer:  "某某市人民政府教育督导委员会办公室",
		Date:    time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC),
	}
}

func TestWriteLetter(t *testing.T) {
	t.Parallel()
	l := sampleLetter()
	var buf bytes.Buffer
	if err := WriteLetter(&buf, l); err != nil {
		t.Fatal(err)
	}
	// Word joiners keep numbers with their units; the text is the same without them.
	doc := strings.ReplaceAll(string(parts(t, buf.Bytes())["word/document.xml"]), wordJoiner, "")
	want := []string{l.Title, l.Paragraphs[0], l.Paragraphs[1], l.Closing[0], l.Issuer, "2024年11月5日",
		"测评点", "初中三年巩固率为93.9%，低于标准值95.0%", ">3<", ">0.9<", ">2<"}
	for _, s := range want {
		if !strings.Contains(doc, s) {
			t.Errorf("document.xml lacks %q", s)
		}
	}
	// The recipient is flush left and ends with a full-width colon.
	recipient := `<w:pPr><w:pStyle w:val="Body"/>` + noIndent + `</w:pPr><w:r><w:t xml:space="preserve">青山县人民政府：</w:t></w:r>`
	if !strings.Contains(doc, recipient) {
		t.Errorf("document.xml lacks the unindented recipient %s", recipient)
	}
	// The order: recipient, paragraphs, table, closing, issuer, date.
	last := -1
	for _, s := range []string{"青山县人民政府：", l.Paragraphs[0], l.Paragraphs[1], "<w:tbl>", l.Closing[0], l.Issuer, "2024年11月5日"} {
		i := strings.Index(doc, s)
		if i <= last {
			t.Errorf("%q at %d, not after %d", s, i, last)
		}
		last = i
	}
}

func TestWriteLetterWithoutTable(t *testing.T) {
	t.Parallel()
	l := sampleLetter()
	l.Table = nil
	var buf bytes.Buffer
	if err := WriteLetter(&buf, l); err != nil {
		t.Fatal(err)
	}
	if doc := string(parts(t, buf.Bytes())["word/document.xml"]); strings.Contains(doc, "<w:tbl>") {
		t.Error("a letter without a table has one")
	}
	if err := WriteLetter(&buf, nil); err == nil {
		t.Error("a nil letter was written")
	}
}

// TestLetterNumber: the 发文字号 stands centred on its own line above the title; a
// letter without one has no such line.
func TestLetterNumber(t *testing.T) {
	t.Parallel()
	l := sampleLetter()
	l.Number = "某教督〔2024〕7号"
	var buf bytes.Buffer
	if err := WriteLetter(&buf, l); err != nil {
		t.Fatal(err)
	}
	doc := strings.ReplaceAll(string(parts(t, buf.Bytes())["word/document.xml"]), wordJoiner, "")
	line := `<w:pPr><w:pStyle w:val="Body"/>` + keepWith + noIndent + `<w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">某教督〔2024〕7号</w:t></w:r>`
	n, title := strings.Index(doc, line), strings.Index(doc, l.Title)
	if n < 0 || title < 0 || n > title {
		t.Errorf("the number is not centred above the title (at %d, title at %d)", n, title)
	}
	buf.Reset()
	l.Number = ""
	if err := WriteLetter(&buf, l); err != nil {
		t.Fatal(err)
	}
	if doc := string(parts(t, buf.Bytes())["word/document.xml"]); strings.Contains(doc, `<w:jc w:val="center"/></w:pPr><w:r>`) && strings.Index(doc, `<w:jc w:val="center"/></w:pPr><w:r>`) < strings.Index(doc, `w:val="Title"`) {
		t.Error("a letter without a number has a centred line above its title")
	}
}
