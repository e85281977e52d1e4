package assess

import (
	"context"
	"slices"
	"sync"

	"ziping"
	"ziping/engine"
)

// The units a framework evaluates (engine.Framework.Level) and the data they are
// evaluated on. The store keeps every school row under its county, and a school is
// a unit of level school under its county in the org tree (a kindergarten too: its
// rows have 学段 幼儿园). So every level loads counties and looks at them as the
// framework's units (engine.Dataset.ForLevel):
//
//   - county: the county's own data;
//   - school, kindergarten: the county's rows as one unit per school code, of which
//     the assessed unit is the one with its code;
//   - city: the city's counties as one unit.

// orgLevel is the level of the org tree whose units a framework of level assesses.
func orgLevel(level string) string {
	switch level {
	case engine.LevelSchool, engine.LevelKindergarten:
		return ziping.LevelSchool
	case engine.LevelCity:
		return ziping.LevelCity
	}
	return ziping.LevelCounty
}

// dataRoot is the unit whose subtree holds u's rows: a school's county, else u.
func dataRoot(ctx context.Context, st Reader, u *ziping.OrgUnit) (*ziping.OrgUnit, error) {
	if u.Level != ziping.LevelSchool {
		return u, nil
	}
	return st.Unit(ctx, u.ParentID)
}

// loadUnitData loads the data unit u is evaluated on by a framework of level, for
// period and the period before.
func (s *Service) loadUnitData(ctx context.Context, st Reader, u *ziping.OrgUnit, level string, period int) (*engine.Dataset, error) {
	root, err := dataRoot(ctx, st, u)
	if err != nil {
		return nil, err
	}
	ds, _, err := s.Data.LoadDataset(ctx, ziping.System, root, period)
	if err != nil {
		return nil, err
	}
	return s.atLevel(ds, level), nil
}

// levelCache keeps datasets seen at a level by the dataset they come from: the
// loaded datasets are shared and never change, and a page of a school would
// otherwise regroup its county's rows on every view.
type levelCache struct {
	mu sync.Mutex
	m  map[levelKey]*engine.Dataset
}

type levelKey struct {
	ds    *engine.Dataset
	level string
}

// atLevel is ds as the units of a framework of level (ds itself for counties).
func (s *Service) atLevel(ds *engine.Dataset, level string) *engine.Dataset {
	if level == engine.LevelCounty || level == "" {
		return ds
	}
	c := s.levels
	if c == nil {
		return ds.ForLevel(level)
	}
	k := levelKey{ds, level}
	c.mu.Lock()
	out := c.m[k]
	c.mu.Unlock()
	if out != nil {
		return out
	}
	out = ds.ForLevel(level)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[levelKey]*engine.Dataset{}
	}
	c.m[k] = out
	c.mu.Unlock()
	return out
}

// checkLevel refuses to assess u against a framework of another level: a county
// against a school framework, a kindergarten against a framework of schools, or a
// school the framework's scope leaves out (a senior high school in a framework of
// compulsory schools). What the data cannot say yet (no rows of the period) is left
// to the readiness check.
func (s *Service) checkLevel(ctx context.Context, prog *engine.Program, u *ziping.OrgUnit, period int) error {
	fw := prog.FW
	level := fw.Level
	if level == "" {
		level = engine.LevelCounty
	}
	if u.Level != orgLevel(level) {
		return ziping.Errorf(ziping.Invalid, "《%s》评价的是%s，「%s」是%s", fw.Name, engine.UnitNoun(level), u.Name, levelWord(u.Level))
	}
	if u.Level != ziping.LevelSchool {
		return nil
	}
	root, err := dataRoot(ctx, s.Store, u)
	if err != nil {
		return err
	}
	county, _, err := s.Data.LoadDataset(ctx, ziping.System, root, period)
	if err != nil || county.Periods[period] == nil {
		return err
	}
	ds := s.atLevel(county, level)
	idx := ds.UnitIndex(u.Code)
	if idx < 0 {
		other := engine.LevelKindergarten
		if level == engine.LevelKindergarten {
			other = engine.LevelSchool
		}
		if s.atLevel(county, other).UnitIndex(u.Code) >= 0 {
			return ziping.Errorf(ziping.Invalid, "《%s》评价的是%s，「%s」是%s", fw.Name, engine.UnitNoun(level), u.Name, engine.UnitNoun(other))
		}
		return nil
	}
	if fw.Scope != "" && !slices.Contains(prog.InScope(ds, period), idx) {
		return ziping.Errorf(ziping.Invalid, "「%s」不在%s的评价范围内（%s）", u.Name, fw.Name, scopeName(fw))
	}
	return nil
}

// scopeName names the filter of the framework's scope: 「义务教育学校」.
func scopeName(fw *engine.Framework) string {
	for _, f := range fw.Filters {
		if f.ID == fw.Scope && f.Name != "" {
			return "限" + f.Name
		}
	}
	return "限" + fw.Scope
}
