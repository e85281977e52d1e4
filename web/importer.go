package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ziping"
	"ziping/dataset"
	"ziping/engine"
	"ziping/xlsx"
)

// editableUnit is the unit named in the path, when the actor may change its data.
func (s *Server) editableUnit(r *http.Request) (*ziping.OrgUnit, error) {
	u, err := s.visibleUnit(r)
	if err != nil {
		return nil, err
	}
	if !info(r).actor.CanEdit(u) {
		return nil, ziping.Errorf(ziping.Forbidden, "您无权修改该单位的数据")
	}
	return u, nil
}

// importPage is the upload form, and after an upload its preview: the errors of
// the file cell by cell, or a summary and the confirm button.
type importPage struct {
	Page
	Unit       unitView
	Action     string
	ConfirmURL string
	Period     string // the form's 年度 field
	MaxUpload  string
	Message    string                 // why the upload or the import was refused
	Note       string                 // what the preview left out (other years' rows)
	File       string                 // name of the file previewed
	Warnings   []ziping.ImportWarning // what the file holds that no data element takes
	Errors     []ziping.CellError
	MoreErrors int // errors beyond those listed
	Preview    *importPreview
}

// importPreview summarises a file that read without errors.
type importPreview struct {
	Upload                         string
	Periods                        string
	Counties, Schools, Rows, Facts int
	Sample                         []sampleRow
	SampleNote                     string
}

type sampleRow struct {
	Period                                  int
	County, Code, Name, Stage, Type, Public string
	Students, Classes, Teachers             string
}

// maxListedErrors bounds the error table of a preview.
const maxListedErrors = 1000

func (s *Server) newImportPage(r *http.Request, u *ziping.OrgUnit) (*importPage, error) {
	p := &importPage{Unit: newUnitView(u), Action: unitURL(u.Code) + "/import", ConfirmURL: unitURL(u.Code) + "/import/confirm",
		MaxUpload: sizeText(s.opts.MaxUpload)}
	if err := s.fillUnitPage(r, &p.Page, u, "导入数据"); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	u, err := s.editableUnit(r)
	if err != nil {
		return err
	}
	p, err := s.newImportPage(r, u)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "import", p)
}

// importUpload reads an uploaded file and previews it; nothing is written.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	u, err := s.editableUnit(r)
	if err != nil {
		return err
	}
	longWrite(w)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	p, err := s.newImportPage(r, u)
	if err != nil {
		return err
	}
	p.Period = strings.TrimSpace(r.PostFormValue("period"))
	refuse := func(status int, msg string) error {
		p.Message = msg
		return s.render(w, r, status, "import", p)
	}
	period := 0
	if p.Period != "" {
		if period, err = strconv.Atoi(p.Period); err != nil || period < 1900 || period > 2999 {
			return refuse(http.StatusBadRequest, "年度应为四位年份，如2024")
		}
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return refuse(http.StatusBadRequest, "请选择要导入的文件（.xlsx 或 .csv）")
	}
	name := uploadName(hdr.Filename)
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".xlsx" && ext != ".csv" {
		file.Close()
		return refuse(http.StatusBadRequest, "只能导入 .xlsx 或 .csv 文件")
	}
	data, err := readFormFile(r, file, hdr.Size, s.opts.MaxUpload)
	if err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > s.opts.MaxUpload {
		return refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("上传的文件过大，已拒绝：文件不能超过%s", sizeText(s.opts.MaxUpload)))
	}
	if len(data) == 0 {
		return refuse(http.StatusBadRequest, "上传的文件是空的")
	}
	if ext == ".xlsx" && !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return refuse(http.StatusBadRequest, "文件不是有效的 Excel 文件（.xlsx）")
	}
	p.File = name
	release, err := s.previews.acquire(r.Context(), len(data))
	if err != nil {
		return refuse(http.StatusTooManyRequests, safeMessage(err, http.StatusTooManyRequests))
	}
	defer release()
	ri := info(r)
	loc := &xlsx.Locator{}
	ctx, done := s.pace.begin(r.Context())
	defer done()
	ds, warnings, err := s.readUpload(ctx, name, data, period, loc)
	p.Warnings = warnings
	if err == nil {
		p.Note = dataset.IgnoredPeriods(period, keepPeriod(ds, period))
		err = s.svc.Data.CheckImport(ctx, ri.actor, ds, dataset.ImportSource{File: name, Locate: loc.Locate})
	}
	if done, rerr := s.importRefused(w, r, p, err); done {
		return rerr
	}
	up, err := s.svc.Data.SaveUpload(r.Context(), ri.actor, ri.session, u.Code, name, period, data)
	if done, rerr := s.importRefused(w, r, p, err); done {
		return rerr
	}
	p.Preview = preview(ds, up.ID)
	return s.render(w, r, http.StatusOK, "import", p)
}

