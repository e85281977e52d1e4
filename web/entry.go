package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"ziping"
	"ziping/dataset"
	"ziping/engine"
	"ziping/xlsx"
)

// entryFile is the file name manual entries are recorded under.
const entryFile = "手工录入"

// entryPage is the form of one school row or of a county's facts.
type entryPage struct {
	Page
	Unit    unitView
	Heading string
	Sub     string
	Action  string
	Back    string
	Period  int
	Stages  []option // links to the school's other stage rows
	Texts   []entryField
	Numbers []entryField
	Errors  []string // errors that name no field of the form
	Message string
}

// entryField is one input of the form, with the importer's message for it.
type entryField struct {
	Key, Label, Unit, Value, Error string
	Header                         string   // the column header of the one-row file
	Choices                        []string // a select box
	Fixed                          bool     // shown, not editable (codes)
}

func (f entryField) ID() string { return "f-" + f.Key }

// textMax bounds a text field of the forms.
const textMax = 100

// schoolTarget is the county and the school of a school entry route, when the actor
// may edit the school.
func (s *Server) schoolTarget(r *http.Request) (county, school *ziping.OrgUnit, err error) {
	ctx := r.Context()
	code, sc := r.PathValue("code"), r.PathValue("school")
	if code == "" || len(code) > 32 || sc == "" || len(sc) > 32 {
		return nil, nil, ziping.Errorf(ziping.NotFound, "学校不存在")
	}
	if county, err = s.svc.Store.UnitByCode(ctx, code); ziping.IsNotFound(err) {
		return nil, nil, ziping.Errorf(ziping.NotFound, "没有代码为 %s 的单位", code)
	} else if err != nil {
		return nil, nil, err
	}
	if school, err = s.svc.Store.UnitByCode(ctx, sc); ziping.IsNotFound(err) {
		return nil, nil, ziping.Errorf(ziping.NotFound, "没有代码为 %s 的学校", sc)
	} else if err != nil {
		return nil, nil, err
	}
	a := info(r).actor
	if !a.CanEdit(school) {
		return nil, nil, ziping.Errorf(ziping.Forbidden, "您无权修改该学校的数据")
	}
	if school.Level != ziping.LevelSchool || school.ParentID != county.ID {
		return nil, nil, ziping.Errorf(ziping.NotFound, "区县 %s 下没有代码为 %s 的学校", code, sc)
	}
	return county, school, nil
}

// entryPeriod is the period of an entry form: ?period=, or the latest with data.
func (s *Server) entryPeriod(r *http.Request) (int, error) {
	sel, err := s.selectionOf(r)
	if err != nil {
		return 0, err
	}
	if sel.Period == 0 {
		return 0, ziping.Errorf(ziping.Invalid, "请在地址中指定年度（period）")
	}
	return sel.Period, nil
}

func (s *Server) schoolEditForm(w http.ResponseWriter, r *http.Request) error {
	return s.schoolEntry(w, r, false)
}

func (s *Server) schoolEdit(w http.ResponseWriter, r *http.Request) error {
	return s.schoolEntry(w, r, true)
}

