package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"ziping/engine"
)

// Bound values are written {{…}} in the narrative and filled from the evaluation:
//
//	{{metric "primary.cv.equipment_value_per_student"}}  the metric's text, unit included: 0.465, 4461元, 94.7%
//	{{metric "kg.public_share" "raw"}}                   the same without the unit: 47.7
//	{{公办园在园幼儿占比}}                                   a metric by its exact Chinese name (MetricValue.Name)
//	{{公办园在园幼儿占比 "raw"}}                             the same without the unit
//	{{total}} {{score}} {{max}}                          the total, the points' score, the maximum
//	{{grade}} {{verdict}} {{unit}} {{period}}            等次, 结论, 区县名称, 年度 (2024, without 年)
//	{{nodata}}                                           in an area's text: no sentences from the data there
//
// A small tokenizer reads them, not text/template: template identifiers cannot hold
// metric names such as 「小学每百名学生拥有体育、艺术专任教师数」, and a template stops at
// its first error where a report must list every unfilled value with its position.
// A name the data lacks, or a metric the data cannot compute, is a BindError.
//
// The binder records where each metric value lands in the filled text (boundSpan);
// with BuildOptions.MetricURL the HTML output links those values to the metric's
// drill-down. The other outputs keep the plain text.

// BindError is a bound value that could not be filled.
type BindError struct {
	Section   string // section (and area) of the narrative it is in
	Line, Col int    // 1-based position in the narrative; Col counts characters
	Token     string // as written, e.g. {{metric "x"}}
	Reason    string
}

func (e BindError) Error() string {
	return fmt.Sprintf("%s 第%d行第%d列 %s：%s", e.Section, e.Line, e.Col, e.Token, e.Reason)
}

// BindErrors lists every bound value that could not be filled.
type BindErrors []BindError

func (es BindErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("叙述中有%d处绑定值无法填写：\n%s", len(es), strings.Join(lines, "\n"))
}

// unboundPrefix starts the marker an unfillable value leaves in the text.
const unboundPrefix = "〔未绑定："

// binding is one evaluated token.
type binding struct {
	value string
	err   string // why it cannot be filled; empty when it can
	// metric and name are the id and Chinese name of the metric the value is from;
	// empty for {{total}}, {{grade}} and the other values that are not metrics.
	metric, name string
}

// boundSpan is where a metric's value sits in a filled text: bytes [Start, End).
// The HTML output links it to the metric's drill-down (BuildOptions.MetricURL).
type boundSpan struct {
	Start, End int
	Metric     string // metric id
	Name       string // its Chinese name
}

type tokenAt struct {
	token     string
	offset    int
	line, col int
	binding   binding
}

// binder evaluates the {{…}} tokens of one narrative against one result.
type binder struct {
	res    *engine.Result
	fw     *engine.Framework
	byName map[string]int
	cache  map[string]binding
	tokens []tokenAt
	// spans holds, by filled text, where the metric values are in it; only texts
	// with at least one metric value are kept.
	spans map[string][]boundSpan
}

func newBinder(res *engine.Result, fw *engine.Framework) *binder {
	b := &binder{res: res, fw: fw, byName: make(map[string]int, len(res.Metrics)), cache: map[string]binding{}}
	for i, m := range res.Metrics {
		b.byName[m.Name] = i
	}
	return b
}

// scan finds and evaluates every token of the source, with its position.
func (b *binder) scan(src []byte) {
	line, lineStart := 1, 0
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte("{{"))
		if i < 0 {
			return
		}
		start := off + i
		j := bytes.Index(src[start:], []byte("}}"))
		nl := bytes.IndexByte(src[start:], '\n')
		if j < 0 || (nl >= 0 && nl < j) {
			off = start + 2
			continue
		}
		for k := off; k < start; k++ {
			if src[k] == '\n' {
				line++
				lineStart = k + 1
			}
		}
		tok := string(src[start : start+j+2])
		b.tokens = append(b.tokens, tokenAt{token: tok, offset: start, line: line,
			col: utf8.RuneCount(src[lineStart:start]) + 1, binding: b.eval(tok)})
		off = start + j + 2
	}
}

