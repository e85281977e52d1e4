package xlsx

import (
	"hash/maphash"

	"ziping/engine"
)

// role says how an element of a combined school is divided between its stages.
type role uint8

const (
	roleCopy          role = iota // percentages and signed numbers: every stage gets the value
	roleStudents                  // 在校生数: the stage's own students
	rolePrimary                   // 小学在校生数 …
	roleJunior                    // 初中在校生数 …
	roleSenior                    // 高中在校生数: the stage's students in its own column, 0 elsewhere
	roleFacility                  // amounts split by the weighted shares of DOMAIN.md §2.2
	roleShare                     // other amounts: split by plain student shares
	roleFacilityWhole             // counts split by the weighted shares, in whole numbers
	roleShareWhole                // other counts: split by plain student shares, in whole numbers
)

// roleOf returns the role of school element e.
func roleOf(e int) role {
	switch e {
	case engine.SEStudents:
		return roleStudents
	case engine.SEStudentsPrimary:
		return rolePrimary
	case engine.SEStudentsJunior:
		return roleJunior
	case engine.SEStudentsSenior:
		return roleSenior
	}
	el := &engine.SchoolElements[e]
	switch {
	case el.Facility && el.Kind == engine.KindCount:
		return roleFacilityWhole
	case el.Facility:
		return roleFacility
	case el.Kind == engine.KindCount:
		return roleShareWhole
	case el.Kind == engine.KindAmount:
		return roleShare
	}
	return roleCopy
}

// emit appends the rows of source row n: itself, or one row per stage of a combined
// school. A row with errors is still emitted (with meaningless numbers) so that
// duplicate and county checks can name it too; nothing is built from it.
func (p *schoolPart) emit(n int, r *schoolRow, ok bool) {
	sp := p.addText(r.code, r.name)
	if !r.kind.combined() {
		p.push(n, r, sp, r.kind.stage(), -1, 1, 1)
		return
	}
	stages := r.kind.stages()
	var stu [3]float64
	total := 0.0
	for s, e := range studentCols {
		if stages[s] {
			stu[s] = 1 // a bad row gets every stage of its type
			if ok {
				stu[s] = p.vals[e]
			}
			total += stu[s]
		}
	}
	var sh, fs [3]float64 // plain and facility shares
	if total == 0 {
		// A school without students keeps everything in its first stage, so that
		// it still appears once.
		first := 0
		for !stages[first] {
			first++
		}
		sh[first], fs[first] = 1, 1
	} else {
		fs[0], fs[1], fs[2] = p.t.weights.Shares(r.kind.schoolType(), stu[0], stu[1], stu[2])
		for s := range stu {
			if stu[s] > 0 {
				sh[s] = stu[s] / total
			}
		}
	}
	p.apportion(&sh, &fs)
	for s := range sh {
		if sh[s] > 0 {
			p.push(n, r, sp, engine.Stage(s+1), s, sh[s], fs[s])
		}
	}
}

