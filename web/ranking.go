package web

import (
	"bytes"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ziping"
	"ziping/assess"
	"ziping/engine"
)

// rankingPage ranks the counties of a province or a city: a table with the charts
// above it (drawn by static/charts.js from the JSON block of the page).
type rankingPage struct {
	Page
	Unit       unitView
	Picker     picker
	Period     int
	FW         fwHead
	Table      rankingTable
	Counties   int
	Ranked     int
	Overdue    int
	Published  bool // only published results are shown (viewers)
	ToPublish  int  // reviewed results the actor may publish
	Charts     chartData
	EChartsJS  string
	ChartsJS   string
	XLSXURL    string
	NoticeURL  string
	LedgerURL  string
	OverdueURL string
	PublishURL string

	// NoticeEditURL sets the notice's 文号 and date, for whoever may publish.
	NoticeEditURL string
	// DueEditURL sets the self-evaluation due date, for the reviewing level.
	DueEditURL string

	// RankNote says among whom the ranking ranks, and how the public notice's
	// ranks (published results only) differ.
	RankNote string
}

// rankingTable is the table of a ranking, for the rankingtable template: ID is the
// table's element id, Empty what an empty table says.
type rankingTable struct {
	ID, Empty string
	UnitHead  string // the head of the unit column: 单位, 学校 …
	Verdict   bool
	AreaNames []string
	Rows      []rankingRowView
}

// newRankingTable is the table of rk.
func newRankingTable(id, empty string, rk *assess.Ranking) rankingTable {
	fw := rk.Program.FW
	t := rankingTable{ID: id, Empty: empty, Verdict: fw.IsVerdict(), UnitHead: "单位"}
	for _, ar := range fw.Areas {
		t.AreaNames = append(t.AreaNames, ar.Name)
	}
	for _, row := range rk.Rows {
		t.Rows = append(t.Rows, newRankingRow(fw, row))
	}
	return t
}

type rankingRowView struct {
	Rank          string // "2（并列）"; "—" when not ranked
	Unit          unitView
	Status        string
	Score         string // "85.5 / 100", or for verdict frameworks the failing items
	Outcome       string
	Passed        bool
	Ranked        bool
	Areas         []string
	Change        string // "+1.5", "−2", "0", "新"
	ChangeClass   string // "up", "down" or ""
	Open, Overdue int
	URL           string // the assessment page
	// PubRank is the rank among published results only, as the public notice
	// ranks, set on internal rankings where it differs from Rank.
	PubRank string
	// Undecided: points wait for a person's score, so no grade is stated.
	Undecided bool
}

// chartData is what charts.js draws; the page carries it as JSON.
type chartData struct {
	Verdict bool         `json:"verdict"`
	Max     float64      `json:"max"`
	Units   []string     `json:"units"`
	Totals  []float64    `json:"totals"`
	Areas   []chartArea  `json:"areas"`
	Pct     [][]float64  `json:"pct"`    // by unit, each area as % of its maximum
	AvgPct  []float64    `json:"avgPct"` // the subtree average, as %
	CV      *cvChartData `json:"cv,omitempty"`
}

type chartArea struct {
	Name string  `json:"name"`
	Max  float64 `json:"max"`
}

// cvChartData is the coefficients of variation (校际差异系数) of the yzjh framework
// by unit, primary and junior schools apart, with their limits.
type cvChartData struct {
	Names        []string     `json:"names"` // short names of the indicators
	PrimaryLimit float64      `json:"primaryLimit"`
	JuniorLimit  float64      `json:"juniorLimit"`
	Primary      [][]*float64 `json:"primary"` // by unit, by indicator; null when not computed
	Junior       [][]*float64 `json:"junior"`
}

// The limits of the coefficients of variation (教督〔2017〕6号).
const (
	cvLimitPrimary = 0.50
	cvLimitJunior  = 0.45
)

// rankedArea is the province or city whose counties a ranking or notice ranks.
func rankedArea(u *ziping.OrgUnit) error {
	if u.Level != ziping.LevelProvince && u.Level != ziping.LevelCity {
		return ziping.Errorf(ziping.NotFound, "排名只适用于省级和市级单位，「%s」是%s单位", u.Name, levelName(u.Level))
	}
	return nil
}

