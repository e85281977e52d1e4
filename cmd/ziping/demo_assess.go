package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/engine"
	"ziping/rectify"
)

// demoAssessments walks the demo counties through the assessment workflow so that
// every page has something to show: last year's assessments reviewed and published
// with their problems partly rectified (some overdue), and this year's at every
// stage — the filler's own county a draft started from last year, the others
// submitted, reviewed with an adjusted point, or published.
func demoAssessments(ctx context.Context, svc *services, ds *engine.Dataset, seed uint64) (map[string]int, error) {
	return demoAssessUnits(ctx, svc, ds, seed, len(ds.Units))
}

// demoAssessUnits walks the first full units of ds through the workflow as
// demoAssessments does and only starts an empty assessment of the latest period for
// the others (a large province set up in reasonable time).
func demoAssessUnits(ctx context.Context, svc *services, ds *engine.Dataset, seed uint64, full int) (map[string]int, error) {
	prog, err := svc.Assess.Program(ctx, "lxzz-county", "")
	if err != nil {
		return nil, err
	}
	inputs := demoInputs(prog.FW, ds, seed)
	periods := ds.PeriodList()
	last, cur := periods[0], periods[len(periods)-1]
	counts := map[string]int{}
	for i, du := range ds.Units {
		u, err := svc.Store.UnitByCode(ctx, du.Code)
		if err != nil {
			return nil, err
		}
		if i >= full {
			if _, err := svc.Assess.StartAssessment(ctx, ziping.System, "lxzz-county", u, cur, false); err != nil {
				return nil, fmt.Errorf("%s %d: %w", u.Name, cur, err)
			}
			counts[ziping.StatusDraft]++
			continue
		}
		d := &demoFill{svc: svc, ctx: ctx, fw: prog.FW, in: inputs[du.Code]}
		if len(periods) > 1 {
			if err := d.lastYear(u, last, i); err != nil {
				return nil, fmt.Errorf("%s %d: %w", u.Name, last, err)
			}
		}
		stage, err := d.thisYear(u, cur, i, len(periods) > 1)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", u.Name, cur, err)
		}
		counts[stage]++
	}
	return counts, nil
}

type demoFill struct {
	svc *services
	ctx context.Context
	fw  *engine.Framework
	in  *engine.Inputs
	doc int
}

// lastYear: filled, reviewed, published; its problems get measures, and every
// other one is done and verified, the rest left open past their deadline.
func (d *demoFill) lastYear(u *ziping.OrgUnit, period, i int) error {
	as, err := d.fill(u, period)
	if err != nil {
		return err
	}
	if err := d.svc.Assess.Submit(d.ctx, ziping.System, as.ID, ""); err != nil {
		return err
	}
	if err := d.svc.Assess.Accept(d.ctx, ziping.System, as.ID, "", "同意自评结果"); err != nil {
		return err
	}
	if err := d.svc.Assess.Publish(d.ctx, ziping.System, as.ID, ""); err != nil {
		return err
	}
	probs, err := d.svc.Store.Problems(d.ctx, ziping.ProblemQuery{AssessmentID: as.ID})
	if err != nil {
		return err
	}
	deadline := time.Date(period+1, 6, 30, 0, 0, 0, 0, time.UTC)
	for k, p := range probs {
		up := rectify.ProblemUpdate{Measures: "制定专项整改方案，落实经费和责任，按季度督办", Owner: u.Name + "教育局",
			Deadline: deadline, Status: ziping.ProblemInProgress, Version: p.Version}
		q, err := d.svc.Rectify.UpdateProblem(d.ctx, ziping.System, p.ID, up)
		if err != nil {
			return err
		}
		if (k+i)%2 == 0 {
			continue
		}
		up.Status, up.Note, up.Version = ziping.ProblemDone, "已按方案完成整改", q.Version
		if q, err = d.svc.Rectify.UpdateProblem(d.ctx, ziping.System, p.ID, up); err != nil {
			return err
		}
		up.Status, up.Note, up.Version = ziping.ProblemVerified, "经实地核查，整改到位", q.Version
		if _, err := d.svc.Rectify.UpdateProblem(d.ctx, ziping.System, p.ID, up); err != nil {
			return err
		}
	}
	return nil
}

// thisYear takes county i as far as its stage: 0 draft (from last year, to
// confirm), 1 submitted, 2 reviewed with one point adjusted, 3 published.
func (d *demoFill) thisYear(u *ziping.OrgUnit, period, i int, hasLast bool) (string, error) {
	if i%4 == 0 {
		_, err := d.svc.Assess.StartAssessment(d.ctx, ziping.System, d.fw.ID, u, period, hasLast)
		return ziping.StatusDraft, err
	}
	as, err := d.fill(u, period)
	if err != nil {
		return "", err
	}
	if err := d.svc.Assess.Submit(d.ctx, ziping.System, as.ID, ""); err != nil {
		return "", err
	}
	if i%4 == 1 {
		return ziping.StatusSubmitted, nil
	}
	if code, max := d.manualPoint(); code != "" {
		s := max - 1
		if _, err := d.svc.Assess.ScorePoint(d.ctx, ziping.System, as.ID, assess.ScoreInput{Side: ziping.SideReview, Code: code, Score: &s,
			Justification: "会议纪要未体现研究具体事项，酌情扣分"}); err != nil {
			return "", err
		}
	}
	if err := d.svc.Assess.Accept(d.ctx, ziping.System, as.ID, "", "复核调整一项，其余同意"); err != nil {
		return "", err
	}
	if i%4 == 2 {
		return ziping.StatusReviewed, nil
	}
	return ziping.StatusPublished, d.svc.Assess.Publish(d.ctx, ziping.System, as.ID, "")
}

