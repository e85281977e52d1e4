package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// assessmentPage is one assessment: its header, conclusion, every point with the
// self and review sides, and the forms the actor may use now.
type assessmentPage struct {
	Page
	ID          int64
	URL         string
	ListURL     string
	Unit        unitView
	FW          fwHead
	Period      int
	Status      string // the status code, posted back as "status" by the workflow forms
	StatusName  string
	StatusClass string
	Round       int
	Dates       []option // label, value
	Self        *conclusion
	Review      *conclusion
	Credibility *credibilityView
	Returned    *returnedView // the reasons of a return, shown to the unit
	ReturnNote  string        // a note of the reviewer, shown to everyone
	Message     string        // why a workflow step was refused
	Due         string        // 截止日期 2025-06-30（还剩12天）, or late
	DueLate     bool          // overdue while open, or submitted late
	Areas       []assessArea
	Bonus       []*aPoint
	BonusCap    string
	Vetoes      []*aPoint
	General     []evidenceRow // evidence linked to no point
	Readiness   []readinessRow
	Blocking    int
	Problems    []problemRow // this assessment's problems
	// What the actor may do now.
	CanEdit, CanReview, CanPublish bool
	CanFind                        bool     // add a finding of the reviewer's own
	PointOptions                   []option // the points a finding may be about
	NoticeURL                      string   // the rectification notice, when there are problems
	Extensions                     string
	MaxEvidence                    string
	PointJS                        string // the script that opens a point's details in place
	// Issue 11: bulk confirmation, undo, the area index, readiness by area.
	Carried         *carriedView     // what was copied from last year and waits, for the unit
	CanWithdraw     bool             // the unit may take its submission back (the review has not begun)
	CanUnpublish    bool             // the reviewer may take the published result back, with a reason
	Index           []areaIndexRow   // the areas with their progress
	ReadinessGroups []readinessGroup // Readiness: blocking first, by area, in framework order
}

type credibilityView struct {
	Percent string
	Points  int
	Diff    string
	Verdict bool
}

type returnedView struct {
	Note   string
	Points []returnedPoint
}

type returnedPoint struct{ Code, Anchor, Reason string }

type assessArea struct {
	Code, Name, Max, Score, ReviewScore string
	Anchor                              string
	Points                              []*aPoint
}

// aPoint is a point, bonus item or veto item of an assessment. The assessment page
// shows its result (state, scores, reasons, how many evidence files, problems); its
// details and forms (the standard, the values, the justification, the evidence, the
// score and upload forms) come on demand, from FragmentURL, or on its own page, URL.
type aPoint struct {
	Code, Title, Standard, Max, Anchor string
	Kind                               string // data, manual, checklist, veto, manual_veto
	Verdict, Bonus, IsVeto             bool
	State, StateClass                  string
	SelfScore, ReviewScore             string
	HasReview, Diff                    bool
	Reasons, ReviewReasons             []string
	Metrics                            []metricValue
	Justification                      string
	ToConfirm                          bool
	ReviewReason                       string
	TakesEvidence                      bool // evidence is asked for, or some is linked
	EvidenceNeeded                     []string
	Evidence                           []evidenceRow
	LastProblems, Problems             []problemRow
	SelfForm, ReviewForm               *scoreForm
	EvidenceForm                       *evidenceForm
	Blocking                           []string // readiness items of this point
	URL, FragmentURL                   string   // the point's own page, and its details alone
	Opened                             bool     // the details are shown with the result
	Pending, Uncomputable              bool     // the unit's side waits for a score, or the data cannot compute it
	GapWhy                             string   // why the data cannot compute it (无法计算), even once scored by hand
	GapScored                          bool     // scored by hand because its data is missing
}

// Editable reports whether the actor has a form on the point: a score, an upload, or
// an evidence link to confirm or remove.
func (ap *aPoint) Editable() bool {
	if ap.SelfForm != nil || ap.ReviewForm != nil || ap.EvidenceForm != nil {
		return true
	}
	for _, e := range ap.Evidence {
		if e.RemoveURL != "" || e.ConfirmURL != "" {
			return true
		}
	}
	return false
}

type metricValue struct {
	Name, Value, URL string
	NA               bool
}

