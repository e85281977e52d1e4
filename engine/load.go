package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a framework file, at a line of it.
type Problem struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Msg  string `json:"msg"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return p.File + ": " + p.Msg
}

// FrameworkError lists every problem found in a framework file.
type FrameworkError struct {
	Problems []Problem
}

func (e *FrameworkError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "评价体系文件有误:\n  " + strings.Join(lines, "\n  ")
}

// MaxFrameworkSize bounds a framework file; real ones are a few tens of KiB.
const MaxFrameworkSize = 4 << 20

// Parse reads a framework from YAML. It checks the syntax and the shape (unknown
// keys are errors, so a misspelt key is not silently ignored) and records the line of
// every item; Compile checks the meaning.
func Parse(file string, data []byte) (*Framework, error) {
	if len(data) > MaxFrameworkSize {
		return nil, &FrameworkError{[]Problem{{File: file, Msg: fmt.Sprintf("文件过大（超过%d字节）", MaxFrameworkSize)}}}
	}
	var fw Framework
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FrameworkError{[]Problem{{File: file, Msg: "文件为空"}}}
		}
		return nil, &FrameworkError{yamlProblems(file, err)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &FrameworkError{yamlProblems(file, err)}
	}
	fw.File = file
	assignLines(&fw, &root)
	return &fw, nil
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblems turns the YAML library's errors into located problems in Chinese.
func yamlProblems(file string, err error) []Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var ps []Problem
	for _, m := range msgs {
		p := Problem{File: file, Msg: "YAML 格式错误: " + m}
		if s := yamlLineRE.FindStringSubmatch(m); s != nil {
			p.Line, _ = strconv.Atoi(s[1])
			// yaml.v3 reports parser errors (all "did not find expected …") at the
			// 0-based line of the enclosing flow or block, one line early;
			// scanner errors are already 1-based.
			if strings.HasPrefix(s[2], "did not find expected") {
				p.Line++
			}
			p.Msg = "YAML 格式错误: " + translateYAML(s[2])
		}
		ps = append(ps, p)
	}
	return ps
}

func translateYAML(m string) string {
	if strings.HasPrefix(m, "did not find expected") {
		return "括号或缩进不匹配（" + m + "）"
	}
	if strings.HasPrefix(m, "field ") && strings.Contains(m, " not found in type") {
		name := strings.TrimPrefix(m, "field ")
		name = name[:strings.Index(name, " not found")]
		return "未知的键「" + name + "」"
	}
	return m
}

// assignLines walks the YAML node tree beside the decoded struct to record the line
// of every item that later checks may need to point at.
func assignLines(fw *Framework, root *yaml.Node) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	for i, n := range seq(doc, "filters") {
		if i < len(fw.Filters) {
			fw.Filters[i].Line = n.Line
		}
	}
	for i, n := range seq(doc, "school_metrics") {
		if i < len(fw.SchoolMetrics) {
			fw.SchoolMetrics[i].Line = n.Line
		}
	}
	for i, n := range seq(doc, "school_checks") {
		if i < len(fw.SchoolChecks) {
			fw.SchoolChecks[i].Line = n.Line
		}
	}
	for i, n := range seq(doc, "metrics") {
		if i < len(fw.Metrics) {
			fw.Metrics[i].Line = n.Line
		}
	}
	for i, n := range seq(doc, "vetoes") {
		if i < len(fw.Vetoes) {
			fw.Vetoes[i].Line = n.Line
		}
	}
	for i, an := range seq(doc, "areas") {
		if i < len(fw.Areas) {
			fw.Areas[i].Line = an.Line
			pointLines(fw.Areas[i].Points, seq(an, "points"))
			groupLines(fw.Areas[i].Groups, seq(an, "groups"))
		}
	}
	reportLines(fw, doc)
	if b := child(doc, "bonus"); b != nil && fw.Bonus != nil {
		fw.Bonus.Line = b.Line
		pointLines(fw.Bonus.Items, seq(b, "items"))
	}
}

func groupLines(gs []Group, nodes []*yaml.Node) {
	for j, gn := range nodes {
		if j >= len(gs) {
			return
		}
		gs[j].Line = gn.Line
		pointLines(gs[j].Points, seq(gn, "points"))
		groupLines(gs[j].Groups, seq(gn, "groups"))
	}
}

func pointLines(ps []Point, nodes []*yaml.Node) {
	for j, pn := range nodes {
		if j >= len(ps) {
			return
		}
		ps[j].Line = pn.Line
		for k, rn := range seq(pn, "rules") {
			if k < len(ps[j].Rules) {
				ps[j].Rules[k].Line = rn.Line
			}
		}
	}
}

// child returns the value node of key in mapping node m, or nil.
func child(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// seq returns the items of the sequence under key in mapping node m.
func seq(m *yaml.Node, key string) []*yaml.Node {
	s := child(m, key)
	if s == nil || s.Kind != yaml.SequenceNode {
		return nil
	}
	return s.Content
}
