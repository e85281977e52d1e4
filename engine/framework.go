package engine

// Framework is an indicator framework (评价体系) as written in its YAML file. The
// file format is documented in docs/frameworks.md; Compile checks it and turns it
// into something that evaluates.
type Framework struct {
	ID          string `yaml:"id" json:"id"`
	Name        string `yaml:"name" json:"name"`
	Version     string `yaml:"version" json:"version"`
	Level       string `yaml:"level" json:"level"` // the unit level it evaluates: county, city, school, kindergarten
	Basis       string `yaml:"basis,omitempty" json:"basis,omitempty"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`

	Grading Grading       `yaml:"grading" json:"grading"`
	Split   *SplitWeights `yaml:"split_weights,omitempty" json:"split_weights,omitempty"`
	// Levels names the levels of the indicator tree, the area's first and the
	// points' last (一级指标, 二级指标, 考查要点); see LevelNames for the default.
	Levels []string `yaml:"levels,omitempty" json:"levels,omitempty"`
	// Lowering says how triggered grade-lowering vetoes combine: each (their steps
	// add up, the default) or once (the grade drops once, by the largest steps).
	Lowering string `yaml:"lowering,omitempty" json:"lowering,omitempty"`
	// Scope names a filter: the units assessed are those with a row passing it (a
	// school framework of compulsory education leaves senior high schools out).
	Scope string `yaml:"scope,omitempty" json:"scope,omitempty"`

	Filters       []Filter       `yaml:"filters,omitempty" json:"filters,omitempty"`
	SchoolMetrics []SchoolMetric `yaml:"school_metrics,omitempty" json:"school_metrics,omitempty"`
	SchoolChecks  []SchoolCheck  `yaml:"school_checks,omitempty" json:"school_checks,omitempty"`
	Metrics       []Metric       `yaml:"metrics" json:"metrics"`
	Areas         []Area         `yaml:"areas" json:"areas"`
	Bonus         *Bonus         `yaml:"bonus,omitempty" json:"bonus,omitempty"`
	Vetoes        []Veto         `yaml:"vetoes,omitempty" json:"vetoes,omitempty"`

	// ScorePrecision is the decimals of scores (precision.go); derived when absent.
	ScorePrecision *int `yaml:"precision,omitempty" json:"precision,omitempty"`
	// Report words the self-evaluation report (report_text.go).
	Report *ReportText `yaml:"report,omitempty" json:"report,omitempty"`

	File string `yaml:"-" json:"-"` // where it was loaded from, for error messages

	tree             treeInfo // filled by Compile: depth, level names, each point's path
	derivedPrecision int      // Precision()+1 once compiled; 0 before
}

// Unit levels a framework may evaluate (Framework.Level).
const (
	LevelCounty       = "county"       // 县级: counties, with their schools
	LevelCity         = "city"         // 市级: cities, with the schools of their counties
	LevelSchool       = "school"       // 学校: each school, with its stage rows (kindergartens excluded)
	LevelKindergarten = "kindergarten" // 幼儿园: each kindergarten
)

// How triggered grade-lowering vetoes combine (Framework.Lowering).
const (
	LoweringEach = "each" // every triggered lowering applies: their steps add up
	LoweringOnce = "once" // the grade drops once, by the largest steps of those triggered
)

// Grading turns a total into a grade (kind "grade": bands by minimum score) or a
// pass/fail verdict (kind "verdict": every point must pass).
type Grading struct {
	Kind  string `yaml:"kind" json:"kind"`
	Bands []Band `yaml:"bands,omitempty" json:"bands,omitempty"`
	Pass  string `yaml:"pass,omitempty" json:"pass,omitempty"`
	Fail  string `yaml:"fail,omitempty" json:"fail,omitempty"`
}

// Band is a grade with the minimum total that earns it; bands are listed best first.
type Band struct {
	Name string  `yaml:"name" json:"name"`
	Min  float64 `yaml:"min" json:"min"`
}

// Filter is a named school-level condition, e.g. resource_scope.
type Filter struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	Expr string `yaml:"expr" json:"expr"`
	Line int    `yaml:"-" json:"-"`
}

