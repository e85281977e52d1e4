package docx

// Page geometry of GB/T 9704-2012 in twips (1/20 pt; 1 mm = 56.6929 twips). The page
// size is Word's own A4 (11906 × 16838); the margins are rounded to the nearest twip,
// which leaves a text block of 8845 × 12756 twips = 156.0 × 225.0 mm.
const (
	pageW        = 11906                            // 210 mm
	pageH        = 16838                            // 297 mm
	marginTop    = 2098                             // 37 mm (天头)
	marginBottom = 1984                             // 35 mm
	marginLeft   = 1587                             // 28 mm (订口)
	marginRight  = 1474                             // 26 mm
	textW        = pageW - marginLeft - marginRight // 8845
	textH        = pageH - marginTop - marginBottom // 12756

	linesPerPage = 22
	charsPerLine = 28

	// linePitch is the exact line height: 12756/22 = 579.8, rounded down so that 22
	// lines always fit (579 twips = 28.95 pt, the value Word templates use).
	linePitch = textH / linesPerPage

	bodySize   = 32 // half-points: 16 pt, 三号
	titleSize  = 44 // 22 pt, 二号
	tableSize  = 24 // 12 pt, 小四
	footerSize = 28 // 14 pt, 四号

	// bodyChar is one character of body text (16 pt) in twips, the unit of the
	// first-line indent and the date's inset where a reader ignores *Chars attributes.
	bodyChar   = bodySize * 10
	footerChar = footerSize * 10

	// footerLine is the exact height of the page-number line (one 四号 em).
	footerLine = footerChar
	// footerDist puts the middle of the 「—」 dashes 7 mm below the text block: the
	// block ends 35 mm above the paper's edge, so the dash line sits 28 mm above it and
	// the footer line (4.94 mm high) ends half its height lower, at 25.5 mm.
	footerDist = 1446
	headerDist = 851 // 15 mm; there is no header, Word wants a value
)

// condense is the character spacing of 16 pt text, in twentieths of a point: 28
// characters of 16 pt (8960 twips) do not fit the 8845-twip line, 28 of 15.75 pt
// (8820) do, and justification spreads the rest. It is written as character spacing
// (w:spacing w:val) rather than a character grid (docGrid linesAndChars with
// charSpace="-842"): LibreOffice puts every 16 pt character of such a grid into two
// 15.79 pt cells, printing 14 characters a line, while spacing reads the same in Word,
// WPS and LibreOffice.
const condense = -5

// charPitch is the width of one 16 pt full-width character in twips.
func charPitch() float64 { return float64(bodySize)*10 + condense }
