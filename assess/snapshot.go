package assess

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"

	"ziping"
	"ziping/engine"
)

// snapshotData is what a snapshot freezes: the unit's data of the period and the
// period before (for year-over-year metrics), the framework version and every score.
// It is kept as gzipped JSON.
//
// A county's snapshot holds its own rows and facts. A school's (or kindergarten's)
// holds the rows of its code, kept under its county as the store keeps them, and
// names the county in Units; a city's holds the rows and facts of its counties,
// named in Units. Level is the framework's level ("" for counties), so that the
// rows are seen as the assessed unit again (engine.Dataset.ForLevel).
type snapshotData struct {
	Framework string                `json:"framework"`
	Version   string                `json:"version"`
	Level     string                `json:"level,omitempty"`
	Unit      ziping.OrgUnit        `json:"unit"`
	Units     []ziping.OrgUnit      `json:"units,omitempty"` // the counties holding the rows; none: Unit
	Period    int                   `json:"period"`
	Schools   []ziping.SchoolRecord `json:"schools"`
	Facts     []ziping.FactRecord   `json:"facts"`
	Scores    []ziping.PointScore   `json:"scores"`
}

// frozenData is a snapshot ready to evaluate.
type frozenData struct {
	ds   *engine.Dataset
	self map[string]ziping.PointScore
}

// snapshotCache keeps decoded snapshots: a snapshot never changes.
type snapshotCache struct {
	mu sync.Mutex
	m  map[int64]*frozenData
}

// freeze writes a snapshot of stage for the assessment and points it at it. The
// data comes from the store when the unit has just submitted, and is carried over
// from the submitted snapshot when the reviewer accepts (v given).
func (s *Service) freeze(ctx context.Context, tx Store, a *ziping.Actor, as *ziping.Assessment, u *ziping.OrgUnit, stage string, v *AssessmentView) error {
	sd := &snapshotData{Framework: as.Framework, Version: as.FrameworkVersion, Unit: *u, Period: as.Period}
	prog, err := s.Program(ctx, as.Framework, as.FrameworkVersion)
	if err != nil {
		return err
	}
	if lv := prog.FW.Level; lv != engine.LevelCounty {
		sd.Level = lv
	}
	if v != nil && as.SnapshotID != 0 {
		prev, err := tx.Snapshot(ctx, as.SnapshotID)
		if err != nil {
			return err
		}
		if err := decodeSnapshot(prev.Data, sd); err != nil {
			return err
		}
	} else if err := s.snapshotRows(ctx, tx, u, as.Period, sd); err != nil {
		return err
	}
	if sd.Scores, err = tx.PointScores(ctx, as.ID); err != nil {
		return err
	}
	data, err := encodeSnapshot(sd)
	if err != nil {
		return err
	}
	snap := &ziping.Snapshot{AssessmentID: as.ID, Stage: stage, Round: as.Round, Data: data, CreatedBy: a.UserID(), CreatedAt: s.now()}
	if err := tx.CreateSnapshot(ctx, snap); err != nil {
		return err
	}
	as.SnapshotID = snap.ID
	return nil
}

