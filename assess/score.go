package assess

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"

	"ziping"
	"ziping/engine"
)

// ScoreInput is one person's score of one point, as a form sends it. Version is the
// version of the score the person was looking at (0 when there was none): a score
// changed by someone else since is a conflict, never silently overwritten.
type ScoreInput struct {
	Side          string
	Code          string
	Score         *float64
	Checked       []string
	Triggered     *bool
	Justification string
	Version       int64
	Clear         bool // remove the score (a review score: back to the self score)
}

// ScoreConflict is the Err of the Conflict returned when someone else changed the
// score first: Current is their score, By their name.
type ScoreConflict struct {
	Current ziping.PointScore
	Exists  bool
	By      string
}

func (c *ScoreConflict) Error() string { return "score changed by " + c.By }

// ScorePoint saves a self or review score of one point, recomputes the assessment's
// summary and records both in the audit trail with the justification.
func (s *Service) ScorePoint(ctx context.Context, a *ziping.Actor, id int64, in ScoreInput) (*ziping.PointScore, error) {
	var saved *ziping.PointScore
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Find(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := MayScore(a, as, u, in.Side); err != nil {
			return err
		}
		prog, err := s.Program(ctx, as.Framework, as.FrameworkVersion)
		if err != nil {
			return err
		}
		ps := &ziping.PointScore{AssessmentID: as.ID, Side: in.Side, Code: in.Code, Score: in.Score, Checked: in.Checked,
			Triggered: in.Triggered, Justification: strings.TrimSpace(in.Justification), Version: in.Version,
			UpdatedBy: a.UserID(), UpdatedAt: s.now()}
		if !in.Clear {
			if err := checkScore(prog.FW, ps); err != nil {
				return err
			}
		}
		if k := kindOf(prog.FW, in.Code).kind; in.Side == ziping.SideSelf && !in.Clear && (k == codeData || k == codeChecklist && in.Score != nil) {
			v, err := s.ViewIn(ctx, tx, as, u)
			if err != nil {
				return err
			}
			if _, gap := v.Gaps[in.Code]; !gap {
				return ziping.Errorf(ziping.Invalid, "%s由数据计算，不需要人工评分", engine.PointLabel(in.Code))
			}
		}
		old, err := s.writeScore(ctx, tx, ps, in.Clear)
		if err != nil {
			return err
		}
		if err := s.Refresh(ctx, tx, as, u); err != nil {
			return err
		}
		if !in.Clear {
			saved = ps
		}
		action := "score_" + in.Side
		var newVal any = scoreAudit(ps)
		if in.Clear {
			newVal = nil
		}
		return s.audit(ctx, tx, a, action, AuditObject(as)+"/point:"+in.Code, u.ID, old, newVal)
	})
	return saved, err
}

// MayScore says whether the actor may change side (SideSelf or SideReview) of the
// assessment now: its scores and, on the self side, its evidence and report.
func MayScore(a *ziping.Actor, as *ziping.Assessment, u *ziping.OrgUnit, side string) error {
	switch side {
	case ziping.SideSelf:
		if !a.CanEdit(u) {
			return ziping.Errorf(ziping.Forbidden, "无权修改「%s」的自评", u.Name)
		}
		if !as.SelfEditable() {
			return ziping.Errorf(ziping.Conflict, "自评%s，不能再修改", ziping.StatusNames[as.Status])
		}
	case ziping.SideReview:
		if !a.CanReview(u) {
			return ziping.Errorf(ziping.Forbidden, "无权复核「%s」的自评", u.Name)
		}
		if a.User != nil && as.SubmittedBy == a.User.ID {
			return ziping.Errorf(ziping.Forbidden, "不能复核自己提交的自评")
		}
		if !as.UnderReview() {
			return ziping.Errorf(ziping.Conflict, "自评%s，不在复核阶段", ziping.StatusNames[as.Status])
		}
	default:
		return ziping.Errorf(ziping.Invalid, "评分方「%s」无效", side)
	}
	return nil
}

