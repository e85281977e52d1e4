package survey

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

// File is a survey file: how one framework's 社会认可度 is measured. It names the
// respondent groups with their share of the sample, the questionnaires each group
// answers, the answer scale, how the figure is computed and the sample plan's rule.
// Built-in files are embedded (builtin/*.yaml); admins upload new versions.
type File struct {
	ID             string          `yaml:"id" json:"id"`
	Version        string          `yaml:"version" json:"version"`
	Name           string          `yaml:"name" json:"name"`
	Framework      string          `yaml:"framework" json:"framework"`
	Element        string          `yaml:"element" json:"element"` // the unit fact it measures
	Threshold      float64         `yaml:"threshold,omitempty" json:"threshold,omitempty"`
	Note           string          `yaml:"note,omitempty" json:"note,omitempty"`
	Scale          Scale           `yaml:"scale" json:"scale"`
	Computation    Computation     `yaml:"computation" json:"computation"`
	Plan           PlanRule        `yaml:"plan" json:"plan"`
	Groups         []Group         `yaml:"groups" json:"groups"`
	Questionnaires []Questionnaire `yaml:"questionnaires" json:"questionnaires"`

	Source string `yaml:"-" json:"-"` // the file name, for errors
}

// Scale is the five answers of a satisfaction question, best first, and the answer
// of someone who cannot judge (不了解), which may be left out.
type Scale struct {
	Labels  []string `yaml:"labels" json:"labels"`
	Unknown string   `yaml:"unknown,omitempty" json:"unknown,omitempty"`
}

// Computation methods.
const (
	MethodTop2  = "top2_share"      // the share of the two best answers
	MethodMean  = "likert_mean_100" // the mean of 5…1 times 20
	MethodValue = "value_map"       // the mean of a value per answer
)

// Methods are the computation methods, in the order results show them.
var Methods = []string{MethodTop2, MethodMean, MethodValue}

// MethodNames are the methods in Chinese.
var MethodNames = map[string]string{MethodTop2: "满意与比较满意占比", MethodMean: "李克特均值折百分", MethodValue: "赋值平均"}

// Computation says which convention is the headline figure; every convention is
// always computed and shown beside it.
type Computation struct {
	Method               string             `yaml:"method" json:"method"`
	Values               []float64          `yaml:"values,omitempty" json:"values,omitempty"` // value_map: one per label
	UnknownInDenominator bool               `yaml:"unknown_in_denominator,omitempty" json:"unknown_in_denominator,omitempty"`
	Weights              map[string]float64 `yaml:"weights,omitempty" json:"weights,omitempty"` // by group; none: every respondent alike
}

// PlanRule is how large the sample must be: a per-mille of the resident
// population, or a size per population band.
type PlanRule struct {
	PerMille float64 `yaml:"per_mille,omitempty" json:"per_mille,omitempty"`
	Minimum  int     `yaml:"minimum,omitempty" json:"minimum,omitempty"`
	Bands    []Band  `yaml:"bands,omitempty" json:"bands,omitempty"`
	Source   string  `yaml:"source,omitempty" json:"source,omitempty"`
}

// Band is a sample size for populations below Below (the last band has none).
type Band struct {
	Below int64 `yaml:"below,omitempty" json:"below,omitempty"`
	Size  int   `yaml:"size" json:"size"`
}

// Where the members of a school-based group are sampled.
const (
	AtSchools       = "school"       // 中小学
	AtKindergartens = "kindergarten" // 幼儿园
)

// Group is a kind of respondent with its share of the sample (percent).
type Group struct {
	ID            string  `yaml:"id" json:"id"`
	Name          string  `yaml:"name" json:"name"`
	Share         float64 `yaml:"share" json:"share"`
	AtLeast       bool    `yaml:"at_least,omitempty" json:"at_least,omitempty"`
	Schools       string  `yaml:"schools,omitempty" json:"schools,omitempty"`
	Questionnaire string  `yaml:"questionnaire" json:"questionnaire"`
	Line          int     `yaml:"-" json:"-"`
}

// Questionnaire is one paper (社会卷, 学生卷 …): its questions.
type Questionnaire struct {
	ID        string     `yaml:"id" json:"id"`
	Name      string     `yaml:"name" json:"name"`
	Title     string     `yaml:"title" json:"title"`
	Intro     string     `yaml:"intro,omitempty" json:"intro,omitempty"`
	Questions []Question `yaml:"questions" json:"questions"`
	Line      int        `yaml:"-" json:"-"`
}

