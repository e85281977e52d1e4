package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"ziping"
	"ziping/engine"
)

// Setup is what a round keeps beside its responses (ziping.SurveyRound.Setup): the
// sample plan with what it was made from, and the documents it attached.
type Setup struct {
	Title    string             `json:"title"`
	Input    PlanInput          `json:"input"`
	Plan     *Plan              `json:"plan"`
	Attached map[string][]int64 `json:"attached,omitempty"` // evidence ids by assessment id
	Docs     string             `json:"docs,omitempty"`     // the hash of the documents attached
}

// SetupOf decodes a round's setup.
func SetupOf(r *ziping.SurveyRound) (*Setup, error) {
	var st Setup
	if len(r.Setup) == 0 {
		return &st, nil
	}
	if err := json.Unmarshal(r.Setup, &st); err != nil {
		return nil, fmt.Errorf("round %d setup: %w", r.ID, err)
	}
	return &st, nil
}

// RoundInput starts a round.
type RoundInput struct {
	Unit          string // the county's code
	Period        int
	Questionnaire string // the survey file id
	Title         string
	Population    int64
	Urban         int64
	Town          int64
	Rural         int64
	Tokens        bool // links need single-use tokens
}

// CreateRound starts a county's round: the plan from its population and the
// enrolment of its schools and kindergartens of the period, one link per
// school-based group and school, and one per other group.
func (s *Service) CreateRound(ctx context.Context, a *ziping.Actor, in RoundInput) (*ziping.SurveyRound, error) {
	u, err := s.Store.UnitByCode(ctx, in.Unit)
	if err != nil {
		return nil, ziping.Errorf(ziping.NotFound, "没有单位「%s」", in.Unit)
	}
	if !a.CanEdit(u) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权为「%s」开展调查", u.Name)
	}
	if u.Level != ziping.LevelCounty {
		return nil, ziping.Errorf(ziping.Invalid, "调查以区县为单位开展，「%s」不是区县", u.Name)
	}
	if in.Period < 2000 || in.Period > 2100 {
		return nil, ziping.Errorf(ziping.Invalid, "年度「%d」无效", in.Period)
	}
	f, err := s.File(ctx, in.Questionnaire, "")
	if err != nil {
		return nil, ziping.Errorf(ziping.NotFound, "没有问卷「%s」", in.Questionnaire)
	}
	pin := PlanInput{Population: in.Population, Urban: in.Urban, Town: in.Town, Rural: in.Rural}
	if pin.Schools, err = s.planSchools(ctx, u, in.Period); err != nil {
		return nil, err
	}
	plan, err := f.MakePlan(pin)
	if err != nil {
		return nil, ziping.Errorf(ziping.Invalid, "%s", err.Error())
	}
	title := in.Title
	if title == "" {
		title = fmt.Sprintf("%s%d年%s", u.Name, in.Period, f.Name)
	}
	setup, _ := json.Marshal(Setup{Title: title, Input: pin, Plan: plan})
	r := &ziping.SurveyRound{UnitID: u.ID, Period: in.Period, Framework: f.Framework, Questionnaire: f.ID,
		QuestionnaireVersion: f.Version, Status: ziping.RoundOpen, Setup: setup, Salt: ziping.RandomHex(s.Random, 16),
		CreatedBy: a.UserID(), CreatedAt: s.now()}
	err = s.Store.Tx(ctx, func(tx ziping.Store) error {
		if err := tx.CreateSurveyRound(ctx, r); err != nil {
			if ziping.ErrorKind(err) == ziping.Conflict {
				return ziping.Errorf(ziping.Conflict, "「%s」%d年度已有「%s」的调查", u.Name, in.Period, f.Name)
			}
			return err
		}
		n, err := s.createLinks(ctx, tx, a, r, f, plan, in.Tokens)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "survey_round_create", roundObject(r), u.ID, nil,
			map[string]any{"questionnaire": f.ID + "@" + f.Version, "period": r.Period, "sample": plan.Total, "links": n})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func roundObject(r *ziping.SurveyRound) string { return "survey:" + strconv.FormatInt(r.ID, 10) }

// planSchools are the county's schools and kindergartens of the period with their
// enrolment (a school's stages added up).
func (s *Service) planSchools(ctx context.Context, u *ziping.OrgUnit, period int) ([]PlanSchool, error) {
	rows, _, err := s.Store.Schools(ctx, ziping.SchoolQuery{UnitIDs: []int64{u.ID}, Period: period, Sort: "code", Limit: math.MaxInt32})
	if err != nil {
		return nil, err
	}
	var out []PlanSchool
	index := map[string]int{}
	for _, r := range rows {
		kg := r.Stage == "学前" || r.Stage == "幼儿园"
		if t, ok := engine.ParseSchoolType(r.Type); ok && t == engine.TypeKindergarten {
			kg = true
		}
		n := int64(r.Values["students"])
		if i, ok := index[r.Code]; ok {
			out[i].Students += n
			continue
		}
		index[r.Code] = len(out)
		out = append(out, PlanSchool{Code: r.Code, Name: r.Name, Kindergarten: kg, Students: n})
	}
	return out, nil
}

// createLinks makes the round's links: one for every school of a school-based
// group with a quota, one for each other group.
func (s *Service) createLinks(ctx context.Context, tx ziping.Store, a *ziping.Actor, r *ziping.SurveyRound, f *File, plan *Plan, tokens bool) (int, error) {
	n := 0
	add := func(g *Group, code, name string) error {
		l := &ziping.SurveyLink{RoundID: r.ID, Key: ziping.RandomHex(s.Random, 12), Form: g.Questionnaire, Group: g.ID,
			School: code, SchoolName: name, Tokens: tokens, CreatedBy: a.UserID(), CreatedAt: s.now()}
		n++
		return tx.CreateSurveyLink(ctx, l)
	}
	for _, gp := range plan.Groups {
		g := f.Group(gp.Group)
		if g.Schools == "" || len(gp.Schools) == 0 {
			if err := add(g, "", ""); err != nil {
				return n, err
			}
			continue
		}
		for _, sq := range gp.Schools {
			if sq.Quota == 0 {
				continue
			}
			if err := add(g, sq.Code, sq.Name); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// Round returns a round with its unit and file, for an actor who may see the unit.
func (s *Service) Round(ctx context.Context, a *ziping.Actor, id int64) (*ziping.SurveyRound, *ziping.OrgUnit, *File, error) {
	r, err := s.Store.SurveyRound(ctx, id)
	if err != nil {
		return nil, nil, nil, ziping.Errorf(ziping.NotFound, "没有这项调查")
	}
	u, err := s.Store.Unit(ctx, r.UnitID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !a.CanSee(u) {
		return nil, nil, nil, ziping.Errorf(ziping.NotFound, "没有这项调查")
	}
	f, err := s.File(ctx, r.Questionnaire, r.QuestionnaireVersion)
	if err != nil {
		return nil, nil, nil, err
	}
	return r, u, f, nil
}

// Rounds lists the rounds in the subtree of root that the actor may see.
func (s *Service) Rounds(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit) ([]ziping.SurveyRound, error) {
	if root == nil || !a.CanSee(root) {
		return nil, ziping.Errorf(ziping.Forbidden, "无权查看")
	}
	return s.Store.SurveyRounds(ctx, ziping.SurveyRoundQuery{UnitPath: root.Path})
}

// SetStatus closes a round (its links stop taking answers) or opens it again.
func (s *Service) SetStatus(ctx context.Context, a *ziping.Actor, id int64, status string) error {
	err := s.Store.Tx(ctx, func(tx ziping.Store) error {
		r, u, err := s.editable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if status != ziping.RoundOpen && status != ziping.RoundClosed {
			return ziping.Errorf(ziping.Invalid, "状态无效")
		}
		if r.Status == status {
			return nil
		}
		old := r.Status
		r.Status, r.UpdatedAt = status, s.now()
		if err := tx.UpdateSurveyRound(ctx, r); err != nil {
			return err
		}
		if err := s.touch(ctx, tx, r.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "survey_round_status", roundObject(r), u.ID, map[string]any{"status": old}, map[string]any{"status": status})
	})
	if err != nil {
		return err
	}
	return s.runJobs(ctx)
}

// Editable reports whether the actor may manage the round: NotFound when it may not
// see it, Forbidden when it may only look. Pages ask it before reading an upload.
func (s *Service) Editable(ctx context.Context, a *ziping.Actor, id int64) error {
	_, _, err := s.editable(ctx, s.Store, a, id)
	return err
}

// editable reads a round through st for an actor who may change it.
func (s *Service) editable(ctx context.Context, tx editableStore, a *ziping.Actor, id int64) (*ziping.SurveyRound, *ziping.OrgUnit, error) {
	r, err := tx.SurveyRound(ctx, id)
	if err != nil {
		return nil, nil, ziping.Errorf(ziping.NotFound, "没有这项调查")
	}
	u, err := tx.Unit(ctx, r.UnitID)
	if err != nil {
		return nil, nil, err
	}
	if !a.CanSee(u) {
		return nil, nil, ziping.Errorf(ziping.NotFound, "没有这项调查")
	}
	if !a.CanEdit(u) {
		return nil, nil, ziping.Errorf(ziping.Forbidden, "无权管理「%s」的调查", u.Name)
	}
	return r, u, nil
}

// touch counts a change of the round's responses and queues the job that brings
// it over, unless one is queued already.
func (s *Service) touch(ctx context.Context, tx ziping.Store, id int64) error {
	wasClean, err := tx.TouchSurveyRound(ctx, id)
	if err != nil || !wasClean {
		return err
	}
	b, _ := json.Marshal(jobPayload{Round: id})
	return tx.EnqueueJob(ctx, &ziping.Job{Kind: JobKind, Payload: string(b), CreatedAt: s.now()})
}

type jobPayload struct {
	Round int64 `json:"round"`
}

func (s *Service) runJobs(ctx context.Context) error {
	if s.RunJobs == nil {
		return nil
	}
	_, err := s.RunJobs(ctx)
	return err
}

// editableStore is what editable reads: the store or a transaction.
type editableStore interface {
	SurveyRound(ctx context.Context, id int64) (*ziping.SurveyRound, error)
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
}
