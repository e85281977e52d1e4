package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ziping"
)

// auditPageSize is how many entries a page of the audit trail shows.
const auditPageSize = 50

// auditPage is the audit trail, filtered and paged back from the newest entry.
type auditPage struct {
	Page
	UnitQ, UserQ, From, To string // the filters as typed
	Entries                []auditRow
	Message                string
	NextURL, FirstURL      string
	VerifyURL              string
	ZoneLabel              string // what the times are in: 北京时间, or the configured zone's name
}

type auditRow struct {
	Seq                        int64
	At, User, IP, Action, Unit string
	Object, Old, New           string       // the raw record, behind a toggle
	ObjectName                 string       // what was acted on, in words
	OldFields, NewFields       []auditField // the details, in Chinese
	RawAction                  string
}

// canAudit: admins see the whole trail, reviewers the part of their subtree.
func canAudit(a *ziping.Actor) bool {
	return a.IsAdmin() || (a.User.Role == ziping.RoleReviewer && a.Scope != nil)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	a := info(r).actor
	if !canAudit(a) {
		return ziping.Errorf(ziping.Forbidden, "只有系统管理员和督导复核人员可以查看审计日志")
	}
	ctx := r.Context()
	q := r.URL.Query()
	p := &auditPage{UnitQ: strings.TrimSpace(q.Get("unit")), UserQ: strings.TrimSpace(q.Get("user")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), FirstURL: "/audit"}
	p.Title, p.Nav = "审计日志", "audit"
	p.Crumbs = []crumb{{Name: "审计日志"}}
	p.ZoneLabel = zoneLabel(s.zone())
	if a.IsAdmin() {
		p.VerifyURL = "/audit/verify"
	}
	for _, v := range []string{p.UnitQ, p.UserQ, p.From, p.To} {
		if utf8.RuneCountInString(v) > 32 {
			return ziping.Errorf(ziping.Invalid, "筛选条件过长")
		}
	}
	aq := ziping.AuditQuery{Limit: auditPageSize}
	if a.Scope != nil {
		aq.UnitPath = a.Scope.Path
	}
	if b := q.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 1 {
			return ziping.Errorf(ziping.Invalid, "页码参数无效")
		}
		aq.Before = n
	}
	var err error
	if aq.From, err = parseDay(p.From, "起始日期"); err != nil {
		return err
	}
	if aq.To, err = parseDay(p.To, "截止日期"); err != nil {
		return err
	}
	if !aq.To.IsZero() {
		aq.To = aq.To.AddDate(0, 0, 1) // through the whole last day
	}
	empty := false
	if p.UnitQ != "" {
		u, err := s.svc.Store.UnitByCode(ctx, p.UnitQ)
		switch {
		case ziping.IsNotFound(err):
			p.Message, empty = "没有代码为「"+p.UnitQ+"」的单位。", true
		case err != nil:
			return err
		case !a.CanSee(u):
			return ziping.Errorf(ziping.Forbidden, "您无权查看该单位的审计日志")
		default:
			aq.UnitPath = u.Path
		}
	}
	if p.UserQ != "" && !empty {
		u, err := s.svc.Store.UserByName(ctx, p.UserQ)
		switch {
		case ziping.IsNotFound(err):
			p.Message, empty = "没有用户名为「"+p.UserQ+"」的用户。", true
		case err != nil:
			return err
		default:
			aq.UserID = u.ID
		}
	}
	if !empty {
		es, err := s.svc.Store.Audit(ctx, aq)
		if err != nil {
			return err
		}
		units, objects := map[int64]string{}, map[string]string{}
		for _, e := range es {
			p.Entries = append(p.Entries, auditRow{Seq: e.Seq, At: e.At.In(s.zone()).Format("2006-01-02 15:04:05"), User: auditUser(e),
				IP: auditIP(e.IP), Action: actionName(e.Action), RawAction: e.Action, Unit: s.unitName(r, units, e.UnitID), Object: e.Object,
				ObjectName: s.auditObject(ctx, objects, e.Object), Old: prettyJSON(e.Old), New: prettyJSON(e.New),
				OldFields: s.auditFields(e.Old), NewFields: s.auditFields(e.New)})
		}
		if len(es) == auditPageSize {
			v := url.Values{}
			for k, x := range map[string]string{"unit": p.UnitQ, "user": p.UserQ, "from": p.From, "to": p.To} {
				if x != "" {
					v.Set(k, x)
				}
			}
			v.Set("before", strconv.FormatInt(es[len(es)-1].Seq, 10))
			p.NextURL = "/audit?" + v.Encode()
		}
	}
	return s.render(w, r, http.StatusOK, "audit", p)
}

func (s *Server) unitName(r *http.Request, cache map[int64]string, id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := cache[id]; ok {
		return n
	}
	n := ""
	if u, err := s.svc.Store.Unit(r.Context(), id); err == nil {
		n = u.Name + "（" + u.Code + "）"
	}
	cache[id] = n
	return n
}

// parseDay reads a date of the filter form (YYYY-MM-DD, in the configured zone).
func parseDay(s, label string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, ziping.Zone())
	if err != nil {
		return time.Time{}, ziping.Errorf(ziping.Invalid, "%s应为“年-月-日”格式，如 2024-05-01", label)
	}
	return t, nil
}

// prettyJSON indents a JSON value for reading; text that is not JSON is shown as is.
func prettyJSON(s string) string {
	if s == "" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return s
	}
	return b.String()
}

// auditVerifyPage is the result of checking the audit chain.
type auditVerifyPage struct {
	Page
	Checked int64
	OK      bool
	Broken  int64
	Reason  string
	// Checkpoints compared, and where the chain switched to keyed hashes (0: unkeyed).
	Checkpoints int
	Keyed       int64
}

func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) error {
	if !info(r).actor.IsAdmin() {
		return ziping.Errorf(ziping.Forbidden, "只有系统管理员可以校验审计日志")
	}
	rep, err := s.svc.Audit.Verify(r.Context())
	p := &auditVerifyPage{Checked: rep.Entries, OK: err == nil, Checkpoints: rep.Checkpoints, Keyed: rep.KeyedFrom}
	var ce *ziping.ChainError
	if errors.As(err, &ce) {
		p.Broken, p.Reason = ce.Seq, ce.Reason
	} else if err != nil {
		return err
	}
	p.Title, p.Nav = "审计日志校验", "audit"
	p.Crumbs = []crumb{{Name: "审计日志", URL: "/audit"}, {Name: "校验"}}
	return s.render(w, r, http.StatusOK, "auditverify", p)
}

// auditIP is where an entry came from: the client's address, or 命令行 for what
// the system did from the command line on the server (ziping.System's "cli").
func auditIP(ip string) string {
	if ip == ziping.System.IP {
		return "命令行"
	}
	return ip
}
