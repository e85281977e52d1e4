package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// pathID is a positive id from the path; anything else is a page that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, ziping.Errorf(ziping.NotFound, "页面不存在")
	}
	return id, nil
}

// assessmentPage shows an assessment.
func (s *Server) assessmentShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderAssessment(w, r, http.StatusOK, id, nil)
}

// renderAssessment renders the page of assessment id; edit, when given, changes the
// page first (a refusal shown in place).
func (s *Server) renderAssessment(w http.ResponseWriter, r *http.Request, status int, id int64, edit func(*assessmentPage)) error {
	v, err := s.svc.Assess.Assessment(r.Context(), info(r).actor, id)
	if err != nil {
		return err
	}
	p, err := s.newAssessmentPage(r, v)
	if err != nil {
		return err
	}
	if edit != nil {
		edit(p)
	}
	return s.render(w, r, status, "assessment", p)
}

// done ends a successful POST: a flash and a redirect to the page (at anchor).
func (s *Server) done(w http.ResponseWriter, r *http.Request, msg, to string) error {
	s.setFlash(w, r, msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// assessmentScore saves one side's score of a point. A refusal (bad input, or someone
// else saved first) comes back beside the point, with what was typed: on the point's
// page when it was posted from there, else on the assessment page (renderRefusal).
func (s *Server) assessmentScore(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	code := r.PathValue("point")
	in, raw, err := scoreInput(r.PostForm, code)
	if err == nil {
		_, err = s.svc.Assess.ScorePoint(r.Context(), info(r).actor, id, in)
	}
	if err == nil {
		msg := "已保存" + engine.PointLabel(code) + "的" + sideName(in.Side) + "。"
		if in.Clear {
			msg = "已清除" + engine.PointLabel(code) + "的复核意见。"
		}
		return s.done(w, r, msg, savedURL(r, id, code))
	}
	msg, ok := userMessage(err)
	if !ok {
		return err
	}
	return s.renderRefusal(w, r, statusOf(err), id, code, msg, func(ap *aPoint) bool {
		f := map[string]*scoreForm{ziping.SideSelf: ap.SelfForm, ziping.SideReview: ap.ReviewForm}[in.Side]
		if f == nil {
			return false
		}
		f.Error = msg
		f.fill(in.Score, in.Checked, in.Triggered)
		f.Score, f.Justification = raw, in.Justification
		var sc *assess.ScoreConflict
		if errors.As(err, &sc) {
			// The person has now seen the other value: saving again overwrites it.
			f.Version, f.Current = sc.Current.Version, "当前保存的值："+scoreWords(sc)
		} else {
			f.Version = in.Version
		}
		return true
	})
}

func sideName(side string) string {
	if side == ziping.SideReview {
		return "复核意见"
	}
	return "自评"
}

// scoreWords is the stored score of a conflict in words.
func scoreWords(sc *assess.ScoreConflict) string {
	if !sc.Exists {
		return "已删除"
	}
	ps := sc.Current
	var parts []string
	if ps.Score != nil {
		parts = append(parts, num(*ps.Score)+"分")
	}
	if ps.Checked != nil {
		parts = append(parts, "勾选"+strconv.Itoa(len(ps.Checked))+"项")
	}
	if ps.Triggered != nil {
		parts = append(parts, map[bool]string{true: "触发", false: "未触发"}[*ps.Triggered])
	}
	if ps.Justification != "" {
		parts = append(parts, "说明：「"+ps.Justification+"」")
	}
	return strings.Join(parts, "，") + "（" + sc.By + "）"
}

// scoreInput reads a score form; raw is the score as typed.
func scoreInput(f url.Values, code string) (assess.ScoreInput, string, error) {
	in := assess.ScoreInput{Side: f.Get("side"), Code: code, Justification: strings.TrimSpace(f.Get("justification")), Clear: f.Get("clear") == "1"}
	raw := strings.TrimSpace(f.Get("score"))
	var err error
	if v := f.Get("version"); v != "" {
		if in.Version, err = strconv.ParseInt(v, 10, 64); err != nil || in.Version < 0 {
			return in, raw, ziping.Errorf(ziping.Invalid, "表单已损坏，请刷新页面后重新填写")
		}
	}
	if len([]rune(in.Justification)) > 2000 {
		return in, raw, ziping.Errorf(ziping.Invalid, "说明不能超过2000字")
	}
	if raw != "" && !in.Clear {
		v, perr := strconv.ParseFloat(raw, 64)
		if perr != nil {
			return in, raw, ziping.Errorf(ziping.Invalid, "分数「%s」不是数字", raw)
		}
		in.Score = &v
	}
	if f.Get("checklist") == "1" {
		in.Checked = append([]string{}, f["checked"]...)
	}
	switch f.Get("triggered") {
	case "yes":
		t := true
		in.Triggered = &t
	case "no":
		t := false
		in.Triggered = &t
	}
	return in, raw, nil
}

// assessmentFlow is a workflow step: each form posts the status the page showed.
// Without confirm=1 it asks first (askStep) and changes nothing.
func (s *Server) assessmentFlow(step string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if !confirmed(r) {
			return s.askStep(w, r, step, id)
		}
		ctx, a := r.Context(), info(r).actor
		seen, note := r.PostForm.Get("status"), strings.TrimSpace(r.PostForm.Get("note"))
		var msg string
		switch step {
		case "submit":
			err, msg = s.svc.Assess.Submit(ctx, a, id, seen), "自评已提交，等待上级复核。"
		case "return":
			err, msg = s.svc.Assess.Return(ctx, a, id, seen, note), "已退回修改。"
		case "accept":
			err, msg = s.svc.Assess.Accept(ctx, a, id, seen, note), "复核已完成，扣分项已列入问题清单。"
		case "publish":
			err, msg = s.svc.Assess.Publish(ctx, a, id, seen), "评价结果已公布。"
		case "withdraw":
			err, msg = s.svc.Assess.Withdraw(ctx, a, id, seen), "已撤回提交，可以继续修改后重新提交。"
		case "unpublish":
			err, msg = s.svc.Assess.Unpublish(ctx, a, id, seen, note), "已撤销公布，评价结果通报已更新。"
		}
		if err == nil {
			return s.done(w, r, msg, assessmentURL(id))
		}
		refusal, ok := userMessage(err)
		if !ok {
			return err
		}
		return s.renderAssessment(w, r, statusOf(err), id, func(p *assessmentPage) { p.Message = refusal })
	}
}

// evidenceAdd attaches an uploaded file to a point of the assessment.
func (s *Server) evidenceAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	f := r.PostForm
	in := assess.EvidenceInput{Point: f.Get("point"), Title: f.Get("title"), DocNumber: f.Get("doc_number")}
	year := strings.TrimSpace(f.Get("year"))
	noFile := false
	if year != "" {
		if in.Period, err = strconv.Atoi(year); err != nil || in.Period < 1900 || in.Period > 2200 {
			err = ziping.Errorf(ziping.Invalid, "年度应为四位年份，如%d", s.now().Year())
		}
	}
	if err == nil {
		in.FileName, in.Data, noFile, err = s.evidenceFile(r)
	}
	if err == nil {
		_, err = s.svc.Assess.AddEvidence(r.Context(), info(r).actor, id, in)
	}
	if err == nil {
		return s.done(w, r, "已上传证明材料。", savedURL(r, id, in.Point))
	}
	msg, ok := userMessage(err)
	if !ok {
		return err
	}
	if noFile && ziping.ErrorKind(err) == ziping.Invalid {
		msg = "请选择要上传的文件"
	}
	return s.renderRefusal(w, r, statusOf(err), id, in.Point, msg, func(ap *aPoint) bool {
		ef := ap.EvidenceForm
		if ef == nil {
			return false
		}
		ef.Error, ef.Title, ef.DocNumber, ef.Period = msg, in.Title, in.DocNumber, year
		return true
	})
}