// SchoolMetric is a named per-school value, e.g. equipment_value_per_student, with an
// optional minimum standard by stage (小学/初中) used by school checks.
type SchoolMetric struct {
	ID       string             `yaml:"id" json:"id"`
	Name     string             `yaml:"name" json:"name"`
	Unit     string             `yaml:"unit,omitempty" json:"unit,omitempty"`
	Decimals *int               `yaml:"decimals,omitempty" json:"decimals,omitempty"`
	Expr     string             `yaml:"expr" json:"expr"`
	Standard map[string]float64 `yaml:"standard,omitempty" json:"standard,omitempty"`
	Line     int                `yaml:"-" json:"-"`
}

// SchoolCheck is a per-school threshold check over several school metrics: a school
// passes when at least MinMet of them reach their stage standard and none is below
// Floor times its standard (教督〔2017〕6号: 6 of 7, the rest ≥ 85%).
type SchoolCheck struct {
	ID      string   `yaml:"id" json:"id"`
	Name    string   `yaml:"name" json:"name"`
	Metrics []string `yaml:"metrics" json:"metrics"`
	MinMet  int      `yaml:"min_met" json:"min_met"`
	Floor   float64  `yaml:"floor" json:"floor"`
	Line    int      `yaml:"-" json:"-"`
}

// Metric is a unit-level value computed by an expression, with a stable id such as
// primary.cv.equipment_value_per_student.
type Metric struct {
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name" json:"name"`
	Unit     string `yaml:"unit,omitempty" json:"unit,omitempty"`
	Decimals *int   `yaml:"decimals,omitempty" json:"decimals,omitempty"`
	Expr     string `yaml:"expr" json:"expr"`
	Note     string `yaml:"note,omitempty" json:"note,omitempty"`
	Line     int    `yaml:"-" json:"-"`
}

// Area is a first-level indicator (一级指标) with its measurement points, or with
// groups of lower-level indicators (二级指标 …) that hold the points.
//
// Compile moves the points of an area's groups into Points, depth first in the
// order written, so that Points is always every leaf of the area: code that scores
// or lists points needs no tree. Each Group then spans Points[Lo:Hi].
type Area struct {
	Code   string  `yaml:"code" json:"code"`
	Name   string  `yaml:"name" json:"name"`
	Max    float64 `yaml:"max,omitempty" json:"max,omitempty"` // 0: the sum of its children
	Groups []Group `yaml:"groups,omitempty" json:"groups,omitempty"`
	Points []Point `yaml:"points,omitempty" json:"points"`
	Line   int     `yaml:"-" json:"-"`

	flat bool // Compile has moved the groups' points into Points
}

// Group is an indicator between an area and its points (二级指标, 三级指标 …). It
// holds either lower groups or points. Its score is the sum of its children's, at
// most Max; Max 0 means the sum of the children's maxima.
type Group struct {
	Code     string  `yaml:"code" json:"code"`
	Name     string  `yaml:"name" json:"name"`
	Max      float64 `yaml:"max,omitempty" json:"max,omitempty"`
	Standard string  `yaml:"standard,omitempty" json:"standard,omitempty"`
	Groups   []Group `yaml:"groups,omitempty" json:"groups,omitempty"`
	Points   []Point `yaml:"points,omitempty" json:"points,omitempty"` // moved into Area.Points by Compile
	Line     int     `yaml:"-" json:"-"`

	// Lo and Hi bound the group's points in Area.Points, after Compile.
	Lo, Hi int `yaml:"-" json:"-"`

	codes []string // the codes of its points, shared by every result
}

// Point is a measurement point (测评点).
type Point struct {
	Code     string   `yaml:"code" json:"code"`
	Title    string   `yaml:"title" json:"title"`
	Max      float64  `yaml:"max" json:"max"`
	Standard string   `yaml:"standard,omitempty" json:"standard,omitempty"`
	Evidence []string `yaml:"evidence,omitempty" json:"evidence,omitempty"`
	Rules    []Rule   `yaml:"rules" json:"rules"`
	Line     int      `yaml:"-" json:"-"`

	path string // how sentences name it (Framework.PointPath), set by Compile
}