// scoreForm is the form of one side's score of a point. Version is the version of the
// score the page showed; Error and Current say why a save was refused and what the
// stored score is now.
type scoreForm struct {
	CSRF, Action, Side, Kind, Max, ID string
	Review                            bool   // the review side's form
	Back                              string // "point": saving returns to the point's page
	Fail                              string // verdict frameworks: the score of 未达标
	Version                           int64
	Score, Justification              string
	Triggered                         string // "yes", "no" or ""
	Items                             []checkItem
	ToConfirm, Clearable              bool
	Gap                               bool // the point's data is missing: the whole point is scored by hand, with a reason
	Error, Current                    string
}

type checkItem struct {
	ID, Text string
	Checked  bool
}

type evidenceForm struct {
	CSRF, Action, Point, ID, Accept string
	Back                            string // "point": the upload returns to the point's page
	Title, DocNumber, Period, Error string
}

type evidenceRow struct {
	CSRF, Back                      string
	ID                              int64
	Title, DocNumber, FileName, URL string
	Period                          int
	Size                            string
	ToConfirm                       bool
	RemoveURL, ConfirmURL           string // set when the actor may change it now
}

type problemRow struct {
	URL, Point, Description, Status string
	Period                          int
}

type readinessRow struct {
	Text, Anchor string
	Blocking     bool
	Point, Kind  string
}

// assessmentPerms is what the actor may do with the assessment now.
type assessmentPerms struct{ edit, review, publish bool }

func permsOf(a *ziping.Actor, v *assess.AssessmentView) assessmentPerms {
	as, u := v.Assessment, v.Unit
	reviewer := a.CanReview(u) && (a.User == nil || as.SubmittedBy != a.User.ID)
	return assessmentPerms{edit: a.CanEdit(u) && as.SelfEditable(), review: reviewer && as.UnderReview(),
		publish: reviewer && as.Status == ziping.StatusReviewed}
}

// newAssessmentPage builds the page of v for the request's actor.
func (s *Server) newAssessmentPage(r *http.Request, v *assess.AssessmentView) (*assessmentPage, error) {
	p, err := s.assessmentView(r, v)
	if err != nil {
		return nil, err
	}
	_, assets, err := s.current()
	if err != nil {
		return nil, err
	}
	p.PointJS = assets.url("point.js")
	if err := s.fillUnitPage(r, &p.Page, v.Unit, strconv.Itoa(v.Assessment.Period)+"年度自评"); err != nil {
		return nil, err
	}
	p.Crumbs = append(p.Crumbs[:len(p.Crumbs)-1], crumb{Name: "自评与复核", URL: p.ListURL}, p.Crumbs[len(p.Crumbs)-1])
	return p, nil
}

// assessmentView is the assessment v as the request's actor sees it, every point
// with its details and forms, without the page's title and breadcrumb.
func (s *Server) assessmentView(r *http.Request, v *assess.AssessmentView) (*assessmentPage, error) {
	a := info(r).actor
	as, u, fw := v.Assessment, v.Unit, v.Program.FW
	perm := permsOf(a, v)
	p := &assessmentPage{ID: as.ID, URL: assessmentURL(as.ID), ListURL: unitURL(u.Code) + "/assessments", Unit: newUnitView(u),
		FW:     fwHead{ID: fw.ID, Name: fw.Name, Version: as.FrameworkVersion, URL: "/frameworks/" + url.PathEscape(fw.ID), Verdict: fw.IsVerdict()},
		Period: as.Period, Status: as.Status, StatusName: ziping.StatusNames[as.Status], StatusClass: statusClass(as.Status),
		Round: as.Round, Self: newConclusion(fw, v.Self), CanEdit: perm.edit, CanReview: perm.review, CanPublish: perm.publish,
		Extensions: assess.EvidenceExtensions, MaxEvidence: sizeText(s.opts.MaxEvidence)}
	for _, d := range []struct {
		label string
		t     string
	}{{"创建", dateTime(as.CreatedAt)}, {"提交", dateTime(as.SubmittedAt)}, {"复核", dateTime(as.ReviewedAt)}, {"公布", dateTime(as.PublishedAt)}} {
		if d.t != "" {
			p.Dates = append(p.Dates, option{Label: d.label, Value: d.t})
		}
	}
	if due, err := s.svc.Assess.DueDateOf(r.Context(), u, fw.ID, as.Period); err != nil {
		return nil, err
	} else if text, late := dueText(due, as, s.svc.Assess.Now()); text != "" {
		p.Due, p.DueLate = text, late
	}
	if v.Review != nil {
		p.Review = newConclusion(fw, v.Review)
	}
	if c := v.Credibility; c != nil {
		p.Credibility = &credibilityView{Percent: fmt.Sprintf("%.1f%%", c.Percent), Points: c.Points, Diff: num(c.Diff), Verdict: c.Verdict}
	}
	if err := s.fillReadiness(r, p, v, perm); err != nil {
		return nil, err
	}
	s.fillPoints(p, v, perm)
	s.fillFindings(p, a, v)
	s.fillWork(p, a, v, perm)
	if as.Status == ziping.StatusReturned {
		p.Returned = &returnedView{Note: as.ReturnNote}
		p.eachPoint(func(ap *aPoint) {
			if ap.ReviewReason != "" {
				p.Returned.Points = append(p.Returned.Points, returnedPoint{Code: ap.Code, Anchor: ap.Anchor, Reason: ap.ReviewReason})
			}
		})
	} else {
		p.ReturnNote = as.ReturnNote
	}
	if ri := info(r); ri.session != nil {
		p.CSRF = ri.session.CSRF
		p.eachPoint(func(ap *aPoint) { ap.setContext(p.CSRF, "") })
		for i := range p.General {
			p.General[i].CSRF = p.CSRF
		}
	}
	return p, nil
}

