package assess

import (
	"context"
	"slices"
	"strconv"

	"ziping"
	"ziping/engine"
)

// CarriedItem is one thing copied from last year that waits for the unit's
// confirmation: a self score (Evidence 0) or an evidence link.
type CarriedItem struct {
	Point    string
	Evidence int64  // the evidence link's id; 0 for the point's score
	Title    string // the evidence's title, or the point's
}

// Carried lists what of the assessment waits for confirmation, in framework order
// (scores before the evidence of the same point).
func (s *Service) Carried(v *AssessmentView) []CarriedItem {
	var out []CarriedItem
	for _, code := range scoreCodes(v.Scores[ziping.SideSelf]) {
		if v.Scores[ziping.SideSelf][code].ToConfirm {
			out = append(out, CarriedItem{Point: code, Title: PointTitle(v.Program.FW, code)})
		}
	}
	for _, e := range v.Evidence {
		if e.ToConfirm && e.ProblemID == 0 {
			out = append(out, CarriedItem{Point: e.Point, Evidence: e.ID, Title: e.Title})
		}
	}
	order := CodeOrder(v.Program.FW)
	slices.SortStableFunc(out, func(a, b CarriedItem) int {
		if d := order(a.Point) - order(b.Point); d != 0 {
			return d
		}
		if (a.Evidence == 0) != (b.Evidence == 0) {
			if a.Evidence == 0 {
				return -1
			}
			return 1
		}
		return int(a.Evidence - b.Evidence)
	})
	return out
}

// ConfirmCarried confirms, in one transaction, the self scores of points and the
// evidence links given, all copied from last year: every one must belong to the
// assessment and still wait for confirmation, or nothing is confirmed. Each
// confirmation is audited on its own. It returns how many were confirmed.
func (s *Service) ConfirmCarried(ctx context.Context, a *ziping.Actor, id int64, points []string, evidence []int64) (int, error) {
	if len(points)+len(evidence) == 0 {
		return 0, ziping.Errorf(ziping.Invalid, "请勾选要确认的项目")
	}
	n := 0
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Find(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := MayScore(a, as, u, ziping.SideSelf); err != nil {
			return err
		}
		scores, err := tx.PointScores(ctx, as.ID)
		if err != nil {
			return err
		}
		self := map[string]ziping.PointScore{}
		for _, ps := range scores {
			if ps.Side == ziping.SideSelf {
				self[ps.Code] = ps
			}
		}
		seenPoint := map[string]bool{}
		for _, code := range points {
			ps, ok := self[code]
			if seenPoint[code] || !ok || !ps.ToConfirm {
				return ziping.Errorf(ziping.Conflict, "%s没有待确认的评分，未确认任何项目。请刷新后重新选择", engine.PointLabel(code))
			}
			seenPoint[code] = true
		}
		seenEv := map[int64]bool{}
		var evs []*ziping.Evidence
		for _, eid := range evidence {
			e, err := tx.Evidence(ctx, eid)
			if ziping.IsNotFound(err) || (err == nil && (e.AssessmentID != as.ID || e.ProblemID != 0)) {
				// Someone else's evidence, or none: the whole request is refused.
				return ziping.Errorf(ziping.NotFound, "材料%d不属于这项自评，未确认任何项目", eid)
			} else if err != nil {
				return err
			}
			if seenEv[eid] || !e.ToConfirm {
				return ziping.Errorf(ziping.Conflict, "材料「%s」已经确认，未确认任何项目。请刷新后重新选择", e.Title)
			}
			seenEv[eid] = true
			evs = append(evs, e)
		}
		obj := AuditObject(as)
		for _, code := range points {
			ps := self[code]
			old := scoreAudit(&ps)
			old["to_confirm"] = true
			ps.ToConfirm, ps.UpdatedBy, ps.UpdatedAt = false, a.UserID(), s.now()
			if err := tx.SavePointScore(ctx, &ps); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, a, "score_confirm", obj+"/point:"+code, u.ID, old, scoreAudit(&ps)); err != nil {
				return err
			}
			n++
		}
		for _, e := range evs {
			oldID := e.ID
			if err := tx.DeleteEvidence(ctx, e.ID); err != nil {
				return err
			}
			e.ID, e.ToConfirm = 0, false
			if err := tx.CreateEvidence(ctx, e, nil); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, a, "evidence_confirm", obj+"/evidence:"+strconv.FormatInt(e.ID, 10), u.ID,
				map[string]any{"evidence": oldID}, map[string]any{"evidence": e.ID, "title": e.Title}); err != nil {
				return err
			}
			n++
		}
		return s.Refresh(ctx, tx, as, u)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// CodeOrder returns the position of a code in the framework (the areas' points in
// order, then bonus items, then vetoes); "" and codes fw does not have come last.
func CodeOrder(fw *engine.Framework) func(string) int {
	pos := map[string]int{}
	add := func(c string) {
		if _, ok := pos[c]; !ok {
			pos[c] = len(pos)
		}
	}
	for _, a := range fw.Areas {
		for _, pt := range a.Points {
			add(pt.Code)
		}
	}
	if fw.Bonus != nil {
		for _, pt := range fw.Bonus.Items {
			add(pt.Code)
		}
	}
	for _, v := range fw.Vetoes {
		add(v.Code)
	}
	return func(code string) int {
		if i, ok := pos[code]; ok {
			return i
		}
		return len(pos)
	}
}
