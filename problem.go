package ziping

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ziping/engine"
)

func problemObject(p *Problem) string { return "problem:" + strconv.FormatInt(p.ID, 10) }

// generateProblems turns every point that lost marks in the accepted result, and
// every triggered veto, into a problem; a problem of last period on the same point
// that is not verified yet is linked as the one this continues.
func (s *Service) generateProblems(ctx context.Context, tx Store, a *Actor, v *AssessmentView) (int, error) {
	as, fin := v.Assessment, v.Final()
	have, err := tx.Problems(ctx, ProblemQuery{AssessmentID: as.ID})
	if err != nil {
		return 0, err
	}
	exists := map[string]bool{}
	for _, p := range have {
		if p.Source == SourceDeduction {
			exists[p.Point] = true
		}
	}
	carried := map[string]int64{}
	for _, p := range v.LastProblems {
		if p.Point != "" {
			carried[p.Point] = p.ID
		}
	}
	var list []*Problem
	for _, pr := range allPoints(fin) {
		if pr.Lost <= 1e-9 || exists[pr.Code] {
			continue
		}
		desc := strings.Join(pr.Reasons, "；")
		if desc == "" {
			desc = pr.Title + "失" + num2(pr.Lost) + "分"
		}
		list = append(list, &Problem{Point: pr.Code, Description: desc, CarriedFrom: carried[pr.Code]})
	}
	for _, vr := range fin.Vetoes {
		if vr.Triggered && !exists[vr.Code] {
			list = append(list, &Problem{Point: vr.Code, Description: "否决项：" + vr.Reason, CarriedFrom: carried[vr.Code]})
		}
	}
	for _, p := range list {
		p.AssessmentID, p.UnitID, p.Framework, p.Period = as.ID, as.UnitID, as.Framework, as.Period
		p.Source, p.Status, p.CreatedBy, p.CreatedAt, p.UpdatedAt = SourceDeduction, ProblemOpen, a.userID(), s.now(), s.now()
		if err := tx.CreateProblem(ctx, p); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

// FindingInput is a reviewer's own finding.
type FindingInput struct {
	Point       string
	Description string
	Deadline    time.Time
}

// AddFinding records a reviewer's finding on a submitted or reviewed assessment.
func (s *Service) AddFinding(ctx context.Context, a *Actor, id int64, in FindingInput) (*Problem, error) {
	desc := strings.TrimSpace(in.Description)
	if desc == "" || utf8.RuneCountInString(desc) > 2000 {
		return nil, Errorf(Invalid, "请填写问题描述（不超过2000字）")
	}
	var p *Problem
	err := s.Store.Tx(ctx, func(tx Store) error {
		as, u, err := s.reviewable(ctx, tx, a, id, "", StatusSubmitted, StatusResubmitted, StatusReviewed, StatusPublished)
		if err != nil {
			return err
		}
		if in.Point != "" {
			prog, err := s.Program(ctx, as.Framework, as.FrameworkVersion)
			if err != nil {
				return err
			}
			if kindOf(prog.FW, in.Point).kind == codeUnknown {
				return Errorf(Invalid, "评价体系中没有测评点「%s」", in.Point)
			}
		}
		p = &Problem{AssessmentID: as.ID, UnitID: as.UnitID, Framework: as.Framework, Period: as.Period, Point: in.Point,
			Source: SourceFinding, Description: desc, Deadline: dateOnly(in.Deadline), Status: ProblemOpen,
			CreatedBy: a.userID(), CreatedAt: s.now(), UpdatedAt: s.now()}
		if err := tx.CreateProblem(ctx, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "problem_add", problemObject(p), u.ID, nil, problemAudit(p))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func dateOnly(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func problemAudit(p *Problem) map[string]any {
	m := map[string]any{"point": p.Point, "source": p.Source, "description": p.Description, "measures": p.Measures,
		"owner": p.Owner, "status": p.Status, "note": p.Note}
	if !p.Deadline.IsZero() {
		m["deadline"] = p.Deadline.Format(time.DateOnly)
	}
	return m
}

// ProblemUpdate is a change to a problem, as a form sends it. Version is the version
// the person read: a problem changed since is a conflict.
type ProblemUpdate struct {
	Measures string
	Owner    string
	Deadline time.Time
	Status   string
	Note     string
	Version  int64
}

// UpdateProblem changes a problem. The unit fills the measures, owner, deadline and
// progress up to done; only a reviewer above the unit verifies a done problem,
// sends it back or reopens it, and a reviewer does nothing else (an admin is both).
func (s *Service) UpdateProblem(ctx context.Context, a *Actor, id int64, up ProblemUpdate) (*Problem, error) {
	var out *Problem
	err := s.Store.Tx(ctx, func(tx Store) error {
		p, u, err := s.problemFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if p.Version != up.Version {
			return Errorf(Conflict, "该问题已被他人修改（状态：%s），你的修改未保存。请刷新后重试", ProblemStatusNames[p.Status])
		}
		old := problemAudit(p)
		if err := s.applyProblemUpdate(a, u, p, up); err != nil {
			return err
		}
		p.UpdatedAt = s.now()
		if err := tx.UpdateProblem(ctx, p); err != nil {
			return err
		}
		out = p
		return s.audit(ctx, tx, a, "problem_update", problemObject(p), u.ID, old, problemAudit(p))
	})
	return out, err
}

func (s *Service) applyProblemUpdate(a *Actor, u *OrgUnit, p *Problem, up ProblemUpdate) error {
	if _, ok := ProblemStatusNames[up.Status]; !ok {
		return Errorf(Invalid, "整改状态「%s」无效", up.Status)
	}
	for _, f := range []string{up.Measures, up.Owner, up.Note} {
		if utf8.RuneCountInString(f) > 2000 {
			return Errorf(Invalid, "每项内容不超过2000字")
		}
	}
	reviewer, unit := a.CanReview(u), a.CanEdit(u)
	if reviewer && !unit {
		return reviewerProblemUpdate(p, up)
	}
	switch {
	case up.Status == ProblemVerified || p.Status == ProblemVerified || (p.Status == ProblemDone && up.Status != ProblemDone && !unit):
		// verifying, reopening a verified problem, or sending a done one back
		if !reviewer {
			return Errorf(Forbidden, "只有上级督导部门可以验收或退回整改")
		}
		if up.Status == ProblemVerified && p.Status != ProblemDone && p.Status != ProblemVerified {
			return Errorf(Invalid, "问题整改完成后才能验收")
		}
		if p.Status == ProblemVerified && up.Status != ProblemVerified && strings.TrimSpace(up.Note) == "" {
			return Errorf(Invalid, "重新打开已验收的问题须说明理由")
		}
	case !unit && !reviewer:
		return Errorf(Forbidden, "无权修改「%s」的整改台账", u.Name)
	}
	if unit || reviewer {
		p.Measures, p.Owner, p.Deadline = strings.TrimSpace(up.Measures), strings.TrimSpace(up.Owner), dateOnly(up.Deadline)
	}
	if up.Status == ProblemDone && p.Status != ProblemDone && strings.TrimSpace(p.Measures) == "" {
		return Errorf(Invalid, "请先填写整改措施，再标记完成")
	}
	p.Status, p.Note = up.Status, strings.TrimSpace(up.Note)
	return nil
}

// reviewerProblemUpdate is what a reviewer above the unit may do: verify a done
// problem, send a done problem back, reopen a verified one (saying why), or leave a
// note. Rectifying, and saying it is done, is the unit's alone: the measures, owner
// and deadline are the unit's, and so is every step up to done.
func reviewerProblemUpdate(p *Problem, up ProblemUpdate) error {
	switch {
	case up.Status == p.Status:
	case up.Status == ProblemVerified && p.Status == ProblemDone:
	case p.Status == ProblemDone && (up.Status == ProblemOpen || up.Status == ProblemInProgress):
	case p.Status == ProblemVerified:
		if strings.TrimSpace(up.Note) == "" {
			return Errorf(Invalid, "重新打开已验收的问题须说明理由")
		}
	case up.Status == ProblemVerified:
		return Errorf(Invalid, "问题整改完成后才能验收")
	default:
		return Errorf(Forbidden, "整改由被评单位进行并标记完成；督导部门只能验收或退回")
	}
	p.Status, p.Note = up.Status, strings.TrimSpace(up.Note)
	return nil
}

// problemFor reads a problem and its unit for an actor who may see its assessment.
func (s *Service) problemFor(ctx context.Context, st Store, a *Actor, id int64) (*Problem, *OrgUnit, error) {
	p, err := st.Problem(ctx, id)
	if err != nil {
		if IsNotFound(err) {
			return nil, nil, Errorf(NotFound, "没有这个问题")
		}
		return nil, nil, err
	}
	if _, u, err := s.assessmentFor(ctx, st, a, p.AssessmentID); err == nil {
		return p, u, nil
	}
	return nil, nil, Errorf(NotFound, "没有这个问题")
}

// Problem returns one problem with the evidence of its rectification.
func (s *Service) Problem(ctx context.Context, a *Actor, id int64) (*Problem, *OrgUnit, []Evidence, error) {
	p, u, err := s.problemFor(ctx, s.Store, a, id)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := s.Store.EvidenceOf(ctx, p.AssessmentID)
	if err != nil {
		return nil, nil, nil, err
	}
	var evs []Evidence
	for _, e := range all {
		if e.ProblemID == p.ID {
			evs = append(evs, e)
		}
	}
	return p, u, evs, nil
}

// Overdue reports whether the problem is past its deadline and not done.
func (p *Problem) Overdue(today time.Time) bool {
	return !p.Deadline.IsZero() && (p.Status == ProblemOpen || p.Status == ProblemInProgress) && p.Deadline.Before(dateOnly(today))
}

// LedgerRow is a problem with its unit, for the ledger.
type LedgerRow struct {
	Problem
	Unit    OrgUnit
	Overdue bool
}

// Ledger is the rectification ledger (整改台账) of root's subtree: the problems of
// framework fw and period (0: every period), for an actor who may see them. Viewers
// see only the problems of published assessments. Three queries, however many
// counties: the problems, their assessments and the counties.
func (s *Service) Ledger(ctx context.Context, a *Actor, root *OrgUnit, fw string, period int) ([]LedgerRow, error) {
	if !a.CanSee(root) {
		return nil, Errorf(Forbidden, "无权查看该单位")
	}
	list, err := s.Store.Problems(ctx, ProblemQuery{UnitPath: root.Path, Framework: fw, Period: period})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	counties, err := s.Store.Subtree(ctx, root, LevelCounty)
	if err != nil {
		return nil, err
	}
	units := make(map[int64]*OrgUnit, len(counties))
	for i := range counties {
		units[counties[i].ID] = &counties[i]
	}
	assessments, err := s.Store.Assessments(ctx, AssessmentQuery{UnitPath: root.Path, Framework: fw, Period: period})
	if err != nil {
		return nil, err
	}
	visible := make(map[int64]bool, len(assessments))
	for i := range assessments {
		as := &assessments[i]
		if u := units[as.UnitID]; u != nil {
			visible[as.ID] = a.canSeeAssessment(u, as)
		}
	}
	var out []LedgerRow
	today := s.Now()
	for _, p := range list {
		if u := units[p.UnitID]; u != nil && visible[p.AssessmentID] {
			out = append(out, LedgerRow{Problem: p, Unit: *u, Overdue: p.Overdue(today)})
		}
	}
	return out, nil
}

// LedgerSheet is the ledger as a spreadsheet.
func LedgerSheet(title string, rows []LedgerRow) *Sheet {
	sh := &Sheet{Name: "整改台账", Title: title,
		Columns: []string{"序号", "单位", "年度", "测评点", "来源", "问题", "整改措施", "责任人", "完成时限", "状态", "是否逾期", "进展说明"}}
	for i, r := range rows {
		deadline := ""
		if !r.Deadline.IsZero() {
			deadline = r.Deadline.Format(time.DateOnly)
		}
		src := map[string]string{SourceDeduction: "失分", SourceFinding: "复核发现"}[r.Source]
		overdue := ""
		if r.Overdue {
			overdue = "逾期"
		}
		sh.Rows = append(sh.Rows, []any{i + 1, r.Unit.Name, r.Period, r.Point, src, r.Description, r.Measures, r.Owner,
			deadline, ProblemStatusNames[r.Status], overdue, r.Note})
	}
	sh.Notes = []string{"共" + strconv.Itoa(len(rows)) + "个问题。"}
	return sh
}

// Notice composes the rectification notice (整改通知书) of an assessment: its
// problems not yet verified, with measures and deadlines.
func (s *Service) Notice(ctx context.Context, a *Actor, id int64) (*Letter, error) {
	as, u, err := s.assessmentFor(ctx, s.Store, a, id)
	if err != nil {
		return nil, err
	}
	if !a.CanReview(u) && !a.CanEdit(u) {
		return nil, Errorf(Forbidden, "无权查看「%s」的整改通知书", u.Name)
	}
	prog, err := s.Program(ctx, as.Framework, as.FrameworkVersion)
	if err != nil {
		return nil, err
	}
	list, err := s.Store.Problems(ctx, ProblemQuery{AssessmentID: as.ID, Statuses: []string{ProblemOpen, ProblemInProgress, ProblemDone}})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, Errorf(NotFound, "「%s」没有待整改的问题", u.Name)
	}
	issuer := "教育督导委员会办公室"
	if parent, err := s.Store.Unit(ctx, u.ParentID); err == nil {
		issuer = parent.Name + "人民政府" + issuer
	}
	l := &Letter{Title: "关于" + u.Name + strconv.Itoa(as.Period) + "年度" + prog.FW.Name + "问题整改的通知",
		Recipient: u.Name + "人民政府",
		Paragraphs: []string{
			"根据" + strconv.Itoa(as.Period) + "年度" + prog.FW.Name + "复核结果，你单位存在以下" + strconv.Itoa(len(list)) +
				"个问题。请对照问题清单逐项制定整改措施，明确责任人和完成时限，按期整改到位，并将整改情况及佐证材料报送我办。",
		},
		Table: &Sheet{Columns: []string{"序号", "测评点", "问题", "整改措施", "责任人", "完成时限"},
			Widths: []float64{1.1, 1.8, 4.0, 2.8, 1.3, 1.5}},
		Closing: []string{"整改完成后，我办将组织验收。逾期未完成的，将在年度评价中予以通报。"},
		Issuer:  issuer, Date: s.Now()}
	for i, p := range list {
		deadline := "—"
		if !p.Deadline.IsZero() {
			deadline = p.Deadline.Format("2006年1月2日")
		}
		point := strings.TrimSpace(p.Point + " " + pointTitle(prog.FW, p.Point))
		// Descriptions stored before reasons were tidied may double a mark or a
		// deduction (「扣0.5分。，扣0.5分」).
		l.Table.Rows = append(l.Table.Rows, []any{strconv.Itoa(i + 1), point, engine.TidyReason(p.Description), p.Measures, p.Owner, deadline})
	}
	return l, nil
}

// pointTitle names a point, bonus item or veto of a framework, for lists.
func pointTitle(fw *engine.Framework, code string) string {
	k := kindOf(fw, code)
	switch {
	case k.point != nil:
		return k.point.Title
	case k.veto != nil:
		return k.veto.Title
	}
	return ""
}
