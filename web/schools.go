package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"ziping"
)

// schoolPageSize is how many school rows a page of the table shows.
const schoolPageSize = 50

// schoolTable is a county's school rows for a period: searched, sorted, paged.
type schoolTable struct {
	Q           string
	Sort        string
	Cols        []sortCol
	Rows        []schoolRow
	Total       int
	Page, Pages int
	From, To    int
	PrevURL     string
	NextURL     string
	ClearURL    string
}

// sortCol is the header of a column the table sorts by; URL sorts by it (the other
// way round when it is the current sort).
type sortCol struct {
	Label, URL string
	Num        bool
	Active     string // "asc", "desc" or ""
}

type schoolRow struct {
	Code, Name, URL, Stage, Type, Public string
	Students, Classes, Teachers          string
}

// schoolSorts are the sort keys the store offers, with their column labels.
var schoolSorts = []struct{ key, label string }{{"code", "学校代码"}, {"name", "学校名称"}, {"stage", "学段"}, {"students", "在校生数"}}

// schoolTable is a page of the county's school rows, read in SQL a page at a time:
// the page's rows, the units of the schools on it (for their links), and the
// total. The rows of a page and the total are kept for the data version they were
// read at (tableCache): a county page is opened far more often than its data
// changes, and under load reading and sorting the county's rows in SQL for every
// page was a fifth of the server's time (issue 9).
func (s *Server) schoolTable(r *http.Request, u *ziping.OrgUnit, sel *selection) (*schoolTable, error) {
	t, err := readTableQuery(r)
	if err != nil || sel.Period == 0 {
		return t, err
	}
	ctx := r.Context()
	version, err := s.svc.Store.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := totalKey{unit: u.ID, period: sel.Period, search: t.Q}
	pk := pageKey{totalKey: key, sort: t.Sort, page: t.Page}
	rows, total, ok := s.tables.get(pk, version)
	if !ok {
		var known bool
		total, known = s.tables.total(key, version)
		recs, counted, err := s.svc.Store.Schools(ctx, ziping.SchoolQuery{UnitIDs: []int64{u.ID}, Period: sel.Period, Search: t.Q,
			Sort: t.Sort, Offset: (t.Page - 1) * schoolPageSize, Limit: schoolPageSize, NoTotal: known})
		if err != nil {
			return nil, err
		}
		if !known {
			total = counted
		}
		rows = make([]schoolRow, len(recs))
		for i, rec := range recs {
			rows[i] = schoolRow{Code: rec.Code, Name: rec.Name, Stage: rec.Stage, Type: rec.Type, Public: publicName(rec.Public),
				Students: value(rec.Values, "students"), Classes: value(rec.Values, "classes"), Teachers: value(rec.Values, "teachers")}
		}
		s.tables.put(pk, version, rows, total)
	}
	linked, err := s.schoolUnits(ctx, u, rows)
	if err != nil {
		return nil, err
	}
	t.Rows = make([]schoolRow, len(rows))
	for i, row := range rows {
		if linked[row.Code] {
			row.URL = sel.link(unitURL(row.Code))
		}
		t.Rows[i] = row
	}
	t.paginate(total, func(extra ...string) string { return sel.link(unitURL(u.Code), extra...) + "#schools" })
	return t, nil
}

// schoolUnits says which of the rows' schools are school units of the county (a
// school page to link to), asking for those schools only.
func (s *Server) schoolUnits(ctx context.Context, county *ziping.OrgUnit, rows []schoolRow) (map[string]bool, error) {
	codes := make([]string, 0, len(rows))
	for _, row := range rows {
		codes = append(codes, row.Code)
	}
	units, err := s.svc.Store.UnitsByCode(ctx, codes)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(units))
	for _, su := range units {
		known[su.Code] = su.Level == ziping.LevelSchool && su.ParentID == county.ID
	}
	return known, nil
}

