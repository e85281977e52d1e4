package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ziping"
	"ziping/assess"
	"ziping/engine"
	"ziping/rectify"
)

// statusOverdue filters the ledger to the problems past their deadline.
const statusOverdue = rectify.StatusOverdue

// problemStatuses are the problem statuses in workflow order.
var problemStatuses = []string{ziping.ProblemOpen, ziping.ProblemInProgress, ziping.ProblemDone, ziping.ProblemVerified}

// ledgerPageSize is how many problems a page of the ledger lists.
const ledgerPageSize = 50

// ledgerPage is the rectification ledger (整改台账) of a subtree.
type ledgerPage struct {
	Page
	Bulk     *ledgerBulk // the bulk actions, when the actor may take one on a row
	Unit     unitView
	Picker   picker
	Period   int
	FWName   string
	Filters  []option // the status filter as links: Value is the URL
	Rows     []ledgerRowView
	All      int
	Overdue  int
	XLSXURL  string
	RankURL  string // the ranking, for provinces and cities
	Filtered string // the filter's name, "" for all
	// The filter form: its action, the selection it keeps, the choices and what is
	// chosen; Matched is how many problems pass the filter (all pages).
	Action, FW                     string
	Counties, Points, Owners, Stat []option
	Q                              string
	Matched                        int
	ClearURL                       string
	// Paging.
	PageNo, Pages, From, To int
	PrevURL, NextURL        string
}

type ledgerRowView struct {
	URL, Unit, Point, Source, Description, Measures, Owner, Deadline, Status, StatusClass string
	Period                                                                                int
	Overdue                                                                               bool
	ID                                                                                    int64
	Pick, Picked                                                                          bool // may be ticked for a bulk action; ticked
}

// ledgerQuery is a ledger request: the unit, the selection, the filter and the page.
type ledgerQuery struct {
	unit   *ziping.OrgUnit
	sel    *selection
	filter rectify.LedgerFilter
	page   int
	all    []rectify.LedgerRow // the whole ledger of the selection
	rows   []rectify.LedgerRow // what passes the filter, every page
}

// link is the ledger (or its workbook, path) with the filter and extra parameters.
func (q *ledgerQuery) link(path string, extra ...string) string {
	f := q.filter
	kv := []string{"county", f.County, "point", f.Point, "owner", f.Owner, "status", f.Status, "q", f.Query}
	return q.sel.link(path, append(kv, extra...)...)
}

// ledgerOf reads the unit, the selection, the filter and the page of a ledger
// request, and the rows that pass the filter.
func (s *Server) ledgerOf(r *http.Request) (*ledgerQuery, error) {
	u, err := s.visibleUnit(r)
	if err != nil {
		return nil, err
	}
	if u.Level == ziping.LevelSchool {
		return nil, ziping.Errorf(ziping.NotFound, "整改台账以区县为单位，「%s」是学校", u.Name)
	}
	sel, err := s.workSelection(r, u, false)
	if err != nil {
		return nil, err
	}
	v := r.URL.Query()
	f := rectify.LedgerFilter{County: strings.TrimSpace(v.Get("county")), Point: strings.TrimSpace(v.Get("point")),
		Owner: strings.TrimSpace(v.Get("owner")), Status: v.Get("status"), Query: strings.TrimSpace(v.Get("q"))}
	if _, ok := ziping.ProblemStatusNames[f.Status]; !ok && f.Status != "" && f.Status != statusOverdue {
		return nil, ziping.Errorf(ziping.Invalid, "整改状态「%s」无效", f.Status)
	}
	for _, x := range []string{f.County, f.Point, f.Owner, f.Query} {
		if utf8.RuneCountInString(x) > 50 {
			return nil, ziping.Errorf(ziping.Invalid, "筛选条件不能超过50个字")
		}
	}
	q := &ledgerQuery{unit: u, sel: sel, filter: f, page: 1}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			return nil, ziping.Errorf(ziping.Invalid, "页码无效")
		}
		q.page = n
	}
	if q.all, err = s.svc.Rectify.Ledger(r.Context(), info(r).actor, u, sel.FW, sel.Period); err != nil {
		return nil, err
	}
	// A ledger asked for without a year opens on the latest year that has problems:
	// this year's are made when its assessments are accepted, and until then last
	// year's are the work (a county whose 2024 self-evaluation is a draft follows up
	// 2023's problems).
	if v.Get("period") == "" && len(q.all) == 0 {
		for i := len(sel.Periods) - 1; i >= 0; i-- {
			per := sel.Periods[i]
			if per >= sel.Period {
				continue
			}
			rows, err := s.svc.Rectify.Ledger(r.Context(), info(r).actor, u, sel.FW, per)
			if err != nil {
				return nil, err
			}
			if len(rows) > 0 {
				sel.Period, q.all = per, rows
				break
			}
		}
	}
	fw := sel.prog.FW
	q.rows = f.Filter(q.all, func(code string) string { return problemPointTitle(fw, code) })
	return q, nil
}

