// Package web is ziping's browser interface: server-rendered pages in Simplified
// Chinese over the domain Service. Every route is listed in routes.go; handlers
// return an error that one adapter (handler.go) turns into a status and an error
// page. Templates and static files are embedded and parsed at start-up.
package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"ziping"
	"ziping/account"
	"ziping/assess"
	"ziping/catalog"
	"ziping/dataset"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/rectify"
	"ziping/reporting"
	"ziping/survey"
	"ziping/xlsx"
)

// ScoreSheetWriter writes evaluation results as a workbook. cmd/ziping passes
// xlsx.WriteScoreSheet: web, like every adapter, does not import another adapter.
type ScoreSheetWriter func(w io.Writer, fw *engine.Framework, results []*engine.Result) error

// SheetsWriter writes tables as one workbook (cmd/ziping passes xlsx.WriteSheet).
type SheetsWriter func(w io.Writer, sheets ...*ziping.Sheet) error

// LetterWriter writes an official letter as a Word document (cmd/ziping passes
// docx.WriteLetter).
type LetterWriter func(w io.Writer, l *ziping.Letter) error

// Options configure a Server.
type Options struct {
	// Dev reads templates and static files from disk (DevDir) on every request, so
	// that they can be edited without a rebuild.
	Dev    bool
	DevDir string // the web package's folder; "web" when empty (run from the repository root)
	// SecureCookies marks the session cookie Secure even when the request did not
	// come over TLS (a TLS-terminating proxy in front).
	SecureCookies bool
	// ScoreSheet writes the score sheet download; required.
	ScoreSheet ScoreSheetWriter
	// Sheets writes the ranking and ledger downloads; required.
	Sheets SheetsWriter
	// Letter writes the rectification notice download; required.
	Letter LetterWriter
	// LoginRate is how many login attempts one client IP may make per LoginWindow;
	// 10 per minute when zero.
	LoginRate   int
	LoginWindow time.Duration
	// DefaultFramework is the framework unit pages evaluate when none is asked for;
	// yzjh-2017 when empty.
	DefaultFramework string
	// MaxUpload bounds an uploaded spreadsheet; 20 MiB when zero.
	MaxUpload int64
	// MaxEvidence bounds an uploaded evidence file; when zero, the service's
	// MaxEvidence, or else assess.DefaultMaxEvidence. The service checks its own
	// limit again, so cmd/ziping sets both, or neither.
	MaxEvidence int64
	// UnzipSizeLimit bounds what an uploaded .xlsx may inflate to (200 MiB when
	// zero); a worksheet over UnzipXMLSizeLimit (xlsx.DefaultUnzipXMLSizeLimit, 16
	// MiB, when zero) is streamed, not held in memory.
	UnzipSizeLimit, UnzipXMLSizeLimit int64
	// MaxPreviews bounds the uploads this instance reads for a preview at once (2
	// when zero); a preview waits at most PreviewWait (5 s when zero) for a turn,
	// then gets 429. Uploads waiting for confirmation are kept in the database and
	// bounded per user by the service (dataset.UploadLimits).
	MaxPreviews int
	PreviewWait time.Duration
	// PageSlots bounds the page requests (GETs) computed at once; the others wait
	// their turn in arrival order (admit.go). Four a core when zero.
	PageSlots int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed, for
	// the client address the audit trail, the session and the sign-in rate limit use.
	// Empty: the connection's address, whatever the headers say.
	TrustedProxies []netip.Prefix
	// SurveyLinkRate and SurveyNetworkRate bound the public survey answers a minute
	// through one link and from one network (a /24 or /48); 300 and 120 when zero.
	SurveyLinkRate, SurveyNetworkRate int
	// ReadExport reads an export of answers (问卷星, 腾讯问卷) as text; cmd/ziping
	// passes one built on xlsx.ReadText. Nil: no import of answers.
	ReadExport func(name string, data []byte) (*survey.Sheet, error)
}

func (o Options) withDefaults() Options {
	if o.DevDir == "" {
		o.DevDir = "web"
	}
	if o.LoginRate == 0 {
		o.LoginRate = 10
	}
	if o.LoginWindow == 0 {
		o.LoginWindow = time.Minute
	}
	if o.MaxUpload == 0 {
		o.MaxUpload = 20 << 20
	}
	if o.UnzipSizeLimit == 0 {
		o.UnzipSizeLimit = 200 << 20
	}
	if o.UnzipXMLSizeLimit == 0 {
		o.UnzipXMLSizeLimit = xlsx.DefaultUnzipXMLSizeLimit
	}
	if o.MaxPreviews == 0 {
		o.MaxPreviews = 2
	}
	if o.PreviewWait == 0 {
		o.PreviewWait = 5 * time.Second
	}
	if o.DefaultFramework == "" {
		o.DefaultFramework = "yzjh-2017"
	}
	return o
}

