package ziping

import (
	"context"
	"io"
	"time"

	"ziping/engine"
)

// ReportIssue is one thing that keeps a self-evaluation report from being
// submitted: a placeholder, a bound value the data cannot give, an unwritten
// section. Line and Col point into the narrative people wrote (the text of the
// editor), 1-based, Col in characters; Line is 0 for what ziping wrote itself (a
// section nobody wrote, the missing date), which has no place in the narrative.
type ReportIssue struct {
	Section   string
	Line, Col int
	Kind      string
	Text      string
	Context   string
}

// ReportBlock is a block of a narrative as it will read: a heading (Level 1–6) or
// a paragraph (Level 0) of Parts, or a table (Rows); Line and EndLine are the lines
// of the narrative it comes from.
type ReportBlock struct {
	Level         int
	Parts         []ReportPart
	Rows          []ReportRow
	Line, EndLine int
}

// ReportRow is a row of a narrative's table, each cell its parts.
type ReportRow struct {
	Header bool
	Cells  [][]ReportPart
}

// ReportPart is a run of a block's text: plain text, or a bound value ({{…}}) with
// what it shows: its Chinese name and current value, or why it cannot be filled.
type ReportPart struct {
	Text        string
	Token       string // the bound value as written; "" for plain text
	Name, Value string
	Problem     string
}

// ReportMeta is what a rendered report carries besides the evaluation.
type ReportMeta struct {
	Issuer string
	// Date is the 成文日期: the submission's date once submitted, else today; the
	// report writes it in Beijing time.
	Date time.Time
	// Parent names the unit's parent (the 主送机关 is its education supervision
	// office unless the narrative names another); Recipient, when set, is the
	// 主送机关; Layout picks the report's layout ("" for the framework's).
	Parent, Recipient, Layout string
	// Plan is the rectification plan: 改进措施 is written from its measures when the
	// narrative does not write that section.
	Plan []ReportPlanItem
	// MetricURL is the drill-down page of a metric: the html format links the metric
	// values bound in the narrative to it. Nil leaves them plain.
	MetricURL func(metricID string) string
}

// ReportPlanItem is a problem with the measures planned for it.
type ReportPlanItem struct {
	Title    string // the point's title
	Problem  string
	Measures string
	Owner    string
	Deadline time.Time
}

// Reporter builds self-evaluation reports (自评报告) of an evaluated unit with the
// narrative people wrote. Package report provides it and cmd/ziping wires it in, so
// that the domain does not depend on Word.
type Reporter interface {
	Issues(fw *engine.Framework, res *engine.Result, narrative []byte, meta ReportMeta) ([]ReportIssue, error)
	// Generated is the Markdown of what ziping writes itself: 存在问题 from the
	// deductions and 改进措施 from the plan (or its unfilled marker).
	Generated(fw *engine.Framework, res *engine.Result, meta ReportMeta) (string, error)
	// Blocks is the narrative as it will read, its bound values filled.
	Blocks(fw *engine.Framework, res *engine.Result, narrative []byte) ([]ReportBlock, error)
	// Write renders the report as format: docx, pdf, html (a printable page) or md.
	Write(ctx context.Context, w io.Writer, format string, fw *engine.Framework, res *engine.Result, narrative []byte, meta ReportMeta) error
}