// tableCache keeps the school table's totals by county, period and search, and its
// pages (as shown, without their links) by search, sort and page too, for one data
// version: any instance's import or school move changes the version, so a stale
// page is never served. Whether a school has a page to link to is asked on every
// request (a unit may be added without a change of data).
type tableCache struct {
	mu      sync.Mutex
	version int64
	totals  map[totalKey]int
	pages   map[pageKey][]schoolRow
}

type totalKey struct {
	unit   int64
	period int
	search string
}

type pageKey struct {
	totalKey
	sort string
	page int
}

// maxTotals bounds the totals: every county and year, and the searches people make;
// maxPages the pages (some 200 bytes a row, 50 rows a page: at most about 10 MB).
const (
	maxTotals = 4096
	maxPages  = 1024
)

func (c *tableCache) total(k totalKey, version int64) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.totals[k]
	return n, ok && c.version == version
}

// get returns the page's rows and its table's total, when both are kept.
func (c *tableCache) get(k pageKey, version int64) ([]schoolRow, int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil, 0, false
	}
	rows, ok := c.pages[k]
	n, counted := c.totals[k.totalKey]
	return rows, n, ok && counted
}

func (c *tableCache) put(k pageKey, version int64, rows []schoolRow, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		c.totals, c.pages, c.version = nil, nil, version
	}
	if c.totals == nil || len(c.totals) >= maxTotals {
		c.totals = map[totalKey]int{}
	}
	if c.pages == nil || len(c.pages) >= maxPages {
		c.pages = map[pageKey][]schoolRow{} // simple and rare: start again
	}
	c.totals[k.totalKey], c.pages[k] = total, rows
}

// readTableQuery reads ?q= (search in code or name), ?sort= and ?page=.
func readTableQuery(r *http.Request) (*schoolTable, error) {
	q := r.URL.Query()
	t := &schoolTable{Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Page: 1}
	if utf8.RuneCountInString(t.Q) > 50 {
		return nil, ziping.Errorf(ziping.Invalid, "搜索内容不能超过50个字")
	}
	if t.Sort == "" {
		t.Sort = "code"
	}
	if !validSort(t.Sort) {
		return nil, ziping.Errorf(ziping.Invalid, "不支持的排序方式")
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			return nil, ziping.Errorf(ziping.Invalid, "页码无效")
		}
		t.Page = n
	}
	return t, nil
}

func validSort(sort string) bool {
	key := strings.TrimPrefix(sort, "-")
	for _, s := range schoolSorts {
		if s.key == key {
			return true
		}
	}
	return false
}

// paginate fills the counts, the page links and the sortable headers; link builds
// a URL of the table with extra query parameters.
func (t *schoolTable) paginate(total int, link func(extra ...string) string) {
	t.Total = total
	t.Pages = max(1, (total+schoolPageSize-1)/schoolPageSize)
	if total > 0 && (t.Page-1)*schoolPageSize < total {
		t.From = (t.Page-1)*schoolPageSize + 1
		t.To = min(total, t.Page*schoolPageSize)
	}
	if t.Page > 1 {
		t.PrevURL = link("q", t.Q, "sort", t.Sort, "page", strconv.Itoa(min(t.Page-1, t.Pages)))
	}
	if t.Page < t.Pages {
		t.NextURL = link("q", t.Q, "sort", t.Sort, "page", strconv.Itoa(t.Page+1))
	}
	if t.Q != "" {
		t.ClearURL = link("sort", t.Sort)
	}
	for _, sc := range schoolSorts {
		col := sortCol{Label: sc.label, Num: sc.key == "students", URL: link("q", t.Q, "sort", sc.key)}
		switch t.Sort {
		case sc.key:
			col.Active, col.URL = "asc", link("q", t.Q, "sort", "-"+sc.key)
		case "-" + sc.key:
			col.Active = "desc"
		}
		t.Cols = append(t.Cols, col)
	}
}

// value formats a school's number for the table; "—" when missing.
func value(vals map[string]float64, id string) string {
	v, ok := vals[id]
	if !ok {
		return "—"
	}
	return num(v)
}