// rankingOf reads the ranked unit, the selection and the ranking of a request.
func (s *Server) rankingOf(r *http.Request) (*ziping.OrgUnit, *selection, *assess.Ranking, error) {
	u, err := s.visibleUnit(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := rankedArea(u); err != nil {
		return nil, nil, nil, err
	}
	a := info(r).actor
	sel, err := s.workSelection(r, u, a.User != nil && a.User.Role == ziping.RoleViewer)
	if err != nil {
		return nil, nil, nil, err
	}
	rk, err := s.svc.Assess.Ranking(r.Context(), info(r).actor, u, sel.FW, sel.Period, false)
	if err != nil {
		return nil, nil, nil, err
	}
	return u, sel, rk, nil
}

func (s *Server) rankingPage(w http.ResponseWriter, r *http.Request) error {
	u, sel, rk, err := s.rankingOf(r)
	if err != nil {
		return err
	}
	_, assets, err := s.current()
	if err != nil {
		return err
	}
	a := info(r).actor
	fw := rk.Program.FW
	base := unitURL(u.Code)
	p := &rankingPage{Unit: newUnitView(u), Picker: s.picker(base+"/ranking", sel, true), Period: sel.Period,
		FW:     fwHead{ID: fw.ID, Name: fw.Name, Version: fw.Version, URL: "/frameworks/" + url.PathEscape(fw.ID), Verdict: fw.IsVerdict()},
		Ranked: rk.Ranked, Overdue: rk.Overdue, Published: rk.OnlyPublished,
		EChartsJS: assets.url("echarts.min.js"), ChartsJS: assets.url("charts.js"),
		XLSXURL: sel.link(base + "/ranking.xlsx"), NoticeURL: "/notice/" + url.PathEscape(u.Code) + "?" + sel.query().Encode(),
		LedgerURL: sel.link(base + "/problems"), OverdueURL: sel.link(base+"/problems", "status", statusOverdue)}
	p.Table = newRankingTable("ranking-table", "该单位下没有区县。", rk)
	for _, row := range rk.Rows {
		if row.Assessment != nil && row.Assessment.Status == ziping.StatusReviewed && a.CanReview(&row.Unit) {
			p.ToPublish++
		}
	}
	p.Counties = len(rk.Rows)
	if assess.MayIssueNotice(a, u) {
		p.NoticeEditURL = sel.link(base + "/notice")
	}
	if assess.MaySetDueDate(a, u, assess.OrgLevel(fw.Level)) {
		p.DueEditURL = sel.link(base + "/due")
	}
	if err := s.notePublishedRanks(r, u, sel, rk, p); err != nil {
		return err
	}
	if p.ToPublish > 0 && mayPublishResults(a) {
		p.PublishURL = sel.link(base + "/ranking/publish")
	}
	p.Charts = newChartData(fw, rk)
	if err := s.fillUnitPage(r, &p.Page, u, "评价排名"); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "ranking", p)
}

func mayPublishResults(a *ziping.Actor) bool {
	return a.IsAdmin() || a.User.Role == ziping.RoleReviewer
}

func newRankingRow(fw *engine.Framework, row assess.RankingRow) rankingRowView {
	v := rankingRowView{Rank: "—", Unit: newUnitView(&row.Unit), Status: "未开始", Change: "", Open: row.Open, Overdue: row.Overdue}
	if row.Assessment != nil {
		v.Status = ziping.StatusNames[row.Assessment.Status]
		v.URL = "/assessments/" + strconv.FormatInt(row.Assessment.ID, 10)
	}
	if row.Final == nil {
		return v
	}
	f := row.Final
	v.Ranked, v.Rank, v.Outcome, v.Passed = true, rankText(row.Rank, row.Tie), f.Outcome(), f.Passed
	if f.Pending > 0 {
		// As the score sheet: no grade while points wait for a person's score.
		v.Outcome, v.Passed, v.Undecided = "待定（"+strconv.Itoa(f.Pending)+"项待评）", false, true
	}
	if fw.IsVerdict() {
		v.Score = strconv.Itoa(f.Failing) + "项未达标"
	} else {
		v.Score = num(f.Total) + " / " + num(f.Max)
	}
	for i := range fw.Areas {
		a := "—"
		if i < len(f.Areas) {
			a = num(f.Areas[i])
		}
		v.Areas = append(v.Areas, a)
	}
	v.Change, v.ChangeClass = changeText(row)
	return v
}

