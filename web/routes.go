package web

import (
	"net/http"
	"strings"

	"ziping/engine"
	"ziping/reporting"

	"ziping"
)

// access says who may reach a route and what an anonymous visitor gets.
type access uint8

const (
	public   access = iota // anyone
	signedIn               // a session; anonymous visitors are sent to /login
	download               // a session; anonymous requests get 401 (no redirect to a page)
	answer                 // anyone, and its POST needs no session's CSRF token: the public survey
)

// route is one entry of the route table.
type route struct {
	pattern string
	access  access
	h       handlerFunc
}

// routeTable is every route of the application. The authorization matrix test walks
// it with every role, so a route added here is tested for who may reach it.
func (s *Server) routeTable() []route {
	return append([]route{
		{"GET /healthz", public, s.healthz},
		{"GET /static/{file}", public, s.static},
		{"GET /login", public, s.loginForm},
		{"POST /login", public, s.login},
		{"POST /logout", signedIn, s.logout},
		{"GET /{$}", signedIn, s.home},
		{"GET /units", signedIn, s.unitsHome},
		{"GET /units/{code}", signedIn, s.unitPage},
		{"GET /units/{code}/score", signedIn, s.scorePage},
		{"GET /units/{code}/score.xlsx", download, s.scoreXLSX},
		{"GET /units/{code}/explain/{metric}", signedIn, s.explainPage},
		{"GET /frameworks", signedIn, s.frameworkList},
		{"GET /frameworks/{id}", signedIn, s.frameworkPage},
		{"GET /units/{code}/import", signedIn, s.importForm},
		{uploadRoute, signedIn, s.importUpload},
		{"POST /units/{code}/import/confirm", signedIn, s.importConfirm},
		{"GET /units/{code}/schools/{school}/edit", signedIn, s.schoolEditForm},
		{"POST /units/{code}/schools/{school}/edit", signedIn, s.schoolEdit},
		{"GET /units/{code}/facts/edit", signedIn, s.factsEditForm},
		{"POST /units/{code}/facts/edit", signedIn, s.factsEdit},
		// assessments (self-evaluation and review)
		{"GET /units/{code}/assessments", signedIn, s.assessmentList},
		{"POST /units/{code}/assessments", signedIn, s.assessmentStart},
		{"GET /assessments/{id}", signedIn, s.assessmentShow},
		{"POST /assessments/{id}/points/{point}", signedIn, s.assessmentScore},
		{"GET /assessments/{id}/points/{point}", signedIn, s.pointShow},
		{"GET /assessments/{id}/points/{point}/form", signedIn, s.pointFragment},
		{evidenceRoute, signedIn, s.evidenceAdd},
		{"GET /evidence/{id}", download, s.evidenceDownload},
		{"POST /evidence/{id}/remove", signedIn, s.evidenceChange(true)},
		{"POST /evidence/{id}/confirm", signedIn, s.evidenceChange(false)},
		{"POST /assessments/{id}/submit", signedIn, s.assessmentFlow("submit")},
		{"POST /assessments/{id}/return", signedIn, s.assessmentFlow("return")},
		{"POST /assessments/{id}/accept", signedIn, s.assessmentFlow("accept")},
		{"POST /assessments/{id}/publish", signedIn, s.assessmentFlow("publish")},
		{"POST /assessments/{id}/withdraw", signedIn, s.assessmentFlow("withdraw")},
		{"POST /assessments/{id}/unpublish", signedIn, s.assessmentFlow("unpublish")},
		{"POST /assessments/{id}/carried", signedIn, s.carriedConfirm},
		{"GET /assessments/{id}/report", signedIn, s.reportShow},
		{reportSaveRoute, signedIn, s.reportSave},
		{reportPreviewRoute, signedIn, s.reportPreview},
		{reportReadRoute, signedIn, s.reportReadNow},
		{"GET /assessments/{id}/report.html", download, s.reportDownload("html")},
		{"GET /assessments/{id}/report.docx", download, s.reportDownload("docx")},
		{"GET /assessments/{id}/report.pdf", download, s.reportDownload("pdf")},
		// rankings, results notice, problems and rectification
		{"GET /units/{code}/ranking", signedIn, s.rankingPage},
		{"GET /units/{code}/school-ranking", signedIn, s.schoolRankingPage},
		{"GET /units/{code}/ranking.xlsx", download, s.rankingXLSX},
		{"POST /units/{code}/ranking/publish", signedIn, s.rankingPublish},
		{"GET /notice/{code}", public, s.noticePage},
		{"GET /notice/{code}/notice.docx", public, s.resultNoticeDocx},
		{"GET /units/{code}/notice", signedIn, s.noticeEdit},
		{"POST /units/{code}/notice", signedIn, s.noticeSave},
		{"GET /units/{code}/due", signedIn, s.dueDateEdit},
		{"POST /units/{code}/due", signedIn, s.dueDateSave},
		{"GET /units/{code}/problems", signedIn, s.ledgerPage},
		{"GET /units/{code}/problems.xlsx", download, s.ledgerXLSX},
		{ledgerBulkRoute, signedIn, s.ledgerBulkAction},
		{"GET /problems/{id}", signedIn, s.problemPage},
		{"POST /problems/{id}", signedIn, s.problemUpdate},
		{problemEvidenceRoute, signedIn, s.problemEvidence},
		{"POST /assessments/{id}/findings", signedIn, s.addFinding},
		{"GET /assessments/{id}/notice.docx", download, s.noticeDocx},
		{"GET /audit", signedIn, s.auditPage},
		{"GET /audit/verify", signedIn, s.auditVerify},
		// accounts: users for admins, one's own password for everyone
		{"GET /admin/users", signedIn, s.usersPage},
		{"POST /admin/users/{name}/unlock", signedIn, s.userAction("unlock")},
		{"POST /admin/users/{name}/disable", signedIn, s.userAction("disable")},
		{"POST /admin/users/{name}/enable", signedIn, s.userAction("enable")},
		{"POST /admin/users", signedIn, s.userAdd},
		{"POST /admin/users/{name}/password", signedIn, s.userPassword},
		{"POST /admin/users/{name}/scope", signedIn, s.userScope},
		{"POST /admin/schools/move", signedIn, s.schoolMove},
		// frameworks: upload, check, preview, compare, choose the version of a period
		{"GET /admin/frameworks", signedIn, s.adminFrameworks},
		{frameworkUploadRoute, signedIn, s.adminFrameworkUpload},
		{"GET /admin/frameworks/{id}", signedIn, s.adminFramework},
		{"GET /admin/frameworks/{id}/versions/{version}", signedIn, s.adminFrameworkVersion},
		{"GET /admin/frameworks/{id}/diff", signedIn, s.adminFrameworkDiff},
		{"POST /admin/frameworks/{id}/periods", signedIn, s.adminFrameworkPeriod},
		{"POST /admin/frameworks/{id}/periods/{period}/clear", signedIn, s.adminFrameworkClear},
		{"GET /account/password", signedIn, s.passwordForm},
		{"POST /account/password", signedIn, s.passwordChange},
	}, s.surveyRoutes()...)
}

