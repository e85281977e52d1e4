package dataset

import (
	"context"
	"fmt"
	"math"
	"sync"

	"golang.org/x/sync/singleflight"

	"ziping/engine"

	"ziping"
)

// LoadDataset builds the engine's dataset for the counties of root's subtree that
// the actor may see, for period and the period before it (for year-over-year
// metrics).
func (s *Service) LoadDataset(ctx context.Context, a *ziping.Actor, root *ziping.OrgUnit, period int) (*engine.Dataset, []ziping.OrgUnit, error) {
	if !a.CanSee(root) {
		return nil, nil, ziping.Errorf(ziping.Forbidden, "无权查看该单位")
	}
	version, err := s.Store.DataVersion(ctx)
	if err != nil {
		return nil, nil, err
	}
	if s.cache == nil {
		return s.loadDataset(ctx, root, period)
	}
	key := cacheKey{root: root.ID, period: period}
	if c := s.cache.get(key, version); c != nil {
		return c.ds, c.counties, nil
	}
	// After an import every page asks for its data again at once: the requests for one
	// subtree, period and version share one read instead of each reading it (a
	// province's 40,000 rows read by every waiting ranking page, side by side).
	flight := fmt.Sprintf("%d/%d/%d", root.ID, period, version)
	v, err, _ := s.cache.flights.Do(flight, func() (any, error) {
		if c := s.cache.get(key, version); c != nil {
			return c, nil
		}
		ds, counties, err := s.loadDataset(context.WithoutCancel(ctx), root, period)
		if err != nil {
			return nil, err
		}
		c := &cached{version: version, ds: ds, counties: counties}
		s.cache.put(key, c)
		return c, nil
	})
	if err != nil {
		return nil, nil, err
	}
	c := v.(*cached)
	return c.ds, c.counties, nil
}

// loadDataset reads root's counties and their data of period and the period before.
func (s *Service) loadDataset(ctx context.Context, root *ziping.OrgUnit, period int) (*engine.Dataset, []ziping.OrgUnit, error) {
	counties, err := s.Store.Subtree(ctx, root, ziping.LevelCounty)
	if err != nil {
		return nil, nil, err
	}
	return s.LoadCounties(ctx, counties, period)
}

// LoadCounties reads the data of the given counties of period and the period before,
// uncached and for no actor: a recompute of those counties reads them afresh.
func (s *Service) LoadCounties(ctx context.Context, counties []ziping.OrgUnit, period int) (*engine.Dataset, []ziping.OrgUnit, error) {
	ds := &engine.Dataset{Periods: map[int]*engine.Snapshot{}}
	ids := make([]int64, len(counties))
	index := map[int64]int{}
	parents := map[int64]*ziping.OrgUnit{}
	for i, c := range counties {
		eu := engine.Unit{Code: c.Code, Name: c.Name}
		// The city of each county, so that a city's framework sees the city as its unit.
		p, ok := parents[c.ParentID]
		if !ok && c.ParentID != 0 {
			var err error
			if p, err = s.Store.Unit(ctx, c.ParentID); err != nil {
				return nil, nil, err
			}
			parents[c.ParentID] = p
		}
		if p != nil {
			eu.ParentCode, eu.ParentName = p.Code, p.Name
		}
		ds.Units = append(ds.Units, eu)
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
	rows, _, err := s.Store.Schools(ctx, ziping.SchoolQuery{UnitIDs: ids, Period: per, Sort: "code", Limit: math.MaxInt32})
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
	return ziping.BuildSnapshot(rows, facts, index, len(ids), per), nil
}

// datasetCache keeps loaded datasets by subtree and period with the data version
// they were read at: every page of a county used to read its two years of schools
// again (35% of the server's time under load). A dataset is only read after loading
// (the engine never writes to it), so callers may share it. Any instance's import
// bumps the store's data version, so a stale entry is never served.
type datasetCache struct {
	mu      sync.Mutex
	m       map[cacheKey]*cached
	flights singleflight.Group
}

type cacheKey struct {
	root   int64
	period int
}

type cached struct {
	version  int64
	ds       *engine.Dataset
	counties []ziping.OrgUnit
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
