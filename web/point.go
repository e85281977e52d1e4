package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"ziping"
	"ziping/assess"
)

// A point of an assessment has its own page, GET /assessments/{id}/points/{point}:
// its result, details and forms, for browsers without JavaScript (the assessment
// page links every point to it) and after a refused save. The same details and
// forms, without the page around them, are the fragment that static/point.js
// fetches into the assessment page when a point is opened:
// GET /assessments/{id}/points/{point}/form.

// pointPage is the page of one point of an assessment.
type pointPage struct {
	Page
	Point                   *aPoint
	Unit                    unitView
	Period                  int
	FW                      string
	StatusName, StatusClass string
	AssessmentURL           string
	Back                    string // the point on the assessment page
	Message                 string // why a save was refused, when no form says it
	PrevURL, PrevCode       string
	NextURL, NextCode       string
}

func pointURL(id int64, code string) string {
	return assessmentURL(id) + "/points/" + url.PathEscape(code)
}

// backToPoint says whether a form was posted from a point's own page, which a save
// returns to; otherwise it returns to the assessment page.
func backToPoint(r *http.Request) bool { return r.PostForm.Get("back") == "point" }

// pointShow shows a point's page.
func (s *Server) pointShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderPoint(w, r, http.StatusOK, id, r.PathValue("point"), nil)
}

// renderPoint renders the page of point code of assessment id; edit, when given,
// changes the page first (a refusal shown in place).
func (s *Server) renderPoint(w http.ResponseWriter, r *http.Request, status int, id int64, code string, edit func(*pointPage)) error {
	v, p, ap, err := s.pointIn(r, id, code)
	if err != nil {
		return err
	}
	ap.Opened = true
	ap.setContext(p.CSRF, "point")
	pp := &pointPage{Point: ap, Unit: p.Unit, Period: p.Period, FW: p.FW.Name, StatusName: p.StatusName, StatusClass: p.StatusClass,
		AssessmentURL: p.URL, Back: p.URL + "#" + ap.Anchor}
	pp.neighbours(p, ap)
	if err := s.fillUnitPage(r, &pp.Page, v.Unit, pointLabel(ap.Code)); err != nil {
		return err
	}
	last := pp.Crumbs[len(pp.Crumbs)-1]
	pp.Crumbs = append(pp.Crumbs[:len(pp.Crumbs)-1], crumb{Name: "自评与复核", URL: p.ListURL},
		crumb{Name: strconv.Itoa(p.Period) + "年度自评", URL: p.URL}, last)
	if edit != nil {
		edit(pp)
	}
	return s.render(w, r, status, "point", pp)
}

// pointIn is assessment id as the actor sees it, and its point of code (NotFound
// when it has none).
func (s *Server) pointIn(r *http.Request, id int64, code string) (*assess.AssessmentView, *assessmentPage, *aPoint, error) {
	v, err := s.svc.Assess.Assessment(r.Context(), info(r).actor, id)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := s.assessmentView(r, v)
	if err != nil {
		return nil, nil, nil, err
	}
	ap := p.point(pointAnchor(code))
	if ap == nil || code == "" {
		return nil, nil, nil, ziping.Errorf(ziping.NotFound, "本评价体系没有测评点「%s」", code)
	}
	return v, p, ap, nil
}

// neighbours links the points before and after ap, in framework order.
func (pp *pointPage) neighbours(p *assessmentPage, ap *aPoint) {
	var prev *aPoint
	found := false
	p.eachPoint(func(x *aPoint) {
		switch {
		case x == ap:
			found = true
			if prev != nil {
				pp.PrevURL, pp.PrevCode = prev.URL, pointLabel(prev.Code)
			}
		case found && pp.NextURL == "":
			pp.NextURL, pp.NextCode = x.URL, pointLabel(x.Code)
		}
		prev = x
	})
}

// pointFragment sends a point's details and forms alone, for the assessment page
// to show in place.
func (s *Server) pointFragment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, _, ap, err := s.pointIn(r, id, r.PathValue("point"))
	if err != nil {
		return err
	}
	return s.renderFragment(w, "point", "pointdetail", ap)
}

// renderFragment executes one template of a page's set, without the layout, into
// a buffer and sends it.
func (s *Server) renderFragment(w http.ResponseWriter, page, name string, data any) error {
	pages, _, err := s.current()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pages.byName[page].ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s/%s: %w", page, name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// renderRefusal shows a refused change again where it was made: on the point's
// page when it was posted from there, otherwise on the assessment page with the
// point opened. fix puts the refusal and what was typed into the point's form and
// reports whether it had the form; when it had not, msg is shown above.
func (s *Server) renderRefusal(w http.ResponseWriter, r *http.Request, status int, id int64, code, msg string, fix func(*aPoint) bool) error {
	if backToPoint(r) && code != "" {
		err := s.renderPoint(w, r, status, id, code, func(pp *pointPage) {
			if !fix(pp.Point) {
				pp.Message = msg
			}
		})
		if !ziping.IsNotFound(err) {
			return err
		}
	}
	return s.renderAssessment(w, r, status, id, func(p *assessmentPage) {
		ap := p.point(pointAnchor(code))
		if ap == nil || code == "" || !fix(ap) {
			p.Message = msg
			return
		}
		ap.Opened = true
	})
}

// savedURL is where a successful change of point code returns to.
func savedURL(r *http.Request, id int64, code string) string {
	if backToPoint(r) && code != "" {
		return pointURL(id, code)
	}
	return assessmentURL(id) + "#" + url.PathEscape(pointAnchor(code))
}
