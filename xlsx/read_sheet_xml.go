package xlsx

import (
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The XML lexing of the sheet scanner. It accepts a strict subset of XML and
// decodes it as encoding/xml does (which excelize uses): the five named entities
// and character references, CR and CRLF read as LF, characters outside XML's
// range refused. Comments, CDATA, processing instructions and prefixed elements
// are refused too.

// attrEnd says what attr found: an attribute, or the end of the start tag.
type attrEnd uint8

const (
	attrMore attrEnd = iota // an attribute
	tagOpen                 // '>': content follows
	tagEmpty                // "/>"
)

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// space skips white space between elements.
func (s *sheetScanner) space() {
	for s.p < len(s.b) && isSpace(s.b[s.p]) {
		s.p++
	}
}

// tag reads the tag at p up to its name: the "<name" of a start tag, whose
// attributes follow, or a whole end tag "</name>". ok is false for anything else:
// text, a comment, CDATA, a processing instruction, a malformed tag.
func (s *sheetScanner) tag() (name []byte, end, ok bool) {
	b, p := s.b, s.p
	if p+1 >= len(b) || b[p] != '<' {
		return nil, false, false
	}
	p++
	if b[p] == '/' {
		end = true
		p++
	}
	n := p
	for p < len(b) && isNameByte(b[p]) {
		p++
	}
	if p == n || p >= len(b) {
		return nil, false, false
	}
	name = b[n:p]
	switch c := b[p]; {
	case end && c == '>':
		p++
	case end || !isSpace(c) && c != '>' && c != '/':
		return nil, false, false
	}
	s.p = p
	return name, end, true
}

// child reads the start of the next child element of parent, past its name, or
// parent's end tag (done). White space may stand between elements, no other text.
func (s *sheetScanner) child(parent string) (name []byte, done bool, err error) {
	s.space()
	name, end, ok := s.tag()
	switch {
	case !ok:
		return nil, false, s.fail("not an element")
	case end && isName(name, parent):
		return nil, true, nil
	case end:
		return nil, false, s.fail("unexpected end tag")
	}
	return name, false, nil
}

// isName compares a name byte by byte: quicker than a call to compare memory for
// the short names of cells and rows.
func isName(b []byte, name string) bool {
	if len(b) != len(name) {
		return false
	}
	for i := range len(name) {
		if b[i] != name[i] {
			return false
		}
	}
	return true
}

// attr reads the next attribute of a start tag, or its end. Attributes must be
// written name="value" or name='value' after white space.
func (s *sheetScanner) attr() (name, val []byte, end attrEnd, err error) {
	b, p := s.b, s.p
	for p < len(b) && isSpace(b[p]) {
		p++
	}
	switch {
	case p >= len(b):
		return nil, nil, 0, s.fail("unterminated tag")
	case b[p] == '>':
		s.p = p + 1
		return nil, nil, tagOpen, nil
	case b[p] == '/' && p+1 < len(b) && b[p+1] == '>':
		s.p = p + 2
		return nil, nil, tagEmpty, nil
	case p == s.p:
		return nil, nil, 0, s.fail("bad attribute")
	}
	n := p
	for p < len(b) && isNameByte(b[p]) {
		p++
	}
	name = b[n:p]
	if p+1 >= len(b) || p == n || !isNameStart(b[n]) || b[p] != '=' || (b[p+1] != '"' && b[p+1] != '\'') {
		return nil, nil, 0, s.fail("bad attribute")
	}
	q, v, plain := b[p+1], p+2, true
	for p = v; p < len(b) && b[p] != q; p++ {
		if c := b[p]; c < 0x20 || c >= utf8.RuneSelf || c == '<' || c == '&' {
			plain = false
		}
	}
	if p >= len(b) || !plain && !validAttr(b[v:p]) {
		return nil, nil, 0, s.fail("bad attribute value")
	}
	s.p = p + 1
	return name, b[v:p], attrMore, nil
}

// skipAttrs reads the attributes of a start tag up to its end.
func (s *sheetScanner) skipAttrs() (attrEnd, error) {
	for {
		_, _, end, err := s.attr()
		if err != nil || end != attrMore {
			return end, err
		}
	}
}

func isNameStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

func isNameByte(c byte) bool {
	return isNameStart(c) || '0' <= c && c <= '9' || c == ':' || c == '.' || c == '-'
}

// attrKey classifies an attribute name: "r", "s" and "t" for those attributes,
// "" for a prefixed name that excelize would take for one of them (it matches
// local names only), "-" for any other.
func attrKey(name []byte) string {
	local, prefixed := name, false
	for i, c := range name {
		if c == ':' {
			if prefixed || i == 0 || i == len(name)-1 {
				return "" // encoding/xml refuses it, or reads it unprefixed
			}
			local, prefixed = name[i+1:], true
		}
	}
	if len(local) != 1 || (local[0] != 'r' && local[0] != 's' && local[0] != 't') {
		return "-"
	}
	switch {
	case prefixed:
		return ""
	case local[0] == 'r':
		return "r"
	case local[0] == 's':
		return "s"
	}
	return "t"
}

// number reads up to 9 decimal digits; -1 for anything else.
func number(b []byte) int {
	if len(b) == 0 || len(b) > 9 {
		return -1
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// cellColumn reads the column (0-based) of a cell reference such as "AB12"; -1
// for anything but upper-case letters and a row number within the sheet's limits.
func cellColumn(b []byte) int {
	col, i := 0, 0
	for ; i < len(b) && i < 3 && 'A' <= b[i] && b[i] <= 'Z'; i++ {
		col = col*26 + int(b[i]-'A'+1)
	}
	if i == 0 || col > excelize.MaxColumns {
		return -1
	}
	if row := number(b[i:]); row < 1 || row > excelize.TotalRows {
		return -1
	}
	return col - 1
}

// text reads character data up to the next '<', checking it as encoding/xml does.
func (s *sheetScanner) text() (textPart, error) {
	b := s.b
	t := textPart{lo: s.p}
	for i := s.p; i < len(b); i++ {
		c := b[i]
		if c >= 0x20 && c < utf8.RuneSelf {
			switch c {
			case '<':
				t.hi, s.p = i, i
				return t, nil
			case '&':
				n, _ := entity(b[i:])
				if n == 0 {
					s.p = i
					return t, s.fail("bad entity")
				}
				t.esc = true
				i += n - 1
			case ']':
				if i+2 < len(b) && b[i+1] == ']' && b[i+2] == '>' {
					s.p = i
					return t, s.fail("]]> in text")
				}
			}
			continue
		}
		n := validChar(b[i:])
		if n == 0 {
			s.p = i
			return t, s.fail("bad character")
		}
		t.esc = t.esc || c == '\r'
		i += n - 1
	}
	s.p = len(b)
	return t, s.fail("unterminated text")
}

// validAttr checks an attribute value as encoding/xml does.
func validAttr(v []byte) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '<':
			return false
		case c == '&':
			n, _ := entity(v[i:])
			if n == 0 {
				return false
			}
			i += n - 1
		case c >= 0x20 && c < utf8.RuneSelf:
		default:
			n := validChar(v[i:])
			if n == 0 {
				return false
			}
			i += n - 1
		}
	}
	return true
}

