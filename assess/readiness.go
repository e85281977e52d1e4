package assess

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"ziping"
	"ziping/engine"
)

// ReadinessItem is one thing the readiness check found. Blocking items stop the
// submission; the others are shown to the unit and, after submission, to the
// reviewer.
type ReadinessItem struct {
	Kind     string // no_data, unscored, no_evidence, to_confirm, other_period, outlier, uncomputable, report
	Point    string
	Text     string
	Blocking bool
}

// OutlierChange is the relative change from last year beyond which a metric value
// is flagged for checking (50%).
const OutlierChange = 0.5

// Readiness lists what is missing before the assessment can be submitted.
func (s *Service) Readiness(ctx context.Context, a *ziping.Actor, id int64) ([]ReadinessItem, error) {
	v, err := s.Assessment(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return s.readiness(v), nil
}

// ReadinessOf is Readiness of an assessment already read (its page has it).
func (s *Service) ReadinessOf(v *AssessmentView) []ReadinessItem { return s.readiness(v) }

func (s *Service) readiness(v *AssessmentView) []ReadinessItem {
	var out []ReadinessItem
	add := func(kind, point string, blocking bool, format string, args ...any) {
		out = append(out, ReadinessItem{Kind: kind, Point: point, Blocking: blocking, Text: fmt.Sprintf(format, args...)})
	}
	as, fw := v.Assessment, v.Program.FW
	if !as.Frozen() && !hasSchools(v.Dataset, v.UnitIndex, as.Period) {
		add("no_data", "", true, "尚未导入%d年度的学校数据", as.Period)
	}
	evidenceOf := map[string]int{}
	for _, e := range v.Evidence {
		if e.ProblemID != 0 {
			continue
		}
		evidenceOf[e.Point]++
		if e.ToConfirm {
			add("to_confirm", e.Point, true, "证明材料「%s」沿用自上年，尚未确认", e.Title)
		} else if e.Period != 0 && e.Period != as.Period {
			add("other_period", e.Point, false, "证明材料「%s」属于%d年度，不是本年度", e.Title, e.Period)
		}
	}
	for _, code := range scoreCodes(v.Scores[ziping.SideSelf]) {
		if v.Scores[ziping.SideSelf][code].ToConfirm {
			add("to_confirm", code, true, "%s的评分沿用自上年，尚未确认", engine.PointLabel(code))
		}
	}
	points := append(allPoints(v.Self), v.Self.Bonus...)
	for _, pr := range points {
		k := kindOf(fw, pr.Code)
		switch {
		case pr.Status == engine.StatusPending:
			add("unscored", pr.Code, true, "%s「%s」尚未评分", engine.PointLabel(pr.Code), pr.Title)
		case pr.Status == engine.StatusUncomputable:
			add("uncomputable", pr.Code, true, "%s「%s」无法计算：%s。请导入所缺数据，或对该测评点人工评分并说明理由",
				engine.PointLabel(pr.Code), pr.Title, v.Gaps[pr.Code])
		case (k.kind == codeManual || k.kind == codeChecklist) && pr.Score > 0 && evidenceOf[pr.Code] == 0 &&
			(pr.Score >= pr.Max-1e-9 || k.bonus):
			add("no_evidence", pr.Code, true, "%s「%s」自评%s分，没有证明材料", engine.PointLabel(pr.Code), pr.Title, num2(pr.Score))
		}
	}
	for _, vr := range v.Self.Vetoes {
		if vr.Pending && kindOf(fw, vr.Code).manualVeto {
			add("unscored", vr.Code, true, "%s「%s」尚未认定", engine.PointLabel(vr.Code), vr.Title)
		}
	}
	if !as.Frozen() {
		out = append(out, s.reportReadiness(v)...)
	}
	out = append(out, s.outliers(v)...)
	sortReadiness(fw, out)
	return out
}

// readinessKinds is the order of the kinds in a readiness list: what the data
// lacks, what a person has not scored (or decided), what lacks evidence, what
// waits for confirmation, the report, then what is only shown.
var readinessKinds = []string{"no_data", "uncomputable", "unscored", "no_evidence", "to_confirm", "report", "other_period", "outlier"}

// ReadinessKindRank is the place of a readiness kind in lists (readinessKinds);
// unknown kinds come last.
func ReadinessKindRank(kind string) int {
	if i := slices.Index(readinessKinds, kind); i >= 0 {
		return i
	}
	return len(readinessKinds)
}

// sortReadiness orders readiness items by kind, then by point in framework order
// (B2 before B10; the areas' points, then bonus items, then vetoes), an item of the
// assessment as a whole first; items of the same kind and point keep their order.
// The home page and the assessment page list them in this order.
func sortReadiness(fw *engine.Framework, items []ReadinessItem) {
	order := CodeOrder(fw)
	pos := func(it ReadinessItem) int {
		if it.Point == "" {
			return -1
		}
		return order(it.Point)
	}
	slices.SortStableFunc(items, func(x, y ReadinessItem) int {
		if k := ReadinessKindRank(x.Kind) - ReadinessKindRank(y.Kind); k != 0 {
			return k
		}
		return pos(x) - pos(y)
	})
}

// hasSchools reports whether unit idx has school rows in period.
func hasSchools(ds *engine.Dataset, idx, period int) bool {
	if ds == nil || idx < 0 || ds.Periods[period] == nil {
		return false
	}
	rs := ds.Periods[period].Schools.Ranges
	return idx < len(rs) && rs[idx].Hi > rs[idx].Lo
}

// outliers flags the metrics of scored points whose value moved more than
// OutlierChange from last year's.
func (s *Service) outliers(v *AssessmentView) []ReadinessItem {
	if v.key != nil {
		if v.outliers == nil {
			v.outliers = s.computeOutliers(v)
			s.results.put(*v.key, &cachedResult{self: v.Self, review: v.Review, outliers: v.outliers, gaps: v.Gaps})
		}
		return v.outliers
	}
	return s.computeOutliers(v)
}

func (s *Service) computeOutliers(v *AssessmentView) []ReadinessItem {
	ds, per := v.Dataset, v.Assessment.Period
	if ds == nil || ds.Periods[per-1] == nil || v.UnitIndex < 0 {
		return []ReadinessItem{}
	}
	prev, err := v.Program.Evaluate(ds, engine.Options{Period: per - 1, Units: []int{v.UnitIndex}, Workers: 1})
	if err != nil || len(prev) == 0 {
		return []ReadinessItem{}
	}
	used := map[string]bool{}
	for _, pr := range allPoints(v.Self) {
		for _, m := range pr.Metrics {
			used[m] = true
		}
	}
	out := []ReadinessItem{} // empty, not nil: computed
	for _, m := range v.Self.Metrics {
		p, ok := prev[0].Metric(m.ID)
		if !used[m.ID] || !m.OK || !ok || !p.OK || math.Abs(p.Value) < 1e-9 {
			continue
		}
		if ch := (m.Value - p.Value) / math.Abs(p.Value); math.Abs(ch) > OutlierChange {
			out = append(out, ReadinessItem{Kind: "outlier", Text: fmt.Sprintf("「%s」为%s，上年为%s，变化%+.0f%%，请核实数据",
				m.Name, m.Text(), p.Text(), ch*100)})
		}
	}
	return out
}

// reportReadiness turns the report's issues into blocking readiness items.
func (s *Service) reportReadiness(v *AssessmentView) []ReadinessItem {
	if s.Reports == nil {
		return nil
	}
	issues, err := s.Reports.ReportIssues(v)
	if err != nil {
		return []ReadinessItem{{Kind: "report", Blocking: true, Text: "自评报告无法生成：" + err.Error()}}
	}
	var out []ReadinessItem
	for _, is := range issues {
		// Lines are the narrative's, as the editor numbers them; 0 is what ziping wrote.
		text := fmt.Sprintf("自评报告「%s」正文第%s行第%d字：%s（%s）", is.Section, strconv.Itoa(is.Line), is.Col, is.Text, is.Kind)
		if is.Line == 0 {
			sec := ""
			if is.Section != "" {
				sec = "「" + is.Section + "」"
			}
			text = fmt.Sprintf("自评报告%s系统生成部分：%s（%s）", sec, strings.TrimSpace(is.Text+" "+is.Context), is.Kind)
		}
		out = append(out, ReadinessItem{Kind: "report", Blocking: true, Text: text})
	}
	return out
}
