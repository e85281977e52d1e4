package dataset

import (
	"context"
	"strings"

	"ziping/engine"

	"ziping"
)

// datasetRows counts the school rows of every period of ds.
func datasetRows(ds *engine.Dataset) int {
	n := 0
	for _, snap := range ds.Periods {
		n += snap.Schools.Len()
	}
	return n
}

// checkOwners holds every school row of ds to the org tree: a school that belongs to
// another unit than the county its row names (its school unit's parent, or else the
// unit of its stored rows) is an error for that cell, whoever imports. Only
// MoveSchool moves a school between units.
func (s *Service) checkOwners(ctx context.Context, tx Store, ds *engine.Dataset, units []*ziping.OrgUnit, src ImportSource) error {
	rowCounty := map[string]*ziping.OrgUnit{}
	rowOf := map[string]int{}
	var codes []string
	for _, per := range ds.PeriodList() {
		sc := &ds.Periods[per].Schools
		for i := range sc.Len() {
			code := sc.Code[i]
			if _, ok := rowCounty[code]; !ok {
				rowCounty[code], rowOf[code] = units[sc.Unit[i]], int(sc.Row[i])
				codes = append(codes, code)
			}
		}
	}
	owners, err := tx.SchoolOwners(ctx, codes)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	var cells []ziping.CellError
	for _, code := range codes {
		owner, ok := owners[code]
		county := rowCounty[code]
		if !ok || owner == county.ID {
			continue
		}
		if _, ok := names[owner]; !ok {
			names[owner] = unitName(ctx, tx, owner)
		}
		c, ok := ziping.CellError{}, false
		if src.Locate != nil {
			c, ok = src.Locate(code)
		}
		if !ok {
			c = ziping.CellError{File: src.File, Row: rowOf[code], Column: "学校代码", Value: code}
		}
		c.Reason = "学校代码" + code + "属于" + names[owner] + "，不能由" + county.Name + "导入（学校调整所属单位须由管理员办理）"
		cells = append(cells, c)
		if len(cells) == maxCheckedCells {
			break
		}
	}
	if len(cells) > 0 {
		return &ziping.ImportError{Cells: cells}
	}
	return nil
}

// unitName is a unit's name for a message, its id when it cannot be read.
func unitName(ctx context.Context, st Store, id int64) string {
	u, err := st.Unit(ctx, id)
	if err != nil {
		return "其他单位"
	}
	return u.Name
}

// CheckImport tells what a preview can before anything is written: the per-cell
// and per-file limits, who may import which units, and the schools that belong to
// another unit. ImportDataset checks all of it again, in its transaction.
func (s *Service) CheckImport(ctx context.Context, a *ziping.Actor, ds *engine.Dataset, src ImportSource) error {
	if err := s.checkDataset(ds, src); err != nil {
		return err
	}
	units := make([]*ziping.OrgUnit, len(ds.Units))
	var denied []string
	for i, du := range ds.Units {
		u, err := s.Store.UnitByCode(ctx, du.Code)
		switch {
		case ziping.IsNotFound(err) && a.IsAdmin():
			// A county the import would create: no school can belong to it yet.
			units[i] = &ziping.OrgUnit{ID: -1 - int64(i), Code: du.Code, Name: du.Name, Level: ziping.LevelCounty}
			continue
		case ziping.IsNotFound(err):
			return ziping.Errorf(ziping.Forbidden, "单位 %s（%s）不在系统中，请联系管理员先建立", du.Code, du.Name)
		case err != nil:
			return err
		}
		if !a.CanEdit(u) && !s.editsOnlyOwnSchools(a, ds, i) {
			denied = append(denied, du.Code+" "+du.Name)
		}
		units[i] = u
	}
	if len(denied) > 0 {
		return ziping.Errorf(ziping.Forbidden, "无权导入以下区县的数据：%s", strings.Join(denied, "、"))
	}
	return s.checkOwners(ctx, s.Store, ds, units, src)
}