// rankText is a rank as the tables write it: "2", or "2（并列）" for a tie.
func rankText(rank int, tie bool) string {
	if rank == 0 {
		return "—"
	}
	if tie {
		return strconv.Itoa(rank) + "（并列）"
	}
	return strconv.Itoa(rank)
}

// changeText is the change of the total since last period: "+1.5", "−2" (with a
// minus sign), "0", or "新" when the unit was not evaluated last period.
func changeText(row assess.RankingRow) (string, string) {
	switch {
	case !row.HasPrev:
		return "新", ""
	case row.Change > 0:
		return "+" + num(row.Change), "up"
	case row.Change < 0:
		return "−" + num(-row.Change), "down"
	}
	return "0", ""
}

func areaMax(a engine.Area) float64 {
	m := 0.0
	for _, pt := range a.Points {
		m += pt.Max
	}
	return m
}

func percentOf(v, max float64) float64 {
	if max <= 0 {
		return 0
	}
	return math.Round(v/max*1000) / 10
}

func newChartData(fw *engine.Framework, rk *assess.Ranking) chartData {
	cd := chartData{Verdict: fw.IsVerdict(), Units: []string{}, Totals: []float64{}, Pct: [][]float64{}}
	for _, a := range fw.Areas {
		cd.Areas = append(cd.Areas, chartArea{Name: a.Name, Max: areaMax(a)})
		cd.Max += areaMax(a)
	}
	for i, a := range rk.AreaAverage {
		if i < len(cd.Areas) {
			cd.AvgPct = append(cd.AvgPct, percentOf(a, cd.Areas[i].Max))
		}
	}
	names, primary, junior := cvMetrics(fw)
	if len(names) > 0 {
		cd.CV = &cvChartData{Names: names, PrimaryLimit: cvLimitPrimary, JuniorLimit: cvLimitJunior,
			Primary: [][]*float64{}, Junior: [][]*float64{}}
	}
	for _, row := range rk.Rows {
		if row.Final == nil {
			continue
		}
		f := row.Final
		cd.Units = append(cd.Units, row.Unit.Name)
		cd.Totals = append(cd.Totals, f.Total)
		pcts := make([]float64, len(cd.Areas))
		for i := range pcts {
			if i < len(f.Areas) {
				pcts[i] = percentOf(f.Areas[i], cd.Areas[i].Max)
			}
		}
		cd.Pct = append(cd.Pct, pcts)
		if cd.CV != nil {
			cd.CV.Primary = append(cd.CV.Primary, metricValues(f, primary))
			cd.CV.Junior = append(cd.CV.Junior, metricValues(f, junior))
		}
	}
	return cd
}

// cvIndicators are the indicators whose coefficients of variation the yzjh
// framework limits (metric ids primary.cv.* and junior.cv.*), with short names for
// the chart.
var cvIndicators = []struct{ id, name string }{
	{"high_edu_teachers_per100", "高学历教师"},
	{"backbone_teachers_per100", "骨干教师"},
	{"pe_art_teachers_per100", "体艺教师"},
	{"teaching_area_per_student", "教学用房"},
	{"sports_area_per_student", "体育场馆"},
	{"equipment_value_per_student", "仪器设备"},
	{"multimedia_rooms_per100", "多媒体教室"},
}

