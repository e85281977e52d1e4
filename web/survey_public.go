package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"ziping"
	"ziping/survey"
)

// surveyState is what the survey pages keep between requests: the public answer
// endpoint's limiters, and the pages parsed without the site's layout (the answer
// page must stay light; the QR sheets are for printing).
type surveyState struct {
	byLink, byNet *limiter
	once          sync.Once
	bare          map[string]*template.Template
	bareErr       error
}

func newSurveyState(o Options, now func() time.Time) *surveyState {
	link, nw := o.SurveyLinkRate, o.SurveyNetworkRate
	if link == 0 {
		link = 300
	}
	if nw == 0 {
		nw = 120
	}
	return &surveyState{byLink: newLimiter(link, time.Minute, now), byNet: newLimiter(nw, time.Minute, now)}
}

// bareNames are the pages parsed alone, each defining a template of its name.
var bareNames = []string{"survey_answer", "survey_sheets"}

func (s *Server) bareTemplate(name string) (*template.Template, error) {
	st := s.survey
	if s.opts.Dev {
		return template.ParseFS(s.templateFS(), name+".html")
	}
	st.once.Do(func() {
		st.bare = map[string]*template.Template{}
		for _, n := range bareNames {
			t, err := template.ParseFS(s.templateFS(), n+".html")
			if err != nil {
				st.bareErr = fmt.Errorf("web: template %s: %w", n, err)
				return
			}
			st.bare[n] = t
		}
	})
	return st.bare[name], st.bareErr
}

// renderBare renders a page parsed alone, to a buffer first.
func (s *Server) renderBare(w http.ResponseWriter, status int, name string, data any) error {
	t, err := s.bareTemplate(name)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b.Bytes())
	return err
}

// answerPage is the public answer page of a link.
type answerPage struct {
	Title, County, Intro, Paper string
	CSS, JS                     string
	Action                      string
	ClientID                    string
	Started                     int64 // unix ms when the page was made
	Token                       string
	NeedToken                   bool
	Group                       string // the link's group name; "" lets the respondent choose
	Groups                      []survey.Group
	AskArea                     bool
	Areas                       []string
	Questions                   []answerQuestion
	Open                        bool
	Done                        bool
	Duplicate                   bool
	Error                       string
	Total                       int
}

type answerQuestion struct {
	N        int
	ID, Text string
	Kind     string
	Options  []string
	Optional bool
}

const deviceSurveyCookie = "ziping_sd"