// Rule kinds.
const (
	RuleThreshold = "threshold"
	RuleLinear    = "linear"
	RuleDeduct    = "deduct"
	RuleChecklist = "checklist"
	RuleManual    = "manual"
)

// Rule scores one part of a point. Points is the rule's share of the point's maximum
// (the whole maximum when the point has one rule); the rule loses between 0 and Points.
type Rule struct {
	Kind   string  `yaml:"kind" json:"kind"`
	Label  string  `yaml:"label,omitempty" json:"label,omitempty"`
	Metric string  `yaml:"metric,omitempty" json:"metric,omitempty"`
	Points float64 `yaml:"points,omitempty" json:"points,omitempty"`
	Reason string  `yaml:"reason,omitempty" json:"reason,omitempty"`

	// threshold
	Op      string  `yaml:"op,omitempty" json:"op,omitempty"`
	Value   float64 `yaml:"value,omitempty" json:"value,omitempty"`
	Partial []Step  `yaml:"partial,omitempty" json:"partial,omitempty"`
	// linear: the score goes from 0 at Zero to Points at Full (either direction)
	Zero *float64 `yaml:"zero,omitempty" json:"zero,omitempty"`
	Full *float64 `yaml:"full,omitempty" json:"full,omitempty"`
	// linear: the score is rounded down to a multiple of Round (0.01 when not given)
	Round float64 `yaml:"round,omitempty" json:"round,omitempty"`
	// deduct: Per points for each counted case, at most Points in all
	Per float64 `yaml:"per,omitempty" json:"per,omitempty"`
	// checklist
	Items []Item `yaml:"items,omitempty" json:"items,omitempty"`

	Line int `yaml:"-" json:"-"`
}

// Step is a partial score of a threshold rule: Score points when the metric meets
// Op Value. Steps are tried in order after the full threshold fails.
type Step struct {
	Op    string  `yaml:"op,omitempty" json:"op,omitempty"`
	Value float64 `yaml:"value" json:"value"`
	Score float64 `yaml:"score" json:"score"`
}

// Item is one weighted item of a checklist rule.
type Item struct {
	ID     string  `yaml:"id" json:"id"`
	Text   string  `yaml:"text" json:"text"`
	Weight float64 `yaml:"weight" json:"weight"`
}

// Bonus holds the bonus items (加分项) and the cap on their total.
type Bonus struct {
	Cap   float64 `yaml:"cap" json:"cap"`
	Items []Point `yaml:"items" json:"items"`
	Line  int     `yaml:"-" json:"-"`
}

// Veto effects.
const (
	VetoFail  = "fail"  // the verdict fails / the grade becomes the lowest band
	VetoLower = "lower" // the grade drops by Steps bands
	VetoCap   = "cap"   // the grade can be at best Grade (e.g. 不得评为优秀 → cap 良好)
)

// Veto is a veto item (一票否决) or a grade-lowering condition. It triggers when its
// metric is non-zero (When), or by a person's decision when Manual.
type Veto struct {
	Code   string `yaml:"code" json:"code"`
	Title  string `yaml:"title" json:"title"`
	Effect string `yaml:"effect" json:"effect"`
	Grade  string `yaml:"grade,omitempty" json:"grade,omitempty"`
	Steps  int    `yaml:"steps,omitempty" json:"steps,omitempty"`
	When   string `yaml:"when,omitempty" json:"when,omitempty"`
	Manual bool   `yaml:"manual,omitempty" json:"manual,omitempty"`
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
	Line   int    `yaml:"-" json:"-"`
}

// IsVerdict reports whether the framework yields a pass/fail verdict rather than a
// graded total.
func (f *Framework) IsVerdict() bool { return f.Grading.Kind == "verdict" }

// MaxTotal is the sum of the areas' maxima (without bonus): the sum of the points'
// maxima, less what the caps of areas and groups take off.
func (f *Framework) MaxTotal() float64 {
	var t float64
	for i := range f.Areas {
		a := &f.Areas[i]
		if a.Max > 0 || len(a.Groups) > 0 {
			t += a.MaxScore()
			continue
		}
		for j := range a.Points {
			t += a.Points[j].Max // point by point, as ever: the same float sum
		}
	}
	return t
}
