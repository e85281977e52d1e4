package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/engine"
	"ziping/rectify"
)

// The home page (工作台) tells each user what to do today, each entry linking to the
// page where it is done: a filler its unit's self-evaluations of this period
// (progress, what blocks the submission, what the reviewer returned, the report) and
// its problems due; a reviewer the assessments waiting for its review, oldest first,
// and the problems waiting for its verification; an administrator an overview and
// the same queue. A viewer has no work: its home is its unit's page.

type homePage struct {
	Page
	// Filler: the unit's own work; Reviews: the review queue and verification;
	// Admin: the overview.
	Filler, Reviews, Admin bool
	Unit                   *unitView
	UnitsURL               string
	Period                 int
	// a filler's self-evaluations of this period, and the frameworks not started
	Work       []workItem
	NotStarted []option // Value: where to start, Label: the framework's name
	StartURL   string
	// problems: a filler's to rectify (due within 30 days or overdue), a reviewer's
	// to verify, and the overdue ones of the reviewer's scope (the first
	// maxProblems of each; the counts and the ledger have them all)
	Due, Verify, Overdue    []homeProblem
	DueN, VerifyN, OverdueN int
	// the ledgers that hold them all, by framework and period
	DueIn, VerifyIn, OverdueIn []homeLink
	// a reviewer's (and an administrator's) queue
	Queue []queueRow
	// an administrator's overview of this period
	Overview []overviewRow
	// a reviewer's (and an administrator's) due dates of this period, with the
	// form that sets each
	DueDates []dueRow
	// an administrator's recent imports, users and data gaps
	AdminPanels *adminPanels
}

// dueRow is a framework's due date set on the reviewer's unit.
type dueRow struct {
	ID, Framework, Date, URL string
	Set                      bool
	Below                    string // the dates set below the reviewer's unit
}

// workItem is one self-evaluation on a filler's home.
type workItem struct {
	ID                string // element id
	Framework, Status string
	URL, ReportURL    string
	Scored, Points    int
	Percent           int
	Editable          bool
	// Blocking is what stops the submission, by kind in the readiness check's order
	// (assess), each kind's items in framework order; the first maxBlocking items
	// are linked to their places, the rest counted (MoreBlocking).
	Blocking             []blockingGroup
	MoreBlocking         int
	BlockingTotal        int
	ReturnNote           string
	Returned             []homeLink
	Report               string
	Waiting              string // what happens next when the unit has nothing to do
	SubmittedAt, Outcome string
	Due                  string // 截止日期 2025-06-30（还剩12天）
	DueLate              bool
}

// homeLink is an entry of a list with the page where it is dealt with.
type homeLink struct{ Text, URL string }

type homeProblem struct {
	URL, Unit, Point, Description, Deadline, Status string
	Overdue                                         bool
}

type queueRow struct {
	URL, Unit, Framework, Period, Status, SubmittedAt string
	Days                                              int
	Total                                             string
	Due                                               string
	DueLate                                           bool
}

type overviewRow struct {
	Framework string
	Counts    []int // by overviewStatuses
}

// overviewStatuses are the columns of the administrator's overview.
var overviewStatuses = []string{ziping.StatusDraft, ziping.StatusSubmitted, ziping.StatusReturned, ziping.StatusResubmitted, ziping.StatusReviewed, ziping.StatusPublished}

// blockingKindNames name the kinds of readiness items that block a submission.
var blockingKindNames = map[string]string{"no_data": "缺少本年度数据", "unscored": "尚未评分", "no_evidence": "缺少证明材料",
	"to_confirm": "沿用上年、待确认", "report": "自评报告待完善", "uncomputable": "无法计算", "veto_pending": "否决项尚未认定"}

// maxBlocking is how many blocking items a work item lists; the rest are counted.
const maxBlocking = 8

// dueSoon is how close a deadline must be for a problem to be on the home page.
const dueSoon = 30 * 24 * time.Hour

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	a := info(r).actor
	role := ziping.RoleAdmin
	if !a.IsAdmin() {
		role = a.User.Role
	}
	if role == ziping.RoleViewer || (role != ziping.RoleAdmin && a.Scope == nil) {
		return s.unitsHome(w, r)
	}
	ctx := r.Context()
	p := &homePage{Filler: role == ziping.RoleFiller, Reviews: role != ziping.RoleFiller, Admin: role == ziping.RoleAdmin, UnitsURL: "/units"}
	p.Title, p.Nav = "工作台", "home"
	if a.Scope != nil {
		uv := newUnitView(a.Scope)
		p.Unit, p.UnitsURL = &uv, unitURL(a.Scope.Code)
	}
	periods, err := s.svc.Store.Periods(ctx)
	if err != nil {
		return err
	}
	if len(periods) > 0 {
		p.Period = periods[len(periods)-1]
	}
	switch role {
	case ziping.RoleFiller:
		if err := s.fillerHome(ctx, a, p); err != nil {
			return err
		}
	default:
		if err := s.reviewerHome(ctx, a, p); err != nil {
			return err
		}
		if role == ziping.RoleAdmin {
			if err := s.adminOverview(ctx, p); err != nil {
				return err
			}
			if err := s.adminHome(ctx, a, p); err != nil {
				return err
			}
		}
	}
	return s.render(w, r, http.StatusOK, "home", p)
}

