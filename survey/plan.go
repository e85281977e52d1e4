package survey

import (
	"fmt"
	"math"
	"sort"
)

// Areas are where respondents live, in the order plans list them.
var Areas = []string{"城区", "镇区", "乡村"}

// PlanInput is what a sample plan is made from: the county's resident population,
// its split over 城区/镇区/乡村 (all zero: not split), and the schools and
// kindergartens whose enrolment spreads the school-based groups.
type PlanInput struct {
	Population int64
	Urban      int64
	Town       int64
	Rural      int64
	Schools    []PlanSchool
}

// PlanSchool is a school or kindergarten with its enrolment.
type PlanSchool struct {
	Code, Name   string
	Kindergarten bool
	Students     int64
}

// Plan is the required sample and its quotas.
type Plan struct {
	Survey     string      `json:"survey"`
	Population int64       `json:"population"`
	Rule       string      `json:"rule"` // how Total was found, in Chinese
	Total      int         `json:"total"`
	Groups     []GroupPlan `json:"groups"`
}

// GroupPlan is a group's quota, by area and by school.
type GroupPlan struct {
	Group   string         `json:"group"`
	Name    string         `json:"name"`
	Share   float64        `json:"share"`
	AtLeast bool           `json:"at_least,omitempty"`
	Quota   int            `json:"quota"`
	Areas   map[string]int `json:"areas,omitempty"`
	Schools []SchoolQuota  `json:"schools,omitempty"`
}

// SchoolQuota is one school's part of a group's quota.
type SchoolQuota struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Students int64  `json:"students"`
	Quota    int    `json:"quota"`
}

// SampleSize is the sample the rule asks of a population, and the rule in words.
// A per-mille is rounded up (the sample must reach it); a band's lower bound
// belongs to it (exactly 200,000 people is the 200,000–400,000 band).
func (r *PlanRule) SampleSize(pop int64) (int, string) {
	if len(r.Bands) > 0 {
		lo := int64(0)
		for _, b := range r.Bands {
			if b.Below == 0 || pop < b.Below {
				if b.Below == 0 {
					return b.Size, fmt.Sprintf("常住人口%s及以上，取%d份", wan(lo), b.Size)
				}
				return b.Size, fmt.Sprintf("常住人口%s至%s（不含），取%d份", wan(lo), wan(b.Below), b.Size)
			}
			lo = b.Below
		}
	}
	// pop × ‰ in integers of millionths, so that 400,000 × 1.5‰ is 600 exactly.
	micro := int64(math.Round(r.PerMille * 1000))
	n := int((pop*micro + 999_999) / 1_000_000)
	rule := fmt.Sprintf("常住人口%d人×%g‰＝%d份", pop, r.PerMille, n)
	if n < r.Minimum {
		n = r.Minimum
		rule += fmt.Sprintf("，不足%d份取%d份", r.Minimum, r.Minimum)
	}
	return n, rule
}

// wan writes a population in 万.
func wan(n int64) string {
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf("%g万", float64(n)/10000)
}

// MakePlan computes the sample and its quotas: per group by its share, each group
// over the areas in proportion to their population, and a school-based group over
// its schools (or kindergartens) by enrolment. Every split rounds by largest
// remainders, so that the parts add up to the whole exactly.
func (f *File) MakePlan(in PlanInput) (*Plan, error) {
	if in.Population <= 0 {
		return nil, fmt.Errorf("常住人口应为正整数")
	}
	if in.Urban < 0 || in.Town < 0 || in.Rural < 0 {
		return nil, fmt.Errorf("城区、镇区、乡村人口不能为负")
	}
	if s := in.Urban + in.Town + in.Rural; s > 0 && s != in.Population {
		return nil, fmt.Errorf("城区、镇区、乡村人口之和（%d）应等于常住人口（%d）", s, in.Population)
	}
	total, rule := f.Plan.SampleSize(in.Population)
	p := &Plan{Survey: f.ID, Population: in.Population, Rule: rule, Total: total}
	shares := make([]float64, len(f.Groups))
	for i, g := range f.Groups {
		shares[i] = g.Share
	}
	quotas := LargestRemainder(total, shares)
	for i, g := range f.Groups {
		gp := GroupPlan{Group: g.ID, Name: g.Name, Share: g.Share, AtLeast: g.AtLeast, Quota: quotas[i]}
		if in.Urban+in.Town+in.Rural > 0 {
			a := LargestRemainder(gp.Quota, []float64{float64(in.Urban), float64(in.Town), float64(in.Rural)})
			gp.Areas = map[string]int{Areas[0]: a[0], Areas[1]: a[1], Areas[2]: a[2]}
		}
		if g.Schools != "" {
			gp.Schools = schoolQuotas(gp.Quota, in.Schools, g.Schools == AtKindergartens)
		}
		p.Groups = append(p.Groups, gp)
	}
	return p, nil
}

func schoolQuotas(quota int, schools []PlanSchool, kg bool) []SchoolQuota {
	var list []PlanSchool
	var weights []float64
	for _, s := range schools {
		if s.Kindergarten == kg && s.Students > 0 {
			list = append(list, s)
			weights = append(weights, float64(s.Students))
		}
	}
	if len(list) == 0 {
		return nil
	}
	q := LargestRemainder(quota, weights)
	out := make([]SchoolQuota, len(list))
	for i, s := range list {
		out[i] = SchoolQuota{Code: s.Code, Name: s.Name, Students: s.Students, Quota: q[i]}
	}
	return out
}

// LargestRemainder splits n in proportion to weights into whole numbers that add
// up to n (Hamilton's method): each part's floor, then one more to the largest
// remainders, ties to the earlier part. All-zero weights give n to nobody but the
// first part.
func LargestRemainder(n int, weights []float64) []int {
	out := make([]int, len(weights))
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	if len(weights) == 0 {
		return out
	}
	if sum <= 0 {
		out[0] = n
		return out
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(weights))
	given := 0
	for i, w := range weights {
		exact := float64(n) * w / sum
		fl := math.Floor(exact + 1e-9)
		out[i] = int(fl)
		given += out[i]
		rems[i] = rem{i, exact - fl}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r+1e-12 })
	for k := 0; given < n; k = (k + 1) % len(rems) {
		out[rems[k].i]++
		given++
	}
	return out
}
