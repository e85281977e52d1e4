package survey

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rules are the thresholds of the anomaly flags. A flag marks a response for a
// person to look at; nothing is excluded without one.
type Rules struct {
	BurstWindow   time.Duration // the window bursts are counted in
	BurstLink     int           // more responses than this through one link in a window
	BurstNetwork  int           // more responses than this from one network in a window
	ReadingRate   float64       // characters a second: faster than the questions can be read
	StraightItems int           // at least this many satisfaction answers, all the same
	SamePattern   int           // at least this many responses with one answer pattern
	SchoolFactor  float64       // a school's share of responses over its share of enrolment
	SchoolMin     int           // … with at least this many responses
}

// DefaultRules are the thresholds used unless a round sets others.
var DefaultRules = Rules{BurstWindow: time.Minute, BurstLink: 30, BurstNetwork: 10, ReadingRate: 15,
	StraightItems: 8, SamePattern: 5, SchoolFactor: 2, SchoolMin: 10}

// Flag rules.
const (
	FlagBurstLink    = "burst_link"
	FlagBurstNetwork = "burst_network"
	FlagTooFast      = "too_fast"
	FlagStraight     = "straight"
	FlagSamePattern  = "same_pattern"
	FlagSchoolOver   = "school_over"
)

// FlagNames are the rules in Chinese.
var FlagNames = map[string]string{
	FlagBurstLink: "同一链接短时集中提交", FlagBurstNetwork: "同一网络短时集中提交", FlagTooFast: "作答过快",
	FlagStraight: "全部选同一项", FlagSamePattern: "答案完全雷同", FlagSchoolOver: "学校答卷占比过高",
}

// Flag is why a response looks suspicious.
type Flag struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// Flags applies every rule to the responses and returns the flags by response id.
// enrolment is the students of each school (by code) the round samples.
func (f *File) Flags(rs []Response, rules Rules, enrolment map[string]int64) map[int64][]Flag {
	out := map[int64][]Flag{}
	add := func(id int64, rule, reason string) {
		for _, fl := range out[id] {
			if fl.Rule == rule {
				return
			}
		}
		out[id] = append(out[id], Flag{rule, reason})
	}
	bursts(rs, rules.BurstWindow, rules.BurstLink, func(r *Response) string {
		if r.Link == 0 {
			return ""
		}
		return strconv.FormatInt(r.Link, 10)
	}, func(id int64, n int) {
		add(id, FlagBurstLink, fmt.Sprintf("同一链接在%s内提交%d份", dur(rules.BurstWindow), n))
	})
	bursts(rs, rules.BurstWindow, rules.BurstNetwork, func(r *Response) string { return r.Network }, func(id int64, n int) {
		add(id, FlagBurstNetwork, fmt.Sprintf("同一网络在%s内提交%d份", dur(rules.BurstWindow), n))
	})
	for i := range rs {
		r := &rs[i]
		if reason := f.tooFast(r, rules.ReadingRate); reason != "" {
			add(r.ID, FlagTooFast, reason)
		}
		if reason := f.straight(r, rules.StraightItems); reason != "" {
			add(r.ID, FlagStraight, reason)
		}
	}
	f.samePatterns(rs, rules.SamePattern, add)
	schoolOver(rs, rules, enrolment, add)
	return out
}

func dur(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d分钟", int(d/time.Minute))
	}
	return fmt.Sprintf("%d秒", int(d/time.Second))
}

// bursts flags every response of a window of length w in which more than max
// responses share a key.
func bursts(rs []Response, w time.Duration, max int, key func(*Response) string, flag func(id int64, n int)) {
	if max <= 0 || w <= 0 {
		return
	}
	byKey := map[string][]*Response{}
	for i := range rs {
		if k := key(&rs[i]); k != "" {
			byKey[k] = append(byKey[k], &rs[i])
		}
	}
	for _, list := range byKey {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Submitted.Before(list[j].Submitted) })
		lo := 0
		for hi := range list {
			for list[hi].Submitted.Sub(list[lo].Submitted) > w {
				lo++
			}
			if n := hi - lo + 1; n > max {
				for k := lo; k <= hi; k++ {
					flag(list[k].ID, n)
				}
			}
		}
	}
}