func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	q, err := s.ledgerOf(r)
	if err != nil {
		return err
	}
	u, sel, f, all := q.unit, q.sel, q.filter, q.all
	base := unitURL(u.Code) + "/problems"
	p := &ledgerPage{Unit: newUnitView(u), Picker: s.picker(base, sel, true), Period: sel.Period, FWName: sel.prog.FW.Name,
		All: len(all), XLSXURL: q.link(unitURL(u.Code) + "/problems.xlsx"), Action: base, FW: sel.FW, Q: f.Query, Matched: len(q.rows)}
	if u.Level != ziping.LevelCounty {
		p.RankURL = sel.link(unitURL(u.Code) + "/ranking")
	}
	if f != (rectify.LedgerFilter{}) {
		p.ClearURL = sel.link(base)
	}
	// The status links keep the other filters, and count what they would show.
	byStatus := *q
	byStatus.filter.Status = ""
	fw := sel.prog.FW
	unfiltered := byStatus.filter.Filter(all, func(code string) string { return problemPointTitle(fw, code) })
	counts := map[string]int{}
	for _, row := range unfiltered {
		counts[row.Status]++
		if row.Overdue {
			counts[statusOverdue]++
		}
	}
	for _, row := range all {
		if row.Overdue {
			p.Overdue++
		}
	}
	p.Filters = append(p.Filters, option{Value: byStatus.link(base), Label: fmt.Sprintf("全部（%d）", len(unfiltered)), Selected: f.Status == ""})
	p.Stat = append(p.Stat, option{Value: "", Label: "全部状态", Selected: f.Status == ""})
	for _, st := range append(slices.Clone(problemStatuses), statusOverdue) {
		name := ziping.ProblemStatusNames[st]
		if st == statusOverdue {
			name = "逾期"
		}
		if st == f.Status {
			p.Filtered = name
		}
		p.Filters = append(p.Filters, option{Value: byStatus.link(base, "status", st), Label: fmt.Sprintf("%s（%d）", name, counts[st]), Selected: st == f.Status})
		p.Stat = append(p.Stat, option{Value: st, Label: name, Selected: st == f.Status})
	}
	p.Counties, p.Points, p.Owners = ledgerChoices(fw, u.Level != ziping.LevelCounty, all, f)
	// The page asked for, kept within the pages there are.
	p.Pages = max(1, (len(q.rows)+ledgerPageSize-1)/ledgerPageSize)
	p.PageNo = min(q.page, p.Pages)
	from := (p.PageNo - 1) * ledgerPageSize
	to := min(len(q.rows), from+ledgerPageSize)
	if to > from {
		p.From, p.To = from+1, to
	}
	if p.PageNo > 1 {
		p.PrevURL = q.link(base, "page", strconv.Itoa(p.PageNo-1))
	}
	if p.PageNo < p.Pages {
		p.NextURL = q.link(base, "page", strconv.Itoa(p.PageNo+1))
	}
	for _, row := range q.rows[from:to] {
		p.Rows = append(p.Rows, ledgerRowView{URL: problemURL(row.ID), Unit: row.Unit.Name, Period: row.Period,
			Point: strings.TrimSpace(engine.PointRef(row.Point) + " " + problemPointTitle(fw, row.Point)), Source: problemSourceName(row.Source),
			Description: row.Description, Measures: row.Measures, Owner: row.Owner, Deadline: problemDate(row.Deadline),
			Status: row.StatusName(), StatusClass: problemStatusClass(row.Status), Overdue: row.Overdue})
	}
	if err := s.fillUnitPage(r, &p.Page, u, "整改台账"); err != nil {
		return err
	}
	code := s.fillLedgerBulk(r, p, u, sel.FW, all)
	return s.render(w, r, code, "ledger", p)
}