// fill replaces the tokens of text by their values, or by a visible marker.
func (b *binder) fill(text string) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	var s strings.Builder
	var spans []boundSpan
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			break
		}
		tok := text[i : i+j+2]
		s.WriteString(text[:i])
		if v := b.eval(tok); v.err == "" {
			if v.metric != "" && v.value != "" {
				spans = append(spans, boundSpan{Start: s.Len(), End: s.Len() + len(v.value), Metric: v.metric, Name: v.name})
			}
			s.WriteString(v.value)
		} else {
			s.WriteString(unboundPrefix + tok + "〕")
		}
		text = text[i+j+2:]
	}
	s.WriteString(text)
	out := s.String()
	if len(spans) > 0 {
		if b.spans == nil {
			b.spans = map[string][]boundSpan{}
		}
		b.spans[out] = spans
	}
	return out
}

// errors lists the tokens that cannot be filled, each placed in the section of the
// last mark before it.
func (b *binder) errors(marks []mark) BindErrors {
	var es BindErrors
	for _, t := range b.tokens {
		if t.binding.err == "" {
			continue
		}
		label := marks[0].label
		for _, m := range marks {
			if m.offset <= t.offset {
				label = m.label
			}
		}
		es = append(es, BindError{Section: label, Line: t.line, Col: t.col, Token: t.token, Reason: t.binding.err})
	}
	return es
}

// eval evaluates one token, cached.
func (b *binder) eval(tok string) binding {
	if v, ok := b.cache[tok]; ok {
		return v
	}
	v := b.evalUncached(tok)
	b.cache[tok] = v
	return v
}

func (b *binder) evalUncached(tok string) binding {
	args, err := fields(strings.TrimSpace(tok[2 : len(tok)-2]))
	if err != nil {
		return binding{err: err.Error()}
	}
	if len(args) == 0 {
		return binding{err: "空的绑定值"}
	}
	r := b.res
	if len(args) == 1 {
		switch args[0] {
		case "total":
			return binding{value: b.fw.FormatScore(r.Total) + "分"}
		case "score":
			return binding{value: b.fw.FormatScore(r.Score) + "分"}
		case "max":
			return binding{value: b.fw.FormatScore(r.Max) + "分"}
		case "unit":
			return binding{value: r.Unit.Name}
		case "period":
			// The year alone: people write 「{{period}}年度」.
			return binding{value: strconv.Itoa(r.Period)}
		case "nodata":
			return binding{}
		case "grade", "verdict":
			if r.Pending+r.Uncomputable > 0 {
				return binding{value: "待定"} // no grade while points wait for a score
			}
			if r.Grade != "" {
				return binding{value: r.Grade}
			}
			if r.Verdict != "" {
				return binding{value: r.Verdict}
			}
			return binding{err: "评价体系没有等次或结论"}
		}
	}
	name := args[0]
	rest := args[1:]
	if name == "metric" {
		if len(rest) == 0 {
			return binding{err: "metric 缺少指标 ID"}
		}
		name, rest = rest[0], rest[1:]
		if _, ok := r.Metric(name); !ok {
			return binding{err: "没有指标「" + name + "」"}
		}
	} else if i, ok := b.byName[name]; ok {
		name = r.Metrics[i].ID
	} else {
		return binding{err: "没有名为「" + name + "」的指标"}
	}
	raw := false
	switch {
	case len(rest) == 1 && rest[0] == "raw":
		raw = true
	case len(rest) > 0:
		return binding{err: "多余的参数「" + strings.Join(rest, " ") + "」（只接受 \"raw\"）"}
	}
	m, _ := r.Metric(name)
	if !m.OK {
		return binding{err: "数据无法计算「" + m.Name + "」（" + m.Why + "）"}
	}
	t := engine.ReportValue(m) // money of 1亿 and more in 亿元, as a report writes it
	if raw {
		t = strings.TrimSuffix(m.Text(), m.Unit)
	}
	return binding{value: t, metric: m.ID, name: m.Name}
}

// fields splits a token's content into words and "quoted strings".
func fields(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("引号不成对")
			}
			out = append(out, s[1:end+1])
			s = s[end+2:]
			continue
		}
		end := strings.IndexAny(s, " \t\"")
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out, nil
}
