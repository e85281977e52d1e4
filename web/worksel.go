package web

import (
	"net/http"

	"ziping"
)

// fwCookie remembers, for the browser session, the framework a signed-in user last
// chose on a unit's pages.
const fwCookie = "ziping_fw"

// workSelection is selectionOf for a page of unit u that opens, when the request
// names no framework, on the one the user chose last (fwCookie), else on the
// framework where the unit's work is: the county framework with the most
// assessments in u's subtree in the period (ties: the most in every period, then
// the server's order), rather than the server's default when that one has none.
// The public notice counts published assessments only.
func (s *Server) workSelection(r *http.Request, u *ziping.OrgUnit, published bool) (*selection, error) {
	sel, err := s.selectionOf(r)
	if err != nil {
		return nil, err
	}
	ri := info(r)
	if r.URL.Query().Get("fw") != "" {
		if ri.actor != nil {
			ri.fwChoice = sel.FW
		}
		return sel, nil
	}
	if c, err := r.Cookie(fwCookie); err == nil && ri.actor != nil {
		if prog := s.programs[c.Value]; prog != nil && countyFramework(prog.FW) {
			sel.FW, sel.prog = c.Value, prog
			return sel, nil
		}
	}
	if sel.Period == 0 {
		return sel, nil
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
