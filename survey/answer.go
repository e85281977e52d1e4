package survey

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Answer is the answer to one question: a scale question's label (0 is the best,
// len(labels) is 不了解), a choice question's option, a multiple choice's options,
// or open text.
type Answer struct {
	Choice  *int   `json:"c,omitempty"`
	Choices []int  `json:"m,omitempty"`
	Text    string `json:"t,omitempty"`
}

// Answers are a response's answers by question id.
type Answers map[string]Answer

// MaxText bounds an open answer (characters).
const MaxText = 500

// Pick is a helper for a single-choice answer.
func Pick(i int) Answer { return Answer{Choice: &i} }

// Response is one person's answers with what the result and the anomaly rules
// need to know about them.
type Response struct {
	ID            int64
	Questionnaire string // the short id in its file
	Group         string
	School        string // the school's code; "" when not at a school
	SchoolName    string
	Area          string // 城区, 镇区, 乡村; "" when unknown
	Link          int64  // 0 for imported answers
	Network       string // a keyed hash of the network, for bursts
	Started       time.Time
	Submitted     time.Time
	Answers       Answers
	Excluded      bool
}

// EncodeAnswers is the stored form of answers.
func EncodeAnswers(a Answers) ([]byte, error) { return json.Marshal(a) }

// DecodeAnswers reads stored answers.
func DecodeAnswers(b []byte) (Answers, error) {
	var a Answers
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	return a, nil
}

// CheckAnswers validates answers to questionnaire q by a member of group: every
// required question answered, nothing else, every value in range. Errors are in
// Chinese, naming the question.
func (f *File) CheckAnswers(q *Questionnaire, group string, a Answers) error {
	known := map[string]bool{}
	for i := range q.Questions {
		qu := &q.Questions[i]
		if !qu.AskedOf(group) {
			continue
		}
		known[qu.ID] = true
		ans, ok := a[qu.ID]
		if !ok {
			if qu.Optional {
				continue
			}
			return fmt.Errorf("第%d题「%s」尚未作答", i+1, short(qu.Text))
		}
		if err := f.checkAnswer(qu, ans); err != nil {
			return fmt.Errorf("第%d题「%s」：%w", i+1, short(qu.Text), err)
		}
	}
	for id := range a {
		if !known[id] {
			return fmt.Errorf("问卷中没有题目「%s」", id)
		}
	}
	return nil
}

func (f *File) checkAnswer(qu *Question, a Answer) error {
	switch qu.Kind {
	case KindScale, KindChoice:
		n := len(qu.Options)
		if qu.Kind == KindScale {
			n = len(f.Scale.Labels)
			if f.Scale.Unknown != "" {
				n++
			}
		}
		if a.Choice == nil || *a.Choice < 0 || *a.Choice >= n || a.Choices != nil || a.Text != "" {
			return fmt.Errorf("应选择一个选项")
		}
	case KindMulti:
		if a.Choice != nil || a.Text != "" || len(a.Choices) == 0 {
			return fmt.Errorf("应至少选择一个选项")
		}
		seen := map[int]bool{}
		for _, c := range a.Choices {
			if c < 0 || c >= len(qu.Options) || seen[c] {
				return fmt.Errorf("选项无效")
			}
			seen[c] = true
		}
	case KindText:
		if a.Choice != nil || a.Choices != nil || !utf8.ValidString(a.Text) {
			return fmt.Errorf("应填写文字")
		}
		if utf8.RuneCountInString(a.Text) > MaxText {
			return fmt.Errorf("不能超过%d字", MaxText)
		}
	}
	return nil
}

// short is the start of a question's text, for messages.
func short(s string) string {
	if utf8.RuneCountInString(s) <= 16 {
		return s
	}
	r := []rune(s)
	return string(r[:15]) + "…"
}

// AnswerText is an answer as a person reads it.
func (f *File) AnswerText(qu *Question, a Answer) string {
	switch qu.Kind {
	case KindScale:
		if a.Choice != nil {
			return f.scaleLabel(*a.Choice)
		}
	case KindChoice:
		if a.Choice != nil && *a.Choice < len(qu.Options) {
			return qu.Options[*a.Choice]
		}
	case KindMulti:
		var parts []string
		for _, c := range a.Choices {
			if c < len(qu.Options) {
				parts = append(parts, qu.Options[c])
			}
		}
		return strings.Join(parts, "┋")
	case KindText:
		return a.Text
	}
	return ""
}

func (f *File) scaleLabel(i int) string {
	if i < len(f.Scale.Labels) {
		return f.Scale.Labels[i]
	}
	return f.Scale.Unknown
}

// ScaleOptions are the answers of a scale question in order, 不了解 last.
func (f *File) ScaleOptions() []string {
	out := slices.Clone(f.Scale.Labels)
	if f.Scale.Unknown != "" {
		out = append(out, f.Scale.Unknown)
	}
	return out
}

// Options are the answers a question offers.
func (f *File) Options(qu *Question) []string {
	if qu.Kind == KindScale {
		return f.ScaleOptions()
	}
	return qu.Options
}
