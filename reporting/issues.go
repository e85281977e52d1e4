package reporting

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"ziping"
	"ziping/assess"
)

// ReportIssues lists what keeps the assessment's report from being submitted; none
// when no ziping.Reporter is wired in.
func (s *Service) ReportIssues(v *assess.AssessmentView) ([]ziping.ReportIssue, error) {
	var narrative []byte
	var version int64
	if v.Report != nil {
		narrative, version = v.Report.Narrative, v.Report.Version
	}
	return s.issuesOf(v, narrative, strconv.FormatInt(version, 10))
}

// TextIssues is ReportIssues for a narrative that is not the saved one: the text
// the editor shows (the starter of a report nobody has written, or a refused
// save), so that the check the editor shows is the check saving that text gives.
func (s *Service) TextIssues(v *assess.AssessmentView, narrative []byte) ([]ziping.ReportIssue, error) {
	sum := sha256.Sum256(narrative)
	return s.issuesOf(v, narrative, "t"+hex.EncodeToString(sum[:]))
}

// ReportBlocks is a narrative as it will read, its bound values filled from the
// assessment's self-evaluation; none without a ziping.Reporter.
func (s *Service) ReportBlocks(v *assess.AssessmentView, narrative []byte) ([]ziping.ReportBlock, error) {
	if s.Reporter == nil || v.Self == nil {
		return nil, nil
	}
	return s.Reporter.Blocks(v.Program.FW, v.Self, narrative)
}

// issuesOf lints narrative, cached under the assessment's state and text, which
// names the narrative: the draft's version or the text's hash.
func (s *Service) issuesOf(v *assess.AssessmentView, narrative []byte, text string) ([]ziping.ReportIssue, error) {
	if s.Reporter == nil {
		return nil, nil
	}
	meta := s.reportMeta(v)
	// The assessment's version moves with every score and every recompute after an
	// import; the draft's with every save; the plan is part of the key itself.
	key := fmt.Sprintf("%d/%d/%s/%v/%s/%d", v.Assessment.ID, v.Assessment.Version, text, v.Assessment.Frozen(),
		v.Assessment.FrameworkVersion, len(meta.Plan))
	for _, p := range meta.Plan {
		key += "/" + p.Title + p.Problem + p.Measures + p.Owner + p.Deadline.String()
	}
	if c := s.issues; c != nil {
		c.mu.Lock()
		is, ok := c.m[key]
		c.mu.Unlock()
		if ok {
			return is, nil
		}
	}
	is, err := s.Reporter.Issues(v.Program.FW, v.Self, narrative, meta)
	if err != nil || s.issues == nil {
		return is, err
	}
	s.issues.mu.Lock()
	if s.issues.m == nil || len(s.issues.m) >= maxCached {
		s.issues.m = map[string][]ziping.ReportIssue{}
	}
	s.issues.m[key] = is
	s.issues.mu.Unlock()
	return is, nil
}

// issueCache keeps report findings by what they depend on (ReportIssues): linting a
// report was a third of the assessment page's time.
type issueCache struct {
	mu sync.Mutex
	m  map[string][]ziping.ReportIssue
}

// ReportMetaOf is what v's report carries besides the evaluation: the issuer, the
// date (the submission's, or today), the parent unit, and the rectification plan —
// the measures of this assessment's problems and of last year's not yet verified.
func (s *Service) ReportMetaOf(v *assess.AssessmentView) ziping.ReportMeta { return s.reportMeta(v) }

func (s *Service) reportMeta(v *assess.AssessmentView) ziping.ReportMeta {
	m := ziping.ReportMeta{Issuer: v.Unit.Addressee(), Date: s.Now(), Parent: s.parentName(v.Unit)}
	if at := v.Assessment.SubmittedAt; !at.IsZero() {
		m.Date = at // a submitted report is dated the day it was submitted
	}
	for _, list := range [][]ziping.Problem{v.LastProblems, v.Problems} {
		for _, p := range list {
			if p.Measures == "" || p.Status == ziping.ProblemVerified {
				continue
			}
			m.Plan = append(m.Plan, ziping.ReportPlanItem{Title: assess.PointTitle(v.Program.FW, p.Point), Problem: p.Description,
				Measures: p.Measures, Owner: p.Owner, Deadline: p.Deadline})
		}
	}
	return m
}

// parentName is the name of u's parent unit, "" for a root or when it cannot be
// read: the report then leaves the 主送机关 to the narrative.
func (s *Service) parentName(u *ziping.OrgUnit) string {
	if u == nil || u.ParentID == 0 {
		return ""
	}
	// A report is rendered outside any request's transaction; one indexed read.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, err := s.Store.Unit(ctx, u.ParentID)
	if err != nil {
		return ""
	}
	return p.Name
}

// generatedText is what ziping writes itself in v's report now; "" without a
// ziping.Reporter.
func (s *Service) generatedText(v *assess.AssessmentView) (string, error) {
	if s.Reporter == nil {
		return "", nil
	}
	return s.Reporter.Generated(v.Program.FW, v.Self, s.reportMeta(v))
}