// ledgerChoices are the filter's choices: the counties, points and owners the
// ledger's problems have (a county ledger has no county choice), each marked when
// chosen; a choice no row has any more is kept so the form shows what is filtered.
func ledgerChoices(fw *engine.Framework, withCounty bool, all []rectify.LedgerRow, f rectify.LedgerFilter) (counties, points, owners []option) {
	seenCounty, seenPoint, seenOwner := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, row := range all {
		if c := row.County; withCounty && c.Code != "" && !seenCounty[c.Code] {
			seenCounty[c.Code] = true
			counties = append(counties, option{Value: c.Code, Label: c.Name, Selected: c.Code == f.County})
		}
		if pt := row.Point; pt != "" && !seenPoint[pt] {
			seenPoint[pt] = true
			points = append(points, option{Value: pt, Label: strings.TrimSpace(engine.PointRef(pt) + " " + problemPointTitle(fw, pt)), Selected: pt == f.Point})
		}
		if o := strings.TrimSpace(row.Owner); o != "" && !seenOwner[o] {
			seenOwner[o] = true
			owners = append(owners, option{Value: o, Label: o, Selected: o == f.Owner})
		}
	}
	sort.Slice(counties, func(i, j int) bool { return counties[i].Value < counties[j].Value })
	sort.Slice(points, func(i, j int) bool { return pointLess(points[i].Value, points[j].Value) })
	sort.Slice(owners, func(i, j int) bool { return owners[i].Value < owners[j].Value })
	if withCounty && f.County != "" && !seenCounty[f.County] {
		counties = append(counties, option{Value: f.County, Label: f.County, Selected: true})
	}
	if f.Point != "" && !seenPoint[f.Point] {
		points = append(points, option{Value: f.Point, Label: engine.PointRef(f.Point), Selected: true})
	}
	if f.Owner != "" && !seenOwner[f.Owner] {
		owners = append(owners, option{Value: f.Owner, Label: f.Owner, Selected: true})
	}
	return counties, points, owners
}

// pointLess orders point numbers as people count them: 2 before 10, 1.2 before 1.10.
func pointLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		switch {
		case errx == nil && erry == nil && x != y:
			return x < y
		case (errx != nil || erry != nil) && as[i] != bs[i]:
			return as[i] < bs[i]
		}
	}
	return len(as) < len(bs)
}

func (s *Server) ledgerXLSX(w http.ResponseWriter, r *http.Request) error {
	q, err := s.ledgerOf(r)
	if err != nil {
		return err
	}
	u, sel := q.unit, q.sel
	title := u.Name + strconv.Itoa(sel.Period) + "年度" + sel.prog.FW.Name + "整改台账"
	var buf bytes.Buffer
	if err := s.opts.Sheets(&buf, rectify.LedgerSheet(title, q.rows)); err != nil {
		return err
	}
	return sendDownload(w, &buf, ctypeXLSX, contentDisposition(title+".xlsx", u.Code+"-"+strconv.Itoa(sel.Period)+"-problems.xlsx"))
}

func problemURL(id int64) string { return "/problems/" + strconv.FormatInt(id, 10) }