// fillReadiness lists what stops the submission, for the unit while it may edit and
// for the reviewer during the review.
func (s *Server) fillReadiness(r *http.Request, p *assessmentPage, v *assess.AssessmentView, perm assessmentPerms) error {
	if !perm.edit && !perm.review {
		return nil
	}
	for _, it := range s.svc.Assess.ReadinessOf(v) {
		row := readinessRow{Text: it.Text, Blocking: it.Blocking && perm.edit, Point: it.Point, Kind: it.Kind}
		if it.Point != "" {
			row.Anchor = pointAnchor(it.Point)
		}
		if row.Blocking {
			p.Blocking++
		}
		p.Readiness = append(p.Readiness, row)
	}
	return nil
}

func pointAnchor(code string) string { return "pt-" + code }

// fillPoints builds the areas, bonus items and vetoes with their evidence, problems
// and forms.
func (s *Server) fillPoints(p *assessmentPage, v *assess.AssessmentView, perm assessmentPerms) {
	fw := v.Program.FW
	ev := map[string][]evidenceRow{}
	for _, e := range v.Evidence {
		if e.ProblemID != 0 {
			continue
		}
		row := newEvidenceRow(e, perm.edit)
		if e.Point == "" {
			p.General = append(p.General, row)
		} else {
			ev[e.Point] = append(ev[e.Point], row)
		}
	}
	last, cur := problemsByPoint(v.LastProblems), problemsByPoint(v.Problems)
	for _, pr := range v.Problems {
		p.Problems = append(p.Problems, newProblemRow(pr))
	}
	build := func(pt *engine.Point, self engine.PointResult, review *engine.PointResult, bonus bool) *aPoint {
		ap := s.newAPoint(p, v, pt, self, review, bonus, perm)
		ap.Evidence, ap.LastProblems, ap.Problems = ev[pt.Code], last[pt.Code], cur[pt.Code]
		ap.TakesEvidence = ap.Kind != "data" || len(pt.Evidence) > 0 || len(ap.Evidence) > 0
		return ap
	}
	for ai, area := range v.Self.Areas {
		row := assessArea{Code: area.Code, Name: area.Name, Max: num(area.Max), Score: num(area.Score), Anchor: areaAnchor(ai)}
		if v.Review != nil {
			row.ReviewScore = num(v.Review.Areas[ai].Score)
		}
		for pi, pr := range area.Points {
			var rv *engine.PointResult
			if v.Review != nil {
				rv = &v.Review.Areas[ai].Points[pi]
			}
			row.Points = append(row.Points, build(&fw.Areas[ai].Points[pi], pr, rv, false))
		}
		p.Areas = append(p.Areas, row)
	}
	for i, pr := range v.Self.Bonus {
		var rv *engine.PointResult
		if v.Review != nil {
			rv = &v.Review.Bonus[i]
		}
		p.Bonus = append(p.Bonus, build(&fw.Bonus.Items[i], pr, rv, true))
	}
	if fw.Bonus != nil {
		p.BonusCap = num(fw.Bonus.Cap)
	}
	for i, vr := range v.Self.Vetoes {
		var rv *engine.VetoResult
		if v.Review != nil {
			rv = &v.Review.Vetoes[i]
		}
		ap := s.newVetoPoint(p, v, &fw.Vetoes[i], vr, rv, perm)
		ap.LastProblems, ap.Problems = last[vr.Code], cur[vr.Code]
		p.Vetoes = append(p.Vetoes, ap)
	}
	for _, it := range p.Readiness {
		if ap := p.point(it.Anchor); ap != nil && it.Blocking {
			ap.Blocking = append(ap.Blocking, it.Text)
		}
	}
}

