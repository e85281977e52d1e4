package rectify

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// Notice composes the rectification notice (整改通知书) of an assessment: its
// problems not yet verified, with measures and deadlines.
func (s *Service) Notice(ctx context.Context, a *ziping.Actor, id int64) (*ziping.Letter, error) {
	as, u, err := s.Assess.Find(ctx, s.Store, a, id)
	if err != nil {
		return nil, err
	}
	if !a.CanReview(u) && !a.CanEdit(u) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权查看「%s」的整改通知书", u.Name)
	}
	prog, err := s.Assess.Program(ctx, as.Framework, as.FrameworkVersion)
	if err != nil {
		return nil, err
	}
	list, err := s.Store.Problems(ctx, ziping.ProblemQuery{AssessmentID: as.ID, Statuses: []string{ziping.ProblemOpen, ziping.ProblemInProgress, ziping.ProblemDone}})
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(p ziping.Problem) bool { return p.DataGap }) // 数据缺失 is not to rectify
	if len(list) == 0 {
		return nil, ziping.Errorf(ziping.NotFound, "「%s」没有待整改的问题", u.Name)
	}
	issuer := "教育督导委员会办公室"
	if parent, err := s.Store.Unit(ctx, u.ParentID); err == nil {
		issuer = parent.Name + "人民政府" + issuer
	}
	l := &ziping.Letter{Title: "关于" + u.Name + strconv.Itoa(as.Period) + "年度" + prog.FW.Name + "问题整改的通知",
		Recipient: u.Addressee(),
		Paragraphs: []string{
			"根据" + strconv.Itoa(as.Period) + "年度" + prog.FW.Name + "复核结果，你单位存在以下" + strconv.Itoa(len(list)) +
				"个问题。请对照问题清单逐项制定整改措施，明确责任人和完成时限，按期整改到位，并将整改情况及佐证材料报送我办。",
		},
		Table: &ziping.Sheet{Columns: []string{"序号", "测评点", "问题", "整改措施", "责任人", "完成时限"},
			Widths: []float64{1.1, 1.8, 4.0, 2.8, 1.3, 1.5}},
		Closing: []string{"整改完成后，我办将组织验收。逾期未完成的，将在年度评价中予以通报。"},
		Issuer:  issuer, Date: ziping.LocalDay(s.Now())}
	for i, p := range list {
		deadline := "—"
		if !p.Deadline.IsZero() {
			deadline = p.Deadline.Format("2006年1月2日")
		}
		point := strings.TrimSpace(engine.PointRef(p.Point) + " " + assess.PointTitle(prog.FW, p.Point))
		// Descriptions stored before reasons were tidied may double a mark or a
		// deduction (「扣0.5分。，扣0.5分」).
		l.Table.Rows = append(l.Table.Rows, []any{strconv.Itoa(i + 1), point, engine.TidyReason(p.Description), p.Measures, p.Owner, deadline})
	}
	return l, nil
}
