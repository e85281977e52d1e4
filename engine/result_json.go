package engine

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Results are written as JSON by hand: encoding/json spends most of its time in
// reflection and in re-indenting what it marshalled, and a nation's results are
// tens of megabytes. The bytes are exactly those of encoding/json (an Encoder with
// SetEscapeHTML(false), and SetIndent for the indented form), which
// TestAppendJSONMatchesEncodingJSON holds over every built-in framework.

// JSONStyle is how AppendJSON lays JSON out: Indent "" is compact (one line), else
// every member on its own line behind Prefix and Depth+1 times Indent, as an
// encoding/json Encoder with SetIndent(Prefix, Indent) writes a value nested Depth
// levels deep.
type JSONStyle struct {
	Prefix, Indent string
	Depth          int
}

// AppendJSON appends r as JSON in the given style, the same bytes as encoding/json
// writes for it. Like encoding/json it refuses a NaN or infinite number where JSON
// needs one (a metric's value that cannot be computed is null).
func (r *Result) AppendJSON(dst []byte, st JSONStyle) ([]byte, error) {
	w := &jsonWriter{b: dst, JSONStyle: st}
	w.result(r)
	if w.err != nil {
		return dst, w.err
	}
	return w.b, nil
}

// AppendRanked appends encoded, a result that AppendJSON wrote in style st without a
// rank, with its rank and tie put in as AppendJSON puts them: the bytes AppendJSON
// writes for the ranked result. A ranking can so encode every result once, as it is
// evaluated, and place the ranks when the order is known. ok is false when encoded
// does not end as AppendJSON ends a result in that style.
func AppendRanked(dst, encoded []byte, rank int, tie bool, st JSONStyle) (out []byte, ok bool) {
	head, ok := RankedHead(encoded, st)
	if !ok {
		return dst, false
	}
	return AppendRankTail(append(dst, head...), rank, tie, st), true
}

// RankedHead is the part of encoded (as for AppendRanked) that AppendRanked keeps:
// all but its closing. A writer can write it from where it lies, then
// AppendRankTail's bytes, rather than copy the result.
func RankedHead(encoded []byte, st JSONStyle) ([]byte, bool) {
	end := (&jsonWriter{JSONStyle: st, b: []byte{}}).closing()
	if !bytes.HasSuffix(encoded, end) {
		return nil, false
	}
	return encoded[:len(encoded)-len(end)], true
}

// AppendRankTail appends what follows RankedHead in AppendRanked's bytes: the rank,
// the tie and the closing.
func AppendRankTail(dst []byte, rank int, tie bool, st JSONStyle) []byte {
	w := &jsonWriter{JSONStyle: st, b: dst}
	w.Depth++
	if rank != 0 {
		w.int("rank", rank)
	}
	if tie {
		w.bool("tie", true)
	}
	w.close('}')
	return w.b
}

// closing is how an object at the writer's depth ends when it has members.
func (w *jsonWriter) closing() []byte {
	w.newline()
	return append(w.b, '}')
}

// jsonWriter appends JSON tokens with encoding/json's spacing.
type jsonWriter struct {
	JSONStyle
	b     []byte
	first bool   // nothing written yet in the open object or array
	line  string // a newline, Prefix and Indent repeated: newline appends a prefix of it
	err   error
}

func (w *jsonWriter) newline() {
	if w.Indent == "" {
		return
	}
	n := 1 + len(w.Prefix) + w.Depth*len(w.Indent)
	if n > len(w.line) {
		w.line = "\n" + w.Prefix + strings.Repeat(w.Indent, w.Depth+8)
	}
	w.b = append(w.b, w.line[:n]...)
}

func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.Depth++
	w.first = true
}

func (w *jsonWriter) close(c byte) {
	w.Depth--
	if !w.first {
		w.newline()
	}
	w.b = append(w.b, c)
	w.first = false
}

// elem starts a member of an array.
func (w *jsonWriter) elem() {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.newline()
}

// key starts a member of an object.
func (w *jsonWriter) key(k string) {
	w.elem()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	if w.Indent != "" {
		w.b = append(w.b, ' ')
	}
}

func (w *jsonWriter) str(k, s string) {
	w.key(k)
	w.b = appendJSONString(w.b, s, false)
}

// strOmit writes a string member tagged omitempty.
func (w *jsonWriter) strOmit(k, s string) {
	if s != "" {
		w.str(k, s)
	}
}

func (w *jsonWriter) num(k string, v float64) {
	w.key(k)
	w.b = w.appendFloat(w.b, v)
}

func (w *jsonWriter) int(k string, v int) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, int64(v), 10)
}

func (w *jsonWriter) bool(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *jsonWriter) strings(k string, ss []string) {
	w.key(k)
	w.array(len(ss), false, func(i int) { w.b = appendJSONString(w.b, ss[i], false) })
}

// appendFloat formats v as encoding/json does: like ES6, %f between 1e-6 and 1e21,
// else an exponent without padding.
func (w *jsonWriter) appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		if w.err == nil {
			w.err = fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(v, 'g', -1, 64))
		}
		return append(b, '0')
	}
	abs := math.Abs(v)
	f := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		f = 'e'
	}
	b = strconv.AppendFloat(b, v, f, -1, 64)
	if f == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// array writes n elements, the i-th by each(i); nil writes null, as for a nil slice.
