package engine_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"ziping/engine"
	"ziping/frameworks"
)

// docs/framework.schema.json is the framework format for editors. These tests keep
// it in step with the loader: its objects are exactly the YAML keys of the Go
// structs, its enums are the loader's, and the built-in frameworks validate against
// it. The module has no JSON Schema library, so schValidate below implements the
// keywords the schema uses and fails on any other.

const schemaFile = "../docs/framework.schema.json"

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", schemaFile, err)
	}
	if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", s["$schema"])
	}
	return s
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
	root := loadSchema(t)
	seen := map[reflect.Type]bool{}
	schCheckStruct(t, root, root, reflect.TypeFor[engine.Framework](), "", seen)
	for _, typ := range []reflect.Type{reflect.TypeFor[engine.Rule](), reflect.TypeFor[engine.Veto](), reflect.TypeFor[engine.SplitWeights]()} {
		if !seen[typ] {
			t.Errorf("the walk never reached %s", typ.Name())
		}
	}
}

func schCheckStruct(t *testing.T, root, node map[string]any, typ reflect.Type, path string, seen map[reflect.Type]bool) {
	t.Helper()
	if seen[typ] && strings.Contains(path, "/groups/") {
		return // Group holds groups: checked once is checked
	}
	seen[typ] = true
	node = schDeref(t, root, node)
	where := typ.Name() + " (" + schPath(path) + ")"
	if node["type"] != "object" || node["additionalProperties"] != false {
		t.Errorf("%s: want type object with additionalProperties false", where)
	}
	props, _ := node["properties"].(map[string]any)
	tags := map[string]reflect.StructField{}
	var required []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || name == "" {
			continue
		}
		tags[name] = f
		if opts != "omitempty" && !schNotRequired[typ.Name()+"."+name] {
			required = append(required, name)
		}
		if _, ok := props[name]; !ok {
			t.Errorf("%s: yaml key %q is not in the schema", where, name)
		}
	}
	for name := range props {
		if _, ok := tags[name]; !ok {
			t.Errorf("%s: schema property %q is not a yaml key of the struct", where, name)
		}
	}
	if got := schStrings(node["required"]); !schSameSet(got, required) {
		t.Errorf("%s: required = %v, want %v (the keys without omitempty)", where, schSorted(got), schSorted(required))
	}
	for _, name := range slices.Sorted(maps.Keys(tags)) {
		prop, ok := props[name].(map[string]any)
		if !ok {
			continue
		}
		schCheckField(t, root, prop, tags[name].Type, path+"/"+name, seen)
	}
}

func schCheckField(t *testing.T, root, prop map[string]any, ft reflect.Type, path string, seen map[reflect.Type]bool) {
	t.Helper()
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	types := schemaTypes(t, root, prop)
	want := map[reflect.Kind]string{reflect.String: "string", reflect.Float64: "number", reflect.Int: "integer",
		reflect.Bool: "boolean", reflect.Struct: "object", reflect.Slice: "array", reflect.Map: "object"}[ft.Kind()]
	if !slices.Contains(types, want) {
		t.Errorf("%s: schema type %v, want %s for Go %s", path, types, want, ft)
		return
	}
	switch ft.Kind() {
	case reflect.Struct:
		schCheckStruct(t, root, prop, ft, path, seen)
	case reflect.Slice:
		items, _ := schDeref(t, root, prop)["items"].(map[string]any)
		if items == nil {
			t.Errorf("%s: array without items", path)
			return
		}
		schCheckField(t, root, items, ft.Elem(), path+"/*", seen)
	case reflect.Map:
		ap, _ := schDeref(t, root, prop)["additionalProperties"].(map[string]any)
		if ap == nil {
			t.Errorf("%s: map without an additionalProperties schema", path)
			return
		}
		schCheckField(t, root, ap, ft.Elem(), path+"/*", seen)
	}
}

// schemaTypes is the JSON types a property allows: its type, or the types of its
// enum values.
func schemaTypes(t *testing.T, root, prop map[string]any) []string {
	prop = schDeref(t, root, prop)
	switch ty := prop["type"].(type) {
	case string:
		return []string{ty}
	case []any:
		return schStrings(ty)
	}
	var out []string
	for _, v := range schAnyList(prop["enum"]) {
		out = append(out, schJSONType(v)...)
	}
	return out
}

