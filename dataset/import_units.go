package dataset

import (
	"context"
	"math"
	"strings"

	"ziping"
	"ziping/engine"
)

// The org units an import maps its rows to: counties (and their cities) created
// for an admin, school units for every school an admin brings, and who may import
// which unit.

// newSchool is a school unit an admin's import creates.
type newSchool struct {
	county     *ziping.OrgUnit
	code, name string
	per        *periodRows
}

// newSchools lists the school units to create: an admin's import gives every school
// it brings a unit, so that its own users can be given one.
func (r *importRun) newSchools() []newSchool {
	if !r.a.IsAdmin() {
		return nil
	}
	seen := map[string]bool{}
	var out []newSchool
	for _, p := range r.pers {
		sc := &p.snap.Schools
		for i := range sc.Len() {
			if code := sc.Code[i]; !seen[code] {
				seen[code] = true
				out = append(out, newSchool{county: r.units[sc.Unit[i]], code: code, name: sc.Name[i], per: p})
			}
		}
	}
	return out
}

// addSchools creates the school units of list that do not exist yet, each county's
// schools read once, and audits them in one entry (a province's first import
// creates tens of thousands).
func (r *importRun) addSchools(ctx context.Context, tx Store, list []newSchool) error {
	known := map[int64]map[string]bool{}
	var codes []string
	for _, ns := range list {
		ok, err := addSchoolUnit(ctx, tx, known, ns.county, ns.code, ns.name)
		if err != nil {
			return err
		}
		if ok {
			ns.per.added++
			codes = append(codes, ns.code)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	return r.s.audit(ctx, tx, r.a, "unit_add", "units:school", 0, nil, map[string]any{"level": ziping.LevelSchool, "codes": codes})
}

// importUnits maps every dataset unit to its org unit, creating what is missing,
// and checks that the actor may edit each unit and school.
func (s *Service) importUnits(ctx context.Context, tx Store, a *ziping.Actor, ds *engine.Dataset) ([]*ziping.OrgUnit, error) {
	out := make([]*ziping.OrgUnit, len(ds.Units))
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
		return nil, ziping.Errorf(ziping.Forbidden, "无权导入以下区县的数据：%s", strings.Join(denied, "、"))
	}
	return out, nil
}

// editsOnlyOwnSchools: a school's filler may import its own school's rows.
func (s *Service) editsOnlyOwnSchools(a *ziping.Actor, ds *engine.Dataset, unit int) bool {
	if a.User == nil || a.User.Role != ziping.RoleFiller || a.Scope == nil || a.Scope.Level != ziping.LevelSchool {
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

func (s *Service) ensureCounty(ctx context.Context, tx Store, a *ziping.Actor, du engine.Unit) (*ziping.OrgUnit, error) {
	u, err := tx.UnitByCode(ctx, du.Code)
	if err == nil || ziping.ErrorKind(err) != ziping.NotFound {
		return u, err
	}
	if !a.IsAdmin() {
		return nil, ziping.Errorf(ziping.Forbidden, "单位 %s（%s）不在系统中，请联系管理员先建立", du.Code, du.Name)
	}
	province, err := tx.UnitByCode(ctx, du.Code[:2]+"0000")
	if err != nil {
		return nil, ziping.Errorf(ziping.Invalid, "系统中没有省级单位 %s0000，请先用 ziping unit add 建立", du.Code[:2])
	}
	parent := province
	cityCode := du.ParentCode
	if cityCode == "" {
		cityCode = du.Code[:4] + "00"
	}
	if cityCode != province.Code {
		if parent, err = s.ensureChild(ctx, tx, a, province, cityCode, du.ParentName, ziping.LevelCity); err != nil {
			return nil, err
		}
	}
	return s.ensureChild(ctx, tx, a, parent, du.Code, du.Name, ziping.LevelCounty)
}

func (s *Service) ensureChild(ctx context.Context, tx Store, a *ziping.Actor, parent *ziping.OrgUnit, code, name, level string) (*ziping.OrgUnit, error) {
	u, err := tx.UnitByCode(ctx, code)
	if err == nil || ziping.ErrorKind(err) != ziping.NotFound {
		return u, err
	}
	if name == "" {
		name = code
	}
	u = &ziping.OrgUnit{Code: code, Name: name, Level: level, ParentID: parent.ID}
	if err := tx.CreateUnit(ctx, u); err != nil {
		return nil, err
	}
	return u, s.audit(ctx, tx, a, "unit_add", "unit:"+code, u.ID, nil, map[string]string{"code": code, "name": name, "level": level})
}

// addSchoolUnit creates school code under county unless it exists, reading the
// county's schools once into known.
func addSchoolUnit(ctx context.Context, tx Store, known map[int64]map[string]bool, county *ziping.OrgUnit, code, name string) (bool, error) {
	codes := known[county.ID]
	if codes == nil {
		have, err := tx.Subtree(ctx, county, ziping.LevelSchool)
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
	err := tx.CreateUnit(ctx, &ziping.OrgUnit{Code: code, Name: name, Level: ziping.LevelSchool, ParentID: county.ID})
	if ziping.ErrorKind(err) == ziping.Conflict {
		return false, ziping.Errorf(ziping.Conflict, "学校代码 %s 已属于其他区县", code)
	}
	return err == nil, err
}
