package assess

import (
	"context"
	"slices"
	"time"

	"ziping"
)

// QueueItem is an assessment waiting for a review, with its unit and how many
// whole days it has waited since it was (re)submitted.
type QueueItem struct {
	Assessment ziping.Assessment
	Unit       ziping.OrgUnit
	Days       int
}

// ReviewQueue lists the assessments submitted or resubmitted in the actor's scope
// that the actor may review (a reviewer never its own scope's), of every framework
// and period, the longest waiting first.
func (s *Service) ReviewQueue(ctx context.Context, a *ziping.Actor) ([]QueueItem, error) {
	if !a.IsAdmin() && (a.User.Role != ziping.RoleReviewer || a.Scope == nil) {
		return nil, nil
	}
	q := ziping.AssessmentQuery{Statuses: []string{ziping.StatusSubmitted, ziping.StatusResubmitted}}
	if a.Scope != nil {
		q.UnitPath = a.Scope.Path
	}
	list, err := s.Store.Assessments(ctx, q)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	units, err := s.Store.Subtree(ctx, a.Scope, ziping.LevelCity, ziping.LevelCounty, ziping.LevelSchool)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*ziping.OrgUnit, len(units))
	for i := range units {
		byID[units[i].ID] = &units[i]
	}
	now := s.Now()
	var out []QueueItem
	for _, as := range list {
		u := byID[as.UnitID]
		if u == nil || !a.CanReview(u) {
			continue
		}
		days := 0
		if !as.SubmittedAt.IsZero() {
			days = int(now.Sub(as.SubmittedAt) / (24 * time.Hour))
		}
		out = append(out, QueueItem{Assessment: as, Unit: *u, Days: max(days, 0)})
	}
	slices.SortStableFunc(out, func(x, y QueueItem) int { return x.Assessment.SubmittedAt.Compare(y.Assessment.SubmittedAt) })
	return out, nil
}

// WorkCount is how many assessments of a framework a subtree has: in the period
// asked about, and in every period; Latest is the latest period with one.
type WorkCount struct{ Period, All, Latest int }

// Work counts the assessments of root's subtree by framework, those of period
// apart, for an actor who may see root (published ones only when published is set,
// as the public sees them): the pages open on the framework where the work is.
func (s *Service) Work(ctx context.Context, root *ziping.OrgUnit, period int, published bool) (map[string]WorkCount, error) {
	q := ziping.AssessmentQuery{UnitPath: root.Path}
	if published {
		q.Statuses = []string{ziping.StatusPublished}
	}
	list, err := s.Store.Assessments(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[string]WorkCount{}
	for _, as := range list {
		c := out[as.Framework]
		c.All++
		c.Latest = max(c.Latest, as.Period)
		if as.Period == period {
			c.Period++
		}
		out[as.Framework] = c
	}
	return out, nil
}

// OrgLevel is the level of the org tree whose units a framework of level assesses.
func OrgLevel(level string) string { return orgLevel(level) }

// ScoreCodes are the codes of scores in framework order.
func ScoreCodes(m map[string]ziping.PointScore) []string { return scoreCodes(m) }

// StatusCounts counts the assessments of framework fw and period in root's subtree
// by status.
func (s *Service) StatusCounts(ctx context.Context, root *ziping.OrgUnit, fw string, period int) (map[string]int, error) {
	list, err := s.Store.Assessments(ctx, ziping.AssessmentQuery{UnitPath: root.Path, Framework: fw, Period: period})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, as := range list {
		out[as.Status]++
	}
	return out, nil
}
