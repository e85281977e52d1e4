package engine_test

import (
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/schematest"
)

// docs/framework.schema.json is the framework format for editors. These tests keep
// it in step with the loader: its objects are exactly the YAML keys of the Go
// structs, its enums are the loader's, and the built-in frameworks validate against
// it. The module has no JSON Schema library, so schValidate below implements the
// keywords the schema uses and fails on any other.

const schemaFile = "../docs/framework.schema.json"

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	return schematest.Load(t, schemaFile)
}

// schNotRequired are the keys without omitempty that the schema still leaves optional,
// because the loader accepts them missing.
var schNotRequired = map[string]bool{
	"Framework.metrics": true, // a framework of manual points needs no metric
	"Point.max":         true, // verdict frameworks derive it from the rules (grade ones: see the schema's if/then)
}

// TestSchemaMatchesStructs walks engine.Framework with reflect beside the schema:
// every yaml key of every struct is a property at the matching place and every
// property is a yaml key; objects reject unknown keys (the decoder uses KnownFields);
// required keys are those without omitempty; scalar types agree.
func TestSchemaMatchesStructs(t *testing.T) {
	seen := schematest.MatchStructs(t, loadSchema(t), reflect.TypeFor[engine.Framework](), schNotRequired)
	for _, typ := range []reflect.Type{reflect.TypeFor[engine.Rule](), reflect.TypeFor[engine.Veto](), reflect.TypeFor[engine.SplitWeights]()} {
		if !seen[typ] {
			t.Errorf("the walk never reached %s", typ.Name())
		}
	}
}

// TestSchemaEnums checks the schema's enums against the engine's constants and the
// loader: each value is accepted by Load, and the rule kinds and veto effects are
// exactly the exported constants.
func TestSchemaEnums(t *testing.T) {
	root := loadSchema(t)
	defs := root["$defs"].(map[string]any)
	enum := func(node any, key string) []string {
		return schematest.Strings(schematest.Deref(t, root, node.(map[string]any)["properties"].(map[string]any)[key].(map[string]any))["enum"])
	}
	kinds := enum(defs["rule"], "kind")
	if want := []string{engine.RuleThreshold, engine.RuleLinear, engine.RuleDeduct, engine.RuleChecklist, engine.RuleManual}; !schematest.SameSet(kinds, want) {
		t.Errorf("rule kinds %v, want %v", kinds, want)
	}
	if got, want := enum(defs["veto"], "effect"), []string{engine.VetoFail, engine.VetoLower, engine.VetoCap}; !schematest.SameSet(got, want) {
		t.Errorf("veto effects %v, want %v", got, want)
	}
	load := func(what, src string) {
		t.Helper()
		if _, err := engine.Load("enum.yaml", []byte(src)); err != nil {
			t.Errorf("%s: the loader rejects a value the schema allows: %v", what, err)
		}
	}
	for _, level := range schematest.Strings(root["properties"].(map[string]any)["level"].(map[string]any)["enum"]) {
		load("level "+level, fmt.Sprintf(schEnumFW, level, "grade", `">="`, "fail"))
	}
	for _, kind := range enum(defs["grading"], "kind") {
		load("grading "+kind, fmt.Sprintf(schEnumFW, "county", kind, `">="`, "fail"))
	}
	for _, op := range schematest.Strings(schematest.Deref(t, root, defs["op"].(map[string]any))["enum"]) {
		load("op "+op, fmt.Sprintf(schEnumFW, "county", "grade", `"`+op+`"`, "fail"))
	}
	for _, eff := range enum(defs["veto"], "effect") {
		load("effect "+eff, fmt.Sprintf(schEnumFW, "county", "grade", `">="`, eff))
	}
}

// schEnumFW is a small framework with the level, grading kind, op and veto effect left
// to fill in.
const schEnumFW = `id: e
name: 枚举
version: "1"
level: %s
grading: {kind: %s, bands: [{name: 合格, min: 60}, {name: 不合格, min: 0}]}
metrics:
  - {id: sat, name: 社会认可度, unit: "%%", expr: satisfaction}
areas:
  - code: A
    name: 甲
    points:
      - {code: "1", title: 认可度, max: 1, rules: [{kind: threshold, metric: sat, op: %s, value: 85}]}
vetoes:
  - {code: V1, title: 弄虚作假, effect: %s, grade: 合格, manual: true}
`

// TestSchemaValidatesBuiltins validates every built-in framework against the schema.
func TestSchemaValidatesBuiltins(t *testing.T) {
	root := loadSchema(t)
	files, err := fs.Glob(frameworks.FS, "*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no built-in frameworks: %v", err)
	}
	for _, f := range files {
		doc := schReadYAML(t, f)
		for _, e := range schematest.Validate(t, root, doc) {
			t.Errorf("%s: %s", f, e)
		}
	}
}

// TestSchemaRejects makes sure the validator and the schema catch what the loader
// catches by shape: each case breaks a valid built-in framework in one place.
func TestSchemaRejects(t *testing.T) {
	root := loadSchema(t)
	for _, tc := range []struct {
		name   string
		change func(d map[string]any)
		want   string
	}{
		{"unknown key", func(d map[string]any) { schPoint(d, 0, 0)["maxx"] = 2 }, "/areas/0/points/0: unknown key maxx"},
		{"bad rule kind", func(d map[string]any) { schRule(d, 0, 0, 0)["kind"] = "checklst" }, "/areas/0/points/0/rules/0/kind: checklst is not one of"},
		{"bad op", func(d map[string]any) { schRule(d, 1, 0, 0)["op"] = "=>" }, "/areas/1/points/0/rules/0/op: => is not one of"},
		{"threshold without op", func(d map[string]any) { delete(schRule(d, 1, 0, 0), "op") }, "/areas/1/points/0/rules/0: missing op"},
		{"metric on a checklist", func(d map[string]any) { schRule(d, 0, 0, 0)["metric"] = "x" }, "/areas/0/points/0/rules/0: matches a not"},
		{"grade point without max", func(d map[string]any) { delete(schPoint(d, 1, 1), "max") }, "/areas/1/points/1: missing max"},
		{"bad metric id", func(d map[string]any) { schIndex(d["metrics"], 0)["id"] = "1st" }, "/metrics/0/id: 1st does not match"},
		{"cap without grade", func(d map[string]any) { delete(schIndex(d["vetoes"], 0), "grade") }, "/vetoes/0: missing grade"},
		{"veto both manual and when", func(d map[string]any) { schIndex(d["vetoes"], 0)["when"] = "x" }, "/vetoes/0: matches 0 of oneOf"},
		{"unknown stage", func(d map[string]any) {
			schIndex(d["school_metrics"], 0)["standard"].(map[string]any)["大学"] = 1.0
		}, "/school_metrics/0/standard: key 大学: 大学 is not one of"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := schReadYAML(t, "lxzz-county.yaml").(map[string]any)
			tc.change(d)
			errs := schematest.Validate(t, root, d)
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.HasPrefix(e, tc.want) }) {
				t.Errorf("want an error starting %q, got %q", tc.want, errs)
			}
		})
	}
}

func schReadYAML(t *testing.T, file string) any {
	t.Helper()
	data, err := fs.ReadFile(frameworks.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return doc
}

func schIndex(v any, i int) map[string]any { return v.([]any)[i].(map[string]any) }

func schPoint(d map[string]any, area, pt int) map[string]any {
	return schIndex(schIndex(d["areas"], area)["points"], pt)
}

func schRule(d map[string]any, area, pt, r int) map[string]any {
	return schIndex(schPoint(d, area, pt)["rules"], r)
}