// surveyAnswer shows a link's questionnaire: no sign-in, light, mobile first.
func (s *Server) surveyAnswer(w http.ResponseWriter, r *http.Request) error {
	if s.svc.Survey == nil {
		return ziping.Errorf(ziping.NotFound, "页面不存在")
	}
	fm, err := s.svc.Survey.Form(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	s.surveyDevice(w, r)
	p := s.answerPageOf(r, fm)
	p.Done = r.URL.Query().Get("done") == "1"
	return s.renderBare(w, http.StatusOK, "survey_answer", p)
}

func (s *Server) answerPageOf(r *http.Request, fm *survey.Form) *answerPage {
	_, assets, _ := s.current()
	p := &answerPage{Title: fm.Paper.Title, County: fm.County, Intro: fm.Paper.Intro, Paper: fm.Paper.Name,
		CSS: assets.url("survey.css"), JS: assets.url("survey.js"), Action: "/s/" + fm.Link.Key,
		ClientID: ziping.RandomHex(nil, 12), Started: s.svc.Survey.Now().UnixMilli(),
		Token: r.URL.Query().Get("t"), NeedToken: fm.Link.Tokens, AskArea: fm.Link.Area == "", Areas: survey.Areas,
		Open: fm.Open}
	if len(p.Token) > 64 {
		p.Token = ""
	}
	if fm.Group != nil {
		p.Group = fm.Group.Name
	} else {
		p.Groups = fm.Groups
	}
	for i, q := range fm.Questions {
		p.Questions = append(p.Questions, answerQuestion{N: i + 1, ID: q.ID, Text: q.Text, Kind: q.Kind,
			Options: fm.File.Options(&q), Optional: q.Optional})
	}
	p.Total = len(p.Questions)
	return p
}

// surveyDevice gives the browser a device cookie for the survey pages, once.
func (s *Server) surveyDevice(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(deviceSurveyCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	v := ziping.RandomHex(nil, 16)
	http.SetCookie(w, &http.Cookie{Name: deviceSurveyCookie, Value: v, Path: "/s/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || s.opts.SecureCookies})
	return v
}

// maxAnswerBody bounds a submitted questionnaire: a few hundred answers of a few
// hundred characters.
const maxAnswerBody = 64 << 10

// networkOf is the client's network: its /24 (IPv4) or /48 (IPv6).
func (s *Server) networkOf(r *http.Request) string {
	addr, err := netip.ParseAddr(s.clientIP(r))
	if err != nil {
		return s.clientIP(r)
	}
	bits := 48
	if addr.Unmap().Is4() {
		addr, bits = addr.Unmap(), 24
	}
	p, _ := addr.Prefix(bits)
	return p.String()
}

// surveySubmit stores an answered questionnaire. It is idempotent by the page's
// client id; the link and the network are rate limited; the body is small.
func (s *Server) surveySubmit(w http.ResponseWriter, r *http.Request) error {
	if s.svc.Survey == nil {
		return ziping.Errorf(ziping.NotFound, "页面不存在")
	}
	key := r.PathValue("key")
	wantJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	network := s.networkOf(r)
	if !s.survey.byLink.allow(key) || !s.survey.byNet.allow(network) {
		w.Header().Set("Retry-After", "60")
		return s.answerError(w, r, wantJSON, ziping.Errorf(ziping.Busy, "提交过于频繁，请稍后再试"))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAnswerBody)
	if err := r.ParseForm(); err != nil {
		return s.answerError(w, r, wantJSON, ziping.Errorf(ziping.Invalid, "提交的内容有误或过大"))
	}
	fm, err := s.svc.Survey.Form(r.Context(), key)
	if err != nil {
		return s.answerError(w, r, wantJSON, err)
	}
	sub := survey.Submission{Key: key, ClientID: r.PostForm.Get("cid"), Group: r.PostForm.Get("g"), Area: r.PostForm.Get("area"),
		Token: strings.TrimSpace(r.PostForm.Get("t")), Network: network, Device: s.surveyDevice(w, r),
		Answers: answersOf(r, fm)}
	if ms, err := strconv.ParseInt(r.PostForm.Get("started"), 10, 64); err == nil {
		sub.Started = time.UnixMilli(ms)
	}
	_, dup, err := s.svc.Survey.Submit(r.Context(), sub)
	if err != nil {
		return s.answerError(w, r, wantJSON, err)
	}
	if wantJSON {
		return writeJSON(w, http.StatusOK, map[string]any{"ok": true, "duplicate": dup})
	}
	http.Redirect(w, r, "/s/"+key+"?done=1", http.StatusSeeOther)
	return nil
}

// answersOf reads the form's answers: q.ID holds an option's index (several for a
// multiple choice) or the text.
func answersOf(r *http.Request, fm *survey.Form) survey.Answers {
	a := survey.Answers{}
	for _, q := range fm.Questions {
		vals := r.PostForm["q."+q.ID]
		if len(vals) == 0 || (len(vals) == 1 && strings.TrimSpace(vals[0]) == "") {
			continue
		}
		switch q.Kind {
		case survey.KindText:
			a[q.ID] = survey.Answer{Text: strings.TrimSpace(vals[0])}
		case survey.KindMulti:
			var ans survey.Answer
			for _, v := range vals {
				i, err := strconv.Atoi(v)
				if err != nil {
					i = -1
				}
				ans.Choices = append(ans.Choices, i)
			}
			a[q.ID] = ans
		default:
			i, err := strconv.Atoi(vals[0])
			if err != nil {
				i = -1
			}
			a[q.ID] = survey.Pick(i)
		}
	}
	return a
}

// answerError answers a refused submission: JSON for the page's script, or the
// page again with the message.
func (s *Server) answerError(w http.ResponseWriter, r *http.Request, wantJSON bool, err error) error {
	status := statusOf(err)
	msg := safeMessage(err, status)
	if status >= 500 {
		info(r).err = err
	}
	if wantJSON {
		return writeJSON(w, status, map[string]any{"ok": false, "error": msg})
	}
	fm, ferr := s.svc.Survey.Form(r.Context(), r.PathValue("key"))
	if ferr != nil {
		return err
	}
	p := s.answerPageOf(r, fm)
	p.Error = msg
	return s.renderBare(w, status, "survey_answer", p)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