func (s *Server) newAPoint(p *assessmentPage, v *assess.AssessmentView, pt *engine.Point, self engine.PointResult, review *engine.PointResult, bonus bool, perm assessmentPerms) *aPoint {
	fw, u := v.Program.FW, v.Unit
	sel := &selection{FW: fw.ID, Period: v.Assessment.Period}
	ap := &aPoint{Code: pt.Code, Title: pt.Title, Standard: pt.Standard, Max: num(pt.Max), Anchor: pointAnchor(pt.Code),
		Kind: pointKind(pt), Verdict: fw.IsVerdict(), Bonus: bonus, EvidenceNeeded: pt.Evidence, Reasons: self.Reasons,
		URL: pointURL(p.ID, pt.Code)}
	ap.FragmentURL = ap.URL + "/form"
	ap.State, ap.StateClass, ap.SelfScore = pointState(self, ap.Verdict)
	for _, id := range self.Metrics {
		m, _ := v.Self.Metric(id)
		mv := metricValue{Name: m.Name, Value: m.Text(), NA: !m.OK}
		// The explain page knows the built-in frameworks only, and counties only (a
		// school's metrics are read from its own rows, shown on its page).
		if s.programs[fw.ID] != nil && countyFramework(fw) {
			mv.URL = sel.link(unitURL(u.Code) + "/explain/" + id)
		}
		ap.Metrics = append(ap.Metrics, mv)
	}
	selfScore, hasSelf := v.Score(ziping.SideSelf, pt.Code)
	if hasSelf {
		ap.Justification, ap.ToConfirm = selfScore.Justification, selfScore.ToConfirm
	}
	reviewScore, hasReview := v.Score(ziping.SideReview, pt.Code)
	if review != nil && hasReview {
		ap.HasReview, ap.ReviewReason, ap.ReviewReasons = true, reviewScore.Justification, review.Reasons
		// The header shows the state that counts: the review's.
		ap.State, ap.StateClass, ap.ReviewScore = pointState(*review, ap.Verdict)
		ap.Diff = review.Score != self.Score || review.Passed != self.Passed
	}
	ap.Pending, ap.Uncomputable = self.Status == engine.StatusPending, self.Status == engine.StatusUncomputable
	gapWhy, gap := v.Gaps[pt.Code]
	if gap {
		ap.GapWhy, ap.GapScored = gapWhy, self.Status == engine.StatusScored
	}
	if perm.edit && (ap.Kind == "manual" || ap.Kind == "checklist") {
		ap.SelfForm = newScoreForm(p.URL, ziping.SideSelf, ap.Kind, pt, selfScore, hasSelf)
		ap.SelfForm.Gap = gap && ap.Kind == "checklist"
	} else if perm.edit && gap && ap.Kind == "data" {
		ap.SelfForm = newScoreForm(p.URL, ziping.SideSelf, "gap", pt, selfScore, hasSelf)
		ap.SelfForm.Gap = true
	}
	if perm.edit && ap.Kind != "data" {
		ap.EvidenceForm = &evidenceForm{Action: p.URL + "/evidence", Point: pt.Code, ID: "e-" + pt.Code, Accept: assess.EvidenceExtensions}
	}
	if perm.review {
		kind := "review"
		if ap.Verdict {
			kind = "verdict" // 达标/未达标: the maximum, or one rule short of it
		}
		ap.ReviewForm = newScoreForm(p.URL, ziping.SideReview, kind, pt, reviewScore, hasReview)
		if !hasReview && self.Status == engine.StatusScored {
			ap.ReviewForm.Score = num(self.Score) // a starting point: the self score
		}
	}
	return ap
}