func (w *jsonWriter) array(n int, null bool, each func(i int)) {
	if null {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('[')
	for i := range n {
		w.elem()
		each(i)
	}
	w.close(']')
}

// object writes an object whose members fields writes.
func (w *jsonWriter) object(fields func()) {
	w.open('{')
	fields()
	w.close('}')
}

func (w *jsonWriter) result(r *Result) {
	w.object(func() {
		w.key("unit")
		w.object(func() {
			w.str("code", r.Unit.Code)
			w.str("name", r.Unit.Name)
			w.strOmit("parent_code", r.Unit.ParentCode)
			w.strOmit("parent_name", r.Unit.ParentName)
		})
		w.int("period", r.Period)
		w.str("framework", r.Framework)
		w.str("framework_version", r.Version)
		w.key("metrics")
		w.array(len(r.Metrics), r.Metrics == nil, func(i int) { w.metric(&r.Metrics[i]) })
		w.key("areas")
		w.array(len(r.Areas), r.Areas == nil, func(i int) { w.area(&r.Areas[i]) })
		if len(r.Bonus) > 0 {
			w.key("bonus")
			w.points(r.Bonus)
		}
		if len(r.Vetoes) > 0 {
			w.key("vetoes")
			w.array(len(r.Vetoes), false, func(i int) { w.veto(&r.Vetoes[i]) })
		}
		w.tail(r)
	})
}

func (w *jsonWriter) tail(r *Result) {
	w.num("score", r.Score)
	w.num("bonus_total", r.BonusTotal)
	w.num("total", r.Total)
	w.num("max", r.Max)
	w.strOmit("grade", r.Grade)
	w.strOmit("verdict", r.Verdict)
	w.bool("passed", r.Passed)
	if len(r.Failing) > 0 {
		w.strings("failing", r.Failing)
	}
	w.int("pending", r.Pending)
	w.int("uncomputable", r.Uncomputable)
	if r.Rank != 0 {
		w.int("rank", r.Rank)
	}
	if r.Tie {
		w.bool("tie", true)
	}
}

// metric writes a MetricValue as its MarshalJSON does. That method marshals with
// json.Marshal, which escapes <, > and & in strings, and the outer encoder keeps
// the escapes: so here too.
func (w *jsonWriter) metric(m *MetricValue) {
	html := func(k, s string) {
		w.key(k)
		w.b = appendJSONString(w.b, s, true)
	}
	w.object(func() {
		html("id", m.ID)
		html("name", m.Name)
		if m.Unit != "" {
			html("unit", m.Unit)
		}
		w.bool("ok", m.OK)
		if m.Why != "" {
			html("why", m.Why)
		}
		html("text", m.Text())
		w.key("value")
		if m.OK && !math.IsNaN(m.Value) && !math.IsInf(m.Value, 0) {
			w.b = w.appendFloat(w.b, m.Value)
		} else {
			w.b = append(w.b, "null"...)
		}
	})
}

func (w *jsonWriter) area(a *AreaResult) {
	w.object(func() {
		w.str("code", a.Code)
		w.str("name", a.Name)
		w.num("max", a.Max)
		w.num("score", a.Score)
		w.key("points")
		w.points(a.Points)
		if len(a.Groups) > 0 {
			w.key("groups")
			w.groups(a.Groups)
		}
	})
}

func (w *jsonWriter) points(ps []PointResult) {
	w.array(len(ps), ps == nil, func(i int) {
		p := &ps[i]
		w.object(func() {
			w.str("code", p.Code)
			w.str("title", p.Title)
			w.num("max", p.Max)
			w.num("score", p.Score)
			w.num("lost", p.Lost)
			w.str("status", p.Status)
			w.bool("passed", p.Passed)
			if len(p.Reasons) > 0 {
				w.strings("reasons", p.Reasons)
			}
			if len(p.Metrics) > 0 {
				w.strings("metrics", p.Metrics)
			}
		})
	})
}

func (w *jsonWriter) groups(gs []GroupResult) {
	w.array(len(gs), false, func(i int) {
		g := &gs[i]
		w.object(func() {
			w.str("code", g.Code)
			w.str("name", g.Name)
			w.num("max", g.Max)
			w.num("score", g.Score)
			if len(g.Groups) > 0 {
				w.key("groups")
				w.groups(g.Groups)
			}
			if len(g.Points) > 0 {
				w.strings("points", g.Points)
			}
		})
	})
}

func (w *jsonWriter) veto(v *VetoResult) {
	w.object(func() {
		w.str("code", v.Code)
		w.str("title", v.Title)
		w.str("effect", v.Effect)
		w.bool("triggered", v.Triggered)
		if v.Pending {
			w.bool("pending", true)
		}
		w.strOmit("reason", v.Reason)
	})
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, as encoding/json does with
// SetEscapeHTML(false): for the parts of a document around AppendJSON's results.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s, false) }

// appendJSONString appends s quoted as encoding/json quotes strings: invalid UTF-8
// as U+FFFD, U+2028 and U+2029 escaped, and <, > and & escaped when html is set.
// Chinese text is mostly three-byte sequences, checked here without decoding them.
func appendJSONString(b []byte, s string, html bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!html || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscape(b, c)
			i++
			start = i
			continue
		}
		if c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(c != 0xE2 || s[i+1] != 0x80 || s[i+2]&0xFE != 0xA8) {
			i += 3 // a valid three-byte sequence, not U+2028 or U+2029
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape appends the escape of an ASCII byte that JSON strings cannot hold as
// it is.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
