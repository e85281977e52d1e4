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
)

// ReasonData is what a reason template sees. Numbers come formatted, so that
// {{.Lost}} prints "1" or "0.5", never "0.30000000000000004".
type ReasonData struct {
	Code          string // point code: 第{{.Code}}测评点
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
		return "第{{.Code}}测评点{{.Label}}为{{.Value}}，{{.Gap}}，扣{{.Lost}}分"
	case RuleLinear:
		return "第{{.Code}}测评点{{.Label}}为{{.Value}}，按比例得{{.Score}}分，扣{{.Lost}}分"
	case RuleDeduct:
		return "第{{.Code}}测评点{{.Label}}{{.Count}}个{{if .Schools}}（{{.Schools}}）{{end}}，扣{{.Lost}}分"
	case RuleChecklist:
		return "第{{.Code}}测评点未落实{{.Missing}}，扣{{.Lost}}分"
	case RuleManual:
		return "第{{.Code}}测评点{{.Justification}}，扣{{.Lost}}分"
	}
	return "第{{.Code}}测评点扣{{.Lost}}分"
}

func render(t *template.Template, d *ReasonData) string {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		// Templates are checked at compile time against ReasonData; an error here
		// can only be a field the data lacks, so fall back to a plain sentence.
		return "第" + d.Code + "测评点扣" + d.Lost + "分"
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
	d := 2
	switch unit {
	case "%":
		d = 1
	case "所", "个", "人", "间", "元", "项":
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
	return s + unit
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
