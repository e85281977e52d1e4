package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ziping"
	"ziping/engine"
)

// The score sheet and the county page show the assessment's result whenever there
// is one the user may see, labelled with its side and state; without one the
// data-only result is labelled and states no grade while points wait for people.
func TestScoreSheetShowsTheAssessment(t *testing.T) {
	f := newFixture(t, 30)
	sheet := "/units/990102/score?fw=" + rkFW + "&period=2024"
	county := "/units/990102?fw=" + rkFW + "&period=2024"
	for _, path := range []string{sheet, county} {
		w := f.do(request{role: "filler", method: http.MethodGet, path: path})
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, w.Code)
		}
		for _, want := range []string{dataOnlyLabel, "个测评点待人工评分，暂不定等次"} {
			if !strings.Contains(body, want) {
				t.Errorf("data only %s lacks %q", path, want)
			}
		}
		if strings.Contains(body, "等次：<strong>") || regexp.MustCompile(`stat-label">等次</span><strong>[^<待]`).MatchString(body) {
			t.Errorf("data only %s states a grade while points are unscored", path)
		}
	}

	as := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
	fin := f.rkSummary(as)
	link := "/assessments/" + strconv.FormatInt(as.ID, 10)
	for _, path := range []string{sheet, county} {
		body := f.do(request{role: "filler", method: http.MethodGet, path: path}).Body.String()
		for _, want := range []string{"复核结果（已复核）", link, "<strong>" + num(fin.Total) + "</strong>", "<strong>" + fin.Grade + "</strong>"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s with a reviewed assessment lacks %q", path, want)
			}
		}
		if strings.Contains(body, dataOnlyLabel) || strings.Contains(body, "暂不定等次") {
			t.Errorf("%s with a reviewed assessment still shows the data-only result", path)
		}
	}

	// The ranking says the same of a self-evaluation still waiting for scores.
	f.startAssessment(f.actor("admin"), "990181", rkFW, 2024)
	rk := f.do(request{role: "reviewer", method: http.MethodGet, path: "/units/990100/ranking?fw=" + rkFW + "&period=2024"}).Body.String()
	i := strings.Index(rk, ">"+f.rkUnitName("990181")+"</a>")
	if i < 0 {
		t.Fatal("no ranking row of 990181")
	}
	if row := rk[i:min(len(rk), i+2000)]; !strings.Contains(row[:strings.Index(row, "</tr>")], `<span class="badge warn">待定（`) {
		t.Errorf("the ranking states a grade for a self-evaluation with points unscored: %s", row[:strings.Index(row, "</tr>")])
	}

	// A viewer sees published assessments only: the data until it is published.
	f.addUser("viewer7", ziping.RoleViewer, "990121")
	other := f.rkAssess(rkFW, "990121", 2024, 0.6, ziping.StatusReviewed)
	path := "/units/990121/score?fw=" + rkFW + "&period=2024"
	if body := f.rkAs("viewer7", http.MethodGet, path).Body.String(); !strings.Contains(body, dataOnlyLabel) || strings.Contains(body, "/assessments/") {
		t.Error("a viewer's score sheet shows an unpublished assessment")
	}
	if err := f.svc.Assess.Publish(f.ctx, f.rkActor("reviewer"), other.ID, ""); err != nil {
		t.Fatal(err)
	}
	fin = f.rkSummary(other)
	body := f.rkAs("viewer7", http.MethodGet, path).Body.String()
	if !strings.Contains(body, "复核结果（已公布）") || !strings.Contains(body, "<strong>"+num(fin.Total)+"</strong>") {
		t.Error("a viewer's score sheet does not show the published result")
	}
	// The workbook is the same result.
	if w := f.do(request{role: "filler", method: http.MethodGet, path: "/units/990102/score.xlsx?fw=" + rkFW + "&period=2024"}); w.Code != http.StatusOK {
		t.Errorf("score.xlsx: %d", w.Code)
	} else if rows := rkSheetRows(t, w.Body.Bytes()); !strings.Contains(strings.Join(rkFlat(rows), "|"), num(f.rkSummary(as).Total)) {
		t.Error("the score workbook does not carry the assessment's total")
	}
}

var (
	metricRowRE = regexp.MustCompile(`<tr class="(fail|ok|na|)">\s*<td><a href="[^"]*/explain/([^"?]+)\?`)
	reasonRE    = regexp.MustCompile(`<p>([^<]*)</p>`)
	pointRowRE  = regexp.MustCompile(`(?s)<tr class="(lost|pending|na|group|)">\s*<td class="code">([^<]+)</td>(.*?)</tr>`)
)