// writeScore saves or clears ps, turning a version conflict into a ScoreConflict
// that carries the other person's value. It returns the old score for the audit.
func (s *Service) writeScore(ctx context.Context, tx Store, ps *ziping.PointScore, clear bool) (any, error) {
	scores, err := tx.PointScores(ctx, ps.AssessmentID)
	if err != nil {
		return nil, err
	}
	var cur *ziping.PointScore
	for i := range scores {
		if scores[i].Side == ps.Side && scores[i].Code == ps.Code {
			cur = &scores[i]
		}
	}
	curVersion := int64(0)
	if cur != nil {
		curVersion = cur.Version
	}
	if curVersion != ps.Version {
		return nil, s.scoreConflict(ctx, tx, cur)
	}
	var old any
	if cur != nil {
		old = scoreAudit(cur)
	}
	switch {
	case clear && cur == nil:
		return nil, nil
	case clear:
		err = tx.DeletePointScore(ctx, ps.AssessmentID, ps.Side, ps.Code, ps.Version)
	default:
		err = tx.SavePointScore(ctx, ps)
	}
	var ze *ziping.Error
	if errors.As(err, &ze) && ze.Kind == ziping.Conflict {
		return nil, s.scoreConflict(ctx, tx, cur) // lost a race between our read and write
	}
	return old, err
}

func (s *Service) scoreConflict(ctx context.Context, tx Store, cur *ziping.PointScore) error {
	c := &ScoreConflict{}
	msg := "该项评分已被他人删除，你的修改未保存。请核对后重新填写"
	if cur != nil {
		c.Current, c.Exists = *cur, true
		c.By = "他人"
		if u, err := tx.User(ctx, cur.UpdatedBy); err == nil {
			c.By = u.Name
			if c.By == "" {
				c.By = u.Username
			}
		}
		msg = "该项评分已被" + c.By + "修改为「" + scoreText(cur) + "」，你的修改未保存。请核对后重新填写"
	}
	return &ziping.Error{Kind: ziping.Conflict, Msg: msg, Err: c}
}

// scoreText is a score in words, for conflict messages and the audit page.
func scoreText(ps *ziping.PointScore) string {
	var parts []string
	if ps.Score != nil {
		parts = append(parts, num2(*ps.Score)+"分")
	}
	if len(ps.Checked) > 0 {
		parts = append(parts, "勾选"+strings.Join(ps.Checked, "、"))
	}
	if ps.Triggered != nil {
		parts = append(parts, map[bool]string{true: "触发", false: "未触发"}[*ps.Triggered])
	}
	if len(parts) == 0 {
		parts = append(parts, "未评分")
	}
	t := strings.Join(parts, "，")
	if ps.Justification != "" {
		t += "；理由：" + ps.Justification
	}
	return t
}

func scoreAudit(ps *ziping.PointScore) map[string]any {
	m := map[string]any{"justification": ps.Justification}
	if ps.Score != nil {
		m["score"] = *ps.Score
	}
	if ps.Checked != nil {
		m["checked"] = ps.Checked
	}
	if ps.Triggered != nil {
		m["triggered"] = *ps.Triggered
	}
	return m
}