func (d *demoFill) manualPoint() (string, float64) {
	for _, a := range d.fw.Areas {
		for _, pt := range a.Points {
			if pt.Rules[0].Kind == engine.RuleManual && pt.Max >= 2 {
				return pt.Code, pt.Max
			}
		}
	}
	return "", 0
}

// fill starts an assessment and enters the demo's people's scores, with a document
// for every point scored and one for every bonus claimed.
func (d *demoFill) fill(u *ziping.OrgUnit, period int) (*ziping.Assessment, error) {
	as, err := d.svc.Assess.StartAssessment(d.ctx, ziping.System, d.fw.ID, u, period, false)
	if err != nil {
		return nil, err
	}
	for code, pi := range d.in.Points {
		in := assess.ScoreInput{Side: ziping.SideSelf, Code: code, Score: pi.Score, Checked: pi.Checked, Justification: pi.Justification}
		if in.Justification == "" {
			in.Justification = "按要求落实"
		}
		if _, err := d.svc.Assess.ScorePoint(d.ctx, ziping.System, as.ID, in); err != nil {
			return nil, err
		}
		d.doc++
		pdf := fmt.Appendf(nil, "%%PDF-1.4\n%% %s %s\n%%%%EOF\n", u.Name, code)
		if _, err := d.svc.Assess.AddEvidence(d.ctx, ziping.System, as.ID, assess.EvidenceInput{Point: code,
			Title: u.Name + "关于" + engine.PointLabel(code) + "工作情况的报告", DocNumber: fmt.Sprintf("示教督〔%d〕%d号", period, d.doc),
			FileName: engine.PointLabel(code) + "材料.pdf", Data: pdf}); err != nil {
			return nil, err
		}
	}
	var bonus []engine.Point
	if d.fw.Bonus != nil {
		bonus = d.fw.Bonus.Items
	}
	for _, b := range bonus {
		if _, ok := d.in.Points[b.Code]; ok {
			continue
		}
		in := assess.ScoreInput{Side: ziping.SideSelf, Code: b.Code, Justification: "本年度无"}
		if b.Rules[0].Kind == engine.RuleManual {
			in.Score = new(float64)
		} else {
			in.Checked = []string{}
		}
		if _, err := d.svc.Assess.ScorePoint(d.ctx, ziping.System, as.ID, in); err != nil {
			return nil, err
		}
	}
	if _, err := d.svc.Reports.SaveReport(d.ctx, ziping.System, as.ID, demoNarrative(u.Name, d.fw), 0); err != nil {
		return nil, err
	}
	for code, v := range d.in.Vetoes {
		t := v.Triggered
		if _, err := d.svc.Assess.ScorePoint(d.ctx, ziping.System, as.ID, assess.ScoreInput{Side: ziping.SideSelf, Code: code, Triggered: &t}); err != nil {
			return nil, err
		}
	}
	return as, d.scoreGaps(as)
}

// scoreGaps scores by hand, with where the figure came from, the points the data
// cannot compute (the first year has no year before it to compare with): missing
// data blocks a submission until it is imported or a person scores the point.
func (d *demoFill) scoreGaps(as *ziping.Assessment) error {
	v, err := d.svc.Assess.Assessment(d.ctx, ziping.System, as.ID)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(v.Gaps))
	for code := range v.Gaps {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		pr := v.Self.Point(code)
		if pr == nil {
			continue
		}
		score := pr.Max
		in := assess.ScoreInput{Side: ziping.SideSelf, Code: code, Score: &score,
			Justification: "所缺数据未导入本系统，依据统计公报和相关部门出具的证明核定"}
		if ps, ok := v.Score(ziping.SideSelf, code); ok { // a checklist point keeps its ticks
			in.Checked, in.Version = ps.Checked, ps.Version
			if in.Checked == nil {
				in.Checked = []string{}
			}
		}
		if _, err := d.svc.Assess.ScorePoint(d.ctx, ziping.System, as.ID, in); err != nil {
			return err
		}
	}
	return nil
}

// demoNarrative is a short report narrative with every figure bound to the data.
func demoNarrative(unit string, fw *engine.Framework) []byte {
	result := "本年度评价总分{{total}}，等次为{{grade}}。"
	if fw.IsVerdict() {
		result = "本年度自评结论为{{verdict}}。"
	}
	return []byte("## 基本情况\n\n" + unit + result + "\n\n" +
		"## 改进措施（下一步工作）\n\n针对复核发现的问题，逐项制定整改方案，明确责任单位和完成时限，按季度调度整改进展。\n")
}