// unitsHome sends the user to its unit's page, an administrator to the first root.
func (s *Server) unitsHome(w http.ResponseWriter, r *http.Request) error {
	a := info(r).actor
	if a.Scope != nil {
		http.Redirect(w, r, unitURL(a.Scope.Code), http.StatusSeeOther)
		return nil
	}
	root, err := s.firstRoot(r.Context())
	if ziping.IsNotFound(err) {
		p := &emptyPage{Message: "系统中还没有任何单位。请先用命令 ziping unit add 建立省级单位，再用 ziping import 导入数据。"}
		p.Title = "首页"
		return s.render(w, r, http.StatusOK, "empty", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, unitURL(root.Code), http.StatusSeeOther)
	return nil
}

// fillerHome is a filler's work: its unit's self-evaluations of the period, the
// frameworks of its level not started, and its problems due.
func (s *Server) fillerHome(ctx context.Context, a *ziping.Actor, p *homePage) error {
	u := a.Scope
	list, err := s.svc.Assess.AssessmentsOf(ctx, a, u)
	if err != nil {
		return err
	}
	started := map[string]bool{}
	for _, as := range list {
		if as.Period != p.Period && !(as.SelfEditable() && as.Period < p.Period) {
			continue // this period's, and an older one still open
		}
		v, err := s.svc.Assess.Assessment(ctx, a, as.ID)
		if err != nil {
			return err
		}
		started[as.Framework] = true
		it := s.workItemOf(v)
		due, err := s.svc.Assess.DueDateOf(ctx, v.Unit, as.Framework, as.Period)
		if err != nil {
			return err
		}
		it.Due, it.DueLate = dueText(due, v.Assessment, s.svc.Assess.Now())
		p.Work = append(p.Work, it)
	}
	p.StartURL = unitURL(u.Code) + "/assessments"
	for _, id := range s.fwIDs {
		fw := s.programs[id].FW
		if assess.OrgLevel(fw.Level) != u.Level || started[id] || (u.Level == ziping.LevelSchool && fw.Level != "school") {
			continue
		}
		p.NotStarted = append(p.NotStarted, option{Value: p.StartURL, Label: fw.Name})
	}
	rows, err := s.svc.Rectify.Ledger(ctx, a, u, "", 0)
	if err != nil {
		return err
	}
	now := s.svc.Assess.Now()
	var due []rectify.LedgerRow
	for _, row := range rows {
		open := row.Status == ziping.ProblemOpen || row.Status == ziping.ProblemInProgress
		if open && (row.Overdue || !row.Deadline.IsZero() && row.Deadline.Sub(now) <= dueSoon) {
			due = append(due, row)
		}
	}
	p.Due, p.DueN, p.DueIn = s.homeProblems(due, u, "")
	return nil
}

// blockingGroup is one kind of what stops a submission: its name and count
// ("沿用上年、待确认 37项") and its items shown.
type blockingGroup struct {
	Name  string
	Items []homeLink
}

// workItemOf is a self-evaluation with its progress and what the unit must do next.
func (s *Server) workItemOf(v *assess.AssessmentView) workItem {
	as := v.Assessment
	fw := v.Program.FW
	it := workItem{ID: "work-" + strconv.FormatInt(as.ID, 10), Framework: fw.Name, Status: ziping.StatusNames[as.Status],
		URL: assessmentURL(as.ID), ReportURL: assessmentURL(as.ID) + "/report", Editable: as.SelfEditable()}
	var points []engine.PointResult
	for _, ar := range v.Self.Areas {
		points = append(points, ar.Points...)
	}
	points = append(points, v.Self.Bonus...)
	it.Points = len(points)
	for _, pr := range points {
		if pr.Status != engine.StatusPending {
			it.Scored++
		}
	}
	if it.Points > 0 {
		it.Percent = it.Scored * 100 / it.Points
	}
	if !it.Editable {
		it.Waiting = map[string]string{ziping.StatusSubmitted: "已提交，等待上级复核", ziping.StatusResubmitted: "已重新提交，等待上级复核",
			ziping.StatusReviewed: "已复核，等待公布", ziping.StatusPublished: "结果已公布"}[as.Status]
		if !as.SubmittedAt.IsZero() {
			it.SubmittedAt = localDate(as.SubmittedAt)
		}
		if f := v.Final(); f != nil && as.Status != ziping.StatusSubmitted && as.Status != ziping.StatusResubmitted {
			it.Outcome = f.Grade
			if fw.IsVerdict() {
				it.Outcome = f.Verdict
			}
		}
		return it
	}
	report, shown := 0, 0
	var kinds []string // of it.Blocking
	counts := map[string]int{}
	for _, ri := range s.svc.Assess.ReadinessOf(v) {
		if !ri.Blocking {
			continue
		}
		kind := ri.Kind
		if _, veto := engine.VetoNumber(ri.Point); veto && kind == "unscored" {
			kind = "veto_pending" // not counted in 已评 n/N, which counts points
		}
		if counts[kind] == 0 {
			kinds = append(kinds, kind)
			it.Blocking = append(it.Blocking, blockingGroup{})
		}
		counts[kind]++
		if ri.Kind == "report" {
			report++
		}
		it.BlockingTotal++
		if shown == maxBlocking {
			it.MoreBlocking++
			continue
		}
		shown++
		link := it.URL
		switch {
		case ri.Kind == "report":
			link = it.ReportURL
		case ri.Point != "":
			link = pointURL(as.ID, ri.Point)
		}
		g := &it.Blocking[len(it.Blocking)-1]
		g.Items = append(g.Items, homeLink{Text: ri.Text, URL: link})
	}
	for i, k := range kinds {
		name := blockingKindNames[k]
		if name == "" {
			name = "其他"
		}
		it.Blocking[i].Name = name + " " + strconv.Itoa(counts[k]) + "项"
	}
	switch {
	case v.Report == nil:
		it.Report = "自评报告未撰写"
	case report > 0:
		it.Report = "自评报告有" + strconv.Itoa(report) + "处需完善"
	default:
		it.Report = "自评报告已撰写，检查无问题"
	}
	if as.Status == ziping.StatusReturned {
		it.ReturnNote = as.ReturnNote
		for _, code := range assess.ScoreCodes(v.Scores[ziping.SideReview]) {
			if ps := v.Scores[ziping.SideReview][code]; ps.Justification != "" {
				it.Returned = append(it.Returned, homeLink{Text: engine.PointLabel(code) + "：" + ps.Justification, URL: pointURL(as.ID, code)})
			}
		}
	}
	return it
}

// reviewerHome is a reviewer's work: the queue, the problems done and waiting for
// its verification, and the overdue problems of its scope.
func (s *Server) reviewerHome(ctx context.Context, a *ziping.Actor, p *homePage) error {
	var err error
	queue, err := s.svc.Assess.ReviewQueue(ctx, a)
	if err != nil {
		return err
	}
	type fwPeriod struct {
		fw     string
		period int
	}
	units := map[fwPeriod][]ziping.OrgUnit{}
	for _, q := range queue {
		k := fwPeriod{q.Assessment.Framework, q.Assessment.Period}
		units[k] = append(units[k], q.Unit)
	}
	dues := map[fwPeriod]map[int64]assess.DueDate{}
	for k, us := range units {
		if dues[k], err = s.svc.Assess.DueDatesOf(ctx, us, k.fw, k.period); err != nil {
			return err
		}
	}
	now := s.svc.Assess.Now()
	for _, q := range queue {
		row := s.queueRowOf(q)
		row.Due, row.DueLate = dueText(dues[fwPeriod{q.Assessment.Framework, q.Assessment.Period}][q.Unit.ID], &q.Assessment, now)
		row.Due = strings.TrimPrefix(row.Due, "截止日期 ") // the column says it
		p.Queue = append(p.Queue, row)
	}
	root := a.Scope
	if root == nil {
		if root, err = s.firstRoot(ctx); ziping.IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
	}
	if err := s.homeDueDates(ctx, a, root, p); err != nil {
		return err
	}
	rows, err := s.svc.Rectify.Ledger(ctx, a, root, "", 0)
	if err != nil {
		return err
	}
	var verify, overdue []rectify.LedgerRow
	for _, row := range rows {
		switch {
		case row.Status == ziping.ProblemDone && a.CanReview(&row.Unit):
			verify = append(verify, row)
		case row.Overdue:
			overdue = append(overdue, row)
		}
	}
	p.Verify, p.VerifyN, p.VerifyIn = s.homeProblems(verify, root, ziping.ProblemDone)
	p.Overdue, p.OverdueN, p.OverdueIn = s.homeProblems(overdue, root, statusOverdue)
	return nil
}

// homeProblems are the first maxProblems of rows, most urgent first, their
// number, and the ledgers of root that list them all (filtered by status), one a
// framework and period.
func (s *Server) homeProblems(rows []rectify.LedgerRow, root *ziping.OrgUnit, status string) ([]homeProblem, int, []homeLink) {
	out := make([]homeProblem, 0, len(rows))
	type key struct {
		fw     string
		period int
	}
	count := map[key]int{}
	var keys []key
	for _, row := range rows {
		out = append(out, newHomeProblem(row))
		k := key{row.Framework, row.Period}
		if count[k] == 0 {
			keys = append(keys, k)
		}
		count[k]++
	}
	sortProblems(out)
	var links []homeLink
	for _, k := range keys {
		name := k.fw
		if prog := s.programs[k.fw]; prog != nil {
			name = prog.FW.Name
		}
		q := url.Values{"fw": {k.fw}, "period": {strconv.Itoa(k.period)}}
		if status != "" {
			q.Set("status", status)
		}
		links = append(links, homeLink{Text: name + " " + strconv.Itoa(k.period) + "年度 " + strconv.Itoa(count[k]) + "个",
			URL: unitURL(root.Code) + "/problems?" + q.Encode()})
	}
	return out[:min(len(out), maxProblems)], len(out), links
}

func (s *Server) queueRowOf(q assess.QueueItem) queueRow {
	as := &q.Assessment
	row := queueRow{URL: assessmentURL(as.ID), Unit: q.Unit.Name, Framework: as.Framework, Period: strconv.Itoa(as.Period) + "年度",
		Status: ziping.StatusNames[as.Status], Days: q.Days}
	if prog := s.programs[as.Framework]; prog != nil {
		row.Framework = prog.FW.Name
	}
	if !as.SubmittedAt.IsZero() {
		row.SubmittedAt = localDate(as.SubmittedAt)
	}
	if sm, err := assess.SummaryOf(as); err == nil && sm.Self != nil {
		row.Total = num(sm.Self.Total) + " / " + num(sm.Self.Max)
	}
	return row
}

// adminOverview counts this period's assessments by framework and status.
func (s *Server) adminOverview(ctx context.Context, p *homePage) error {
	root, err := s.firstRoot(ctx)
	if ziping.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, id := range s.fwIDs {
		counts, err := s.svc.Assess.StatusCounts(ctx, root, id, p.Period)
		if err != nil {
			return err
		}
		row := overviewRow{Framework: s.programs[id].FW.Name}
		total := 0
		for _, st := range overviewStatuses {
			row.Counts = append(row.Counts, counts[st])
			total += counts[st]
		}
		if total > 0 {
			p.Overview = append(p.Overview, row)
		}
	}
	return nil
}

func newHomeProblem(row rectify.LedgerRow) homeProblem {
	hp := homeProblem{URL: "/problems/" + strconv.FormatInt(row.ID, 10), Unit: row.Unit.Name, Point: row.Point,
		Description: row.Description, Status: ziping.ProblemStatusNames[row.Status], Overdue: row.Overdue}
	if strings.HasPrefix(row.Description, "第"+row.Point+"测评点") {
		hp.Point = "" // 「测评点6：第6测评点…」 would say it twice
	}
	if !row.Deadline.IsZero() {
		hp.Deadline = row.Deadline.Format(time.DateOnly)
	}
	return hp
}

// maxProblems is how many problems of a kind the home page lists.
const maxProblems = 10

// sortProblems puts overdue problems first, then by deadline (none last).
func sortProblems(ps []homeProblem) {
	slices.SortStableFunc(ps, func(x, y homeProblem) int {
		switch {
		case x.Overdue != y.Overdue:
			if x.Overdue {
				return -1
			}
			return 1
		case (x.Deadline == "") != (y.Deadline == ""):
			if x.Deadline == "" {
				return 1
			}
			return -1
		case x.Deadline < y.Deadline:
			return -1
		case x.Deadline > y.Deadline:
			return 1
		}
		return 0
	})
}

// localDate is t's day in the server's zone.
func localDate(t time.Time) string { return t.In(ziping.Zone()).Format("2006-01-02") }

// PointName names the problem's point or veto: 测评点6, 否决项1.
func (hp homeProblem) PointName() string { return engine.PointLabel(hp.Point) }
