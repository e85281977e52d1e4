package xlsx

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"ziping/engine"
)

// dupShards is how many independent maps the duplicate check uses: smaller maps
// stay in cache and run on every core.
const dupShards = 8

// rowRef is an emitted row: a school part (by index) and a row within it.
type rowRef struct{ part, row int32 }

// dupHit is a row whose code, period and stage an earlier row already had.
type dupHit struct{ later, first rowRef }

// duplicateSchools reports a school code given twice for one stage and period. A
// combined row is checked as the stages it was split into. The fingerprints made
// while parsing are spread over shards; within a shard rows are seen in source
// order, so the first row of a pair is the earlier one.
func (r *reader) duplicateSchools() {
	var parts []*schoolPart
	total := 0
	for _, t := range r.tables {
		parts = append(parts, t.schools...)
		for _, p := range t.schools {
			total += len(p.fp)
		}
	}
	hits := make([][]dupHit, dupShards)
	var next atomic.Int32
	var wg sync.WaitGroup
	for range min(dupShards, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for s := next.Add(1) - 1; s < dupShards; s = next.Add(1) - 1 {
				hits[s] = findDuplicates(parts, uint64(s), total/dupShards)
			}
		})
	}
	wg.Wait()
	reported := map[rowRef]bool{}
	for _, hs := range hits {
		for _, h := range hs {
			p, first := parts[h.later.part], parts[h.first.part]
			src := rowRef{h.later.part, p.srcRow[h.later.row]}
			if reported[src] {
				continue // the other stage of the same combined row
			}
			reported[src] = true
			code, st := p.code(int(h.later.row)), p.stage[h.later.row]
			p.bad(int(src.row), p.lay.text[tfSchoolCode], code, "与"+first.t.where(int(first.srcRow[h.first.row]), p.t)+
				fmt.Sprintf("重复（同一年度同一学段（%s）的学校代码不能重复）", st))
		}
	}
}

// schoolKey is what must be unique among school rows.
type schoolKey struct {
	code   string
	period int32
	stage  engine.Stage
}

func (p *schoolPart) key(i int) schoolKey {
	return schoolKey{p.code(i), p.period[i], p.stage[i]}
}

// code is the school code of emitted row i.
func (p *schoolPart) code(i int) string {
	sp := p.txt[i]
	return p.str[sp.lo:sp.mid]
}

// findDuplicates checks the rows whose fingerprint falls in shard. Rows with an
// unknown stage or no code were reported already and are skipped.
func findDuplicates(parts []*schoolPart, shard uint64, size int) []dupHit {
	seen := make(map[uint64]rowRef, size+size/8)
	var exact map[schoolKey]rowRef // rows whose fingerprint collided with another key
	var hits []dupHit
	for pi, p := range parts {
		for i, fp := range p.fp {
			if fp%dupShards != shard || p.stage[i] == engine.StageNone || p.txt[i].lo == p.txt[i].mid {
				continue
			}
			ref := rowRef{int32(pi), int32(i)}
			first, ok := seen[fp]
			if !ok {
				seen[fp] = ref
				continue
			}
			k := p.key(i)
			if parts[first.part].key(int(first.row)) == k {
				hits = append(hits, dupHit{ref, first})
				continue
			}
			if exact == nil {
				exact = map[schoolKey]rowRef{}
			}
			if first, ok := exact[k]; ok {
				hits = append(hits, dupHit{ref, first})
			} else {
				exact[k] = ref
			}
		}
	}
	return hits
}