func problemSourceName(src string) string {
	switch src {
	case ziping.SourceDeduction:
		return "失分"
	case ziping.SourceFinding:
		return "复核发现"
	}
	return src
}

func problemStatusClass(status string) string {
	switch status {
	case ziping.ProblemVerified:
		return "good"
	case ziping.ProblemDone:
		return "done"
	case ziping.ProblemInProgress:
		return "warn"
	}
	return "bad"
}

func problemDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// pointTitle names a point or veto of a framework ("" when there is none).
func problemPointTitle(fw *engine.Framework, code string) string {
	if code == "" {
		return ""
	}
	for _, a := range fw.Areas {
		for _, pt := range a.Points {
			if pt.Code == code {
				return pt.Title
			}
		}
	}
	if fw.Bonus != nil {
		for _, pt := range fw.Bonus.Items {
			if pt.Code == code {
				return pt.Title
			}
		}
	}
	for _, v := range fw.Vetoes {
		if v.Code == code {
			return v.Title
		}
	}
	return ""
}

// problemPage is one problem: what is wrong, the rectification so far, the
// evidence of completion, and the forms the actor may use.
type problemPage struct {
	Page
	ID            int64
	Unit          unitView
	Period        int
	FWName        string
	Point         string
	Source        string
	Description   string
	Status        string
	StatusClass   string
	Overdue       bool
	Stored        problemForm // what is saved
	Form          problemForm // what the edit form shows
	Statuses      []option    // what the actor may set; none: no edit form
	Evidence      []problemEvidenceRow
	Upload        bool // the actor may upload evidence of completion
	Accept        string
	Message       string // why the last submission was refused
	Action        string
	UploadAction  string
	AssessmentURL string
	LedgerURL     string
	NoticeURL     string // the rectification notice (Word), for the unit and its reviewers
	CarriedFrom   string // the problem of last period this continues
}

type problemForm struct {
	Measures, Owner, Deadline, Status, StatusName, Note string
	Version                                             int64
}

type problemEvidenceRow struct {
	Title, DocNumber, File, Size, URL, Created string
}

func (s *Server) problemOf(r *http.Request) (*ziping.Problem, *ziping.OrgUnit, []ziping.Evidence, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, nil, ziping.Errorf(ziping.NotFound, "没有这个问题")
	}
	return s.svc.Rectify.Problem(r.Context(), info(r).actor, id)
}

func (s *Server) problemPage(w http.ResponseWriter, r *http.Request) error {
	p, u, evs, err := s.problemOf(r)
	if err != nil {
		return err
	}
	pg, err := s.newProblemPage(r, p, u, evs)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "problem", pg)
}

func (s *Server) newProblemPage(r *http.Request, p *ziping.Problem, u *ziping.OrgUnit, evs []ziping.Evidence) (*problemPage, error) {
	a := info(r).actor
	prog, err := s.svc.Assess.Program(r.Context(), p.Framework, "")
	if err != nil {
		return nil, err
	}
	sel := &selection{FW: p.Framework, Period: p.Period}
	pg := &problemPage{ID: p.ID, Unit: newUnitView(u), Period: p.Period, FWName: prog.FW.Name,
		Point: strings.TrimSpace(engine.PointRef(p.Point) + " " + problemPointTitle(prog.FW, p.Point)), Source: problemSourceName(p.Source),
		Description: p.Description, Status: p.StatusName(), StatusClass: problemStatusClass(p.Status),
		Overdue: p.Overdue(s.now()), Stored: problemFormOf(p), Action: problemURL(p.ID), UploadAction: problemURL(p.ID) + "/evidence",
		AssessmentURL: "/assessments/" + strconv.FormatInt(p.AssessmentID, 10), LedgerURL: sel.link(unitURL(u.Code) + "/problems"),
		Accept: assess.EvidenceExtensions}
	pg.Form = pg.Stored
	pg.Statuses = statusOptions(a, u, p)
	pg.Upload = a.CanEdit(u) && p.Status != ziping.ProblemVerified
	if a.CanEdit(u) || a.CanReview(u) {
		pg.NoticeURL = pg.AssessmentURL + "/notice.docx"
	}
	if p.CarriedFrom != 0 {
		pg.CarriedFrom = problemURL(p.CarriedFrom)
	}
	for _, e := range evs {
		pg.Evidence = append(pg.Evidence, problemEvidenceRow{Title: e.Title, DocNumber: e.DocNumber, File: e.FileName, Size: sizeText(e.Size),
			URL: "/evidence/" + strconv.FormatInt(e.ID, 10), Created: e.CreatedAt.In(ziping.Zone()).Format("2006-01-02 15:04")})
	}
	crumbs, err := s.crumbs(r.Context(), a, u)
	if err != nil {
		return nil, err
	}
	pg.Title = u.Name + " 整改问题"
	pg.Crumbs, pg.Nav = append(crumbs, crumb{Name: "整改台账", URL: pg.LedgerURL}, crumb{Name: "问题 " + strconv.FormatInt(p.ID, 10)}), "units"
	return pg, nil
}

