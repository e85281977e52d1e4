package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// countyKind is the kind of a county-level unit. It decides the name suffix, the code
// range and how urban the schools are.
type countyKind uint8

const (
	kindDistrict countyKind = iota // 市辖区
	kindCounty                     // 县
	kindCity                       // 县级市
)

var kindSuffix = [...]string{"区", "县", "市"}

// kindCodes are the ranges of the last two code digits, as in the national division
// codes: districts 02–20, counties 21–80, county-level cities 81–99.
var kindCodes = [...][2]int{{2, 20}, {21, 80}, {81, 99}}

// Limits that follow from the code widths: two digits for the city, two for the
// county (98 usable values) and four for a school within its county.
const (
	maxCities           = 99
	maxCountiesPerCity  = 98
	maxCounties         = maxCities * maxCountiesPerCity
	maxSchoolsPerCounty = 9999
)

// county is one county-level unit of the generated province.
type county struct {
	code, name         string
	cityCode, cityName string
	kind               countyKind
	schools            int
	missing            uint32 // bit per fact left empty in the last period
}

// layout draws the cities and counties: codes, unique names, kinds, the number of
// schools of each county and the facts left missing.
func layout(cfg Config, r *rand.Rand) []county {
	nCities := min(max((cfg.Counties+9)/10, 1), maxCities)
	perCity := apportion(cfg.Counties, weights(r, nCities, 0.3), 1, maxCountiesPerCity)
	space := stemCount()
	for space < nCities+cfg.Counties {
		space += stemCount()
	}
	names := newPerm(r, space)
	counties := make([]county, 0, cfg.Counties)
	for ci, m := range perCity {
		cityCode := fmt.Sprintf("%s%02d", cfg.ProvinceCode, ci+1)
		cityName := stem(names.at(ci)) + "市"
		kinds := cityKinds(r, m, ci == 0)
		pos := positions(kinds)
		for k, kind := range kinds {
			counties = append(counties, county{
				code:     fmt.Sprintf("%s%02d", cityCode, kindCodes[kind][0]+pos[k]),
				name:     stem(names.at(nCities+len(counties))) + kindSuffix[kind],
				cityCode: cityCode + "00",
				cityName: cityName,
				kind:     kind,
			})
		}
	}
	for i, n := range apportion(cfg.Schools, weights(r, len(counties), 0.5), 0, maxSchoolsPerCounty) {
		counties[i].schools = n
	}
	markMissing(r, counties)
	return counties
}

// cityKinds draws the kinds of a city's m counties, in code order (districts, then
// counties, then county-level cities), never more of a kind than its code range
// holds. A provincial capital has more districts.
func cityKinds(r *rand.Rand, m int, capital bool) []countyKind {
	pDistrict := 0.25
	if capital {
		pDistrict = 0.5
	}
	var count [3]int
	for range m {
		k := kindCounty
		switch u := r.Float64(); {
		case u < pDistrict:
			k = kindDistrict
		case u < pDistrict+0.12:
			k = kindCity
		}
		// A full code range sends the county to the next kind with room.
		for count[k] >= kindCodes[k][1]-kindCodes[k][0]+1 {
			k = (k + 1) % 3
		}
		count[k]++
	}
	out := make([]countyKind, 0, m)
	for k, n := range count {
		for range n {
			out = append(out, countyKind(k))
		}
	}
	return out
}

// positions returns, for kinds in code order, each one's index within its kind.
func positions(kinds []countyKind) []int {
	out := make([]int, len(kinds))
	var seen [3]int
	for i, k := range kinds {
		out[i] = seen[k]
		seen[k]++
	}
	return out
}

// weights draws n log-normal weights with the given spread, kept within about 3× of
// the median either way.
func weights(r *rand.Rand, n int, sigma float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Exp(clamp(sigma*r.NormFloat64(), -1.15, 1.15))
	}
	return w
}

// apportion splits total into len(w) whole parts proportional to w, each within
// [lo, hi]; the caller ensures lo·n ≤ total ≤ hi·n.
func apportion(total int, w []float64, lo, hi int) []int {
	n := len(w)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	rest := total - lo*n
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	// Cumulative rounding: the parts add up to total exactly, with no sort.
	cum, prev := 0.0, 0
	for i, x := range w {
		cum += x
		next := int(math.Round(cum / sum * float64(rest)))
		out[i] = lo + next - prev
		prev = next
	}
	excess := 0
	for i := range out {
		if out[i] > hi {
			excess += out[i] - hi
			out[i] = hi
		}
	}
	for i := 0; excess > 0; i = (i + 1) % n {
		if out[i] < hi {
			out[i]++
			excess--
		}
	}
	return out
}

// markMissing leaves one or two facts of two counties empty in the last period, as
// real submissions do, once the province is big enough for that to be plausible.
func markMissing(r *rand.Rand, counties []county) {
	n := len(counties)
	if n < 5 {
		return
	}
	first := r.IntN(n)
	for _, i := range []int{first, (first + 1 + r.IntN(n-1)) % n} {
		for range 1 + r.IntN(2) {
			counties[i].missing |= 1 << r.IntN(nDrawnFacts)
		}
	}
}

func clamp(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }
