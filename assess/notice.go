package assess

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ziping"
)

// The results notice (评价结果通报) of an area ranks its counties' published
// results (Ranking); whoever may publish them gives it its particulars: the issuing
// body, the 主送机关, the 发文字号 and the 成文日期.

// ResultNotice is the particulars of area's notice of framework fw and period: the
// stored ones, or (Version 0) the defaults a notice is issued with until someone
// sets them: the area's education supervision office, its counties' governments, no
// 文号 and no date. The notice is public: anyone may read it.
func (s *Service) ResultNotice(ctx context.Context, area *ziping.OrgUnit, fw string, period int) (*ziping.ResultNotice, error) {
	n, err := s.Store.ResultNotice(ctx, area.ID, fw, period)
	if ziping.IsNotFound(err) {
		return &ziping.ResultNotice{UnitID: area.ID, Framework: fw, Period: period, Issuer: DefaultNoticeIssuer(area),
			Recipient: DefaultNoticeRecipient(area)}, nil
	}
	return n, err
}

// DefaultNoticeIssuer is the issuing body of an area's notice nobody has set: its
// government's education supervision office.
func DefaultNoticeIssuer(area *ziping.OrgUnit) string {
	return area.Name + "人民政府教育督导委员会办公室"
}

// DefaultNoticeRecipient is the 主送机关 of an area's notice nobody has set.
func DefaultNoticeRecipient(area *ziping.OrgUnit) string {
	if area.Level == ziping.LevelProvince {
		return "各市、县（市、区）人民政府"
	}
	return "各县（市、区）人民政府"
}

// NoticeInput is what a publisher sets on a notice; Version is the one they edited
// (0 for a notice with no particulars yet).
type NoticeInput struct {
	Issuer, Recipient, Number string
	IssuedOn                  time.Time
	Version                   int64
}

// Limits of a notice's particulars, in characters.
const (
	maxNoticeIssuer    = 60
	maxNoticeRecipient = 100
	maxNoticeNumber    = 40
)

// SaveResultNotice sets the particulars of area's notice of fw and period, for an
// actor who may publish its counties' results (MayIssueNotice). The 文号's
// year brackets are written 〔〕 as GB/T 9704 has them (NormalizeDocNumber).
func (s *Service) SaveResultNotice(ctx context.Context, a *ziping.Actor, area *ziping.OrgUnit, fw string, period int, in NoticeInput) (*ziping.ResultNotice, error) {
	if !a.CanSee(area) {
		return nil, ziping.Errorf(ziping.NotFound, "单位不存在")
	}
	if !MayIssueNotice(a, area) {
		return nil, ziping.Errorf(ziping.Forbidden, "只有可以公布「%s」评价结果的督导人员可以设置结果通报的文号和日期", area.Name)
	}
	if area.Level != ziping.LevelProvince && area.Level != ziping.LevelCity {
		return nil, ziping.Errorf(ziping.Invalid, "结果通报以省或市为单位，「%s」不是", area.Name)
	}
	if _, err := s.Program(ctx, fw, ""); err != nil {
		return nil, err
	}
	n := &ziping.ResultNotice{UnitID: area.ID, Framework: fw, Period: period, Issuer: strings.TrimSpace(in.Issuer),
		Recipient: strings.TrimSpace(in.Recipient), Number: strings.TrimSpace(in.Number), IssuedOn: ziping.DateOnly(in.IssuedOn),
		Version: in.Version, UpdatedAt: s.now()}
	if a.User != nil {
		n.UpdatedBy = a.User.ID
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"发文机关", n.Issuer, maxNoticeIssuer}, {"主送机关", n.Recipient, maxNoticeRecipient}, {"文号", n.Number, maxNoticeNumber}} {
		if utf8.RuneCountInString(f.value) > f.max || strings.ContainsAny(f.value, "\r\n") {
			return nil, ziping.Errorf(ziping.Invalid, "%s不能超过%d个字，且只能写一行", f.name, f.max)
		}
	}
	if n.Issuer == "" {
		return nil, ziping.Errorf(ziping.Invalid, "请填写发文机关")
	}
	if n.Number != "" {
		num, _, err := NormalizeDocNumber(n.Number)
		if err != nil {
			return nil, err
		}
		n.Number = num
	}
	if y := n.IssuedOn.Year(); !n.IssuedOn.IsZero() && (y < period || y > period+5) {
		return nil, ziping.Errorf(ziping.Invalid, "成文日期应在%d年至%d年之间", period, period+5)
	}
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		old, err := tx.ResultNotice(ctx, area.ID, fw, period)
		if err != nil && !ziping.IsNotFound(err) {
			return err
		}
		if err := tx.SaveResultNotice(ctx, n); err != nil {
			if ziping.ErrorKind(err) == ziping.Conflict {
				return ziping.Errorf(ziping.Conflict, "结果通报已被他人修改，你的修改未保存。请刷新后重试")
			}
			return err
		}
		return s.audit(ctx, tx, a, "result_notice_save", NoticeAuditObject(area, fw, period), area.ID, noticeAudit(old), noticeAudit(n))
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// MayIssueNotice reports whether the actor may set the particulars of area's
// notice: admins, and reviewers whose scope holds the area (the area's own reviewer
// publishes its counties' results).
func MayIssueNotice(a *ziping.Actor, area *ziping.OrgUnit) bool {
	if a.IsAdmin() {
		return true
	}
	return a.User != nil && a.User.Role == ziping.RoleReviewer && a.Scope != nil && area.InSubtree(a.Scope)
}

// NoticeAuditObject names a notice in the audit log.
func NoticeAuditObject(area *ziping.OrgUnit, fw string, period int) string {
	return "notice:" + area.Code + "/" + fw + "/" + strconv.Itoa(period)
}

func noticeAudit(n *ziping.ResultNotice) map[string]any {
	if n == nil {
		return nil
	}
	date := ""
	if !n.IssuedOn.IsZero() {
		date = n.IssuedOn.Format(time.DateOnly)
	}
	return map[string]any{"issuer": n.Issuer, "recipient": n.Recipient, "number": n.Number, "issued_on": date, "version": n.Version}
}
