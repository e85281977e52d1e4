package engine

import (
	"math"
)

// scoreBonus scores the bonus items; their total is capped.
func (e *evaluator) scoreBonus(r *Result, in *Inputs) {
	b := e.p.FW.Bonus
	if b == nil {
		return
	}
	var sum float64
	for i := range b.Items {
		it := &b.Items[i]
		pr := e.scorePoint(it, in.Points[it.Code])
		// A bonus nobody claimed is simply not earned, and a bonus not earned is not
		// a deduction: keep only the sentence that awards it.
		if pr.Status == StatusPending {
			pr.Status = StatusScored
		}
		pr.Reasons = nil
		if pr.Score > 0 {
			pr.Reasons = []string{PointLabel(it.Code) + "「" + it.Title + "」，加" + fmtNum(pr.Score) + "分"}
		}
		sum += pr.Score
		r.Bonus = append(r.Bonus, pr)
	}
	r.BonusTotal = e.p.FW.Round(math.Min(sum, b.Cap))
}

// scoreVetoes decides every veto item: a data-driven one triggers when its metric is
// non-zero; a manual one when a person says so.
func (e *evaluator) scoreVetoes(r *Result, in *Inputs) {
	for i := range e.p.FW.Vetoes {
		v := &e.p.FW.Vetoes[i]
		spec := e.p.vetoes[i]
		vr := VetoResult{Code: v.Code, Title: v.Title, Effect: v.Effect}
		d := &ReasonData{Code: v.Code, Title: v.Title}
		switch {
		case v.Manual:
			dec, ok := in.Vetoes[v.Code]
			vr.Pending = !ok
			vr.Triggered = ok && dec.Triggered
			d.Justification = dec.Justification
		case e.errs[spec.metric] != nil:
			vr.Pending = true
			vr.Reason = v.Title + "无法判定：" + e.errs[spec.metric].Error()
		default:
			vr.Triggered = e.vals[spec.metric] != 0
			if vr.Triggered {
				m := e.p.metrics[spec.metric].m
				d.Value = FormatValue(e.vals[spec.metric], m.Unit, m.Decimals)
			}
		}
		if vr.Triggered {
			vr.Reason = spec.reason.render(d)
		}
		r.Vetoes = append(r.Vetoes, vr)
	}
}

// finish sets the grade or verdict from the total, the points and the vetoes.
func finish(fw *Framework, r *Result) {
	if fw.IsVerdict() {
		finishVerdict(fw, r)
		return
	}
	bands := fw.Grading.Bands
	g := len(bands) - 1
	for i, b := range bands {
		if r.Total >= b.Min {
			g = i
			break
		}
	}
	g = combineVetoes(fw, r.Vetoes, g)
	r.Grade = bands[g].Name
	r.Passed = g < len(bands)-1
}

// combineVetoes applies the triggered vetoes to grade index g (bands best first).
// The rule, whatever the order of the file (docs/frameworks.md, "Vetoes"):
//
//  1. caps: the grade is at best the worst of the triggered caps' grades
//     (不得评为优秀 caps at 良好); a worse grade stays;
//  2. lowerings, from the grade the caps left: with lowering "each" (the default)
//     every triggered lowering drops its steps and they add up; with "once" the
//     grade drops once, by the largest steps among them. Never below the last band;
//  3. failures: any triggered fail gives the last band.
//
// So a county at 优秀 that is capped at 良好 and lowered once ends at 合格.
func combineVetoes(fw *Framework, vs []VetoResult, g int) int {
	last := len(fw.Grading.Bands) - 1
	for i, v := range vs {
		if v.Triggered && fw.Vetoes[i].Effect == VetoCap {
			g = max(g, bandIndex(fw.Grading.Bands, fw.Vetoes[i].Grade, g))
		}
	}
	drop := 0
	for i, v := range vs {
		if !v.Triggered || fw.Vetoes[i].Effect != VetoLower {
			continue
		}
		if fw.Lowering == LoweringOnce {
			drop = max(drop, fw.Vetoes[i].Steps)
		} else {
			drop += fw.Vetoes[i].Steps
		}
	}
	g = min(g+drop, last)
	for i, v := range vs {
		if v.Triggered && fw.Vetoes[i].Effect == VetoFail {
			g = last
		}
	}
	return g
}

// bandIndex is the index of the band named name, or def when there is none.
func bandIndex(bands []Band, name string, def int) int {
	for j, b := range bands {
		if b.Name == name {
			return j
		}
	}
	return def
}

// finishVerdict: the unit passes when every point passes and no veto triggers. Every
// failing item is listed; while points wait for people or data the verdict is 待定
// unless something has already failed.
func finishVerdict(fw *Framework, r *Result) {
	for _, a := range r.Areas {
		for _, p := range a.Points {
			if p.Status == StatusScored && p.Lost > 0 {
				r.Failing = append(r.Failing, p.Reasons...)
			}
		}
	}
	for _, v := range r.Vetoes {
		if v.Triggered {
			r.Failing = append(r.Failing, "一票否决："+v.Reason)
		}
	}
	switch {
	case len(r.Failing) > 0:
		r.Verdict = fw.Grading.Fail
	case r.Pending > 0 || r.Uncomputable > 0:
		r.Verdict = "待定"
	default:
		r.Verdict = fw.Grading.Pass
		r.Passed = true
	}
}
