package docx

import (
	"bytes"
	"strconv"
)

// The fonts GB/T 9704 names, as Chinese Windows and WPS install them. Each is written
// into every rFonts slot so that digits and Latin letters use the same face.
const (
	fontFangSong = "仿宋_GB2312"
	fontXBS      = "方正小标宋简体"
	fontHei      = "黑体"
	fontKai      = "楷体_GB2312"
	fontSong     = "宋体"
)

// fonts lists fontTable.xml: each font with the fallback (w:altName) Word tries when
// it is missing, the fallbacks themselves, and the GB2312 charset (0x86).
var fonts = []struct{ name, alt, family, pitch string }{
	{fontFangSong, "仿宋", "modern", "fixed"},
	{"仿宋", "FangSong", "modern", "fixed"},
	{fontXBS, "小标宋", "script", "default"},
	{"小标宋", "SimSun", "script", "default"},
	{fontHei, "SimHei", "modern", "fixed"},
	{fontKai, "楷体", "modern", "fixed"},
	{"楷体", "KaiTi", "modern", "fixed"},
	{fontSong, "SimSun", "auto", "variable"},
}

func fontTableXML() []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader + `<w:fonts ` + nsW + `>` + "\n")
	for _, f := range fonts {
		b.WriteString(`<w:font w:name="` + f.name + `"><w:altName w:val="` + f.alt + `"/><w:charset w:val="86"/><w:family w:val="` + f.family + `"/><w:pitch w:val="` + f.pitch + `"/></w:font>` + "\n")
	}
	b.WriteString(`</w:fonts>` + "\n")
	return b.Bytes()
}

// rPr returns run properties in one font and size (half-points); 16 pt text is
// condensed so that 28 characters fill a line.
func rPr(font string, size int, bold bool) string {
	s := `<w:rPr><w:rFonts w:ascii="` + font + `" w:eastAsia="` + font + `" w:hAnsi="` + font + `" w:cs="` + font + `" w:hint="eastAsia"/>`
	if bold {
		s += `<w:b/><w:bCs/>`
	} else {
		s += `<w:b w:val="0"/><w:bCs w:val="0"/>`
	}
	if size == bodySize {
		s += `<w:spacing w:val="` + strconv.Itoa(condense) + `"/>`
	}
	n := strconv.Itoa(size)
	return s + `<w:sz w:val="` + n + `"/><w:szCs w:val="` + n + `"/></w:rPr>`
}

// exact is an exact line height of h twips with no space around the paragraph.
func exact(h int) string {
	return `<w:spacing w:before="0" w:after="0" w:line="` + strconv.Itoa(h) + `" w:lineRule="exact"/>`
}

// firstLine is the two-character first-line indent of body text and headings:
// firstLineChars for Word and WPS, firstLine in twips for readers without it
// (LibreOffice before 24.2).
var firstLine = `<w:ind w:firstLine="` + strconv.Itoa(2*bodyChar) + `" w:firstLineChars="200"/>`

const noIndent = `<w:ind w:firstLine="0" w:firstLineChars="0"/>`

func style(b *bytes.Buffer, id, name, basedOn, next, pPr, rPr string) {
	b.WriteString(`<w:style w:type="paragraph" w:customStyle="1" w:styleId="` + id + `"><w:name w:val="` + name + `"/>`)
	if basedOn != "" {
		b.WriteString(`<w:basedOn w:val="` + basedOn + `"/>`)
	}
	if next != "" {
		b.WriteString(`<w:next w:val="` + next + `"/>`)
	}
	b.WriteString(`<w:qFormat/><w:pPr>` + pPr + `</w:pPr>` + rPr + `</w:style>` + "\n")
}