// ReadingFloor is the least time in which the questions a response answered can be
// read at rate characters a second.
func (f *File) ReadingFloor(r *Response, rate float64) time.Duration {
	q := f.Questionnaire(r.Questionnaire)
	if q == nil || rate <= 0 {
		return 0
	}
	chars := 0
	for _, qu := range q.Questions {
		if _, ok := r.Answers[qu.ID]; ok {
			chars += utf8.RuneCountInString(qu.Text)
		}
	}
	return time.Duration(float64(chars) / rate * float64(time.Second))
}

func (f *File) tooFast(r *Response, rate float64) string {
	if r.Started.IsZero() || r.Submitted.IsZero() {
		return ""
	}
	took, floor := r.Submitted.Sub(r.Started), f.ReadingFloor(r, rate)
	if took >= floor {
		return ""
	}
	return fmt.Sprintf("用时%d秒，少于读完题目所需的%d秒", int(took.Seconds()), int(floor.Seconds()+0.5))
}

func (f *File) straight(r *Response, min int) string {
	q := f.Questionnaire(r.Questionnaire)
	if q == nil || min <= 0 {
		return ""
	}
	n, first := 0, -1
	for _, qu := range q.Questions {
		a, ok := r.Answers[qu.ID]
		if !ok || !qu.Counted() || a.Choice == nil {
			continue
		}
		if first >= 0 && *a.Choice != first {
			return ""
		}
		first = *a.Choice
		n++
	}
	if n < min {
		return ""
	}
	return fmt.Sprintf("%d道满意度题全部选「%s」", n, f.scaleLabel(first))
}

// pattern is a response's answers but open text, as one string.
func pattern(r *Response) string {
	ids := make([]string, 0, len(r.Answers))
	for id, a := range r.Answers {
		if a.Choice != nil || len(a.Choices) > 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var b strings.Builder
	b.WriteString(r.Questionnaire)
	for _, id := range ids {
		a := r.Answers[id]
		b.WriteString(";" + id + "=")
		if a.Choice != nil {
			b.WriteString(strconv.Itoa(*a.Choice))
		}
		for _, c := range a.Choices {
			b.WriteString("," + strconv.Itoa(c))
		}
	}
	return b.String()
}

func (f *File) samePatterns(rs []Response, min int, add func(int64, string, string)) {
	if min <= 1 {
		return
	}
	byPattern := map[string][]int64{}
	for i := range rs {
		if len(rs[i].Answers) >= 3 {
			p := pattern(&rs[i])
			byPattern[p] = append(byPattern[p], rs[i].ID)
		}
	}
	for _, ids := range byPattern {
		if len(ids) < min {
			continue
		}
		for _, id := range ids {
			add(id, FlagSamePattern, fmt.Sprintf("与另外%d份答卷的全部选择完全相同", len(ids)-1))
		}
	}
}

// schoolOver flags the responses of a school whose share of the school-based
// responses is more than SchoolFactor times its share of the enrolment.
func schoolOver(rs []Response, rules Rules, enrolment map[string]int64, add func(int64, string, string)) {
	var students int64
	for _, n := range enrolment {
		students += n
	}
	count, total := map[string]int{}, 0
	for i := range rs {
		if _, ok := enrolment[rs[i].School]; ok {
			count[rs[i].School]++
			total++
		}
	}
	if students == 0 || total == 0 || rules.SchoolFactor <= 0 {
		return
	}
	for id, n := range count {
		share, enrol := float64(n)/float64(total), float64(enrolment[id])/float64(students)
		if n < rules.SchoolMin || share <= rules.SchoolFactor*enrol {
			continue
		}
		reason := fmt.Sprintf("该校答卷占各校答卷的%.1f%%，在校生仅占%.1f%%", share*100, enrol*100)
		for i := range rs {
			if rs[i].School == id {
				add(rs[i].ID, FlagSchoolOver, reason)
			}
		}
	}
}