// Every data-driven point of every county framework: the county page's indicator
// states and the score sheet's point states agree (a lost point has a failing
// indicator, a failing indicator a lost point, a passed point no failing indicator
// of its own).
func TestIndicatorsAgreeWithScoreSheet(t *testing.T) {
	f := newFixture(t, 60)
	for _, fw := range []string{"yzjh-2017", "lxzz-county", "jbjh-2012", "xqpjph-2020"} {
		for _, county := range []string{"990102", "990121", "990181"} {
			q := "?fw=" + fw + "&period=2024"
			page := f.do(request{role: "admin", method: http.MethodGet, path: "/units/" + county + q}).Body.String()
			sheet := f.do(request{role: "admin", method: http.MethodGet, path: "/units/" + county + "/score" + q}).Body.String()
			state := map[string]string{}
			for _, m := range metricRowRE.FindAllStringSubmatch(page, -1) {
				state[m[2]] = m[1]
			}
			if len(state) == 0 {
				t.Fatalf("%s %s: no indicators on the county page", fw, county)
			}
			// A point lost points when its row is marked so, or when it waits for a
			// person and a reason says what its data rules lost.
			lost := map[string]bool{}
			for _, m := range pointRowRE.FindAllStringSubmatch(sheet, -1) {
				lost[m[2]] = m[1] == "lost" || m[1] == "pending" && dataReason(m[3])
			}
			prog := f.srv.programs[fw]
			usedByLost := map[string]bool{}
			checked := 0
			for _, ar := range prog.FW.Areas {
				for _, pt := range ar.Points {
					metrics, data := pointMetrics(&pt)
					if lost[pt.Code] {
						for _, id := range metrics {
							usedByLost[id] = true
						}
					}
					if !data {
						continue
					}
					checked++
					failing := 0
					for _, id := range metrics {
						if state[id] == "fail" {
							failing++
						}
					}
					if lost[pt.Code] && failing == 0 {
						t.Errorf("%s %s: point %s lost points on the score sheet, none of its indicators %v is 未达标 on the county page", fw, county, pt.Code, metrics)
					}
				}
			}
			for _, v := range prog.FW.Vetoes {
				if v.When != "" && strings.Contains(sheet, "触发：") {
					usedByLost[v.When] = true
				}
			}
			for id, st := range state {
				if st == "fail" && !usedByLost[id] {
					t.Errorf("%s %s: indicator %s is 未达标 on the county page, no point using it lost points on the score sheet", fw, county, id)
				}
			}
			if checked == 0 {
				t.Errorf("%s: no data-driven point", fw)
			}
		}
	}
}

// dataReason reports whether a score sheet row's reasons say what a rule on data
// lost, beside the point waiting for a person.
func dataReason(row string) bool {
	for _, m := range reasonRE.FindAllStringSubmatch(row, -1) {
		if !strings.Contains(m[1], "待人工评分") {
			return true
		}
	}
	return false
}

// pointMetrics are the metrics of a point's rules, and whether every rule is on a
// metric (the point is scored from data alone).
func pointMetrics(pt *engine.Point) ([]string, bool) {
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

// The public notice ranks among published results and says so; the internal
// ranking says it ranks every result and shows the notice's rank where it differs.
func TestRankingsSayWhomTheyRank(t *testing.T) {
	f := newFixture(t, 30)
	f.rkAssess(rkFW, "990102", 2024, 0.3, ziping.StatusPublished)
	f.rkAssess(rkFW, "990121", 2024, 0.2, ziping.StatusPublished)
	f.rkAssess(rkFW, "990181", 2024, 0.95, ziping.StatusReviewed)
	q := "?fw=" + rkFW + "&period=2024"
	notice := f.do(request{method: http.MethodGet, path: "/notice/990100" + q}).Body.String()
	if !strings.Contains(notice, "排名在已公布结果的2个区县中排出（共3个区县，其余1个尚未公布结果，不参加排名）") {
		t.Error("the notice does not say it ranks the published results only")
	}
	internal := f.do(request{role: "reviewer", method: http.MethodGet, path: "/units/990100/ranking" + q}).Body.String()
	if !strings.Contains(internal, "排名在已出结果的3个区县中排出，含尚未公布的自评和复核结果；评价结果通报只在已公布结果的2个区县中排名") {
		t.Error("the internal ranking does not say whom it ranks")
	}
	// Each published county's internal row carries its rank in the notice where the
	// two differ; 990181 (reviewed, best scored) is ranked inside only.
	row := func(name string) string {
		i := strings.Index(internal, ">"+name+"</a>")
		j := strings.LastIndex(internal[:max(i, 0)], "<tr")
		if i < 0 || j < 0 {
			t.Fatalf("no row of %s", name)
		}
		return internal[j:i]
	}
	rankRE := regexp.MustCompile(`<td class="num rank">([^<]+)`)
	differ := 0
	for _, m := range regexp.MustCompile(`<tr><td class="num">([^<]+)</td><td>([^<]+)</td>`).FindAllStringSubmatch(notice, -1) {
		r := row(m[2])
		inside := rankRE.FindStringSubmatch(r)
		switch {
		case inside == nil:
			t.Errorf("no internal rank of %s", m[2])
		case inside[1] != m[1]:
			differ++
			if !strings.Contains(r, `<small class="pub-rank">通报第`+m[1]+`</small>`) {
				t.Errorf("%s: ranked %s inside and %s in the notice, the internal row does not say so: %s", m[2], inside[1], m[1], r)
			}
		case strings.Contains(r, "通报第"):
			t.Errorf("%s: the same rank in both, yet a notice rank is shown", m[2])
		}
	}
	if differ == 0 {
		t.Error("no county ranks differently in the notice: the test shows nothing")
	}
	if r := row(f.rkUnitName("990181")); strings.Contains(r, "通报第") {
		t.Errorf("an unpublished county has a rank in the notice: %s", r)
	}
	// A viewer's ranking is of published results and says so.
	f.addUser("viewer8", ziping.RoleViewer, "990100")
	if body := f.rkAs("viewer8", http.MethodGet, "/units/990100/ranking"+q).Body.String(); !strings.Contains(body, "排名在已公布结果的2个区县中排出") {
		t.Error("a viewer's ranking does not say it ranks the published results")
	}
}