// checkScore validates a score against the framework: what the code names decides
// what may be given.
func checkScore(fw *engine.Framework, ps *ziping.PointScore) error {
	k := kindOf(fw, ps.Code)
	if k.kind == codeUnknown {
		return ziping.Errorf(ziping.Invalid, "评价体系中没有「%s」", ps.Code)
	}
	if ps.Side == ziping.SideReview {
		return checkReviewScore(k, ps)
	}
	switch k.kind {
	case codeData:
		// Only a point the data cannot compute is scored by hand (ScorePoint checks).
		if ps.Triggered != nil || len(ps.Checked) > 0 {
			return ziping.Errorf(ziping.Invalid, "%s请填写分数", engine.PointLabel(ps.Code))
		}
		return checkGapScore(k.point, ps)
	case codeVeto:
		if !k.manualVeto {
			return ziping.Errorf(ziping.Invalid, "%s由数据判定，不需要人工认定", engine.PointLabel(ps.Code))
		}
		if ps.Triggered == nil || ps.Score != nil || len(ps.Checked) > 0 {
			return ziping.Errorf(ziping.Invalid, "%s请选择是否触发", engine.PointLabel(ps.Code))
		}
		if *ps.Triggered && ps.Justification == "" {
			return ziping.Errorf(ziping.Invalid, "%s认定触发时须说明理由", engine.PointLabel(ps.Code))
		}
	case codeManual:
		if err := checkRange(k.point, ps.Score); err != nil {
			return err
		}
		if ps.Justification == "" {
			return ziping.Errorf(ziping.Invalid, "%s须填写评分说明", engine.PointLabel(ps.Code))
		}
	case codeChecklist:
		return checkChecklist(k.point, ps)
	}
	return nil
}

// checkGapScore checks a hand score of a whole point the data cannot compute.
func checkGapScore(pt *engine.Point, ps *ziping.PointScore) error {
	if err := checkRange(pt, ps.Score); err != nil {
		return err
	}
	if ps.Justification == "" {
		return ziping.Errorf(ziping.Invalid, "%s由人工评分时须说明理由（如所缺数据的来源）", engine.PointLabel(ps.Code))
	}
	return nil
}

func checkReviewScore(k codeKind, ps *ziping.PointScore) error {
	if ps.Justification == "" {
		return ziping.Errorf(ziping.Invalid, "复核%s须写明理由", ps.Code)
	}
	if k.kind == codeVeto {
		if ps.Triggered == nil || ps.Score != nil {
			return ziping.Errorf(ziping.Invalid, "复核%s请选择是否触发", engine.PointLabel(ps.Code))
		}
		return nil
	}
	if ps.Triggered != nil || len(ps.Checked) > 0 {
		return ziping.Errorf(ziping.Invalid, "复核%s请填写复核分数", engine.PointLabel(ps.Code))
	}
	return checkRange(k.point, ps.Score)
}

func checkRange(pt *engine.Point, score *float64) error {
	if score == nil || math.IsNaN(*score) || math.IsInf(*score, 0) {
		return ziping.Errorf(ziping.Invalid, "%s请填写分数", engine.PointLabel(pt.Code))
	}
	if *score < 0 || *score > pt.Max+1e-9 {
		return ziping.Errorf(ziping.Invalid, "%s的分数应在0到%s分之间", engine.PointLabel(pt.Code), num2(pt.Max))
	}
	if math.Abs(*score*100-math.Round(*score*100)) > 1e-6 {
		return ziping.Errorf(ziping.Invalid, "%s的分数最多保留两位小数", engine.PointLabel(pt.Code))
	}
	return nil
}

func checkChecklist(pt *engine.Point, ps *ziping.PointScore) error {
	if ps.Triggered != nil {
		return ziping.Errorf(ziping.Invalid, "%s请逐项勾选", engine.PointLabel(ps.Code))
	}
	if ps.Score != nil { // the whole point by hand: its data cannot be computed
		if err := checkGapScore(pt, ps); err != nil {
			return err
		}
	}
	var ids []string
	for _, r := range pt.Rules {
		for _, it := range r.Items {
			ids = append(ids, it.ID)
		}
	}
	seen := map[string]bool{}
	for _, c := range ps.Checked {
		if !slices.Contains(ids, c) {
			return ziping.Errorf(ziping.Invalid, "%s没有「%s」这一项", engine.PointLabel(ps.Code), c)
		}
		if seen[c] {
			return ziping.Errorf(ziping.Invalid, "%s的「%s」重复勾选", engine.PointLabel(ps.Code), c)
		}
		seen[c] = true
	}
	if ps.Checked == nil {
		ps.Checked = []string{} // scored with nothing ticked, not unscored
	}
	return nil
}