// uploadRoute is the route whose body may be as large as Options.MaxUpload.
const uploadRoute = "POST /units/{code}/import"

// frameworkUploadRoute is the route whose file may be as large as a framework file
// (engine.MaxFrameworkSize).
const frameworkUploadRoute = "POST /admin/frameworks"

// evidenceRoute and problemEvidenceRoute are the routes whose file may be as large
// as Options.MaxEvidence.
const (
	evidenceRoute        = "POST /assessments/{id}/evidence"
	problemEvidenceRoute = "POST /problems/{id}/evidence"
)

// reportSaveRoute and reportPreviewRoute post a report's narrative, which may be as
// large as reporting.MaxNarrative (form-encoded: up to three bytes a byte).
const (
	reportSaveRoute    = "POST /assessments/{id}/report"
	reportPreviewRoute = "POST /assessments/{id}/report/preview"
	reportReadRoute    = "POST /assessments/{id}/report/read"
)

// fileLimit is how large the file of an upload route may be; 0 for other routes.
func (s *Server) fileLimit(pattern string) int64 {
	switch pattern {
	case uploadRoute, surveyImportRoute, questionnaireUploadRoute:
		return s.opts.MaxUpload
	case evidenceRoute, problemEvidenceRoute:
		return s.opts.MaxEvidence
	case frameworkUploadRoute:
		return engine.MaxFrameworkSize
	}
	return 0
}

// bodyLimit bounds a route's request body: forms are a few kilobytes, uploads their
// file's limit and room for the form fields beside it.
func (s *Server) bodyLimit(pattern string) int64 {
	if n := s.fileLimit(pattern); n > 0 {
		return n + maxBody
	}
	if pattern == reportSaveRoute || pattern == reportPreviewRoute || pattern == reportReadRoute {
		return 3*reporting.MaxNarrative + maxBody
	}
	return maxBody
}

// routes builds the handler chain: security headers on every response, request ids
// and the access log, cross-origin protection for every state-changing request, the
// mux, then each route's body size limit.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routeTable() {
		mux.Handle(rt.pattern, limitBody(s.bodyLimit(rt.pattern), s.adapt(rt.access, rt.h)))
	}
	// Anything else is a Chinese 404 page rather than the mux's plain text.
	mux.Handle("/", limitBody(maxBody, s.adapt(public, func(w http.ResponseWriter, r *http.Request) error {
		return ziping.Errorf(ziping.NotFound, "页面不存在")
	})))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.adapt(public, func(w http.ResponseWriter, r *http.Request) error {
		return ziping.Errorf(ziping.Forbidden, "请求来源不可信，已拒绝。请从本系统页面重新提交")
	}))
	return s.secureHeaders(s.requestLog(s.pace.track(s.admit.gate(cop.Handler(mux)))))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte("ok"))
	return err
}

// GetPatterns are the patterns of the GET routes ("GET " dropped) but the static
// files and the health check: those that answer with a page, and those that answer
// with a file (a download, or a document such as notice.docx). The walks over every
// page (the web package's, and cmd/ziping's on the demo's database) take their
// paths from it, so a route added to the table is walked.
func (s *Server) GetPatterns() (pages, files []string) {
	for _, rt := range s.routeTable() {
		method, pattern, _ := strings.Cut(rt.pattern, " ")
		if method != http.MethodGet || strings.HasPrefix(pattern, "/static/") || pattern == "/healthz" {
			continue
		}
		if rt.access == download || strings.Contains(pattern[strings.LastIndex(pattern, "/"):], ".") {
			files = append(files, pattern)
			continue
		}
		pages = append(pages, pattern)
	}
	return pages, files
}
