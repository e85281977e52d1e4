package ziping

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"ziping/engine"
)

// AddUnit creates an org unit under the unit with parentCode ("" for a root).
// Admins only.
func (s *Service) AddUnit(ctx context.Context, a *Actor, code, name, level, parentCode string) (*OrgUnit, error) {
	if !a.IsAdmin() {
		return nil, Errorf(Forbidden, "只有管理员可以添加单位")
	}
	u := &OrgUnit{Code: strings.TrimSpace(code), Name: strings.TrimSpace(name), Level: level}
	if u.Code == "" || u.Name == "" {
		return nil, Errorf(Invalid, "单位代码和名称不能为空")
	}
	err := s.Store.Tx(ctx, func(tx Store) error {
		if parentCode != "" {
			p, err := tx.UnitByCode(ctx, parentCode)
			if err != nil {
				return Errorf(Invalid, "没有代码为 %s 的上级单位", parentCode)
			}
			u.ParentID = p.ID
		}
		if err := tx.CreateUnit(ctx, u); err != nil {
			if ErrorKind(err) == Conflict {
				return Errorf(Conflict, "单位代码 %s 已存在", u.Code)
			}
			return err
		}
		return s.audit(ctx, tx, a, "unit_add", "unit:"+u.Code, u.ID, nil, map[string]string{"code": u.Code, "name": u.Name, "level": u.Level})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ImportSource describes an imported file for its batch.
type ImportSource struct {
	File   string
	SHA256 string
}

// ImportDataset writes a dataset read from spreadsheets: one batch per period,
// all periods in one transaction with their audit entries, so that an import either
// lands whole or not at all. Counties and schools missing from the org tree are
// created under their city (admins only; the province must exist). Non-admins may
// import only units they can edit.
func (s *Service) ImportDataset(ctx context.Context, a *Actor, ds *engine.Dataset, src ImportSource) ([]Batch, error) {
	var batches []Batch
	var counties []OrgUnit
	err := s.Store.Tx(ctx, func(tx Store) error {
		units, err := s.importUnits(ctx, tx, a, ds)
		if err != nil {
			return err
		}
		counties = counties[:0]
		for _, u := range units {
			if u != nil {
				counties = append(counties, *u)
			}
		}
		for _, per := range ds.PeriodList() {
			b, err := s.importPeriod(ctx, tx, a, ds, per, units, src)
			if err != nil {
				return err
			}
			batches = append(batches, *b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The imported counties' assessments still open to them follow the data: their
	// data-driven points are recomputed now (the period's and the next, whose
	// year-over-year metrics look back at it). Only those counties are read again.
	for _, per := range ds.PeriodList() {
		for _, p := range []int{per, per + 1} {
			if _, err := s.recomputeCounties(ctx, counties, p); err != nil {
				return batches, &Error{Kind: Internal, Msg: "数据已导入，但自评结果未能随之更新，请重新打开自评页面", Err: err}
			}
		}
	}
	return batches, nil
}

// importUnits maps every dataset unit to its org unit, creating what is missing,
// and checks that the actor may edit each unit and school.
func (s *Service) importUnits(ctx context.Context, tx Store, a *Actor, ds *engine.Dataset) ([]*OrgUnit, error) {
	out := make([]*OrgUnit, len(ds.Units))
	var denied []string
	for i, du := range ds.Units {
		u, err := s.ensureCounty(ctx, tx, a, du)
		if err != nil {
			return nil, err
		}
		if !a.CanEdit(u) && !s.editsOnlyOwnSchools(a, ds, i) {
			denied = append(denied, du.Code+" "+du.Name)
		}
		out[i] = u
	}
	if len(denied) > 0 {
		return nil, Errorf(Forbidden, "无权导入以下区县的数据：%s", strings.Join(denied, "、"))
	}
	return out, nil
}

// editsOnlyOwnSchools: a school's filler may import its own school's rows.
func (s *Service) editsOnlyOwnSchools(a *Actor, ds *engine.Dataset, unit int) bool {
	if a.User == nil || a.User.Role != RoleFiller || a.Scope == nil || a.Scope.Level != LevelSchool {
		return false
	}
	for _, snap := range ds.Periods {
		r := snap.Schools.Ranges[unit]
		for i := r.Lo; i < r.Hi; i++ {
			if snap.Schools.Code[i] != a.Scope.Code {
				return false
			}
		}
		if !math.IsNaN(factsOf(snap, unit)) {
			return false // county facts are the county's
		}
	}
	return true
}

// factsOf returns any fact of unit u in snap, NaN when the unit has none.
func factsOf(snap *engine.Snapshot, u int) float64 {
	for e := range engine.UnitElements {
		if v := snap.Facts.Value(e, u); !math.IsNaN(v) {
			return v
		}
	}
	return math.NaN()
}

func (s *Service) ensureCounty(ctx context.Context, tx Store, a *Actor, du engine.Unit) (*OrgUnit, error) {
	u, err := tx.UnitByCode(ctx, du.Code)
	if err == nil || ErrorKind(err) != NotFound {
		return u, err
	}
	if !a.IsAdmin() {
		return nil, Errorf(Forbidden, "单位 %s（%s）不在系统中，请联系管理员先建立", du.Code, du.Name)
	}
	province, err := tx.UnitByCode(ctx, du.Code[:2]+"0000")
	if err != nil {
		return nil, Errorf(Invalid, "系统中没有省级单位 %s0000，请先用 ziping unit add 建立", du.Code[:2])
	}
	parent := province
	cityCode := du.ParentCode
	if cityCode == "" {
		cityCode = du.Code[:4] + "00"
	}
	if cityCode != province.Code {
		if parent, err = s.ensureChild(ctx, tx, a, province, cityCode, du.ParentName, LevelCity); err != nil {
			return nil, err
		}
	}
	return s.ensureChild(ctx, tx, a, parent, du.Code, du.Name, LevelCounty)
}

func (s *Service) ensureChild(ctx context.Context, tx Store, a *Actor, parent *OrgUnit, code, name, level string) (*OrgUnit, error) {
	u, err := tx.UnitByCode(ctx, code)
	if err == nil || ErrorKind(err) != NotFound {
		return u, err
	}
	if name == "" {
		name = code
	}
	u = &OrgUnit{Code: code, Name: name, Level: level, ParentID: parent.ID}
	if err := tx.CreateUnit(ctx, u); err != nil {
		return nil, err
	}
	return u, s.audit(ctx, tx, a, "unit_add", "unit:"+code, u.ID, nil, map[string]string{"code": code, "name": name, "level": level})
}

func (s *Service) importPeriod(ctx context.Context, tx Store, a *Actor, ds *engine.Dataset, per int, units []*OrgUnit, src ImportSource) (*Batch, error) {
	snap := ds.Periods[per]
	schools, added, err := s.schoolRecords(ctx, tx, a, snap, units)
	if err != nil {
		return nil, err
	}
	facts := factRecords(snap, units)
	var old, changed map[string]map[string]float64
	if len(schools)+len(facts) <= valueAuditRows {
		if old, err = previousValues(ctx, tx, schools, facts); err != nil {
			return nil, err
		}
		changed = newValues(schools, facts)
	}
	b := &Batch{Period: per, File: src.File, SHA256: src.SHA256, Schools: len(schools), Facts: len(facts), UserID: a.userID(), CreatedAt: s.now()}
	if err := tx.CreateBatch(ctx, b, schools, facts); err != nil {
		return nil, err
	}
	scope := int64(0)
	if a.Scope != nil {
		scope = a.Scope.ID
	}
	summary := map[string]any{"file": src.File, "sha256": src.SHA256, "period": per, "schools": b.Schools, "facts": b.Facts, "school_units_added": added}
	if changed != nil {
		summary["values"] = changed
	}
	var before any
	if len(old) > 0 {
		before = map[string]any{"values": old}
	}
	return b, s.audit(ctx, tx, a, "import", fmt.Sprintf("batch:%d", b.ID), scope, before, summary)
}

// valueAuditRows: a batch of at most this many rows (a hand-edited school or county)
// is audited with every value before and after; larger files only with their counts.
const valueAuditRows = 10

func rowKey(r SchoolRecord) string { return "school:" + r.Code + "/" + r.Stage }
func factKey(unit int64) string    { return fmt.Sprintf("facts:unit%d", unit) }

// previousValues reads what the given rows replace.
func previousValues(ctx context.Context, tx Store, schools []SchoolRecord, facts []FactRecord) (map[string]map[string]float64, error) {
	old := map[string]map[string]float64{}
	for _, r := range schools {
		rows, _, err := tx.Schools(ctx, SchoolQuery{UnitIDs: []int64{r.UnitID}, Period: r.Period, Search: r.Code})
		if err != nil {
			return nil, err
		}
		for _, o := range rows {
			if o.Code == r.Code && o.Stage == r.Stage {
				old[rowKey(r)] = o.Values
			}
		}
	}
	for _, f := range facts {
		prev, err := tx.Facts(ctx, []int64{f.UnitID}, f.Period)
		if err != nil {
			return nil, err
		}
		for _, p := range prev {
			old[factKey(p.UnitID)] = p.Values
		}
	}
	return old, nil
}

func newValues(schools []SchoolRecord, facts []FactRecord) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	for _, r := range schools {
		out[rowKey(r)] = r.Values
	}
	for _, f := range facts {
		out[factKey(f.UnitID)] = f.Values
	}
	return out
}

// schoolRecords turns a snapshot's school rows into records, creating the school
// units that do not exist yet (so that a school's own users can be given one) and
// returning how many it created. Each county's schools are read once; the schools
// created are recorded in the import's audit entry rather than one entry each (a
// province's first import creates tens of thousands).
func (s *Service) schoolRecords(ctx context.Context, tx Store, a *Actor, snap *engine.Snapshot, units []*OrgUnit) ([]SchoolRecord, int, error) {
	sc := &snap.Schools
	out := make([]SchoolRecord, 0, sc.Len())
	known := map[int64]map[string]bool{}
	added := 0
	for i := range sc.Len() {
		county := units[sc.Unit[i]]
		if sc.Num[engine.SESchoolFirst][i] == 1 && a.IsAdmin() {
			ok, err := s.addSchoolUnit(ctx, tx, known, county, sc.Code[i], sc.Name[i])
			if err != nil {
				return nil, 0, err
			}
			if ok {
				added++
			}
		}
		vals := make(map[string]float64, len(engine.SchoolElements))
		for e, el := range engine.SchoolElements {
			if col := sc.Num[e]; col != nil && !el.Derived && !math.IsNaN(col[i]) {
				vals[el.ID] = col[i]
			}
		}
		out = append(out, SchoolRecord{UnitID: county.ID, Period: snap.Period, Code: sc.Code[i], Name: sc.Name[i],
			Stage: sc.Stage[i].String(), Type: sc.Type[i].String(), Public: sc.Public[i], Row: int(sc.Row[i]), Values: vals})
	}
	return out, added, nil
}

// addSchoolUnit creates school code under county unless it exists, reading the
// county's schools once into known.
func (s *Service) addSchoolUnit(ctx context.Context, tx Store, known map[int64]map[string]bool, county *OrgUnit, code, name string) (bool, error) {
	codes := known[county.ID]
	if codes == nil {
		have, err := tx.Subtree(ctx, county, LevelSchool)
		if err != nil {
			return false, err
		}
		codes = make(map[string]bool, len(have))
		for _, u := range have {
			codes[u.Code] = true
		}
		known[county.ID] = codes
	}
	if codes[code] {
		return false, nil
	}
	codes[code] = true
	err := tx.CreateUnit(ctx, &OrgUnit{Code: code, Name: name, Level: LevelSchool, ParentID: county.ID})
	if ErrorKind(err) == Conflict {
		return false, Errorf(Conflict, "学校代码 %s 已属于其他区县", code)
	}
	return err == nil, err
}

func factRecords(snap *engine.Snapshot, units []*OrgUnit) []FactRecord {
	var out []FactRecord
	for u, ou := range units {
		vals := map[string]float64{}
		for e, el := range engine.UnitElements {
			if v := snap.Facts.Value(e, u); !math.IsNaN(v) {
				vals[el.ID] = v
			}
		}
		if len(vals) > 0 {
			out = append(out, FactRecord{UnitID: ou.ID, Period: snap.Period, Values: vals})
		}
	}
	return out
}

// LoadDataset builds the engine's dataset for the counties of root's subtree that
// the actor may see, for period and the period before it (for year-over-year
// metrics).
func (s *Service) LoadDataset(ctx context.Context, a *Actor, root *OrgUnit, period int) (*engine.Dataset, []OrgUnit, error) {
	if !a.CanSee(root) {
		return nil, nil, Errorf(Forbidden, "无权查看该单位")
	}
	version, err := s.Store.DataVersion(ctx)
	if err != nil {
		return nil, nil, err
	}
	key := cacheKey{root: root.ID, period: period}
	if c := s.cache.get(key, version); c != nil {
		return c.ds, c.counties, nil
	}
	ds, counties, err := s.loadDataset(ctx, root, period)
	if err != nil {
		return nil, nil, err
	}
	s.cache.put(key, &cached{version: version, ds: ds, counties: counties})
	return ds, counties, nil
}

// loadDataset reads root's counties and their data of period and the period before.
func (s *Service) loadDataset(ctx context.Context, root *OrgUnit, period int) (*engine.Dataset, []OrgUnit, error) {
	counties, err := s.Store.Subtree(ctx, root, LevelCounty)
	if err != nil {
		return nil, nil, err
	}
	return s.loadCounties(ctx, counties, period)
}

// loadCounties reads the data of the given counties of period and the period before.
func (s *Service) loadCounties(ctx context.Context, counties []OrgUnit, period int) (*engine.Dataset, []OrgUnit, error) {
	ds := &engine.Dataset{Periods: map[int]*engine.Snapshot{}}
	ids := make([]int64, len(counties))
	index := map[int64]int{}
	for i, c := range counties {
		ds.Units = append(ds.Units, engine.Unit{Code: c.Code, Name: c.Name})
		ids[i], index[c.ID] = c.ID, i
	}
	for _, per := range []int{period - 1, period} {
		snap, err := s.loadSnapshot(ctx, ids, index, per)
		if err != nil {
			return nil, nil, err
		}
		if snap != nil {
			ds.Periods[per] = snap
		}
	}
	return ds, counties, nil
}

func (s *Service) loadSnapshot(ctx context.Context, ids []int64, index map[int64]int, per int) (*engine.Snapshot, error) {
	rows, _, err := s.Store.Schools(ctx, SchoolQuery{UnitIDs: ids, Period: per, Sort: "code", Limit: math.MaxInt32})
	if err != nil {
		return nil, err
	}
	facts, err := s.Store.Facts(ctx, ids, per)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 && len(facts) == 0 {
		return nil, nil
	}
	return buildSnapshot(rows, facts, index, len(ids), per), nil
}

// buildSnapshot turns stored rows of n units (index: unit id → position) into the
// engine's snapshot of period per.
func buildSnapshot(rows []SchoolRecord, facts []FactRecord, index map[int64]int, n, per int) *engine.Snapshot {
	snap := &engine.Snapshot{Period: per}
	fillSchools(&snap.Schools, rows, index)
	snap.Facts.Num = make([][]float64, len(engine.UnitElements))
	for _, f := range facts {
		for id, v := range f.Values {
			e := engine.UnitElementIndex(id)
			if e < 0 {
				continue
			}
			if snap.Facts.Num[e] == nil {
				snap.Facts.Num[e] = nanSlice(n)
			}
			snap.Facts.Num[e][index[f.UnitID]] = v
		}
	}
	snap.Finish(n)
	return snap
}

func fillSchools(sc *engine.Schools, rows []SchoolRecord, index map[int64]int) {
	sort.SliceStable(rows, func(i, j int) bool { return index[rows[i].UnitID] < index[rows[j].UnitID] })
	sc.Num = make([][]float64, len(engine.SchoolElements))
	for i, r := range rows {
		st, _ := engine.ParseStage(r.Stage)
		ty, _ := engine.ParseSchoolType(r.Type)
		sc.Unit = append(sc.Unit, int32(index[r.UnitID]))
		sc.Code, sc.Name = append(sc.Code, r.Code), append(sc.Name, r.Name)
		sc.Stage, sc.Type, sc.Public = append(sc.Stage, st), append(sc.Type, ty), append(sc.Public, r.Public)
		sc.Row = append(sc.Row, int32(r.Row))
		for id, v := range r.Values {
			e := engine.SchoolElementIndex(id)
			if e < 0 {
				continue
			}
			if sc.Num[e] == nil {
				sc.Num[e] = nanSlice(len(rows))
			}
			sc.Num[e][i] = v
		}
	}
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// datasetCache keeps loaded datasets by subtree and period with the data version
// they were read at: every page of a county used to read its two years of schools
// again (35% of the server's time under load). A dataset is only read after loading
// (the engine never writes to it), so callers may share it. Any instance's import
// bumps the store's data version, so a stale entry is never served.
type datasetCache struct {
	mu sync.Mutex
	m  map[cacheKey]*cached
}

type cacheKey struct {
	root   int64
	period int
}

type cached struct {
	version  int64
	ds       *engine.Dataset
	counties []OrgUnit
}

// maxCached bounds the cache: a province's counties for a few years.
const maxCached = 512

func (c *datasetCache) get(k cacheKey, version int64) *cached {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[k]; e != nil && e.version == version {
		return e
	}
	return nil
}

func (c *datasetCache) put(k cacheKey, e *cached) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[cacheKey]*cached{} // simple and rare: start again
	}
	c.m[k] = e
}