// snapshotRows reads into sd the rows (and facts) unit u is evaluated on, of the
// period and the period before: a county's, a school's under its county, a city's
// counties'.
func (s *Service) snapshotRows(ctx context.Context, tx Store, u *ziping.OrgUnit, period int, sd *snapshotData) error {
	ids := []int64{u.ID}
	switch u.Level {
	case ziping.LevelSchool:
		county, err := tx.Unit(ctx, u.ParentID)
		if err != nil {
			return err
		}
		sd.Units, ids = []ziping.OrgUnit{*county}, []int64{county.ID}
	case ziping.LevelCity, ziping.LevelProvince:
		counties, err := tx.Subtree(ctx, u, ziping.LevelCounty)
		if err != nil {
			return err
		}
		sd.Units, ids = counties, nil
		for _, c := range counties {
			ids = append(ids, c.ID)
		}
	}
	for _, per := range []int{period - 1, period} {
		rows, _, err := tx.Schools(ctx, ziping.SchoolQuery{UnitIDs: ids, Period: per, Search: schoolSearch(u), Sort: "code", Limit: math.MaxInt32})
		if err != nil {
			return err
		}
		if u.Level == ziping.LevelSchool {
			rows = slices.DeleteFunc(rows, func(r ziping.SchoolRecord) bool { return r.Code != u.Code })
			sd.Schools = append(sd.Schools, rows...)
			continue // a school has no facts: those are its county's
		}
		facts, err := tx.Facts(ctx, ids, per)
		if err != nil {
			return err
		}
		sd.Schools, sd.Facts = append(sd.Schools, rows...), append(sd.Facts, facts...)
	}
	return nil
}

// schoolSearch narrows the rows read for a school's snapshot to those matching its
// code (the exact code is kept after).
func schoolSearch(u *ziping.OrgUnit) string {
	if u.Level == ziping.LevelSchool {
		return u.Code
	}
	return ""
}

func encodeSnapshot(sd *snapshotData) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(sd); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeSnapshot(data []byte, sd *snapshotData) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("decode snapshot: %w", err)
	}
	if err := json.NewDecoder(io.LimitReader(zr, 1<<30)).Decode(sd); err != nil {
		return fmt.Errorf("decode snapshot: %w", err)
	}
	return nil
}

// frozen returns snapshot id decoded into a one-unit dataset and the self scores.
func (s *Service) frozen(ctx context.Context, st Store, id int64) (*frozenData, error) {
	if s.snaps != nil {
		s.snaps.mu.Lock()
		f := s.snaps.m[id]
		s.snaps.mu.Unlock()
		if f != nil {
			return f, nil
		}
	}
	snap, err := st.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	var sd snapshotData
	if err := decodeSnapshot(snap.Data, &sd); err != nil {
		return nil, err
	}
	f := &frozenData{ds: datasetOf(&sd), self: map[string]ziping.PointScore{}}
	for _, ps := range sd.Scores {
		if ps.Side == ziping.SideSelf {
			f.self[ps.Code] = ps
		}
	}
	if s.snaps != nil {
		s.snaps.mu.Lock()
		if s.snaps.m == nil || len(s.snaps.m) >= maxCached {
			s.snaps.m = map[int64]*frozenData{}
		}
		s.snaps.m[id] = f
		s.snaps.mu.Unlock()
	}
	return f, nil
}

// datasetOf rebuilds from a snapshot the engine's dataset of its unit, seen at the
// framework's level.
func datasetOf(sd *snapshotData) *engine.Dataset {
	units := sd.Units
	if len(units) == 0 {
		units = []ziping.OrgUnit{sd.Unit}
	}
	ds := &engine.Dataset{Periods: map[int]*engine.Snapshot{}}
	index := map[int64]int{}
	for i, u := range units {
		eu := engine.Unit{Code: u.Code, Name: u.Name}
		if sd.Level == engine.LevelCity {
			eu.ParentCode, eu.ParentName = sd.Unit.Code, sd.Unit.Name
		}
		ds.Units, index[u.ID] = append(ds.Units, eu), i
	}
	for _, per := range []int{sd.Period - 1, sd.Period} {
		var rows []ziping.SchoolRecord
		var facts []ziping.FactRecord
		for _, r := range sd.Schools {
			if r.Period == per {
				rows = append(rows, r)
			}
		}
		for _, f := range sd.Facts {
			if f.Period == per {
				facts = append(facts, f)
			}
		}
		if len(rows) > 0 || len(facts) > 0 || per == sd.Period {
			ds.Periods[per] = ziping.BuildSnapshot(rows, facts, index, len(units), per)
		}
	}
	return ds.ForLevel(sd.Level)
}
