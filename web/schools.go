package web

import (
	"net/http"
	"strconv"
	"strings"
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

func (s *Server) schoolTable(r *http.Request, u *ziping.OrgUnit, sel *selection) (*schoolTable, error) {
	t, err := readTableQuery(r)
	if err != nil || sel.Period == 0 {
		return t, err
	}
	ctx := r.Context()
	rows, total, err := s.svc.Store.Schools(ctx, ziping.SchoolQuery{UnitIDs: []int64{u.ID}, Period: sel.Period, Search: t.Q,
		Sort: t.Sort, Offset: (t.Page - 1) * schoolPageSize, Limit: schoolPageSize})
	if err != nil {
		return nil, err
	}
	units, err := s.svc.Store.Subtree(ctx, u, ziping.LevelSchool)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(units))
	for _, su := range units {
		known[su.Code] = true
	}
	for _, rec := range rows {
		row := schoolRow{Code: rec.Code, Name: rec.Name, Stage: rec.Stage, Type: rec.Type, Public: publicName(rec.Public),
			Students: value(rec.Values, "students"), Classes: value(rec.Values, "classes"), Teachers: value(rec.Values, "teachers")}
		if known[rec.Code] {
			row.URL = sel.link(unitURL(rec.Code))
		}
		t.Rows = append(t.Rows, row)
	}
	t.paginate(total, func(extra ...string) string { return sel.link(unitURL(u.Code), extra...) + "#schools" })
	return t, nil
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