// TestSchemaEnums checks the schema's enums against the engine's constants and the
// loader: each value is accepted by Load, and the rule kinds and veto effects are
// exactly the exported constants.
func TestSchemaEnums(t *testing.T) {
	root := loadSchema(t)
	defs := root["$defs"].(map[string]any)
	enum := func(node any, key string) []string {
		return schStrings(schDeref(t, root, node.(map[string]any)["properties"].(map[string]any)[key].(map[string]any))["enum"])
	}
	kinds := enum(defs["rule"], "kind")
	if want := []string{engine.RuleThreshold, engine.RuleLinear, engine.RuleDeduct, engine.RuleChecklist, engine.RuleManual}; !schSameSet(kinds, want) {
		t.Errorf("rule kinds %v, want %v", kinds, want)
	}
	if got, want := enum(defs["veto"], "effect"), []string{engine.VetoFail, engine.VetoLower, engine.VetoCap}; !schSameSet(got, want) {
		t.Errorf("veto effects %v, want %v", got, want)
	}
	load := func(what, src string) {
		t.Helper()
		if _, err := engine.Load("enum.yaml", []byte(src)); err != nil {
			t.Errorf("%s: the loader rejects a value the schema allows: %v", what, err)
		}
	}
	for _, level := range schStrings(root["properties"].(map[string]any)["level"].(map[string]any)["enum"]) {
		load("level "+level, fmt.Sprintf(schEnumFW, level, "grade", `">="`, "fail"))
	}
	for _, kind := range enum(defs["grading"], "kind") {
		load("grading "+kind, fmt.Sprintf(schEnumFW, "county", kind, `">="`, "fail"))
	}
	for _, op := range schStrings(schDeref(t, root, defs["op"].(map[string]any))["enum"]) {
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
		for _, e := range schValidate(t, root, root, doc, "") {
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
			errs := schValidate(t, root, root, d, "")
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

// schValidate checks value v against schema node s and returns every error as
// "path: message". It implements the draft 2020-12 keywords the framework schema
// uses; any other keyword fails the test, so the schema cannot silently grow
// beyond what is checked.
func schValidate(t *testing.T, root, s map[string]any, v any, path string) []string {
	t.Helper()
	var errs []string
	fail := func(format string, args ...any) {
		errs = append(errs, schPath(path)+": "+fmt.Sprintf(format, args...))
	}
	obj, isObj := v.(map[string]any)
	arr, isArr := v.([]any)
	num, isNum := schNumber(v)
	for _, k := range slices.Sorted(maps.Keys(s)) {
		kv := s[k]
		switch k {
		case "$schema", "$id", "$comment", "$defs", "title", "description", "then", "else":
		case "$ref":
			errs = append(errs, schValidate(t, root, schDeref(t, root, map[string]any{"$ref": kv}), v, path)...)
		case "type":
			if !slices.ContainsFunc(schAnyOrList(kv), func(ty string) bool { return slices.Contains(schJSONType(v), ty) }) {
				fail("%v is %v, want %v", v, schJSONType(v), kv)
			}
		case "enum":
			if !slices.ContainsFunc(schAnyList(kv), func(e any) bool { return schEqual(e, v) }) {
				fail("%v is not one of %v", v, kv)
			}
		case "const":
			if !schEqual(kv, v) {
				fail("%v is not %v", v, kv)
			}
		case "properties":
			props := kv.(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(obj)) {
				if ps, ok := props[name]; ok {
					errs = append(errs, schValidate(t, root, ps.(map[string]any), obj[name], path+"/"+name)...)
				}
			}
		case "additionalProperties":
			props, _ := s["properties"].(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(obj)) {
				if _, ok := props[name]; ok {
					continue
				}
				switch ap := kv.(type) {
				case bool:
					if !ap {
						fail("unknown key %s", name)
					}
				case map[string]any:
					errs = append(errs, schValidate(t, root, ap, obj[name], path+"/"+name)...)
				}
			}
		case "propertyNames":
			for _, name := range slices.Sorted(maps.Keys(obj)) {
				for _, e := range schValidate(t, root, kv.(map[string]any), name, path) {
					fail("key %s: %s", name, strings.TrimPrefix(e, schPath(path)+": "))
				}
			}
		case "required":
			if isObj {
				for _, name := range schStrings(kv) {
					if _, ok := obj[name]; !ok {
						fail("missing %s", name)
					}
				}
			}
		case "items":
			for i, x := range arr {
				errs = append(errs, schValidate(t, root, kv.(map[string]any), x, fmt.Sprintf("%s/%d", path, i))...)
			}
		case "minItems":
			if isArr && float64(len(arr)) < kv.(float64) {
				fail("%d items, want at least %v", len(arr), kv)
			}
		case "minLength":
			if str, ok := v.(string); ok && float64(utf8.RuneCountInString(str)) < kv.(float64) {
				fail("%q is shorter than %v", str, kv)
			}
		case "pattern":
			if str, ok := v.(string); ok && !regexp.MustCompile(kv.(string)).MatchString(str) {
				fail("%s does not match %s", str, kv)
			}
		case "minimum":
			if isNum && num < kv.(float64) {
				fail("%v < %v", v, kv)
			}
		case "maximum":
			if isNum && num > kv.(float64) {
				fail("%v > %v", v, kv)
			}
		case "exclusiveMinimum":
			if isNum && num <= kv.(float64) {
				fail("%v ≤ %v", v, kv)
			}
		case "allOf":
			for _, sub := range schAnyList(kv) {
				errs = append(errs, schValidate(t, root, sub.(map[string]any), v, path)...)
			}
		case "oneOf":
			n := 0
			for _, sub := range schAnyList(kv) {
				if len(schValidate(t, root, sub.(map[string]any), v, path)) == 0 {
					n++
				}
			}
			if n != 1 {
				fail("matches %d of oneOf", n)
			}
		case "not":
			if len(schValidate(t, root, kv.(map[string]any), v, path)) == 0 {
				fail("matches a not")
			}
		case "if":
			branch := "else"
			if len(schValidate(t, root, kv.(map[string]any), v, path)) == 0 {
				branch = "then"
			}
			if sub, ok := s[branch].(map[string]any); ok {
				errs = append(errs, schValidate(t, root, sub, v, path)...)
			}
		default:
			t.Fatalf("schema keyword %q at %s is not implemented by the test's validator", k, schPath(path))
		}
	}
	return errs
}

// schDeref follows a local $ref ("#/$defs/name"); siblings of $ref are not merged
// (the struct check reads properties from the definition).
func schDeref(t *testing.T, root, node map[string]any) map[string]any {
	t.Helper()
	for {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		def, _ := root["$defs"].(map[string]any)[name].(map[string]any)
		if !ok || def == nil {
			t.Fatalf("unresolved $ref %q", ref)
		}
		node = def
	}
}

// schJSONType is the JSON types a decoded YAML value belongs to.
func schJSONType(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{"string"}
	case bool:
		return []string{"boolean"}
	case int:
		return []string{"integer", "number"}
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return []string{"integer", "number"}
		}
		return []string{"number"}
	case map[string]any:
		return []string{"object"}
	case []any:
		return []string{"array"}
	case nil:
		return []string{"null"}
	}
	return []string{fmt.Sprintf("%T", v)}
}

func schNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// schEqual compares a schema value (from JSON) with a YAML value; numbers by value.
func schEqual(a, b any) bool {
	if x, ok := schNumber(a); ok {
		y, ok := schNumber(b)
		return ok && x == y
	}
	return reflect.DeepEqual(a, b)
}

func schAnyList(v any) []any { l, _ := v.([]any); return l }

func schAnyOrList(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	return schStrings(v)
}

func schStrings(v any) []string {
	var out []string
	for _, x := range schAnyList(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func schSameSet(a, b []string) bool { return slices.Equal(schSorted(a), schSorted(b)) }

func schSorted(a []string) []string {
	a = slices.Clone(a)
	sort.Strings(a)
	return a
}

func schPath(path string) string {
	if path == "" {
		return "/"
	}
	return path
}