// readFormFile reads an uploaded file of size bytes into one buffer of that size
// (at most max+1 bytes: more is too large) and lets the parsed form's copy go: a
// 30 MB upload was held twice, and read through a buffer that doubled as it grew.
func readFormFile(r *http.Request, file multipart.File, size, max int64) ([]byte, error) {
	defer func() {
		file.Close()
		if r.MultipartForm != nil {
			r.MultipartForm.RemoveAll()
			r.MultipartForm.File = nil
		}
	}()
	if size < 0 || size > max {
		size = max + 1
	}
	data := make([]byte, size)
	n, err := io.ReadFull(file, data)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return data[:n], err
}

// importWriteTime is how long an import's preview or confirmation may take to
// answer. A 200,000-row file takes a minute or two on a loaded 2-core machine, past
// the server's write timeout, which closed the connection while the import went on
// and committed. Extended only once the unit was found editable.
const importWriteTime = 15 * time.Minute

func longWrite(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(importWriteTime))
}

// keepPeriod keeps only the chosen year's rows when the form names one.
func keepPeriod(ds *engine.Dataset, period int) map[int]int {
	if period == 0 {
		return nil
	}
	return dataset.KeepPeriod(ds, period)
}

// importRefused renders the page for a file that cannot be imported: the cell
// errors, or the reason. done is false when err is nil.
func (s *Server) importRefused(w http.ResponseWriter, r *http.Request, p *importPage, err error) (done bool, rerr error) {
	if err == nil {
		return false, nil
	}
	var ie *ziping.ImportError
	var de *ziping.Error
	switch {
	case errors.As(err, &ie):
		p.Errors = ie.Cells
		if len(p.Errors) > maxListedErrors {
			p.Errors, p.MoreErrors = p.Errors[:maxListedErrors], len(ie.Cells)-maxListedErrors
		}
		p.Message = fmt.Sprintf("文件中有%d处错误，未导入任何数据。请按下表逐项改正后重新上传。", len(ie.Cells))
		return true, s.render(w, r, http.StatusUnprocessableEntity, "import", p)
	case errors.As(err, &de) && de.Kind != ziping.Internal && de.Msg != "":
		p.Message = de.Msg
		status := statusOf(err)
		return true, s.render(w, r, status, "import", p)
	}
	return true, err
}

// readUpload runs the importer on an uploaded file, with the zip bomb guards; loc
// (may be nil) learns where each school code was read. The warnings name the columns
// and sheets the file holds that no data element takes. It gives way between rows
// as ctx's pace says (a 20,000-row workbook is a second or two of reading).
func (s *Server) readUpload(ctx context.Context, name string, data []byte, period int, loc *xlsx.Locator) (*engine.Dataset, []ziping.ImportWarning, error) {
	start := time.Now()
	step := func() {
		ziping.Paced(ctx, start)
		start = time.Now()
	}
	return xlsx.ReadFromWithWarnings([]xlsx.Input{{Name: name, R: bytes.NewReader(data), Size: int64(len(data))}},
		xlsx.ReadOptions{Period: period, UnzipSizeLimit: s.opts.UnzipSizeLimit, UnzipXMLSizeLimit: s.opts.UnzipXMLSizeLimit, Locator: loc, Step: step})
}

// uploadName is the base name of an uploaded file as shown and recorded: no folders,
// no control characters, at most 100 characters.
func uploadName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	if rs := []rune(name); len(rs) > 100 {
		name = string(rs[len(rs)-100:])
	}
	if name == "" || name == "." || name == "/" {
		name = "upload"
	}
	return name
}

// sampleSize is how many rows a preview shows.
const sampleSize = 10