func problemFormOf(p *ziping.Problem) problemForm {
	return problemForm{Measures: p.Measures, Owner: p.Owner, Deadline: problemDate(p.Deadline), Status: p.Status,
		StatusName: ziping.ProblemStatusNames[p.Status], Note: p.Note, Version: p.Version}
}

// statusOptions are the statuses the actor may give the problem, as the service
// decides them: the unit works up to done; a reviewer above it verifies a done
// problem, sends it back, or reopens a verified one, and does nothing else.
func statusOptions(a *ziping.Actor, u *ziping.OrgUnit, p *ziping.Problem) []option {
	unit, reviewer := a.CanEdit(u), a.CanReview(u)
	var allowed []string
	switch {
	case reviewer && (p.Status == ziping.ProblemDone || p.Status == ziping.ProblemVerified):
		allowed = problemStatuses
	case unit && p.Status != ziping.ProblemVerified:
		allowed = problemStatuses[:3]
	}
	var out []option
	for _, st := range allowed {
		out = append(out, option{Value: st, Label: ziping.ProblemStatusNames[st], Selected: st == p.Status})
	}
	return out
}

// problemUpdate saves the edit form; a refused change shows the form again with
// what was typed and why.
func (s *Server) problemUpdate(w http.ResponseWriter, r *http.Request) error {
	p, _, _, err := s.problemOf(r)
	if err != nil {
		return err
	}
	form := problemForm{Measures: r.PostFormValue("measures"), Owner: r.PostFormValue("owner"),
		Deadline: strings.TrimSpace(r.PostFormValue("deadline")), Status: r.PostFormValue("status"), Note: r.PostFormValue("note")}
	form.StatusName = ziping.ProblemStatusNames[form.Status]
	up := rectify.ProblemUpdate{Measures: form.Measures, Owner: form.Owner, Status: form.Status, Note: form.Note}
	up.Version, err = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil {
		err = ziping.Errorf(ziping.Invalid, "表单缺少版本号，请刷新页面后重试")
	} else if form.Deadline != "" {
		if up.Deadline, err = time.Parse(time.DateOnly, form.Deadline); err != nil {
			err = ziping.Errorf(ziping.Invalid, "完成时限「%s」不是有效日期，应如2025-06-30", form.Deadline)
		}
	}
	if err == nil {
		_, err = s.svc.Rectify.UpdateProblem(r.Context(), info(r).actor, p.ID, up)
	}
	if err == nil {
		s.setFlash(w, r, "整改情况已保存。")
		http.Redirect(w, r, problemURL(p.ID), http.StatusSeeOther)
		return nil
	}
	return s.problemRefused(w, r, form, up.Version, err)
}