// cvMetrics returns the short names and the metric ids of the framework's
// coefficients of variation, or nothing when it has not all of them.
func cvMetrics(fw *engine.Framework) (names, primary, junior []string) {
	has := map[string]bool{}
	for _, m := range fw.Metrics {
		has[m.ID] = true
	}
	for _, ind := range cvIndicators {
		p, j := "primary.cv."+ind.id, "junior.cv."+ind.id
		if !has[p] || !has[j] {
			return nil, nil, nil
		}
		names, primary, junior = append(names, ind.name), append(primary, p), append(junior, j)
	}
	return names, primary, junior
}

func metricValues(f *assess.SideSummary, ids []string) []*float64 {
	out := make([]*float64, len(ids))
	for i, id := range ids {
		if v, ok := f.Metrics[id]; ok {
			v = math.Round(v*1000) / 1000
			out[i] = &v
		}
	}
	return out
}

// rankingSheet is the ranking as a spreadsheet.
func rankingSheet(u *ziping.OrgUnit, sel *selection, rk *assess.Ranking) *ziping.Sheet {
	fw := rk.Program.FW
	sh := &ziping.Sheet{Name: "评价排名", Title: u.Name + strconv.Itoa(sel.Period) + "年度" + fw.Name + "排名",
		Columns: []string{"排名", "并列", "单位代码", "单位", "状态", "总分", "满分", "等次/结论", "未达标项"}}
	for _, a := range fw.Areas {
		sh.Columns = append(sh.Columns, a.Name)
	}
	sh.Columns = append(sh.Columns, "较上年", "待整改问题", "逾期问题")
	for _, row := range rk.Rows {
		status := "未开始"
		if row.Assessment != nil {
			status = ziping.StatusNames[row.Assessment.Status]
		}
		cells := []any{nil, "", row.Unit.Code, row.Unit.Name, status}
		if row.Final == nil {
			cells = append(cells, nil, nil, "", nil)
			for range fw.Areas {
				cells = append(cells, nil)
			}
			cells = append(cells, nil, row.Open, row.Overdue)
			sh.Rows = append(sh.Rows, cells)
			continue
		}
		f := row.Final
		cells[0] = row.Rank
		if row.Tie {
			cells[1] = "并列"
		}
		outcome := f.Outcome()
		if f.Pending > 0 {
			outcome = "待定（" + strconv.Itoa(f.Pending) + "项待评）"
		}
		cells = append(cells, f.Total, f.Max, outcome, f.Failing)
		for i := range fw.Areas {
			if i < len(f.Areas) {
				cells = append(cells, f.Areas[i])
			} else {
				cells = append(cells, nil)
			}
		}
		var change any = "新"
		if row.HasPrev {
			change = row.Change
		}
		cells = append(cells, change, row.Open, row.Overdue)
		sh.Rows = append(sh.Rows, cells)
	}
	note := "共" + strconv.Itoa(len(rk.Rows)) + "个区县，已排名" + strconv.Itoa(rk.Ranked) + "个。"
	if rk.OnlyPublished {
		note += "仅含已公布的结果。"
	}
	sh.Notes = []string{note}
	return sh
}

