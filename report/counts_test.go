package report

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ziping/engine"
)

// TestCountsAgree reads every count the report states in words — the result, the
// lead of 存在问题, the 待评 notes of 主要做法及成效, the note under 附件1 — and checks
// each against the area table's 合计 row and the score sheet, for both frameworks,
// the three fixed counties and both layouts. A report once said 「共13项未达标」 in
// one place and 「共9个测评点未达标」 in another, and 扣分63.5 beside 「合计扣8.5分」.
func TestCountsAgree(t *testing.T) {
	for _, fwID := range []string{"lxzz-county", "yzjh-2017"} {
		for _, county := range []string{modelCounty, manyCounty, pendingCounty} {
			for _, layout := range []string{engine.LayoutDefault, engine.LayoutSelfFirst} {
				res, fw := fixture(t, fwID, county)
				r, err := Build(res, fw, nil, BuildOptions{Layout: layout})
				if err != nil {
					t.Fatal(err)
				}
				checkCounts(t, fwID+"/"+county+"/"+layout, r, fw)
			}
		}
	}
}

// tableTotals are the 合计 row of the area table: points, passed, failed, pending
// (verdict) or max, score, lost, open (grade).
type tableTotals struct {
	points, passed, failed, pending int
	max, score, lost, open          string
}

func areaTotals(t *testing.T, r *Report, fw *engine.Framework) tableTotals {
	t.Helper()
	for _, s := range r.Sections {
		for _, b := range s.Blocks {
			if b.Table == nil || b.Table.Header[0] == "评价内容与测评点" {
				continue
			}
			tot := b.Table.Rows[len(b.Table.Rows)-1]
			if tot[0] != "合计" {
				t.Fatalf("area table ends with %q", tot)
			}
			var tt tableTotals
			if fw.IsVerdict() {
				tt.points, tt.passed, tt.failed = atoi(t, tot[1]), atoi(t, tot[2]), atoi(t, tot[3])
				if len(tot) > 4 {
					tt.pending = atoi(t, tot[4])
				}
				if tt.points != tt.passed+tt.failed+tt.pending {
					t.Errorf("table: %d points ≠ %d + %d + %d", tt.points, tt.passed, tt.failed, tt.pending)
				}
				return tt
			}
			tt.max, tt.score, tt.lost, tt.open = tot[1], tot[2], tot[3], "0"
			if len(tot) > 4 {
				tt.open = tot[4]
			}
			// 满分 = 得分 + 扣分 + 待评分值 (bonus aside): 100 = 76 + 24 + 0.
			bonus := 0.0
			for _, row := range b.Table.Rows {
				if row[0] == "加分" {
					bonus = atof(t, row[2])
				}
			}
			if d := atof(t, tt.max) - (atof(t, tt.score) - bonus + atof(t, tt.lost) + atof(t, tt.open)); d > 1e-9 || d < -1e-9 {
				t.Errorf("table: 满分 %s ≠ 得分 %s − 加分 %v + 扣分 %s + 待评 %s", tt.max, tt.score, bonus, tt.lost, tt.open)
			}
			return tt
		}
	}
	t.Fatal("no area table")
	return tableTotals{}
}

var (
	reResult   = regexp.MustCompile(`(\d+)个测评点中，(\d+)个(?:得满分|达标)(?:，(\d+)个(?:扣分，合计扣([0-9.]+)分|未达标))?(?:，(\d+)个待评)?`)
	reTotal    = regexp.MustCompile(`总分([0-9.]+)分（满分([0-9.]+)分`)
	reLead     = regexp.MustCompile(`共有(\d+)个测评点(?:扣分，合计扣([0-9.]+)分|未达标)`)
	reLeadNone = regexp.MustCompile(`均未发现扣分或未达标情况`)
	rePending  = regexp.MustCompile(`(?:尚有|。另有)(\d+)个测评点待评`)
	reAreaOpen = regexp.MustCompile(`本方面(?:另有)?(\d+)个测评点待评`)
	reNote     = regexp.MustCompile(`注：共(\d+)个测评点，(?:得满分|达标)(\d+)个，(?:扣分|未达标)(\d+)个(?:（合计扣([0-9.]+)分）)?(?:，待评(\d+)个)?`)
	// A point's problem paragraph names it: 「（第6测评点扣1分）」 or 「（测评点C2）」;
	// it opens with 一是, 二是 … only where its area has more than one.
	reOrdinal   = regexp.MustCompile(`(?m)^[^\n]*?（(?:第[^（）\n]*?测评点扣[0-9.]+分|测评点[^（）\n]+)）`)
	reStatedAny = regexp.MustCompile(`\d+个测评点`)
)

