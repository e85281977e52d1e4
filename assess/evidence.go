package assess

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"ziping"
)

// DefaultMaxEvidence bounds one evidence file when Service.MaxEvidence is zero.
const DefaultMaxEvidence = 20 << 20

// EvidenceInput is an uploaded evidence file with what the person said about it.
type EvidenceInput struct {
	Point     string // the point it supports; "" for the assessment as a whole
	ProblemID int64  // evidence of a problem's rectification instead
	Title     string
	DocNumber string // 文号
	Period    int    // the year of the document; 0: from the 文号, else the assessment's
	FileName  string
	Data      []byte
}

// evidenceTypes are the kinds of file evidence may be, by extension, with the
// signature the content must start with and the type it is served as.
var evidenceTypes = map[string]struct {
	magic [][]byte
	ctype string
}{
	".pdf":  {[][]byte{[]byte("%PDF-")}, "application/pdf"},
	".doc":  {[][]byte{{0xD0, 0xCF, 0x11, 0xE0}}, "application/msword"},
	".docx": {[][]byte{[]byte("PK\x03\x04")}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	".xls":  {[][]byte{{0xD0, 0xCF, 0x11, 0xE0}}, "application/vnd.ms-excel"},
	".xlsx": {[][]byte{[]byte("PK\x03\x04")}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	".png":  {[][]byte{[]byte("\x89PNG\r\n\x1a\n")}, "image/png"},
	".jpg":  {[][]byte{{0xFF, 0xD8, 0xFF}}, "image/jpeg"},
	".jpeg": {[][]byte{{0xFF, 0xD8, 0xFF}}, "image/jpeg"},
	".gif":  {[][]byte{[]byte("GIF87a"), []byte("GIF89a")}, "image/gif"},
}

// EvidenceExtensions lists the file types evidence may be, for the upload form.
const EvidenceExtensions = ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg,.gif"

// docNumberRe is an official document number: 机关代字〔年份〕序号号, with the
// brackets people type instead of 〔〕 accepted and normalised.
var docNumberRe = regexp.MustCompile(`^(\p{Han}[\p{Han}A-Za-z0-9]*)[〔\[［【(（]((?:19|20)\d\d)[〕\]］】)）]第?(\d{1,5})号$`)

// NormalizeDocNumber checks a 文号 and writes it with the official brackets 〔〕; it
// returns the year too.
func NormalizeDocNumber(s string) (string, int, error) {
	s = strings.Join(strings.Fields(s), "")
	m := docNumberRe.FindStringSubmatch(s)
	if m == nil {
		return "", 0, ziping.Errorf(ziping.Invalid, "文号「%s」格式不对，应如「南政办发〔2018〕97号」", s)
	}
	year, _ := strconv.Atoi(m[2])
	return m[1] + "〔" + m[2] + "〕" + m[3] + "号", year, nil
}

// checkEvidence validates an upload and fills what is derived from it.
func (s *Service) checkEvidence(in *EvidenceInput, e *ziping.Evidence) error {
	limit := s.MaxEvidence
	if limit == 0 {
		limit = DefaultMaxEvidence
	}
	name := path.Base(strings.ReplaceAll(in.FileName, "\\", "/"))
	if name == "" || name == "." || name == "/" || !utf8.ValidString(name) || len(name) > 255 {
		return ziping.Errorf(ziping.Invalid, "证明材料的文件名无效")
	}
	if len(in.Data) == 0 {
		return ziping.Errorf(ziping.Invalid, "证明材料「%s」是空文件", name)
	}
	if int64(len(in.Data)) > limit {
		return ziping.Errorf(ziping.Invalid, "证明材料「%s」超过%d MB的上限", name, limit>>20)
	}
	ext := strings.ToLower(path.Ext(name))
	t, ok := evidenceTypes[ext]
	if !ok {
		return ziping.Errorf(ziping.Invalid, "证明材料「%s」的类型不支持，只接受PDF、Word、Excel和图片（%s）", name, EvidenceExtensions)
	}
	okMagic := false
	for _, m := range t.magic {
		okMagic = okMagic || bytes.HasPrefix(in.Data, m)
	}
	if !okMagic {
		return ziping.Errorf(ziping.Invalid, "证明材料「%s」的内容与扩展名%s不符", name, ext)
	}
	e.Title = strings.TrimSpace(in.Title)
	if e.Title == "" {
		e.Title = strings.TrimSuffix(name, path.Ext(name))
	}
	if utf8.RuneCountInString(e.Title) > 200 {
		return ziping.Errorf(ziping.Invalid, "材料标题不能超过200字")
	}
	e.Period = in.Period
	if strings.TrimSpace(in.DocNumber) != "" {
		dn, year, err := NormalizeDocNumber(in.DocNumber)
		if err != nil {
			return err
		}
		e.DocNumber = dn
		if e.Period == 0 {
			e.Period = year
		}
	}
	sum := sha256.Sum256(in.Data)
	e.FileName, e.ContentType, e.Size, e.SHA256 = name, t.ctype, int64(len(in.Data)), hex.EncodeToString(sum[:])
	return nil
}

// AddEvidence attaches a file to an assessment (linked to a point, or to a problem
// as evidence of its rectification).
func (s *Service) AddEvidence(ctx context.Context, a *ziping.Actor, id int64, in EvidenceInput) (*ziping.Evidence, error) {
	e := &ziping.Evidence{AssessmentID: id, Point: in.Point, ProblemID: in.ProblemID, CreatedBy: a.UserID(), CreatedAt: s.now()}
	// Who may attach is answered before what is attached, so that someone without
	// the right is refused as such (mayAttach checks again inside the transaction).
	if _, u, err := s.Find(ctx, s.Store, a, id); err != nil {
		return nil, err
	} else if !a.CanEdit(u) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权为「%s」上传证明材料", u.Name)
	}
	if err := s.checkEvidence(&in, e); err != nil {
		return nil, err
	}
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		as, u, err := s.Find(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.mayAttach(ctx, tx, a, as, u, e); err != nil {
			return err
		}
		if e.Period == 0 {
			e.Period = as.Period
		}
		if err := tx.CreateEvidence(ctx, e, in.Data); err != nil {
			return err
		}
		return s.refreshAndAudit(ctx, tx, a, as, u, "evidence_add", "/evidence:"+strconv.FormatInt(e.ID, 10), nil,
			map[string]any{"point": e.Point, "problem": e.ProblemID, "title": e.Title, "doc_number": e.DocNumber,
				"file": e.FileName, "size": e.Size, "sha256": e.SHA256})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// mayAttach checks that the actor may attach e now and that its point or problem
// belongs to the assessment.
func (s *Service) mayAttach(ctx context.Context, tx Store, a *ziping.Actor, as *ziping.Assessment, u *ziping.OrgUnit, e *ziping.Evidence) error {
	if !a.CanEdit(u) {
		return ziping.Errorf(ziping.Forbidden, "无权为「%s」上传证明材料", u.Name)
	}
	if e.ProblemID != 0 {
		p, err := tx.Problem(ctx, e.ProblemID)
		if err != nil || p.AssessmentID != as.ID {
			return ziping.Errorf(ziping.NotFound, "没有这个问题")
		}
		if p.Status == ziping.ProblemVerified {
			return ziping.Errorf(ziping.Conflict, "问题已验收，不能再上传材料")
		}
		return nil
	}
	if !as.SelfEditable() {
		return ziping.Errorf(ziping.Conflict, "自评%s，不能再修改证明材料", ziping.StatusNames[as.Status])
	}
	if e.Point != "" {
		prog, err := s.Program(ctx, as.Framework, as.FrameworkVersion)
		if err != nil {
			return err
		}
		if k := kindOf(prog.FW, e.Point); k.kind == codeUnknown {
			return ziping.Errorf(ziping.Invalid, "评价体系中没有测评点「%s」", e.Point)
		}
	}
	return nil
}

// RemoveEvidence unlinks an evidence file from its assessment while the unit may
// still edit; the file stays in the store for the audit trail.
func (s *Service) RemoveEvidence(ctx context.Context, a *ziping.Actor, evidenceID int64) error {
	return s.Store.Tx(ctx, func(tx ziping.Store) error {
		e, as, u, err := s.evidenceFor(ctx, tx, a, evidenceID)
		if err != nil {
			return err
		}
		if err := s.mayAttach(ctx, tx, a, as, u, e); err != nil {
			return err
		}
		if err := tx.DeleteEvidence(ctx, e.ID); err != nil {
			return err
		}
		return s.refreshAndAudit(ctx, tx, a, as, u, "evidence_remove", "/evidence:"+strconv.FormatInt(e.ID, 10),
			map[string]any{"title": e.Title, "sha256": e.SHA256, "point": e.Point}, nil)
	})
}

// ConfirmEvidence clears the "to confirm" mark of evidence copied from last year.
// The link is written anew (evidence rows are never updated in place).
func (s *Service) ConfirmEvidence(ctx context.Context, a *ziping.Actor, evidenceID int64) (*ziping.Evidence, error) {
	var out *ziping.Evidence
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		e, as, u, err := s.evidenceFor(ctx, tx, a, evidenceID)
		if err != nil {
			return err
		}
		if err := s.mayAttach(ctx, tx, a, as, u, e); err != nil {
			return err
		}
		if !e.ToConfirm {
			return ziping.Errorf(ziping.Conflict, "材料「%s」已经确认", e.Title)
		}
		if err := tx.DeleteEvidence(ctx, e.ID); err != nil {
			return err
		}
		old := e.ID
		e.ID, e.ToConfirm = 0, false
		if err := tx.CreateEvidence(ctx, e, nil); err != nil {
			return err
		}
		out = e
		return s.refreshAndAudit(ctx, tx, a, as, u, "evidence_confirm", "/evidence:"+strconv.FormatInt(e.ID, 10),
			map[string]any{"evidence": old}, map[string]any{"evidence": e.ID, "title": e.Title})
	})
	return out, err
}

// refreshAndAudit recomputes the summary (readiness depends on evidence) and audits.
func (s *Service) refreshAndAudit(ctx context.Context, tx Store, a *ziping.Actor, as *ziping.Assessment, u *ziping.OrgUnit, action, sub string, old, new any) error {
	if err := s.Refresh(ctx, tx, as, u); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, action, AuditObject(as)+sub, u.ID, old, new)
}

// evidenceFor reads an evidence row with its assessment, for an actor who may see
// the assessment.
func (s *Service) evidenceFor(ctx context.Context, st Store, a *ziping.Actor, evidenceID int64) (*ziping.Evidence, *ziping.Assessment, *ziping.OrgUnit, error) {
	e, err := st.Evidence(ctx, evidenceID)
	if err != nil {
		if ziping.IsNotFound(err) {
			return nil, nil, nil, ziping.Errorf(ziping.NotFound, "没有这份材料")
		}
		return nil, nil, nil, err
	}
	as, u, err := s.Find(ctx, st, a, e.AssessmentID)
	if err != nil {
		return nil, nil, nil, ziping.Errorf(ziping.NotFound, "没有这份材料")
	}
	return e, as, u, nil
}

// EvidenceFile returns an evidence file for download, for an actor who may see its
// assessment.
func (s *Service) EvidenceFile(ctx context.Context, a *ziping.Actor, evidenceID int64) (*ziping.Evidence, []byte, error) {
	e, _, _, err := s.evidenceFor(ctx, s.Store, a, evidenceID)
	if err != nil {
		return nil, nil, err
	}
	data, err := s.Store.EvidenceFile(ctx, e.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return e, data, nil
}
