package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ziping"
)

// TestLocalDayNearMidnightUTC: at 2026-12-04T17:30Z it is 01:30 on 5 December in
// Beijing. Every time a user sees (evidence, the audit trail) and every document's
// date (the rectification notice, the report's 成文日期) is the Beijing one, never
// the UTC day.
func TestLocalDayNearMidnightUTC(t *testing.T) {
	f := newFixture(t, 30)
	as := f.rkAssess(rkFW, "990102", 2024, 0.8, ziping.StatusReviewed)
	ps := f.rkProblems(as)
	if len(ps) == 0 {
		t.Fatal("no problems to attach evidence to")
	}
	f.clock.mu.Lock()
	f.clock.t = time.Date(2026, 12, 4, 17, 30, 0, 0, time.UTC)
	f.clock.mu.Unlock()
	clear(f.sessions) // the sessions of 2024 have long expired

	path := problemURL(ps[0].ID)
	png := []byte("\x89PNG\r\n\x1a\n0000")
	if w := f.uploadAs("filler", path+"/evidence", map[string]string{"title": "整改照片"}, "照片.png", png); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, w.Body.String())
	}
	body := f.do(request{role: "filler", method: "GET", path: path}).Body.String()
	if !strings.Contains(body, "2026-12-05 01:30") || strings.Contains(body, "2026-12-04 17:30") {
		t.Errorf("the evidence's time is not Beijing time:\n%s", excerptAround(body, "整改照片"))
	}

	// A finding: its audit entry is at 01:30 on the 5th.
	id := strconv.FormatInt(as.ID, 10)
	form := url.Values{"description": {"校舍安全隐患未排查"}, "deadline": {"2027-03-31"}}
	if w := f.do(request{role: "reviewer", method: "POST", path: "/assessments/" + id + "/findings", form: form}); w.Code != http.StatusSeeOther {
		t.Fatalf("finding: %d %s", w.Code, w.Body.String())
	}
	body = f.do(request{role: "admin", method: "GET", path: "/audit?from=2026-12-05&to=2026-12-05"}).Body.String()
	if !strings.Contains(body, "2026-12-05 01:30:00") {
		t.Errorf("the audit trail of 5 December lacks the entry at 01:30:\n%s", excerptAround(body, "audit-table"))
	}
	if strings.Contains(body, "2026-12-04 17:30") {
		t.Error("the audit trail shows the UTC time")
	}
	// Filtering by the 4th (a Beijing day) does not find what happened at 17:30 UTC on the 4th.
	body = f.do(request{role: "admin", method: "GET", path: "/audit?from=2026-12-04&to=2026-12-04"}).Body.String()
	if strings.Contains(body, "2026-12-05 01:30") {
		t.Error("the audit filter of 4 December (Beijing) shows an entry of the 5th")
	}

	// The notice and the report are dated 5 December.
	w := f.do(request{role: "filler", method: "GET", path: "/assessments/" + id + "/notice.docx"})
	if w.Code != 200 {
		t.Fatalf("notice: %d", w.Code)
	}
	if doc := rkDocumentXML(t, w.Body.Bytes()); !strings.Contains(doc, "2026年12月5日") || strings.Contains(doc, "2026年12月4日") {
		t.Error("the notice is not dated 2026年12月5日")
	}
	// A draft's report is dated today (a submitted one, the day it was submitted).
	draft := f.startAssessment(ziping.System, "990102", rkFW, 2023)
	w = f.do(request{role: "filler", method: "GET", path: "/assessments/" + strconv.FormatInt(draft, 10) + "/report.docx"})
	if w.Code != 200 {
		t.Fatalf("report: %d %s", w.Code, w.Body.String())
	}
	if doc := rkDocumentXML(t, w.Body.Bytes()); !strings.Contains(doc, "2026年12月5日") || strings.Contains(doc, "2026年12月4日") {
		t.Errorf("the report is not dated 2026年12月5日: %s", doc[max(0, len(doc)-3000):])
	}
}

// excerptAround is the part of body around the first occurrence of s.
func excerptAround(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return excerpt(body)
	}
	return body[max(0, i-600):min(len(body), i+600)]
}
