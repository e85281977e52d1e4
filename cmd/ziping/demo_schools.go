package main

import (
	"context"
	"fmt"
	"io"

	"ziping"
	"ziping/assess"
	"ziping/engine"
	"ziping/frameworks"
)

// demoSchoolCount is how many schools of the demo county self-evaluate against
// 学校办学质量: enough for a ranking, few enough for a quick demo.
const demoSchoolCount = 8

// demoSchools are the schools of the demo county (the first) that 学校办学质量
// assesses (its compulsory schools), in the order of the data, at most
// demoSchoolCount. The first is the demo school user's.
func demoSchools(ds *engine.Dataset) ([]string, error) {
	prog, err := frameworks.Builtin("xxbxzl-2021")
	if err != nil {
		return nil, err
	}
	at := ds.ForLevel(prog.FW.Level)
	var codes []string
	for _, i := range prog.InScope(at, ds.Latest()) {
		if at.Units[i].ParentCode == ds.Units[0].Code && len(codes) < demoSchoolCount {
			codes = append(codes, at.Units[i].Code)
		}
	}
	if len(codes) == 0 {
		return nil, fmt.Errorf("示范区县%s没有义务教育学校", ds.Units[0].Name)
	}
	return codes, nil
}

// demoOtherFrameworks gives the frameworks beside 履职评价 something to show, so that
// every built-in one can be tried at once: the demo county's schools self-evaluate
// against 学校办学质量 (the first, the demo school user's, only started; the others at
// every stage, from a filled draft to published), and every demo county against
// 学前普及普惠 (filled and submitted, every other one accepted). It prints what it made.
func demoOtherFrameworks(ctx context.Context, w io.Writer, svc *services, ds *engine.Dataset, seed uint64) error {
	cur := ds.Latest()
	codes, err := demoSchools(ds)
	if err != nil {
		return err
	}
	schools, err := demoFrameworkFills(ctx, svc, ds.ForLevel(engine.LevelSchool), "xxbxzl-2021", seed)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for i, code := range codes {
		u, err := svc.Store.UnitByCode(ctx, code)
		if err != nil {
			return err
		}
		stage, err := schools(u).stage(u, cur, i)
		if err != nil {
			return fmt.Errorf("%s %d: %w", u.Name, cur, err)
		}
		counts[stage]++
	}
	fmt.Fprintf(w, "\n学校办学质量自评（%s的%d所学校）：%s\n", ds.Units[0].Name, len(codes), stageCounts(counts))
	fmt.Fprintln(w, "  以 school 登录：本校 › 自评与复核（评分、上传材料、写自评报告、提交）")
	fmt.Fprintf(w, "  以 duxue 登录：%s › 学校排名，打开已提交的学校自评复核、退回或通过；以 county 登录可查看本县学校的自评\n", ds.Units[0].Name)
	kg, err := demoFrameworkFills(ctx, svc, ds, "xqpjph-2020", seed)
	if err != nil {
		return err
	}
	counts = map[string]int{}
	for i, du := range ds.Units {
		u, err := svc.Store.UnitByCode(ctx, du.Code)
		if err != nil {
			return err
		}
		stage, err := kg(u).stage(u, cur, 2+2*(i%2)) // submitted, or reviewed
		if err != nil {
			return fmt.Errorf("%s %d: %w", u.Name, cur, err)
		}
		counts[stage]++
	}
	fmt.Fprintf(w, "学前普及普惠自评（%d个区县）：%s\n", len(ds.Units), stageCounts(counts))
	return nil
}

// demoFrameworkFills returns, for framework fw, the demo filler of a unit of ds
// (ds seen at the framework's level), with the demo's people's scores for it.
func demoFrameworkFills(ctx context.Context, svc *services, ds *engine.Dataset, fw string, seed uint64) (func(u *ziping.OrgUnit) *demoFill, error) {
	prog, err := svc.Assess.ProgramFor(ctx, fw, ds.Latest())
	if err != nil {
		return nil, err
	}
	inputs := demoInputs(prog.FW, ds, seed)
	return func(u *ziping.OrgUnit) *demoFill {
		return &demoFill{svc: svc, ctx: ctx, fw: prog.FW, in: inputs[u.Code]}
	}, nil
}

// stage takes unit u's assessment of period as far as stage i: 0 started, 1 filled
// (a draft ready to submit), 2 submitted, 3 returned with a reason, 4 reviewed with
// one point adjusted, 5 and later published.
func (d *demoFill) stage(u *ziping.OrgUnit, period, i int) (string, error) {
	if i == 0 {
		_, err := d.svc.Assess.StartAssessment(d.ctx, ziping.System, d.fw.ID, u, period, false)
		return ziping.StatusDraft, err
	}
	as, err := d.fill(u, period)
	if err != nil || i == 1 {
		return ziping.StatusDraft, err
	}
	if err := d.svc.Assess.Submit(d.ctx, ziping.System, as.ID, ""); err != nil {
		return "", err
	}
	if i == 2 {
		return ziping.StatusSubmitted, nil
	}
	if code, max := d.manualPoint(); code != "" {
		s := max - 1
		if _, err := d.svc.Assess.ScorePoint(d.ctx, ziping.System, as.ID, assess.ScoreInput{Side: ziping.SideReview, Code: code, Score: &s,
			Justification: "佐证材料不足以支持满分，酌情扣分"}); err != nil {
			return "", err
		}
	}
	if i == 3 {
		return ziping.StatusReturned, d.svc.Assess.Return(d.ctx, ziping.System, as.ID, "", "请补充相关佐证材料后重新提交")
	}
	if err := d.svc.Assess.Accept(d.ctx, ziping.System, as.ID, "", "复核调整一项，其余同意"); err != nil {
		return "", err
	}
	if i == 4 {
		return ziping.StatusReviewed, nil
	}
	return ziping.StatusPublished, d.svc.Assess.Publish(d.ctx, ziping.System, as.ID, "")
}

// stageCounts says how many assessments are at each stage: 填报中2个、已提交1个….
func stageCounts(counts map[string]int) string {
	out := ""
	for _, st := range []string{ziping.StatusDraft, ziping.StatusSubmitted, ziping.StatusReturned, ziping.StatusReviewed, ziping.StatusPublished} {
		if counts[st] > 0 {
			if out != "" {
				out += "、"
			}
			out += fmt.Sprintf("%s%d个", ziping.StatusNames[st], counts[st])
		}
	}
	return out
}
