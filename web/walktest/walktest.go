// Package walktest is test support for the walks over every page of the web
// application: it knows the program's own ASCII identifiers (metric, element and
// checklist item ids, framework ids, workflow states, audit action names and the
// audit records' JSON keys) and finds them in what a page shows its reader. The web
// package walks its fixture with it, cmd/ziping the demo's database.
//
// What a user reads is the page's text without markup and attributes, and without
// what is inside code, pre, details (a toggle), textarea, script, style, template
// and noscript elements.
package walktest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/net/html"

	"ziping"
	"ziping/engine"
	"ziping/survey"
)

// Identifiers are the program's own ASCII identifiers, each with what it is.
type Identifiers map[string]string

// lower is a letter a program identifier has; codes such as 990102 or V1 are no
// identifiers.
var lower = regexp.MustCompile(`[a-z]`)

// Add adds an identifier of three or more characters with a lower-case letter.
func (ids Identifiers) Add(id, what string) {
	if len(id) >= 3 && lower.MatchString(id) {
		ids[id] = what
	}
}

// AddFramework adds a framework's id, its metrics' ids and its checklist items' ids.
func (ids Identifiers) AddFramework(fw *engine.Framework) {
	ids.Add(fw.ID, "framework id")
	for _, m := range fw.Metrics {
		ids.Add(m.ID, "metric id")
	}
	for _, a := range fw.Areas {
		for _, p := range a.Points {
			for _, r := range p.Rules {
				for _, it := range r.Items {
					ids.Add(it.ID, "checklist item id")
				}
			}
		}
	}
}

// AddSurvey adds a survey file's id and its questionnaires' and questions' ids.
func (ids Identifiers) AddSurvey(f *survey.File) {
	ids.Add(f.ID, "survey file id")
	for i := range f.Questionnaires {
		q := &f.Questionnaires[i]
		ids.Add(q.ID, "questionnaire id")
		ids.Add(f.QuestionnaireID(q), "questionnaire id")
		for _, qu := range q.Questions {
			ids.Add(qu.ID, "question id")
		}
	}
}

// AddModel adds the data elements of schools and units, the workflow states of
// assessments and problems, and the address the audit trail gives the system's own
// command-line actions (cli).
func (ids Identifiers) AddModel() {
	ids.Add(ziping.System.IP, "the command line's address in the audit trail")
	for _, els := range [][]engine.Element{engine.SchoolElements, engine.UnitElements} {
		for _, e := range els {
			ids.Add(e.ID, "element id")
		}
	}
	for _, names := range []map[string]string{ziping.StatusNames, ziping.ProblemStatusNames} {
		for k := range names {
			ids.Add(k, "state")
		}
	}
}

// AddAudit adds the audit trail's action names and the JSON keys of its records.
func (ids Identifiers) AddAudit(entries []ziping.AuditEntry) {
	for _, e := range entries {
		ids.Add(e.Action, "audit action")
		for _, k := range AuditKeys(e) {
			ids.Add(k, "audit field")
		}
	}
}

// AuditKeys are the top-level JSON keys of an audit entry's old and new records.
func AuditKeys(e ziping.AuditEntry) []string {
	var out []string
	for _, raw := range []string{e.Old, e.New} {
		var m map[string]any
		if json.Unmarshal([]byte(raw), &m) == nil {
			for k := range m {
				out = append(out, k)
			}
		}
	}
	return out
}

// unnamed are the words the pages use for an audit action or field that has no
// Chinese name yet: the raw word is hidden, and the name is missing.
var unnamed = []string{"其他操作", "其他字段"}

// vetoAsPoint is a veto called by its code (测评点V1, 否决项V1): it is 否决项1.
var vetoAsPoint = regexp.MustCompile(`(测评点|否决项)\s*V\d+`)

// bonusAsPoint is a bonus item called by its code (测评点J1, 加分项J1): it is 加分项1.
var bonusAsPoint = regexp.MustCompile(`(测评点|加分项)\s*J\d+`)

// asciiToken is an identifier-like run of ASCII in text.
var asciiToken = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]`)

// skipped are the elements whose text a reader does not see, or sees as code or
// behind a toggle.
var skipped = []string{"code", "pre", "details", "textarea", "script", "style", "template", "noscript"}

// Visible is the text a user reads on a page, its text nodes joined by spaces.
func Visible(page string) (string, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && slices.Contains(skipped, n.Data) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String(), nil
}

// VisibleTokens are the ASCII tokens of the text a user reads on a page, and the
// parts of a token with slashes (primary/cv.x).
func VisibleTokens(page string) ([]string, error) {
	text, err := Visible(page)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, tok := range asciiToken.FindAllString(text, -1) {
		out = append(out, tok)
		for _, part := range strings.FieldsFunc(tok, func(r rune) bool { return r == '/' }) {
			if part != tok {
				out = append(out, part)
			}
		}
	}
	return out, nil
}

// Findings collects what pages show that they should not: for each kind of leak,
// up to three places where it shows.
type Findings struct {
	ids    Identifiers
	places map[string][]string
	Pages  int // pages checked
}

// NewFindings checks pages against the identifiers.
func NewFindings(ids Identifiers) *Findings {
	return &Findings{ids: ids, places: map[string][]string{}}
}

// Check looks at one page, shown at where (a role and a path), and records every
// identifier it shows its reader, a veto named as a point, and an audit action or
// field shown without its Chinese name.
func (f *Findings) Check(where, page string) error {
	f.Pages++
	text, err := Visible(page)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if m := vetoAsPoint.FindString(text); m != "" {
		f.add("veto named as a point ("+m+")", where)
	}
	if m := bonusAsPoint.FindString(text); m != "" {
		f.add("bonus item named by its code ("+m+")", where)
	}
	for _, w := range unnamed {
		if strings.Contains(text, w) {
			f.add("an audit action or field without a Chinese name ("+w+")", where)
		}
	}
	toks, err := VisibleTokens(page)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	for _, tok := range toks {
		if what, ok := f.ids[tok]; ok {
			f.add(fmt.Sprintf("%s (%s)", tok, what), where)
		}
	}
	return nil
}

func (f *Findings) add(key, where string) {
	if len(f.places[key]) < 3 && !slices.Contains(f.places[key], where) {
		f.places[key] = append(f.places[key], where)
	}
}

// Leaks are the findings, one line each: what shows and where, sorted.
func (f *Findings) Leaks() []string {
	keys := make([]string, 0, len(f.places))
	for k := range f.places {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + " shown on " + strings.Join(f.places[k], ", ")
	}
	return out
}

// Fill is the paths of a route pattern ("/units/{code}/score") with every
// combination of the values of its parameters; a pattern with a parameter that has
// no values gives no path. A trailing {$} is dropped.
func Fill(pattern string, values map[string][]string) []string {
	out := []string{strings.TrimSuffix(pattern, "{$}")}
	for {
		i := strings.Index(out[0], "{")
		if i < 0 {
			return out
		}
		j := strings.Index(out[0][i:], "}")
		if j < 0 {
			return out
		}
		param := out[0][i+1 : i+j]
		var next []string
		for _, p := range out {
			for _, v := range values[param] {
				next = append(next, strings.ReplaceAll(p, "{"+param+"}", v))
			}
		}
		if len(next) == 0 {
			return nil
		}
		out = next
	}
}
