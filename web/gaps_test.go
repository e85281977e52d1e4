package web

import (
	"slices"

	"ziping"
	"ziping/assess"
)

// scoreGaps scores by hand, with 0 and a reason, every point of the assessment the
// data cannot compute (the fixture's first year has no year before it): missing
// data blocks a submission until it is imported or a person scores the point. 0 is
// what such a point counted before it blocked, so totals stay as they were.
func (f *fixture) scoreGaps(a *ziping.Actor, id int64, skip ...string) {
	f.t.Helper()
	v, err := f.svc.Assess.Assessment(f.ctx, a, id)
	if err != nil {
		f.t.Fatal(err)
	}
	codes := make([]string, 0, len(v.Gaps))
	for code := range v.Gaps {
		if pr := v.Self.Point(code); pr != nil && pr.Status != "scored" && !slices.Contains(skip, code) {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		zero := 0.0
		in := assess.ScoreInput{Side: ziping.SideSelf, Code: code, Score: &zero, Justification: "上年度数据未导入，按0分计"}
		if ps, ok := v.Score(ziping.SideSelf, code); ok {
			in.Version, in.Checked = ps.Version, ps.Checked
			if in.Checked == nil {
				in.Checked = []string{}
			}
		}
		if _, err := f.svc.Assess.ScorePoint(f.ctx, a, id, in); err != nil {
			f.t.Fatalf("score %s by hand: %v", code, err)
		}
	}
}
