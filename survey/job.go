package survey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// ResultJob runs a JobKind job: a round's responses changed, so its report and
// responses are attached anew to the county's open assessments of the period (to
// the point that reads the survey's figure), and their summaries are recomputed,
// by a ziping.JobRecompute queued in the same transaction. cmd/ziping hands it to
// dataset.Service.HandleJob. It is idempotent: run twice, it attaches nothing new.
func (s *Service) ResultJob(ctx context.Context, payload string) error {
	var p jobPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	if err := s.Store.CleanSurveyRound(ctx, p.Round); err != nil {
		if ziping.IsNotFound(err) {
			return nil
		}
		return err
	}
	// Read after cleaning: an answer that comes in now marks the round again and
	// queues another job, so none is left behind.
	r, err := s.Store.SurveyRound(ctx, p.Round)
	if err != nil {
		return err
	}
	u, err := s.Store.Unit(ctx, r.UnitID)
	if err != nil {
		return err
	}
	cl, err := s.calc(ctx, r, u)
	if err != nil {
		return err
	}
	if err := s.attach(ctx, cl); err != nil {
		return err
	}
	b, _ := json.Marshal(ziping.RecomputePayload{Counties: []int64{u.ID}, Periods: []int{r.Period}})
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		return tx.EnqueueJob(ctx, &ziping.Job{Kind: ziping.JobRecompute, Payload: string(b), CreatedAt: s.now()})
	})
}

// EvidenceTitle is the title of the report the survey attaches.
const EvidenceTitle = "社会认可度调查报告"

// attach puts the round's current documents on the open assessments of its
// county and period, replacing the ones it attached before.
func (s *Service) attach(ctx context.Context, cl *Calc) error {
	if s.Evidence == nil || s.Documents == nil || cl.Result.Responses == 0 {
		return nil
	}
	list, err := s.Store.Assessments(ctx, ziping.AssessmentQuery{UnitIDs: []int64{cl.Round.UnitID}, Period: cl.Round.Period,
		Framework: cl.Round.Framework, Statuses: []string{ziping.StatusDraft, ziping.StatusReturned}})
	if err != nil || len(list) == 0 {
		return err
	}
	docs, hash, err := s.documents(cl)
	if err != nil {
		return err
	}
	setup := *cl.Setup
	attached := map[string][]int64{}
	for k, v := range setup.Attached {
		attached[k] = v
	}
	changed := false
	for _, as := range list {
		key := strconv.FormatInt(as.ID, 10)
		if setup.Docs == hash && len(attached[key]) > 0 {
			continue
		}
		ids, err := s.attachTo(ctx, &as, cl.File.Element, docs, attached[key])
		if err != nil {
			return err
		}
		if ids != nil {
			attached[key], changed = ids, true
		}
	}
	if !changed {
		return nil
	}
	setup.Attached, setup.Docs = attached, hash
	return s.saveSetup(ctx, cl.Round.ID, &setup)
}

// documents are the report and the responses as evidence inputs, and their hash.
func (s *Service) documents(cl *Calc) ([]assess.EvidenceInput, string, error) {
	zone := s.Zone
	if zone == nil {
		zone = shanghai()
	}
	report, err := s.Documents.Report(cl, s.Now().In(zone))
	if err != nil {
		return nil, "", fmt.Errorf("survey report: %w", err)
	}
	responses, err := s.Documents.Responses(cl)
	if err != nil {
		return nil, "", fmt.Errorf("survey responses: %w", err)
	}
	h := sha256.New()
	h.Write(report)
	h.Write(responses)
	name := fmt.Sprintf("%s%d年社会认可度调查", cl.Unit.Name, cl.Round.Period)
	return []assess.EvidenceInput{
		{Title: EvidenceTitle, FileName: name + "报告.docx", Period: cl.Round.Period, Data: report},
		{Title: "社会认可度调查答卷明细", FileName: name + "答卷.xlsx", Period: cl.Round.Period, Data: responses},
	}, hex.EncodeToString(h.Sum(nil)), nil
}

// attachTo attaches docs to the point of the assessment that reads element and
// removes what was attached before; nil when the framework has no such point.
func (s *Service) attachTo(ctx context.Context, as *ziping.Assessment, element string, docs []assess.EvidenceInput, old []int64) ([]int64, error) {
	prog, err := s.Evidence.Program(ctx, as.Framework, as.FrameworkVersion)
	if err != nil {
		return nil, err
	}
	point := PointOf(prog, element)
	if point == "" {
		return nil, nil
	}
	var ids []int64
	for _, d := range docs {
		d.Point = point
		e, err := s.Evidence.AddEvidence(ctx, ziping.System, as.ID, d)
		if err != nil {
			return nil, err
		}
		ids = append(ids, e.ID)
	}
	for _, id := range old {
		// Somebody may have removed it already, or the assessment moved on.
		if err := s.Evidence.RemoveEvidence(ctx, ziping.System, id); err != nil && !ziping.IsNotFound(err) &&
			ziping.ErrorKind(err) != ziping.Conflict {
			return nil, err
		}
	}
	return ids, nil
}

// PointOf is the code of the first measurement point whose rule reads a metric
// whose formula names the element (satisfaction, kg_satisfaction), "" when none.
func PointOf(prog *engine.Program, element string) string {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(element) + `\b`)
	for _, a := range prog.FW.Areas {
		for _, pt := range a.Points {
			for _, r := range pt.Rules {
				if m := prog.MetricByID(r.Metric); r.Metric != "" && m != nil && re.MatchString(m.Expr) {
					return pt.Code
				}
			}
		}
	}
	return ""
}

// saveSetup writes a round's setup, reading the round again if another write came
// first (its Changes and Dirty are not the setup's business).
func (s *Service) saveSetup(ctx context.Context, id int64, setup *Setup) error {
	b, err := json.Marshal(setup)
	if err != nil {
		return err
	}
	for range 3 {
		r, err := s.Store.SurveyRound(ctx, id)
		if err != nil {
			return err
		}
		r.Setup, r.UpdatedAt = b, s.now()
		err = s.Store.UpdateSurveyRound(ctx, r)
		if ziping.ErrorKind(err) != ziping.Conflict {
			return err
		}
	}
	return ziping.Errorf(ziping.Conflict, "调查设置正被他人修改，请稍后重试")
}

func shanghai() *time.Location { return ziping.Zone() }