// Store is what pages read straight from the store: the org tree, school rows and
// facts (with the data version the school table's pages are kept by), the periods,
// an evidence row, a user by name and the audit trail. Every change goes through a
// service.
type Store interface {
	Unit(ctx context.Context, id int64) (*ziping.OrgUnit, error)
	UnitByCode(ctx context.Context, code string) (*ziping.OrgUnit, error)
	UnitsByCode(ctx context.Context, codes []string) ([]ziping.OrgUnit, error)
	Subtree(ctx context.Context, root *ziping.OrgUnit, levels ...string) ([]ziping.OrgUnit, error)
	Schools(ctx context.Context, q ziping.SchoolQuery) ([]ziping.SchoolRecord, int, error)
	DataVersion(ctx context.Context) (int64, error)
	Facts(ctx context.Context, unitIDs []int64, period int) ([]ziping.FactRecord, error)
	Periods(ctx context.Context) ([]int, error)
	Evidence(ctx context.Context, id int64) (*ziping.Evidence, error)
	UserByName(ctx context.Context, username string) (*ziping.User, error)
	Audit(ctx context.Context, q ziping.AuditQuery) ([]ziping.AuditEntry, error)
}

// Services are the use cases the web application calls, the auditor whose chain
// the audit page verifies, and the store its pages read; cmd/ziping builds them.
type Services struct {
	Accounts *account.Service
	Data     *dataset.Service
	Assess   *assess.Service
	Rectify  *rectify.Service
	Reports  *reporting.Service
	Catalog  *catalog.Service
	Survey   *survey.Service // nil: no survey pages
	Audit    *ziping.Auditor
	Store    Store
}

// Server is the web application.
type Server struct {
	svc      Services
	log      *slog.Logger
	opts     Options
	pages    *pageSet
	assets   *assetSet
	programs map[string]*engine.Program // built-in frameworks by id
	// standards: by framework, by metric, the limits rules compare the metric with
	standards map[string]map[string][]standard
	fwIDs     []string
	limiter   *limiter
	previews  *previewSlots
	pace      importPace   // imports give way to pages (pace.go)
	admit     *admission   // pages take turns (admit.go)
	survey    *surveyState // the survey pages' limiters (survey_public.go)
	handler   http.Handler
	bufs      sync.Pool  // page buffers (render)
	tables    tableCache // the school tables' pages (schools.go)
}

// New builds the server: it compiles the built-in frameworks and parses every page
// template, so that a broken template stops the start, not a request.
func New(svc Services, log *slog.Logger, opts Options) (*Server, error) {
	if svc.Accounts == nil || svc.Data == nil || svc.Assess == nil || svc.Rectify == nil || svc.Reports == nil || svc.Catalog == nil || svc.Audit == nil || svc.Store == nil || log == nil {
		return nil, errors.New("web: every service, the store and a logger are required")
	}
	if opts.ScoreSheet == nil {
		return nil, errors.New("web: Options.ScoreSheet is required")
	}
	if opts.Sheets == nil || opts.Letter == nil {
		return nil, errors.New("web: Options.Sheets and Options.Letter are required")
	}
	opts = opts.withDefaults()
	if opts.MaxEvidence == 0 {
		opts.MaxEvidence = svc.Assess.MaxEvidence
	}
	if opts.MaxEvidence == 0 {
		opts.MaxEvidence = assess.DefaultMaxEvidence
	}
	s := &Server{svc: svc, log: log, opts: opts, programs: map[string]*engine.Program{},
		standards: map[string]map[string][]standard{}, fwIDs: frameworks.IDs()}
	for _, id := range s.fwIDs {
		p, err := frameworks.Builtin(id)
		if err != nil {
			return nil, fmt.Errorf("web: framework %s: %w", id, err)
		}
		s.programs[id], s.standards[id] = p, metricStandards(p)
	}
	if s.programs[opts.DefaultFramework] == nil {
		return nil, fmt.Errorf("web: no built-in framework %q", opts.DefaultFramework)
	}
	var err error
	if s.assets, err = loadAssets(s.staticFS()); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.templateFS()); err != nil {
		return nil, err
	}
	now := svc.Accounts.Now // the services' clock, so that tests move both together
	if now == nil {
		now = time.Now
	}
	s.limiter = newLimiter(opts.LoginRate, opts.LoginWindow, now)
	s.previews = newPreviewSlots(opts.MaxPreviews, opts.PreviewWait)
	s.admit = newAdmission(opts.PageSlots)
	s.survey = newSurveyState(opts, now)
	s.handler = s.routes()
	return s, nil
}

// Handler is the whole application: security headers, request ids and logging,
// cross-origin protection, then the routes.
func (s *Server) Handler() http.Handler { return s.handler }
