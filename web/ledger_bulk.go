package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"ziping"
	"ziping/engine"
	"ziping/rectify"
)

func init() { pageParts["ledger"] = append(pageParts["ledger"], "ledgerbulk.html") }

// ledgerBulkRoute is the ledger's bulk actions: one form, the ticked problems.
const ledgerBulkRoute = "POST /units/{code}/problems/bulk"

// ledgerBulk is the bulk form above the ledger's table (works without JavaScript:
// the rows' boxes belong to it through their form attribute). A refused request
// shows the ledger again with the reason, the boxes still ticked and what was typed.
type ledgerBulk struct {
	Action         string // the form's action, keeping the ledger's selection and filters
	Assign, Verify bool   // the actor may assign (the unit) or verify (a reviewer) some row
	Owner          string
	Deadline       string
	Reason         string
	Message        string
}

// bulkRefusal is a refused bulk request, handed to the ledger it is shown on.
type bulkRefusal struct {
	status                  int
	message                 string
	ids                     []int64
	owner, deadline, reason string
}

type bulkRefusalKey struct{}

// fillLedgerBulk adds the bulk form to a ledger page and marks the rows the actor
// may tick: a problem of a unit it edits (to assign it, unless verified or a data
// gap) or a done problem of a unit it reviews (to verify it or send it back). It
// returns the status to render the page with: a refused bulk request's.
func (s *Server) fillLedgerBulk(r *http.Request, p *ledgerPage, u *ziping.OrgUnit, fw string, all []rectify.LedgerRow) int {
	a := info(r).actor
	byURL := make(map[string]*rectify.LedgerRow, len(all))
	for i := range all {
		byURL[problemURL(all[i].ID)] = &all[i]
	}
	refused, _ := r.Context().Value(bulkRefusalKey{}).(*bulkRefusal)
	b := &ledgerBulk{}
	for i := range p.Rows {
		row := byURL[p.Rows[i].URL]
		if row == nil {
			continue
		}
		assign := a.CanEdit(&row.Unit) && row.Status != ziping.ProblemVerified && !row.DataGap
		verify := a.CanReview(&row.Unit) && row.Status == ziping.ProblemDone
		b.Assign, b.Verify = b.Assign || assign, b.Verify || verify
		p.Rows[i].ID, p.Rows[i].Pick = row.ID, assign || verify
		p.Rows[i].Picked = refused != nil && slices.Contains(refused.ids, row.ID)
	}
	if !b.Assign && !b.Verify && refused == nil {
		return http.StatusOK
	}
	q := r.URL.Query()
	q.Set("fw", fw)
	q.Set("period", strconv.Itoa(p.Period))
	b.Action = unitURL(u.Code) + "/problems/bulk?" + q.Encode()
	p.Bulk = b
	if refused == nil {
		return http.StatusOK
	}
	b.Message, b.Owner, b.Deadline, b.Reason = refused.message, refused.owner, refused.deadline, refused.reason
	return refused.status
}

