package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"ziping"
	"ziping/survey"
)

// linkOf is the {link} of a round the actor may see.
func (s *Server) linkOf(r *http.Request) (*survey.Calc, *ziping.SurveyLink, error) {
	sv, cl, err := s.roundCalc(r)
	if err != nil {
		return nil, nil, err
	}
	lid, err := strconv.ParseInt(r.PathValue("link"), 10, 64)
	if err != nil {
		return nil, nil, ziping.Errorf(ziping.NotFound, "没有这个调查链接")
	}
	l, err := sv.Store.SurveyLink(r.Context(), lid)
	if err != nil || l.RoundID != cl.Round.ID {
		return nil, nil, ziping.Errorf(ziping.NotFound, "没有这个调查链接")
	}
	return cl, l, nil
}

func (s *Server) surveyQR(w http.ResponseWriter, r *http.Request) error {
	_, l, err := s.linkOf(r)
	if err != nil {
		return err
	}
	png, err := qrPNG(baseURL(r, s.opts.SecureCookies)+"/s/"+l.Key, 512)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, err = w.Write(png)
	return err
}

// sheetsPage is the printable A4 sheets of a round: one a link, with the school's
// name, the group and the QR code.
type sheetsPage struct {
	Title, County, CSS string
	Sheets             []sheetView
}

type sheetView struct {
	Title, Paper, Group, School, URL, QR string
}

func (s *Server) surveySheets(w http.ResponseWriter, r *http.Request) error {
	sv, cl, err := s.roundCalc(r)
	if err != nil {
		return err
	}
	id := cl.Round.ID
	links, err := sv.Store.SurveyLinks(r.Context(), id)
	if err != nil {
		return err
	}
	_, assets, err := s.current()
	if err != nil {
		return err
	}
	base := baseURL(r, s.opts.SecureCookies)
	p := &sheetsPage{Title: cl.Setup.Title, County: cl.Unit.Name, CSS: assets.url("surveyprint.css")}
	for _, l := range links {
		if l.Disabled {
			continue
		}
		sh := sheetView{Title: cl.Setup.Title, School: l.SchoolName, URL: base + "/s/" + l.Key,
			QR: fmt.Sprintf("/surveys/%d/links/%d/qr.png", id, l.ID)}
		if q := cl.File.Questionnaire(l.Form); q != nil {
			sh.Paper = q.Name
		}
		if g := cl.File.Group(l.Group); g != nil {
			sh.Group = g.Name
		}
		p.Sheets = append(p.Sheets, sh)
	}
	return s.renderBare(w, http.StatusOK, "survey_sheets", p)
}

// surveyTokens makes a batch of single-use tokens for a link and downloads them as
// a workbook: the only time they can be read.
func (s *Server) surveyTokens(w http.ResponseWriter, r *http.Request) error {
	cl, l, err := s.linkOf(r)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(r.PostForm.Get("n")) // 0 when missing: the service says why
	tokens, err := s.svc.Survey.AddTokens(r.Context(), info(r).actor, cl.Round.ID, l.ID, n)
	if err != nil {
		return err
	}
	base := baseURL(r, s.opts.SecureCookies) + "/s/" + l.Key + "?t="
	sh := &ziping.Sheet{Name: "邀请码", Title: fmt.Sprintf("%s %s 邀请码（每码限用一次）", cl.Setup.Title, l.SchoolName),
		Columns: []string{"序号", "邀请码", "作答链接"}}
	for i, t := range tokens {
		sh.Rows = append(sh.Rows, []any{i + 1, t, base + t})
	}
	var b bytes.Buffer
	if err := s.opts.Sheets(&b, sh); err != nil {
		return err
	}
	return sendFile(w, fmt.Sprintf("邀请码-%s-%d.xlsx", l.SchoolName, l.ID),
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}

func sendFile(w http.ResponseWriter, name, ctype string, data []byte) error {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "no-store")
	_, err := io.Copy(w, bytes.NewReader(data))
	return err
}

// surveyDoc downloads a round's report (.docx) or its responses (.xlsx).
func (s *Server) surveyDoc(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		sv, cl, err := s.roundCalc(r)
		if err != nil {
			return err
		}
		if sv.Documents == nil {
			return ziping.Errorf(ziping.NotFound, "本服务未配置文档输出")
		}
		name := fmt.Sprintf("%s%d年社会认可度调查", cl.Unit.Name, cl.Round.Period)
		if kind == "docx" {
			data, err := sv.Documents.Report(cl, sv.Now().In(shanghaiZone()))
			if err != nil {
				return err
			}
			return sendFile(w, name+"报告.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data)
		}
		data, err := sv.Documents.Responses(cl)
		if err != nil {
			return err
		}
		return sendFile(w, name+"答卷.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
	}
}

// surveyImport brings an export of answers collected on 问卷星 or 腾讯问卷 into the
// round, all or none.
func (s *Server) surveyImport(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyService()
	if err != nil {
		return err
	}
	id, err := roundID(r)
	if err != nil {
		return err
	}
	if err := sv.Editable(r.Context(), info(r).actor, id); err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return ziping.Errorf(ziping.Invalid, "请选择答卷文件（.xlsx 或 .csv）")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, s.opts.MaxUpload+1))
	if err != nil {
		return err
	}
	if s.opts.ReadExport == nil {
		return ziping.Errorf(ziping.NotFound, "本服务未配置答卷导入")
	}
	sh, err := s.opts.ReadExport(hdr.Filename, data)
	if err != nil {
		return ziping.Errorf(ziping.Invalid, "%s", err.Error())
	}
	added, ext, err := sv.ImportExport(r.Context(), info(r).actor, id, r.PostForm.Get("paper"), sh, data)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("已导入%d份答卷（文件共%d行）", added, len(ext.Responses))
	if len(ext.ExtraScales) > 0 {
		msg += fmt.Sprintf("；%d列满意度题未对应问卷题目，本轮不计入", len(ext.ExtraScales))
	}
	if len(ext.Unmatched) > 0 {
		msg += fmt.Sprintf("；未使用的列：%v", ext.Unmatched)
	}
	s.setFlash(w, r, msg)
	http.Redirect(w, r, fmt.Sprintf("/surveys/%d", id), http.StatusSeeOther)
	return nil
}
