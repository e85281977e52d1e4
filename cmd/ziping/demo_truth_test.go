package main

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"ziping"
	"ziping/engine"
)

var (
	demoMetricRow = regexp.MustCompile(`<tr class="(fail|ok|na|)">\s*<td><a href="[^"]*/explain/([^"?]+)\?`)
	demoPointRow  = regexp.MustCompile(`(?s)<tr class="(lost|pending|na|group|)">\s*<td class="code">([^<]+)</td>(.*?)</tr>`)
	demoReason    = regexp.MustCompile(`<p>([^<]*)</p>`)
)

// checkDemoIndicators walks, on the demo's database as the city's reviewer sees it,
// every county of the city and every data-driven point of 优质均衡 and 履职评价: the
// county page's indicator states agree with the score sheet (a point that lost
// points on data has a failing indicator; a failing indicator belongs to a point
// that lost points, or a veto that was triggered).
func checkDemoIndicators(t *testing.T, svc *services, base string, c *http.Client, scope string) {
	t.Helper()
	ctx := context.Background()
	city, err := svc.Store.UnitByCode(ctx, scope)
	if err != nil {
		t.Fatal(err)
	}
	counties, err := svc.Store.Subtree(ctx, city, ziping.LevelCounty)
	if err != nil || len(counties) == 0 {
		t.Fatalf("the demo city's counties: %v", err)
	}
	periods, err := svc.Store.Periods(ctx)
	if err != nil || len(periods) == 0 {
		t.Fatalf("periods: %v", err)
	}
	period := periods[len(periods)-1]
	walked := 0
	for _, fw := range []string{"yzjh-2017", "lxzz-county"} {
		prog, err := svc.Assess.ProgramFor(ctx, fw, period)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range counties {
			q := "?fw=" + fw
			page, sheet := get(t, c, base+"/units/"+u.Code+q), get(t, c, base+"/units/"+u.Code+"/score"+q)
			state := map[string]string{}
			for _, m := range demoMetricRow.FindAllStringSubmatch(page, -1) {
				state[m[2]] = m[1]
			}
			lost := map[string]bool{}
			for _, m := range demoPointRow.FindAllStringSubmatch(sheet, -1) {
				lost[m[2]] = m[1] == "lost" || m[1] == "pending" && dataReasonIn(m[3])
			}
			used := map[string]bool{} // metrics of points that lost
			for _, ar := range prog.FW.Areas {
				for _, pt := range ar.Points {
					metrics, data := rulesMetrics(&pt)
					if lost[pt.Code] {
						for _, id := range metrics {
							used[id] = true
						}
					}
					if !data || !lost[pt.Code] {
						continue
					}
					walked++
					failing := false
					for _, id := range metrics {
						failing = failing || state[id] == "fail"
					}
					if !failing {
						t.Errorf("demo %s %s: point %s lost points on the score sheet, the county page shows none of %v 未达标", u.Name, fw, pt.Code, metrics)
					}
				}
			}
			for _, v := range prog.FW.Vetoes {
				if v.When != "" && strings.Contains(sheet, "触发：") {
					used[v.When] = true
				}
			}
			for id, st := range state {
				if st == "fail" && !used[id] {
					t.Errorf("demo %s %s: indicator %s is 未达标 on the county page, no point using it lost points on the score sheet", u.Name, fw, id)
				}
			}
		}
	}
	if walked == 0 {
		t.Error("no data-driven point of the demo lost points: the check shows nothing")
	}
}

// dataReasonIn reports whether a score sheet row's reasons say what a rule on data
// lost, beside the point waiting for a person.
func dataReasonIn(row string) bool {
	for _, m := range demoReason.FindAllStringSubmatch(row, -1) {
		if !strings.Contains(m[1], "待人工评分") {
			return true
		}
	}
	return false
}

// rulesMetrics are the metrics of a point's rules, and whether every rule is on one.
func rulesMetrics(pt *engine.Point) ([]string, bool) {
	var out []string
	data := len(pt.Rules) > 0
	for _, r := range pt.Rules {
		if r.Metric == "" {
			data = false
			continue
		}
		out = append(out, r.Metric)
	}
	return out, data
}
