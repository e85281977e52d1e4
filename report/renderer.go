package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"ziping"
	"ziping/docx"
	"ziping/engine"
)

// Renderer is the ziping.Reporter the services use: it builds the report of an
// evaluated unit with its narrative, lists what keeps it from being submitted and
// writes it in any output format.
type Renderer struct{}

var _ ziping.Reporter = Renderer{}

// build builds the report; values the data cannot give are not an error here, they
// are issues.
func build(fw *engine.Framework, res *engine.Result, narrative []byte, meta ziping.ReportMeta) (*Report, error) {
	opt := BuildOptions{Issuer: meta.Issuer, Date: meta.Date, MetricURL: meta.MetricURL, Parent: meta.Parent,
		Recipient: meta.Recipient, Layout: meta.Layout}
	for _, it := range meta.Plan {
		opt.Plan = append(opt.Plan, PlanItem{Title: it.Title, Problem: it.Problem, Measures: it.Measures, Owner: it.Owner, Deadline: it.Deadline})
	}
	r, err := Build(res, fw, narrative, opt)
	var be BindErrors
	if err != nil && !errors.As(err, &be) {
		return nil, err
	}
	return r, nil
}

// Issues lists the report's lint findings (Report.Lint), each at its place in the
// narrative (line 0: in what ziping wrote itself).
func (Renderer) Issues(fw *engine.Framework, res *engine.Result, narrative []byte, meta ziping.ReportMeta) ([]ziping.ReportIssue, error) {
	r, err := build(fw, res, narrative, meta)
	if err != nil {
		return nil, err
	}
	var out []ziping.ReportIssue
	for _, is := range placeIssues(r.Lint(), narrative, r.Unbound) {
		out = append(out, ziping.ReportIssue{Section: is.Section, Line: is.Line, Col: is.Col, Kind: is.Kind, Text: is.Text, Context: is.Context})
	}
	return out, nil
}

// Write renders the report as docx, pdf, html or md.
func (Renderer) Write(ctx context.Context, w io.Writer, format string, fw *engine.Framework, res *engine.Result, narrative []byte, meta ziping.ReportMeta) error {
	r, err := build(fw, res, narrative, meta)
	if err != nil {
		return err
	}
	switch format {
	case "docx":
		return r.Docx(w, docx.Options{})
	case "pdf":
		err := r.PDF(ctx, w, docx.Options{})
		if errors.Is(err, ErrNoLibreOffice) {
			return &ziping.Error{Kind: ziping.NotFound, Msg: ErrNoLibreOffice.Error(), Err: err}
		}
		return err
	case "html":
		_, err = io.WriteString(w, r.HTML())
	case "md":
		_, err = io.WriteString(w, r.Markdown())
	default:
		return fmt.Errorf("report: unknown format %q", format)
	}
	return err
}

// Generated is the Markdown of the sections ziping writes itself, built without a
// narrative: 存在问题 from the deductions and 改进措施 from the plan.
func (Renderer) Generated(fw *engine.Framework, res *engine.Result, meta ziping.ReportMeta) (string, error) {
	r, err := build(fw, res, nil, meta)
	if err != nil {
		return "", err
	}
	part := &Report{}
	for _, s := range r.Sections {
		if s.Title == SecProblems || s.Title == SecImprovement {
			part.Sections = append(part.Sections, s)
		}
	}
	var b strings.Builder
	writeMarkdownItems(&b, part.items())
	return strings.TrimPrefix(b.String(), "\n"), nil
}