func (s *Server) schoolEntry(w http.ResponseWriter, r *http.Request, post bool) error {
	county, school, err := s.schoolTarget(r)
	if err != nil {
		return err
	}
	period, err := s.entryPeriod(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rows, _, err := s.svc.Store.Schools(ctx, ziping.SchoolQuery{UnitIDs: []int64{county.ID}, Period: period, Search: school.Code, Sort: "code"})
	if err != nil {
		return err
	}
	stage := r.URL.Query().Get("stage")
	var rec *ziping.SchoolRecord
	p := &entryPage{Unit: newUnitView(school), Heading: school.Name + " 数据录入", Period: period, Back: unitURL(school.Code) + "?period=" + strconv.Itoa(period)}
	for i := range rows {
		if rows[i].Code != school.Code {
			continue
		}
		if rec == nil && (stage == "" || rows[i].Stage == stage) {
			rec = &rows[i]
		}
		p.Stages = append(p.Stages, option{Value: entryURL(county.Code, school.Code, period, rows[i].Stage), Label: rows[i].Stage})
	}
	for i := range p.Stages {
		p.Stages[i].Selected = rec != nil && p.Stages[i].Label == rec.Stage
	}
	if len(p.Stages) < 2 {
		p.Stages = nil
	}
	name, st, typ, pub := school.Name, stage, "", "公办"
	var vals map[string]float64
	if rec != nil {
		name, st, typ, pub, vals = rec.Name, rec.Stage, rec.Type, publicName(rec.Public), rec.Values
	}
	p.Action = entryURL(county.Code, school.Code, period, st)
	p.Sub = fmt.Sprintf("学校代码 %s · %d年度", school.Code, period)
	if st != "" {
		p.Sub += " · " + st
	}
	p.Texts = []entryField{
		{Key: "code", Label: "学校代码", Value: school.Code, Header: "学校代码", Fixed: true},
		{Key: "name", Label: "学校名称", Value: name, Header: "学校名称"},
		{Key: "stage", Label: "学段", Value: st, Header: "学段", Choices: []string{"小学", "初中", "高中"}},
		{Key: "type", Label: "学校类别", Value: typ, Header: "学校类别"},
		{Key: "public", Label: "办学类型", Value: pub, Header: "办学类型", Choices: []string{"公办", "民办"}},
	}
	p.Numbers = numberFields(engine.SchoolElements, vals)
	if err := s.fillUnitPage(r, &p.Page, school, "数据录入"); err != nil {
		return err
	}
	if !post {
		return s.render(w, r, http.StatusOK, "entry", p)
	}
	readForm(r, p)
	header := []string{"年度", "学校代码", "学校名称", "区县代码", "区县名称", "学段", "学校类别", "办学类型"}
	row := []string{strconv.Itoa(period), school.Code, p.text("name"), county.Code, county.Name, p.text("stage"), p.text("type"), p.text("public")}
	return s.saveEntry(w, r, p, header, row, school.Code, period)
}

func entryURL(county, school string, period int, stage string) string {
	u := unitURL(county) + "/schools/" + url.PathEscape(school) + "/edit?period=" + strconv.Itoa(period)
	if stage != "" {
		u += "&stage=" + url.QueryEscape(stage)
	}
	return u
}

func (s *Server) factsEditForm(w http.ResponseWriter, r *http.Request) error {
	return s.factsEntry(w, r, false)
}

func (s *Server) factsEdit(w http.ResponseWriter, r *http.Request) error {
	return s.factsEntry(w, r, true)
}

func (s *Server) factsEntry(w http.ResponseWriter, r *http.Request, post bool) error {
	u, err := s.editableUnit(r)
	if err != nil {
		return err
	}
	if u.Level != ziping.LevelCounty {
		return ziping.Errorf(ziping.NotFound, "只有区县有基础数据")
	}
	period, err := s.entryPeriod(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	facts, err := s.svc.Store.Facts(ctx, []int64{u.ID}, period)
	if err != nil {
		return err
	}
	var vals map[string]float64
	if len(facts) > 0 {
		vals = facts[0].Values
	}
	city, err := s.svc.Store.Unit(ctx, u.ParentID)
	if err != nil {
		return err
	}
	p := &entryPage{Unit: newUnitView(u), Heading: u.Name + " 区县基础数据录入", Period: period,
		Sub:    fmt.Sprintf("单位代码 %s · %d年度", u.Code, period),
		Action: unitURL(u.Code) + "/facts/edit?period=" + strconv.Itoa(period), Back: unitURL(u.Code) + "?period=" + strconv.Itoa(period) + "#facts"}
	p.Numbers = numberFields(engine.UnitElements, vals)
	if err := s.fillUnitPage(r, &p.Page, u, "基础数据录入"); err != nil {
		return err
	}
	if !post {
		return s.render(w, r, http.StatusOK, "entry", p)
	}
	readForm(r, p)
	header := []string{"年度", "地市代码", "地市名称", "区县代码", "区县名称"}
	row := []string{strconv.Itoa(period), city.Code, city.Name, u.Code, u.Name}
	if city.Level != ziping.LevelCity {
		row[1], row[2] = "", ""
	}
	return s.saveEntry(w, r, p, header, row, u.Code, period)
}

// numberFields are the inputs of the elements that files carry, in catalogue order.
func numberFields(els []engine.Element, vals map[string]float64) []entryField {
	var out []entryField
	for _, el := range els {
		if el.Derived {
			continue
		}
		f := entryField{Key: el.ID, Label: el.Name, Unit: el.Unit, Header: el.Name}
		if el.Kind == engine.KindAmount && el.Unit != "" {
			f.Header = el.Name + "(" + el.Unit + ")" // the official header, as the template files write it
		}
		if v, ok := vals[el.ID]; ok {
			f.Value = strconv.FormatFloat(v, 'f', -1, 64)
		}
		out = append(out, f)
	}
	return out
}

// readForm takes the posted values into the fields.
func readForm(r *http.Request, p *entryPage) {
	for i := range p.Texts {
		if !p.Texts[i].Fixed {
			p.Texts[i].Value = strings.TrimSpace(r.PostForm.Get(p.Texts[i].Key))
		}
	}
	for i := range p.Numbers {
		p.Numbers[i].Value = strings.TrimSpace(r.PostForm.Get(p.Numbers[i].Key))
	}
}

func (p *entryPage) text(key string) string {
	for _, f := range p.Texts {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// saveEntry checks the form with the importer, on a one-row file with the official
// headers (the same rules and messages as an upload), and writes it as a batch of
// one row. The form comes back with the messages beside the fields.
func (s *Server) saveEntry(w http.ResponseWriter, r *http.Request, p *entryPage, header, row []string, target string, period int) error {
	fields := map[string]*entryField{} // by column letter
	for i := range p.Texts {
		for j, h := range header {
			if h == p.Texts[i].Header {
				fields[colLetters(j)] = &p.Texts[i]
			}
		}
	}
	for i := range p.Numbers {
		if utf8.RuneCountInString(p.Numbers[i].Value) > textMax {
			p.Numbers[i].Error = fmt.Sprintf("不能超过%d个字符", textMax)
		}
		fields[colLetters(len(header))] = &p.Numbers[i]
		header = append(header, p.Numbers[i].Header)
		row = append(row, p.Numbers[i].Value)
	}
	for i := range p.Texts {
		if utf8.RuneCountInString(p.Texts[i].Value) > textMax {
			p.Texts[i].Error = fmt.Sprintf("不能超过%d个字符", textMax)
		}
	}
	if p.invalid() {
		p.Message = "填写的内容有误，未保存。请按提示改正。"
		return s.render(w, r, http.StatusBadRequest, "entry", p)
	}
	var buf bytes.Buffer
	t := xlsx.Table{Header: header, Rows: [][]any{toAny(row)}}
	if err := xlsx.WriteCSV(&buf, t); err != nil {
		return err
	}
	ds, err := xlsx.ReadFrom([]xlsx.Input{{Name: entryFile + ".csv", R: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())}}, xlsx.ReadOptions{Period: period})
	var ie *ziping.ImportError
	if errors.As(err, &ie) {
		for _, c := range ie.Cells {
			letter, _, _ := strings.Cut(c.Column, " ")
			if f := fields[letter]; f != nil && c.Column != "" {
				f.Error = strings.TrimSpace(f.Error + " " + c.Reason)
			} else {
				p.Errors = append(p.Errors, strings.TrimPrefix(strings.TrimPrefix(c.String(), entryFile+".csv"), " "))
			}
		}
		p.Message = "填写的内容有误，未保存。请按提示改正。"
		return s.render(w, r, http.StatusBadRequest, "entry", p)
	}
	if err == nil {
		_, err = s.svc.Data.ImportDataset(r.Context(), info(r).actor, ds, dataset.ImportSource{File: entryFile})
	}
	var de *ziping.Error
	if err != nil && errors.As(err, &de) && de.Kind != ziping.Internal && de.Msg != "" {
		p.Message = de.Msg
		return s.render(w, r, statusOf(err), "entry", p)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("已保存%d年度的数据（手工录入）。", period))
	http.Redirect(w, r, p.Back, http.StatusSeeOther)
	return nil
}

func (p *entryPage) invalid() bool {
	for _, fs := range [][]entryField{p.Texts, p.Numbers} {
		for _, f := range fs {
			if f.Error != "" {
				return true
			}
		}
	}
	return false
}

func toAny(row []string) []any {
	out := make([]any, len(row))
	for i, v := range row {
		out[i] = v
	}
	return out
}

// colLetters is a column's letters as the importer names it: A, B, …, Z, AA.
func colLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
