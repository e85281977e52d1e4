package servicetest

import (
	"errors"
	"slices"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// PDF is the smallest file that passes as a PDF.
var PDF = []byte("%PDF-1.4\n%%EOF\n")

// Flow is a fixture with the people of an assessment: two fillers of the first
// county, a reviewer of the province, a viewer of the county, a filler of another
// county and a reviewer whose scope is the county itself.
type Flow struct {
	*Fixture
	County, Other                    *ziping.OrgUnit
	Filler, Filler2, Reviewer        *ziping.Actor
	Viewer, Stranger, CountyReviewer *ziping.Actor
}

// NewFlow is the flow on a fresh SQLite file.
func NewFlow(t testing.TB) *Flow { return NewFlowOn(t, OpenSQLite(t)) }

// NewFlowOn is the flow on the store st.
func NewFlowOn(t testing.TB, st ziping.Store) *Flow {
	t.Helper()
	return newFlow(t, NewOn(t, st))
}

func newFlow(t testing.TB, fx *Fixture) *Flow {
	t.Helper()
	f := &Flow{Fixture: fx}
	counties, err := f.Store.Subtree(f.Ctx, nil, ziping.LevelCounty)
	if err != nil || len(counties) < 2 {
		t.Fatalf("counties: %v %v", counties, err)
	}
	f.County, f.Other = &counties[0], &counties[1]
	f.User(t, "tian", ziping.RoleFiller, f.County.Code)
	f.User(t, "diren", ziping.RoleFiller, f.County.Code)
	f.User(t, "duban", ziping.RoleReviewer, "990000")
	f.User(t, "kan", ziping.RoleViewer, f.County.Code)
	f.User(t, "wai", ziping.RoleFiller, f.Other.Code)
	f.User(t, "ziping", ziping.RoleReviewer, f.County.Code)
	f.Filler, f.Filler2, f.Reviewer = f.Actor(t, "tian"), f.Actor(t, "diren"), f.Actor(t, "duban")
	f.Viewer, f.Stranger, f.CountyReviewer = f.Actor(t, "kan"), f.Actor(t, "wai"), f.Actor(t, "ziping")
	return f
}

// Start opens the county's lxzz-county assessment of period as its filler.
func (f *Flow) Start(t testing.TB, period int, fromLast bool) *ziping.Assessment {
	t.Helper()
	return f.StartFW(t, "lxzz-county", period, fromLast)
}

// StartFW opens the county's assessment of framework fw as its filler.
func (f *Flow) StartFW(t testing.TB, fw string, period int, fromLast bool) *ziping.Assessment {
	t.Helper()
	as, err := f.Assess.StartAssessment(f.Ctx, f.Filler, fw, f.County, period, fromLast)
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// View is the assessment as a sees it.
func (f *Flow) View(t testing.TB, a *ziping.Actor, id int64) *assess.AssessmentView {
	t.Helper()
	v, err := f.Assess.Assessment(f.Ctx, a, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// ScoreAll gives every people-scored point full marks with evidence (bonus items
// nothing) and decides every manual veto as not triggered, as the county's filler.
func (f *Flow) ScoreAll(t testing.TB, id int64) {
	t.Helper()
	f.ScoreAllAs(t, f.Filler, id)
}

// ScoreAllAs is ScoreAll as the filler a.
func (f *Flow) ScoreAllAs(t testing.TB, a *ziping.Actor, id int64) {
	t.Helper()
	v := f.View(t, a, id)
	fw := v.Program.FW
	var pts []engine.Point
	for _, a := range fw.Areas {
		pts = append(pts, a.Points...)
	}
	for _, pt := range pts {
		for _, r := range pt.Rules {
			in := assess.ScoreInput{Side: ziping.SideSelf, Code: pt.Code, Justification: "已落实"}
			switch r.Kind {
			case engine.RuleManual:
				in.Score = ptr(pt.Max)
			case engine.RuleChecklist:
				for _, it := range r.Items {
					in.Checked = append(in.Checked, it.ID)
				}
			default:
				continue
			}
			if ps, ok := v.Score(ziping.SideSelf, pt.Code); ok {
				in.Version = ps.Version
			}
			f.ScoreAs(t, a, id, in)
			f.EvidenceAs(t, a, id, pt.Code, "", 0)
		}
	}
	var bonus []engine.Point
	if fw.Bonus != nil {
		bonus = fw.Bonus.Items
	}
	for _, b := range bonus {
		in := assess.ScoreInput{Side: ziping.SideSelf, Code: b.Code, Justification: "无"}
		if b.Rules[0].Kind == engine.RuleManual {
			in.Score = ptr(0.0)
		} else {
			in.Checked = []string{}
		}
		f.ScoreAs(t, a, id, in)
	}
	for _, vt := range fw.Vetoes {
		if vt.Manual {
			f.ScoreAs(t, a, id, assess.ScoreInput{Side: ziping.SideSelf, Code: vt.Code, Triggered: ptr(false)})
		}
	}
	f.ScoreGapsAs(t, a, id)
}

// ScoreGapsAs scores by hand, with 0 and a reason, the points of the assessment the
// data cannot compute (a first year has no year before it): missing data blocks the
// submission until it is imported or a person scores the point. 0 is what such a
// point counted before it blocked.
func (f *Flow) ScoreGapsAs(t testing.TB, a *ziping.Actor, id int64) {
	t.Helper()
	v := f.View(t, a, id)
	codes := make([]string, 0, len(v.Gaps))
	for code := range v.Gaps {
		if pr := v.Self.Point(code); pr != nil && pr.Status == engine.StatusUncomputable {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		in := assess.ScoreInput{Side: ziping.SideSelf, Code: code, Score: ptr(0.0), Justification: "上年度数据未导入，按0分计"}
		if ps, ok := v.Score(ziping.SideSelf, code); ok {
			in.Version, in.Checked = ps.Version, ps.Checked
			if in.Checked == nil {
				in.Checked = []string{}
			}
		}
		f.ScoreAs(t, a, id, in)
	}
}

// Score saves a score as the county's filler.
func (f *Flow) Score(t testing.TB, id int64, in assess.ScoreInput) *ziping.PointScore {
	t.Helper()
	return f.ScoreAs(t, f.Filler, id, in)
}

// ScoreAs saves a score as a.
func (f *Flow) ScoreAs(t testing.TB, a *ziping.Actor, id int64, in assess.ScoreInput) *ziping.PointScore {
	t.Helper()
	ps, err := f.Assess.ScorePoint(f.Ctx, a, id, in)
	if err != nil {
		t.Fatalf("score %s: %v", in.Code, err)
	}
	return ps
}

// Evidence attaches a PDF to point as the county's filler.
func (f *Flow) Evidence(t testing.TB, id int64, point, docNumber string, period int) *ziping.Evidence {
	t.Helper()
	return f.EvidenceAs(t, f.Filler, id, point, docNumber, period)
}

// EvidenceAs attaches a PDF to point as a.
func (f *Flow) EvidenceAs(t testing.TB, a *ziping.Actor, id int64, point, docNumber string, period int) *ziping.Evidence {
	t.Helper()
	e, err := f.Assess.AddEvidence(f.Ctx, a, id, assess.EvidenceInput{Point: point, Title: "材料" + point, DocNumber: docNumber,
		Period: period, FileName: "材料" + point + ".pdf", Data: PDF})
	if err != nil {
		t.Fatalf("evidence %s: %v", point, err)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// KindOf is the kind of a domain error, 255 for any other error.
func KindOf(err error) ziping.Kind {
	var ze *ziping.Error
	if errors.As(err, &ze) {
		return ze.Kind
	}
	return 255 // no domain error
}

// Blocking counts the items that stop a submission.
func Blocking(items []assess.ReadinessItem) int {
	n := 0
	for _, it := range items {
		if it.Blocking {
			n++
		}
	}
	return n
}
