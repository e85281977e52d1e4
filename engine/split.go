package engine

// SplitWeights are the student weights used to split the facility values of a
// combined school (一贯制学校, 完全中学) between its stages (DOMAIN.md §2.2): a junior
// student counts 1.1 primary students in a nine-year school, a senior student 1.2
// junior students in a complete middle school, and 1 : 1.1 : 1.32 in a twelve-year one.
type SplitWeights struct {
	NineJunior     float64 `yaml:"nine_junior" json:"nine_junior"`
	CompleteSenior float64 `yaml:"complete_senior" json:"complete_senior"`
	TwelveJunior   float64 `yaml:"twelve_junior" json:"twelve_junior"`
	TwelveSenior   float64 `yaml:"twelve_senior" json:"twelve_senior"`
}

// DefaultSplitWeights returns the weights of DOMAIN.md §2.2.
func DefaultSplitWeights() SplitWeights {
	return SplitWeights{NineJunior: 1.1, CompleteSenior: 1.2, TwelveJunior: 1.1, TwelveSenior: 1.32}
}

// Shares returns the facility share of each stage (primary, junior, senior) of a
// combined school of type t with a, b, c students in the three stages. Shares of the
// stages a school type does not have are zero; they add up to 1 unless all counts are 0.
//
// Nine-year: primary A/(A+1.1B), junior 1.1B/(A+1.1B). Complete: junior B/(B+1.2C),
// senior 1.2C/(B+1.2C). Twelve-year: A/(A+1.1B+1.32C), 1.1B/(…), 1.32C/(…).
func (w SplitWeights) Shares(t SchoolType, a, b, c float64) (p, j, s float64) {
	var wa, wb, wc float64
	switch t {
	case TypeNineYear:
		wa, wb = a, w.NineJunior*b
	case TypeComplete:
		wb, wc = b, w.CompleteSenior*c
	case TypeTwelveYear:
		wa, wb, wc = a, w.TwelveJunior*b, w.TwelveSenior*c
	default:
		return 0, 0, 0
	}
	tot := wa + wb + wc
	if tot == 0 {
		return 0, 0, 0
	}
	return wa / tot, wb / tot, wc / tot
}