func preview(ds *engine.Dataset, id string) *importPreview {
	pv := &importPreview{Upload: id}
	var pers []string
	schools := map[string]bool{}
	for _, per := range ds.PeriodList() {
		pers = append(pers, strconv.Itoa(per))
		snap := ds.Periods[per]
		sc := &snap.Schools
		pv.Rows += sc.Len()
		for i := range sc.Len() {
			schools[sc.Code[i]] = true
			if len(pv.Sample) < sampleSize {
				pv.Sample = append(pv.Sample, sampleRow{Period: per, County: ds.Units[sc.Unit[i]].Name, Code: sc.Code[i], Name: sc.Name[i],
					Stage: sc.Stage[i].String(), Type: sc.Type[i].String(), Public: publicName(sc.Public[i]),
					Students: numAt(sc, engine.SEStudents, i), Classes: numAt(sc, engine.SEClasses, i),
					Teachers: numAt(sc, engine.SchoolElementIndex("teachers"), i)})
			}
		}
		for u := range ds.Units {
			for e := range engine.UnitElements {
				if !math.IsNaN(snap.Facts.Value(e, u)) {
					pv.Facts++
					break
				}
			}
		}
	}
	pv.Periods = strings.Join(pers, "、")
	pv.Counties, pv.Schools = len(ds.Units), len(schools)
	if pv.Rows > len(pv.Sample) {
		pv.SampleNote = fmt.Sprintf("以下为前%d行，共%d行。", len(pv.Sample), pv.Rows)
	}
	return pv
}

func numAt(sc *engine.Schools, e, i int) string {
	if e < 0 || sc.Num[e] == nil || math.IsNaN(sc.Num[e][i]) {
		return "—"
	}
	return num(sc.Num[e][i])
}

// importConfirm imports a previewed upload of this session: all or nothing, audited.
// It is idempotent: the upload is consumed in the import's own transaction, and a
// second confirmation of it (a retry after a lost connection, a double click, on
// any instance) answers with the first import's batches.
func (s *Server) importConfirm(w http.ResponseWriter, r *http.Request) error {
	u, err := s.editableUnit(r)
	if err != nil {
		return err
	}
	longWrite(w)
	p, err := s.newImportPage(r, u)
	if err != nil {
		return err
	}
	ri := info(r)
	id := r.PostForm.Get("upload")
	up, batches, err := s.svc.Data.LoadUpload(r.Context(), ri.session, id, u.Code)
	if done, rerr := s.importRefused(w, r, p, err); done {
		return rerr
	}
	if batches == nil {
		if batches, err = s.confirmUpload(r, p, up); err != nil {
			if done, rerr := s.importRefused(w, r, p, err); done {
				return rerr
			}
		}
	}
	s.setFlash(w, r, importedMessage(up.Name, batches))
	target := unitURL(u.Code)
	if len(batches) > 0 {
		target += "?period=" + strconv.Itoa(slices.MaxFunc(batches, func(a, b ziping.Batch) int { return a.Period - b.Period }).Period)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// confirmUpload reads the upload again and imports it. When another confirmation
// of the same upload won the race, its batches are the answer.
func (s *Server) confirmUpload(r *http.Request, p *importPage, up *ziping.Upload) ([]ziping.Batch, error) {
	p.File = up.Name
	if up.Period != 0 {
		p.Period = strconv.Itoa(up.Period)
	}
	release, err := s.previews.acquire(r.Context(), len(up.Data))
	if err != nil {
		return nil, err
	}
	defer release()
	ctx, done := s.pace.begin(r.Context())
	defer done()
	loc := &xlsx.Locator{}
	ds, _, err := s.readUpload(ctx, up.Name, up.Data, up.Period, loc)
	if err != nil {
		return nil, err
	}
	up.Data = nil // read: the 30 MB of a large file need not outlive the import's writes
	keepPeriod(ds, up.Period)
	ri := info(r)
	batches, err := s.svc.Data.ImportDataset(ctx, ri.actor, ds,
		dataset.ImportSource{File: up.Name, SHA256: up.SHA256, UploadID: up.ID, Locate: loc.Locate})
	if ziping.ErrorKind(err) == ziping.Conflict {
		if _, done, lerr := s.svc.Data.LoadUpload(r.Context(), ri.session, up.ID, up.Unit); lerr == nil && done != nil {
			return done, nil
		}
	}
	return batches, err
}

func importedMessage(file string, batches []ziping.Batch) string {
	var parts []string
	for _, b := range batches {
		parts = append(parts, fmt.Sprintf("%d年度学校数据%d行、区县基础数据%d条", b.Period, b.Schools, b.Facts))
	}
	return fmt.Sprintf("已导入「%s」：%s。", file, strings.Join(parts, "；"))
}
