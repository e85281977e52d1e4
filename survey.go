package ziping

import (
	"context"
	"time"
)

// StoredQuestionnaire is a survey file (package survey: the questionnaires of a
// framework's 社会认可度 survey, its groups, plan rule and computation) kept in the
// store, versioned like a framework.
type StoredQuestionnaire struct {
	ID        string // the file's id, e.g. yzjh-2017
	Version   string
	Name      string
	Framework string // the framework whose satisfaction it measures
	Source    []byte // the YAML as written
	Builtin   bool
	CreatedAt time.Time
	CreatedBy int64
}

// Survey round states.
const (
	RoundOpen   = "open"   // its links take answers
	RoundClosed = "closed" // its links refuse answers; the result stays
)

// Response sources.
const (
	SourceWeb    = "web"    // answered on ziping's public page
	SourceImport = "import" // brought from a 问卷星 or 腾讯问卷 export
)

// SurveyRound is a county's survey of a framework and period: the questionnaire
// file version it uses, its setup (the sample plan and its input, as package
// survey's JSON), and how far its result is behind its responses: Changes counts
// every response and exclusion, Dirty says that some came since the result was last
// brought to the assessment.
type SurveyRound struct {
	ID                   int64
	UnitID               int64
	Period               int
	Framework            string
	Questionnaire        string // the survey file id
	QuestionnaireVersion string
	Status               string // RoundOpen, RoundClosed
	Setup                []byte // JSON; nil and empty come back nil
	Salt                 string // keys the hashes of networks and devices
	Changes              int64
	Dirty                bool
	Version              int64
	CreatedBy            int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// SurveyRoundQuery selects rounds; zero fields do not filter.
type SurveyRoundQuery struct {
	UnitPath  string
	UnitIDs   []int64
	Period    int
	Framework string
}

// SurveyLink is a public link of a round: one questionnaire (Form, its short id in
// the file) for one group ("" lets the respondent say) at one school (its code, ""
// for none) in one area (城区, 镇区, 乡村 or ""). Key is the random part of its URL.
type SurveyLink struct {
	ID         int64
	RoundID    int64
	Key        string
	Form       string
	Group      string
	School     string
	SchoolName string
	Area       string
	Tokens     bool // answers need a single-use token
	Disabled   bool
	CreatedBy  int64
	CreatedAt  time.Time
}

// SurveyToken is a single-use token of a link; only its hash is kept.
type SurveyToken struct {
	Hash       string
	LinkID     int64
	Batch      int
	CreatedAt  time.Time
	UsedAt     time.Time
	ResponseID int64
}

// SurveyTokenCount is how many tokens a link has and how many were used.
type SurveyTokenCount struct{ Total, Used int }

// SurveyResponse is one submitted questionnaire, never changed once written.
// ClientID is what the answering page generated: the same id twice in a round is
// one response. Network and Device are keyed hashes, not addresses or cookies.
type SurveyResponse struct {
	ID        int64
	RoundID   int64
	LinkID    int64 // 0 for imported answers
	ClientID  string
	Form      string
	Group     string
	School    string
	Area      string
	Answers   []byte // JSON, package survey's Answers
	StartedAt time.Time
	Network   string
	Device    string
	Source    string // SourceWeb, SourceImport
	CreatedAt time.Time
}

// SurveyExclusion is a person's decision to leave a response out of the result
// (Excluded) or take it back, with the reason. Decisions are appended, never
// changed; the latest one of a response holds.
type SurveyExclusion struct {
	ID         int64
	RoundID    int64
	ResponseID int64
	Excluded   bool
	Reason     string
	By         int64
	At         time.Time
}

// SurveyStore keeps the questionnaire files, the rounds, their links, tokens,
// responses and exclusion decisions.
type SurveyStore interface {
	SaveQuestionnaire(ctx context.Context, q *StoredQuestionnaire) error                 // Conflict when id+version exists
	Questionnaire(ctx context.Context, id, version string) (*StoredQuestionnaire, error) // "" version: the latest saved
	Questionnaires(ctx context.Context) ([]StoredQuestionnaire, error)                   // the latest of each id, by id

	CreateSurveyRound(ctx context.Context, r *SurveyRound) error // Conflict when the unit has one of the framework and period
	SurveyRound(ctx context.Context, id int64) (*SurveyRound, error)
	SurveyRoundFor(ctx context.Context, framework string, unitID int64, period int) (*SurveyRound, error)
	SurveyRounds(ctx context.Context, q SurveyRoundQuery) ([]SurveyRound, error)
	// UpdateSurveyRound writes Status, Setup and UpdatedAt when the stored Version is
	// r.Version (Conflict when not) and bumps it; Changes and Dirty are left alone.
	UpdateSurveyRound(ctx context.Context, r *SurveyRound) error
	// TouchSurveyRound counts a change and marks the round dirty; true when it was
	// clean (the caller then queues the job that brings the result over).
	TouchSurveyRound(ctx context.Context, id int64) (bool, error)
	CleanSurveyRound(ctx context.Context, id int64) error

	CreateSurveyLink(ctx context.Context, l *SurveyLink) error // Conflict when the key exists
	SurveyLink(ctx context.Context, id int64) (*SurveyLink, error)
	SurveyLinkByKey(ctx context.Context, key string) (*SurveyLink, error)
	SurveyLinks(ctx context.Context, roundID int64) ([]SurveyLink, error)
	SetSurveyLinkDisabled(ctx context.Context, id int64, disabled bool) error

	CreateSurveyTokens(ctx context.Context, tokens []SurveyToken) error // all or none
	// UseSurveyToken marks a link's token used: NotFound when the link has no such
	// token, Conflict when it was used.
	UseSurveyToken(ctx context.Context, hash string, linkID, responseID int64, at time.Time) error
	SurveyTokenCounts(ctx context.Context, roundID int64) (map[int64]SurveyTokenCount, error)

	// AddSurveyResponse appends r and reports true, or, when the round has its
	// ClientID already, changes nothing, sets r.ID to the first one's and reports false.
	AddSurveyResponse(ctx context.Context, r *SurveyResponse) (bool, error)
	SurveyResponses(ctx context.Context, roundID int64) ([]SurveyResponse, error) // by id

	// AddSurveyExclusion appends a decision; NotFound when the response is not the round's.
	AddSurveyExclusion(ctx context.Context, e *SurveyExclusion) error
	SurveyExclusions(ctx context.Context, roundID int64) ([]SurveyExclusion, error) // by id
}

// TextTable is a spreadsheet read as text, for imports that match columns by their
// titles (a 问卷星 or 腾讯问卷 export): the header row and the rows below it, every
// cell as written. FirstRow is the spreadsheet row number of Rows[0].
type TextTable struct {
	File     string
	Sheet    string // "" for a CSV file
	Header   []string
	Rows     [][]string
	FirstRow int
}