func (s *Server) newVetoPoint(p *assessmentPage, v *assess.AssessmentView, fv *engine.Veto, self engine.VetoResult, review *engine.VetoResult, perm assessmentPerms) *aPoint {
	ap := &aPoint{Code: fv.Code, Title: fv.Title, Anchor: pointAnchor(fv.Code), Kind: "veto", IsVeto: true, Max: vetoEffect(*fv),
		URL: pointURL(p.ID, fv.Code)}
	ap.FragmentURL = ap.URL + "/form"
	if fv.Manual {
		ap.Kind = "manual_veto"
	}
	ap.State, ap.StateClass = vetoState(self)
	ap.SelfScore = ap.State
	if self.Reason != "" {
		ap.Reasons = []string{self.Reason}
	}
	selfScore, hasSelf := v.Score(ziping.SideSelf, fv.Code)
	if hasSelf {
		ap.Justification, ap.ToConfirm = selfScore.Justification, selfScore.ToConfirm
	}
	reviewScore, hasReview := v.Score(ziping.SideReview, fv.Code)
	if review != nil && hasReview {
		ap.HasReview, ap.ReviewReason = true, reviewScore.Justification
		ap.State, ap.StateClass = vetoState(*review)
		ap.ReviewScore = ap.State
		ap.Diff = review.Triggered != self.Triggered || review.Pending != self.Pending
	}
	pt := &engine.Point{Code: fv.Code}
	if perm.edit && fv.Manual {
		ap.SelfForm = newScoreForm(p.URL, ziping.SideSelf, "veto", pt, selfScore, hasSelf)
	}
	if perm.review {
		ap.ReviewForm = newScoreForm(p.URL, ziping.SideReview, "veto", pt, reviewScore, hasReview)
	}
	return ap
}

// newScoreForm is a side's form filled with the stored score.
func newScoreForm(base, side, kind string, pt *engine.Point, ps ziping.PointScore, exists bool) *scoreForm {
	f := &scoreForm{Action: base + "/points/" + url.PathEscape(pt.Code), Side: side, Kind: kind, Max: num(pt.Max), Fail: num(max(pt.Max-1, 0)),
		ID: side[:1] + "-" + pt.Code, Review: side == ziping.SideReview, Clearable: exists && side == ziping.SideReview}
	if kind == "checklist" {
		for _, r := range pt.Rules {
			for _, it := range r.Items {
				f.Items = append(f.Items, checkItem{ID: it.ID, Text: it.Text})
			}
		}
	}
	if exists {
		f.Version, f.Justification, f.ToConfirm = ps.Version, ps.Justification, ps.ToConfirm
		f.fill(ps.Score, ps.Checked, ps.Triggered)
	}
	return f
}

// fill sets the form's values from a score.
func (f *scoreForm) fill(score *float64, checked []string, triggered *bool) {
	f.Score, f.Triggered = "", ""
	if score != nil {
		f.Score = num(*score)
	}
	if triggered != nil {
		f.Triggered = map[bool]string{true: "yes", false: "no"}[*triggered]
	}
	for i := range f.Items {
		f.Items[i].Checked = false
		for _, c := range checked {
			f.Items[i].Checked = f.Items[i].Checked || c == f.Items[i].ID
		}
	}
}

func pointKind(pt *engine.Point) string {
	kind := "data"
	for _, r := range pt.Rules {
		switch r.Kind {
		case engine.RuleManual:
			kind = "manual"
		case engine.RuleChecklist:
			kind = "checklist"
		}
	}
	return kind
}

// pointState is a point's state, its badge class and its score as shown.
func pointState(pr engine.PointResult, verdict bool) (state, class, score string) {
	state, score = pr.State(), num(pr.Score)
	switch {
	case pr.Status == engine.StatusPending:
		class, score = "warn", state
	case pr.Status == engine.StatusUncomputable:
		class, score = "warn", state
	case pr.Passed:
		class = "good"
	default:
		class = "bad"
	}
	if verdict && pr.Status == engine.StatusScored {
		score = state
	}
	return state, class, score
}

func vetoState(vr engine.VetoResult) (string, string) {
	switch {
	case vr.Triggered:
		return "触发", "bad"
	case vr.Pending:
		return "待认定", "warn"
	}
	return "未触发", "good"
}

