package ziping

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"ziping/engine"
)

// ReadinessItem is one thing the readiness check found. Blocking items stop the
// submission; the others are shown to the unit and, after submission, to the
// reviewer.
type ReadinessItem struct {
	Kind     string // no_data, unscored, no_evidence, to_confirm, other_period, outlier, uncomputable
	Point    string
	Text     string
	Blocking bool
}

// OutlierChange is the relative change from last year beyond which a metric value
// is flagged for checking (50%).
const OutlierChange = 0.5

// Readiness lists what is missing before the assessment can be submitted.
func (s *Service) Readiness(ctx context.Context, a *Actor, id int64) ([]ReadinessItem, error) {
	v, err := s.Assessment(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return s.readiness(v), nil
}

// ReadinessOf is Readiness of an assessment already read (its page has it).
func (s *Service) ReadinessOf(v *AssessmentView) []ReadinessItem { return s.readiness(v) }

func (s *Service) readiness(v *AssessmentView) []ReadinessItem {
	var out []ReadinessItem
	add := func(kind, point string, blocking bool, format string, args ...any) {
		out = append(out, ReadinessItem{Kind: kind, Point: point, Blocking: blocking, Text: fmt.Sprintf(format, args...)})
	}
	as, fw := v.Assessment, v.Program.FW
	if !as.Frozen() && !hasSchools(v.Dataset, v.UnitIndex, as.Period) {
		add("no_data", "", true, "尚未导入%d年度的学校数据", as.Period)
	}
	evidenceOf := map[string]int{}
	for _, e := range v.Evidence {
		if e.ProblemID != 0 {
			continue
		}
		evidenceOf[e.Point]++
		if e.ToConfirm {
			add("to_confirm", e.Point, true, "证明材料「%s」沿用自上年，尚未确认", e.Title)
		} else if e.Period != 0 && e.Period != as.Period {
			add("other_period", e.Point, false, "证明材料「%s」属于%d年度，不是本年度", e.Title, e.Period)
		}
	}
	for _, code := range scoreCodes(v.Scores[SideSelf]) {
		if v.Scores[SideSelf][code].ToConfirm {
			add("to_confirm", code, true, "测评点%s的评分沿用自上年，尚未确认", code)
		}
	}
	points := append(allPoints(v.Self), v.Self.Bonus...)
	for _, pr := range points {
		k := kindOf(fw, pr.Code)
		switch {
		case pr.Status == engine.StatusPending:
			add("unscored", pr.Code, true, "测评点%s「%s」尚未评分", pr.Code, pr.Title)
		case pr.Status == engine.StatusUncomputable:
			add("uncomputable", pr.Code, false, "测评点%s「%s」无法由数据计算，请检查数据", pr.Code, pr.Title)
		case (k.kind == codeManual || k.kind == codeChecklist) && pr.Score > 0 && evidenceOf[pr.Code] == 0 &&
			(pr.Score >= pr.Max-1e-9 || k.bonus):
			add("no_evidence", pr.Code, true, "测评点%s「%s」自评%s分，没有证明材料", pr.Code, pr.Title, num2(pr.Score))
		}
	}
	for _, vr := range v.Self.Vetoes {
		if vr.Pending && kindOf(fw, vr.Code).manualVeto {
			add("unscored", vr.Code, true, "否决项%s「%s」尚未认定", vr.Code, vr.Title)
		}
	}
	if !as.Frozen() {
		out = append(out, s.reportReadiness(v)...)
	}
	return append(out, s.outliers(v)...)
}

// hasSchools reports whether unit idx has school rows in period.
func hasSchools(ds *engine.Dataset, idx, period int) bool {
	if ds == nil || idx < 0 || ds.Periods[period] == nil {
		return false
	}
	rs := ds.Periods[period].Schools.Ranges
	return idx < len(rs) && rs[idx].Hi > rs[idx].Lo
}

func scoreCodes(m map[string]PointScore) []string {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sortCodes(codes)
	return codes
}

func allPoints(r *engine.Result) []engine.PointResult {
	var out []engine.PointResult
	for _, a := range r.Areas {
		out = append(out, a.Points...)
	}
	return out
}

// outliers flags the metrics of scored points whose value moved more than
// OutlierChange from last year's.
func (s *Service) outliers(v *AssessmentView) []ReadinessItem {
	if v.key != nil {
		if v.outliers == nil {
			v.outliers = s.computeOutliers(v)
			s.results.put(*v.key, &cachedResult{self: v.Self, review: v.Review, outliers: v.outliers})
		}
		return v.outliers
	}
	return s.computeOutliers(v)
}

func (s *Service) computeOutliers(v *AssessmentView) []ReadinessItem {
	ds, per := v.Dataset, v.Assessment.Period
	if ds == nil || ds.Periods[per-1] == nil || v.UnitIndex < 0 {
		return []ReadinessItem{}
	}
	prev, err := v.Program.Evaluate(ds, engine.Options{Period: per - 1, Units: []int{v.UnitIndex}, Workers: 1})
	if err != nil || len(prev) == 0 {
		return []ReadinessItem{}
	}
	used := map[string]bool{}
	for _, pr := range allPoints(v.Self) {
		for _, m := range pr.Metrics {
			used[m] = true
		}
	}
	out := []ReadinessItem{} // empty, not nil: computed
	for _, m := range v.Self.Metrics {
		p, ok := prev[0].Metric(m.ID)
		if !used[m.ID] || !m.OK || !ok || !p.OK || math.Abs(p.Value) < 1e-9 {
			continue
		}
		if ch := (m.Value - p.Value) / math.Abs(p.Value); math.Abs(ch) > OutlierChange {
			out = append(out, ReadinessItem{Kind: "outlier", Text: fmt.Sprintf("「%s」为%s，上年为%s，变化%+.0f%%，请核实数据",
				m.Name, m.Text(), p.Text(), ch*100)})
		}
	}
	return out
}

// num2 is a score as people write it: at most two decimals, no trailing zeros.
func num2(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// Submit hands the assessment to the level above: the readiness check must find
// nothing blocking, and the data, framework version and scores are frozen in a
// snapshot. status is the status the person saw; a different one is a conflict.
func (s *Service) Submit(ctx context.Context, a *Actor, id int64, status string) error {
	return s.Store.Tx(ctx, func(tx Store) error {
		as, u, err := s.assessmentFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.CanEdit(u) {
			return Errorf(Forbidden, "无权提交「%s」的自评", u.Name)
		}
		if err := expectStatus(as, status, StatusDraft, StatusReturned); err != nil {
			return err
		}
		v, err := s.assessmentView(ctx, tx, as, u)
		if err != nil {
			return err
		}
		items := s.readiness(v)
		if msg := blockingText(items); msg != "" {
			return Errorf(Invalid, "自评还不能提交：\n%s", msg)
		}
		next := StatusSubmitted
		if as.Round > 0 {
			next = StatusResubmitted
		}
		if err := s.freeze(ctx, tx, a, as, u, next, nil); err != nil {
			return err
		}
		as.Status, as.Round, as.SubmittedBy, as.SubmittedAt = next, as.Round+1, a.UserID(), s.now()
		if err := s.refreshSummary(ctx, tx, as, u); err != nil {
			return err
		}
		var warnings []string
		for _, it := range items {
			warnings = append(warnings, it.Text)
		}
		return s.audit(ctx, tx, a, "assessment_"+next, assessmentObject(as), u.ID, map[string]any{"status": status},
			map[string]any{"status": next, "round": as.Round, "snapshot": as.SnapshotID, "warnings": warnings})
	})
}

func blockingText(items []ReadinessItem) string {
	var b strings.Builder
	for _, it := range items {
		if it.Blocking {
			b.WriteString("· " + it.Text + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// expectStatus checks that the assessment is in one of allowed, and still in the
// status the person saw when seen is not empty.
func expectStatus(as *Assessment, seen string, allowed ...string) error {
	if seen != "" && seen != as.Status {
		return Errorf(Conflict, "自评状态已变为「%s」，请刷新后再操作", StatusNames[as.Status])
	}
	for _, st := range allowed {
		if as.Status == st {
			return nil
		}
	}
	return Errorf(Conflict, "自评%s，不能进行此操作", StatusNames[as.Status])
}

// reviewable reads an assessment the actor may review now.
func (s *Service) reviewable(ctx context.Context, tx Store, a *Actor, id int64, seen string, allowed ...string) (*Assessment, *OrgUnit, error) {
	as, u, err := s.assessmentFor(ctx, tx, a, id)
	if err != nil {
		return nil, nil, err
	}
	if !a.CanReview(u) {
		return nil, nil, Errorf(Forbidden, "无权复核「%s」的自评", u.Name)
	}
	if a.User != nil && as.SubmittedBy == a.User.ID {
		return nil, nil, Errorf(Forbidden, "不能复核自己提交的自评")
	}
	if err := expectStatus(as, seen, allowed...); err != nil {
		return nil, nil, err
	}
	return as, u, nil
}

// Return sends the assessment back to the unit with the reasons: the note and the
// review reasons of the points.
func (s *Service) Return(ctx context.Context, a *Actor, id int64, seen, note string) error {
	note = strings.TrimSpace(note)
	return s.Store.Tx(ctx, func(tx Store) error {
		as, u, err := s.reviewable(ctx, tx, a, id, seen, StatusSubmitted, StatusResubmitted)
		if err != nil {
			return err
		}
		scores, err := tx.PointScores(ctx, as.ID)
		if err != nil {
			return err
		}
		reasons := map[string]string{}
		for _, ps := range scores {
			if ps.Side == SideReview {
				reasons[ps.Code] = ps.Justification
			}
		}
		if note == "" && len(reasons) == 0 {
			return Errorf(Invalid, "退回须写明理由：填写退回说明，或对测评点写复核意见")
		}
		old := as.Status
		as.Status, as.ReturnNote = StatusReturned, note
		if err := s.refreshSummary(ctx, tx, as, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "assessment_return", assessmentObject(as), u.ID, map[string]any{"status": old},
			map[string]any{"status": as.Status, "note": note, "points": reasons})
	})
}

// Accept ends the review: the review scores are frozen with the data, and every
// point that lost marks becomes a problem to rectify.
func (s *Service) Accept(ctx context.Context, a *Actor, id int64, seen, note string) error {
	return s.Store.Tx(ctx, func(tx Store) error {
		as, u, err := s.reviewable(ctx, tx, a, id, seen, StatusSubmitted, StatusResubmitted)
		if err != nil {
			return err
		}
		v, err := s.assessmentView(ctx, tx, as, u)
		if err != nil {
			return err
		}
		if err := s.freeze(ctx, tx, a, as, u, StatusReviewed, v); err != nil {
			return err
		}
		old := as.Status
		as.Status, as.ReviewedBy, as.ReviewedAt, as.ReturnNote = StatusReviewed, a.UserID(), s.now(), strings.TrimSpace(note)
		if err := s.refreshSummary(ctx, tx, as, u); err != nil {
			return err
		}
		n, err := s.generateProblems(ctx, tx, a, v)
		if err != nil {
			return err
		}
		fin := v.Final()
		return s.audit(ctx, tx, a, "assessment_accept", assessmentObject(as), u.ID, map[string]any{"status": old},
			map[string]any{"status": as.Status, "note": as.ReturnNote, "total": fin.Total, "grade": fin.Grade,
				"verdict": fin.Verdict, "problems": n})
	})
}

// Publish makes a reviewed assessment public.
func (s *Service) Publish(ctx context.Context, a *Actor, id int64, seen string) error {
	return s.Store.Tx(ctx, func(tx Store) error {
		as, u, err := s.reviewable(ctx, tx, a, id, seen, StatusReviewed)
		if err != nil {
			return err
		}
		return s.publish(ctx, tx, a, as, u)
	})
}

func (s *Service) publish(ctx context.Context, tx Store, a *Actor, as *Assessment, u *OrgUnit) error {
	as.Status, as.PublishedAt, as.UpdatedAt = StatusPublished, s.now(), s.now()
	if err := tx.UpdateAssessment(ctx, as); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, "assessment_publish", assessmentObject(as), u.ID, map[string]any{"status": StatusReviewed},
		map[string]any{"status": StatusPublished})
}

// PublishAll publishes every reviewed assessment of framework fw and period in
// root's subtree that the actor may review, and returns how many.
func (s *Service) PublishAll(ctx context.Context, a *Actor, root *OrgUnit, fw string, period int) (int, error) {
	if !a.CanSee(root) {
		return 0, Errorf(Forbidden, "无权查看该单位")
	}
	n := 0
	err := s.Store.Tx(ctx, func(tx Store) error {
		list, err := tx.Assessments(ctx, AssessmentQuery{UnitPath: root.Path, Framework: fw, Period: period, Statuses: []string{StatusReviewed}})
		if err != nil {
			return err
		}
		for i := range list {
			as := &list[i]
			u, err := tx.Unit(ctx, as.UnitID)
			if err != nil {
				return err
			}
			if !a.CanReview(u) {
				continue
			}
			if err := s.publish(ctx, tx, a, as, u); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return Errorf(Invalid, "没有已复核、待公布的自评")
		}
		return nil
	})
	return n, err
}