// validChar returns the length of the character at the start of b, a control
// character or not ASCII, or 0 when XML does not allow it.
func validChar(b []byte) int {
	switch c := b[0]; {
	case c == '\t' || c == '\n' || c == '\r':
		return 1
	case c < 0x20:
		return 0
	}
	r, n := utf8.DecodeRune(b)
	if r == utf8.RuneError && n == 1 || !xmlChar(r) {
		return 0
	}
	return n
}

// xmlChar reports whether XML allows character r (its Char production).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// entity reads the entity at the start of b ("&amp;", "&#38;", "&#x26;"); n is
// its length, 0 when encoding/xml would refuse it or (a surrogate) replace it.
func entity(b []byte) (n int, r rune) {
	for _, e := range [...]struct {
		s string
		r rune
	}{{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&apos;", '\''}, {"&quot;", '"'}} {
		if len(b) >= len(e.s) && string(b[:len(e.s)]) == e.s {
			return len(e.s), e.r
		}
	}
	if len(b) < 4 || b[1] != '#' {
		return 0, 0
	}
	i, base := 2, rune(10)
	if b[2] == 'x' {
		i, base = 3, 16
	}
	start := i
	for ; i < len(b); i++ {
		d := rune(-1)
		switch c := b[i]; {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		}
		if d < 0 {
			break
		}
		if r = r*base + d; r > utf8.MaxRune {
			return 0, 0
		}
	}
	if i == start || i >= len(b) || b[i] != ';' || !xmlChar(r) {
		return 0, 0
	}
	return i + 1, r
}

// appendText appends character data, decoded, to dst.
func (s *sheetScanner) appendText(dst []byte, t textPart) []byte {
	raw := s.b[t.lo:t.hi]
	if !t.esc {
		return append(dst, raw...)
	}
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '&':
			n, r := entity(raw[i:])
			dst = utf8.AppendRune(dst, r)
			i += n - 1
		case '\r':
			dst = append(dst, '\n')
		case '\n':
			if i == 0 || raw[i-1] != '\r' {
				dst = append(dst, '\n')
			}
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// bstrUnescape decodes the _xHHHH_ escapes that Excel writes for characters XML
// cannot hold, the way excelize's bstrUnmarshal does: "_x005F_" is "_", an escape
// of a surrogate is dropped, and matches do not overlap.
func bstrUnescape(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, ok := bstrAt(s[i:])
		if !ok {
			out = append(out, s[i])
			i++
			continue
		}
		if r < 0xD800 || r > 0xDFFF {
			out = utf8.AppendRune(out, r)
		}
		i += 7
	}
	return out
}

// bstrAt reads an escape _xHHHH_ at the start of s.
func bstrAt(s string) (rune, bool) {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[2:6], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}