// problemRefused renders the problem again, as it is stored now, with the form as
// typed and the reason. After a conflict the form carries the current version, so
// that sending it again, having seen the other change, saves it.
func (s *Server) problemRefused(w http.ResponseWriter, r *http.Request, form problemForm, version int64, cause error) error {
	kind := ziping.ErrorKind(cause)
	if kind != ziping.Invalid && kind != ziping.Conflict && kind != ziping.Forbidden {
		return cause
	}
	p, u, evs, err := s.problemOf(r) // fresh: another change may have come first
	if err != nil {
		return err
	}
	pg, err := s.newProblemPage(r, p, u, evs)
	if err != nil {
		return err
	}
	pg.Message = safeMessage(cause, statusOf(cause))
	form.Version = version
	if kind == ziping.Conflict {
		form.Version = p.Version
	}
	pg.Form = form
	for i := range pg.Statuses {
		pg.Statuses[i].Selected = pg.Statuses[i].Value == form.Status
	}
	return s.render(w, r, statusOf(cause), "problem", pg)
}

// problemEvidence uploads a file as evidence of the problem's completion.
func (s *Server) problemEvidence(w http.ResponseWriter, r *http.Request) error {
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	p, u, _, err := s.problemOf(r)
	if err != nil {
		return err
	}
	if !info(r).actor.CanEdit(u) {
		return ziping.Errorf(ziping.Forbidden, "只有「%s」可以上传整改佐证材料", u.Name)
	}
	in := assess.EvidenceInput{ProblemID: p.ID, Title: r.PostFormValue("title"), DocNumber: r.PostFormValue("doc_number")}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.problemRefused(w, r, problemFormOf(p), p.Version, ziping.Errorf(ziping.Invalid, "请选择要上传的文件"))
	}
	defer file.Close()
	if in.Data, err = io.ReadAll(file); err != nil {
		return fmt.Errorf("read evidence upload: %w", err)
	}
	in.FileName = hdr.Filename
	if _, err := s.svc.Assess.AddEvidence(r.Context(), info(r).actor, p.AssessmentID, in); err != nil {
		return s.problemRefused(w, r, problemFormOf(p), p.Version, err)
	}
	s.setFlash(w, r, "已上传整改佐证材料。")
	http.Redirect(w, r, problemURL(p.ID), http.StatusSeeOther)
	return nil
}

// addFinding records a reviewer's own finding on an assessment.
func (s *Server) addFinding(w http.ResponseWriter, r *http.Request) error {
	id, err := findingAssessmentID(r)
	if err != nil {
		return err
	}
	in := rectify.FindingInput{Point: strings.TrimSpace(r.PostFormValue("point")), Description: r.PostFormValue("description")}
	if d := strings.TrimSpace(r.PostFormValue("deadline")); d != "" {
		if in.Deadline, err = time.Parse(time.DateOnly, d); err != nil {
			return ziping.Errorf(ziping.Invalid, "完成时限「%s」不是有效日期，应如2025-06-30", d)
		}
	}
	p, err := s.svc.Rectify.AddFinding(r.Context(), info(r).actor, id, in)
	if err != nil {
		return err
	}
	s.setFlash(w, r, "已添加复核发现的问题，编号"+strconv.FormatInt(p.ID, 10)+"。")
	http.Redirect(w, r, "/assessments/"+strconv.FormatInt(id, 10)+"#problems", http.StatusSeeOther)
	return nil
}

func findingAssessmentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, ziping.Errorf(ziping.NotFound, "没有这项自评")
	}
	return id, nil
}

// noticeDocx downloads the rectification notice (整改通知书) of an assessment.
func (s *Server) noticeDocx(w http.ResponseWriter, r *http.Request) error {
	id, err := findingAssessmentID(r)
	if err != nil {
		return err
	}
	l, err := s.svc.Rectify.Notice(r.Context(), info(r).actor, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.opts.Letter(&buf, l); err != nil {
		return err
	}
	return sendDownload(w, &buf, ctypeDOCX, contentDisposition(l.Title+".docx", "notice-"+strconv.FormatInt(id, 10)+".docx"))
}
