package assess

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sync"

	"ziping"
	"ziping/engine"
)

// snapshotData is what a snapshot freezes: the unit's data of the period and the
// period before (for year-over-year metrics), the framework version and every score.
// It is kept as gzipped JSON.
type snapshotData struct {
	Framework string                `json:"framework"`
	Version   string                `json:"version"`
	Unit      ziping.OrgUnit        `json:"unit"`
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
	var err error
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

func (s *Service) snapshotRows(ctx context.Context, tx Store, u *ziping.OrgUnit, period int, sd *snapshotData) error {
	for _, per := range []int{period - 1, period} {
		rows, _, err := tx.Schools(ctx, ziping.SchoolQuery{UnitIDs: []int64{u.ID}, Period: per, Sort: "code", Limit: math.MaxInt32})
		if err != nil {
			return err
		}
		facts, err := tx.Facts(ctx, []int64{u.ID}, per)
		if err != nil {
			return err
		}
		sd.Schools, sd.Facts = append(sd.Schools, rows...), append(sd.Facts, facts...)
	}
	return nil
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

// datasetOf rebuilds the engine's dataset of one unit from a snapshot.
func datasetOf(sd *snapshotData) *engine.Dataset {
	ds := &engine.Dataset{Units: []engine.Unit{{Code: sd.Unit.Code, Name: sd.Unit.Name}}, Periods: map[int]*engine.Snapshot{}}
	index := map[int64]int{sd.Unit.ID: 0}
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
			ds.Periods[per] = ziping.BuildSnapshot(rows, facts, index, 1, per)
		}
	}
	return ds
}