// ledgerBulkAction asks, then applies, a bulk action on the ticked problems of a
// unit's ledger: assign owner and deadline, verify, or send back. The question names
// every problem and what will change; the answer is all or nothing at the versions
// the question showed.
func (s *Server) ledgerBulkAction(w http.ResponseWriter, r *http.Request) error {
	u, err := s.visibleUnit(r)
	if err != nil {
		return err
	}
	if u.Level == ziping.LevelSchool {
		return ziping.Errorf(ziping.NotFound, "整改台账以区县为单位，「%s」是学校", u.Name)
	}
	ctx, a := r.Context(), info(r).actor
	form := r.PostForm
	in := rectify.BulkInput{Action: form.Get("action"), Owner: form.Get("owner"), Reason: form.Get("reason")}
	deadline := strings.TrimSpace(form.Get("deadline"))
	refusal := &bulkRefusal{owner: in.Owner, deadline: deadline, reason: in.Reason}
	refuse := func(err error) error {
		kind := ziping.ErrorKind(err)
		if kind != ziping.Invalid && kind != ziping.Conflict {
			return err // denials: the error page, nothing said about the problems
		}
		refusal.status, refusal.message = statusOf(err), safeMessage(err, statusOf(err))
		return s.ledgerPage(w, r.WithContext(context.WithValue(ctx, bulkRefusalKey{}, refusal)))
	}
	ids, versions := form["id"], form["version"]
	if len(ids) > rectify.MaxBulk {
		return refuse(ziping.Errorf(ziping.Invalid, "一次最多处理%d个问题，已勾选%d个", rectify.MaxBulk, len(ids)))
	}
	if confirmed(r) && len(versions) != len(ids) {
		return ziping.Errorf(ziping.Invalid, "表单已损坏，请返回台账重新选择")
	}
	for i, v := range ids {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return ziping.Errorf(ziping.Invalid, "表单已损坏，请返回台账重新选择")
		}
		ref := rectify.ProblemRef{ID: id}
		if confirmed(r) {
			if ref.Version, err = strconv.ParseInt(versions[i], 10, 64); err != nil || ref.Version <= 0 {
				return ziping.Errorf(ziping.Invalid, "表单已损坏，请返回台账重新选择")
			}
		}
		in.Problems = append(in.Problems, ref)
		refusal.ids = append(refusal.ids, id)
	}
	if deadline != "" {
		if in.Deadline, err = time.Parse(time.DateOnly, deadline); err != nil {
			return refuse(ziping.Errorf(ziping.Invalid, "整改时限「%s」不是有效日期，应如2025-06-30", deadline))
		}
	}
	back := s.ledgerBack(r, u)
	if !confirmed(r) {
		changes, err := s.svc.Rectify.CheckBulk(ctx, a, u, in)
		if err != nil {
			return refuse(err)
		}
		return s.askBulk(w, r, u, in, changes, back)
	}
	changes, err := s.svc.Rectify.ApplyBulk(ctx, a, u, in)
	if err != nil {
		return refuse(err)
	}
	n := strconv.Itoa(len(changes))
	msg := map[string]string{rectify.BulkAssign: "已为" + n + "个问题分配责任人和整改时限。",
		rectify.BulkVerify: n + "个问题已核实通过（已验收）。", rectify.BulkReturn: n + "个问题已退回整改。"}[in.Action]
	return s.done(w, r, msg, back)
}

// ledgerBack is the ledger the bulk form came from, with its selection and filters.
func (s *Server) ledgerBack(r *http.Request, u *ziping.OrgUnit) string {
	q := r.URL.Query()
	for k := range q {
		if !slices.Contains([]string{"fw", "period", "county", "point", "owner", "status", "q", "page"}, k) {
			q.Del(k)
		}
	}
	return unitURL(u.Code) + "/problems?" + q.Encode()
}