func (s *Server) rankingXLSX(w http.ResponseWriter, r *http.Request) error {
	u, sel, rk, err := s.rankingOf(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.opts.Sheets(&buf, rankingSheet(u, sel, rk)); err != nil {
		return err
	}
	name := u.Name + strconv.Itoa(sel.Period) + "年度" + rk.Program.FW.Name + "排名.xlsx"
	return sendDownload(w, &buf, ctypeXLSX, contentDisposition(name, u.Code+"-"+strconv.Itoa(sel.Period)+"-ranking.xlsx"))
}

const (
	ctypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ctypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// sendFile writes a generated download.
func sendDownload(w http.ResponseWriter, buf *bytes.Buffer, ctype, disposition string) error {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", disposition)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err := w.Write(buf.Bytes())
	return err
}

// rankingPublish publishes every reviewed result of the subtree that the actor may
// review.
func (s *Server) rankingPublish(w http.ResponseWriter, r *http.Request) error {
	u, err := s.visibleUnit(r)
	if err != nil {
		return err
	}
	if err := rankedArea(u); err != nil {
		return err
	}
	a := info(r).actor
	if !mayPublishResults(a) {
		return ziping.Errorf(ziping.Forbidden, "只有督导复核人员可以公布评价结果")
	}
	sel, err := s.selectionOf(r)
	if err != nil {
		return err
	}
	if !confirmed(r) {
		return s.askPublishAll(w, r, u, sel)
	}
	n, err := s.svc.Assess.PublishAll(r.Context(), a, u, sel.FW, sel.Period)
	switch {
	case ziping.ErrorKind(err) == ziping.Invalid:
		s.setFlash(w, r, "没有已复核、待公布的评价结果。")
	case err != nil:
		return err
	default:
		s.setFlash(w, r, "已公布"+strconv.Itoa(n)+"个区县的评价结果。")
	}
	http.Redirect(w, r, sel.link(unitURL(u.Code)+"/ranking"), http.StatusSeeOther)
	return nil
}

// noticePage is the public results notice (评价结果通报): published results only.
type noticePage struct {
	Page
	Heading string
	Unit    unitView
	Period  int
	FW      fwHead
	Rows    []rankingRowView
	Picker  picker
	// The particulars whoever publishes sets (notice.go): 发文机关, 主送机关, 文号,
	// 成文日期 as written; the Word download.
	Issuer, Recipient, Number, Date string
	DocxURL                         string
	notice                          *ziping.ResultNotice

	// RankNote says that the notice ranks among published results only.
	RankNote string
}

func (s *Server) noticePage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.noticeModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "notice", p)
}

// noticeModel is the notice of a request: the area, the published results it
// ranks, the particulars.
func (s *Server) noticeModel(r *http.Request) (*noticePage, error) {
	code := r.PathValue("code")
	if code == "" || len(code) > 32 {
		return nil, ziping.Errorf(ziping.NotFound, "单位不存在")
	}
	u, err := s.svc.Store.UnitByCode(r.Context(), code)
	if ziping.ErrorKind(err) == ziping.NotFound {
		return nil, ziping.Errorf(ziping.NotFound, "没有代码为 %s 的单位", code)
	}
	if err != nil {
		return nil, err
	}
	if err := rankedArea(u); err != nil {
		return nil, err
	}
	sel, err := s.workSelection(r, u, true)
	if err != nil {
		return nil, err
	}
	// The public's view whoever asks: published results only, no rectification.
	rk, err := s.svc.Assess.Ranking(r.Context(), nil, u, sel.FW, sel.Period, true)
	if err != nil {
		return nil, err
	}
	fw := rk.Program.FW
	p := &noticePage{Heading: noticeHeading(u, sel.Period, fw), Unit: newUnitView(u),
		Period: sel.Period, FW: fwHead{ID: fw.ID, Name: fw.Name, Version: fw.Version, Verdict: fw.IsVerdict()},
		Picker: s.picker("/notice/"+url.PathEscape(u.Code), sel, true)}
	for _, row := range rk.Rows {
		if row.Final == nil || row.Assessment == nil || row.Assessment.Status != ziping.StatusPublished {
			continue // never anything unpublished, whatever the service returns
		}
		v := newRankingRow(fw, row)
		v.URL, v.Status, v.Open, v.Overdue = "", "", 0, 0
		p.Rows = append(p.Rows, v)
	}
	if len(p.Rows) > 0 {
		counties, err := s.svc.Store.Subtree(r.Context(), u, ziping.LevelCounty)
		if err != nil {
			return nil, err
		}
		p.RankNote = publishedRankNote(len(p.Rows), len(counties))
	}
	p.Title = p.Heading
	if err := s.fillNotice(r.Context(), p, u, sel); err != nil {
		return nil, err
	}
	return p, nil
}

// noticeHeading titles the results notice: "示范市2024年度县域义务教育优质均衡发展督导评估
// 结果通报", with 评价 added when the framework's name does not end with it.
func noticeHeading(u *ziping.OrgUnit, period int, fw *engine.Framework) string {
	h := u.Name + strconv.Itoa(period) + "年度" + fw.Name
	if !strings.HasSuffix(fw.Name, "评价") && !strings.HasSuffix(fw.Name, "评估") {
		h += "评价"
	}
	return h + "结果通报"
}
