package engine

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Adjustment is a reviewer's score of one point or decision on one veto.
type Adjustment struct {
	Score     *float64 // the point's reviewed score, within [0, the point's max]
	Triggered *bool    // a veto's reviewed decision
	Reason    string
}

// Adjust returns a copy of r with the adjustments applied (keys are point, bonus-item
// or veto codes) and the area scores, score, bonus total (capped), total, pending
// count, grade/verdict, passed and failing list recomputed exactly as Evaluate would.
// r itself is not modified. Rank and Tie are copied as they are: rank the adjusted
// results again.
//
// An adjusted point is scored (whatever its status was: a reviewer may score a point
// that waited for a person or that the data could not compute). When the reviewer
// confirms the score the point already had, its reasons are kept, since they say
// from the data why points were lost; otherwise they are replaced by one sentence
// with the reviewer's reason. A veto is decided likewise: a confirmed decision keeps
// its reason. Changing a score or a decision needs a reason.
//
// Every problem (unknown code, a score out of range or not a number, a decision on a
// point or a score on a veto, a missing reason) is reported at once as an
// *InputError.
func Adjust(fw *Framework, r *Result, adj map[string]Adjustment) (*Result, error) {
	if len(r.Vetoes) != len(fw.Vetoes) || r.Framework != fw.ID {
		return nil, fmt.Errorf("评价结果不属于评价体系%s", fw.ID)
	}
	out := cloneResult(r)
	codes := make([]string, 0, len(adj))
	for c := range adj {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var probs []string
	for _, c := range codes {
		probs = append(probs, out.adjust(fw, c, adj[c])...)
	}
	if len(probs) > 0 {
		return nil, &InputError{Problems: probs}
	}
	out.rescore(fw)
	return out, nil
}

// adjust applies one adjustment to r (a copy) and returns its problems.
func (r *Result) adjust(fw *Framework, code string, a Adjustment) []string {
	if pr := r.Point(code); pr != nil {
		return adjustPoint(fw, pr, a)
	}
	for i := range r.Vetoes {
		if r.Vetoes[i].Code == code {
			return adjustVeto(&fw.Vetoes[i], &r.Vetoes[i], a)
		}
	}
	return []string{"复核 " + code + ": 评价体系中没有这个测评点或否决项"}
}

func adjustPoint(fw *Framework, pr *PointResult, a Adjustment) []string {
	where := "复核 测评点" + pr.Code
	bonus := fw.Bonus != nil && slices.ContainsFunc(fw.Bonus.Items, func(p Point) bool { return p.Code == pr.Code })
	if bonus {
		where = "复核 " + PointLabel(pr.Code)
	}
	var probs []string
	if a.Triggered != nil {
		probs = append(probs, where+": 测评点不能认定否决 triggered")
	}
	switch {
	case a.Score == nil:
		probs = append(probs, where+": 缺少复核得分 score")
	case math.IsNaN(*a.Score) || math.IsInf(*a.Score, 0):
		probs = append(probs, where+": 复核得分不是有效数字")
	case *a.Score < 0 || *a.Score > pr.Max:
		probs = append(probs, fmt.Sprintf("%s: 复核得分 %s 超出范围 [0, %s]", where, fmtNum(*a.Score), fmtNum(pr.Max)))
	}
	if len(probs) > 0 {
		return probs
	}
	score := fw.Round(*a.Score)
	if pr.Status == StatusScored && pr.Score == score {
		return nil // confirmed: the data's reasons still say why
	}
	reason := TidyJustification(a.Reason)
	if reason == "" {
		return []string{where + ": 复核调整得分须填写理由 reason"}
	}
	pr.Status, pr.Score, pr.Details = StatusScored, score, nil
	pr.Lost = fw.Round(pr.Max - score)
	pr.Passed = pr.Lost == 0
	pr.Reasons = nil
	switch {
	case bonus:
		// Bonus items keep only the sentence that awards them, as Evaluate does.
		if score > 0 {
			pr.Reasons = []string{PointLabel(pr.Code) + "「" + pr.Title + "」，复核调整：" + reason + "，加" + fmtNum(score) + "分"}
		}
	case pr.Lost > 0 && fw.IsVerdict():
		pr.Reasons = []string{fw.PointPath(pr.Code) + "复核调整：" + reason}
	case pr.Lost > 0:
		pr.Reasons = []string{fw.PointPath(pr.Code) + "复核调整：" + reason + "，扣" + fmtNum(pr.Lost) + "分"}
	}
	return nil
}

func adjustVeto(v *Veto, vr *VetoResult, a Adjustment) []string {
	where := "复核 " + PointLabel(vr.Code)
	var probs []string
	if a.Score != nil {
		probs = append(probs, where+": 否决项不能给分 score")
	}
	if a.Triggered == nil {
		probs = append(probs, where+": 缺少复核认定 triggered")
	}
	if len(probs) > 0 {
		return probs
	}
	if !vr.Pending && vr.Triggered == *a.Triggered {
		return nil // confirmed
	}
	reason := strings.TrimSpace(a.Reason)
	if reason == "" {
		return []string{where + ": 复核改变认定须填写理由 reason"}
	}
	vr.Pending, vr.Triggered, vr.Reason = false, *a.Triggered, ""
	if vr.Triggered {
		vr.Reason = vetoReason(v, "复核认定："+reason)
	}
	return nil
}

// vetoReason renders a triggered veto's sentence with the reviewer's words: a manual
// veto's template takes them as its justification (and when it does not print one,
// they follow in brackets); a data-driven one's template prints a metric value the
// reviewer did not give, so its title is used instead.
func vetoReason(v *Veto, why string) string {
	if v.Manual {
		if t, err := compileReason(v.Reason, "{{.Title}}"); err == nil {
			if s := t.render(&ReasonData{Code: v.Code, Title: v.Title, Justification: why}); strings.Contains(s, why) {
				return s
			}
		}
	}
	return v.Title + "（" + why + "）"
}

// rescore recomputes what Evaluate derives from the points and vetoes.
func (r *Result) rescore(fw *Framework) {
	r.Score, r.Pending, r.Uncomputable = 0, 0, 0
	for ai := range r.Areas {
		a := &r.Areas[ai]
		for pi := range a.Points {
			r.tally(&a.Points[pi])
		}
		a.subtotal(fw, &fw.Areas[ai], nil) // the groups are there already
		r.Score += a.Score
	}
	if fw.Bonus != nil {
		var sum float64
		for _, b := range r.Bonus {
			sum += b.Score
		}
		r.BonusTotal = fw.Round(math.Min(sum, fw.Bonus.Cap))
	}
	r.Score = fw.Round(r.Score)
	r.Total = fw.Round(r.Score + r.BonusTotal)
	r.Grade, r.Verdict, r.Passed, r.Failing = "", "", false, nil
	finish(fw, r)
}

// cloneResult copies r deeply enough that changing the copy's points, vetoes and
// verdict leaves r as it was.
func cloneResult(r *Result) *Result {
	c := *r
	c.Metrics = slices.Clone(r.Metrics)
	c.Areas = slices.Clone(r.Areas)
	for i := range c.Areas {
		c.Areas[i].Points = clonePoints(r.Areas[i].Points)
		c.Areas[i].Groups = cloneGroups(r.Areas[i].Groups)
	}
	c.Bonus = clonePoints(r.Bonus)
	c.Vetoes = slices.Clone(r.Vetoes)
	c.Failing = slices.Clone(r.Failing)
	return &c
}

func clonePoints(ps []PointResult) []PointResult {
	out := slices.Clone(ps)
	for i := range out {
		out[i].Reasons = slices.Clone(ps[i].Reasons)
		out[i].Metrics = slices.Clone(ps[i].Metrics)
		out[i].Details = slices.Clone(ps[i].Details)
	}
	return out
}