// apportion splits the counts of the current (combined) row between its stages in
// whole numbers, into p.parts: each on its own by the largest-remainder method of
// engine.Apportion, on the plain shares sh or, for a facility, the weighted shares
// fs. Counts that belong together must then agree: a stage's class-size bands must
// add up to its classes, and no stage may have more 持证 (骨干 …) teachers than
// teachers. Where they do not, the bands are split again within the stages' classes
// and a kind of teacher within the stages' teachers (engine.ApportionWithin). Where
// even that cannot be done (bands not all given, a kind of teacher larger than
// 专任教师数) the split on its own stands.
func (p *schoolPart) apportion(sh, fs *[3]float64) {
	for _, k := range p.wholeK {
		shares := sh
		if p.roles[k] == roleFacilityWhole {
			shares = fs
		}
		if v := p.vals[p.lay.nums[k].elem]; v != 0 {
			p.parts[k], _ = engine.Apportion(v, *shares)
		} else {
			p.parts[k] = [3]float64{}
		}
	}
	var counts [nBands]float64
	var out [nBands][3]float64
	if p.classesK >= 0 && p.bandsK[0] >= 0 {
		var sum [3]float64
		for _, k := range p.bandsK {
			sum[0], sum[1], sum[2] = sum[0]+p.parts[k][0], sum[1]+p.parts[k][1], sum[2]+p.parts[k][2]
		}
		if sum != p.parts[p.classesK] {
			for i, k := range p.bandsK {
				counts[i] = p.vals[p.lay.nums[k].elem]
			}
			if engine.ApportionWithin(counts[:], *sh, p.parts[p.classesK], out[:]) {
				for i, k := range p.bandsK {
					p.parts[k] = out[i]
				}
			}
		}
	}
	if p.teachersK < 0 {
		return
	}
	t, tp := p.vals[p.lay.nums[p.teachersK].elem], &p.parts[p.teachersK]
	for _, k := range p.subsK {
		sub, sp := p.vals[p.lay.nums[k].elem], &p.parts[k]
		if !(sub <= t) || (sp[0] <= tp[0] && sp[1] <= tp[1] && sp[2] <= tp[2]) {
			continue
		}
		counts[0], counts[1] = sub, t-sub
		if engine.ApportionWithin(counts[:2], *sh, *tp, out[:2]) {
			*sp = out[0]
		}
	}
}

// addText stores a row's code and name in the chunk's arena.
func (p *schoolPart) addText(code, name string) span {
	lo := int32(len(p.arena))
	p.arena = append(p.arena, code...)
	mid := int32(len(p.arena))
	p.arena = append(p.arena, name...)
	return span{lo, mid, int32(len(p.arena))}
}

// push appends one emitted row. split is the stage index of a combined school's
// part (-1 for a plain row); share and fshare are its plain and facility shares.
func (p *schoolPart) push(n int, r *schoolRow, sp span, st engine.Stage, split int, share, fshare float64) {
	p.txt = append(p.txt, sp)
	p.countyID = append(p.countyID, r.county)
	p.stage = append(p.stage, st)
	p.typ = append(p.typ, r.typ)
	p.public = append(p.public, r.public)
	p.period = append(p.period, r.period)
	p.srcRow = append(p.srcRow, int32(n))
	p.fp = append(p.fp, fingerprint(p.t.seed, r.code, r.period, st))
	p.notePeriod(r.period)
	for k := range p.lay.nums {
		e := p.lay.nums[k].elem // not the whole numField: this loop runs for every cell
		v := p.vals[e]
		if rl := p.roles[k]; rl >= roleFacilityWhole && split >= 0 {
			v = p.parts[k][split] // counts: whole numbers, see apportion
		} else if split >= 0 || (rl >= rolePrimary && rl <= roleSenior && !p.have[e]) {
			v = p.divide(rl, v, st, split, share, fshare)
		}
		p.num[e] = append(p.num[e], v)
	}
}

// divide is the part of value v (of an element with role rl) that goes to the row
// of stage st: a split stage of a combined school, or a plain row whose per-stage
// student cell was left empty.
func (p *schoolPart) divide(rl role, v float64, st engine.Stage, split int, share, fshare float64) float64 {
	switch rl {
	case roleStudents:
		if split >= 0 {
			return p.vals[studentCols[split]]
		}
	case rolePrimary, roleJunior, roleSenior:
		if int(rl-rolePrimary)+1 != int(st) {
			return 0
		}
		return p.divide(roleStudents, p.vals[engine.SEStudents], st, split, share, fshare)
	case roleFacility:
		return v * fshare
	case roleShare:
		return v * share
	}
	return v
}

// fingerprint hashes what makes a school row unique within an import: its code,
// period and stage. Equal fingerprints are compared in full.
func fingerprint(seed maphash.Seed, code string, period int32, st engine.Stage) uint64 {
	h := maphash.String(seed, code)
	return h ^ (uint64(uint32(period))<<8|uint64(st))*0x9E3779B97F4A7C15
}

// nBands is the number of class-size bands (engine.ClassBands).
const nBands = 5
