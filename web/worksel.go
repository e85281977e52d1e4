package web

import (
	"net/http"

	"ziping"
)

// workSelection is selectionOf for a page of unit u that opens, when the request
// names no framework, on the framework where the unit's work is: the county
// framework with the most assessments in u's subtree in the period (ties: the most
// in every period, then the server's order), rather than the server's default when
// that one has none. The public notice counts published assessments only.
func (s *Server) workSelection(r *http.Request, u *ziping.OrgUnit, published bool) (*selection, error) {
	sel, err := s.selectionOf(r)
	if err != nil || r.URL.Query().Get("fw") != "" || sel.Period == 0 {
		return sel, err
	}
	work, err := s.svc.Assess.Work(r.Context(), u, sel.Period, published)
	if err != nil {
		return nil, err
	}
	if work[sel.FW].Period > 0 {
		return sel, nil // the default framework has work: keep it
	}
	best := ""
	for _, id := range s.fwIDs {
		c, b := work[id], work[best]
		if !countyFramework(s.programs[id].FW) || c.Period == 0 {
			continue
		}
		if best == "" || c.Period > b.Period || c.Period == b.Period && c.All > b.All {
			best = id
		}
	}
	if best != "" {
		sel.FW, sel.prog = best, s.programs[best]
	}
	return sel, nil
}