// Question kinds.
const (
	KindScale  = "scale"  // one of the scale's labels (and 不了解)
	KindChoice = "choice" // one of Options
	KindMulti  = "multi"  // any of Options
	KindText   = "text"   // open text
)

// Question is one question. A scale question counts toward 认可度 unless Counts is
// false; Groups limits it to some groups of its questionnaire.
type Question struct {
	ID       string   `yaml:"id" json:"id"`
	Text     string   `yaml:"text" json:"text"`
	Kind     string   `yaml:"kind" json:"kind"`
	Options  []string `yaml:"options,omitempty" json:"options,omitempty"`
	Counts   *bool    `yaml:"counts,omitempty" json:"counts,omitempty"`
	Groups   []string `yaml:"groups,omitempty" json:"groups,omitempty"`
	Optional bool     `yaml:"optional,omitempty" json:"optional,omitempty"`
	Line     int      `yaml:"-" json:"-"`
}

// Counted reports whether the question's answers count toward 认可度.
func (q *Question) Counted() bool { return q.Kind == KindScale && (q.Counts == nil || *q.Counts) }

// AskedOf reports whether members of group answer q.
func (q *Question) AskedOf(group string) bool {
	if len(q.Groups) == 0 {
		return true
	}
	for _, g := range q.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// QuestionnaireID is the id people name a questionnaire by: the file's id and the
// questionnaire's, yzjh-2017-social.
func (f *File) QuestionnaireID(q *Questionnaire) string { return f.ID + "-" + q.ID }

// Questionnaire returns the questionnaire with the short id, or nil.
func (f *File) Questionnaire(id string) *Questionnaire {
	for i := range f.Questionnaires {
		if f.Questionnaires[i].ID == id {
			return &f.Questionnaires[i]
		}
	}
	return nil
}

// Group returns the group with id, or nil.
func (f *File) Group(id string) *Group {
	for i := range f.Groups {
		if f.Groups[i].ID == id {
			return &f.Groups[i]
		}
	}
	return nil
}

// GroupsOf lists the groups that answer questionnaire q.
func (f *File) GroupsOf(q string) []Group {
	var out []Group
	for _, g := range f.Groups {
		if g.Questionnaire == q {
			out = append(out, g)
		}
	}
	return out
}

// Problem is one thing wrong with a survey file, at a line of it.
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

// FileError lists every problem found in a survey file.
type FileError struct{ Problems []Problem }

func (e *FileError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "问卷文件有误:\n  " + strings.Join(lines, "\n  ")
}

// MaxFileSize bounds a survey file: real ones are a few KiB.
const MaxFileSize = 1 << 20

// Parse reads and checks a survey file. Unknown keys are errors; every problem is
// reported with its line, in Chinese.
func Parse(name string, data []byte) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, &FileError{[]Problem{{File: name, Msg: fmt.Sprintf("文件过大（超过%d字节）", MaxFileSize)}}}
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FileError{[]Problem{{File: name, Msg: "文件为空"}}}
		}
		return nil, &FileError{yamlProblems(name, err)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &FileError{yamlProblems(name, err)}
	}
	f.Source = name
	assignLines(&f, &root)
	if ps := check(&f); len(ps) > 0 {
		return nil, &FileError{ps}
	}
	return &f, nil
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

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
			p.Msg = "YAML 格式错误: " + s[2]
			if strings.HasPrefix(s[2], "field ") && strings.Contains(s[2], " not found in type") {
				key := strings.TrimPrefix(s[2], "field ")
				p.Msg = "未知的键「" + key[:strings.Index(key, " not found")] + "」"
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// assignLines records the line of every group, questionnaire and question.
func assignLines(f *File, root *yaml.Node) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	for i, n := range seq(doc, "groups") {
		if i < len(f.Groups) {
			f.Groups[i].Line = n.Line
		}
	}
	for i, n := range seq(doc, "questionnaires") {
		if i >= len(f.Questionnaires) {
			break
		}
		f.Questionnaires[i].Line = n.Line
		for j, qn := range seq(n, "questions") {
			if j < len(f.Questionnaires[i].Questions) {
				f.Questionnaires[i].Questions[j].Line = qn.Line
			}
		}
	}
}

func seq(m *yaml.Node, key string) []*yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			return m.Content[i+1].Content
		}
	}
	return nil
}
