package engine

import (
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
)

// ReasonData is what a reason template sees. Numbers come formatted, so that
// {{.Lost}} prints "1" or "0.5", never "0.30000000000000004".
type ReasonData struct {
	Code          string // point code: 第{{.Code}}测评点
	Path          string // how sentences name the point: 第12测评点, or 二级指标3.2第(4)项 in deeper trees
	Title         string // point title
	Label         string // what the rule measures (the metric's name unless the rule says)
	Value         string // the metric's value with its unit
	Threshold     string // the rule's standard value with its unit
	Gap           string // 低于标准值85% / 高于标准值0.5
	Max           string
	Score         string
	Lost          string
	Count         string // deduct: the counted cases
	Schools       string // deduct: the schools counted (names, at most ten, then 等N所)
	Missing       string // checklist: the items not met
	Justification string // manual: the person's justification
	Why           string // uncomputable: why
	Change        string // a rate in %: 增长3.60% / 下降1.14% / 与上年持平
}

// reasonTmpl renders a reason sentence. Nearly every template is text and
// {{.Field}} actions; those render by concatenation (text/template's reflection costs
// more than the rest of a county's scoring). Any other template goes through
// text/template.
type reasonTmpl struct {
	parts []reasonPart // nil when the template needs text/template
	t     *template.Template
}

type reasonPart struct {
	text  string
	field int // index of a ReasonData field, or -1 for text
}

// compileReason parses a reason template, or def when src is empty.
func compileReason(src, def string) (*reasonTmpl, error) {
	t, err := parseReason(src, def)
	if err != nil {
		return nil, err
	}
	return &reasonTmpl{parts: fastParts(t), t: t}, nil
}

// fastParts returns the template as text and field parts, or nil when it has any
// other action.
func fastParts(t *template.Template) []reasonPart {
	var parts []reasonPart
	rt := reflect.TypeFor[ReasonData]()
	for _, n := range t.Tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			parts = append(parts, reasonPart{text: string(n.Text), field: -1})
		case *parse.ActionNode:
			if len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 {
				return nil
			}
			f, ok := n.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
			if !ok || len(f.Ident) != 1 {
				return nil
			}
			sf, ok := rt.FieldByName(f.Ident[0])
			if !ok {
				return nil
			}
			parts = append(parts, reasonPart{field: sf.Index[0]})
		default:
			return nil
		}
	}
	return parts
}

func (r *reasonTmpl) render(d *ReasonData) string {
	if r.parts == nil {
		return TidyReason(render(r.t, d))
	}
	v := reflect.ValueOf(d).Elem()
	var b strings.Builder
	for _, p := range r.parts {
		if p.field < 0 {
			b.WriteString(p.text)
		} else {
			b.WriteString(v.Field(p.field).String())
		}
	}
	return TidyReason(b.String())
}

// parseReason parses a reason template, or def when src is empty.
func parseReason(src, def string) (*template.Template, error) {
	if src == "" {
		src = def
	}
	t, err := template.New("reason").Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, err
	}
	// Execute once against empty data so that a misspelt field ({{.Lots}}) is
	// rejected at load, not discovered when a county loses points.
	if err := t.Execute(io.Discard, &ReasonData{}); err != nil {
		if m := fieldRE.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("没有字段 .%s（可用 %s）", m[1], reasonFields())
		}
		return nil, err
	}
	return t, nil
}

func defaultReason(kind string, verdict bool) string {
	if verdict {
		switch kind {
		case RuleChecklist:
			return "{{.Title}}：未落实{{.Missing}}"
		case RuleManual:
			return "{{.Title}}：{{.Justification}}"
		case RuleDeduct:
			return "{{.Label}}{{.Count}}所{{if .Schools}}（{{.Schools}}）{{end}}"
		}
		return "{{.Label}}为{{.Value}}，{{.Gap}}"
	}
	switch kind {
	case RuleThreshold:
		return "{{.Path}}{{.Label}}为{{.Value}}，{{.Gap}}，扣{{.Lost}}分"
	case RuleLinear:
		return "{{.Path}}{{.Label}}为{{.Value}}，按比例得{{.Score}}分，扣{{.Lost}}分"
	case RuleDeduct:
		return "{{.Path}}{{.Label}}{{.Count}}个{{if .Schools}}（{{.Schools}}）{{end}}，扣{{.Lost}}分"
	case RuleChecklist:
		return "{{.Path}}未落实{{.Missing}}，扣{{.Lost}}分"
	case RuleManual:
		return "{{.Path}}{{.Justification}}，扣{{.Lost}}分"
	}
	return "{{.Path}}扣{{.Lost}}分"
}

func render(t *template.Template, d *ReasonData) string {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		// Templates are checked at compile time against ReasonData; an error here
		// can only be a field the data lacks, so fall back to a plain sentence.
		return d.Path + "扣" + d.Lost + "分"
	}
	return b.String()
}

// gapText says how a value misses a threshold, in an inspector's words.
func gapText(op string, threshold string) string {
	switch op {
	case ">=", ">":
		return "低于标准值" + threshold
	case "<=", "<":
		return "高于标准值" + threshold
	}
	return "不等于标准值" + threshold
}

// fmtNum formats a number with at most two decimals and no trailing zeros.
func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "无法计算"
	}
	r := math.Round(v*100) / 100
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// FormatValue formats a value with its unit: decimals places (nil: a default by unit),
// percent as "85.3%", counts without decimals.
func FormatValue(v float64, unit string, decimals *int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "无法计算"
	}
	return FormatNumber(v, unit, decimals) + unit
}

// FormatNumber is FormatValue without the unit, for a table whose column header
// states it: "3681.83" for 元, "12,345.68" for ㎡, "45" for 人.
func FormatNumber(v float64, unit string, decimals *int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "无法计算"
	}
	d := 2
	switch unit {
	case "%":
		d = 1
	case "所", "个", "人", "间", "册", "台", "元", "项":
		if v == math.Trunc(v) {
			d = 0
		}
	case "":
		d = 3
	}
	if decimals != nil {
		d = *decimals
	}
	s := strconv.FormatFloat(v, 'f', d, 64)
	if s == "-0" || strings.Trim(s, "-0.") == "" && strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	return GroupDigits(s)
}

// joinCN joins with the Chinese enumeration comma.
func joinCN(items []string) string { return strings.Join(items, "、") }

var fieldRE = regexp.MustCompile(`can't evaluate field (\w+)`)

// reasonFields lists the fields a reason template may use.
func reasonFields() string {
	t := reflect.TypeFor[ReasonData]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = "." + t.Field(i).Name
	}
	return strings.Join(names, " ")
}

// formatPair formats a value and the standard it is compared with. When the value
// differs from the standard but would print the same ("100.0%" for 99.96% against
// 100%), it gets more decimals, up to four, so a reason never says a county missed a
// standard by showing the standard itself.
func formatPair(v, t float64, unit string, decimals *int) (string, string) {
	vs, ts := FormatValue(v, unit, decimals), FormatValue(t, unit, decimals)
	if v == t || vs != ts {
		return vs, ts
	}
	d := 0
	if decimals != nil {
		d = *decimals
	}
	for d < 4 && vs == ts {
		d++
		vs = FormatValue(v, unit, &d)
	}
	return vs, ts
}
