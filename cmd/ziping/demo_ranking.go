package main

import (
	"fmt"
	"strconv"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// demoProvince is the code of the demo's province, the root of every ranking.
const demoProvince = "990000"

// demoRanking prints the ranking of the demo's counties that the web application's
// 评价排名 page shows to an administrator, read from the same stored assessments by
// the same service call: each county's self-evaluation, its review once reviewed,
// with what its own 社会认可度 survey measured. It then prints the score sheet of
// the county ranked last as its assessment page scores it. The demo's data file and
// 人工评分.yaml are where the assessments started from, not what they became (a
// reviewer adjusted points, a draft carries last year's scores, a survey measured
// satisfaction), so the evaluate commands it suggests say they score the files.
func demoRanking(e *env, svc *services, ds *engine.Dataset, data, scores string) error {
	ctx := e.ctx
	root, err := svc.Store.UnitByCode(ctx, demoProvince)
	if err != nil {
		return err
	}
	periods := ds.PeriodList()
	period := periods[len(periods)-1]
	rk, err := svc.Assess.Ranking(ctx, ziping.System, root, "lxzz-county", period, false)
	if err != nil {
		return err
	}
	fw := rk.Program.FW
	var (
		standings          []engine.Standing
		statuses, outcomes []string
	)
	for _, row := range rk.Rows[:rk.Ranked] {
		standings = append(standings, standingOfRow(period, row.Unit, row.Rank, row.Tie, row.Final))
		statuses = append(statuses, ziping.StatusNames[row.Assessment.Status])
		outcome := row.Final.Outcome()
		if row.Final.Pending > 0 { // as the page: no grade while points wait for a person
			outcome = "待定（" + strconv.Itoa(row.Final.Pending) + "项待评）"
		}
		outcomes = append(outcomes, outcome)
	}
	w := e.stdout
	fmt.Fprintf(w, "\n评价排名（与网页上%s的「评价排名」页相同）：按各区县自评计分，已复核的按复核结果，含尚未提交和尚未公布的结果\n\n", root.Name)
	writeRankingTable(w, fw, standings, statuses, outcomes)
	if n := len(rk.Rows) - rk.Ranked; n > 0 {
		fmt.Fprintf(w, "另有%d个区县尚未开始自评，不参加排名。\n", n)
	}
	if rk.Ranked == 0 {
		return nil
	}
	last := rk.Rows[rk.Ranked-1]
	v, err := svc.Assess.Assessment(ctx, ziping.System, last.Assessment.ID)
	if err != nil {
		return err
	}
	side := "自评"
	if v.Review != nil {
		side = "复核"
	}
	fmt.Fprintf(w, "\n排名最后的%s的评分表（%s，与网页上这项自评的评分相同）：\n", last.Unit.Name, side)
	writeScoreSheet(w, fw, v.Final(), false)
	fmt.Fprintf(w, "\n接着试试（以下命令只按数据文件和人工评分.yaml计分，不含复核调整、沿用上年的评分和社会认可度调查，总分可能与上面的排名不同）：\n")
	fmt.Fprintf(w, "  ziping evaluate --framework lxzz-county --data %s --scores %s --unit %s --explain --metric primary.cv.equipment_value_per_student\n", data, scores, last.Unit.Code)
	fmt.Fprintf(w, "  ziping evaluate --framework yzjh-2017 --data %s --all\n", data)
	fmt.Fprintf(w, "  ziping evaluate --framework lxzz-county --data %s --scores %s --all --format xlsx -o 排名.xlsx\n", data, scores)
	return nil
}

// standingOfRow is a stored ranking row as the ranking table writes it.
func standingOfRow(period int, u ziping.OrgUnit, rank int, tie bool, f *assess.SideSummary) engine.Standing {
	return engine.Standing{Index: -1, Unit: engine.Unit{Code: u.Code, Name: u.Name}, Period: period, Rank: rank, Tie: tie,
		Total: f.Total, Grade: f.Grade, Verdict: f.Verdict, Passed: f.Passed, Failing: f.Failing, Areas: f.Areas,
		Pending: f.Pending, Uncomputable: f.Uncomputable}
}
