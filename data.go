package ziping

import (
	"context"
	"math"
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
	return BuildSnapshot(rows, facts, index, len(ids), per), nil
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
