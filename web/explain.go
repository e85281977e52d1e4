package web

import (
	"net/http"
	"strconv"

	"ziping"
	"ziping/engine"
)

// explainPage traces one metric of a county to its data: the formula, the formula
// with the values put in, the county facts it read and every school row behind it.
type explainPage struct {
	Page
	Unit      unitView
	Picker    picker
	Period    int
	FWName    string
	Metric    explainView
	Standards []standard
	ScoreURL  string
	UnitURL   string
}

type explainView struct {
	ID, Name, Value       string
	OK                    bool
	Formula, Instantiated string
	Reading               string // the formula in words
	Facts                 []factValue
	Calls                 []callView
}

type factValue struct{ ID, Name, Value string }

type callView struct {
	Call, Result, Detail string
	Name                 string // the call in words
	Schools              int
	Students, Mean, SD   string
	Unit                 string // of the values column: its header says 数值（元）
	HasWeight            bool
	Rows                 []rowView
}

type rowView struct{ Code, Name, Stage, Row, Students, Value, Weight string }

func (s *Server) explainPage(w http.ResponseWriter, r *http.Request) error {
	u, sel, ev, err := s.countyResult(r)
	if err != nil {
		return err
	}
	id := r.PathValue("metric")
	if sel.prog.MetricByID(id) == nil {
		return ziping.Errorf(ziping.NotFound, "评价体系「%s」中没有这个指标", sel.prog.FW.Name)
	}
	xs, err := sel.prog.Explain(ev.ds, sel.Period, ev.idx, id)
	if err != nil {
		return err
	}
	p := &explainPage{Unit: newUnitView(u), Picker: s.picker(unitURL(u.Code)+"/explain/"+id, sel, false), Period: sel.Period,
		FWName: sel.prog.FW.Name, Metric: newExplainView(xs[0]), Standards: s.standards[sel.FW][id],
		ScoreURL: sel.link(unitURL(u.Code) + "/score"), UnitURL: sel.link(unitURL(u.Code))}
	if err := s.fillUnitPage(r, &p.Page, u, "指标说明"); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "explain", p)
}

func newExplainView(x engine.Explanation) explainView {
	v := explainView{ID: x.Metric, Name: x.Name, Value: x.Value.Text(), OK: x.Value.OK, Formula: x.Formula, Instantiated: x.Instantiated, Reading: x.Reading}
	for _, f := range x.Facts {
		v.Facts = append(v.Facts, factValue{ID: f.ID, Name: f.Name, Value: f.Value})
	}
	for _, c := range x.Calls {
		cv := callView{Call: c.Call, Name: c.Name, Result: c.Result, Detail: c.Detail, Schools: c.Schools, Students: num(c.Students), Unit: c.Unit}
		if c.Mean != "" {
			cv.Mean = engine.FormatValue(c.MeanValue, c.Unit, c.Decimals)
			cv.SD = engine.FormatValue(c.SDValue, c.Unit, c.Decimals)
		}
		for _, row := range c.Rows {
			cv.Rows = append(cv.Rows, newRowView(row, c.Unit, c.Decimals))
			cv.HasWeight = cv.HasWeight || row.Weight > 0
		}
		v.Calls = append(v.Calls, cv)
	}
	return v
}

// newRowView prints a school's value as the app prints indicator values
// (engine.FormatNumber: digits grouped, decimals by unit, whole counts whole), its
// unit left to the column header.
func newRowView(r engine.SchoolRow, unit string, decimals *int) rowView {
	rv := rowView{Code: r.Code, Name: r.Name, Stage: r.Stage, Students: num(r.Students), Value: "—"}
	if r.Row > 0 {
		rv.Row = strconv.Itoa(r.Row)
	}
	if r.Value == r.Value { // not NaN
		rv.Value = engine.FormatNumber(r.Value, unit, decimals)
	}
	if r.Weight > 0 {
		rv.Weight = strconv.FormatFloat(r.Weight, 'f', 4, 64)
	}
	return rv
}
