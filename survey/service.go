package survey

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// Store is the part of ziping.Store the survey needs.
type Store interface {
	Tx(ctx context.Context, fn func(tx ziping.Store) error) error
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
	UnitByCode(ctx context.Context, code string) (*ziping.OrgUnit, error)
	Subtree(ctx context.Context, root *ziping.OrgUnit, levels ...string) ([]ziping.OrgUnit, error)
	Schools(ctx context.Context, q ziping.SchoolQuery) ([]ziping.SchoolRecord, int, error)
	Assessments(ctx context.Context, q ziping.AssessmentQuery) ([]ziping.Assessment, error)
	ziping.SurveyStore
	ziping.AuditAppender
}

// Evidence attaches files to assessments: package assess's service, whose
// AddEvidence and RemoveEvidence check who may attach what and audit it, and whose
// Program says which point reads the survey's figure.
type Evidence interface {
	AddEvidence(ctx context.Context, a *ziping.Actor, id int64, in assess.EvidenceInput) (*ziping.Evidence, error)
	RemoveEvidence(ctx context.Context, a *ziping.Actor, evidenceID int64) error
	Program(ctx context.Context, id, version string) (*engine.Program, error)
}

// Documents writes a round's report (.docx, house format) and all its responses
// (.xlsx): package surveydoc; cmd/ziping sets Service.Documents.
type Documents interface {
	Report(c *Calc, date time.Time) ([]byte, error)
	Responses(c *Calc) ([]byte, error)
}

// JobKind is the kind of the durable job that brings a round's changed responses
// over to the county's assessments (payload: {"round": id}).
const JobKind = "survey"

// Service holds the survey's use cases. Time and randomness are injected so that
// tests are deterministic.
type Service struct {
	Store  Store
	Audit  *ziping.Auditor
	Now    func() time.Time
	Random io.Reader // crypto/rand when nil
	Rules  Rules     // DefaultRules when zero
	// Documents writes the report and the responses; without it the survey
	// attaches no documents.
	Documents Documents
	// Zone is the time zone of the report's date (Asia/Shanghai when nil).
	Zone *time.Location
	// Evidence attaches the documents to the county's assessments (cmd/ziping sets
	// it to package assess's service); nil attaches nothing.
	Evidence Evidence
	// RunJobs runs the queued jobs after a person's change (dataset.Service.RunJobs);
	// public answers leave theirs to the server's job loop.
	RunJobs func(ctx context.Context) (int, error)

	mu      sync.Mutex
	files   map[string]*File     // parsed files by id@version
	results map[int64]cachedCalc // by round
}

type cachedCalc struct {
	changes, version int64 // the round's count of changes and its version
	calc             *Calc
}

// New returns a Service on st that audits through au.
func New(st Store, au *ziping.Auditor) *Service {
	return &Service{Store: st, Audit: au, Now: time.Now}
}

func (s *Service) now() time.Time { return ziping.AuditTime(s.Now()) }

func (s *Service) rules() Rules {
	if s.Rules == (Rules{}) {
		return DefaultRules
	}
	return s.Rules
}

func (s *Service) audit(ctx context.Context, st ziping.AuditAppender, a *ziping.Actor, action, object string, unit int64, old, new any) error {
	return s.Audit.Append(ctx, st, ziping.NewAuditEntry(s.now(), a, action, object, unit, old, new))
}

// Seed saves the built-in survey files that the store does not have in their
// version, so that rounds can name them.
func (s *Service) Seed(ctx context.Context) error {
	for _, id := range BuiltinIDs() {
		data, err := BuiltinSource(id)
		if err != nil {
			return err
		}
		f, err := Parse(id+".yaml", data)
		if err != nil {
			return err
		}
		if _, err := s.Store.Questionnaire(ctx, f.ID, f.Version); err == nil {
			continue
		} else if !ziping.IsNotFound(err) {
			return err
		}
		q := &ziping.StoredQuestionnaire{ID: f.ID, Version: f.Version, Name: f.Name, Framework: f.Framework,
			Source: data, Builtin: true, CreatedAt: s.now()}
		if err := s.Store.SaveQuestionnaire(ctx, q); err != nil && ziping.ErrorKind(err) != ziping.Conflict {
			return err
		}
	}
	return nil
}

// File returns a stored survey file parsed (the latest version when version is "").
func (s *Service) File(ctx context.Context, id, version string) (*File, error) {
	q, err := s.Store.Questionnaire(ctx, id, version)
	if err != nil {
		return nil, err
	}
	return s.parsed(q)
}

func (s *Service) parsed(q *ziping.StoredQuestionnaire) (*File, error) {
	key := q.ID + "@" + q.Version
	s.mu.Lock()
	f := s.files[key]
	s.mu.Unlock()
	if f != nil {
		return f, nil
	}
	f, err := Parse(q.ID+".yaml", q.Source)
	if err != nil {
		return nil, fmt.Errorf("stored questionnaire %s: %w", key, err)
	}
	s.mu.Lock()
	if s.files == nil || len(s.files) > 256 {
		s.files = map[string]*File{}
	}
	s.files[key] = f
	s.mu.Unlock()
	return f, nil
}

// Files returns the latest version of every stored survey file.
func (s *Service) Files(ctx context.Context) ([]*File, []ziping.StoredQuestionnaire, error) {
	list, err := s.Store.Questionnaires(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*File, 0, len(list))
	for i := range list {
		f, err := s.parsed(&list[i])
		if err != nil {
			return nil, nil, err
		}
		out = append(out, f)
	}
	return out, list, nil
}

// SaveFile checks an uploaded survey file and keeps it as a new version: admins
// only, every problem named by line, a version once saved never rewritten.
func (s *Service) SaveFile(ctx context.Context, a *ziping.Actor, name string, data []byte) (*File, error) {
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "只有系统管理员可以修改问卷")
	}
	f, err := Parse(name, data)
	if err != nil {
		return nil, ziping.Errorf(ziping.Invalid, "%s", err.Error())
	}
	q := &ziping.StoredQuestionnaire{ID: f.ID, Version: f.Version, Name: f.Name, Framework: f.Framework, Source: data,
		CreatedAt: s.now(), CreatedBy: a.UserID()}
	err = s.Store.Tx(ctx, func(tx ziping.Store) error {
		if err := tx.SaveQuestionnaire(ctx, q); err != nil {
			if ziping.ErrorKind(err) == ziping.Conflict {
				return ziping.Errorf(ziping.Conflict, "问卷「%s」已有版本「%s」，请在文件中改 version 后再上传", f.ID, f.Version)
			}
			return err
		}
		return s.audit(ctx, tx, a, "questionnaire_save", "questionnaire:"+f.ID+"@"+f.Version, 0, nil,
			map[string]any{"id": f.ID, "version": f.Version, "name": f.Name, "size": len(data)})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