// askBulk is the question before a bulk action: what will change, problem by
// problem, grouped by unit.
func (s *Server) askBulk(w http.ResponseWriter, r *http.Request, u *ziping.OrgUnit, in rectify.BulkInput, changes []rectify.BulkChange, back string) error {
	n := strconv.Itoa(len(changes))
	p := &confirmPage{Action: r.URL.Path + "?" + r.URL.RawQuery, CancelURL: back, parents: []crumb{{Name: "整改台账", URL: back}}}
	owner, reason := strings.TrimSpace(in.Owner), strings.TrimSpace(in.Reason)
	switch in.Action {
	case rectify.BulkAssign:
		p.Heading, p.Button = "确认批量分配整改责任", "确认分配这"+n+"个问题"
		var set []string
		if owner != "" {
			set = append(set, "责任人（责任单位）设为「"+owner+"」")
		}
		if !in.Deadline.IsZero() {
			set = append(set, "整改时限设为"+in.Deadline.Format(time.DateOnly))
		}
		p.Lines = []string{"将以下" + n + "个问题的" + strings.Join(set, "，") + "（各问题原来的值见下）。",
			"整改状态和整改措施不变；每个问题的修改都记入审计日志。"}
		if owner == "" || in.Deadline.IsZero() {
			p.Lines = append(p.Lines, "未填写的一项保持各问题原来的值。")
		}
	case rectify.BulkVerify:
		p.Heading, p.Button = "确认批量核实通过", "确认核实通过这"+n+"个问题"
		p.Lines = []string{"核实以下" + n + "个已完成的问题整改到位，状态改为「已验收」。",
			"验收后，被评单位不能再修改这些问题；如需重新整改，督导部门须写明理由重新打开。每个问题的核实都记入审计日志。"}
		if reason != "" {
			p.Quote = option{Label: "核实说明", Value: reason}
		}
	case rectify.BulkReturn:
		p.Heading, p.Button, p.Danger = "确认批量退回整改", "确认退回这"+n+"个问题", true
		p.Lines = []string{"将以下" + n + "个已完成的问题退回整改，状态改为「整改中」，由被评单位继续整改后再次标记完成。",
			"退回理由写入每个问题的进展说明，被评单位可以看到；每个问题的退回都记入审计日志。"}
		p.Quote = option{Label: "退回理由", Value: reason}
	}
	p.Fields = []option{{Label: "action", Value: in.Action}, {Label: "owner", Value: owner}, {Label: "reason", Value: reason}}
	if !in.Deadline.IsZero() {
		p.Fields = append(p.Fields, option{Label: "deadline", Value: in.Deadline.Format(time.DateOnly)})
	}
	prog, err := s.svc.Assess.Program(r.Context(), changes[0].Before.Framework, "")
	if err != nil {
		return err
	}
	at := map[int64]int{}
	for _, c := range changes {
		i, ok := at[c.Unit.ID]
		if !ok {
			i = len(p.Groups)
			at[c.Unit.ID] = i
			p.Groups = append(p.Groups, confirmGroup{Name: c.Unit.Name})
		}
		p.Groups[i].Items = append(p.Groups[i].Items, bulkItemText(in.Action, c, problemPointTitle(prog.FW, c.Before.Point)))
		p.Fields = append(p.Fields, option{Label: "id", Value: strconv.FormatInt(c.Before.ID, 10)},
			option{Label: "version", Value: strconv.FormatInt(c.Before.Version, 10)})
	}
	for i := range p.Groups {
		p.Groups[i].Name += "（" + strconv.Itoa(len(p.Groups[i].Items)) + "个问题）"
	}
	return s.renderConfirm(w, r, u, p)
}

// bulkItemText is one problem on the question: which it is and what changes.
func bulkItemText(action string, c rectify.BulkChange, title string) string {
	b, a := c.Before, c.After
	desc := []rune(b.Description)
	if len(desc) > 40 {
		desc = append(desc[:40], '…')
	}
	t := "问题" + strconv.FormatInt(b.ID, 10)
	if b.Point != "" {
		t += " · " + strings.TrimSpace(engine.PointLabel(b.Point)+" "+title)
	}
	t += "：" + string(desc)
	orNone := func(s string) string {
		if s == "" {
			return "未填写"
		}
		return "「" + s + "」"
	}
	if action == rectify.BulkAssign {
		var ch []string
		if a.Owner != b.Owner {
			ch = append(ch, "责任人 "+orNone(b.Owner)+" → "+orNone(a.Owner))
		}
		if !a.Deadline.Equal(b.Deadline) {
			ch = append(ch, "时限 "+orNone(problemDate(b.Deadline))+" → "+problemDate(a.Deadline))
		}
		if len(ch) == 0 {
			ch = append(ch, "已是这些值，不变")
		}
		return t + "（" + strings.Join(ch, "；") + "）"
	}
	return t + "（" + b.StatusName() + " → " + ziping.ProblemStatusNames[a.Status] + "）"
}