// evidenceFile reads the uploaded file; no file gives empty data for the service to
// refuse once it has checked who is asking.
func (s *Server) evidenceFile(r *http.Request) (name string, data []byte, none bool, err error) {
	file, hdr, ferr := r.FormFile("file")
	if ferr != nil {
		return "", nil, true, nil
	}
	defer file.Close()
	data, err = io.ReadAll(io.LimitReader(file, s.opts.MaxEvidence+1))
	if err != nil {
		return "", nil, false, fmt.Errorf("read evidence upload: %w", err)
	}
	if int64(len(data)) > s.opts.MaxEvidence {
		return "", nil, false, ziping.Errorf(ziping.Invalid, "证明材料不能超过%s", sizeText(s.opts.MaxEvidence))
	}
	return uploadName(hdr.Filename), data, false, nil
}

// evidenceDownload sends an evidence file: images may be shown in the browser,
// everything else is downloaded.
func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, data, err := s.svc.Assess.EvidenceFile(r.Context(), info(r).actor, id)
	if err != nil {
		return err
	}
	disp := contentDisposition(e.FileName, "evidence-"+strconv.FormatInt(e.ID, 10)+strings.ToLower(path.Ext(e.FileName)))
	if strings.HasPrefix(e.ContentType, "image/") {
		disp = "inline" + strings.TrimPrefix(disp, "attachment")
	}
	h := w.Header()
	h.Set("Content-Type", e.ContentType)
	h.Set("Content-Disposition", disp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

// evidenceChange removes or confirms an evidence link, then shows its assessment.
func (s *Server) evidenceChange(remove bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		ctx, a := r.Context(), info(r).actor
		// Where to go back to; the service decides whether the actor may see it.
		e, err := s.svc.Store.Evidence(ctx, id)
		if ziping.IsNotFound(err) {
			return ziping.Errorf(ziping.NotFound, "没有这份材料")
		} else if err != nil {
			return err
		}
		msg := "已移除证明材料「" + e.Title + "」。"
		if remove {
			err = s.svc.Assess.RemoveEvidence(ctx, a, id)
		} else {
			_, err = s.svc.Assess.ConfirmEvidence(ctx, a, id)
			msg = "已确认证明材料「" + e.Title + "」。"
		}
		if err == nil {
			return s.done(w, r, msg, savedURL(r, e.AssessmentID, e.Point))
		}
		refusal, ok := userMessage(err)
		if !ok {
			return err
		}
		return s.renderRefusal(w, r, statusOf(err), e.AssessmentID, e.Point, refusal, func(*aPoint) bool { return false })
	}
}
