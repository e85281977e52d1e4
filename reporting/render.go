package reporting

import (
	"context"
	"io"

	"ziping"
	"ziping/assess"
)

// WriteReport renders the assessment's report as format (docx, pdf, html, md).
func (s *Service) WriteReport(ctx context.Context, a *ziping.Actor, id int64, format string, w io.Writer) error {
	return s.WriteReportWith(ctx, a, id, format, w, nil)
}

// WriteReportWith is WriteReport with the metric values bound in the narrative
// linked, in the html format, to metricURL(v, metric id): v is the assessment, so
// the link can name its unit, framework and period. A nil metricURL, or "", leaves
// them plain.
func (s *Service) WriteReportWith(ctx context.Context, a *ziping.Actor, id int64, format string, w io.Writer, metricURL func(v *assess.AssessmentView, metricID string) string) error {
	if s.Reporter == nil {
		return ziping.Errorf(ziping.NotFound, "本系统未启用自评报告")
	}
	v, d, err := s.ReportOf(ctx, a, id)
	if err != nil {
		return err
	}
	meta := s.reportMeta(v)
	if metricURL != nil {
		meta.MetricURL = func(metricID string) string { return metricURL(v, metricID) }
	}
	return s.Reporter.Write(ctx, w, format, v.Program.FW, v.Self, d.Narrative, meta)
}