func newEvidenceRow(e ziping.Evidence, editable bool) evidenceRow {
	row := evidenceRow{ID: e.ID, Title: e.Title, DocNumber: e.DocNumber, FileName: e.FileName, URL: evidenceURL(e.ID),
		Period: e.Period, Size: fileSize(e.Size), ToConfirm: e.ToConfirm}
	if editable {
		row.RemoveURL = evidenceURL(e.ID) + "/remove"
		if e.ToConfirm {
			row.ConfirmURL = evidenceURL(e.ID) + "/confirm"
		}
	}
	return row
}

func problemsByPoint(ps []ziping.Problem) map[string][]problemRow {
	out := map[string][]problemRow{}
	for _, p := range ps {
		out[p.Point] = append(out[p.Point], newProblemRow(p))
	}
	return out
}

func newProblemRow(p ziping.Problem) problemRow {
	return problemRow{URL: "/problems/" + strconv.FormatInt(p.ID, 10), Point: p.Point, Description: p.Description,
		Status: p.StatusName(), Period: p.Period}
}

// setContext gives the point's forms the session's token and where a save returns
// to: "point" for the point's own page, "" for the assessment page.
func (ap *aPoint) setContext(token, back string) {
	for _, f := range []*scoreForm{ap.SelfForm, ap.ReviewForm} {
		if f != nil {
			f.CSRF, f.Back = token, back
		}
	}
	if ap.EvidenceForm != nil {
		ap.EvidenceForm.CSRF, ap.EvidenceForm.Back = token, back
	}
	for i := range ap.Evidence {
		ap.Evidence[i].CSRF, ap.Evidence[i].Back = token, back
	}
}

// eachPoint calls fn with every point, bonus item and veto in framework order.
func (p *assessmentPage) eachPoint(fn func(*aPoint)) {
	for _, a := range p.Areas {
		for _, ap := range a.Points {
			fn(ap)
		}
	}
	for _, list := range [][]*aPoint{p.Bonus, p.Vetoes} {
		for _, ap := range list {
			fn(ap)
		}
	}
}

// point returns the point of an anchor (pointAnchor), or nil.
func (p *assessmentPage) point(anchor string) *aPoint {
	var found *aPoint
	p.eachPoint(func(ap *aPoint) {
		if anchor != "" && ap.Anchor == anchor && found == nil {
			found = ap
		}
	})
	return found
}

// fillFindings offers the reviewer the form for a finding of its own (on submitted
// and later assessments) and links the rectification notice.
func (s *Server) fillFindings(p *assessmentPage, a *ziping.Actor, v *assess.AssessmentView) {
	as := v.Assessment
	if len(v.Problems) > 0 && (a.CanReview(v.Unit) || a.CanEdit(v.Unit)) {
		p.NoticeURL = assessmentURL(as.ID) + "/notice.docx"
	}
	p.CanFind = as.Frozen() && a.CanReview(v.Unit) && (a.User == nil || as.SubmittedBy != a.User.ID)
	if !p.CanFind {
		return
	}
	p.PointOptions = append(p.PointOptions, option{Value: "", Label: "（不针对具体测评点）"})
	for _, area := range v.Program.FW.Areas {
		for _, pt := range area.Points {
			p.PointOptions = append(p.PointOptions, option{Value: pt.Code, Label: pt.Code + " " + pt.Title})
		}
	}
}

// vetoCode is how the frameworks number their vetoes (否决项): V1, V2, ….
var vetoCode = regexp.MustCompile(`^V(\d+)$`)

// pointLabel names a point or a veto by its code: 测评点B3, 否决项1 (never 测评点V1).
func pointLabel(code string) string {
	if m := vetoCode.FindStringSubmatch(code); m != nil {
		return "否决项" + m[1]
	}
	return "测评点" + code
}

// Label is the point's or veto's name for headings: 测评点3, 否决项1.
func (ap *aPoint) Label() string { return pointLabel(ap.Code) }

// Label is the returned point's name: 测评点3, 否决项1.
func (rp returnedPoint) Label() string { return pointLabel(rp.Code) }

// PointLabel is the name of the problem's point or veto.
func (pr problemRow) PointLabel() string { return pointLabel(pr.Point) }
