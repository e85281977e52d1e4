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
// The public notice and a viewer's ranking (published) count published
// assessments only, and when the request names no year and the framework has
// nothing published in the latest one, they open on the latest year it has.
func (s *Server) workSelection(r *http.Request, u *ziping.OrgUnit, published bool) (*selection, error) {
	sel, err := s.selectionOf(r)
	if err != nil {
		return nil, err
	}
	ri := info(r)
	q := r.URL.Query()
	chosen := q.Get("fw") != ""
	if chosen && ri.actor != nil {
		ri.fwChoice = sel.FW
	}
	if c, err := r.Cookie(fwCookie); err == nil && ri.actor != nil && !chosen {
		if prog := s.programs[c.Value]; prog != nil && countyFramework(prog.FW) {
			sel.FW, sel.prog = c.Value, prog
			chosen = true
		}
	}
	laterYear := published && q.Get("period") == ""
	if sel.Period == 0 || chosen && !laterYear {
		return sel, nil
	}
	work, err := s.svc.Assess.Work(r.Context(), u, sel.Period, published)
	if err != nil {
		return nil, err
	}
	if !chosen && work[sel.FW].Period == 0 {
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
		if best == "" && laterYear && work[sel.FW].Latest == 0 {
			// Nothing published this year: the framework published latest.
			for _, id := range s.fwIDs {
				c, b := work[id], work[best]
				if countyFramework(s.programs[id].FW) && c.Latest > 0 && (best == "" || c.Latest > b.Latest || c.Latest == b.Latest && c.All > b.All) {
					best = id
				}
			}
		}
		if best != "" {
			sel.FW, sel.prog = best, s.programs[best]
		}
	}
	if c := work[sel.FW]; laterYear && c.Period == 0 && c.Latest > 0 && c.Latest < sel.Period {
		sel.Period = c.Latest
	}
	return sel, nil
}