func checkCounts(t *testing.T, name string, r *Report, fw *engine.Framework) {
	t.Helper()
	tt := areaTotals(t, r, fw)
	if !fw.IsVerdict() {
		// The grade table has marks; count the points from the score sheet.
		c := sheetCounts(t, r)
		tt.points, tt.passed, tt.failed, tt.pending = c[0], c[1], c[2], c[3]
	}
	md := r.Markdown()
	body, _, _ := strings.Cut(md, "\n---\n")
	stated := 0
	eq := func(what string, got string, want int) {
		t.Helper()
		stated++
		if got == "" {
			got = "0"
		}
		if atoi(t, got) != want {
			t.Errorf("%s: %s says %s, the table %d", name, what, got, want)
		}
	}
	eqs := func(what, got, want string) {
		t.Helper()
		stated++
		if got != want {
			t.Errorf("%s: %s says %s, the table %s", name, what, got, want)
		}
	}
	m := reResult.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no result sentence", name)
	}
	eq("result: points", m[1], tt.points)
	eq("result: passed", m[2], tt.passed)
	eq("result: failed", m[3], tt.failed)
	eq("result: pending", m[5], tt.pending)
	if !fw.IsVerdict() {
		eqs("result: lost", firstNonEmpty(m[4], "0"), tt.lost)
		if m := reTotal.FindStringSubmatch(body); m == nil {
			t.Errorf("%s: no total", name)
		} else {
			eqs("result: total", m[1], tt.score)
			eqs("result: max", m[2], tt.max)
		}
	}
	if m := reLead.FindStringSubmatch(body); m != nil {
		eq("存在问题: failed", m[1], tt.failed)
		if !fw.IsVerdict() {
			eqs("存在问题: lost", m[2], tt.lost)
		}
	} else if !reLeadNone.MatchString(body) || tt.failed != 0 {
		t.Errorf("%s: 存在问题 states no count (failed %d)", name, tt.failed)
	}
	_, problems, _ := strings.Cut(body, "、存在问题")
	problems, _, _ = strings.Cut(problems, "、下一步工作打算")
	eq("存在问题: paragraphs", strconv.Itoa(len(reOrdinal.FindAllString(problems, -1))), tt.failed)
	for _, m := range rePending.FindAllStringSubmatch(body, -1) {
		eq("pending", m[1], tt.pending)
	}
	areaOpen := 0
	for _, m := range reAreaOpen.FindAllStringSubmatch(body, -1) {
		areaOpen += atoi(t, m[1])
	}
	eq("主要做法及成效: pending by area", strconv.Itoa(areaOpen), tt.pending)
	if m := reNote.FindStringSubmatch(md); m == nil {
		t.Errorf("%s: no note under 附件1", name)
	} else {
		eq("附件1: points", m[1], tt.points)
		eq("附件1: passed", m[2], tt.passed)
		eq("附件1: failed", m[3], tt.failed)
		eq("附件1: pending", m[5], tt.pending)
		if !fw.IsVerdict() && tt.failed > 0 {
			eqs("附件1: lost", m[4], tt.lost)
		}
	}
	// Every 「N个测评点」 of the text has been read by one of the patterns above.
	if n := len(reStatedAny.FindAllString(md, -1)); n > stated {
		t.Errorf("%s: %d counts of points in the text, %d checked", name, n, stated)
	}
}

// sheetCounts counts the score sheet's points: all, full marks, lost marks, 待评.
func sheetCounts(t *testing.T, r *Report) [4]int {
	var c [4]int
	for _, row := range r.Annexes[0].Table.Rows {
		if !rePointRow.MatchString(row[0]) || strings.HasPrefix(row[0], "J") || strings.HasPrefix(row[0], "V") {
			continue
		}
		c[0]++
		switch {
		case row[2] == "待评":
			c[3]++
		case row[3] == "0":
			c[1]++
		default:
			c[2]++
		}
	}
	return c
}

var rePointRow = regexp.MustCompile(`^[A-Z]?\d+[. ]`)

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a count", s)
	}
	return n
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}