// stylesXML writes word/styles.xml: 16 pt 仿宋 on an exact 579-twip line as the
// default, and the named styles the document uses. Normal turns off widow control
// (which would leave 21-line pages) and the automatic space between Chinese and
// Latin text (which would break the 28-character count).
func stylesXML(o Options) []byte {
	// Body text is justified (撑满版心); RaggedRight sets it flush left for
	// LibreOffice, which drops a closing mark that hangs past the end of a full
	// justified line (docs/report-format.md).
	jc := `<w:jc w:val="both"/>`
	if o.RaggedRight {
		jc = `<w:jc w:val="left"/>`
	}
	var b bytes.Buffer
	b.WriteString(xmlHeader + `<w:styles ` + nsW + `>` + "\n")
	b.WriteString(`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="` + fontFangSong + `" w:eastAsia="` + fontFangSong + `" w:hAnsi="` + fontFangSong + `" w:cs="` + fontFangSong + `"/>` +
		`<w:kern w:val="2"/><w:sz w:val="` + strconv.Itoa(bodySize) + `"/><w:szCs w:val="` + strconv.Itoa(bodySize) + `"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr>` + exact(linePitch) + `</w:pPr></w:pPrDefault></w:docDefaults>` + "\n")
	b.WriteString(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>` + exact(linePitch) + jc + `</w:pPr>` + rPr(fontFangSong, bodySize, false) + `</w:style>` + "\n")
	b.WriteString(`<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>` + "\n")
	b.WriteString(`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` + "\n")

	style(&b, "Body", "Body Text GB9704", "Normal", "", firstLine+jc, rPr(fontFangSong, bodySize, false))
	// The title keeps the 579-twip line but does not snap to the line grid, so a
	// 22 pt line is not pushed onto two grid lines.
	style(&b, "Title", "Title", "Normal", "Body", `<w:snapToGrid w:val="0"/>`+exact(linePitch)+noIndent+`<w:jc w:val="center"/>`, rPr(fontXBS, titleSize, false))
	headFonts := [4]string{fontHei, fontKai, fontFangSong, fontFangSong}
	bold := [4]bool{false, o.BoldLevels23, o.BoldLevels23, false}
	for i, id := range headingStyles {
		style(&b, id, "heading "+strconv.Itoa(i+1), "Body", "Body",
			`<w:keepNext/>`+firstLine+jc+`<w:outlineLvl w:val="`+strconv.Itoa(i)+`"/>`,
			rPr(headFonts[i], bodySize, bold[i]))
	}
	style(&b, "Signature", "Signature", "Normal", "", noIndent+`<w:jc w:val="right"/>`, rPr(fontFangSong, bodySize, false))
	// 「附件1」: 3号黑体, flush left on the first line of the annex's page.
	style(&b, "AnnexLabel", "Annex Label", "Normal", "Body", noIndent+`<w:jc w:val="left"/>`, rPr(fontHei, bodySize, false))
	// Table text is off the line grid too: its rows are 18 pt, not 28.95 pt.
	tablePPr := `<w:snapToGrid w:val="0"/>` + exact(360) + noIndent
	style(&b, "TableText", "Table Text", "Normal", "", tablePPr+`<w:jc w:val="both"/>`, rPr(fontFangSong, tableSize, false))
	style(&b, "TableHeader", "Table Heading", "TableText", "", `<w:keepNext/>`+tablePPr+`<w:jc w:val="center"/>`, rPr(fontFangSong, tableSize, true))
	style(&b, "Footer", "footer", "Normal", "", `<w:snapToGrid w:val="0"/>`+exact(footerLine)+noIndent, rPr(fontSong, footerSize, false))
	b.WriteString(`</w:styles>` + "\n")
	return b.Bytes()
}

// footerXML writes a page-number footer 「— N —」: odd pages right-aligned and even
// pages left-aligned, each one 四号 character in from the text block's edge.
func footerXML(even bool) []byte {
	ind, jc := `<w:ind w:right="`+strconv.Itoa(footerChar)+`"/>`, "right"
	if even {
		ind, jc = `<w:ind w:left="`+strconv.Itoa(footerChar)+`"/>`, "left"
	}
	// The dashes are 一字线 (U+2014) in the east-Asian font, a full character wide;
	// the spaces and the number are half-width.
	dash := func(s string) string {
		return `<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">` + s + `</w:t></w:r>`
	}
	return []byte(xmlHeader + `<w:ftr ` + nsW + `>` + "\n" +
		`<w:p><w:pPr><w:pStyle w:val="Footer"/>` + ind + `<w:jc w:val="` + jc + `"/></w:pPr>` +
		dash("— ") +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r><w:t>1</w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		dash(" —") +
		`</w:p>` + "\n" + `</w:ftr>` + "\n")
}

// settingsXML turns on distinct even and odd footers and keeps punctuation
// uncompressed, as the fixed grid expects.
const settingsXML = xmlHeader + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` + "\n" +
	`<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>` + "\n" +
	`</w:settings>` + "\n"

const contentTypesXML = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>` + "\n"

const packageRelsXML = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>` + "\n"

const documentRelsXML = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
	`</Relationships>` + "\n"

const appXML = xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>ziping</Application></Properties>` + "\n"

// coreXML writes the title, the issuer as creator, and the document date (not the
// clock, so the package is reproducible).
func coreXML(d *Document) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString(`<dc:title>`)
	escape(&b, d.Title)
	b.WriteString(`</dc:title><dc:creator>`)
	escape(&b, d.Issuer)
	b.WriteString(`</dc:creator><dc:language>zh-CN</dc:language>`)
	if !d.Date.IsZero() {
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + d.Date.Format("2006-01-02") + `T00:00:00Z</dcterms:created>`)
	}
	b.WriteString(`</cp:coreProperties>` + "\n")
	return b.Bytes()
}
